import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { RouteBusyError, SessionClosedError } from '../errors.js';
import {
  isRetryableAnswer,
  MAX_MESSAGE_BYTES,
  parseInvocationMessage,
  routeExpiryIso,
  type InvocationMessage,
  type InvocationResult,
} from '../protocol.js';
import { checkResultValue, RESULT_LIMITS } from '../result-limits.js';
import { sessionQueuePrefix } from '../stacks.js';
import type { CoreResources } from '../types/adapter.js';
import { AwsClock, observeAwsClock } from './aws-clock.js';
import { isConditionalCheckFailed, loadAwsSdk, type AwsSdk } from './aws-sdk.js';
import type { Dispatch, DroppedMessage, SessionTransport } from './transport.js';

/** Tuning of the aws transport. Every wait has a bound. */
export interface AwsTransportOptions {
  readonly stackName: string;
  readonly session: string;
  readonly core: CoreResources;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  /**
   * Lifetime of a route without a heartbeat, in seconds: how soon a crashed session is seen as dead by the
   * tasks waiting on it and by the next session that mocks the same double. Default {@link ROUTE_DEFAULTS}.
   */
  readonly routeTtlSeconds?: number | undefined;
  /** How often routes are renewed, in milliseconds. Default {@link ROUTE_DEFAULTS}. */
  readonly heartbeatIntervalMs?: number | undefined;
  /** How long to wait for another session to release a double, in milliseconds. Default 60 000. */
  readonly routeWaitTimeoutMs?: number | undefined;
  /** Long-poll wait per receive, in seconds (SQS allows at most 20). Default 20. */
  readonly receiveWaitSeconds?: number | undefined;
  /** Receives in flight at once. Default {@link LISTENER_DEFAULTS}. */
  readonly receivers?: number | undefined;
  /**
   * Seconds a received message stays invisible; extended while its handler runs. A receive whose answer is
   * lost costs this much before the messages come back. Default {@link LISTENER_DEFAULTS}.
   */
  readonly visibilityTimeoutSeconds?: number | undefined;
  /** How long one SQS or DynamoDB call (other than a long poll) may take before it is given up and retried, in ms. Default {@link LISTENER_DEFAULTS} (10 000). */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * Handlers running at once; receiving pauses at this many, and a receive asks for no more messages than
   * there are free slots (so the cap is never overshot). Default 1 000.
   */
  readonly maxConcurrentHandlers?: number | undefined;
  /** This machine's clock, epoch ms (tests skew it). Routes are written on AWS's clock, learnt from its answers. */
  readonly now?: (() => number) | undefined;
  /** Told about listener problems that do not stop it (a failed receive, a lost route). */
  readonly onError?: ((error: Error) => void) | undefined;
}

/**
 * Route liveness defaults: a route lives 6 s past its last heartbeat, renewed every 1.5 s (four chances
 * before it lapses). A task waiting on a crashed session sees it dead within about 9 s of the crash.
 */
export const ROUTE_DEFAULTS = { ttlSeconds: 6, heartbeatIntervalMs: 1_500 } as const;

/** Listener defaults: receives in flight, visibility timeout (s), one call's timeout (ms), handlers at once. */
export const LISTENER_DEFAULTS = { receivers: 4, visibilityTimeoutSeconds: 10, requestTimeoutMs: 10_000, maxConcurrentHandlers: 1_000 } as const;

/**
 * Result puts in flight at once. The SDK's DynamoDB client keeps 50 sockets; past that, calls queue
 * inside it while their timeouts run, and a heartbeat queued behind hundreds of puts arrives too late
 * to keep the route. Bounded here, routes and claims always find a socket.
 */
const BULK_CALLS_IN_FLIGHT = 40;

/**
 * Message deletes: DeleteMessageBatch calls in flight at once (10 receipts each). A full batch goes
 * as soon as a call is free; a partial one when no delete is in flight or its oldest receipt has
 * waited {@link DELETE_LINGER_MS}. Under load deletes gather while the previous batch is on its way,
 * so one call serves ten invocations instead of one (measured on moto at 200 concurrent: 0.93 calls per
 * invocation before, when every turn of the event loop sent its own batch).
 */
