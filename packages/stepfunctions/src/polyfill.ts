/**
 * aws-local-stepfunctions 3.0.0 targets Node 22: every `Task` state calls
 * `Promise.withResolvers` (ES2024), which Node 20 lacks, and the execution
 * fails with `Promise.withResolvers is not a function`. The harness supports
 * Node 20, so it installs the standard behaviour before the interpreter runs.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

/**
 * Installs `Promise.withResolvers` when the runtime lacks it; leaves a native
 * (or already installed) one alone.
 *
 * @returns whether it installed the polyfill.
 *
 * @example
 * installPromiseWithResolvers(); // true on Node 20, false on Node 22
 */
export function installPromiseWithResolvers(): boolean {
  const promise = Promise as PromiseWithResolvers;
  if (typeof promise.withResolvers === 'function') return false;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      // `this` keeps subclass semantics, as the standard method does.
      const created = new this<T>((onResolve, onReject) => {
        resolve = onResolve;
        reject = onReject;
      });
      return { promise: created, resolve, reject };
    },
  });
  return true;
}
