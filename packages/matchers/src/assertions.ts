import type { ExecutionLike, InvocationOf, PartialDeep, PathStep, RetriedOptions } from './types.js';
import type { NormaliseOptions } from './normalise.js';

/**
 * The matchers each received value offers, as `expect(value)` types them in
 * vitest (`Assertion<T>`) and jest (`jest.Matchers<R, T>`): on an execution the
 * execution matchers, on a mock the double matchers; on anything else they
 * are `never`, so a call does not compile.
 */
export interface HarnessMatchers<T, R = void> {
  /** The execution's status is `SUCCEEDED`. On failure: the path the run took, and the failing state's input and error. */
  toHaveSucceeded: T extends ExecutionLike ? () => R : never;
  /** The execution failed (or timed out) with this error, and this cause when given (text or an asymmetric matcher). */
  toHaveFailedWith: T extends ExecutionLike ? (error: string, cause?: unknown) => R : never;
  /** The state was entered at least once (Map iterations and Parallel branches included). */
  toHaveVisited: T extends ExecutionLike ? (state: string) => R : never;
  /** The execution took this path: top-level states in order, with Map iterations and Parallel branches (see `PathStep`). */
  toHaveTakenPath: T extends ExecutionLike ? (path: readonly PathStep[]) => R : never;
  /** The state's Retry ran `times` times in all, after these waits when `intervalsMs` is given. */
  toHaveRetried: T extends ExecutionLike ? (state: string, times: number, options?: RetriedOptions) => R : never;
  /** The state failed and a Catch sent the error to `catcher`. */
  toHaveBeenCaughtBy: T extends ExecutionLike ? (state: string, catcher: string) => R : never;
  /** The state was entered with an input containing `partialInput` (recursively; asymmetric matchers allowed). */
  toHaveEnteredWith: T extends ExecutionLike ? (state: string, partialInput: unknown) => R : never;
  /** The normalised execution (`normaliseExecution`) matches its snapshot: the same on every run and on both targets. */
  toMatchExecutionSnapshot: T extends ExecutionLike ? (hint?: string, options?: NormaliseOptions) => R : never;
  /** Some invocation of the double contains `partial` (recursively; asymmetric matchers allowed). */
  toHaveBeenInvokedWith: T extends { readonly invocations: readonly unknown[] } ? (partial: PartialDeep<InvocationOf<T>>) => R : never;
  /** The double received exactly `times` invocations. */
  toHaveBeenInvokedTimes: T extends { readonly invocations: readonly unknown[] } ? (times: number) => R : never;
  /** The `n`-th invocation (counting from 1) contains `partial`. */
  toHaveBeenNthInvokedWith: T extends { readonly invocations: readonly unknown[] } ? (n: number, partial: PartialDeep<InvocationOf<T>>) => R : never;
}

/** The same matchers used asymmetrically, e.g. `expect(runs).toEqual([expect.toHaveSucceeded()])`. */
export interface HarnessAsymmetricMatchers {
  toHaveSucceeded(): unknown;
  toHaveFailedWith(error: string, cause?: unknown): unknown;
  toHaveVisited(state: string): unknown;
  toHaveTakenPath(path: readonly PathStep[]): unknown;
  toHaveRetried(state: string, times: number, options?: RetriedOptions): unknown;
  toHaveBeenCaughtBy(state: string, catcher: string): unknown;
  toHaveEnteredWith(state: string, partialInput: unknown): unknown;
  toHaveBeenInvokedWith(partial: unknown): unknown;
  toHaveBeenInvokedTimes(times: number): unknown;
  toHaveBeenNthInvokedWith(n: number, partial: unknown): unknown;
}
