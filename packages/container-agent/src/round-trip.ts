/**
 * The invocation round trip both doubles run (the ECS container agent and the
 * Lambda function double): read the route, send the invocation to the session's
 * queue, poll the results table (watching the route while it waits), parse the
 * result, perform a task-token callback.
 *
 * Route liveness is judged on one clock: AWS's. The session writes a route's
 * `expiresAt` on AWS's clock (learnt from the `Date` of DynamoDB's answers) and
 * the double compares it with the `Date` of the answer that carried the route,
 * so neither machine's own clock matters.
 *
 * Each step returns an outcome and logs nothing: the callers keep their own
 * logging, error types, exit codes and messages.
 */
import { randomUUID } from 'node:crypto';
import {
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  TABLE_KEYS,
  encodeJson,
  parseInvocationResult,
  type InvocationMessage,
  type InvocationResult,
  type TaskCallback,
} from '@harness/core/protocol';
import {
  isTransientFailure,
  readItem,
  readTwoItems,
  REQUEST_TIMEOUT_MS,
  sendMessage,
  sendTaskFailure,
  sendTaskSuccess,
  sleep,
  type AwsContext,
  type ItemRead,
} from './aws.js';
import { AwsRequestError } from './errors.js';

/**
 * How the results table is polled: the delay before each poll is the larger of a backoff
 * (`initialMs` × `factor`^n) and `latencyFactor` × the latency of the double's last call, at most
 * spread by ± `jitter`/2, at most `maxMs`. Under load AWS (or moto) answers slower and the doubles poll
 * less, instead of adding to the load; idle, a result is picked up within tens of milliseconds.
 */
export const RESULT_POLL = { initialMs: 20, factor: 1.5, maxMs: 1_000, latencyFactor: 2, jitter: 0.4 } as const;

/**
 * While it waits, the double re-reads its route every `intervalMs` (in the same BatchGetItem as the
 * result poll): a route that moved to another live session gets the invocation again (same id: it
 * is answered once); a route that expired `graceMs` ago (AWS's clock) and was not taken, or was
 * removed, means the session is gone, and the double stops waiting. Where BatchGetItem is refused as absent or
 * not allowed (HTTP 501, UnknownOperationException, AccessDeniedException: an endpoint without it, a role of an
 * older stack), the two reads are made as GetItems instead.
 */
export const ROUTE_WATCH = { intervalMs: 1_500, graceMs: 2_000, maxResends: 3 } as const;

/** A live route: the session that mocked the double and its queue. */
export interface Route {
  readonly session: string;
  readonly queueUrl: string;
}

/**
 * What {@link lookUpRoute} found:
 * - `found`: a live route with a session and a queue;
 * - `none`: no route item;
 * - `expired`: a route whose `expiresAt` (epoch seconds) is past; `session` as the item holds it;
 * - `invalid`: a live route item without a session or a queueUrl.
 */
export type RouteLookup =
  | { readonly status: 'found'; readonly route: Route; readonly expiresAt?: number }
  | { readonly status: 'none' }
  | { readonly status: 'expired'; readonly session: unknown; readonly expiresAt: number }
  | { readonly status: 'invalid' };

/**
 * Reads the route of `double` (a consistent GetItem) and checks it against AWS's clock: the `Date` of
 * DynamoDB's answer.
 *
 * @param now A clock (ms since the epoch), used only when the answer has no `Date` header.
 */
export async function lookUpRoute(aws: AwsContext, routesTable: string, double: string, now: () => number = Date.now): Promise<RouteLookup> {
  for (;;) {
    const started = Date.now();
    const read = await readItem(aws, routesTable, { [TABLE_KEYS.routes]: double });
    const lookup = judgeRoute(read, now);
    // A route that lapsed less than its grace ago may belong to a live session whose heartbeat is late (a
    // loaded endpoint): read it again shortly rather than report a crash that did not happen.
    if (lookup.status !== 'expired' || lookup.expiresAt * 1000 + routeGraceMs(ROUTE_WATCH.graceMs, Date.now() - started) < answerTime(read, now)) return lookup;
    await sleep(250);
  }
}

