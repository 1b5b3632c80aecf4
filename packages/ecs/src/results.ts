import type { EcsResultValue, TaskCallback } from '@harness/core';
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
  return { exitCode: checkExitCode(code), ...(options.logs ? { logs: options.logs } : {}) };
}

export interface CallbackOptions extends ExitOptions {
  /** The container's exit code after the callback. Default 0. */
  readonly exitCode?: number;
}

/**
 * The container calls `SendTaskSuccess` with the task token of a
 * `.waitForTaskToken` state (using its task role), then exits.
 *
 * @example
 * harness.ecs.mockTask('Fulfil', ({ taskToken }) => sendTaskSuccess({ shipped: true }));
 */
export function sendTaskSuccess(output: unknown, options: CallbackOptions = {}): EcsResult {
  return {
    exitCode: checkExitCode(options.exitCode ?? 0),
    callback: { type: 'success', output },
    ...(options.logs ? { logs: options.logs } : {}),
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
  if (failure.error !== undefined && failure.error.length > 256) {
    throw new EcsHandlerResultError(`sendTaskFailure: error is ${failure.error.length} characters; AWS allows 256.`);
  }
  if (failure.cause !== undefined && failure.cause.length > 32_768) {
    throw new EcsHandlerResultError(`sendTaskFailure: cause is ${failure.cause.length} characters; AWS allows 32768.`);
  }
  return {
    exitCode: checkExitCode(options.exitCode ?? 0),
    callback: {
      type: 'failure',
      ...(failure.error !== undefined ? { error: failure.error } : {}),
      ...(failure.cause !== undefined ? { cause: failure.cause } : {}),
    },
    ...(options.logs ? { logs: options.logs } : {}),
  };
}

/** Turns what a handler returned into the wire value, or says exactly what was wrong with it. */
export function toResultValue(returned: unknown, double: string): EcsResultValue {
  if (typeof returned === 'number') return { exitCode: checkExitCode(returned, double) };
  if (typeof returned === 'object' && returned !== null && typeof (returned as EcsResult).exitCode === 'number') {
    const result = returned as EcsResult;
    checkExitCode(result.exitCode, double);
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

function checkExitCode(code: number, double?: string): number {
  if (!Number.isInteger(code) || code < 0 || code > 255) {
    throw new EcsHandlerResultError(
      `${double ? `The handler of ${double}: ` : ''}exit code ${String(code)} is not an integer from 0 to 255.`,
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
