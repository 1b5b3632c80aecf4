import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, type InvocationMessage } from '@harness/core/protocol';
import { describe, expect, it } from 'vitest';
import { createAwsContext, type AttributeValue, type AwsContext } from '../../src/aws.js';
import {
  RESULT_POLL_BACKOFF,
  awaitResult,
  lookUpRoute,
  parseResultItem,
  performCallback,
  sendInvocation,
} from '../../src/round-trip.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/hx-session-s1';

interface Call {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly at: number;
}

/** An AwsContext whose fetch answers DynamoDB GetItem from `items` (by table), records every call and answers `{}` otherwise. */
function fakeAws(items: { routes?: Record<string, AttributeValue> | undefined; results?: (poll: number) => Record<string, AttributeValue> | undefined } = {}): {
  readonly aws: AwsContext;
  readonly calls: Call[];
} {
  const calls: Call[] = [];
  let polls = 0;
  const aws = createAwsContext(
    { AWS_REGION: 'eu-west-1' },
    {
      credentials: async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'secret' }),
      fetch: async (_url, init) => {
        const target = new Headers(init?.headers).get('x-amz-target') ?? '';
        const input = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
        calls.push({ operation: target.split('.')[1] ?? '', input, at: Date.now() });
        let body: unknown = {};
        if (target === 'DynamoDB_20120810.GetItem' && input.TableName === 'routes') {
          body = items.routes ? { Item: items.routes } : {};
        } else if (target === 'DynamoDB_20120810.GetItem') {
          const item = items.results?.(++polls);
          body = item ? { Item: item } : {};
        } else if (target === 'AmazonSQS.SendMessage') {
          body = { MessageId: 'm-1' };
        }
        return new Response(JSON.stringify(body), { status: 200 });
      },
    },
  );
  return { aws, calls };
}

const inAMinute = () => String(Math.floor(Date.now() / 1000) + 60);

