import type { Artifact, CloudFormationTemplate, TemplateContext, TestDoubleAdapter } from '@harness/core';
import { parseLambdaConfig, type LambdaConfig } from './config.js';
import { LambdaNotSupportedError } from './errors.js';
import { createLambdaIntegration } from './local/integration.js';
import { createLambdaMockApi, type LambdaMockApi } from './mock.js';

/**
 * The Lambda doubles' CloudFormation template. Not in this version: the
 * aws-target Lambda doubles come later, and the local target deploys nothing.
 */
export function lambdaTemplate(_config: LambdaConfig, context: TemplateContext): CloudFormationTemplate {
  throw new LambdaNotSupportedError(
    `Cannot deploy Lambda doubles for stack ${context.stackName}: Lambda doubles deploy to AWS in a later version of @harness/lambda. ` +
      'The local target needs no deploy: run the tests with HARNESS_TARGET=local (the default). ' +
      'To fix this, leave lambda out of `harness deploy` (e.g. `npx harness deploy --adapters ecs`).',
  );
}

/** Files the Lambda doubles need uploaded: none yet (the aws-target double's code comes with its template). */
export async function lambdaArtifacts(_config: LambdaConfig): Promise<readonly Artifact[]> {
  return [];
}

/** The Lambda adapter's type: a {@link TestDoubleAdapter} whose local integrations are always there. */
export type LambdaAdapter = TestDoubleAdapter<'lambda', LambdaConfig, LambdaMockApi> &
  Required<Pick<TestDoubleAdapter<'lambda', LambdaConfig, LambdaMockApi>, 'localIntegrations'>>;

/**
 * The Lambda adapter: `harness.lambda` to decide what each function
 * invocation returns or throws, and the local target's Step Functions →
 * Lambda integration (`lambda:invoke`, `lambda:invoke.waitForTaskToken`,
 * function ARNs).
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
