import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RouteBusyError } from '../../src/errors.js';
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, type InvocationMessage } from '../../src/protocol.js';
import { RESULT_LIMITS } from '../../src/result-limits.js';
import { AwsTransport, isTransient } from '../../src/transport/aws-transport.js';

const sqsMock = mockClient(SQSClient);

/** A full garbage collection now (V8's gc(), exposed at run time: vitest's workers start without --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
const dynamoMock = mockClient(DynamoDBClient);
const core = { routesTable: 'routes', resultsTable: 'results', artifactsBucket: 'bucket' };

function transport(overrides: Partial<ConstructorParameters<typeof AwsTransport>[0]> = {}): AwsTransport {
  return new AwsTransport({
    stackName: 'hx',
    session: 's1',
    core,
    sqs: new SQSClient({ region: 'us-east-1' }),
    dynamodb: new DynamoDBClient({ region: 'us-east-1' }),
    heartbeatIntervalMs: 60_000,
    receiveWaitSeconds: 0,
    ...overrides,
  });
}

function message(invocationId: string, session = 's1'): { Body: string; ReceiptHandle: string } {
  const body: InvocationMessage = {
    v: PROTOCOL_VERSION,
    invocationId,
    double: 'ecs:RenderPdf',
    session,
    payload: {},
    sentAt: new Date().toISOString(),
  };
  return { Body: JSON.stringify(body), ReceiptHandle: `rh-${invocationId}-${Math.random()}` };
}

/** Delivers the given batches once each, then empty receives. */
function deliver(...batches: { Body: string; ReceiptHandle: string }[][]): void {
  const queue = [...batches];
  sqsMock.on(ReceiveMessageCommand).callsFake(async () => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    return { Messages: queue.shift() ?? [] };
  });
}

/** Resolves with `promise`, or fails after `ms` saying what it waited for and what `seen()` shows then. */
async function within<T>(promise: Promise<T>, ms: number, what: string, seen: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms; saw ${seen()}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

interface WatchedTimer {
  readonly ms: number;
  readonly timer: NodeJS.Timeout;
  state: 'pending' | 'fired' | 'cleared';
}

/** Records every setTimeout from now on (through the real one) and how it ended. */
function watchTimers(): WatchedTimer[] {
  const watched: WatchedTimer[] = [];
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const entry: WatchedTimer = {
      ms: ms ?? 0,
      state: 'pending',
      timer: realSet(() => {
        entry.state = 'fired';
        callback(...args);
      }, ms),
    };
    watched.push(entry);
    return entry.timer;
  }) as typeof setTimeout);
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer?: string | number | NodeJS.Timeout) => {
    const entry = watched.find((candidate) => candidate.timer === timer);
    if (entry?.state === 'pending') entry.state = 'cleared';
    realClear(timer);
  });
  return watched;
}

/** Timers still pending that keep the process alive (unref'd ones do not), as `<ms> ms` for the failure message. */
function keepingAlive(watched: readonly WatchedTimer[]): string[] {
  return watched.filter((entry) => entry.state === 'pending' && entry.timer.hasRef()).map((entry) => `${entry.ms} ms`);
}

/** A handler that holds each invocation until released; counts how many it holds at most. */
function gate(): { dispatch: (message: InvocationMessage) => Promise<{ status: 'ok'; value: string }>; releaseAll: () => void; held: () => number; most: () => number; answered: string[] } {
  const waiting: (() => void)[] = [];
  let holding = 0;
  let most = 0;
  let open = false;
  const answered: string[] = [];
  return {
    dispatch: async (message) => {
      holding++;
      most = Math.max(most, holding);
      if (!open) await new Promise<void>((resolve) => waiting.push(resolve));
      holding--;
      answered.push(message.invocationId);
      return { status: 'ok', value: message.invocationId };
    },
    releaseAll: () => {
      open = true;
      for (const release of waiting.splice(0)) release();
    },
    held: () => holding,
    most: () => most,
    answered,
  };
}

/** Receipt handles deleted so far, over every DeleteMessageBatch. */
function deletedReceipts(): string[] {
  return sqsMock.commandCalls(DeleteMessageBatchCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => entry.ReceiptHandle ?? ''));
}

