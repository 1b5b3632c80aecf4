import { createRequire } from 'node:module';
import type jsonataType from 'jsonata';

/** The `jsonata` library's entry: `jsonata(expression)` compiles. */
export type JsonataLibrary = typeof jsonataType;

let library: JsonataLibrary | undefined;

/**
 * The `jsonata` library, loaded on first use: a workflow without JSONata (and
 * every process that only validates or runs JSONPath) does not pay its
 * import (about 80 ms here).
 */
export function jsonataLibrary(): JsonataLibrary {
  library ??= createRequire(import.meta.url)('jsonata') as JsonataLibrary;
  return library;
}