const DELETE_CALLS_IN_FLIGHT = 8;
const DELETE_LINGER_MS = 200;

const RESULT_TTL_SECONDS = 3_600;
/** The window of the slowest answer a route's lifetime is fitted to (see {@link AwsTransport.routeLifetimeSeconds}). */
const LATENCY_WINDOW_MS = 10_000;
const MAX_DROPPED_KEPT = 100;
/** Answered invocation ids kept to recognise a redelivery (a message whose delete was lost). */
const ANSWERED_KEPT = 20_000;
/** Attempts of one SQS/DynamoDB call whose failure is transient (a lost answer, a reset, a 5xx, throttling). */
const CALL_ATTEMPTS = 5;

/** A message waiting for its DeleteMessageBatch: since when (epoch ms), and who to tell. */
interface PendingDelete {
  readonly receipt: string;
  readonly since: number;
  readonly done: (error?: unknown) => void;
}

/** An invocation being answered, and the receipts of every copy of its message received meanwhile. */
interface Running {
  work: Promise<void>;
  readonly receipts: Set<string>;
  /**
   * The handler answered before close(): close() waits for its answer's write and message deletes. An
   * answer given later is still written, but its messages went with the queue.
   */
  answeredOpen: boolean;
}

/**
 * The aws target's transport: a queue per session, routes and results in
 * DynamoDB (see ARCHITECTURE.md, "The invocation protocol").
 *
 * Several receives are in flight at once and handlers run concurrently. A
 * received message is invisible for a short visibility timeout, extended
 * while its handler runs, so a receive whose answer is lost costs seconds.
 * Every call has a timeout and is retried when its failure is transient;
 * the result is written with a conditional put, so an invocation delivered
 * twice is answered once. Routes carry an expiry on AWS's clock (see {@link AwsClock}).
 */
export class AwsTransport implements SessionTransport {
  readonly dropped: DroppedMessage[] = [];
  private queueUrl: string | undefined;
  private readonly routes = new Set<string>();
  private readonly inFlight = new Map<string, Running>();
  private readonly answered = new Set<string>();
  private readonly abort = new AbortController();
  private readonly clock: AwsClock;
  private readonly stopObserving: (() => void)[] = [];
  private listening: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private heartbeating: Promise<void> | undefined;
  /** Receivers waiting for a handler slot: all woken at once when one frees (or on stop). */
  private slotWaiters: (() => void)[] = [];
  /** Slots promised to receives in flight (each asks for at most its share of the free slots). */
  private reservedSlots = 0;
  private stopping: Promise<void> | undefined;
  private deletes: PendingDelete[] = [];
  private deleteScheduled = false;
  private deleteCallsInFlight = 0;
  private deleteLinger: NodeJS.Timeout | undefined;
  /**
   * The receipts of messages whose invocations are running, with when their visibility was last set
   * and the receipts set (of their {@link Running}) they belong to; renewed together, ten per call.
   */
  private readonly invisible = new Map<string, { setAt: number; readonly receipts: Set<string> }>();
  private renewal: NodeJS.Timeout | undefined;
  /** The slowest answered call of the last two windows of {@link LATENCY_WINDOW_MS}: [current, previous]. */
  private slowest: [number, number] = [0, 0];
  private slowestSince = Date.now();
  private bulkInFlight = 0;
  private readonly bulkWaiting: (() => void)[] = [];
  private closed = false;
  /** close() is releasing the routes and deleting the queue: no more heartbeats or visibility renewals. */
  private releasing = false;
  /** The SDK's command classes, loaded by start(). */
  private sdk!: AwsSdk;

  constructor(private readonly options: AwsTransportOptions) {
    this.clock = new AwsClock(options.now ?? Date.now);
  }

  private get routeTtlSeconds(): number {
    return this.options.routeTtlSeconds ?? ROUTE_DEFAULTS.ttlSeconds;
  }

