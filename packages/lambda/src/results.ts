/**
 * An error a Lambda handler throws to make the function fail with a chosen
 * error type, as a real function would by throwing its own error class. The
 * state that invoked the function fails with `Error` = {@link errorType}, so
 * `Catch` and `Retry` match on it.
 *
 * Its `name` is the error type too: that is what the Node.js runtime reports.
 *
 * @example
 * await harness.lambda.mockFunction('ChargeCard', () => {
 *   throw new LambdaFunctionError('CardDeclined', 'insufficient funds');
 * });
 */
export class LambdaFunctionError extends Error {
  /** The function's error type: the state's `Error`. */
  readonly errorType: string;
  /** The trace the function reports, when the thrower chose one; else the error's own stack. */
  readonly stackTrace?: readonly string[];

  constructor(errorType: string, message: string, options: { readonly stackTrace?: readonly string[]; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Invoke's error payload carries errorType and errorMessage as strings (the runtime's {"errorType","errorMessage","trace"}).
    if (typeof errorType !== 'string' || errorType.length === 0) {
      throw new TypeError(
        `LambdaFunctionError: errorType is ${typeof errorType === 'string' ? 'empty' : `a ${typeof errorType}`}. Give the name the workflow's Catch or Retry matches, e.g. "CardDeclined".`,
      );
    }
    if (typeof message !== 'string') {
      throw new TypeError(`LambdaFunctionError: the message is ${message === null ? 'null' : typeof message === 'object' ? 'an object' : `a ${typeof message}`}, but a function's errorMessage is a string. To fix this, pass text, e.g. fail('CardDeclined', 'insufficient funds').`);
    }
    this.name = errorType;
    this.errorType = errorType;
    if (options.stackTrace !== undefined) this.stackTrace = [...options.stackTrace];
  }
}

/**
 * Makes the function fail: throws a {@link LambdaFunctionError}. Use it in a
 * handler (or in an expression: `(event) => event.ok ? result : fail(…)`).
 *
 * @example
 * await harness.lambda.mockFunction('ChargeCard', ({ amount }) =>
 *   amount > 100 ? fail('CardDeclined', 'over the limit') : { charged: amount },
 * );
 */
export function fail(errorType: string, message: string, options: { readonly stackTrace?: readonly string[] } = {}): never {
  throw new LambdaFunctionError(errorType, message, options);
}
