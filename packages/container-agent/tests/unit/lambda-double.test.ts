import type { InvocationMessage } from '@harness/core/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttributeValue, Env } from '../../src/aws.js';
import { findTaskToken, invokeDouble, LAMBDA_DOUBLE_ERRORS, qualifierOf } from '../../src/lambda-double.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/hx-session-s1';
const ENV: Env = {
  HARNESS_DOUBLE: 'lambda:ChargeCard',
  HARNESS_ROUTES_TABLE: 'routes',
  HARNESS_RESULTS_TABLE: 'results',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIALAMBDATEST',
  AWS_SECRET_ACCESS_KEY: 'lambda-secret-key',
  AWS_SESSION_TOKEN: 'lambda-secret-session',
};
const CONTEXT = {
  functionName: 'ChargeCard',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ChargeCard:prod',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
};

interface FakeAws {
  readonly fetch: (url: string, init?: RequestInit) => Promise<Response>;
  readonly sent: InvocationMessage[];
  readonly sfn: { operation: string; input: Record<string, unknown> }[];
  polls: number;
}

function fakeAws(options: { route?: Record<string, AttributeValue> | null; result?: unknown } = {}): FakeAws {
  const state: FakeAws = {
    sent: [],
    sfn: [],
    polls: 0,
    fetch: async (_url, init) => {
      const reply = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
      const target = new Headers(init?.headers).get('x-amz-target') ?? '';
      const input = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
      if (target === 'DynamoDB_20120810.GetItem' && input.TableName === 'routes') {
        const route =
          options.route === undefined
            ? { double: { S: 'lambda:ChargeCard' }, session: { S: 's1' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + 60) } }
            : options.route;
        return reply(route ? { Item: route } : {});
      }
      if (target === 'DynamoDB_20120810.GetItem') {
        state.polls++;
        return reply(options.result === undefined ? {} : { Item: { result: { S: JSON.stringify(options.result) } } });
      }
      if (target === 'AmazonSQS.SendMessage') {
        state.sent.push(JSON.parse(String(input.MessageBody)) as InvocationMessage);
        return reply({ MessageId: 'm-1' });
      }
      state.sfn.push({ operation: target.split('.')[1] ?? '', input });
      return reply({});
    },
  };
  return state;
}

