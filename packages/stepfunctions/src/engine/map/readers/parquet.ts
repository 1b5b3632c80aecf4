import * as zlib from 'node:zlib';
import type { Compressors, FileMetaData, ParquetParsers, SchemaTree } from 'hyparquet';
import type { Json, JsonObject, StateLocation } from '../../types.js';
import { readerFailure } from './common.js';

/**
 * AWS's ceilings for a Parquet dataset (developer guide, "ItemReader (Map)",
 * Parquet files): a row group of at most 256 MB and a footer of at most 5 MB;
 * a larger one is a runtime error.
 */
export const PARQUET_LIMITS = {
  maxRowGroupBytes: 256 * 1024 * 1024,
  maxFooterBytes: 5 * 1024 * 1024,
} as const;

/** The codecs Step Functions decompresses inside a Parquet file ("ItemReader (Map)": GZIP, ZSTD and Snappy). */
const AWS_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'ZSTD']);

/** How to read one Parquet file. */
export interface ParquetReadOptions {
  /** The Map state reading it, named by errors that are harness's and not the workflow's. */
  readonly location: StateLocation;
  /** Stop after this many rows (`ReaderConfig.MaxItems`); all rows when absent. */
  readonly maxItems?: number;
}

type Hyparquet = typeof import('hyparquet');
let hyparquet: Promise<Hyparquet> | undefined;

/** hyparquet is ESM-only and only Parquet workflows need it: load it on first use. */
function loadHyparquet(): Promise<Hyparquet> {
  hyparquet ??= import('hyparquet');
  return hyparquet;
}

/**
 * The items of a Parquet file: one JSON object per row, keyed by the
 * file's top-level column names in schema order ("ItemReader (Map)", Parquet
 * file in an Amazon S3 bucket; AWS's sample
 * aws-samples/sample-stepfunctions-athena-manifest-parquet-file-processor
 * reads each item's columns by name and compares its DOUBLE columns as
 * numbers).
 *
 * `body` is the object as S3 holds it: bytes, or a string holding one byte
 * per character (latin1), as the engine's object store keeps binary bodies.
 *
 * Values become JSON as follows (AWS documents none of this beyond the
 * sample's numbers; each choice is what a JSON reader of the row expects):
 * - BOOLEAN → boolean; INT32, INT64 (also unsigned), DECIMAL → number (an
 *   INT64 beyond 2^53 loses precision, as it would for any JavaScript
 *   consumer of AWS's JSON); DOUBLE → number; FLOAT → the shortest decimal
 *   that is the same 32-bit float (`0.1`, not `0.10000000149011612`);
 * - STRING / UTF8, ENUM, and BYTE_ARRAY without annotation → string (UTF-8);
 *   UUID → its canonical text; JSON → the parsed value; other binary (a
 *   FIXED_LEN_BYTE_ARRAY without annotation) → base64 text;
 * - DATE → `YYYY-MM-DD`; TIMESTAMP and INT96 → ISO-8601 UTC with as many
 *   fraction digits as the unit carries (3, 6 or 9);
 * - null → null, the key kept; NaN and ±Infinity → null (JSON has no such
 *   number); a LIST → array; a struct → object; a MAP → object.
 *
 * Failures are `States.ItemReaderFailed`: an object that is not Parquet, a
 * row group or footer over {@link PARQUET_LIMITS}, or a codec other than
 * those AWS names (GZIP, ZSTD, Snappy). ZSTD goes through `node:zlib` where
 * it has `zstdDecompressSync` (Node.js 22.15 and later), else through
 * `fzstd` (pure JavaScript), loaded only for a file that needs it.
 *
 * @example
 * ```ts
 * const items = await readParquetItems(await store.getObject('data', 'rows.parquet') ?? '', { location });
 * // [{ id: 1, name: 'Ada', score: 1.5 }, …]
 * ```
 */
export async function readParquetItems(body: string | Uint8Array, options: ParquetReadOptions): Promise<JsonObject[]> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  // A Buffer may be a view into a shared pool: hand hyparquet an ArrayBuffer of exactly the file.
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const library = await loadHyparquet();

  let metadata: FileMetaData;
  try {
    metadata = library.parquetMetadata(file, { parsers: JSON_PARSERS });
  } catch (error) {
    throw readerFailure(`The object is not a Parquet file that can be read: ${(error as Error).message}`);
  }
  checkLimits(metadata);
  const compressors = await decompressors(metadata);

  const rowCount = Number(metadata.num_rows);
  const rowEnd = options.maxItems !== undefined && options.maxItems < rowCount ? options.maxItems : rowCount;
  let rows: Record<string, unknown>[];
  try {
    rows = await library.parquetReadObjects({ file, metadata, compressors, parsers: JSON_PARSERS, rowEnd });
  } catch (error) {
    throw readerFailure(`The Parquet file could not be read: ${(error as Error).message}`);
  }

  const columns = library.parquetSchema(metadata).children;
  return rows.slice(0, rowEnd).map((row) => {
    const item: JsonObject = {};
    for (const column of columns) item[column.element.name] = jsonValue(row[column.element.name], column);
    return item;
  });
}