  /**
   * The lifetime written on a route now, in seconds: `routeTtlSeconds`, or longer while the endpoint answers
   * slowly — four times its slowest answer of the last 10-20 s, and one heartbeat interval more — so that a
   * heartbeat that waits seconds for an overloaded endpoint still lands before the route it renews lapses.
   * At most ten times `routeTtlSeconds`. Measured on moto at 200 concurrent invocations: answers took
   * seconds, a 6 s route lapsed between heartbeats, and tasks of a live session exited 78 (no route).
   */
  routeLifetimeSeconds(): number {
    this.rotateLatencyWindow();
    const slowestMs = Math.max(...this.slowest);
    const intervalMs = this.options.heartbeatIntervalMs ?? ROUTE_DEFAULTS.heartbeatIntervalMs;
    const needed = Math.ceil((4 * slowestMs + intervalMs) / 1000);
    return Math.min(Math.max(this.routeTtlSeconds, needed), 10 * this.routeTtlSeconds);
  }

  /** Notes how long a call the endpoint answered took, with a result or an error (a lost answer says nothing about its speed). */
  private observeLatency(ms: number): void {
    this.rotateLatencyWindow();
    if (ms > this.slowest[0]) this.slowest[0] = ms;
  }

  private rotateLatencyWindow(): void {
    const now = Date.now();
    if (now - this.slowestSince < LATENCY_WINDOW_MS) return;
    // A window with no call at all leaves both empty.
    this.slowest = now - this.slowestSince < 2 * LATENCY_WINDOW_MS ? [0, this.slowest[0]] : [0, 0];
    this.slowestSince = now;
  }

  private get visibilitySeconds(): number {
    return this.options.visibilityTimeoutSeconds ?? LISTENER_DEFAULTS.visibilityTimeoutSeconds;
  }

  /** AWS's clock as this session knows it: epoch seconds. */
  private awsSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  async start(dispatch: Dispatch): Promise<void> {
    this.sdk = await loadAwsSdk();
    this.stopObserving.push(observeAwsClock(this.options.dynamodb, this.clock));
    const queueName = `${sessionQueuePrefix(this.options.stackName)}${this.options.session}`;
    const [created] = await Promise.all([
      this.call((abortSignal) => this.options.sqs.send(new this.sdk.sqs.CreateQueueCommand({
        QueueName: queueName,
        Attributes: {
          ReceiveMessageWaitTimeSeconds: '20',
          VisibilityTimeout: String(this.visibilitySeconds),
          MessageRetentionPeriod: '3600',
          // Stated, not left to the default (256 KiB on AWS, 1 MiB on moto): what the agent enforces.
          MaximumMessageSize: String(MAX_MESSAGE_BYTES),
          SqsManagedSseEnabled: 'true',
        },
        tags: { 'harness:stack': this.options.stackName, 'harness:session': this.options.session },
      }), { abortSignal })),
      // One read before the first route is written, for the Date that sets the clock.
      this.call((abortSignal) => this.options.dynamodb.send(new this.sdk.dynamodb.GetItemCommand({
        TableName: this.options.core.routesTable,
        Key: { double: { S: '~harness-clock' } },
      }), { abortSignal })),
    ]);
    if (!created.QueueUrl) throw new Error(`SQS created queue ${queueName} but returned no URL`);
    this.queueUrl = created.QueueUrl;
    const receivers = Math.max(1, this.options.receivers ?? LISTENER_DEFAULTS.receivers);
    this.listening = Promise.all(Array.from({ length: receivers }, () => this.listen(dispatch))).then(() => undefined);
    this.scheduleHeartbeat();
    this.renewal = setInterval(() => this.renewVisibility(), (this.visibilitySeconds * 1000) / 10);
    this.renewal.unref();
  }

