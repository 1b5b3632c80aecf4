import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { createHarness, StatesError, type Harness } from '@harness/core';
import { createFakeSession } from '@harness/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLambdaConfig } from '../../src/config.js';
import { lambdaAdapter, type LambdaEndpoint } from '../../src/index.js';
import { configuredFunctionNames } from '../../src/local/dispatch.js';
import { createLambdaIntegration } from '../../src/local/integration.js';
import { createLambdaMockApi } from '../../src/mock.js';
import { deployedFunctionName } from '../../src/template.js';
import { fakeTask, thrownBy } from '../helpers/fakes.js';

// Lambda doubles deploy as `<stack>-<Name>`; code wired to that name (or its ARN)
// must reach the same mock on the local target as on the aws target.

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const parse = (payload: Uint8Array | undefined): unknown => JSON.parse(new TextDecoder().decode(payload));

describe('Function: configuredFunctionNames', () => {
  it('maps the deployed name of each configured function to it, and leaves every other name as it is', () => {
    // Arrange
    const longName = 'A'.repeat(64);
    const functionNamed = configuredFunctionNames(['ChargeCard', longName], 'hx');

    // Act / Assert
    expect(functionNamed('hx-ChargeCard')).toBe('ChargeCard');
    expect(functionNamed('ChargeCard')).toBe('ChargeCard');
    // Over Lambda's 64 characters the deployed name is shortened with a hash: still found.
    expect(deployedFunctionName('hx', longName)).toHaveLength(64);
    expect(functionNamed(deployedFunctionName('hx', longName))).toBe(longName);
    expect(functionNamed('hx-Unknown')).toBe('hx-Unknown');
    expect(functionNamed('other-ChargeCard')).toBe('other-ChargeCard');
  });

  it('keeps a configured name that is also the deployed name of another', () => {
    // Arrange: with stack hx, "hx-A" is both a function of its own and A's deployed name
    const functionNamed = configuredFunctionNames(['A', 'hx-A'], 'hx');

    // Act / Assert
    expect(functionNamed('hx-A')).toBe('hx-A');
  });

  it('knows only the configured names without a stack', () => {
    expect(configuredFunctionNames(['ChargeCard'], undefined)('hx-ChargeCard')).toBe('hx-ChargeCard');
  });
});

describe('harness.lambda.endpoint() (local target) by the deployed name', () => {
  let harness: Harness<[typeof lambdaAdapter]>;
  let endpoint: LambdaEndpoint;
  let lambda: LambdaClient;

  beforeEach(async () => {
    harness = await createHarness({ target: 'local', stack: 'hx', adapters: [lambdaAdapter], config: { adapters: { lambda: { functions: { ChargeCard: {} } } } } });
    endpoint = await harness.lambda.endpoint({ region: 'eu-west-1' });
    lambda = new LambdaClient({ ...endpoint.clientConfig, maxAttempts: 1 });
  });

  afterEach(async () => {
    lambda.destroy();
    await harness.close();
  });

  it('answers <stack>-<Name> and its ARN with the mock of <Name>', async () => {
    // Arrange
    const chargeCard = await harness.lambda.mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));

    // Act
    const byName = await lambda.send(new InvokeCommand({ FunctionName: 'hx-ChargeCard', Payload: json({ amount: 1 }) }));
    const byArn = await lambda.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:hx-ChargeCard', Payload: json({ amount: 2 }) }));

    // Assert
    expect(parse(byName.Payload)).toEqual({ charged: 1 });
    expect(parse(byArn.Payload)).toEqual({ charged: 2 });
    expect(chargeCard.invocations.map(({ event }) => event)).toEqual([{ amount: 1 }, { amount: 2 }]);
  });

  it('answers an unmocked configured function by its deployed name with Harness.NoRoute, as its double does', async () => {
    // Act
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'hx-ChargeCard', Payload: json({}) }));

    // Assert
    expect(answer.FunctionError).toBe('Unhandled');
    expect(parse(answer.Payload)).toMatchObject({ errorType: 'Harness.NoRoute' });
  });

  it('still answers a function that is not configured as missing', async () => {
    // Act
    const error = await thrownBy(() => lambda.send(new InvokeCommand({ FunctionName: 'hx-ShipOrder' })));

    // Assert
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe('Function not found: arn:aws:lambda:eu-west-1:123456789012:function:hx-ShipOrder');
  });
});

describe('Function: createLambdaIntegration (Task states) by the deployed name', () => {
  async function setUp() {
    const session = createFakeSession({ stackName: 'hx' });
    const config = parseLambdaConfig({ functions: { ChargeCard: {} } });
    const api = createLambdaMockApi(session, config);
    const chargeCard = await api.mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));
    return { chargeCard, integration: createLambdaIntegration(config, session.context) };
  }

  it('runs lambda:invoke with FunctionName <stack>-<Name> and a function ARN of it against the mock of <Name>', async () => {
    // Arrange
    const { chargeCard, integration } = await setUp();

    // Act
    const invoked = await integration.invoke(fakeTask('arn:aws:states:::lambda:invoke', { FunctionName: 'hx-ChargeCard', Payload: { amount: 3 } }));
    const byArn = await integration.invoke(fakeTask('arn:aws:lambda:eu-west-1:111122223333:function:hx-ChargeCard', { amount: 4 }));

    // Assert
    expect(invoked).toMatchObject({ Payload: { charged: 3 }, StatusCode: 200 });
    expect(byArn).toEqual({ charged: 4 });
    expect(chargeCard.invocations.map(({ event }) => event)).toEqual([{ amount: 3 }, { amount: 4 }]);
  });

  it('fails a function of another stack as not found', async () => {
    // Arrange
    const { integration } = await setUp();

    // Act
    const error = await thrownBy(() => integration.invoke(fakeTask('arn:aws:states:::lambda:invoke', { FunctionName: 'other-ChargeCard' })));

    // Assert
    expect(error).toBeInstanceOf(StatesError);
    expect((error as StatesError).error).toBe('Lambda.ResourceNotFoundException');
  });
});
