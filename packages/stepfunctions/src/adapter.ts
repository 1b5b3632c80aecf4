import type { TestDoubleAdapter } from '@harness/core';
import { createStepFunctionsApi, type StepFunctionsApi } from './api.js';
import { parseStepFunctionsConfig, type StepFunctionsConfig } from './config.js';
import { createStepFunctionsIntegration } from './integration.js';
import { stepFunctionsTemplate } from './template.js';

/**
 * The Step Functions adapter: `harness.stepFunctions` runs workflows on the
 * local target and mocks the state machines they start; its local integration
 * answers `states:startExecution…` and `aws-sdk:sfn:sendTask*` states. On the
 * aws target it deploys one state machine double per configured name.
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
  template: stepFunctionsTemplate,
  // The doubles are pure ASL: nothing to upload.
  artifacts: async () => [],
  // Without state machine doubles the adapter still runs deployed workflows: no stack needed.
  hasDoubles: (config) => Object.keys(config.stateMachines).length > 0,
  createApi: createStepFunctionsApi,
  localIntegrations: (_config, context) => [createStepFunctionsIntegration(context)],
};

/** The name the CLI and the adapter registry look for in every adapter package. */
export const harnessAdapter = stepFunctionsAdapter;