  async claimRoute(double: string): Promise<void> {
    if (this.closed) throw new SessionClosedError(this.options.session, `mock ${double}`);
    const queueUrl = this.requireQueue();
    const timeoutMs = this.options.routeWaitTimeoutMs ?? 60_000;
    const started = Date.now();
    let delayMs = 100;
    for (;;) {
      const now = this.awsSeconds();
      const expiresAt = now + this.routeLifetimeSeconds();
      try {
        await this.call((abortSignal) => this.options.dynamodb.send(new this.sdk.dynamodb.PutItemCommand({
          TableName: this.options.core.routesTable,
          Item: {
            double: { S: double },
            session: { S: this.options.session },
            queueUrl: { S: queueUrl },
            expiresAt: { N: String(expiresAt) },
            expiresAtIso: { S: routeExpiryIso(expiresAt) },
          },
          ConditionExpression: 'attribute_not_exists(#double) OR #session = :session OR #expiresAt < :now',
          ExpressionAttributeNames: { '#double': 'double', '#session': 'session', '#expiresAt': 'expiresAt' },
          ExpressionAttributeValues: { ':session': { S: this.options.session }, ':now': { N: String(now) } },
        }), { abortSignal }));
        this.routes.add(double);
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      const holder = await this.routeHolder(double);
      const waited = Date.now() - started;
      if (waited >= timeoutMs) throw new RouteBusyError(double, this.options.session, holder ?? 'unknown', waited);
      await sleep(Math.min(delayMs, timeoutMs - waited));
      delayMs = Math.min(delayMs * 2, 1_000);
    }
  }

  async releaseRoute(double: string): Promise<void> {
    this.routes.delete(double);
    try {
      await this.call((abortSignal) => this.options.dynamodb.send(new this.sdk.dynamodb.DeleteItemCommand({
        TableName: this.options.core.routesTable,
        Key: { double: { S: double } },
        ConditionExpression: '#session = :session',
        ExpressionAttributeNames: { '#session': 'session' },
        ExpressionAttributeValues: { ':session': { S: this.options.session } },
      }), { abortSignal }));
    } catch (error) {
      // Another session took the route after ours expired: it is theirs now.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /**
   * Stops receiving: once it resolves, no new invocation reaches dispatch. Routes stay (and are renewed)
   * so that the handlers still running can answer. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort();
      this.wakeSlotWaiters();
      await this.listening;
    })();
    return this.stopping;
  }

