import type { TemplateContext } from '@harness/core';
import { describeAdapterContract } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { harnessAdapter, stepFunctionsAdapter } from '../../src/adapter.js';
import { parseStepFunctionsConfig } from '../../src/config.js';
import { StepFunctionsConfigError } from '../../src/errors.js';
import { stepFunctionsTemplate } from '../../src/template.js';

describe('Object: stepFunctionsAdapter', () => {
  it('is the package\'s harnessAdapter, named stepfunctions', () => {
    // Assert
    expect(harnessAdapter).toBe(stepFunctionsAdapter);
    expect(stepFunctionsAdapter.name).toBe('stepfunctions');
  });

  it('builds its template with stepFunctionsTemplate, one state machine per configured name', () => {
    // Arrange
    const context: TemplateContext = { stackName: 'hx', core: { routesTable: 'r', resultsTable: 'x', artifactsBucket: 'b' }, artifacts: {} };
    const config = parseStepFunctionsConfig({ stateMachines: { Child: {} } });

    // Act
    const template = stepFunctionsAdapter.template(config, context);

    // Assert
    expect(template).toEqual(stepFunctionsTemplate(config, context));
    expect(Object.keys(template.Resources)).toEqual(['DoubleRole', 'StateMachineChild']);
  });

  it('has no artifacts', async () => {
    // Act / Assert
    await expect(stepFunctionsAdapter.artifacts(parseStepFunctionsConfig({}))).resolves.toEqual([]);
  });

  it('offers one local integration for startExecution (every pattern) and aws-sdk:sfn callbacks', () => {
    // Act
    const [integration] = stepFunctionsAdapter.localIntegrations?.(parseStepFunctionsConfig({}), { session: 's', dispatch: async () => ({ status: 'ok', value: null }), isMocked: () => false }) ?? [];

    // Assert
    const handled = [
      'arn:aws:states:::states:startExecution',
      'arn:aws:states:::states:startExecution.sync',
      'arn:aws:states:::states:startExecution.sync:2',
      'arn:aws:states:::states:startExecution.waitForTaskToken',
      'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
      'arn:aws:states:::aws-sdk:sfn:sendTaskFailure',
      'arn:aws:states:::aws-sdk:sfn:sendTaskHeartbeat',
    ];
    expect(handled.filter((resource) => integration?.handles(resource))).toEqual(handled);
    expect(integration?.handles('arn:aws:states:::ecs:runTask.sync')).toBe(false);
    expect(integration?.handles('arn:aws:states:::states:startExecution.async')).toBe(false);
  });
});

describeAdapterContract(stepFunctionsAdapter, {
  describe,
  it,
  config: { stateMachines: { NotifyCustomer: { timeoutSeconds: 60 } } },
  invalidConfigs: [
    { config: { stateMachines: ['NotifyCustomer'] }, field: 'adapters.stepfunctions.stateMachines' },
    { config: { stateMachines: { NotifyCustomer: { timeoutSeconds: 0 } } }, field: 'adapters.stepfunctions.stateMachines.NotifyCustomer.timeoutSeconds' },
  ],
  resources: [
    'arn:aws:states:::states:startExecution',
    'arn:aws:states:::states:startExecution.sync',
    'arn:aws:states:::states:startExecution.sync:2',
    'arn:aws:states:::states:startExecution.waitForTaskToken',
    'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
    'arn:aws:states:::aws-sdk:sfn:sendTaskFailure',
    'arn:aws:states:::aws-sdk:sfn:sendTaskHeartbeat',
  ],
  outputs: { StateMachineArnNotifyCustomer: 'arn:aws:states:us-east-1:123456789012:stateMachine:NotifyCustomer' },
  mock: (api) => api.mockStateMachine('NotifyCustomer', () => ({ sent: true })),
});

describe('Function: parseStepFunctionsConfig', () => {
  it('accepts state machine names with empty settings, and no config at all', () => {
    // Act / Assert
    expect(parseStepFunctionsConfig({ stateMachines: { NotifyCustomer: {}, 'order-flow_2': {} } })).toEqual({ stateMachines: { NotifyCustomer: {}, 'order-flow_2': {} } });
    expect(parseStepFunctionsConfig(undefined)).toEqual({ stateMachines: {} });
  });

  it('accepts a double\'s timeoutSeconds', () => {
    // Act / Assert
    expect(parseStepFunctionsConfig({ stateMachines: { Child: { timeoutSeconds: 30 } } })).toEqual({ stateMachines: { Child: { timeoutSeconds: 30 } } });
  });

  it.each([
    [[], 'adapters.stepfunctions must be an object, not an array. To fix this, write {"stateMachines": {"NotifyCustomer": {}}}.'],
    [{ machines: {} }, 'adapters.stepfunctions.machines is not a Step Functions adapter setting. To fix this, remove it, or use one of stateMachines.'],
    [{ stateMachines: ['A'] }, 'adapters.stepfunctions.stateMachines must be an object keyed by state machine name, not an array. To fix this, write {"stateMachines": {"NotifyCustomer": {}}}.'],
    [{ stateMachines: { 'Bad Name': {} } }, 'adapters.stepfunctions.stateMachines.Bad Name is not a valid state machine name. To fix this, use 1-80 letters, digits, hyphens and underscores, exactly as the workflow names the state machine.'],
    [{ stateMachines: { Child: { timeout: 3 } } }, 'adapters.stepfunctions.stateMachines.Child.timeout is not a state machine double setting. To fix this, remove it, or use one of timeoutSeconds.'],
    [{ stateMachines: { Child: { timeoutSeconds: 0 } } }, 'adapters.stepfunctions.stateMachines.Child.timeoutSeconds must be a whole number of seconds from 1 to 86400, not 0. To fix this, write e.g. {"timeoutSeconds": 300}.'],
    [{ stateMachines: { Child: { timeoutSeconds: '30' } } }, 'adapters.stepfunctions.stateMachines.Child.timeoutSeconds must be a whole number of seconds from 1 to 86400, not "30". To fix this, write e.g. {"timeoutSeconds": 300}.'],
  ])('names the bad field and the fix (%j)', (raw, message) => {
    // Act / Assert
    expect(() => parseStepFunctionsConfig(raw)).toThrowError(StepFunctionsConfigError);
    expect(() => parseStepFunctionsConfig(raw)).toThrowError(message);
  });
});
