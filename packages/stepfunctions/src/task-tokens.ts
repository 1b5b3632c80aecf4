import { randomBytes } from 'node:crypto';
import { checkCallbackOutput, type TaskCallbacks } from '@harness/core';
import { StepFunctionsError, TaskTokenError } from './errors.js';

/**
 * The task tokens of `.waitForTaskToken` states waiting in this process, and
 * the callbacks that settle them (what `SendTaskSuccess` / `SendTaskFailure` /
 * `SendTaskHeartbeat` do on AWS). Tokens are random, so one registry serves
 * every execution and session of the process.
 */

/** What a waiting state does with each kind of callback. */
export interface TaskTokenWaiter {
  readonly stateName: string;
  readonly executionArn: string;
  succeed(output: unknown): void;
  fail(error: string | undefined, cause: string | undefined): void;
  /** The work behind the token stopped without calling back. */
  ended(reason: string): void;
  heartbeat(): void;
}

/** AWS limits for SendTaskFailure. */
const MAX_ERROR_LENGTH = 256;
const MAX_CAUSE_LENGTH = 32_768;

const waiting = new Map<string, TaskTokenWaiter>();

/** A new token (64 base64url characters; AWS allows up to 2048) registered for `waiter`. */
export function issueTaskToken(waiter: TaskTokenWaiter): string {
  const token = randomBytes(48).toString('base64url');
  waiting.set(token, waiter);
  return token;
}

/** Stops a token from accepting callbacks (its state settled or was abandoned). */
export function releaseTaskToken(token: string): void {
  waiting.delete(token);
}

/** The first characters of a token: enough to recognise it in a message, too few to misuse it. */
export function tokenPrefix(token: string): string {
  return token.slice(0, 12);
}

/** How many tokens are waiting (for diagnostics and tests). */
export function waitingTaskTokens(): number {
  return waiting.size;
}

/**
 * `SendTaskSuccess`: the state waiting on `token` succeeds with `output` (a
 * value, not JSON text). Step Functions takes at most 256 KiB of JSON, as it
 * takes `SendTaskFailure`'s error and cause only up to their limits.
 *
 * @throws {ResultTooLargeError} `output` is over 256 KiB of JSON (262,144 bytes).
 * @throws {ResultNotSerializableError} `output` is not JSON (a BigInt, a cycle…).
 * @throws {TaskTokenError} no state waits on that token.
 */
export function sendTaskSuccess(token: string, output: unknown): void {
  // Checked before the token, as AWS validates the request before it looks the token up.
  checkCallbackOutput(output, `task token ${tokenPrefix(token)}…`);
  waiterFor(token, 'send task success').succeed(output === undefined ? null : output);
}

/**
 * `SendTaskFailure`: the state waiting on `token` fails with `error` and
 * `cause` verbatim; absent ones stay absent (a `Catch` sees them as null).
 *
 * @throws {TaskTokenError} no state waits on that token.
 */
export function sendTaskFailure(token: string, failure: { readonly error?: string; readonly cause?: string } = {}): void {
  if (failure.error !== undefined && failure.error.length > MAX_ERROR_LENGTH) {
    throw new StepFunctionsError(`SendTaskFailure error is ${failure.error.length} characters; Step Functions allows ${MAX_ERROR_LENGTH}. To fix this, shorten it and put details in the cause.`);
  }
  if (failure.cause !== undefined && failure.cause.length > MAX_CAUSE_LENGTH) {
    throw new StepFunctionsError(`SendTaskFailure cause is ${failure.cause.length} characters; Step Functions allows ${MAX_CAUSE_LENGTH}. To fix this, shorten it.`);
  }
  waiterFor(token, 'send task failure').fail(failure.error, failure.cause);
}

/**
 * `SendTaskHeartbeat`: restarts the `HeartbeatSeconds` clock of the state waiting on `token`.
 *
 * @throws {TaskTokenError} no state waits on that token.
 */
export function sendTaskHeartbeat(token: string): void {
  waiterFor(token, 'send task heartbeat').heartbeat();
}

function waiterFor(token: string, action: string): TaskTokenWaiter {
  const waiter = waiting.get(token);
  if (!waiter) throw new TaskTokenError(tokenPrefix(token), action);
  return waiter;
}

/**
 * The callbacks local integrations get. A callback for a token nobody waits
 * on is dropped, as AWS would refuse it: the worker has nothing to retry.
 */
export const localTaskCallbacks: TaskCallbacks = {
  succeed(taskToken, output) {
    waiting.get(taskToken)?.succeed(output === undefined ? null : output);
  },
  fail(taskToken, error, cause) {
    waiting.get(taskToken)?.fail(error, cause);
  },
  ended(taskToken, reason) {
    waiting.get(taskToken)?.ended(reason);
  },
};
