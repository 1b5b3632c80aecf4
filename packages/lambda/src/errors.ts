import { ConfigError, HarnessError, StatesError } from '@harness/core';

/**
 * Errors of @harness/lambda. Each says what failed, for which function double,
 * and how to fix it. {@link LambdaFunctionError} is not one of them: it is the
 * error a handler throws on purpose, standing for the function's own failure.
 */

/**
 * `adapters.lambda` in harness.config.json is not usable. The message names the
 * field as a dotted path (`adapters.lambda.functions.ChargeCard.memoryMb`) and the fix.
 */
export class LambdaConfigError extends ConfigError {
  constructor(
    /** Dotted path of the bad field, from `adapters.lambda`. */
    readonly field: string,
    problem: string,
    fix: string,
    /** The function the field belongs to, when it belongs to one. */
    readonly functionName?: string,
  ) {
    super(`${field} ${problem}. To fix this, ${fix}.`);
  }
}

/** A mock names a function the Lambda doubles do not have, or a name Lambda would refuse. */
export class UnknownLambdaFunctionError extends HarnessError {
  constructor(
    readonly functionName: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * A handler returned something Lambda could not send back.
 *
 * @deprecated No longer thrown: a result that is not JSON fails with core's
 * `ResultNotSerializableError` (which says where in the value), one too large
 * for the results table with `ResultTooLargeError`, as for every double.
 */
export class LambdaHandlerResultError extends HarnessError {
  constructor(
    readonly functionName: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** A handler called `context.sendTaskSuccess` / `sendTaskFailure` in a way Step Functions would refuse. */
export class LambdaCallbackError extends HarnessError {
  constructor(
    readonly functionName: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** Something this version of the Lambda adapter does not do (yet), with what to do instead. */
export class LambdaNotSupportedError extends HarnessError {}

/** A Lambda `Task` state that AWS would refuse when the state machine is created (unknown parameter, malformed function ARN). */
export class InvalidLambdaTaskError extends HarnessError {}

/**
 * A `Task` state failure exactly as Step Functions reports it (`error` and
 * `cause` are AWS's), whose message adds, for the person reading the test
 * output, which function double it was and how to fix it.
 */
export class LambdaTaskFailedError extends StatesError {
  constructor(
    error: string,
    cause: string,
    readonly functionName: string,
    /** What the harness knows that AWS's cause does not say; appended to the message only. */
    readonly hint?: string,
  ) {
    super(error, cause);
    if (hint !== undefined) this.message = `${this.message}\n${hint}`;
  }
}
