import { describe, expect, it } from 'vitest';
import { createVirtualClock } from '../../../../src/engine/clock/virtual.js';
import type { VirtualClock } from '../../../../src/engine/clock/virtual.js';

const START = Date.parse('2024-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

/** Lets `count` macrotask turns pass: more than the clock needs to decide the process is idle. */
async function turns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Starts a sleep and records when (in clock time) it resolved, under `label`. */
function track(clock: VirtualClock, log: [string, number][], label: string, ms: number, signal?: AbortSignal): Promise<void> {
  return clock.sleep(ms, signal).then(() => {
    log.push([label, clock.now() - START]);
  });
}

describe('Function: createVirtualClock', () => {
  describe('Method: sleep', () => {
    it('resolves a one-hour sleep at once, with now() exactly one hour later', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const wallBefore = performance.now();

      // Act
      await clock.sleep(HOUR);

      // Assert
      expect(clock.now()).toBe(START + HOUR);
      expect(clock.pending()).toBe(0);
      // The one loose timing bound: skipping must not wait in wall time.
      expect(performance.now() - wallBefore).toBeLessThan(2_000);
    });

    it('fires sleeps in due order, then registration order, with now() at each due time', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const log: [string, number][] = [];

      // Act
      await Promise.all([
        track(clock, log, 'five', 5_000),
        track(clock, log, 'one-a', 1_000),
        track(clock, log, 'three', 3_000),
        track(clock, log, 'one-b', 1_000),
      ]);

      // Assert
      expect(log).toEqual([
        ['one-a', 1_000],
        ['one-b', 1_000],
        ['three', 3_000],
        ['five', 5_000],
      ]);
    });

    it('ends a chain of two one-second sleeps at exactly +2000 ms', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });

      // Act
      await clock.sleep(1_000);
      const between = clock.now();
      await clock.sleep(1_000);

      // Assert
      expect(between).toBe(START + 1_000);
      expect(clock.now()).toBe(START + 2_000);
    });

    it('lets the work resumed by one jump register its next sleep before jumping again', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const log: [string, number][] = [];
      const chain = async (): Promise<void> => {
        await track(clock, log, 'chain-1', 1_000);
        // A few hops through the event loop, as real work between two states takes.
        await turns(1);
        await track(clock, log, 'chain-2', 1_000);
      };

      // Act
      await Promise.all([chain(), track(clock, log, 'single', 1_500)]);

      // Assert: chain-2 is due at +2000, after single at +1500, not at +2500.
      expect(log).toEqual([
        ['chain-1', 1_000],
        ['single', 1_500],
        ['chain-2', 2_000],
      ]);
    });

    it.each([0, -5])('resolves a sleep of %d ms on a later turn without moving time, in registration order', async (ms) => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const log: [string, number][] = [];

      // Act
      const sleeps = [track(clock, log, 'first', ms), track(clock, log, 'second', 0), track(clock, log, 'third', ms)];
      const resolvedSynchronously = log.length;
      await Promise.all(sleeps);

      // Assert
      expect(resolvedSynchronously).toBe(0);
      expect(log).toEqual([
        ['first', 0],
        ['second', 0],
        ['third', 0],
      ]);
    });

    it('rounds a fractional delay up to whole milliseconds, so now() stays whole', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });

      // Act
      await clock.sleep(0.4);
      const afterFraction = clock.now();
      await clock.sleep(1_000.5);

      // Assert
      expect(afterFraction).toBe(START + 1);
      expect(clock.now()).toBe(START + 1_002);
    });

    it('rejects a non-finite delay with a RangeError and registers nothing', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });

      // Act / Assert
      await expect(clock.sleep(Number.NaN)).rejects.toThrow(RangeError);
      await expect(clock.sleep(Number.POSITIVE_INFINITY)).rejects.toThrow(/finite number of milliseconds/);
      expect(clock.pending()).toBe(0);
      expect(clock.now()).toBe(START);
    });

    it('gives the same firing order and now() readings for the same sleeps', async () => {
      // Arrange
      const run = async (): Promise<[string, number][]> => {
        const clock = createVirtualClock({ start: START });
        const log: [string, number][] = [];
        const worker = async (name: string, delays: number[]): Promise<void> => {
          for (const [step, delay] of delays.entries()) await track(clock, log, `${name}${step}`, delay);
        };
        await Promise.all([worker('a', [300, 0, 700]), worker('b', [500, 500]), worker('c', [1_000, 1])]);
        return log;
      };

      // Act
      const first = await run();
      const second = await run();

      // Assert
      expect(first).toEqual([
        ['a0', 300],
        ['a1', 300],
        ['b0', 500],
        // Due at the same time: c0 was registered first (at 0), then a2 (at 300), then b1 (at 500).
        ['c0', 1_000],
        ['a2', 1_000],
        ['b1', 1_000],
        ['c1', 1_001],
      ]);
      expect(second).toEqual(first);
    });
  });

  describe('Method: sleep (abort)', () => {
    it('rejects with the signal reason, forgets the timer and does not jump to its due time', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const controller = new AbortController();
      const reason = new Error('execution stopped');
      const aborted = clock.sleep(10_000, controller.signal);
      const other = clock.sleep(20_000);
      const counted = clock.pending();

      // Act
      controller.abort(reason);

      // Assert
      await expect(aborted).rejects.toBe(reason);
      expect(counted).toBe(2);
      expect(clock.pending()).toBe(1);
      await other;
      expect(clock.now()).toBe(START + 20_000);
    });

    it('rejects at once with the reason of a signal that is already aborted, registering nothing', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const reason = new Error('too late');

      // Act
      const sleeping = clock.sleep(1_000, AbortSignal.abort(reason));

      // Assert
      expect(clock.pending()).toBe(0);
      await expect(sleeping).rejects.toBe(reason);
    });

    it('ignores an abort that comes after the sleep fired', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const controller = new AbortController();

      // Act
      await clock.sleep(1_000, controller.signal);
      controller.abort(new Error('after the fact'));
      await clock.sleep(1_000);

      // Assert
      expect(clock.now()).toBe(START + 2_000);
      expect(clock.pending()).toBe(0);
    });
  });

  describe('Method: hold', () => {
    it('keeps a timer waiting while held and skips to its due time once released', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      let resolved = false;
      // The timer first, while the clock is frozen, so its due time is START + 60 s whatever the machine's load;
      // the hold in the same turn, before the clock could skip to it.
      const sleeping = clock.sleep(60_000).then(() => {
        resolved = true;
      });
      const release = clock.hold('invoke Lambda Charge');

      // Act
      await turns(20);
      const whileHeld = { resolved, pending: clock.pending(), holders: clock.holders() };
      release();
      await sleeping;

      // Assert
      expect(whileHeld).toEqual({ resolved: false, pending: 1, holders: ['invoke Lambda Charge'] });
      expect(clock.holders()).toEqual([]);
      expect(clock.now()).toBe(START + 60_000);
    });

    it('runs at wall rate while held, so a timer due during the hold fires in wall time', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const release = clock.hold('child process');

      // Act
      await clock.sleep(25);
      const afterSleep = clock.now();
      const holdersWhenFired = clock.holders();
      release();

      // Assert
      expect(afterSleep).toBeGreaterThanOrEqual(START + 25);
      expect(holdersWhenFired).toEqual(['child process']);
      expect(clock.pending()).toBe(0);
    });

    it('fires a timer that came due during a hold at the wall time it came due, never moving time back', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const release = clock.hold('task');
      const log: [string, number][] = [];
      const short = track(clock, log, 'short', 10);
      const long = track(clock, log, 'long', 60_000);

      // Act
      await short;
      release();
      await long;

      // Assert
      expect(log.map(([label]) => label)).toEqual(['short', 'long']);
      expect(log[0]?.[1]).toBeGreaterThanOrEqual(10);
      expect(clock.now()).toBe(START + 60_000);
    });

    it('stays held until every hold is released; releasing one twice releases it once', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const releaseTask = clock.hold('task');
      const releaseWorker = clock.hold('callback worker');
      let resolved = false;
      const sleeping = clock.sleep(HOUR).then(() => {
        resolved = true;
      });

      // Act
      releaseTask();
      releaseTask();
      await turns(20);
      const afterFirstRelease = { resolved, holders: clock.holders() };
      releaseWorker();
      await sleeping;

      // Assert
      expect(afterFirstRelease).toEqual({ resolved: false, holders: ['callback worker'] });
      expect(clock.now()).toBe(START + HOUR);
    });

    it('waits idleGraceMs of wall time after the last release before skipping', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START, idleGraceMs: 40 });
      let resolved = false;
      const sleeping = clock.sleep(HOUR).then(() => {
        resolved = true;
      });
      clock.hold('callback worker')();

      // Act
      await turns(20);
      const duringGrace = resolved;
      await sleeping;

      // Assert
      expect(duringGrace).toBe(false);
      expect(clock.now()).toBe(START + HOUR);
    });

    it('keeps a real timer only while a held clock has a sleep waiting', async () => {
      // Arrange
      const timeouts = (): number => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
      const clock = createVirtualClock({ start: START });
      const release = clock.hold('task');
      const controller = new AbortController();
      const before = timeouts();

      // Act
      const sleeping = clock.sleep(HOUR, controller.signal).catch(() => undefined);
      const whileWaiting = timeouts();
      controller.abort();
      await sleeping;
      const afterAbort = timeouts();
      release();

      // Assert
      expect(whileWaiting).toBe(before + 1);
      expect(afterAbort).toBe(before);
    });
  });

  describe('Method: advance', () => {
    it('moves time by hand, firing the sleeps due on the way and no others', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });
      const log: [string, number][] = [];
      void track(clock, log, 'late', 5_000);
      const chain = (async () => {
        await track(clock, log, 'chain-1', 500);
        await track(clock, log, 'chain-2', 500);
      })();

      // Act
      const hold = clock.hold('keeps automatic skipping off');
      await clock.advance(2_000);
      const afterAdvance = clock.now();
      hold();
      await chain;

      // Assert
      expect(log.slice(0, 2)).toEqual([
        ['chain-1', 500],
        ['chain-2', 1_000],
      ]);
      expect(afterAdvance).toBeGreaterThanOrEqual(START + 2_000);
      expect(afterAdvance).toBeLessThan(START + 5_000);
    });

    it('advances an idle clock exactly', async () => {
      // Arrange
      const clock = createVirtualClock({ start: START });

      // Act
      await clock.advance(1_234);

      // Assert
      expect(clock.now()).toBe(START + 1_234);
    });
  });

  describe('Options', () => {
    it('starts at the wall time by default and reports kind virtual', () => {
      // Arrange
      const before = Date.now();

      // Act
      const clock = createVirtualClock();

      // Assert
      expect(clock.kind).toBe('virtual');
      expect(clock.now()).toBeGreaterThanOrEqual(before);
      expect(clock.now()).toBeLessThanOrEqual(Date.now());
    });

    it.each([
      [{ start: Number.NaN }, /start must be epoch milliseconds/],
      [{ idleGraceMs: -1 }, /idleGraceMs must be/],
    ])('rejects %o', (options, message) => {
      // Act / Assert
      expect(() => createVirtualClock(options)).toThrow(message);
    });
  });
});
