/**
 * The invocation round trip both doubles run (the ECS container agent and the
 * Lambda function double): read the route, send the invocation to the session's
 * queue, poll the results table, parse the result, perform a task-token callback.
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
import { getItem, sendMessage, sendTaskFailure, sendTaskSuccess, sleep, type AwsContext } from './aws.js';

/** The results table is polled with this backoff: first delay, factor, cap (ms). */
export const RESULT_POLL_BACKOFF = { initialMs: 10, factor: 1.5, maxMs: 200 } as const;

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
  | { readonly status: 'found'; readonly route: Route }
  | { readonly status: 'none' }
  | { readonly status: 'expired'; readonly session: unknown; readonly expiresAt: number }
  | { readonly status: 'invalid' };

/**
 * Reads the route of `double` (a consistent GetItem) and checks it.
 *
 * @param now The clock (ms since the epoch), read once the item is in hand.
 */
export async function lookUpRoute(aws: AwsContext, routesTable: string, double: string, now: () => number = Date.now): Promise<RouteLookup> {
  const item = await getItem(aws, routesTable, { [TABLE_KEYS.routes]: double });
  if (!item) return { status: 'none' };
  const expiresAt = item[TABLE_KEYS.ttl];
  if (typeof expiresAt === 'number' && expiresAt < now() / 1000) return { status: 'expired', session: item.session, expiresAt };
  const { session, queueUrl } = item;
  if (typeof session !== 'string' || !session || typeof queueUrl !== 'string' || !queueUrl) return { status: 'invalid' };
  return { status: 'found', route: { session, queueUrl } };
}

/**
 * What {@link sendInvocation} did: sent the message (`sendStartedAt` and
 * `sentAt`: ms since the epoch, before and after SendMessage), or refused it
 * because it does not fit in a message (`tooLarge`, nothing sent).
 */
export type SendOutcome =
  | { readonly invocationId: string; readonly sendStartedAt: number; readonly sentAt: number }
  | { readonly invocationId: string; readonly tooLarge: Error };

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
  return { invocationId, sendStartedAt, sentAt: Date.now() };
}

/** What {@link awaitResult} got: the results item, or nothing by the deadline; `polls`: the GetItems it made. */
export type ResultWait =
  | { readonly item: Record<string, unknown>; readonly polls: number }
  | { readonly timedOut: true; readonly polls: number };

/** Polls the results table for `invocationId` (with {@link RESULT_POLL_BACKOFF}) until its item is there or `deadline` (ms since the epoch) has passed. */
export async function awaitResult(aws: AwsContext, resultsTable: string, invocationId: string, deadline: number): Promise<ResultWait> {
  let delay: number = RESULT_POLL_BACKOFF.initialMs;
  let polls = 0;
  for (;;) {
    polls++;
    const item = await getItem(aws, resultsTable, { [TABLE_KEYS.results]: invocationId });
    if (item) return { item, polls };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { timedOut: true, polls };
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * RESULT_POLL_BACKOFF.factor, RESULT_POLL_BACKOFF.maxMs);
  }
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

/** Performs a handler's task-token callback: SendTaskSuccess with its output (JSON, `null` for none) or SendTaskFailure. */
export async function performCallback(aws: AwsContext, callback: TaskCallback, taskToken: string): Promise<void> {
  if (callback.type === 'success') {
    await sendTaskSuccess(aws, taskToken, JSON.stringify(callback.output ?? null));
  } else {
    await sendTaskFailure(aws, taskToken, callback.error, callback.cause);
  }
}