function checkLimits(metadata: FileMetaData): void {
  if (metadata.metadata_length > PARQUET_LIMITS.maxFooterBytes) {
    throw readerFailure(
      `The Parquet file's footer is ${metadata.metadata_length} bytes, more than the ${PARQUET_LIMITS.maxFooterBytes} bytes Step Functions reads.`,
    );
  }
  metadata.row_groups.forEach((group, index) => {
    // total_byte_size is the row group's uncompressed data, the size a writer's row-group setting bounds.
    const size = Number(group.total_byte_size);
    if (size > PARQUET_LIMITS.maxRowGroupBytes) {
      throw readerFailure(`The Parquet file's row group ${index} is ${size} bytes, more than the ${PARQUET_LIMITS.maxRowGroupBytes} bytes Step Functions reads.`);
    }
  });
}

/** GZIP through `node:zlib`, ZSTD through `node:zlib` or `fzstd`; hyparquet decodes Snappy itself. */
async function decompressors(metadata: FileMetaData): Promise<Compressors> {
  let zstdNeeded = false;
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const codec = chunk.meta_data?.codec;
      if (codec === undefined) continue;
      const column = chunk.meta_data?.path_in_schema.join('.') ?? '?';
      if (!AWS_CODECS.has(codec)) {
        throw readerFailure(`The Parquet file's column "${column}" is compressed with ${codec}; Step Functions reads GZIP, ZSTD and Snappy compression.`);
      }
      if (codec === 'ZSTD') zstdNeeded = true;
    }
  }
  return {
    // unzipSync takes gzip and, from writers that use it, a bare zlib stream.
    GZIP: (input) => zlib.unzipSync(input),
    ...(zstdNeeded ? { ZSTD: await zstdDecompressor() } : {}),
  };
}

/** Node's own zstd where it has one (22.15+), else `fzstd`'s. */
async function zstdDecompressor(): Promise<(input: Uint8Array) => Uint8Array> {
  const native = (zlib as { zstdDecompressSync?: (input: Uint8Array) => Uint8Array }).zstdDecompressSync;
  if (native !== undefined) return (input) => native(input);
  const { decompress } = await import('fzstd');
  return (input) => decompress(input);
}

/** Parsers that give JSON text at once, so no `Date` (millisecond-only, local-time-prone) is ever made. */
const JSON_PARSERS: Partial<ParquetParsers> = {
  timestampFromMilliseconds: (value: bigint | number) => isoTimestamp(value, 3),
  timestampFromMicroseconds: (value: bigint | number) => isoTimestamp(value, 6),
  timestampFromNanoseconds: (value: bigint | number) => isoTimestamp(value, 9),
  dateFromDays: (days: number | null | undefined) => (days === null || days === undefined ? days : new Date(days * 86_400_000).toISOString().slice(0, 10)),
};

/** `value` units of 10^-digits seconds since the epoch, as ISO-8601 UTC with that many fraction digits. */
function isoTimestamp(value: bigint | number | null | undefined, digits: 3 | 6 | 9): string | null | undefined {
  if (value === null || value === undefined) return value;
  const units = BigInt(value);
  const perSecond = 10n ** BigInt(digits);
  let seconds = units / perSecond;
  let fraction = units % perSecond;
  if (fraction < 0n) {
    seconds -= 1n;
    fraction += perSecond;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, -5);
  return `${whole}.${fraction.toString().padStart(digits, '0')}Z`;
}

/** A decoded value as JSON, guided by its schema node (which knows FLOAT columns and list elements). */
function jsonValue(value: unknown, node: SchemaTree | undefined): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return node?.element.type === 'FLOAT' ? shortestFloat32(value) : value;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const element = listElement(node);
    return Array.from(value as ArrayLike<unknown>, (entry) => jsonValue(entry, element));
  }
  if (typeof value === 'object') {
    const object: JsonObject = {};
    for (const [key, entry] of Object.entries(value)) object[key] = jsonValue(entry, fieldNode(node, key));
    return object;
  }
  return null;
}

/** The schema node of a list's elements: 3-level LIST, legacy 2-level lists, or a bare repeated field. */
function listElement(node: SchemaTree | undefined): SchemaTree | undefined {
  if (node === undefined) return undefined;
  const isList = node.element.converted_type === 'LIST' || node.element.logical_type?.type === 'LIST';
  if (!isList) return node.element.repetition_type === 'REPEATED' ? node : undefined;
  const repeated = node.children[0];
  if (repeated === undefined) return undefined;
  // Parquet's backward-compatibility rules: a repeated group with one field named other than these wraps the element.
  const wraps = repeated.children.length === 1 && repeated.element.name !== 'array' && repeated.element.name !== `${node.element.name}_tuple`;
  return wraps ? repeated.children[0] : repeated;
}

/** The schema node of a struct's field or, for a MAP, of its values. */
function fieldNode(node: SchemaTree | undefined, key: string): SchemaTree | undefined {
  if (node === undefined) return undefined;
  const { converted_type: converted, logical_type: logical } = node.element;
  if (converted === 'MAP' || converted === 'MAP_KEY_VALUE' || logical?.type === 'MAP') return node.children[0]?.children[1];
  return node.children.find((child) => child.element.name === key);
}

/** The shortest decimal that reads back as the same 32-bit float, as a writer of FLOAT data meant it. */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
