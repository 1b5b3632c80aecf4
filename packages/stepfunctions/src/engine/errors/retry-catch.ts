import { STATES_ERRORS } from './names.js';

/**
 * Whether a `Retry` or `Catch` clause's ErrorEquals takes an error.
 *
 * - `States.ALL` takes every error but `States.Runtime` and a terminal
 *   `States.DataLimitExceeded` (AWS: "States.ALL … cannot catch the
 *   States.DataLimitExceeded terminal error"): one raised for a state's own
 *   output. One raised for a task's result is caught by `States.ALL`, as a
 *   recorded AWS execution shows (a Lambda function's oversized result,
 *   `Catch: States.ALL` → the catcher's state). DataLimitExceeded can always
 *   be named explicitly; Runtime never is taken, even by name (a recorded AWS
 *   execution shows a `States.Runtime` catcher ignored).
 * - `States.TaskFailed` takes every error but `States.Timeout` (and the two above).
 * - A heartbeat lapse is `States.Timeout` and also matches `States.HeartbeatTimeout`.
 */
export function errorMatches(errorEquals: readonly string[], error: string | undefined, facts: FailureFacts = {}): boolean {
  if (error === STATES_ERRORS.Runtime) return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (facts.heartbeat === true && name === STATES_ERRORS.HeartbeatTimeout) return true;
    if (facts.terminal === true) continue;
    if (name === STATES_ERRORS.ALL) return true;
    if (name === STATES_ERRORS.TaskFailed && error !== STATES_ERRORS.Timeout) return true;
  }
  return false;
}

/** What else decides a match besides the error name. */
export interface FailureFacts {
  /** A heartbeat lapse: `States.Timeout` that also matches `States.HeartbeatTimeout`. */
  readonly heartbeat?: boolean;
  /** A terminal error (DataLimitExceeded of a state's output) that `States.ALL` does not take. */
  readonly terminal?: boolean;
}

/** A `Retry` clause, as the definition has it. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** A `Catch` clause. */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
  readonly Output?: unknown;
  readonly Assign?: unknown;
  readonly QueryLanguage?: string;
}

/** The first clause, in order, that takes the error. */
export function firstMatching<T extends { readonly ErrorEquals: readonly string[] }>(
  clauses: readonly T[] | undefined,
  error: string | undefined,
  facts: FailureFacts = {},
): { clause: T; index: number } | undefined {
  if (!clauses) return undefined;
  for (let index = 0; index < clauses.length; index++) {
    const clause = clauses[index] as T;
    if (errorMatches(clause.ErrorEquals, error, facts)) return { clause, index };
  }
  return undefined;
}
