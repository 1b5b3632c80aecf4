import { describe, expect, it, vi } from 'vitest';
import { retryDelayMs, seededRandom } from '../../../../src/engine/clock/backoff.js';
import type { RetryTiming } from '../../../../src/engine/clock/backoff.js';

const noRandom = (): number => {
  throw new Error('random() must not be called without FULL jitter');
};

/** The delays before retries 1..n (attempt 0..n-1). */
function delays(retrier: RetryTiming, retries: number, random: () => number = noRandom): number[] {
  return Array.from({ length: retries }, (_, attempt) => retryDelayMs(retrier, attempt, random));
}

describe('Function: retryDelayMs', () => {
  // Source for the rows: AWS, "Handling errors in Step Functions workflows"
  // (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), retrier fields and
  // "Retry field examples"; the MaxDelaySeconds 4 row is the States Language specification's Retrier example; the
  // 3 and 4.5 s row is the earlier edition of the AWS page (awsdocs/aws-step-functions-developer-guide,
  // doc_source/concepts-error-handling.md).
  it.each<[string, RetryTiming, number, number[]]>([
    ['defaults IntervalSeconds 1 and BackoffRate 2.0', {}, 3, [1_000, 2_000, 4_000]],
    ['BackoffRate example: IntervalSeconds 3, BackoffRate 2, MaxAttempts 3 → 3, 6, 12 s', { IntervalSeconds: 3, BackoffRate: 2 }, 3, [3_000, 6_000, 12_000]],
    ['Example 1: BackoffRate 1 keeps the interval', { IntervalSeconds: 3, BackoffRate: 1 }, 2, [3_000, 3_000]],
    ['Example 2: MaxDelaySeconds 5 caps 3, 6, 12 s to 3, 5, 5 s', { IntervalSeconds: 3, BackoffRate: 2, MaxDelaySeconds: 5 }, 3, [3_000, 5_000, 5_000]],
    ['Example 4: IntervalSeconds 1, BackoffRate 2.0 → 1, 2 s', { IntervalSeconds: 1, BackoffRate: 2.0 }, 2, [1_000, 2_000]],
    ['JitterStrategy example without jitter: 2, 4, 8 s', { IntervalSeconds: 2, BackoffRate: 2 }, 3, [2_000, 4_000, 8_000]],
    ['JitterStrategy NONE is the default', { IntervalSeconds: 2, BackoffRate: 2, JitterStrategy: 'NONE' }, 3, [2_000, 4_000, 8_000]],
    ['spec Retrier: MaxDelaySeconds 4 makes the second wait 4 s, not 6 s', { IntervalSeconds: 3, BackoffRate: 2.0, MaxDelaySeconds: 4 }, 2, [3_000, 4_000]],
    ['a fractional rate, in whole milliseconds (earlier guide: waits of 3 and 4.5 s)', { IntervalSeconds: 3, BackoffRate: 1.5 }, 2, [3_000, 4_500]],
    ['a rate with binary rounding noise still gives whole milliseconds', { IntervalSeconds: 3, BackoffRate: 1.1 }, 3, [3_000, 3_300, 3_630]],
  ])('computes %s', (_name, retrier, retries, expected) => {
    // Act / Assert
    expect(delays(retrier, retries)).toEqual(expected);
  });

  it('stays finite when an uncapped backoff would overflow, at the largest MaxDelaySeconds AWS accepts', () => {
    // Act
    const delay = retryDelayMs({ IntervalSeconds: 99_999_999, BackoffRate: 2 }, 5_000, noRandom);

    // Assert: MaxDelaySeconds must be "less than 31622401" (AWS, Handling errors in Step Functions workflows).
    expect(delay).toBe(31_622_400_000);
  });

  describe('FULL jitter', () => {
    it.each<[number, number]>([
      [0, 0],
      [0.5, 2_000],
      [0.999_999_9, 4_000],
    ])('maps random() = %d to %d ms of a 4 s delay: uniform between 0 and the delay, no minimum', (draw, expected) => {
      // Act / Assert: "the second retry interval is randomized between 0 and 4 seconds" (IntervalSeconds 2, BackoffRate 2).
      expect(retryDelayMs({ IntervalSeconds: 2, BackoffRate: 2, JitterStrategy: 'FULL' }, 1, () => draw)).toBe(expected);
    });

    it.each<[RetryTiming, number[]]>([
      [{ IntervalSeconds: 2, BackoffRate: 2, JitterStrategy: 'FULL' }, [2_000, 4_000, 8_000]],
      [{ IntervalSeconds: 3, BackoffRate: 2, MaxDelaySeconds: 5, JitterStrategy: 'FULL' }, [3_000, 5_000, 5_000]],
    ])('keeps every draw of %o within 0 and the capped delay, spread over the range', (retrier, bounds) => {
      // Arrange
      const random = seededRandom(7);

      for (const [attempt, bound] of bounds.entries()) {
        // Act
        const draws = Array.from({ length: 500 }, () => retryDelayMs(retrier, attempt, random));

        // Assert
        expect(draws.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= bound)).toBe(true);
        expect(Math.min(...draws)).toBeLessThan(bound * 0.1);
        expect(Math.max(...draws)).toBeGreaterThan(bound * 0.9);
      }
    });

    it('repeats the same jittered delays for the same seed', () => {
      // Arrange
      const retrier: RetryTiming = { IntervalSeconds: 2, BackoffRate: 2, JitterStrategy: 'FULL' };

      // Act
      const first = delays(retrier, 3, seededRandom(123));
      const second = delays(retrier, 3, seededRandom(123));

      // Assert
      expect(second).toEqual(first);
      expect(first).not.toEqual(delays(retrier, 3, seededRandom(124)));
    });

    it('draws one random number per delay, and none without jitter', () => {
      // Arrange
      const random = vi.fn(() => 0.25);

      // Act
      retryDelayMs({ JitterStrategy: 'FULL' }, 0, random);
      retryDelayMs({ JitterStrategy: 'NONE' }, 0, random);
      retryDelayMs({}, 0, random);

      // Assert
      expect(random).toHaveBeenCalledTimes(1);
    });
  });
});

describe('Function: seededRandom', () => {
  it('is mulberry32: the same sequence for a seed on every run', () => {
    // Arrange
    const random = seededRandom(42);

    // Act
    const sequence = [random(), random(), random()];

    // Assert: pinned so that repeatable runs stay repeatable across versions.
    expect(sequence).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('gives numbers in [0, 1) averaging about one half, different for different seeds', () => {
    // Arrange
    const random = seededRandom(2024);

    // Act
    const draws = Array.from({ length: 10_000 }, () => random());
    const mean = draws.reduce((sum, draw) => sum + draw, 0) / draws.length;

    // Assert
    expect(draws.every((draw) => draw >= 0 && draw < 1)).toBe(true);
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});
