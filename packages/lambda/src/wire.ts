/**
 * The wire format between a Lambda function double and the harness session
 * that answers it: the `payload` of an `InvocationMessage` for double
 * `lambda:<FunctionName>`, and the `value` the session answers with.
 *
 * The local target's integration and the aws-target Lambda double
 * (`lambda-double.mjs` in @harness/container-agent, which restates these types:
 * that package depends on nothing) both speak it. This module must stay free
 * of runtime dependencies (type imports only).
 */
import type { TaskCallback } from '@harness/core';

/** What a Lambda double sends for one invocation of a function. */
export interface LambdaInvocationPayload {
  /** The function's name (never an ARN): the double id is `lambda:<functionName>`. */
  readonly functionName: string;
  /** The version or alias the caller named (`Qualifier`, or the `:qualifier` of an ARN), if any. */
  readonly qualifier?: string;
  /** The event, as JSON: what the function's handler receives. */
  readonly event: unknown;
  /** The token of a `.waitForTaskToken` state, when the double knows it. */
  readonly taskToken?: string;
}

/** The handler returned: `payload` is its return value as JSON (`null` for nothing). */
export interface LambdaSuccessValue {
  readonly payload: unknown;
  /** The `SendTaskSuccess` / `SendTaskFailure` the function performed before it returned. */
  readonly callback?: TaskCallback;
}

/**
 * The handler threw: an unhandled function error, in the shape the Node.js
 * Lambda runtime reports it (`errorType`, `errorMessage`, `trace`) plus the
 * `X-Amz-Function-Error` value Lambda sets for it.
 */
export interface LambdaFunctionErrorValue {
  readonly functionError: 'Unhandled';
  /** The error's name: what `Catch` and `Retry` match on. */
  readonly errorType: string;
  readonly errorMessage: string;
  /** The stack, one line per entry (the runtime's `trace`). */
  readonly trace: readonly string[];
  /** A callback the function performed before it threw: it still reaches the workflow. */
  readonly callback?: TaskCallback;
}

/** The value a session answers a Lambda invocation with. */
export type LambdaResultValue = LambdaSuccessValue | LambdaFunctionErrorValue;

/**
 * The error document of the Node.js Lambda runtime, in its key order. Lambda
 * returns it as the payload of a failed invocation, and Step Functions uses
 * it, serialised, as the `Cause` of the failed state.
 */
export interface LambdaErrorDocument {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** Whether an answered value is a {@link LambdaResultValue}. */
export function isLambdaResultValue(value: unknown): value is LambdaResultValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  if (record.functionError === 'Unhandled') {
    return typeof record.errorType === 'string' && typeof record.errorMessage === 'string' && Array.isArray(record.trace);
  }
  return 'payload' in record;
}

/** Whether an answered value is a function error. */
export function isFunctionError(value: LambdaResultValue): value is LambdaFunctionErrorValue {
  return 'functionError' in value;
}

/**
 * What the Node.js runtime reports for a thrown value: an `Error`'s name,
 * message and stack lines; anything else's `typeof`, its text and no trace.
 * `stackTrace` replaces the stack when the thrower gave one.
 */
export function errorDocumentOf(thrown: unknown, stackTrace?: readonly string[]): LambdaErrorDocument {
  if (thrown instanceof Error) {
    return {
      errorType: thrown.name,
      errorMessage: thrown.message,
      trace: stackTrace ? [...stackTrace] : (thrown.stack?.split('\n') ?? []),
    };
  }
  return { errorType: typeof thrown, errorMessage: String(thrown), trace: [] };
}

/** The `Cause` Step Functions gives a state whose function threw: the error document as compact JSON, in the runtime's key order. */
export function functionErrorCause(value: LambdaErrorDocument): string {
  return JSON.stringify({ errorType: value.errorType, errorMessage: value.errorMessage, trace: value.trace });
}