  /**
   * Stops receiving (see {@link stop}), writes the answers handlers have already given, then releases the
   * routes and deletes the queue. It does not wait for handlers still running: the session does that,
   * bounded by `closeTimeoutMs`, between `stop()` and `close()`. An answer given after close() is still
   * written to the results table. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stop();
    // Let the answers given in this turn of the event loop reach their write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await Promise.allSettled([...this.inFlight.values()].filter((running) => running.answeredOpen).map((running) => running.work));
    this.releasing = true;
    clearInterval(this.renewal);
    clearTimeout(this.heartbeat);
    await this.heartbeating;
    const problems: unknown[] = [];
    for (const result of await Promise.allSettled([...this.routes].map((double) => this.releaseRoute(double)))) {
      if (result.status === 'rejected') problems.push(result.reason);
    }
    if (this.queueUrl) {
      const QueueUrl = this.queueUrl;
      await this.call((abortSignal) => this.options.sqs.send(new this.sdk.sqs.DeleteQueueCommand({ QueueUrl }), { abortSignal })).catch((error: unknown) => {
        problems.push(error);
      });
    }
    for (const stop of this.stopObserving) stop();
    for (const problem of problems) this.report(problem);
  }

  private requireQueue(): string {
    if (!this.queueUrl) throw new Error(`session ${this.options.session} has not started: call start() first`);
    return this.queueUrl;
  }

  private async routeHolder(double: string): Promise<string | undefined> {
    const found = await this.call((abortSignal) => this.options.dynamodb.send(new this.sdk.dynamodb.GetItemCommand({
      TableName: this.options.core.routesTable,
      Key: { double: { S: double } },
      ConsistentRead: true,
    }), { abortSignal }));
    return found.Item?.session?.S;
  }

  // A chain of timeouts, not an interval: a slow renewal never overlaps the next. Each renewal starts one
  // interval after the previous one started (not ended), so a slow endpoint does not stretch the gaps.
  private scheduleHeartbeat(previousStart = Date.now()): void {
    if (this.releasing) return;
    const interval = this.options.heartbeatIntervalMs ?? ROUTE_DEFAULTS.heartbeatIntervalMs;
    this.heartbeat = setTimeout(() => {
      const started = Date.now();
      this.heartbeating = this.renewRoutes().finally(() => this.scheduleHeartbeat(started));
    }, Math.max(0, previousStart + interval - Date.now()));
    this.heartbeat.unref();
  }

  private async renewRoutes(): Promise<void> {
    const expiresAt = this.awsSeconds() + this.routeLifetimeSeconds();
    await Promise.all(
      [...this.routes].map(async (double) => {
        try {
          await this.call((abortSignal) => this.options.dynamodb.send(new this.sdk.dynamodb.UpdateItemCommand({
            TableName: this.options.core.routesTable,
            Key: { double: { S: double } },
            UpdateExpression: 'SET #expiresAt = :expiresAt, #expiresAtIso = :expiresAtIso',
            ConditionExpression: '#session = :session',
            ExpressionAttributeNames: { '#expiresAt': 'expiresAt', '#expiresAtIso': 'expiresAtIso', '#session': 'session' },
            ExpressionAttributeValues: {
              ':expiresAt': { N: String(expiresAt) },
              ':expiresAtIso': { S: routeExpiryIso(expiresAt) },
              ':session': { S: this.options.session },
            },
          }), { abortSignal }));
        } catch (error) {
          if (!this.routes.has(double)) return; // released meanwhile
          if (isConditionalCheckFailed(error)) {
            this.routes.delete(double);
            this.report(
              new Error(
                `session ${this.options.session} lost its route for ${double} (it expired and another session took it): ` +
                  `its invocations now go there. Heartbeats (every ${this.options.heartbeatIntervalMs ?? ROUTE_DEFAULTS.heartbeatIntervalMs} ms) ` +
                  `were more than the route's ${this.routeTtlSeconds} s late; was the test process blocked? To fix this, raise routeTtlSeconds.`,
              ),
            );
          } else this.report(error);
        }
      }),
    );
  }

  private async listen(dispatch: Dispatch): Promise<void> {
    const queueUrl = this.requireQueue();
    const waitSeconds = this.options.receiveWaitSeconds ?? 20;
    const maxHandlers = this.options.maxConcurrentHandlers ?? LISTENER_DEFAULTS.maxConcurrentHandlers;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      const free = maxHandlers - this.inFlight.size - this.reservedSlots;
      if (free <= 0) {
        await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
        continue;
      }
      // Never more messages than free slots: with several receivers, each reserves its share first.
      const wanted = Math.min(10, free);
      this.reservedSlots += wanted;
      let messages: Message[];
      // A receive whose answer is lost is given up after its wait plus a call's timeout; its
      // messages come back after the visibility timeout.
      const limit = deadline(waitSeconds * 1000 + this.requestTimeoutMs, this.abort.signal);
      try {
        const received = await this.options.sqs.send(
          new this.sdk.sqs.ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: wanted,
            WaitTimeSeconds: waitSeconds,
            VisibilityTimeout: this.visibilitySeconds,
          }),
          { abortSignal: limit.signal },
        );
        messages = received.Messages ?? [];
        failures = 0;
      } catch (error) {
        if (this.abort.signal.aborted) return;
        failures++;
        this.report(error);
        await sleep(Math.min(100 * 2 ** failures, 5_000), this.abort.signal);
        continue;
      } finally {
        limit.clear();
        this.reservedSlots -= wanted;
      }
      for (const message of messages) this.track(message, dispatch);
      // Slots reserved and not used are free again for the receivers waiting on them.
      if (messages.length < wanted) this.wakeSlotWaiters();
    }
  }

  /** Wakes every receiver waiting for a handler slot; each checks the free slots again. */
  private wakeSlotWaiters(): void {
    const waiters = this.slotWaiters;
    this.slotWaiters = [];
    for (const wake of waiters) wake();
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? LISTENER_DEFAULTS.requestTimeoutMs;
  }

