import type { Json } from '../../types.js';
import { readerFailure } from './common.js';

/**
 * The items of a JSON Lines file: one JSON value per line. Blank lines (the
 * newline ending the file among them) give no item. A line that is not JSON
 * fails the read, naming its line number.
 *
 * @example
 * ```ts
 * readJsonlItems('{"id":1}\n{"id":2}\n'); // [{ id: 1 }, { id: 2 }]
 * ```
 */
export function readJsonlItems(text: string): Json[] {
  const items: Json[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      items.push(JSON.parse(line) as Json);
    } catch (error) {
      throw readerFailure(`Line ${index + 1} of the JSONL file is not valid JSON: ${(error as Error).message}`);
    }
  });
  return items;
}
