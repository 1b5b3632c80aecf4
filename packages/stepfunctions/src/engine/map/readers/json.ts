import type { Json } from '../../types.js';
import { readerFailure } from './common.js';

/** AWS's cause when the dataset is not an array (recorded AWS response `test_map_item_reader_json_no_json_list_object`). */
export const NON_ITERABLE_CAUSE = 'Attempting to map over non-iterable node.';

/**
 * The items of a JSON file in S3: the elements of the array it holds. With
 * `itemsPointer` (a JSON Pointer, RFC 6901, such as `/orders`), the elements
 * of the array it points to inside the file. A file that is not JSON fails the
 * read; one whose value (or pointed-to value) is not an array fails it with
 * `Attempting to map over non-iterable node.`.
 *
 * @example
 * ```ts
 * readJsonItems('[{"id":1},{"id":2}]'); // [{ id: 1 }, { id: 2 }]
 * readJsonItems('{"orders":[1,2]}', '/orders'); // [1, 2]
 * ```
 */
export function readJsonItems(text: string, itemsPointer?: string): Json[] {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch (error) {
    throw readerFailure(`The JSON file could not be parsed: ${(error as Error).message}`);
  }
  if (itemsPointer !== undefined) value = resolvePointer(value, itemsPointer);
  if (!Array.isArray(value)) throw readerFailure(NON_ITERABLE_CAUSE);
  return value;
}

/** Follows an RFC 6901 JSON Pointer; a pointer that leads nowhere fails the read. */
export function resolvePointer(document: Json, pointer: string): Json {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) throw readerFailure(`ItemsPointer '${pointer}' is not a JSON Pointer: it must start with '/'.`);
  let current: Json = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    let next: Json | undefined;
    if (Array.isArray(current)) next = /^(0|[1-9]\d*)$/.test(token) ? current[Number(token)] : undefined;
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) next = current[token];
    if (next === undefined) throw readerFailure(`ItemsPointer '${pointer}' does not point to a value in the JSON file.`);
    current = next;
  }
  return current;
}