  /** Runs one received message; an invocation delivered twice shares the first run, or is recognised as answered. */
  private track(message: Message, dispatch: Dispatch): void {
    const body = message.Body ?? '';
    const receipt = message.ReceiptHandle;
    let invocation: InvocationMessage;
    try {
      invocation = parseInvocationMessage(body);
    } catch (error) {
      this.drop(message, (error as Error).message);
      return;
    }
    if (invocation.session !== this.options.session) {
      this.drop(message, `addressed to session ${invocation.session}, not ${this.options.session}`);
      return;
    }
    const { invocationId } = invocation;
    if (this.answered.has(invocationId)) {
      if (receipt) this.deleteMessage(receipt).catch((error: unknown) => this.report(error));
      return;
    }
    const already = this.inFlight.get(invocationId);
    if (already) {
      if (receipt) this.hide(receipt, already.receipts);
      return;
    }
    const receipts = new Set<string>();
    if (receipt) this.hide(receipt, receipts);
    const running: Running = { work: Promise.resolve(), receipts, answeredOpen: false };
    const work = this.answer(invocation, dispatch, running)
      .then(() => {
        this.remember(invocationId);
        if (!running.answeredOpen) return [];
        return Promise.all([...receipts].map((handle) => this.deleteMessage(handle)));
      })
      .then(
        () => undefined,
        (error: unknown) => this.report(error),
      )
      .finally(() => {
        for (const handle of receipts) this.invisible.delete(handle);
        this.inFlight.delete(invocationId);
        this.wakeSlotWaiters();
      });
    running.work = work;
    this.inFlight.set(invocationId, running);
  }

  /** Keeps a received message invisible while its invocation runs (see {@link renewVisibility}). */
  private hide(receipt: string, receipts: Set<string>): void {
    receipts.add(receipt);
    this.invisible.set(receipt, { setAt: Date.now(), receipts });
  }

