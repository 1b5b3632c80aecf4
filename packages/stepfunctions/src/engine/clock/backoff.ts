/** The fields of a retrier that decide how long to wait before a retry. */
export interface RetryTiming {
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** AWS's defaults ("Handling errors in Step Functions workflows", retrier fields). */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_BACKOFF_RATE = 2;

/**
 * The largest delay we compute. AWS documents no limit when
 * `MaxDelaySeconds` is absent, but an exponential backoff soon overflows to
 * `Infinity`, which no clock can wait for or stamp into history. We cap at the
 * largest `MaxDelaySeconds` AWS accepts ("less than 31622401"): a wait that
 * long already outlives a Standard execution (one year at most), so the
 * execution behaves the same either way.
 */
const MAX_DELAY_SECONDS = 31_622_400;

/**
 * How long to wait before a retry, in whole milliseconds, as Step Functions
 * computes it ("Handling errors in Step Functions workflows",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
 * `IntervalSeconds × BackoffRate^attempt` (defaults 1 s and 2.0), capped by
 * `MaxDelaySeconds`; with `JitterStrategy: "FULL"` the wait is instead drawn
 * uniformly between 0 and that capped delay ("the first retry interval is
 * randomized between 0 and 2 seconds, the second … between 0 and 4 seconds").
 * AWS documents no minimum for a jittered wait, so 0 is possible.
 *
 * @param retrier the matching retrier's timing fields.
 * @param attempt how many times this retrier has already retried: 0 before the first retry.
 * @param random a source of numbers in [0, 1), e.g. {@link seededRandom}; called only for FULL jitter.
 *
 * @example
 * ```ts
 * // AWS's BackoffRate example: IntervalSeconds 3, BackoffRate 2, MaxAttempts 3 → 3 s, 6 s, 12 s.
 * [0, 1, 2].map((attempt) => retryDelayMs({ IntervalSeconds: 3, BackoffRate: 2 }, attempt, Math.random)); // [3000, 6000, 12000]
 * ```
 */
export function retryDelayMs(retrier: RetryTiming, attempt: number, random: () => number): number {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const rate = retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE;
  const cap = Math.min(retrier.MaxDelaySeconds ?? MAX_DELAY_SECONDS, MAX_DELAY_SECONDS);
  const seconds = Math.min(interval * rate ** Math.max(0, attempt), cap);
  // Rounding to whole milliseconds keeps 3 × 1.1² = 3.6300000000000003 s from leaking into timestamps.
  const delay = Math.round(seconds * 1000);
  if (retrier.JitterStrategy !== 'FULL') return delay;
  return Math.floor(random() * (delay + 1));
}

/**
 * A small seeded pseudo-random generator (mulberry32): numbers in [0, 1),
 * the same sequence for the same seed, so jittered retries and `$random()`
 * repeat from run to run. Not for anything secret.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * retryDelayMs({ IntervalSeconds: 2, JitterStrategy: 'FULL' }, 0, random); // the same value on every run
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
