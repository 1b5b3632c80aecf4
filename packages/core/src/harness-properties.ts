/**
 * The properties of a harness that are the harness's own (`HarnessBase`):
 * no adapter's mock API may take one of them. `createHarness` refuses such an
 * adapter; the adapter contract tests (`@harness/core/testing`) say so first.
 */
export const HARNESS_PROPERTIES: ReadonlySet<string> = new Set(['session', 'stack', 'target', 'dropped', 'close']);
