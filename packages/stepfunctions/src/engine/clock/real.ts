import type { Clock } from './clock.js';

/**
 * The longest delay `setTimeout` honours. Node turns anything longer into 1 ms
 * (with a warning), and a Wait state may last up to a year, so longer sleeps
 * are split into several timers.
 */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Rejects a delay that would make time meaningless (`NaN`, `Infinity`): a
 * bug in the caller, better reported than turned into "never" or "now".
 *
 * @internal shared by the clocks of this folder.
 */
export function invalidDelay(ms: number): RangeError | undefined {
  return Number.isFinite(ms) ? undefined : new RangeError(`Clock.sleep needs a finite number of milliseconds, got ${String(ms)}.`);
}

/**
 * A clock that reads the wall time and waits it out: what `clock: 'real'`
 * runs on. Timers stay referenced, so an execution in a Wait state keeps the
 * process alive as it would keep a Step Functions execution running; an abort
 * clears the timer at once.
 *
 * @example
 * ```ts
 * const clock = createRealClock();
 * const controller = new AbortController();
 * await clock.sleep(250, controller.signal); // resolves after 250 ms of wall time
 * ```
 */
export function createRealClock(): Clock {
  return {
    kind: 'real',
    now: () => Date.now(),
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      const invalid = invalidDelay(ms);
      if (invalid !== undefined) return Promise.reject(invalid);
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + Math.max(0, ms);
        let timer: NodeJS.Timeout | undefined;
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(signal?.reason);
        };
        const arm = (): void => {
          const remaining = deadline - Date.now();
          if (remaining <= 0) {
            signal?.removeEventListener('abort', onAbort);
            resolve();
            return;
          }
          timer = setTimeout(arm, Math.min(remaining, MAX_TIMER_DELAY_MS));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        // A zero delay still waits for a timer turn, as a Wait of 0 s yields to other work.
        timer = setTimeout(arm, Math.min(Math.max(0, ms), MAX_TIMER_DELAY_MS));
      });
    },
    // Wall time never skips ahead, so there is nothing to hold back.
    hold: () => () => undefined,
  };
}