describe('Function: lookUpRoute', () => {
  it('reads the route of the double with a consistent GetItem and returns its session and queue', async () => {
    // Arrange
    const { aws, calls } = fakeAws({ routes: { double: { S: 'ecs:Job' }, session: { S: 's1' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: inAMinute() } } });

    // Act
    const lookup = await lookUpRoute(aws, 'routes', 'ecs:Job');

    // Assert
    expect(lookup).toEqual({ status: 'found', route: { session: 's1', queueUrl: QUEUE_URL } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.input).toMatchObject({ TableName: 'routes', Key: { double: { S: 'ecs:Job' } }, ConsistentRead: true });
  });

  it("answers 'none' when there is no route item", async () => {
    const { aws } = fakeAws();
    expect(await lookUpRoute(aws, 'routes', 'ecs:Job')).toEqual({ status: 'none' });
  });

  it("answers 'expired' with the item's session and expiresAt when expiresAt is past the clock", async () => {
    // Arrange
    const { aws } = fakeAws({ routes: { double: { S: 'ecs:Job' }, session: { S: 's0' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: '1000' } } });

    // Act
    const expired = await lookUpRoute(aws, 'routes', 'ecs:Job', () => 1_000_001);
    const live = await lookUpRoute(aws, 'routes', 'ecs:Job', () => 999_000);

    // Assert
    expect(expired).toEqual({ status: 'expired', session: 's0', expiresAt: 1000 });
    expect(live).toEqual({ status: 'found', route: { session: 's0', queueUrl: QUEUE_URL } });
  });

  it("answers 'expired' before checking the session and queue of the item", async () => {
    const { aws } = fakeAws({ routes: { double: { S: 'ecs:Job' }, expiresAt: { N: '1' } } });
    expect(await lookUpRoute(aws, 'routes', 'ecs:Job')).toEqual({ status: 'expired', session: undefined, expiresAt: 1 });
  });

  it.each([
    ['no session', { queueUrl: { S: QUEUE_URL } }],
    ['an empty session', { session: { S: '' }, queueUrl: { S: QUEUE_URL } }],
    ['no queueUrl', { session: { S: 's1' } }],
    ['a numeric queueUrl', { session: { S: 's1' }, queueUrl: { N: '1' } }],
  ] as const)("answers 'invalid' for a live route with %s", async (_case, attributes) => {
    const { aws } = fakeAws({ routes: { double: { S: 'ecs:Job' }, ...attributes } });
    expect(await lookUpRoute(aws, 'routes', 'ecs:Job')).toEqual({ status: 'invalid' });
  });
});

describe('Function: sendInvocation', () => {
  it('sends a versioned invocation message to the route queue, grouped by double and deduplicated by a fresh invocation id on a FIFO queue', async () => {
    // Arrange
    const { aws, calls } = fakeAws();
    const seen: [string, number][] = [];
    const before = Date.now();
    const fifoQueueUrl = `${QUEUE_URL}.fifo`;

    // Act
    const sent = await sendInvocation(aws, { session: 's1', queueUrl: fifoQueueUrl }, 'ecs:Job', { command: ['a'] }, (id, bytes) => seen.push([id, bytes]));

    // Assert
    if ('tooLarge' in sent) throw sent.tooLarge;
    expect(sent.invocationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(sent.sendStartedAt).toBeGreaterThanOrEqual(before);
    expect(sent.sentAt).toBeGreaterThanOrEqual(sent.sendStartedAt);
    expect(calls.map((call) => call.operation)).toEqual(['SendMessage']);
    const input = calls[0]?.input ?? {};
    expect(input).toMatchObject({ QueueUrl: fifoQueueUrl, MessageGroupId: 'ecs:Job', MessageDeduplicationId: sent.invocationId });
    const message = JSON.parse(String(input.MessageBody)) as InvocationMessage;
    expect(message).toEqual({
      v: PROTOCOL_VERSION,
      invocationId: sent.invocationId,
      double: 'ecs:Job',
      session: 's1',
      payload: { command: ['a'] },
      sentAt: expect.any(String),
    });
    expect(Date.parse(message.sentAt)).toBeGreaterThanOrEqual(before - 1);
    expect(seen).toEqual([[sent.invocationId, Buffer.byteLength(String(input.MessageBody))]]);
  });

  it('gives every invocation its own id', async () => {
    const { aws } = fakeAws();
    const route = { session: 's1', queueUrl: QUEUE_URL };
    const [first, second] = await Promise.all([sendInvocation(aws, route, 'ecs:Job', {}), sendInvocation(aws, route, 'ecs:Job', {})]);
    expect(first?.invocationId).not.toBe(second?.invocationId);
  });

  it('refuses a message larger than MAX_MESSAGE_BYTES without sending anything', async () => {
    // Arrange
    const { aws, calls } = fakeAws();
    let hooked = false;

    // Act
    const sent = await sendInvocation(aws, { session: 's1', queueUrl: QUEUE_URL }, 'ecs:Job', 'x'.repeat(MAX_MESSAGE_BYTES), () => {
      hooked = true;
    });

    // Assert
    expect('tooLarge' in sent).toBe(true);
    if (!('tooLarge' in sent)) return;
    expect(sent.invocationId).toEqual(expect.any(String));
    expect(sent.tooLarge.message).toContain('the invocation of ecs:Job');
    expect(calls).toEqual([]);
    expect(hooked).toBe(false);
  });
});

describe('Function: awaitResult', () => {
  it('returns the results item as soon as it is there, with the number of polls', async () => {
    // Arrange
    const { aws, calls } = fakeAws({ results: (poll) => (poll === 3 ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined) });

    // Act
    const wait = await awaitResult(aws, 'results', 'i-1', Date.now() + 10_000);

    // Assert
    expect(wait).toEqual({ item: { invocationId: 'i-1', result: '{}' }, polls: 3 });
    expect(calls.map((call) => call.input)).toEqual(
      Array.from({ length: 3 }, () => expect.objectContaining({ TableName: 'results', Key: { invocationId: { S: 'i-1' } }, ConsistentRead: true })),
    );
  });

  it('polls with a growing delay from RESULT_POLL_BACKOFF', async () => {
    // Arrange
    const { aws, calls } = fakeAws({ results: (poll) => (poll === 4 ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined) });

    // Act
    await awaitResult(aws, 'results', 'i-1', Date.now() + 10_000);

    // Assert: waits of ~10, ~15, ~22.5 ms between the polls (timers may fire a millisecond early)
    const gaps = calls.slice(1).map((call, index) => call.at - (calls[index]?.at ?? 0));
    const expected = [0, 1, 2].map((step) => RESULT_POLL_BACKOFF.initialMs * RESULT_POLL_BACKOFF.factor ** step);
    gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(Math.floor(expected[index] ?? 0) - 1));
  });

  it('gives up once the deadline has passed, with the number of polls made', async () => {
    // Arrange
    const { aws } = fakeAws();
    const started = Date.now();

    // Act
    const wait = await awaitResult(aws, 'results', 'i-1', started + 50);

    // Assert
    expect(wait).toMatchObject({ timedOut: true });
    expect(wait.polls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(49);
  });

  it('polls once when the deadline is already past', async () => {
    const { aws } = fakeAws();
    expect(await awaitResult(aws, 'results', 'i-1', Date.now() - 1)).toEqual({ timedOut: true, polls: 1 });
  });

  it('has the backoff both doubles poll with', () => {
    expect(RESULT_POLL_BACKOFF).toEqual({ initialMs: 10, factor: 1.5, maxMs: 200 });
  });
});

describe('Function: parseResultItem', () => {
  it('parses the result a results item holds', () => {
    const result = { v: PROTOCOL_VERSION, invocationId: 'i-1', status: 'ok', value: { exitCode: 0 } };
    expect(parseResultItem({ result: JSON.stringify(result) })).toEqual({ result: expect.objectContaining({ status: 'ok', value: { exitCode: 0 } }) });
  });

  it('says what is wrong with an item without a result string', () => {
    expect(parseResultItem({ result: 3 })).toEqual({ malformed: "the item has no 'result' string" });
  });

  it('says what is wrong with a result that is not an invocation result', () => {
    const parsed = parseResultItem({ result: '{"nope":true}' });
    expect(parsed).toEqual({ malformed: expect.any(String) });
  });
});

describe('Function: performCallback', () => {
  it('sends SendTaskSuccess with the JSON output, null when there is none', async () => {
    // Arrange
    const { aws, calls } = fakeAws();

    // Act
    await performCallback(aws, { type: 'success', output: { ok: 1 } }, 'token-1');
    await performCallback(aws, { type: 'success', output: undefined }, 'token-2');

    // Assert
    expect(calls).toMatchObject([
      { operation: 'SendTaskSuccess', input: { taskToken: 'token-1', output: '{"ok":1}' } },
      { operation: 'SendTaskSuccess', input: { taskToken: 'token-2', output: 'null' } },
    ]);
  });

  it('sends SendTaskFailure with the error and cause', async () => {
    // Arrange
    const { aws, calls } = fakeAws();

    // Act
    await performCallback(aws, { type: 'failure', error: 'Card.Declined', cause: 'no funds' }, 'token-1');

    // Assert
    expect(calls).toMatchObject([{ operation: 'SendTaskFailure', input: { taskToken: 'token-1', error: 'Card.Declined', cause: 'no funds' } }]);
  });
});
