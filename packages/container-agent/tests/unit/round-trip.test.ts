import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, type InvocationMessage } from '@harness/core/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAwsContext, type AttributeValue, type AwsContext } from '../../src/aws.js';
import {
  RESULT_POLL,
  ROUTE_WATCH,
  awaitResult,
  lookUpRoute,
  routeGraceMs,
  parseResultItem,
  performCallback,
  sendInvocation,
  sessionLostMessage,
  type SentInvocation,
} from '../../src/round-trip.js';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/hx-session-s1';

interface Call {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly at: number;
}

/**
 * An AwsContext whose fetch answers DynamoDB GetItem and BatchGetItem from `items` (by table; `routes` may
 * change from call to call), stamps answers with `date` (AWS's clock) when given, records every call and
 * answers `{}` otherwise. `fail(operation, call)` may answer an HTTP status instead.
 */
function fakeAws(
  items: {
    routes?: Record<string, AttributeValue> | undefined | ((call: number) => Record<string, AttributeValue> | undefined);
    results?: (poll: number) => Record<string, AttributeValue> | undefined;
    date?: () => number;
    fail?: (operation: string, call: number) => number | undefined;
    /** The error code of a failed answer: default ThrottlingException for a 400, InternalFailure otherwise. */
    errorType?: string;
    /** How long each answer takes, in ms (a loaded endpoint). */
    latencyMs?: number;
  } = {},
): {
  readonly aws: AwsContext;
  readonly calls: Call[];
} {
  const calls: Call[] = [];
  let polls = 0;
  const routeItem = (): Record<string, AttributeValue> | undefined => (typeof items.routes === 'function' ? items.routes(calls.length) : items.routes);
  const aws = createAwsContext(
    { AWS_REGION: 'eu-west-1' },
    {
      credentials: async () => ({ accessKeyId: 'AKIATEST', secretAccessKey: 'secret' }),
      fetch: async (_url, init) => {
        const target = new Headers(init?.headers).get('x-amz-target') ?? '';
        const input = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
        const operation = target.split('.')[1] ?? '';
        calls.push({ operation, input, at: Date.now() });
        if (items.latencyMs) await new Promise((resolve) => setTimeout(resolve, items.latencyMs));
        const headers: Record<string, string> = items.date ? { date: new Date(items.date()).toUTCString() } : {};
        const status = items.fail?.(operation, calls.length);
        if (status) {
          return new Response(JSON.stringify({ __type: items.errorType ?? (status === 400 ? 'ThrottlingException' : 'InternalFailure') }), { status, headers });
        }
        let body: unknown = {};
        if (target === 'DynamoDB_20120810.GetItem' && input.TableName === 'routes') {
          const route = routeItem();
          body = route ? { Item: route } : {};
        } else if (target === 'DynamoDB_20120810.GetItem') {
          const item = items.results?.(++polls);
          body = item ? { Item: item } : {};
        } else if (target === 'DynamoDB_20120810.BatchGetItem') {
          const result = items.results?.(++polls);
          const route = routeItem();
          body = { Responses: { results: result ? [result] : [], routes: route ? [route] : [] } };
        } else if (target === 'AmazonSQS.SendMessage') {
          body = { MessageId: 'm-1' };
        }
        return new Response(JSON.stringify(body), { status: 200, headers });
      },
    },
  );
  return { aws, calls };
}

/** An invocation as sendInvocation returns it, sent to session s1 just now. */
function sentInvocation(overrides: Partial<SentInvocation> = {}): SentInvocation {
  const now = Date.now();
  return {
    invocationId: 'i-1',
    double: 'ecs:Job',
    message: { v: PROTOCOL_VERSION, invocationId: 'i-1', double: 'ecs:Job', session: 's1', payload: { a: 1 }, sentAt: new Date(now).toISOString() },
    route: { session: 's1', queueUrl: QUEUE_URL },
    sendStartedAt: now,
    sentAt: now,
    ...overrides,
  };
}

const route = (session: string, expiresAt: number, queueUrl = QUEUE_URL): Record<string, AttributeValue> => ({
  double: { S: 'ecs:Job' },
  session: { S: session },
  queueUrl: { S: queueUrl },
  expiresAt: { N: String(expiresAt) },
});
const TABLES = { resultsTable: 'results', routesTable: 'routes' };
/** Short knobs, so a route check comes after 30 ms and polls are ~5 ms apart. */
const QUICK = { poll: { initialMs: 5, factor: 1, maxMs: 5, jitter: 0 }, watch: { intervalMs: 30, graceMs: 2_000 } };