/**
 * How long past its expiry a route may still be renewed by a live session: `graceMs`, or twice the latency of
 * the read that found it when the endpoint answers slower than that — the session's heartbeat waits on the same
 * endpoint (on moto at 200 concurrent invocations, answers took seconds and a live session's route was seen
 * lapsed between two heartbeats).
 */
export function routeGraceMs(graceMs: number, readLatencyMs: number): number {
  return Math.max(graceMs, 2 * readLatencyMs);
}

/**
 * AWS's time of an answer: its `Date` is whole seconds, so the middle of that second (or `now()` when
 * the answer had none).
 */
function answerTime(read: ItemRead, now: () => number): number {
  return read.date === undefined ? now() : read.date + 500;
}

function judgeRoute(read: ItemRead, now: () => number): RouteLookup {
  const { item } = read;
  if (!item) return { status: 'none' };
  const expiresAt = item[TABLE_KEYS.ttl];
  if (typeof expiresAt === 'number' && expiresAt * 1000 < answerTime(read, now)) return { status: 'expired', session: item.session, expiresAt };
  const { session, queueUrl } = item;
  if (typeof session !== 'string' || !session || typeof queueUrl !== 'string' || !queueUrl) return { status: 'invalid' };
  return { status: 'found', route: { session, queueUrl }, ...(typeof expiresAt === 'number' ? { expiresAt } : {}) };
}

/**
 * What {@link sendInvocation} did: sent the message (`sendStartedAt` and
 * `sentAt`: ms since the epoch, before and after SendMessage), or refused it
 * because it does not fit in a message (`tooLarge`, nothing sent).
 */
export type SendOutcome = SentInvocation | { readonly invocationId: string; readonly tooLarge: Error };

/** An invocation on its way: the message, where it went, and when. */
export interface SentInvocation {
  readonly invocationId: string;
  readonly double: string;
  readonly message: InvocationMessage;
  readonly route: Route;
  readonly sendStartedAt: number;
  readonly sentAt: number;
}

/**
 * Sends a new invocation of `double` with `payload` to the route's queue.
 *
 * @param beforeSend Called once the message is encoded, just before SendMessage (the size in bytes).
 */
export async function sendInvocation(
  aws: AwsContext,
  route: Route,
  double: string,
  payload: unknown,
  beforeSend?: (invocationId: string, bytes: number) => void,
): Promise<SendOutcome> {
  const invocationId = randomUUID();
  const message: InvocationMessage = {
    v: PROTOCOL_VERSION,
    invocationId,
    double,
    session: route.session,
    payload,
    sentAt: new Date().toISOString(),
  };
  let body: string;
  try {
    body = encodeJson(message, MAX_MESSAGE_BYTES, `the invocation of ${double}`);
  } catch (error) {
    return { invocationId, tooLarge: error as Error };
  }
  beforeSend?.(invocationId, Buffer.byteLength(body));
  const sendStartedAt = Date.now();
  await sendMessage(aws, route.queueUrl, body, { groupId: double, deduplicationId: invocationId });
  return { invocationId, double, message, route, sendStartedAt, sentAt: Date.now() };
}

/** The session an invocation was sent to is gone: its route expired and was not taken (`expired`), or it was removed (`released`). */
export interface SessionLost {
  readonly session: string;
  readonly reason: 'expired' | 'released';
  /** Epoch seconds, AWS's clock: when the route expired (`expired` only). */
  readonly expiresAt?: number;
}

/**
 * What a task or function double logs when the session it waited on ended first: `subject` names the double
 * (`ECS task RenderPdf`), `unmocked` what the session may have unmocked (`task`, `function`).
 */
export function sessionLostMessage(lost: SessionLost, invocationId: string, subject: string, unmocked: string): string {
  return (
    `the test session ${lost.session} stopped answering before it answered invocation ${invocationId} of ${subject}: ` +
    (lost.reason === 'expired'
      ? `its route expired at ${new Date((lost.expiresAt ?? 0) * 1000).toISOString()} (AWS's clock) without a heartbeat and no other session took it over; the test process was probably killed or crashed.`
      : `it removed its route (the session closed, or unmocked the ${unmocked}) with the invocation unanswered.`)
  );
}

