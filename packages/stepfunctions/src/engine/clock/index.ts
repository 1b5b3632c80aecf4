/** The engine's clocks: one interface, a wall-time clock and a time-skipping one, and retry timing. */
export type { Clock } from './clock.js';
export { createRealClock } from './real.js';
export { createVirtualClock } from './virtual.js';
export type { VirtualClock, VirtualClockOptions } from './virtual.js';
export { retryDelayMs, seededRandom } from './backoff.js';
export type { RetryTiming } from './backoff.js';