/** This machine's clock for awaitResult, moving only when it sleeps (or `advance` says), and the delays it asked for. */
function virtualTime(): { clock: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void; delays: number[] } {
  let now = Date.now();
  const delays: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
    delays,
  };
}

const inAMinute = () => String(Math.floor(Date.now() / 1000) + 60);

describe('Function: lookUpRoute', () => {
  it('reads the route of the double with a consistent GetItem and returns its session and queue', async () => {
    // Arrange
    const { aws, calls } = fakeAws({ routes: { double: { S: 'ecs:Job' }, session: { S: 's1' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: inAMinute() } } });

    // Act
    const lookup = await lookUpRoute(aws, 'routes', 'ecs:Job');

    // Assert
    expect(lookup).toMatchObject({ status: 'found', route: { session: 's1', queueUrl: QUEUE_URL } });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.input).toMatchObject({ TableName: 'routes', Key: { double: { S: 'ecs:Job' } }, ConsistentRead: true });
  });

  it("answers 'none' when there is no route item", async () => {
    const { aws } = fakeAws();
    expect(await lookUpRoute(aws, 'routes', 'ecs:Job')).toEqual({ status: 'none' });
  });

  it("answers 'expired' with the item's session and expiresAt when expiresAt is past the clock (an answer without a Date)", async () => {
    // Arrange
    const { aws } = fakeAws({ routes: { double: { S: 'ecs:Job' }, session: { S: 's0' }, queueUrl: { S: QUEUE_URL }, expiresAt: { N: '1000' } } });

    // Act
    const expired = await lookUpRoute(aws, 'routes', 'ecs:Job', () => 1_000_000 + ROUTE_WATCH.graceMs + 1);
    const live = await lookUpRoute(aws, 'routes', 'ecs:Job', () => 999_000);

    // Assert
    expect(expired).toEqual({ status: 'expired', session: 's0', expiresAt: 1000 });
    expect(live).toEqual({ status: 'found', route: { session: 's0', queueUrl: QUEUE_URL }, expiresAt: 1000 });
  });

  it.each([
    ['5 minutes behind', -300_000],
    ['5 minutes ahead', 300_000],
    ['70 s behind', -70_000],
  ])("judges a route on the Date of DynamoDB's answer, not this machine's clock (%s)", async (_case, skewMs) => {
    // Arrange: AWS's clock is the real one; the route lives 6 s more on it
    const awsNow = Date.now();
    const liveUntil = Math.floor(awsNow / 1000) + 6;
    const live = fakeAws({ date: () => awsNow, routes: route('s1', liveUntil) });
    const dead = fakeAws({ date: () => awsNow, routes: route('s1', liveUntil - 8) });
    const skewed = () => Date.now() + skewMs;

    // Act + Assert
    expect(await lookUpRoute(live.aws, 'routes', 'ecs:Job', skewed)).toMatchObject({ status: 'found', route: { session: 's1' } });
    expect(await lookUpRoute(dead.aws, 'routes', 'ecs:Job', skewed)).toMatchObject({ status: 'expired', session: 's1' });
  });

  it('reads a route that lapsed less than graceMs ago again, and finds it renewed (a late heartbeat, not a crash)', async () => {
    // Arrange: the first read finds the route 1 s past its expiry; the second finds it renewed
    const awsNow = Date.now();
    const { aws, calls } = fakeAws({
      date: () => awsNow,
      routes: (call) => route('s1', Math.floor(awsNow / 1000) + (call === 1 ? -1 : 6)),
    });

    // Act
    const lookup = await lookUpRoute(aws, 'routes', 'ecs:Job');

    // Assert
    expect(lookup).toMatchObject({ status: 'found', route: { session: 's1' } });
    expect(calls).toHaveLength(2);
  });

  it('gives a lapsed route a grace of twice the read latency on a slow endpoint, where the heartbeat is as late', async () => {
    // Arrange: the route lapsed 2 s before the answer's Date (past the 2 s grace); renewed on the second read
    const awsNow = Date.now();
    const routes = (call: number) => route('s1', Math.floor(awsNow / 1000) + (call === 1 ? -2 : 6));
    const slow = fakeAws({ date: () => awsNow, routes, latencyMs: 1_400 });
    const fast = fakeAws({ date: () => awsNow, routes });

    // Act
    const onSlow = await lookUpRoute(slow.aws, 'routes', 'ecs:Job');
    const onFast = await lookUpRoute(fast.aws, 'routes', 'ecs:Job');

    // Assert: read in 1.4 s, the lapse is within a 2.8 s grace: read again, renewed; read at once, it is not
    expect(onSlow).toMatchObject({ status: 'found', route: { session: 's1' } });
    expect(slow.calls).toHaveLength(2);
    expect(onFast).toMatchObject({ status: 'expired', session: 's1' });
    expect(routeGraceMs(2_000, 1_400)).toBe(2_800);
    expect(routeGraceMs(2_000, 300)).toBe(2_000);
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
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns the results item as soon as it is there, with the number of polls', async () => {
    // Arrange
    const { aws, calls } = fakeAws({ results: (poll) => (poll === 3 ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined) });

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000);

    // Assert
    expect(wait).toEqual({ item: { invocationId: 'i-1', result: '{}' }, polls: 3, resent: [] });
    expect(calls.map((call) => call.input)).toEqual(
      Array.from({ length: 3 }, () => expect.objectContaining({ TableName: 'results', Key: { invocationId: { S: 'i-1' } }, ConsistentRead: true })),
    );
  });

  it('waits longer between polls as the wait grows, and at least latencyFactor × the last call', async () => {
    // Arrange: the send took 40 ms; the polls take 10, 60 and 10 ms (on a clock that moves only when asked)
    const time = virtualTime();
    const fake = fakeAws({ results: (poll) => (poll === 4 ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined) });
    const latencies = [10, 60, 10];
    const aws: AwsContext = { ...fake.aws, fetch: async (url, init) => ((time.advance(latencies.shift() ?? 0), fake.aws.fetch(url, init))) };
    const sent = sentInvocation({ sendStartedAt: time.clock() - 40, sentAt: time.clock() });

    // Act
    const wait = await awaitResult(aws, TABLES, sent, time.clock() + 10_000, { clock: time.clock, sleep: time.sleep, poll: { jitter: 0 } });

    // Assert: max(initialMs × factor^n, latencyFactor × the last call)
    const { initialMs, factor, latencyFactor } = RESULT_POLL;
    expect(wait).toMatchObject({ polls: 4 });
    expect(time.delays).toEqual([
      Math.max(initialMs, latencyFactor * 40),
      Math.max(initialMs * factor, latencyFactor * 10),
      Math.max(initialMs * factor ** 2, latencyFactor * 60),
      Math.max(initialMs * factor ** 3, latencyFactor * 10),
    ]);
    expect(time.delays).toEqual([80, 30, 120, 67.5]);
  });

  it('never waits more than maxMs between polls, jitter included', async () => {
    // Arrange: the largest jitter, a live route, no result for 20 s
    vi.spyOn(Math, 'random').mockReturnValue(0.999_999);
    const time = virtualTime();
    const { aws } = fakeAws({ routes: route('s1', Math.floor(Date.now() / 1000) + 3_600) });

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation({ sendStartedAt: time.clock(), sentAt: time.clock() }), time.clock() + 20_000, { clock: time.clock, sleep: time.sleep });

    // Assert: the backoff reached the cap and stayed at it
    expect(wait).toMatchObject({ timedOut: true });
    expect(Math.max(...time.delays)).toBe(RESULT_POLL.maxMs);
    expect(time.delays.filter((delay) => delay === RESULT_POLL.maxMs).length).toBeGreaterThan(10);
    expect(RESULT_POLL.maxMs).toBe(1_000);
  });

  it('gives up once the deadline has passed, with the number of polls made, the last poll at the deadline', async () => {
    // Arrange
    const time = virtualTime();
    const { aws } = fakeAws();
    const started = time.clock();

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation({ sendStartedAt: started, sentAt: started }), started + 100, { clock: time.clock, sleep: time.sleep });

    // Assert: the waits add up to the 100 ms to the deadline, not past it
    expect(wait).toMatchObject({ timedOut: true });
    expect(wait.polls).toBe(time.delays.length);
    expect(wait.polls).toBeGreaterThan(1);
    expect(time.delays.reduce((sum, delay) => sum + delay, 0)).toBeCloseTo(100, 3);
  });

  it('polls once when the deadline is already past', async () => {
    const { aws } = fakeAws();
    expect(await awaitResult(aws, TABLES, sentInvocation(), Date.now() - 1)).toEqual({ timedOut: true, polls: 1, resent: [] });
  });

  it('takes a poll that fails with a 5xx or throttling as "not yet" and keeps polling', async () => {
    // Arrange: calls 1 and 2 fail, the third finds the result
    const { aws, calls } = fakeAws({
      fail: (_operation, call) => (call === 1 ? 500 : call === 2 ? 400 : undefined),
      results: () => ({ invocationId: { S: 'i-1' }, result: { S: '{}' } }),
    });

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, QUICK);

    // Assert: one attempt per poll, no retries inside a poll
    expect(wait).toMatchObject({ item: { invocationId: 'i-1' }, polls: 3 });
    expect(calls).toHaveLength(3);
  });

  it('stops at an error that cannot succeed on retry (HTTP 501)', async () => {
    const { aws, calls } = fakeAws({ fail: () => 501 });
    await expect(awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, QUICK)).rejects.toMatchObject({ status: 501 });
    expect(calls).toHaveLength(1);
  });

  it('reads the route with the result (BatchGetItem) once a route check is due, and goes on while the route is live', async () => {
    // Arrange: AWS's clock says the route has 60 s to live
    const aws0 = Date.now();
    const { aws, calls } = fakeAws({
      date: () => aws0,
      routes: route('s1', Math.floor(aws0 / 1000) + 60),
      results: (poll) => (poll === 10 ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined),
    });

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, QUICK);

    // Assert
    expect(wait).toMatchObject({ item: { invocationId: 'i-1' }, resent: [] });
    const batch = calls.find((call) => call.operation === 'BatchGetItem');
    expect(batch?.input).toEqual({
      RequestItems: {
        results: { Keys: [{ invocationId: { S: 'i-1' } }], ConsistentRead: true },
        routes: { Keys: [{ double: { S: 'ecs:Job' } }], ConsistentRead: true },
      },
    });
  });

  it.each([501, 400])(
    'reads the result and the route with two GetItems when BatchGetItem is refused as absent or not allowed (HTTP %i)',
    async (status) => {
      // Arrange: BatchGetItem answers 501 (not implemented) or 400 UnknownOperationException; the 12th read finds the result
      const aws0 = Date.now();
      const { aws, calls } = fakeAws({
        date: () => aws0,
        routes: route('s1', Math.floor(aws0 / 1000) + 60),
        results: (poll) => (poll === 12 ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined),
        fail: (operation) => (operation === 'BatchGetItem' ? status : undefined),
        ...(status === 400 ? { errorType: 'UnknownOperationException' } : {}),
      });

      // Act
      const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, QUICK);

      // Assert: BatchGetItem tried once, then the route is read on its own
      expect(wait).toMatchObject({ item: { invocationId: 'i-1' }, resent: [] });
      expect(calls.filter((call) => call.operation === 'BatchGetItem')).toHaveLength(1);
      expect(calls.filter((call) => call.operation === 'GetItem' && call.input.TableName === 'routes').length).toBeGreaterThan(0);
    },
  );

  it('reports the session lost once its route expired graceMs ago on AWS\'s clock, whatever this machine\'s clock says', async () => {
    // Arrange: the route expired 3 s ago by AWS's Date; this machine's clock is 5 minutes behind
    const awsNow = Date.now();
    const expiresAt = Math.floor(awsNow / 1000) - 3;
    const { aws } = fakeAws({ date: () => awsNow, routes: route('s1', expiresAt) });

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, { ...QUICK, now: () => Date.now() - 300_000 });

    // Assert
    expect(wait).toMatchObject({ sessionLost: { session: 's1', reason: 'expired', expiresAt }, resent: [] });
  });

  it('keeps waiting while an expired route is within its grace (a takeover may come)', async () => {
    // Arrange: expired 1 s ago (grace 2 s) for the whole wait
    const awsNow = Date.now();
    const { aws } = fakeAws({ date: () => awsNow, routes: route('s1', Math.floor(awsNow / 1000) - 1) });

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 150, QUICK);

    // Assert
    expect(wait).toMatchObject({ timedOut: true });
  });

  it('reports the session lost at once when its route was removed', async () => {
    const { aws } = fakeAws({ date: () => Date.now() });
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, QUICK);
    expect(wait).toMatchObject({ sessionLost: { session: 's1', reason: 'released' } });
  });

  it('sends the invocation again, same id, to the session that took the route over, and waits for its answer', async () => {
    // Arrange: s2 holds a live route; its answer comes after the re-send
    const awsNow = Date.now();
    let resentAt = Infinity;
    const { aws, calls } = fakeAws({
      date: () => awsNow,
      routes: route('s2', Math.floor(awsNow / 1000) + 60, `${QUEUE_URL}-s2`),
      results: () => (calls.some((call) => call.operation === 'SendMessage') ? { invocationId: { S: 'i-1' }, result: { S: '{}' } } : undefined),
    });
    const resends: string[] = [];

    // Act
    const wait = await awaitResult(aws, TABLES, sentInvocation(), Date.now() + 10_000, { ...QUICK, onResend: (from, to) => resends.push(`${from}→${to}`) });
    resentAt = calls.findIndex((call) => call.operation === 'SendMessage');

    // Assert
    expect(wait).toMatchObject({ item: { invocationId: 'i-1' }, resent: ['s2'] });
    expect(resends).toEqual(['s1→s2']);
    const send = calls[resentAt]?.input as { QueueUrl: string; MessageBody: string };
    expect(send.QueueUrl).toBe(`${QUEUE_URL}-s2`);
    expect(JSON.parse(send.MessageBody)).toEqual({ ...sentInvocation().message, sentAt: expect.any(String), session: 's2' });
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

  it.each([
    ['success', { type: 'success', output: { ok: 1 } }, 'SendTaskSuccess'],
    ['failure', { type: 'failure', error: 'Card.Declined' }, 'SendTaskFailure'],
  ] as const)('takes TaskTimedOut on a repeat after a lost answer as the %s delivered by the lost attempt, with a warning', async (_case, callback, operation) => {
    // Arrange: the first call reaches Step Functions (and closes the task), its answer is lost; the repeat gets TaskTimedOut
    const fake = fakeAws({ fail: (_operation, call) => (call >= 2 ? 400 : undefined), errorType: 'TaskTimedOut' });
    let lost = 0;
    const aws: AwsContext = {
      ...fake.aws,
      fetch: async (url, init) => {
        const answer = await fake.aws.fetch(url, init);
        if (lost++ === 0) throw new Error('socket hang up');
        return answer;
      },
    };

    // Act
    const outcome = await performCallback(aws, callback, 'token-1');

    // Assert
    expect(fake.calls.map((call) => call.operation)).toEqual([operation, operation]);
    expect(outcome.warning).toMatch(new RegExp(`^${operation} was sent again after an attempt whose answer was lost, and Step Functions answered TaskTimedOut .*taken as delivered by the lost attempt`));
  });

  it('fails with TaskTimedOut when no earlier attempt could have closed the task (first attempt, or after throttling)', async () => {
    // Arrange
    const first = fakeAws({ fail: () => 400, errorType: 'TaskTimedOut' });
    const afterThrottling = fakeAws({ fail: () => 400, errorType: 'TaskTimedOut' });
    const throttledFirst: AwsContext = {
      ...afterThrottling.aws,
      fetch: async (url, init) => {
        const answer = await afterThrottling.aws.fetch(url, init);
        // The first answer is a throttling refusal: the call did not take effect.
        return afterThrottling.calls.length === 1 ? new Response(JSON.stringify({ __type: 'ThrottlingException' }), { status: 400 }) : answer;
      },
    };

    // Act + Assert
    await expect(performCallback(first.aws, { type: 'success', output: 1 }, 'token-1')).rejects.toMatchObject({ errorType: 'TaskTimedOut' });
    await expect(performCallback(throttledFirst, { type: 'success', output: 1 }, 'token-1')).rejects.toMatchObject({ errorType: 'TaskTimedOut' });
    expect(afterThrottling.calls).toHaveLength(2);
  });
});

describe('Function: sessionLostMessage', () => {
  it('says the route expired on AWS\'s clock and the test process probably died', () => {
    expect(sessionLostMessage({ session: 's1', reason: 'expired', expiresAt: 1_700_000_000 }, 'i-1', 'ECS task Job', 'task')).toBe(
      "the test session s1 stopped answering before it answered invocation i-1 of ECS task Job: its route expired at 2023-11-14T22:13:20.000Z (AWS's clock) " +
        'without a heartbeat and no other session took it over; the test process was probably killed or crashed.',
    );
  });

  it('says the session removed its route, naming what it may have unmocked', () => {
    expect(sessionLostMessage({ session: 's1', reason: 'released' }, 'i-1', 'Lambda function double hx-Fn (lambda:Fn)', 'function')).toBe(
      'the test session s1 stopped answering before it answered invocation i-1 of Lambda function double hx-Fn (lambda:Fn): ' +
        'it removed its route (the session closed, or unmocked the function) with the invocation unanswered.',
    );
  });
});
