import { checkCallbackOutput, checkFailure, type EcsResultValue, type TaskCallback } from '@harness/core';
import { EcsHandlerResultError } from './mock-errors.js';

/** What an ECS double's handler may return: an exit code, or a result built with {@link exit}, {@link sendTaskSuccess}, {@link sendTaskFailure}. */
export type EcsHandlerResult = number | EcsResult;

/** A container's outcome: its exit code, the callback it performs, the lines it logs. */
export interface EcsResult {
  readonly exitCode: number;
  readonly callback?: TaskCallback;
  readonly logs?: readonly string[];
}

export interface ExitOptions {
  /** Lines the container writes to its log before it exits. */
  readonly logs?: readonly string[];
}

/**
 * The container exits with `code`.
 *
 * @example
 * harness.ecs.mockTask('RenderPdf', () => exit(0));
 */
export function exit(code: number, options: ExitOptions = {}): EcsResult {
  return { exitCode: checkExitCode(code), ...(options.logs ? { logs: checkLogs(options.logs) } : {}) };
}

export interface CallbackOptions extends ExitOptions {
  /** The container's exit code after the callback. Default 0. */
  readonly exitCode?: number;
}

/**
 * The container calls `SendTaskSuccess` with the task token of a
 * `.waitForTaskToken` state (using its task role), then exits. `output` must
 * be JSON of at most 256 KiB, as Step Functions takes it: otherwise the handler
 * fails with `ResultNotSerializableError` / `ResultTooLargeError` (in
 * `mock.errors`; the container logs it and exits 1), on both targets.
 *
 * @example
 * harness.ecs.mockTask('Fulfil', ({ taskToken }) => sendTaskSuccess({ shipped: true }));
 */
export function sendTaskSuccess(output: unknown, options: CallbackOptions = {}): EcsResult {
  return {
    exitCode: checkExitCode(options.exitCode ?? 0),
    callback: { type: 'success', output },
    ...(options.logs ? { logs: checkLogs(options.logs) } : {}),
  };
}

/**
 * The container calls `SendTaskFailure`: the waiting state fails with this
 * `error` and `cause`, verbatim. Limits (AWS): error ≤ 256 characters, cause ≤ 32 768.
 *
 * @example
 * harness.ecs.mockTask('Fulfil', () => sendTaskFailure({ error: 'OutOfStock', cause: 'sku-1' }));
 */
export function sendTaskFailure(
  failure: { readonly error?: string; readonly cause?: string } = {},
  options: CallbackOptions = {},
): EcsResult {
  // SendTaskFailure's limits (error ≤ 256, cause ≤ 32,768 characters): InvalidFailureError here, at the test's line.
  checkFailure(failure, 'ECS task double', 'sendTaskFailure');
  return {
    exitCode: checkExitCode(options.exitCode ?? 0),
    callback: {
      type: 'failure',
      ...(failure.error !== undefined ? { error: failure.error } : {}),
      ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
    },
    ...(options.logs ? { logs: checkLogs(options.logs) } : {}),
  };
}

/**
 * Turns what a handler returned into the wire value, or says exactly what was wrong with it.
 *
 * @param double - names the double in messages, e.g. `ECS task double RenderPdf (container Main)`
 * @param doubleIdentifier - its id (`ecs:RenderPdf`), for the callback output's check
 */
export function toResultValue(returned: unknown, double: string, doubleIdentifier = double): EcsResultValue {
  if (typeof returned === 'number') return { exitCode: checkExitCode(returned, double) };
  if (typeof returned === 'object' && returned !== null && typeof (returned as EcsResult).exitCode === 'number') {
    const result = returned as EcsResult;
    checkExitCode(result.exitCode, double);
    if (result.logs !== undefined) checkLogs(result.logs, double);
    // Step Functions refuses SendTaskSuccess output that is not JSON or over 256 KiB: say so here, not in the container's log.
    if (result.callback?.type === 'success') checkCallbackOutput(result.callback.output, doubleIdentifier);
    // …and a SendTaskFailure whose error or cause is not a string, or over 256 / 32,768 characters.
    if (result.callback?.type === 'failure') checkFailure(result.callback, doubleIdentifier, 'sendTaskFailure');
    if (result.callback !== undefined && result.callback.type !== 'success' && result.callback.type !== 'failure') {
      throw new EcsHandlerResultError(
        `The handler of ${double} returned a callback of type ${JSON.stringify((result.callback as { type?: unknown }).type)}. ` +
          'To fix this, build the result with sendTaskSuccess(output) or sendTaskFailure({ error, cause }).',
      );
    }
    return {
      exitCode: result.exitCode,
      ...(result.callback ? { callback: result.callback } : {}),
      ...(result.logs ? { logs: [...result.logs] } : {}),
    };
  }
  throw new EcsHandlerResultError(
    `The handler of ${double} returned ${describe(returned)}, which is not a result. ` +
      'To fix this, return an exit code: `exit(0)`, a number, `sendTaskSuccess(output)` or `sendTaskFailure({ error, cause })`.',
  );
}

/** A container's log lines are strings (each a line of its CloudWatch log stream). */
function checkLogs(logs: readonly string[], double?: string): readonly string[] {
  const at = Array.isArray(logs) ? logs.findIndex((line) => typeof line !== 'string') : -1;
  if (!Array.isArray(logs) || at >= 0) {
    throw new EcsHandlerResultError(
      `${double ? `The handler of ${double}: ` : ''}logs must be an array of strings (log lines), but ` +
        `${Array.isArray(logs) ? `line ${at} is ${describe(logs[at])}` : `it is ${describe(logs)}`}. To fix this, pass strings, e.g. exit(1, { logs: [JSON.stringify(details)] }).`,
    );
  }
  return logs;
}

function checkExitCode(code: number, double?: string): number {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new EcsHandlerResultError(
      // ECS reports a container's exitCode as an integer, and a process exits with 0-255 (its status byte).
      `${double ? `The handler of ${double}: ` : ''}exit code ${String(code)} is not an integer from 0 to 255. ` +
        'ECS reports a stopped container\'s exitCode as the integer its process exited with, 0 to 255. To fix this, exit with one of those, e.g. exit(1).',
    );
  }
  return code;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  const json = JSON.stringify(value);
  return `${typeof value} ${json === undefined ? String(value) : json.slice(0, 100)}`;
}
