export type { HarnessAsymmetricMatchers, HarnessMatchers } from './assertions.js';
export { MatcherUsageError } from './errors.js';
export { readHistory } from './history.js';
export type { RunTree, StateVisit, Thread } from './history.js';
export {
  describeDouble,
  doubleMatchers,
  executionMatchers,
  toHaveBeenCaughtBy,
  toHaveBeenInvokedTimes,
  toHaveBeenInvokedWith,
  toHaveBeenNthInvokedWith,
  toHaveEnteredWith,
  toHaveFailedWith,
  toHaveRetried,
  toHaveSucceeded,
  toHaveTakenPath,
  toHaveVisited,
} from './matchers.js';
export { normaliseExecution } from './normalise.js';
export type { ExecutionSnapshot, NormaliseOptions, SnapshotVisit } from './normalise.js';
export { describeFailure, describePath, pathOf } from './path.js';
export type { DescribePathOptions, FullStep } from './path.js';
export { createExecutionSnapshotMatcher } from './snapshot.js';
export type { SnapshotMatcher } from './snapshot.js';
export type {
  DoubleLike,
  ExecutionLike,
  HistoryEvent,
  InvocationOf,
  MatcherContext,
  MatcherResult,
  MatcherUtilsLike,
  PartialDeep,
  PathStep,
  RetriedOptions,
} from './types.js';
