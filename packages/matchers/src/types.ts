import type { Execution, HistoryEvent } from '@harness/stepfunctions';

/**
 * What the execution matchers read: an `Execution` from `@harness/stepfunctions`
 * (`harness.stepFunctions.execute`, `executeOnAws`), on either target.
 */
export type ExecutionLike = Pick<Execution, 'status' | 'history'> & Partial<Pick<Execution, 'name' | 'executionArn' | 'stateMachineArn' | 'input' | 'output' | 'error' | 'cause' | 'startDate' | 'stopDate'>>;

export type { HistoryEvent };

/**
 * What the double matchers read: any harness mock (ECS `TaskMock`, Lambda
 * `FunctionMock`, Step Functions `StateMachineMock` / `ServiceMock`, or an
 * adapter's own `RecordingMock`), which records what its double received.
 */
export interface DoubleLike<TInvocation = unknown> {
  readonly invocations: readonly TInvocation[];
}

/** The invocation record type of a double. */
export type InvocationOf<T> = T extends { readonly invocations: readonly (infer I)[] } ? I : never;

/**
 * A recursive subset of `T`: every property optional, at every depth, and
 * any value may be an asymmetric matcher (`expect.any(String)`, `expect.stringContaining('…')`).
 */
export type PartialDeep<T> = T extends string | number | boolean | bigint | symbol | null | undefined | Date | RegExp
  ? T
  : T extends readonly (infer E)[]
    ? readonly PartialDeep<E>[]
    : T extends object
      ? { readonly [K in keyof T]?: PartialDeep<T[K]> }
      : T;

/**
 * One step of a path (`toHaveTakenPath`): a state's name, or for a Map or
 * Parallel state, the state with the paths taken inside it.
 *
 * - `'Validate'`: the state was entered (for a Map or Parallel, whatever happened inside).
 * - `{ state: 'Each', iterations: [['Pick', 'A'], ['Pick', 'B']] }`: a Map state and, by item index, the path of each iteration.
 * - `{ state: 'Each', everyIteration: ['Pick', 'A'] }`: a Map state whose every iteration took that path.
 * - `{ state: 'Both', branches: [['L1', 'L2'], ['R1']] }`: a Parallel state and the path of each branch
 *   (a branch is matched by its first state, so their order does not matter).
 *
 * Any step, path or list may also be an asymmetric matcher (`expect.arrayContaining([...])`).
 */
export type PathStep =
  | string
  | { readonly state: string; readonly iterations: readonly (readonly PathStep[])[] }
  | { readonly state: string; readonly everyIteration: readonly PathStep[] }
  | { readonly state: string; readonly branches: readonly (readonly PathStep[])[] };

/** Options of `toHaveRetried`. */
export interface RetriedOptions {
  /**
   * The wait before each retry, in milliseconds, read from the history's
   * timestamps (the failure to the next attempt): on the local target the
   * virtual clock makes them exact (`IntervalSeconds × BackoffRate^n`, capped by
   * `MaxDelaySeconds`, unless `JitterStrategy: FULL`). Each may be an asymmetric matcher.
   */
  readonly intervalsMs?: readonly unknown[];
}

/**
 * The part of an `expect.extend` matcher's `this` the matchers use: vitest's
 * and jest's `MatcherState` both have it.
 */
export interface MatcherContext {
  readonly isNot: boolean;
  readonly promise?: string;
  /** The running test's full name (vitest and jest set it): names the picture of a failed run. */
  readonly currentTestName?: string;
  equals(a: unknown, b: unknown, customTesters?: unknown[], strictCheck?: boolean): boolean;
  readonly utils: MatcherUtilsLike;
}

export interface MatcherUtilsLike {
  diff(expected: unknown, received: unknown, options?: unknown): string | null | undefined;
  stringify(value: unknown, maxDepth?: number, options?: unknown): string;
  printReceived(value: unknown): string;
  printExpected(value: unknown): string;
  matcherHint(matcherName: string, received?: string, expected?: string, options?: unknown): string;
  readonly subsetEquality?: unknown;
  readonly iterableEquality?: unknown;
}

/** What a matcher returns to `expect.extend`. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
  readonly actual?: unknown;
  readonly expected?: unknown;
}
