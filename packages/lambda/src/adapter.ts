import type { TestDoubleAdapter } from '@harness/core';
import { parseLambdaConfig, type LambdaConfig } from './config.js';
import { createLambdaIntegration } from './local/integration.js';
import { createLambdaMockApi, type LambdaMockApi } from './mock.js';
import { lambdaArtifacts, lambdaTemplate } from './template.js';

/** The Lambda adapter's type: a {@link TestDoubleAdapter} whose local integrations are always there. */
export type LambdaAdapter = TestDoubleAdapter<'lambda', LambdaConfig, LambdaMockApi> &
  Required<Pick<TestDoubleAdapter<'lambda', LambdaConfig, LambdaMockApi>, 'localIntegrations'>>;

/**
 * The Lambda adapter: `harness.lambda` to decide what each function
 * invocation returns or throws; the aws target's function doubles (template
 * and code); and the local target's Step Functions → Lambda integration
 * (`lambda:invoke`, `lambda:invoke.waitForTaskToken`, function ARNs).
 *
 * @example
 * const harness = await createHarness({ adapters: [lambdaAdapter, stepFunctionsAdapter] });
 * const chargeCard = await harness.lambda.mockFunction('ChargeCard', ({ amount }: { amount: number }) => ({ charged: amount }));
 */
export const lambdaAdapter: LambdaAdapter = {
  name: 'lambda',
  parseConfig: parseLambdaConfig,
  template: lambdaTemplate,
  artifacts: lambdaArtifacts,
  createApi: (session, config) => createLambdaMockApi(session, config),
  localIntegrations: (config, context) => [createLambdaIntegration(config, context)],
};

/** The name the CLI and the adapter registry look for in every adapter package. */
export const harnessAdapter = lambdaAdapter;
