/**
 * The engine's one source of time. Wait states, Retry intervals, timeouts and
 * heartbeats wait on it; history timestamps, `$$.State.EnteredTime`,
 * `$$.Execution.StartTime` and JSONata's `$now()` read it.
 */
export interface Clock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /**
   * Resolves once `ms` of this clock's time has passed; rejects with
   * `signal.reason` when the signal aborts first (and forgets the timer).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Marks real work in flight (a task handler, a child process, a callback
   * still expected). A virtual clock does not jump ahead while any is held.
   * Returns the release; releasing twice is harmless.
   */
  hold(reason: string): () => void;
  /** `'virtual'` skips idle time; `'real'` waits it out. */
  readonly kind: 'virtual' | 'real';
}
