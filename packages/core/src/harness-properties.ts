/**
 * The properties of a harness that are the harness's own (`HarnessBase`):
 * no adapter's mock API may take one of them. `createHarness` refuses such an
 * adapter; the adapter contract tests (`@harness/core/testing`) say so first.
 */
export const HARNESS_PROPERTIES: ReadonlySet<string> = new Set(['session', 'stack', 'target', 'dropped', 'close', 'resetMocks']);

/** Properties no mock API may take, because the harness object would stop working as one: why, for each. */
export const BREAKING_PROPERTIES: ReadonlyMap<string, string> = new Map([
  ['then', 'a harness with a `then` is a thenable: `await createHarness(…)` would wait on the mock API instead of resolving'],
  ['__proto__', 'assigning `__proto__` replaces the prototype of the object the APIs are collected in'],
]);
