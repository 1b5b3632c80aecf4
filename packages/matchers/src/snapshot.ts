import { MatcherUsageError } from './errors.js';
import { normaliseExecution, type NormaliseOptions } from './normalise.js';
import type { ExecutionLike, MatcherContext, MatcherResult } from './types.js';

/** A framework's `toMatchSnapshot`, called with the matcher's `this` (vitest's `Snapshots.toMatchSnapshot`, jest-snapshot's `toMatchSnapshot`). */
export type SnapshotMatcher = (this: never, received: unknown, hint?: string) => MatcherResult;

/**
 * Builds `toMatchExecutionSnapshot` on a framework's own snapshot matcher:
 * the execution is normalised (`normaliseExecution`), then snapshotted as
 * any value is, in the test file's `__snapshots__`.
 */
export function createExecutionSnapshotMatcher(toMatchSnapshot: () => SnapshotMatcher) {
  return function toMatchExecutionSnapshot(this: MatcherContext, received: unknown, hint?: string, options?: NormaliseOptions): MatcherResult {
    const run = received as Partial<ExecutionLike> | null | undefined;
    if (!run || typeof run !== 'object' || typeof run.status !== 'string' || !Array.isArray(run.history)) {
      throw new MatcherUsageError(
        'toMatchExecutionSnapshot',
        'expected an execution (what harness.stepFunctions.execute or executeOnAws resolves with). To fix this, pass the awaited execution: expect(run).toMatchExecutionSnapshot().',
      );
    }
    if (hint !== undefined && typeof hint !== 'string') {
      throw new MatcherUsageError('toMatchExecutionSnapshot', 'the hint must be a string (it names the snapshot). To fix this, pass options second: toMatchExecutionSnapshot(undefined, { stateData: false }).');
    }
    if (this.isNot) throw new MatcherUsageError('toMatchExecutionSnapshot', 'cannot be used with .not (as toMatchSnapshot cannot).');
    const matcher = toMatchSnapshot() as unknown as (this: MatcherContext, received: unknown, hint?: string) => MatcherResult;
    return hint === undefined ? matcher.call(this, normaliseExecution(run as ExecutionLike, options)) : matcher.call(this, normaliseExecution(run as ExecutionLike, options), hint);
  };
}