/**
 * What {@link awaitResult} got: the results item; nothing by the deadline; or the end of the session it
 * waited on. `polls`: the reads it made; `resent`: the sessions it sent the invocation to again after
 * its route moved.
 */
export type ResultWait =
  | { readonly item: Record<string, unknown>; readonly polls: number; readonly resent: readonly string[] }
  | { readonly timedOut: true; readonly polls: number; readonly resent: readonly string[] }
  | { readonly sessionLost: SessionLost; readonly polls: number; readonly resent: readonly string[] };

/** Where {@link awaitResult} reads: the results table, and the routes table it watches the route in. */
export interface ResultTables {
  readonly resultsTable: string;
  readonly routesTable: string;
}

/** Knobs of {@link awaitResult} (tests shorten them). */
export interface AwaitOptions {
  /** This machine's clock, used only when an answer has no `Date`. */
  readonly now?: () => number;
  readonly poll?: Partial<Record<keyof typeof RESULT_POLL, number>>;
  readonly watch?: Partial<Record<keyof typeof ROUTE_WATCH, number>>;
  /** Told when the invocation is sent again to the session that took the route. */
  readonly onResend?: (from: string, to: string) => void;
  /** This machine's clock for the deadline, call latencies and route checks, epoch ms. Default `Date.now` (tests drive it). */
  readonly clock?: () => number;
  /** Waits the delay before a poll. Default a timer (tests record the delays asked for). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits for the result of a sent invocation: polls the results table (see {@link RESULT_POLL}) until
 * the item is there or `deadline` (ms since the epoch) has passed, watching the route meanwhile (see
 * {@link ROUTE_WATCH}). A poll that fails transiently (no answer, a 5xx, throttling) counts as "not yet";
 * no poll runs past the deadline.
 */
export async function awaitResult(aws: AwsContext, tables: ResultTables, sent: SentInvocation, deadline: number, options: AwaitOptions = {}): Promise<ResultWait> {
  const poll = { ...RESULT_POLL, ...options.poll };
  const watch = { ...ROUTE_WATCH, ...options.watch };
  const now = options.now ?? Date.now;
  const clock = options.clock ?? Date.now;
  const wait = options.sleep ?? sleep;
  const resultKey = { [TABLE_KEYS.results]: sent.invocationId };
  const routeKey = { [TABLE_KEYS.routes]: sent.double };
  const resent: string[] = [];
  let route = sent.route;
  let polls = 0;
  let lastLatency = sent.sentAt - sent.sendStartedAt;
  let lastRouteCheck = clock();
  let batched = true;
  for (let step = 0; ; step++) {
    const remaining = deadline - clock();
    const spread = 1 - poll.jitter / 2 + poll.jitter * Math.random();
    const delay = Math.min(poll.maxMs, Math.max(poll.initialMs * poll.factor ** step, poll.latencyFactor * lastLatency) * spread);
    // The last poll comes at the deadline, not after it.
    await wait(Math.max(0, Math.min(delay, remaining)));
    const timeoutMs = Math.max(1, Math.min(REQUEST_TIMEOUT_MS, deadline - clock() + 1_000));
    const checkRoute = clock() - lastRouteCheck >= watch.intervalMs;
    const started = clock();
    polls++;
    let result: ItemRead | 'unread' = 'unread';
    let routeRead: ItemRead | 'unread' = 'unread';
    try {
      if (checkRoute && batched) {
        try {
          const read = await readTwoItems(aws, { table: tables.resultsTable, key: resultKey }, { table: tables.routesTable, key: routeKey }, { attempts: 1, timeoutMs });
          result = read.first;
          routeRead = read.second;
        } catch (error) {
          if (!cannotBatch(error)) throw error;
          // An endpoint without BatchGetItem, or a role without dynamodb:BatchGetItem (a stack deployed
          // before the agent used it): the same two reads, as GetItems, from now on.
          batched = false;
        }
      }
      if (checkRoute && !batched) {
        [result, routeRead] = await Promise.all([
          readItem(aws, tables.resultsTable, resultKey, { attempts: 1, timeoutMs }),
          readItem(aws, tables.routesTable, routeKey, { attempts: 1, timeoutMs }),
        ]);
      } else if (!checkRoute) {
        result = await readItem(aws, tables.resultsTable, resultKey, { attempts: 1, timeoutMs });
      }
      lastLatency = clock() - started;
    } catch (error) {
      if (!isTransientFailure(error)) throw error;
      lastLatency = Math.max(lastLatency, clock() - started);
    }
    if (result !== 'unread' && result.item) return { item: result.item, polls, resent };
    if (routeRead !== 'unread') {
      lastRouteCheck = clock();
      const judged = judgeRoute(routeRead, now);
      if (judged.status === 'none') return { sessionLost: { session: route.session, reason: 'released' }, polls, resent };
      if (judged.status === 'found' && judged.route.session !== route.session && resent.length < watch.maxResends) {
        // The route moved: the session we sent to is gone and another took the double over.
        const from = route.session;
        route = judged.route;
        const message: InvocationMessage = { ...sent.message, session: route.session };
        await sendMessage(aws, route.queueUrl, JSON.stringify(message), { groupId: sent.double, deduplicationId: `${sent.invocationId}-${resent.length + 1}` });
        resent.push(route.session);
        options.onResend?.(from, route.session);
      } else if (judged.status === 'expired' && judged.expiresAt * 1000 + routeGraceMs(watch.graceMs, lastLatency) < answerTime(routeRead, now)) {
        return { sessionLost: { session: route.session, reason: 'expired', expiresAt: judged.expiresAt }, polls, resent };
      }
    }
    if (clock() >= deadline) return { timedOut: true, polls, resent };
  }
}

/** A BatchGetItem refusal that GetItems would not get: the operation is not there (501, UnknownOperationException) or not allowed. */
function cannotBatch(error: unknown): boolean {
  if (!(error instanceof AwsRequestError)) return false;
  return error.status === 501 || error.errorType === 'UnknownOperationException' || error.errorType === 'AccessDeniedException';
}

/** The result a results item holds, or what is wrong with it (`malformed`, as text). */
export function parseResultItem(item: Record<string, unknown>): { readonly result: InvocationResult } | { readonly malformed: string } {
  try {
    if (typeof item.result !== 'string') throw new Error("the item has no 'result' string");
    return { result: parseInvocationResult(item.result) };
  } catch (error) {
    return { malformed: (error as Error).message };
  }
}

/**
 * Performs a handler's task-token callback: SendTaskSuccess with its output (JSON, `null` for none) or
 * SendTaskFailure. A call whose answer was lost (no answer, or a 5xx) is sent again; when that repeat gets
 * `TaskTimedOut` ("The task token has either expired or the task associated with the token has already been
 * closed", SendTaskSuccess / SendTaskFailure errors in the Step Functions API reference), the lost attempt is
 * what closed the task: the callback was delivered, and `warning` says so for the log.
 */
export async function performCallback(aws: AwsContext, callback: TaskCallback, taskToken: string): Promise<{ readonly warning?: string }> {
  const operation = callback.type === 'success' ? 'SendTaskSuccess' : 'SendTaskFailure';
  // Attempts that may have reached Step Functions without their answer reaching us.
  let unsure = 0;
  const watched: AwsContext = {
    ...aws,
    fetch: async (url, init) => {
      try {
        const response = await aws.fetch(url, init);
        if (response.status >= 500) unsure++;
        return response;
      } catch (error) {
        unsure++;
        throw error;
      }
    },
  };
  try {
    if (callback.type === 'success') await sendTaskSuccess(watched, taskToken, JSON.stringify(callback.output ?? null));
    else await sendTaskFailure(watched, taskToken, callback.error, callback.cause);
    return {};
  } catch (error) {
    if (unsure === 0 || !(error instanceof AwsRequestError) || error.errorType !== 'TaskTimedOut') throw error;
    return {
      warning:
        `${operation} was sent again after ${unsure === 1 ? 'an attempt' : `${unsure} attempts`} whose answer was lost, and Step Functions answered TaskTimedOut ` +
        `(${error.awsMessage ?? 'the task token has expired or its task is closed'}): taken as delivered by the lost attempt, which closed the task.`,
    };
  }
}
