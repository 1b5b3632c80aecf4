import { expect, Snapshots } from 'vitest';
import type { HarnessAsymmetricMatchers, HarnessMatchers } from './assertions.js';
import { doubleMatchers, executionMatchers } from './matchers.js';
import { createExecutionSnapshotMatcher, type SnapshotMatcher } from './snapshot.js';

/**
 * `toMatchExecutionSnapshot` on vitest's snapshot state (`Snapshots.toMatchSnapshot`, vitest ≥ 4.1):
 * `vitest -u` updates it as any snapshot.
 */
export const toMatchExecutionSnapshot = createExecutionSnapshotMatcher(() => Snapshots.toMatchSnapshot as unknown as SnapshotMatcher);

/** Every harness matcher, as `expect.extend` takes them. */
export const harnessMatchers = { ...executionMatchers, ...doubleMatchers, toMatchExecutionSnapshot };

// Registering is this module's effect: list it in `setupFiles` (or import it once in a test).
expect.extend(harnessMatchers as unknown as Parameters<typeof expect.extend>[0]);

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends HarnessMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends HarnessAsymmetricMatchers {}
}