  /**
   * Renews, to the full visibility timeout, every running invocation's message whose visibility was set
   * half a timeout ago or more: ten receipts per ChangeMessageVisibilityBatch (the same IAM action as
   * ChangeMessageVisibility). Runs every tenth of the timeout, so a renewal goes out between half and
   * six tenths of it. One call per ten messages, not one per message: at 200 concurrent on moto the
   * single calls were 3.3 per invocation, and queued behind them the result writes waited seconds.
   */
  private renewVisibility(): void {
    // close() is deleting the queue, and these messages with it.
    if (this.releasing || this.invisible.size === 0) return;
    const QueueUrl = this.requireQueue();
    const now = Date.now();
    const halfMs = (this.visibilitySeconds * 1000) / 2;
    const due: { receipt: string; receipts: Set<string> }[] = [];
    for (const [receipt, held] of this.invisible) {
      if (now - held.setAt < halfMs) continue;
      held.setAt = now;
      due.push({ receipt, receipts: held.receipts });
    }
    for (let start = 0; start < due.length; start += 10) {
      const batch = due.slice(start, start + 10);
      // Not bulk: a renewal queued past the visibility timeout would be too late.
      this.call((abortSignal) => this.options.sqs.send(new this.sdk.sqs.ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: batch.map((entry, index) => ({ Id: String(index), ReceiptHandle: entry.receipt, VisibilityTimeout: this.visibilitySeconds })),
      }), { abortSignal })).then(
        (answer) => {
          for (const failure of answer.Failed ?? []) {
            const entry = batch[Number(failure.Id)];
            if (!entry) continue;
            // The message became visible and was received again: that copy's receipt is in the set too.
            if (failure.Code === 'ReceiptHandleIsInvalid' || /receipt handle is invalid/i.test(failure.Message ?? '')) {
              entry.receipts.delete(entry.receipt);
              this.invisible.delete(entry.receipt);
            } else {
              this.report(new Error(`SQS did not extend the visibility of a message of session ${this.options.session}: ${failure.Code ?? ''} ${failure.Message ?? ''}`));
            }
          }
        },
        (error: unknown) => this.report(error),
      );
    }
  }

  private remember(invocationId: string): void {
    this.answered.add(invocationId);
    if (this.answered.size > ANSWERED_KEPT) {
      // A Set iterates in insertion order: the oldest goes.
      for (const oldest of this.answered) {
        this.answered.delete(oldest);
        break;
      }
    }
  }

  private async answer(invocation: InvocationMessage, dispatch: Dispatch, running: Running): Promise<void> {
    const result = await dispatch(invocation);
    running.answeredOpen = !this.closed;
    const encoded = encodeResult(result, invocation.double);
    try {
      await this.bulk(() => this.call((abortSignal) => this.options.dynamodb.send(new this.sdk.dynamodb.PutItemCommand({
        TableName: this.options.core.resultsTable,
        Item: {
          invocationId: { S: invocation.invocationId },
          session: { S: this.options.session },
          result: { S: encoded },
          expiresAt: { N: String(this.awsSeconds() + RESULT_TTL_SECONDS) },
        },
        ConditionExpression: 'attribute_not_exists(invocationId)',
      }), { abortSignal })));
    } catch (error) {
      // Already answered (an earlier attempt whose answer was lost, or a redelivery that outlived this
      // process's memory): the first answer stands.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Deletes a message, in a DeleteMessageBatch with others (see {@link DELETE_CALLS_IN_FLIGHT}). */
  private deleteMessage(receipt: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.deletes.push({ receipt, since: Date.now(), done: (error) => (error === undefined ? resolve() : reject(error)) });
      // Deletes asked for in the same turn of the event loop gather first.
      if (this.deleteScheduled) return;
      this.deleteScheduled = true;
      setImmediate(() => {
        this.deleteScheduled = false;
        this.flushDeletes();
      });
    });
  }

  /** Sends the full batches a free call can take, and a partial one when no delete is in flight or it has lingered. */
  private flushDeletes(): void {
    clearTimeout(this.deleteLinger);
    this.deleteLinger = undefined;
    while (this.deletes.length > 0 && this.deleteCallsInFlight < DELETE_CALLS_IN_FLIGHT) {
      const lingered = Date.now() - (this.deletes[0]?.since ?? 0) >= DELETE_LINGER_MS;
      if (this.deletes.length < 10 && this.deleteCallsInFlight > 0 && !lingered) break;
      const batch = this.deletes.splice(0, 10);
      this.deleteCallsInFlight++;
      void this.deleteBatch(batch).finally(() => {
        this.deleteCallsInFlight--;
        this.flushDeletes();
      });
    }
    if (this.deletes.length > 0 && this.deleteCallsInFlight < DELETE_CALLS_IN_FLIGHT) {
      const waitMs = Math.max(0, DELETE_LINGER_MS - (Date.now() - (this.deletes[0]?.since ?? 0)));
      this.deleteLinger = setTimeout(() => this.flushDeletes(), waitMs);
      // Only set while a delete is in flight, whose socket keeps the process alive.
      this.deleteLinger.unref();
    }
  }

  private async deleteBatch(batch: PendingDelete[]): Promise<void> {
    const QueueUrl = this.requireQueue();
    try {
      const answer = await this.call((abortSignal) => this.options.sqs.send(new this.sdk.sqs.DeleteMessageBatchCommand({
        QueueUrl,
        Entries: batch.map((entry, index) => ({ Id: String(index), ReceiptHandle: entry.receipt })),
      }), { abortSignal }));
      const failed = new Map((answer.Failed ?? []).map((failure) => [failure.Id, failure]));
      batch.forEach((entry, index) => {
        const failure = failed.get(String(index));
        // The message comes back after its visibility timeout and is recognised as answered then.
        entry.done(failure ? new Error(`SQS did not delete a message of session ${this.options.session}: ${failure.Code ?? ''} ${failure.Message ?? ''}`) : undefined);
      });
    } catch (error) {
      for (const entry of batch) entry.done(error);
    }
  }

  /**
   * Sends one SQS or DynamoDB call with a timeout, retrying a transient failure (its answer lost or late,
   * the connection reset, a 5xx but 501, throttling) up to {@link CALL_ATTEMPTS} times. The SDK's own
   * retries do not cover an answer that never comes: it has no timeout by default.
   */
  private async call<T>(send: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const limit = deadline(this.requestTimeoutMs);
      const started = Date.now();
      try {
        const answer = await send(limit.signal);
        this.observeLatency(Date.now() - started);
        return answer;
      } catch (error) {
        // An error the endpoint answered (a failed condition, a throttle) took its time too.
        if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode) this.observeLatency(Date.now() - started);
        if (attempt >= CALL_ATTEMPTS || !isTransient(error)) throw error;
        await sleep(Math.min(50 * 3 ** attempt, 2_000) * (0.5 + Math.random()));
      } finally {
        limit.clear();
      }
    }
  }

  /** Runs a bulk call (see {@link BULK_CALLS_IN_FLIGHT}) when a slot is free. */
  private async bulk<T>(run: () => Promise<T>): Promise<T> {
    if (this.bulkInFlight >= BULK_CALLS_IN_FLIGHT) await new Promise<void>((resolve) => this.bulkWaiting.push(resolve));
    this.bulkInFlight++;
    try {
      return await run();
    } finally {
      this.bulkInFlight--;
      this.bulkWaiting.shift()?.();
    }
  }

  private drop(message: Message, reason: string): void {
    this.dropped.push({ reason, body: (message.Body ?? '').slice(0, 2_000), receivedAt: new Date() });
    if (this.dropped.length > MAX_DROPPED_KEPT) this.dropped.shift();
    if (message.ReceiptHandle) this.deleteMessage(message.ReceiptHandle).catch((error: unknown) => this.report(error));
  }

  private report(error: unknown): void {
    const normalized = error instanceof Error ? error : new Error(String(error));
    this.options.onError?.(normalized);
  }
}

