import { STATES_ERRORS, statePrefix } from '../errors/names.js';
import { StateFailure, type StateLocation } from '../types.js';

/** A distributed Map's tolerated failure threshold, its `…Path` fields already resolved. */
export interface ToleratedFailure {
  readonly count?: number;
  /** 0 to 100. */
  readonly percentage?: number;
}

/**
 * Whether a Map Run's failures exceed its tolerated failure threshold
 * (developer guide, "Tolerated failure threshold for Distributed Map
 * state"): the run fails when the failed (or timed out) items are more than
 * `count`, or when they are more than `percentage` percent of all the
 * run's items; either threshold suffices when both are given. Both default
 * to 0, so without a threshold one failed item fails the run; 100 percent
 * tolerates every failure. Exactly at the threshold is still tolerated
 * ("fails if this value is exceeded").
 *
 * Items, not child executions, are counted: with an `ItemBatcher`, a failed
 * batch's items all count as failed.
 *
 * @example
 * ```ts
 * toleranceExceeded(1, 10, {}); // true: nothing tolerated
 * toleranceExceeded(1, 10, { percentage: 10 }); // false: 10 % is allowed
 * toleranceExceeded(2, 10, { count: 1, percentage: 50 }); // true: count exceeded
 * ```
 */
export function toleranceExceeded(failed: number, total: number, tolerated: ToleratedFailure): boolean {
  if (failed <= 0) return false;
  const { count, percentage } = tolerated;
  if (count === undefined && percentage === undefined) return true;
  // failed / total * 100 > percentage, multiplied out so integers stay exact.
  return (count !== undefined && failed > count) || (percentage !== undefined && failed * 100 > percentage * total);
}

/**
 * The failure of a Map Run over its threshold: `States.ExceedToleratedFailureThreshold`
 * (developer guide, "Tolerated failure threshold for Distributed Map state").
 * AWS's cause text is not in any recording or document found; this one says
 * what happened with the numbers.
 */
export function toleranceFailure(failed: number, total: number, tolerated: ToleratedFailure): StateFailure {
  const threshold = [
    tolerated.count !== undefined ? `ToleratedFailureCount ${tolerated.count}` : undefined,
    tolerated.percentage !== undefined ? `ToleratedFailurePercentage ${tolerated.percentage}` : undefined,
  ].filter((part) => part !== undefined);
  return new StateFailure(
    STATES_ERRORS.ExceedToleratedFailureThreshold,
    `The Map Run failed: ${failed} of ${total} items failed, more than the tolerated failure threshold (${threshold.length > 0 ? threshold.join(', ') : 'none tolerated'}).`,
  );
}

/**
 * Checks resolved threshold values as AWS does before the run starts,
 * failing with `States.Runtime` (recorded AWS responses
 * `test_map_state_tolerated_failure_count_path[-1]`: `ToleratedFailureCount
 * cannot be negative.`; `…_percentage_path[-1.1]`, `[100.1]`:
 * `ToleratedFailurePercentage must be between 0 and 100.`). Non-numeric path
 * values are the caller's to report (their cause quotes the path).
 */
export function validateTolerance(tolerated: ToleratedFailure, location: StateLocation): void {
  const prefix = statePrefix(location.stateName, location.enteredEventId);
  if (tolerated.count !== undefined && tolerated.count < 0) {
    throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}ToleratedFailureCount cannot be negative.`);
  }
  if (tolerated.percentage !== undefined && (tolerated.percentage < 0 || tolerated.percentage > 100)) {
    throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}ToleratedFailurePercentage must be between 0 and 100.`);
  }
}
