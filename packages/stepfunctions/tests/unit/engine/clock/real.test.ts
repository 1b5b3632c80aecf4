import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_DELAY_MS, createRealClock } from '../../../../src/engine/clock/real.js';

describe('Function: createRealClock', () => {
  // Fake timers stand in for the wall clock here only: the real clock itself must use the globals.
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2024-03-01T12:00:00.000Z') });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('reads the wall time and reports kind real', () => {
    // Act
    const clock = createRealClock();

    // Assert
    expect(clock.kind).toBe('real');
    expect(clock.now()).toBe(Date.parse('2024-03-01T12:00:00.000Z'));
    vi.advanceTimersByTime(1_500);
    expect(clock.now()).toBe(Date.parse('2024-03-01T12:00:01.500Z'));
  });

  it('resolves a sleep once its time has passed on the wall clock, not before', async () => {
    // Arrange
    const clock = createRealClock();
    let resolved = false;
    const sleeping = clock.sleep(1_000).then(() => {
      resolved = true;
    });

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const early = resolved;
    await vi.advanceTimersByTimeAsync(1);
    await sleeping;

    // Assert
    expect(early).toBe(false);
    expect(resolved).toBe(true);
  });

  it('splits a sleep longer than setTimeout allows into long timers, neither firing early nor spinning', async () => {
    // Arrange: a Wait state may last up to a year; Node turns a longer delay into 1 ms.
    const clock = createRealClock();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    let resolved = false;
    void clock.sleep(2 * MAX_TIMER_DELAY_MS).then(() => {
      resolved = true;
    });

    // Act
    await vi.advanceTimersByTimeAsync(1_000);
    const timersAfterOneSecond = setTimeoutSpy.mock.calls.length;
    await vi.advanceTimersByTimeAsync(2 * MAX_TIMER_DELAY_MS - 1_001);
    const early = resolved;
    await vi.advanceTimersByTimeAsync(1);

    // Assert
    expect(timersAfterOneSecond).toBe(1);
    expect(setTimeoutSpy.mock.calls.every(([, delay]) => (delay ?? 0) <= MAX_TIMER_DELAY_MS)).toBe(true);
    expect(early).toBe(false);
    expect(resolved).toBe(true);
  });

  it('rejects with the signal reason and clears its timer when aborted', async () => {
    // Arrange
    const clock = createRealClock();
    const controller = new AbortController();
    const reason = new Error('execution stopped');
    const sleeping = clock.sleep(60_000, controller.signal);
    const timersWhileSleeping = vi.getTimerCount();

    // Act
    controller.abort(reason);

    // Assert
    await expect(sleeping).rejects.toBe(reason);
    expect(timersWhileSleeping).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    // Arrange
    const clock = createRealClock();
    const reason = new Error('too late');

    // Act
    const sleeping = clock.sleep(1_000, AbortSignal.abort(reason));

    // Assert
    expect(vi.getTimerCount()).toBe(0);
    await expect(sleeping).rejects.toBe(reason);
  });

  it('rejects a non-finite delay with a RangeError', async () => {
    // Act / Assert
    await expect(createRealClock().sleep(Number.NaN)).rejects.toThrow(RangeError);
  });

  it('gives holds a release that does nothing, harmless to call twice', () => {
    // Arrange
    const clock = createRealClock();

    // Act
    const release = clock.hold('task');

    // Assert
    expect(() => {
      release();
      release();
    }).not.toThrow();
    expect(vi.getTimerCount()).toBe(0);
  });
});
