import { HarnessError, type TemplateContext } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { harnessAdapter, lambdaAdapter } from '../../src/adapter.js';
import { parseLambdaConfig } from '../../src/config.js';
import { LambdaNotSupportedError } from '../../src/errors.js';
import * as lambda from '../../src/index.js';
import { fakeContext, fakeSession, fakeTask } from '../helpers/fakes.js';

const templateContext: TemplateContext = {
  stackName: 'hx',
  core: { routesTable: 'hx-routes', resultsTable: 'hx-results', artifactsBucket: 'hx-artifacts' },
  artifacts: {},
};

describe('Object: lambdaAdapter', () => {
  it('is the harnessAdapter the registry looks for, named lambda', () => {
    // Act + Assert
    expect(harnessAdapter).toBe(lambdaAdapter);
    expect(lambdaAdapter.name).toBe('lambda');
    expect(lambdaAdapter.parseConfig({ functions: { ChargeCard: {} } }).functions.ChargeCard?.memoryMb).toBe(256);
  });

  it('has no artifacts to upload', async () => {
    // Act
    const artifacts = await lambdaAdapter.artifacts(parseLambdaConfig({}));

    // Assert
    expect(artifacts).toEqual([]);
  });

  it('refuses to make a template, saying the aws-target doubles come later and local needs no deploy', () => {
    // Act
    let thrown: unknown;
    try {
      lambdaAdapter.template(parseLambdaConfig({}), templateContext);
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(LambdaNotSupportedError);
    expect(thrown).toBeInstanceOf(HarnessError);
    expect((thrown as Error).message).toMatchInlineSnapshot(`"Cannot deploy Lambda doubles for stack hx: Lambda doubles deploy to AWS in a later version of @harness/lambda. The local target needs no deploy: run the tests with HARNESS_TARGET=local (the default). To fix this, leave lambda out of \`harness deploy\` (e.g. \`npx harness deploy --adapters ecs\`)."`);
  });

  it('gives one local integration that reaches the mocks of the same session', async () => {
    // Arrange
    const session = fakeSession();
    const config = parseLambdaConfig({});
    const api = lambdaAdapter.createApi(session, config);
    const integrations = lambdaAdapter.localIntegrations(config, fakeContext(session));
    await api.mockFunction('ChargeCard', () => ({ charged: true }));

    // Act
    const output = await integrations[0]?.invoke(fakeTask('arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard', {}));

    // Assert
    expect(integrations.map((integration) => integration.name)).toEqual(['lambda']);
    expect(output).toEqual({ charged: true });
  });
});

describe('Module: index', () => {
  it('names every public export explicitly', () => {
    // Act
    const names = Object.keys(lambda).sort();

    // Assert
    expect(names).toEqual([
      'DEFAULT_ARN_PARTS',
      'FUNCTION_NAME_PATTERN',
      'InvalidLambdaTaskError',
      'LAMBDA_DEFAULTS',
      'LAMBDA_LIMITS',
      'LAMBDA_RUNTIMES',
      'LAMBDA_SERVICE_RESOURCES',
      'LambdaCallbackError',
      'LambdaConfigError',
      'LambdaFunctionError',
      'LambdaHandlerResultError',
      'LambdaNotSupportedError',
      'LambdaTaskFailedError',
      'STEP_FUNCTIONS_LIMITS',
      'UnknownLambdaFunctionError',
      'createLambdaIntegration',
      'createLambdaMockApi',
      'errorDocumentOf',
      'fail',
      'functionArn',
      'functionErrorCause',
      'harnessAdapter',
      'isFunctionError',
      'isLambdaResultValue',
      'lambdaAdapter',
      'lambdaArtifacts',
      'lambdaTaskMode',
      'lambdaTemplate',
      'parseFunctionArn',
      'parseFunctionName',
      'parseLambdaConfig',
    ]);
  });
});
