import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
  InvalidParameterValueException,
  InvalidRequestContentException,
} from '@aws-sdk/client-lambda';
import { createHarness, HarnessError, type Harness } from '@harness/core';
import { createFakeSession } from '@harness/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaMockApi, fail, lambdaAdapter, type LambdaEndpoint } from '../../src/index.js';
import { thrownBy } from '../helpers/fakes.js';

// Application code's Lambda Invoke calls on the local target: the real
// @aws-sdk/client-lambda against harness.lambda.endpoint(), answered by the mocks.
let harness: Harness<[typeof lambdaAdapter]>;
let endpoint: LambdaEndpoint;
let lambda: LambdaClient;

beforeEach(async () => {
  harness = await createHarness({ target: 'local', adapters: [lambdaAdapter], config: { adapters: { lambda: { functions: {} } } } });
  endpoint = await harness.lambda.endpoint({ region: 'eu-west-1' });
  lambda = new LambdaClient({ ...endpoint.clientConfig, maxAttempts: 1 });
});

afterEach(async () => {
  lambda.destroy();
  await harness.close();
});

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const parse = (payload: Uint8Array | undefined): unknown => JSON.parse(new TextDecoder().decode(payload));

describe('harness.lambda.endpoint() (local target)', () => {
  it('describes the loopback Lambda API for the AWS SDK', () => {
    // Assert
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint.clientConfig).toEqual({ endpoint: endpoint.url, region: 'eu-west-1', credentials: endpoint.credentials });
    expect(endpoint.environment).toMatchObject({ AWS_ENDPOINT_URL_LAMBDA: endpoint.url, AWS_REGION: 'eu-west-1' });
  });

  it('answers a RequestResponse invocation with the handler value', async () => {
    // Arrange
    const chargeCard = await harness.lambda.mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));

    // Act
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard', Payload: json({ amount: 42 }) }));

    // Assert
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBeUndefined();
    expect(answer.ExecutedVersion).toBe('$LATEST');
    expect(parse(answer.Payload)).toEqual({ charged: 42 });
    expect(chargeCard.invocations).toMatchObject([{ event: { amount: 42 }, status: 'succeeded', invocationId: answer.$metadata.requestId }]);
  });

  it('passes a qualifier and an ARN through, reports a version it was asked for, and gives an empty payload as {}', async () => {
    // Arrange
    const chargeCard = await harness.lambda.mockFunction('ChargeCard', () => undefined);
    const arn = 'arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard';

    // Act
    const byVersion = await lambda.send(new InvokeCommand({ FunctionName: arn, Qualifier: '7' }));
    const byAlias = await lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard:prod' }));

    // Assert
    expect(byVersion.ExecutedVersion).toBe('7');
    expect(byAlias.ExecutedVersion).toBe('$LATEST');
    expect(parse(byVersion.Payload)).toBeNull();
    expect(chargeCard.invocations.map(({ qualifier, event }) => ({ qualifier, event }))).toEqual([
      { qualifier: '7', event: {} },
      { qualifier: 'prod', event: {} },
    ]);
  });

  it("answers a handler's fail() as an unhandled function error with the runtime's error document", async () => {
    // Arrange
    await harness.lambda.mockFunction('ChargeCard', () => fail('CardDeclined', 'insufficient funds', { stackTrace: ['at charge (card.js:1:1)'] }));

    // Act
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard', Payload: json({}) }));

    // Assert
    expect(answer.StatusCode).toBe(200);
    expect(answer.FunctionError).toBe('Unhandled');
    expect(parse(answer.Payload)).toEqual({ errorType: 'CardDeclined', errorMessage: 'insufficient funds', trace: ['at charge (card.js:1:1)'] });
  });

  it('accepts an Event invocation with 202 and runs the handler, which the mock records', async () => {
    // Arrange
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const notify = await harness.lambda.mockFunction('Notify', async (event: { to: string }) => {
      await released;
      return { sent: event.to };
    });

    // Act
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'Notify', InvocationType: 'Event', Payload: json({ to: 'a@b.c' }) }));
    const recorded = await notify.waitForInvocation({ timeoutMs: 2_000 });

    // Assert: answered before the handler finished
    expect(answer.StatusCode).toBe(202);
    expect(answer.Payload?.byteLength ?? 0).toBe(0);
    expect(recorded).toMatchObject({ event: { to: 'a@b.c' }, status: 'running' });
    release();
    await harness.close();
    expect(notify.invocations[0]?.status).toBe('succeeded');
  });

  it('answers DryRun with 204 without running the handler', async () => {
    // Arrange
    const chargeCard = await harness.lambda.mockFunction('ChargeCard', () => 'ran');

    // Act
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard', InvocationType: 'DryRun' }));

    // Assert
    expect(answer.StatusCode).toBe(204);
    expect(chargeCard.invocations).toEqual([]);
  });

  it.each(['RequestResponse', 'Event', 'DryRun'] as const)('answers %s of a function no one mocks with ResourceNotFoundException', async (InvocationType) => {
    // Act
    const error = await thrownBy(() => lambda.send(new InvokeCommand({ FunctionName: 'Missing', InvocationType })));

    // Assert
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe('Function not found: arn:aws:lambda:eu-west-1:123456789012:function:Missing');
    expect((error as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);
  });

  it.each(['RequestResponse', 'Event', 'DryRun'] as const)('answers %s of a function of adapters.lambda.functions no one mocks as its deployed double does (Harness.NoRoute)', async (InvocationType) => {
    // Arrange: a harness whose config lists ChargeCard, so the aws target has a double of it.
    const listed = await createHarness({ target: 'local', adapters: [lambdaAdapter], config: { adapters: { lambda: { functions: { ChargeCard: {} } } } } });
    const client = new LambdaClient({ ...(await listed.lambda.endpoint({ region: 'eu-west-1' })).clientConfig, maxAttempts: 1 });
    try {
      // Act
      const answer = await client.send(new InvokeCommand({ FunctionName: 'ChargeCard', InvocationType }));

      // Assert
      if (InvocationType === 'RequestResponse') {
        expect(answer).toMatchObject({ StatusCode: 200, FunctionError: 'Unhandled' });
        expect(parse(answer.Payload)).toMatchObject({
          errorType: 'Harness.NoRoute',
          errorMessage: "no test session has mocked Lambda function ChargeCard (double lambda:ChargeCard): register it with harness.lambda.mockFunction('ChargeCard', handler) before the workflow invokes it",
        });
      } else {
        expect(answer.StatusCode).toBe(InvocationType === 'Event' ? 202 : 204);
      }
    } finally {
      client.destroy();
      await listed.close();
    }
  });

  it('answers a restored mock as a missing function', async () => {
    // Arrange
    const chargeCard = await harness.lambda.mockFunction('ChargeCard', () => 'ran');
    await chargeCard.restore();

    // Act
    const error = await thrownBy(() => lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard' })));

    // Assert
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses a payload that is not JSON, and a qualifier that contradicts the name, as Lambda does', async () => {
    // Arrange
    await harness.lambda.mockFunction('ChargeCard', () => 'ran');

    // Act
    const notJson = await thrownBy(() => lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard', Payload: new TextEncoder().encode('hello') })));
    const contradiction = await thrownBy(() => lambda.send(new InvokeCommand({ FunctionName: 'ChargeCard:prod', Qualifier: 'dev' })));

    // Assert
    expect(notJson).toBeInstanceOf(InvalidRequestContentException);
    expect(notJson.message).toMatch(/^Could not parse request body into json/);
    expect(contradiction).toBeInstanceOf(InvalidParameterValueException);
  });

  it('with setEnvironment, points a new LambdaClient({}) at the endpoint until the harness closes', async () => {
    // Arrange
    const before = process.env.AWS_ENDPOINT_URL_LAMBDA;
    await harness.lambda.mockFunction('ChargeCard', () => ({ ok: true }));

    // Act
    const configured = await harness.lambda.endpoint({ setEnvironment: true });
    const fromEnvironment = new LambdaClient({ maxAttempts: 1 });
    const answer = await fromEnvironment.send(new InvokeCommand({ FunctionName: 'ChargeCard' }));
    fromEnvironment.destroy();
    await harness.close();

    // Assert
    expect(configured.url).toBe(endpoint.url);
    expect(parse(answer.Payload)).toEqual({ ok: true });
    expect(process.env.AWS_ENDPOINT_URL_LAMBDA).toBe(before);
  });

  it('is refused after the harness closed', async () => {
    // Arrange
    await harness.close();

    // Act
    const error = await thrownBy(() => harness.lambda.endpoint());

    // Assert
    expect(error).toBeInstanceOf(HarnessError);
  });
});

describe('harness.lambda.endpoint() on the aws target', () => {
  it('is refused, naming the fix', async () => {
    // Arrange
    const api = createLambdaMockApi(createFakeSession({ target: 'aws' }), { functions: {} });

    // Act
    const error = await thrownBy(() => api.endpoint());

    // Assert
    expect(error.message).toMatch(/serves the local target only/);
  });
});
