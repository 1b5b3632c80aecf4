import type { MatcherContext } from './types.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

const isAsymmetric = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';

/**
 * Whether `actual` contains `partial`, as `toMatchObject` decides it: objects
 * recursively by the partial's keys, arrays element by element (same length),
 * asymmetric matchers anywhere.
 */
export function matchesPartial(context: MatcherContext, actual: unknown, partial: unknown): boolean {
  const testers = [context.utils.iterableEquality, context.utils.subsetEquality].filter((tester) => typeof tester === 'function');
  if (testers.length === 2) return context.equals(actual, partial, testers);
  return context.equals(subsetOf(actual, partial), partial);
}

/**
 * The part of `actual` that `partial` speaks about (its keys, at every depth),
 * so a diff between the two shows only what differs where the test looked.
 */
export function subsetOf(actual: unknown, partial: unknown): unknown {
  if (isAsymmetric(partial)) return actual;
  if (Array.isArray(actual) && Array.isArray(partial) && actual.length === partial.length) {
    return actual.map((item, index) => subsetOf(item, partial[index]));
  }
  if (isPlainObject(actual) && isPlainObject(partial)) {
    const subset: Record<string, unknown> = {};
    for (const key of Object.keys(partial)) {
      if (key in actual) subset[key] = subsetOf(actual[key], partial[key]);
    }
    return subset;
  }
  return actual;
}
