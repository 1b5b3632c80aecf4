import type { TestDoubleAdapter } from '@harness/core';
import { createStepFunctionsApi, type StepFunctionsApi } from './api.js';
import { parseStepFunctionsConfig, type StepFunctionsConfig } from './config.js';
import { LocalTargetOnlyError } from './errors.js';
import { createStepFunctionsIntegration } from './integration.js';

/**
 * The Step Functions adapter: `harness.stepFunctions` runs workflows on the
 * local target and mocks the state machines they start; its local integration
 * answers `states:startExecution…` and `aws-sdk:sfn:sendTask*` states.
 *
 * @example
 * const harness = await createHarness({ adapters: [stepFunctionsAdapter, ecsAdapter] });
 * harness.stepFunctions.registerDefinition('OrderFlow', './order-flow.asl.json');
 * const run = await harness.stepFunctions.execute('OrderFlow', { orderId: 'o-1' });
 */
export const stepFunctionsAdapter: TestDoubleAdapter<'stepfunctions', StepFunctionsConfig, StepFunctionsApi, 'stepFunctions'> = {
  name: 'stepfunctions',
  apiName: 'stepFunctions',
  parseConfig: parseStepFunctionsConfig,
  template() {
    throw new LocalTargetOnlyError(
      'The Step Functions doubles deploy in a later version of @harness/stepfunctions, and the local target (the default) needs no deploy. ' +
        'To fix this, leave stepfunctions out of the adapters you deploy (`npx harness deploy --adapters ecs`) and run workflows with harness.stepFunctions.execute on the local target.',
    );
  },
  artifacts: async () => [],
  createApi: createStepFunctionsApi,
  localIntegrations: (_config, context) => [createStepFunctionsIntegration(context)],
};

/** The name the CLI and the adapter registry look for in every adapter package. */
export const harnessAdapter = stepFunctionsAdapter;