const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * Whether an SDK call's failure may succeed on retry: no answer (an abort by our timeout, a network error, the SDK's
 * own `$retryable`), or an answer the protocol's {@link isRetryableAnswer} calls retryable (a 5xx but 501, throttling:
 * the container agent's rule too).
 */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata, $retryable } = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const status = $metadata?.httpStatusCode;
  if (status === 501) return false;
  if (name === 'TimeoutError' || name === 'AbortError' || $retryable) return true;
  if (code && NETWORK_CODES.has(code)) return true;
  return isRetryableAnswer({ status: status ?? 0, errorType: name });
}

/**
 * The results-table JSON of a session's answer. The session has checked an `ok` value already
 * (`answerInvocation`); this is the last guard, with the same check, so that an answer that cannot
 * be carried still fails under its own name (`ResultNotSerializableError`, `ResultTooLargeError`).
 */
export function encodeResult(result: InvocationResult, double: string): string {
  try {
    if (result.status === 'ok') return checkResultValue(result.value, double);
    const json = JSON.stringify(result);
    if (Buffer.byteLength(json) <= RESULT_LIMITS.resultItemBytes) return json;
    // A thrown error whose message or stack alone is over the limit: its name and the start of its message.
    return JSON.stringify({ status: 'error', error: { name: result.error.name, message: result.error.message.slice(0, 10_000) } } satisfies InvocationResult);
  } catch (error) {
    const named = error instanceof Error ? error : new Error(String(error));
    return JSON.stringify({ status: 'error', error: { name: named.name, message: named.message } } satisfies InvocationResult);
  }
}

/**
 * A signal that aborts after `ms` (a `TimeoutError`), or as soon as `parent` aborts; `clear()` ends the timer
 * and lets go of `parent`. Not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: on Node 20 the timer of
 * `AbortSignal.timeout` holds its signal weakly, and inside `any()` nothing else holds it, so a garbage
 * collection before it fires loses the abort (nodejs/node#57736). A receive whose answer was lost then
 * waited forever, and its receiver with it. Here the timer and `parent`'s listener hold the controller.
 */
export function deadline(ms: number, parent?: AbortSignal): { readonly signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    parent?.removeEventListener('abort', onParentAbort);
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  // Like AbortSignal.timeout: the wait it bounds keeps the process alive, the timer alone does not.
  timer.unref();
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** Waits `ms`, or less when `signal` aborts; the timer never outlives the wait. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
