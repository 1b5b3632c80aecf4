import { describe, expect, it } from 'vitest';
import { createContainerSlots, DEFAULT_MAX_LOCAL_CONTAINERS, maxLocalContainers } from '../../src/local/ecs-service.js';

describe('Function: createContainerSlots (room for local containers)', () => {
  const never = new AbortController().signal;

  it('grants up to the limit at once and the next task when one ends, first come first served', async () => {
    // Arrange: room for three containers
    const slots = createContainerSlots(() => 3);
    const granted: string[] = [];

    // Act: tasks of 2, 1, 2 and 1 containers
    const a = await slots.acquire(2, never);
    const b = await slots.acquire(1, never);
    const c = slots.acquire(2, never).then((release) => (granted.push('c'), release));
    const d = slots.acquire(1, never).then((release) => (granted.push('d'), release));
    await Promise.resolve();
    const whileFull = [...granted];
    a();
    const releaseC = await c;
    const afterA = [...granted];
    b();
    const releaseD = await d;

    // Assert: c waited for a's room, d (one container) for b's: it does not pass c, which came first
    expect(whileFull).toEqual([]);
    expect(afterA).toEqual(['c']);
    expect(granted).toEqual(['c', 'd']);
    expect(slots.inUse).toBe(3);
    releaseC();
    releaseD();
    releaseD();
    expect(slots.inUse).toBe(0);
  });

  it('runs a task with more containers than the limit alone, and ends the wait of a stopped task without room', async () => {
    // Arrange
    const slots = createContainerSlots(() => 2);
    const first = await slots.acquire(1, never);
    const stop = new AbortController();

    // Act
    const big = slots.acquire(5, never);
    const stopped = slots.acquire(1, stop.signal);
    stop.abort();
    const releaseStopped = await stopped;
    const inUseAfterStop = slots.inUse;
    first();
    const releaseBig = await big;

    // Assert
    expect(inUseAfterStop).toBe(1);
    expect(slots.inUse).toBe(2);
    releaseBig();
    releaseStopped();
    expect(slots.inUse).toBe(0);
  });
});

describe('Function: maxLocalContainers', () => {
  it('reads HARNESS_ECS_MAX_CONTAINERS, defaults to 64, and names the variable when it is not a whole number', () => {
    expect(maxLocalContainers({})).toBe(DEFAULT_MAX_LOCAL_CONTAINERS);
    expect(DEFAULT_MAX_LOCAL_CONTAINERS).toBe(64);
    expect(maxLocalContainers({ HARNESS_ECS_MAX_CONTAINERS: '8' })).toBe(8);
    expect(() => maxLocalContainers({ HARNESS_ECS_MAX_CONTAINERS: '0' })).toThrow(/HARNESS_ECS_MAX_CONTAINERS is "0": it must be a whole number of containers, 1 or more \(default 64\)/);
    expect(() => maxLocalContainers({ HARNESS_ECS_MAX_CONTAINERS: 'lots' })).toThrow(/HARNESS_ECS_MAX_CONTAINERS is "lots"/);
  });
});
