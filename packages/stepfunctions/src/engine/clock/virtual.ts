import type { Clock } from './clock.js';
import { MAX_TIMER_DELAY_MS, invalidDelay } from './real.js';

/** How a virtual clock starts and how long it waits for late work. */
export interface VirtualClockOptions {
  /** Epoch milliseconds the clock reads at first. Default: the wall time when it is created. */
  readonly start?: number;
  /**
   * Wall milliseconds to keep running at wall rate after the last hold is
   * released, before idle time may be skipped: work that ends (a callback
   * worker exiting) may still call back a little later. Default 0.
   */
  readonly idleGraceMs?: number;
}

/**
 * A clock that skips idle time: Wait states, Retry intervals, timeouts and
 * heartbeats complete as soon as nothing else is left to do, with `now()`
 * reading as if the time had passed.
 */
export interface VirtualClock extends Clock {
  readonly kind: 'virtual';
  /** How many sleeps are waiting. */
  pending(): number;
  /** The reasons given to the holds not yet released, oldest first (diagnostics). */
  holders(): string[];
  /**
   * Moves the clock `ms` forward by hand, firing on the way every sleep that
   * comes due, one due time at a time, letting the work each one resumes run
   * before the next. Resolves once the clock reads at least the target.
   */
  advance(ms: number): Promise<void>;
}

/**
 * Macrotask turns without any clock activity before idle time is skipped.
 * Microtasks always drain before a macrotask, but work that hops through a
 * few `setImmediate`s or already-queued I/O callbacks before its next sleep
 * needs some turns to get there; skipping earlier would order its timer after
 * one that should come later.
 */
const SETTLE_TURNS = 3;

interface Timer {
  readonly due: number;
  /** Registration order: breaks ties between timers due at the same time. */
  readonly sequence: number;
  /** Position in the heap, -1 once out of it (fired or aborted). */
  index: number;
  readonly fire: () => void;
}

/** A min-heap of timers by (due, sequence) that can also drop any timer it holds. */
class TimerHeap {
  private readonly items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  push(timer: Timer): void {
    timer.index = this.items.length;
    this.items.push(timer);
    this.up(timer.index);
  }