let output: string[];
beforeEach(() => {
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function thrownBy(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('Function: invokeDouble', () => {
  it('sends the event, qualifier and task token to the routed session and returns the payload', async () => {
    // Arrange
    const aws = fakeAws({ result: { status: 'ok', value: { payload: { charged: 42 } } } });

    // Act
    const result = await invokeDouble({ amount: 42, TaskToken: 'tok-1' }, CONTEXT, ENV, { fetch: aws.fetch });

    // Assert
    expect(result).toEqual({ charged: 42 });
    expect(aws.sent).toHaveLength(1);
    expect(aws.sent[0]).toMatchObject({
      v: 1,
      double: 'lambda:ChargeCard',
      session: 's1',
      payload: { functionName: 'ChargeCard', qualifier: 'prod', event: { amount: 42, TaskToken: 'tok-1' }, taskToken: 'tok-1' },
    });
  });

  it('throws an Error named by errorType with the handler\'s message and trace', async () => {
    // Arrange
    const aws = fakeAws({
      result: { status: 'ok', value: { functionError: 'Unhandled', errorType: 'InvalidOrder', errorMessage: 'no items', trace: ['InvalidOrder: no items', '    at x'] } },
    });

    // Act
    const error = await thrownBy(invokeDouble({}, CONTEXT, ENV, { fetch: aws.fetch }));

    // Assert
    expect(error.name).toBe('InvalidOrder');
    expect(error.message).toBe('no items');
    expect(error.stack).toBe('InvalidOrder: no items\n    at x');
  });

  it('throws the wire error of a session that failed to answer', async () => {
    // Arrange
    const aws = fakeAws({ result: { status: 'error', error: { name: 'LambdaHandlerResultError', message: 'not JSON' } } });

    // Act
    const error = await thrownBy(invokeDouble({}, CONTEXT, ENV, { fetch: aws.fetch }));

    // Assert
    expect([error.name, error.message]).toEqual(['LambdaHandlerResultError', 'not JSON']);
  });

  it('fails at once with Harness.NoRoute when no session mocked the function', async () => {
    // Arrange
    const aws = fakeAws({ route: null });

    // Act
    const error = await thrownBy(invokeDouble({}, CONTEXT, ENV, { fetch: aws.fetch }));

    // Assert
    expect(error.name).toBe(LAMBDA_DOUBLE_ERRORS.noRoute);
    expect(error.message).toContain('no test session has mocked Lambda function ChargeCard');
    expect(aws.sent).toEqual([]);
  });

  it('treats an expired route as none', async () => {
    // Arrange
    const aws = fakeAws({ route: { double: { S: 'lambda:ChargeCard' }, session: { S: 'old' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: '1' } } });

    // Act
    const error = await thrownBy(invokeDouble({}, CONTEXT, ENV, { fetch: aws.fetch }));

    // Assert
    expect(error.name).toBe('Harness.NoRoute');
    expect(error.message).toContain("the last session's route, old, expired at 1970-01-01T00:00:01.000Z");
  });

  it('sends the callback with the token from the event, then returns', async () => {
    // Arrange
    const aws = fakeAws({ result: { status: 'ok', value: { payload: null, callback: { type: 'failure', error: 'Declined', cause: 'limit' } } } });

    // Act
    const result = await invokeDouble({ taskToken: 'tok-2' }, CONTEXT, ENV, { fetch: aws.fetch });

    // Assert
    expect(result).toBeNull();
    expect(aws.sfn).toEqual([{ operation: 'SendTaskFailure', input: { taskToken: 'tok-2', error: 'Declined', cause: 'limit' } }]);
  });

  it('times out with an error naming the invocation, the double and the session', async () => {
    // Arrange
    const aws = fakeAws();

    // Act
    const error = await thrownBy(invokeDouble({}, { getRemainingTimeInMillis: () => 1_100 }, ENV, { fetch: aws.fetch }));

    // Assert
    expect(error.name).toBe(LAMBDA_DOUBLE_ERRORS.timeout);
    expect(error.message).toMatch(/^no result for invocation [0-9a-f-]{36} of Lambda function double ChargeCard \(lambda:ChargeCard\) from session s1 after \d+ ms/);
    expect(aws.polls).toBeGreaterThan(1);
  });

  it('logs JSON lines and never the credentials', async () => {
    // Arrange
    const aws = fakeAws({ result: { status: 'ok', value: { payload: 1 } } });

    // Act
    await invokeDouble({}, CONTEXT, ENV, { fetch: aws.fetch });

    // Assert
    const lines = output.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.message)).toEqual(['invocation sent', 'invocation answered']);
    expect(lines[0]).toMatchObject({ level: 'info', double: 'lambda:ChargeCard', session: 's1', requestId: 'req-1' });
    expect(output.join('')).not.toMatch(/lambda-secret|ASIALAMBDATEST/);
  });

  it('says which variable is missing', async () => {
    // Act
    const error = await thrownBy(invokeDouble({}, CONTEXT, { ...ENV, HARNESS_ROUTES_TABLE: undefined }));

    // Assert
    expect(error.name).toBe('Harness.InternalError');
    expect(error.message).toContain('HARNESS_ROUTES_TABLE is not set');
  });
});

describe('Function: qualifierOf', () => {
  it.each([
    ['arn:aws:lambda:eu-west-1:123456789012:function:ChargeCard:prod', 'prod'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:ChargeCard', undefined],
    [undefined, undefined],
  ])('reads %s', (arn, expected) => {
    expect(qualifierOf(arn)).toBe(expected);
  });
});

describe('Function: findTaskToken', () => {
  it.each([
    [{ taskToken: 't' }, 't'],
    [{ TaskToken: 't' }, 't'],
    [{ task_token: 't' }, 't'],
    [{ token: 't' }, 't'],
    [{ other: 't' }, undefined],
    [['t'], undefined],
    [null, undefined],
  ])('finds the token in %j', (event, expected) => {
    expect(findTaskToken(event)).toBe(expected);
  });
});
