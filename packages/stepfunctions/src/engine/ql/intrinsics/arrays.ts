/**
 * Intrinsics for arrays: States.Array, States.ArrayPartition,
 * States.ArrayContains, States.ArrayRange, States.ArrayGetItem,
 * States.ArrayLength, States.ArrayUnique. Limits from the AWS developer guide,
 * "Intrinsic functions for JSONPath states".
 */
import type { Json } from '../../types.js';
import { jsonEquals } from '../jsonpath.js';
import { arrayArgument, expectCount, integerArgument, intrinsicFailure, roundedIntegerArgument, type IntrinsicInvocation } from './arguments.js';

/** `States.Array(…values)`: the arguments as an array; no arguments give `[]`. */
export function array(invocation: IntrinsicInvocation): Json {
  return [...invocation.values];
}

/**
 * `States.ArrayPartition(array, size)`: chunks of `size` items, the last
 * possibly shorter. `size` is rounded to an integer and must be positive.
 */
export function arrayPartition(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2);
  const items = arrayArgument(invocation, 0);
  const size = roundedIntegerArgument(invocation, 1);
  if (size <= 0) throw intrinsicFailure(invocation, `the chunk size must be a positive integer, but was ${size}`);
  const chunks: Json[] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/** `States.ArrayContains(array, value)`: whether an item equals `value` (deep JSON equality). */
export function arrayContains(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2);
  const items = arrayArgument(invocation, 0);
  const wanted = invocation.values[1] as Json;
  return items.some((item) => jsonEquals(item, wanted));
}

/** The most items States.ArrayRange may produce. */
export const MAX_RANGE_ITEMS = 1000;

/**
 * `States.ArrayRange(start, end, step)`: `start`, `start + step`, … up to
 * and including `end` when a step lands on it (`(0, 10, 3)` gives
 * `[0, 3, 6, 9]`). Arguments are rounded to integers; `step` must not be 0
 * and the result may hold at most 1000 items.
 */
export function arrayRange(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 3);
  const start = roundedIntegerArgument(invocation, 0);
  const end = roundedIntegerArgument(invocation, 1);
  const step = roundedIntegerArgument(invocation, 2);
  if (step === 0) throw intrinsicFailure(invocation, 'the step must not be 0');
  const count = (step > 0 ? end >= start : end <= start) ? Math.floor((end - start) / step) + 1 : 0;
  if (count > MAX_RANGE_ITEMS) throw intrinsicFailure(invocation, `the range has ${count} items; the limit is ${MAX_RANGE_ITEMS}`);
  const items: number[] = [];
  for (let index = 0; index < count; index++) items.push(start + index * step);
  return items;
}

/** `States.ArrayGetItem(array, index)`: the item at a zero-based index inside the array. */
export function arrayGetItem(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2);
  const items = arrayArgument(invocation, 0);
  const index = integerArgument(invocation, 1);
  if (index < 0 || index >= items.length) {
    throw intrinsicFailure(invocation, `the index ${index} is out of bounds for an array of length ${items.length}`);
  }
  return items[index] as Json;
}

/** `States.ArrayLength(array)`: the number of items. */
export function arrayLength(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1);
  return arrayArgument(invocation, 0).length;
}

/**
 * `States.ArrayUnique(array)`: the items without repeats, first occurrences
 * kept in order (recorded AWS response: `[1,2,2,3,3,4]` gives `[1,2,3,4]`).
 */
export function arrayUnique(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1);
  const seen = new Set<string>();
  const unique: Json[] = [];
  for (const item of arrayArgument(invocation, 0)) {
    const key = canonicalKey(item);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(item);
  }
  return unique;
}

/** A text equal for equal JSON values, whatever their object key order. */
function canonicalKey(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalKey(value[key] as Json)}`).join(',')}}`;
}