describe('Class: AwsTransport', () => {
  beforeEach(() => {
    sqsMock.reset();
    dynamoMock.reset();
    sqsMock.on(CreateQueueCommand).resolves({ QueueUrl: 'http://q/hx-session-s1' });
    sqsMock.on(DeleteQueueCommand).resolves({});
    sqsMock.on(DeleteMessageBatchCommand).resolves({ Successful: [] });
    sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [] });
    dynamoMock.on(PutItemCommand).resolves({});
    dynamoMock.on(DeleteItemCommand).resolves({});
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  describe('Method: start', () => {
    it('creates the session queue under the stack prefix, encrypted, with long polling', async () => {
      deliver();
      const subject = transport();

      await subject.start(async () => ({ status: 'ok', value: null }));
      await subject.close();

      const input = sqsMock.commandCalls(CreateQueueCommand)[0]?.args[0].input;
      expect(input?.QueueName).toBe('hx-session-s1');
      expect(input?.Attributes).toMatchObject({ SqsManagedSseEnabled: 'true', ReceiveMessageWaitTimeSeconds: '20' });
      expect(sqsMock.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    });

    it('creates the session queue with the message size the agent enforces (the SQS default is 256 KiB)', async () => {
      deliver();
      const subject = transport();

      await subject.start(async () => ({ status: 'ok', value: null }));
      await subject.close();

      const attributes = sqsMock.commandCalls(CreateQueueCommand)[0]?.args[0].input.Attributes;
      expect(attributes?.MaximumMessageSize).toBe(String(MAX_MESSAGE_BYTES));
      expect(MAX_MESSAGE_BYTES).toBe(RESULT_LIMITS.sqsMessageBytes);
    });
  });

  describe('Method: close', () => {
    it('leaves no timer that keeps the process alive, idle', async () => {
      // Arrange: receives that hang until aborted, as a long poll on an empty queue does
      sqsMock.on(ReceiveMessageCommand).callsFake(
        (_input, _getClient) =>
          new Promise((resolve) => {
            setTimeout(() => resolve({ Messages: [] }), 50).unref();
          }),
      );
      const watched = watchTimers();
      const subject = transport();
      await subject.start(async () => ({ status: 'ok', value: null }));

      // Act
      await subject.close();

      // Assert
      expect(keepingAlive(watched)).toEqual([]);
    });

    it('ends the back-off after a failed receive as soon as it is closed', async () => {
      // Arrange: every receive fails, so each receiver sleeps up to 5 s between attempts
      sqsMock.on(ReceiveMessageCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
      const errors: Error[] = [];
      const watched = watchTimers();
      const subject = transport({ onError: (error) => errors.push(error) });
      await subject.start(async () => ({ status: 'ok', value: null }));
      await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(4), { timeout: 2_000 });

      // Act
      await within(subject.close(), 7_000, 'close() during the receive back-off', () => `${errors.length} receive failures`);

      // Assert: the back-offs running at close were cut short, not waited out, and none is left
      const backOffs = watched.filter((entry) => entry.ms >= 200 && entry.ms <= 5_000);
      expect(backOffs.filter((entry) => entry.state === 'cleared').length).toBeGreaterThan(0);
      expect(keepingAlive(watched)).toEqual([]);
    });
  });

  describe('Method: claimRoute', () => {
    it('writes the route with a condition that only an absent, own or expired route satisfies', async () => {
      deliver();
      const subject = transport();
      await subject.start(async () => ({ status: 'ok', value: null }));

      await subject.claimRoute('ecs:RenderPdf');
      await subject.close();

      const put = dynamoMock.commandCalls(PutItemCommand)[0]?.args[0].input;
      expect(put?.TableName).toBe('routes');
      expect(put?.Item).toMatchObject({ double: { S: 'ecs:RenderPdf' }, session: { S: 's1' }, queueUrl: { S: 'http://q/hx-session-s1' } });
      expect(put?.ConditionExpression).toBe('attribute_not_exists(#double) OR #session = :session OR #expiresAt < :now');
      // The expiry twice: epoch seconds (DynamoDB TTL, agents) and the same instant in ISO-8601 (state machine doubles).
      const expiresAt = Number(put?.Item?.expiresAt?.N);
      expect(expiresAt).toBeGreaterThan(Date.now() / 1000);
      expect(put?.Item?.expiresAtIso?.S).toBe(new Date(expiresAt * 1000).toISOString());
      // close() releases the route, only if still ours.
      const release = dynamoMock.commandCalls(DeleteItemCommand)[0]?.args[0].input;
      expect(release?.ConditionExpression).toBe('#session = :session');
    });

    it('renews both expiry attributes of its routes on every heartbeat', async () => {
      deliver();
      const subject = transport({ heartbeatIntervalMs: 20 });
      await subject.start(async () => ({ status: 'ok', value: null }));
      await subject.claimRoute('ecs:RenderPdf');

      await vi.waitFor(() => expect(dynamoMock.commandCalls(UpdateItemCommand).length).toBeGreaterThan(0), { timeout: 2_000 });
      await subject.close();

      const renewal = dynamoMock.commandCalls(UpdateItemCommand)[0]?.args[0].input;
      expect(renewal?.Key).toEqual({ double: { S: 'ecs:RenderPdf' } });
      expect(renewal?.UpdateExpression).toBe('SET #expiresAt = :expiresAt, #expiresAtIso = :expiresAtIso');
      const expiresAt = Number(renewal?.ExpressionAttributeValues?.[':expiresAt']?.N);
      expect(renewal?.ExpressionAttributeValues?.[':expiresAtIso']?.S).toBe(new Date(expiresAt * 1000).toISOString());
    });

    it('writes a route that outlives four of the endpoint\'s slowest recent answers, so a slow heartbeat lands in time', async () => {
      // Arrange: a 1 s route lifetime; the endpoint takes 600 ms to answer the start's clock read
      deliver();
      dynamoMock.on(GetItemCommand).callsFake(async () => {
        await new Promise((resolve) => setTimeout(resolve, 600));
        return {};
      });
      const fast = transport({ routeTtlSeconds: 1, heartbeatIntervalMs: 100 });
      const slow = transport({ routeTtlSeconds: 1, heartbeatIntervalMs: 100, session: 's2' });

      // Act
      const lifetimeBefore = slow.routeLifetimeSeconds();
      await slow.start(async () => ({ status: 'ok', value: null }));
      const lifetimeAfter = slow.routeLifetimeSeconds();
      const before = Math.floor(Date.now() / 1000);
      await slow.claimRoute('ecs:RenderPdf');
      await slow.close();

      // Assert: 4 × 600 ms + one 100 ms interval → 3 s, not 1; written on the route
      expect(lifetimeBefore).toBe(1);
      expect(lifetimeAfter).toBe(3);
      expect(fast.routeLifetimeSeconds()).toBe(1);
      const written = Number(dynamoMock.commandCalls(PutItemCommand).at(-1)?.args[0].input.Item?.expiresAt?.N);
      expect(written - before).toBeGreaterThanOrEqual(3);
      expect(written - before).toBeLessThanOrEqual(4);
    });

    it('waits for a live holder, then fails naming it', async () => {
      deliver();
      dynamoMock
        .on(PutItemCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
      dynamoMock.on(GetItemCommand).resolves({ Item: { session: { S: 's-other' } } });
      const subject = transport({ routeWaitTimeoutMs: 250 });
      await subject.start(async () => ({ status: 'ok', value: null }));

      const claim = subject.claimRoute('ecs:RenderPdf');

      await expect(claim).rejects.toBeInstanceOf(RouteBusyError);
      await expect(claim).rejects.toThrow(/Session s1 waited \d+ ms for double ecs:RenderPdf, which session s-other still holds/);
      expect(dynamoMock.commandCalls(PutItemCommand).length).toBeGreaterThan(1);
      await subject.close();
    });
  });

  describe('Method: listen', () => {
    it('answers an invocation delivered twice exactly once, with a conditional put', async () => {
      const duplicate = message('i-1');
      deliver([duplicate, { ...duplicate, ReceiptHandle: 'rh-again' }]);
      const dispatch = vi.fn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { status: 'ok' as const, value: { exitCode: 0 } };
      });
      const subject = transport();

      await subject.start(dispatch);
      await vi.waitFor(() => expect(deletedReceipts()).toHaveLength(2));
      await subject.close();

      expect(dispatch).toHaveBeenCalledTimes(1);
      const results = dynamoMock.commandCalls(PutItemCommand).map((call) => call.args[0].input);
      expect(results).toHaveLength(1);
      expect(results[0]?.TableName).toBe('results');
      expect(results[0]?.ConditionExpression).toBe('attribute_not_exists(invocationId)');
      expect(JSON.parse(results[0]?.Item?.result?.S ?? '')).toEqual({ status: 'ok', value: { exitCode: 0 } });
    });

    it('drops messages of other sessions and malformed ones without crashing, and keeps them for diagnosis', async () => {
      deliver([message('i-2', 's-dead'), { Body: 'not json', ReceiptHandle: 'rh-x' }], [message('i-3')]);
      const dispatch = vi.fn(async () => ({ status: 'ok' as const, value: 1 }));
      const subject = transport();

      await subject.start(dispatch);
      await vi.waitFor(() => expect(dispatch).toHaveBeenCalledTimes(1));
      await subject.close();

      expect(subject.dropped.map((dropped) => dropped.reason)).toEqual([
        'addressed to session s-dead, not s1',
        expect.stringMatching(/not JSON/),
      ]);
      expect(deletedReceipts().length).toBeGreaterThanOrEqual(3);
    });

    it('answers with an error when the result is too large for DynamoDB', async () => {
      deliver([message('i-4')]);
      const subject = transport();

      await subject.start(async () => ({ status: 'ok', value: 'x'.repeat(400_000) }));
      await vi.waitFor(() => expect(dynamoMock.commandCalls(PutItemCommand)).toHaveLength(1));
      await subject.close();

      const stored = JSON.parse(dynamoMock.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.result?.S ?? '');
      expect(stored).toMatchObject({ status: 'error', error: { name: 'ResultTooLargeError' } });
      expect(stored.error.message).toMatch(/ecs:RenderPdf.*400 KB/);
    });

    it('names a result that is not JSON for what it is, not as too large', async () => {
      deliver([message('i-7')]);
      const subject = transport();

      await subject.start(async () => ({ status: 'ok', value: { count: 1n } }));
      await vi.waitFor(() => expect(dynamoMock.commandCalls(PutItemCommand)).toHaveLength(1));
      await subject.close();

      const stored = JSON.parse(dynamoMock.commandCalls(PutItemCommand)[0]?.args[0].input.Item?.result?.S ?? '');
      expect(stored).toMatchObject({ status: 'error', error: { name: 'ResultNotSerializableError' } });
      expect(stored.error.message).toContain('$.value.count');
    });
  });

  describe('Method: listen (maxConcurrentHandlers)', () => {
    /** Six messages in the queue; each receive takes at most what it asks for. */
    function queueOf(count: number): void {
      const pool = Array.from({ length: count }, (_, index) => message(`i-cap-${index}`));
      sqsMock.on(ReceiveMessageCommand).callsFake(async (input: { MaxNumberOfMessages?: number }) => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return { Messages: pool.splice(0, input.MaxNumberOfMessages ?? 1) };
      });
    }

    it('never runs more handlers than the cap, asking each receive for no more than the free slots', async () => {
      // Arrange
      queueOf(6);
      const handlers = gate();
      const subject = transport({ receivers: 4, maxConcurrentHandlers: 2 });

      // Act: the cap is reached, the receivers wait; then every handler is let go
      await subject.start(handlers.dispatch);
      await vi.waitFor(() => expect(handlers.held()).toBe(2), { timeout: 2_000 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const heldAtCap = handlers.held();
      handlers.releaseAll();
      await vi.waitFor(() => expect(handlers.answered).toHaveLength(6), { timeout: 2_000 });
      await within(subject.close(), 2_000, 'close()', () => `${handlers.answered.length} answered`);

      // Assert
      expect(heldAtCap).toBe(2);
      expect(handlers.most()).toBe(2);
      const asked = sqsMock.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input.MaxNumberOfMessages ?? 0);
      expect(Math.max(...asked)).toBeLessThanOrEqual(2);
      expect(deletedReceipts()).toHaveLength(6);
    });

    it('wakes every waiting receiver when a handler finishes, so close() returns', async () => {
      // Arrange: a cap of 2 with 4 receivers; one handler holds its slot until released, the others answer at once
      queueOf(8);
      const holding: (() => void)[] = [];
      const answered: string[] = [];
      const subject = transport({ receivers: 4, maxConcurrentHandlers: 2 });

      // Act
      await subject.start(async (invocation) => {
        if (invocation.invocationId === 'i-cap-0') await new Promise<void>((resolve) => holding.push(resolve));
        answered.push(invocation.invocationId);
        return { status: 'ok', value: null };
      });
      // The one slot left is taken and freed over and over by the receivers in turn: all the others get through.
      await within(
        vi.waitFor(() => expect(answered).toHaveLength(7), { timeout: 2_000 }),
        3_000,
        'seven answers with one slot held',
        () => `answered ${answered.join(', ')}`,
      );
      holding.splice(0).forEach((release) => release());
      await within(subject.close(), 2_000, 'close() with receivers waiting for a slot', () => `answered ${answered.length}`);

      // Assert
      expect(answered).toHaveLength(8);
    });
  });

  describe('Method: listen (carriage under load and faults)', () => {
    it('keeps several receives in flight, each with the short visibility timeout', async () => {
      // Arrange: receives that hang until the transport closes
      const pending: number[] = [];
      sqsMock.on(ReceiveMessageCommand).callsFake(async (_input, getClient) => {
        pending.push(Date.now());
        void getClient;
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { Messages: [] };
      });
      const subject = transport({ receivers: 3, visibilityTimeoutSeconds: 7 });

      // Act
      await subject.start(async () => ({ status: 'ok', value: null }));
      await vi.waitFor(() => expect(pending.length).toBeGreaterThanOrEqual(3), { timeout: 2_000 });
      const inFlightAtOnce = pending.filter((at) => at - (pending[0] ?? 0) < 100).length;
      await subject.close();

      // Assert
      expect(inFlightAtOnce).toBe(3);
      expect(sqsMock.commandCalls(ReceiveMessageCommand)[0]?.args[0].input).toMatchObject({ MaxNumberOfMessages: 10, VisibilityTimeout: 7 });
      expect(sqsMock.commandCalls(CreateQueueCommand)[0]?.args[0].input.Attributes).toMatchObject({ VisibilityTimeout: '7' });
    });

    it('extends the visibility of a message while its handler runs past half the visibility timeout', async () => {
      // Arrange: visibility 1 s, a handler of 1.3 s
      deliver([message('i-slow')]);
      const subject = transport({ visibilityTimeoutSeconds: 1 });

      // Act
      await subject.start(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        return { status: 'ok', value: null };
      });
      await vi.waitFor(() => expect(deletedReceipts()).toHaveLength(1), { timeout: 3_000 });
      await subject.close();

      // Assert: renewed at half the timeout and again (between 0.5 and 0.6 s, between 1 and 1.2 s), to the full visibility timeout each time
      const renewals = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input);
      expect(renewals.length).toBeGreaterThanOrEqual(2);
      expect(renewals[0]).toMatchObject({
        QueueUrl: 'http://q/hx-session-s1',
        Entries: [{ Id: '0', ReceiptHandle: expect.stringMatching(/^rh-i-slow-/), VisibilityTimeout: 1 }],
      });
    });

    it('renews the visibility of many running invocations ten receipts per call', async () => {
      // Arrange: 23 invocations whose handlers wait until released, visibility 1 s
      deliver(Array.from({ length: 10 }, (_, i) => message(`i-a${i}`)), Array.from({ length: 10 }, (_, i) => message(`i-b${i}`)), Array.from({ length: 3 }, (_, i) => message(`i-c${i}`)));
      const handler = gate();
      const subject = transport({ visibilityTimeoutSeconds: 1, receivers: 1 });

      // Act: hold them past half the visibility timeout
      await subject.start(handler.dispatch);
      await vi.waitFor(() => expect(handler.held()).toBe(23), { timeout: 2_000 });
      await vi.waitFor(() => expect(sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).length).toBeGreaterThanOrEqual(3), { timeout: 2_000 });
      handler.releaseAll();
      await subject.close();

      // Assert: every receipt renewed, in calls of at most ten
      const calls = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).map((call) => call.args[0].input.Entries ?? []);
      expect(Math.max(...calls.map((entries) => entries.length))).toBe(10);
      const renewed = new Set(calls.flat().map((entry) => String(entry.ReceiptHandle).split('-')[2]));
      expect(renewed.size).toBe(23);
    });

    it('stops renewing a receipt SQS calls invalid, and renews the others', async () => {
      // Arrange: two slow invocations; SQS refuses the first receipt on every renewal
      const first = message('i-gone');
      const second = message('i-kept');
      deliver([first, second]);
      sqsMock.on(ChangeMessageVisibilityBatchCommand).callsFake(async (input: { Entries: { Id: string; ReceiptHandle: string }[] }) => ({
        Successful: input.Entries.filter((entry) => entry.ReceiptHandle !== first.ReceiptHandle).map((entry) => ({ Id: entry.Id })),
        Failed: input.Entries.filter((entry) => entry.ReceiptHandle === first.ReceiptHandle).map((entry) => ({
          Id: entry.Id,
          SenderFault: true,
          Code: 'ReceiptHandleIsInvalid',
          Message: 'The input receipt handle is invalid.',
        })),
      }));
      const errors: Error[] = [];
      const subject = transport({ visibilityTimeoutSeconds: 1, onError: (error) => errors.push(error) });

      // Act
      await subject.start(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_300));
        return { status: 'ok', value: null };
      });
      await vi.waitFor(() => expect(deletedReceipts()).toHaveLength(1), { timeout: 3_000 });
      await subject.close();

      // Assert: the invalid receipt was renewed once and never deleted; the other renewed again and deleted; nothing reported
      const renewedHandles = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => (call.args[0].input.Entries ?? []).map((entry) => entry.ReceiptHandle));
      expect(renewedHandles.filter((handle) => handle === first.ReceiptHandle)).toHaveLength(1);
      expect(renewedHandles.filter((handle) => handle === second.ReceiptHandle).length).toBeGreaterThanOrEqual(2);
      expect(deletedReceipts()).toEqual([second.ReceiptHandle]);
      expect(errors).toEqual([]);
    });

    it('gathers deletes while a DeleteMessageBatch is in flight: ten receipts per call under load', async () => {
      // Arrange: the first delete call answers only when released; 25 invocations answered meanwhile
      let releaseFirst: () => void = () => {};
      let deleteCalls = 0;
      sqsMock.on(DeleteMessageBatchCommand).callsFake(async () => {
        if (++deleteCalls === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
        return { Successful: [] };
      });
      deliver([message('i-first')], [], Array.from({ length: 10 }, (_, i) => message(`i-x${i}`)), Array.from({ length: 10 }, (_, i) => message(`i-y${i}`)), Array.from({ length: 5 }, (_, i) => message(`i-z${i}`)));
      const answered: string[] = [];
      const subject = transport({ receivers: 1 });

      // Act
      await subject.start(async (invocation) => {
        answered.push(invocation.invocationId);
        return { status: 'ok', value: null };
      });
      await vi.waitFor(() => expect(answered).toHaveLength(26), { timeout: 2_000 });
      await vi.waitFor(() => expect(deletedReceipts()).toHaveLength(26), { timeout: 2_000 });
      const whileBlocked = sqsMock.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input.Entries?.length);
      releaseFirst();
      await subject.close();

      // Assert: the first alone; the rest gathered into full batches, then the 5 left after their linger
      expect(whileBlocked).toEqual([1, 10, 10, 5]);
    });

    it('deletes a redelivery of an invocation it already answered without running the handler again', async () => {
      // Arrange: the same invocation in two receives, the second after the first was answered
      const first = message('i-5');
      deliver([first], [], [], [], [], [], [], [], [{ ...first, ReceiptHandle: 'rh-redelivered' }]);
      const dispatch = vi.fn(async () => ({ status: 'ok' as const, value: 1 }));
      const subject = transport({ receivers: 1 });

      // Act
      await subject.start(dispatch);
      await vi.waitFor(() => expect(deletedReceipts()).toContain('rh-redelivered'), { timeout: 2_000 });
      await subject.close();

      // Assert
      expect(dispatch).toHaveBeenCalledTimes(1);
      expect(dynamoMock.commandCalls(PutItemCommand).filter((call) => call.args[0].input.TableName === 'results')).toHaveLength(1);
    });

    it('gives up a receive whose answer is lost after its timeout and receives again, even across a garbage collection', async () => {
      // Arrange: an SQS whose first receive never answers (the fault proxy's lost response): only the
      // caller's abort ends it, as the SDK's HTTP handler does. A full GC runs while it hangs: on Node 20,
      // AbortSignal.any([…, AbortSignal.timeout(ms)]) lost its timeout to it, and the receiver waited forever.
      const receives: { aborted: boolean }[] = [];
      const sqs = {
        send: (command: { constructor: { name: string } }, options?: { abortSignal?: AbortSignal }) => {
          const name = command.constructor.name;
          if (name === 'CreateQueueCommand') return Promise.resolve({ QueueUrl: 'http://q/hx-session-s1' });
          if (name !== 'ReceiveMessageCommand') return Promise.resolve({});
          const receive = { aborted: false };
          receives.push(receive);
          if (receives.length > 1) return new Promise((resolve) => setTimeout(() => resolve({ Messages: [] }), 20));
          const signal = options?.abortSignal;
          return new Promise((_resolve, reject) => {
            signal?.addEventListener('abort', () => {
              receive.aborted = true;
              reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
            }, { once: true });
          });
        },
      } as unknown as SQSClient;
      const errors: Error[] = [];
      const subject = transport({ sqs, receivers: 1, receiveWaitSeconds: 0, requestTimeoutMs: 300, onError: (error) => errors.push(error) });
      await subject.start(async () => ({ status: 'ok', value: null }));
      await vi.waitFor(() => expect(receives).toHaveLength(1), { timeout: 1_000 });

      // Act: a GC once the receive's call frames are gone (right away, V8 may still hold the timeout signal)
      await new Promise((resolve) => setTimeout(resolve, 50));
      collectGarbage();
      await vi.waitFor(() => expect(receives.length, `receives sent: ${receives.length}; errors: ${errors.map((error) => error.name).join(', ')}`).toBeGreaterThanOrEqual(2), { timeout: 5_000 });
      await subject.close();

      // Assert
      expect(receives[0]?.aborted).toBe(true);
      expect(errors[0]?.name).toBe('AbortError');
    });

    it('sends a call again when it failed transiently (the abort of its timeout, a reset), and the conditional put keeps one answer', async () => {
      // Arrange: the first result put ends as the SDK ends a call our timeout aborted; the second as a reset connection
      deliver([message('i-6')]);
      let puts = 0;
      dynamoMock.on(PutItemCommand).callsFake(async () => {
        puts++;
        if (puts === 1) throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
        if (puts === 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return {};
      });
      const subject = transport();

      // Act
      await subject.start(async () => ({ status: 'ok', value: null }));
      await vi.waitFor(() => expect(deletedReceipts()).toHaveLength(1), { timeout: 3_000 });
      await subject.close();

      // Assert
      expect(puts).toBe(3);
    });
  });
});

describe('Function: isTransient', () => {
  it.each([
    ['a 500', { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }, true],
    ['throttling', { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }, true],
    ['our timeout', { name: 'AbortError' }, true],
    ['a reset connection', { name: 'Error', code: 'ECONNRESET' }, true],
    ['a 501 (not implemented)', { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } }, false],
    ['a conditional check', { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } }, false],
    ['access denied', { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }, false],
  ])('%s → %s', (_case, error, expected) => {
    expect(isTransient(error)).toBe(expected);
  });
});
