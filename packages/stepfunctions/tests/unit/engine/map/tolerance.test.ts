import { describe, expect, it } from 'vitest';
import { toleranceExceeded, toleranceFailure, validateTolerance } from '../../../../src/engine/map/tolerance.js';
import { StateFailure } from '../../../../src/engine/types.js';

// The rule: developer guide, "Tolerated failure threshold for Distributed Map state" — the Map Run fails when
// failures exceed the count, or exceed the percentage of all items (failed / total × 100); both default to 0.

describe('Function: toleranceExceeded', () => {
  it.each([
    // failed, total, tolerated, exceeded
    [0, 10, {}, false],
    [1, 10, {}, true],
    [1, 10, { count: 0 }, true],
    [1, 10, { count: 1 }, false],
    [2, 10, { count: 1 }, true],
    [1, 10, { percentage: 10 }, false],
    [2, 10, { percentage: 10 }, true],
    [1, 3, { percentage: 33.3 }, true],
    [1, 3, { percentage: 33.34 }, false],
    [10, 10, { percentage: 100 }, false],
    [1, 10, { percentage: 0 }, true],
    [0, 0, {}, false],
    // Either threshold suffices when both are given.
    [2, 10, { count: 1, percentage: 50 }, true],
    [3, 10, { count: 5, percentage: 20 }, true],
    [2, 10, { count: 5, percentage: 20 }, false],
    // A given percentage alone is not undercut by the count's default of 0.
    [4, 10, { percentage: 50 }, false],
    // …nor a given count by the percentage's.
    [4, 10, { count: 4 }, false],
  ])('with %i of %i failed and %j: %s', (failed, total, tolerated, exceeded) => {
    expect(toleranceExceeded(failed, total, tolerated)).toBe(exceeded);
  });
});

describe('Function: toleranceFailure', () => {
  it('fails with States.ExceedToleratedFailureThreshold, saying the numbers', () => {
    const failure = toleranceFailure(3, 10, { count: 1, percentage: 20 });

    expect(failure).toBeInstanceOf(StateFailure);
    expect(failure.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(failure.failureCause).toBe(
      'The Map Run failed: 3 of 10 items failed, more than the tolerated failure threshold (ToleratedFailureCount 1, ToleratedFailurePercentage 20).',
    );
  });

  it('says when nothing was tolerated', () => {
    expect(toleranceFailure(1, 2, {}).failureCause).toMatch(/\(none tolerated\)\.$/);
  });
});

describe('Function: validateTolerance', () => {
  const here = { stateName: 'MapState', enteredEventId: 2 };

  it.each([
    // Recorded AWS responses test_map_state_tolerated_failure_count_path[-1], …_percentage_path[-1.1], [-1], [100.1].
    [{ count: -1 }, 'ToleratedFailureCount cannot be negative.'],
    [{ percentage: -1.1 }, 'ToleratedFailurePercentage must be between 0 and 100.'],
    [{ percentage: -1 }, 'ToleratedFailurePercentage must be between 0 and 100.'],
    [{ percentage: 100.1 }, 'ToleratedFailurePercentage must be between 0 and 100.'],
  ])('fails %j with States.Runtime and AWS cause', (tolerated, message) => {
    let failure: unknown;
    try {
      validateTolerance(tolerated, here);
    } catch (error) {
      failure = error;
    }

    expect(failure).toBeInstanceOf(StateFailure);
    expect(failure).toMatchObject({
      error: 'States.Runtime',
      failureCause: `An error occurred while executing the state 'MapState' (entered at the event id #2). ${message}`,
    });
  });

  it.each([
    // Recorded AWS responses …_count_path[0], …_percentage_path[0], [1], [1.1], [100].
    { count: 0 },
    { percentage: 0 },
    { percentage: 1.1 },
    { percentage: 100 },
    { count: 3, percentage: 50 },
    {},
  ])('accepts %j', (tolerated) => {
    expect(() => validateTolerance(tolerated, here)).not.toThrow();
  });
});
