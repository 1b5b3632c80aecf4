/**
 * The check of a failure a double reports to Step Functions (`SendTaskFailure`,
 * a failed child execution): `error` and `cause` are strings of at most 256
 * and 32,768 characters. Step Functions' API reference gives these length
 * constraints for `SendTaskFailure` and for every failure it records
 * (e.g. TaskFailedEventDetails, ExecutionFailedEventDetails:
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TaskFailedEventDetails.html).
 */
import { HarnessError } from './errors.js';

/** Step Functions' limits on a failure's `error` and `cause`, in characters. */
export const FAILURE_LIMITS = {
  errorLength: 256,
  causeLength: 32_768,
} as const;

/** A double was told to fail with an `error` or `cause` Step Functions would refuse: not a string, or too long. */
export class InvalidFailureError extends HarnessError {
  constructor(
    readonly double: string,
    /** What carried it, e.g. `sendTaskFailure`. */
    readonly what: string,
    /** `error` or `cause`. */
    readonly field: 'error' | 'cause',
    /** What was wrong, e.g. `300 characters`. */
    readonly found: string,
  ) {
    const limit = field === 'error' ? FAILURE_LIMITS.errorLength : FAILURE_LIMITS.causeLength;
    super(
      `${double}: the ${field} of ${what} is ${found}; Step Functions takes a string of at most ${limit} characters there (its API refuses anything else with a ValidationException). ` +
        `To fix this, pass a ${field} of at most ${limit} characters${field === 'error' ? " (an error name such as 'OutOfStock')" : ' (put long details elsewhere, e.g. in S3, and name them here)'}.`,
    );
  }
}

/**
 * Checks a failure's `error` and `cause` (each may be left out).
 *
 * @param double - the double that reports it, e.g. `ecs:Fulfil`
 * @param what - what carries it, e.g. `sendTaskFailure`
 * @throws InvalidFailureError
 *
 * @example
 * checkFailure({ error: 'OutOfStock', cause: 'sku-1' }, 'ecs:Fulfil', 'sendTaskFailure');
 */
export function checkFailure(failure: { readonly error?: unknown; readonly cause?: unknown }, double: string, what: string): void {
  for (const field of ['error', 'cause'] as const) {
    const value = failure[field];
    if (value === undefined) continue;
    const limit = field === 'error' ? FAILURE_LIMITS.errorLength : FAILURE_LIMITS.causeLength;
    if (typeof value !== 'string') throw new InvalidFailureError(double, what, field, value === null ? 'null' : `a ${typeof value}`);
    if (value.length > limit) throw new InvalidFailureError(double, what, field, `${value.length} characters`);
  }
}