  pop(): Timer | undefined {
    const top = this.items[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  remove(timer: Timer): void {
    if (timer.index >= 0) this.removeAt(timer.index);
  }

  private removeAt(index: number): void {
    const removed = this.items[index];
    const last = this.items.pop();
    if (removed === undefined || last === undefined) return;
    removed.index = -1;
    if (index < this.items.length) {
      this.items[index] = last;
      last.index = index;
      this.down(index);
      this.up(last.index);
    }
  }

  private at(index: number): Timer {
    const timer = this.items[index];
    if (timer === undefined) throw new Error(`Timer heap has no entry at ${index}.`);
    return timer;
  }

  private before(a: number, b: number): boolean {
    const x = this.at(a);
    const y = this.at(b);
    return x.due < y.due || (x.due === y.due && x.sequence < y.sequence);
  }

  private swap(a: number, b: number): void {
    const x = this.at(a);
    const y = this.at(b);
    this.items[a] = y;
    this.items[b] = x;
    y.index = a;
    x.index = b;
  }

  private up(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private down(index: number): void {
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let first = parent;
      if (left < this.items.length && this.before(left, first)) first = left;
      if (right < this.items.length && this.before(right, first)) first = right;
      if (first === parent) return;
      this.swap(parent, first);
      parent = first;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Creates a virtual clock: time is `start` plus an offset that jumps to the
 * next timer's due time whenever the process is idle, as in Temporal's
 * time-skipping test server.
 *
 * - Every sleep is one timer in a min-heap ordered by (due time, order of
 *   registration); an abort takes it out and rejects with `signal.reason`.
 * - While any {@link Clock.hold} is taken (and for `idleGraceMs` after the last
 *   release), time runs at wall rate and due timers fire on a real timer, so a
 *   task handler or child process can still time out; time never jumps then.
 * - Otherwise, once a few macrotask turns pass with no sleep, hold, release or
 *   firing, time jumps to the earliest due time and every timer due then fires
 *   in order; the clock then waits for quiet again before the next jump.
 * - A sleep of zero or fewer milliseconds resolves on a following turn, after
 *   earlier timers due at the same time.
 *
 * Without holds the clock is deterministic: the same sleeps give the same
 * firing order and the same `now()` readings. It patches no globals (agents in
 * the same process keep real timers) and leaves no timer behind once no sleep
 * is waiting, so it never keeps the process alive by itself.
 *
 * @example
 * ```ts
 * const clock = createVirtualClock({ start: Date.parse('2024-01-01T00:00:00Z') });
 * await clock.sleep(3_600_000); // returns at once
 * new Date(clock.now()).toISOString(); // '2024-01-01T01:00:00.000Z'
 * ```
 */
export function createVirtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const start = options.start ?? Date.now();
  const idleGraceMs = options.idleGraceMs ?? 0;
  if (!Number.isFinite(start)) throw new RangeError(`createVirtualClock: start must be epoch milliseconds, got ${String(start)}.`);
  if (!Number.isFinite(idleGraceMs) || idleGraceMs < 0) {
    throw new RangeError(`createVirtualClock: idleGraceMs must be a finite number of milliseconds ≥ 0, got ${String(idleGraceMs)}.`);
  }

  const heap = new TimerHeap();
  const holds: { readonly reason: string }[] = [];
  /** Virtual time when `wallAnchor` was taken, or the frozen time when there is none. */
  let base = start;
  /** `performance.now()` when time started running at wall rate; undefined while frozen. */
  let wallAnchor: number | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let realTimer: NodeJS.Timeout | undefined;
  let advancing = 0;
  let sequence = 0;
  /** Bumped by every sleep, abort, hold, release and firing: tells quiet turns from busy ones. */
  let version = 0;
  let checkScheduled = false;
  let quietTurns = 0;
  let quietSince = -1;

  function now(): number {
    // Whole milliseconds, like Date.now(): history timestamps and $now() read this.
    return wallAnchor === undefined ? base : base + Math.floor(performance.now() - wallAnchor);
  }

  function moveTo(time: number): void {
    const current = now();
    if (time > current) base += time - current;
  }

  function held(): boolean {
    return holds.length > 0 || graceTimer !== undefined;
  }

  function fireDue(): boolean {
    const time = now();
    let fired = false;
    for (let next = heap.peek(); next !== undefined && next.due <= time; next = heap.peek()) {
      heap.pop();
      fired = true;
      next.fire();
    }
    if (fired) {
      version += 1;
      if (held()) armRealTimer();
    }
    return fired;
  }

  function armRealTimer(): void {
    if (realTimer !== undefined) clearTimeout(realTimer);
    realTimer = undefined;
    const next = heap.peek();
    if (!held() || next === undefined) return;
    // Referenced on purpose: something waits on this timer, as on a real one.
    realTimer = setTimeout(onRealTimer, Math.min(Math.max(0, next.due - now()), MAX_TIMER_DELAY_MS));
  }

  function onRealTimer(): void {
    realTimer = undefined;
    // setTimeout may fire a millisecond early by performance.now(): nothing is due yet, so wait again.
    if (!fireDue()) armRealTimer();
  }

  function freeze(): void {
    base = now();
    wallAnchor = undefined;
    armRealTimer();
    scheduleCheck();
  }

  function scheduleCheck(): void {
    if (checkScheduled || heap.size === 0) return;
    checkScheduled = true;
    setImmediate(check);
  }

  function check(): void {
    checkScheduled = false;
    if (heap.size === 0) return;
    if (fireDue()) {
      scheduleCheck();
      return;
    }
    // The real timer (or advance()) fires timers from here on; release() or advance() calls us again.
    if (held() || advancing > 0) return;
    if (version !== quietSince) {
      quietSince = version;
      quietTurns = 0;
    }
    quietTurns += 1;
    if (quietTurns < SETTLE_TURNS) {
      scheduleCheck();
      return;
    }
    const next = heap.peek();
    if (next !== undefined) moveTo(next.due);
    fireDue();
    scheduleCheck();
  }

  function sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const invalid = invalidDelay(ms);
    if (invalid !== undefined) return Promise.reject(invalid);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = {
        // Rounded up so that now() stays in whole milliseconds after a jump.
        due: now() + Math.ceil(Math.max(0, ms)),
        sequence: sequence++,
        index: -1,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      function onAbort(): void {
        heap.remove(timer);
        version += 1;
        if (held()) armRealTimer();
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      heap.push(timer);
      version += 1;
      if (held() && heap.peek() === timer) armRealTimer();
      scheduleCheck();
    });
  }

  function hold(reason: string): () => void {
    const entry = { reason };
    holds.push(entry);
    version += 1;
    if (graceTimer !== undefined) clearTimeout(graceTimer);
    graceTimer = undefined;
    if (wallAnchor === undefined) wallAnchor = performance.now();
    armRealTimer();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      holds.splice(holds.indexOf(entry), 1);
      version += 1;
      if (holds.length > 0) return;
      if (idleGraceMs === 0) {
        freeze();
        return;
      }
      graceTimer = setTimeout(() => {
        graceTimer = undefined;
        version += 1;
        freeze();
      }, idleGraceMs);
      // The grace only delays skipping; it is no reason to keep the process up.
      graceTimer.unref();
    };
  }

  async function advance(ms: number): Promise<void> {
    const invalid = invalidDelay(ms);
    if (invalid !== undefined) throw invalid;
    const target = now() + Math.max(0, ms);
    advancing += 1;
    try {
      for (;;) {
        for (let turn = 0; turn < SETTLE_TURNS; turn += 1) await nextTurn();
        const next = heap.peek();
        if (next === undefined || next.due > target) break;
        moveTo(next.due);
        fireDue();
      }
      moveTo(target);
    } finally {
      advancing -= 1;
      scheduleCheck();
    }
  }

  return {
    kind: 'virtual',
    now,
    sleep,
    hold,
    advance,
    pending: () => heap.size,
    holders: () => holds.map((entry) => entry.reason),
  };
}
