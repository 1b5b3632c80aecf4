import { readLambdaArtifact } from '@harness/container-agent';
import type { TemplateContext } from '@harness/core';
import { createFakeSession, describeAdapterContract } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { harnessAdapter, lambdaAdapter } from '../../src/adapter.js';
import { parseLambdaConfig } from '../../src/config.js';
import * as lambda from '../../src/index.js';
import { fakeTask } from '../helpers/fakes.js';

const templateContext: TemplateContext = {
  stackName: 'hx',
  core: { routesTable: 'hx-routes', resultsTable: 'hx-results', artifactsBucket: 'hx-artifacts' },
  artifacts: { 'lambda-double': { key: 'agents/lambda-double-abc.zip', sha256: 'abc' } },
};

describe('Object: lambdaAdapter', () => {
  it('is the harnessAdapter the registry looks for, named lambda', () => {
    // Act + Assert
    expect(harnessAdapter).toBe(lambdaAdapter);
    expect(lambdaAdapter.name).toBe('lambda');
    expect(lambdaAdapter.parseConfig({ functions: { ChargeCard: {} } }).functions.ChargeCard?.memoryMb).toBe(256);
  });

  it('uploads the zipped Lambda double, content-addressed', async () => {
    // Act
    const artifacts = await lambdaAdapter.artifacts(parseLambdaConfig({}));

    // Assert
    const { body, sha256 } = readLambdaArtifact();
    expect(artifacts).toEqual([{ name: 'lambda-double', key: `agents/lambda-double-${sha256}.zip`, body, sha256, contentType: 'application/zip' }]);
  });

  it('makes a template with one function double per configured function', () => {
    // Act
    const template = lambdaAdapter.template(parseLambdaConfig({ functions: { ChargeCard: {} } }), templateContext);

    // Assert
    expect(template.Resources.FunctionChargeCard?.Type).toBe('AWS::Lambda::Function');
    expect(Object.keys(template.Outputs ?? {})).toEqual(['FunctionArnChargeCard']);
  });

  it('gives one local integration that reaches the mocks of the same session', async () => {
    // Arrange
    const session = createFakeSession();
    const config = parseLambdaConfig({});
    const api = lambdaAdapter.createApi(session, config);
    const integrations = lambdaAdapter.localIntegrations(config, session.context);
    await api.mockFunction('ChargeCard', () => ({ charged: true }));

    // Act
    const output = await integrations[0]?.invoke(fakeTask('arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard', {}));

    // Assert
    expect(integrations.map((integration) => integration.name)).toEqual(['lambda']);
    expect(output).toEqual({ charged: true });
  });
});

describeAdapterContract(lambdaAdapter, {
  describe,
  it,
  config: { functions: { ChargeCard: {} } },
  invalidConfigs: [
    { config: { functions: ['ChargeCard'] }, field: 'adapters.lambda.functions' },
    { config: { functions: { 'Charge Card': {} } }, field: 'adapters.lambda.functions' },
    { config: { functions: { ChargeCard: { memoryMb: 64 } } }, field: 'adapters.lambda.functions.ChargeCard.memoryMb' },
  ],
  resources: [
    'arn:aws:states:::lambda:invoke',
    'arn:aws:states:::lambda:invoke.waitForTaskToken',
    'arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard',
  ],
  outputs: { FunctionArnChargeCard: 'arn:aws:lambda:us-east-1:123456789012:function:ChargeCard' },
  mock: (api) => api.mockFunction('ChargeCard', () => ({ charged: true })),
});

describe('Module: index', () => {
  it('names every public export explicitly', () => {
    // Act
    const names = Object.keys(lambda).sort();

    // Assert
    expect(names).toEqual([
      'DEFAULT_ARN_PARTS',
      'FUNCTION_NAME_PATTERN',
      'INVOKE_LIMITS',
      'InvalidLambdaTaskError',
      'LAMBDA_ARTIFACT',
      'LAMBDA_DEFAULTS',
      'LAMBDA_DOUBLE_HANDLER',
      'LAMBDA_LIMITS',
      'LAMBDA_LOG_RETENTION_DAYS',
      'LAMBDA_RESOURCES',
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
      'deployedFunctionName',
      'errorDocumentOf',
      'fail',
      'functionArn',
      'functionArnOutputKey',
      'functionErrorCause',
      'functionLogGroupName',
      'functionLogicalName',
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
      'startLambdaInvokeEndpoint',
    ]);
  });
});
