import type { Json, JsonObject, ObjectStore, StateLocation } from '../types.js';
import { fetchObject, readerFailure, stringParameter, UnsupportedItemReaderError } from './readers/common.js';
import { CSV_DELIMITERS, readCsvItems, type CsvDelimiterName, type CsvReaderConfig } from './readers/csv.js';
import { readJsonItems } from './readers/json.js';
import { readJsonlItems } from './readers/jsonl.js';
import { listObjectItems, listObjects, type ListObjectsRequest } from './readers/list-objects-v2.js';
import { readAthenaItems, readInventoryItems } from './readers/manifest.js';
import { readParquetItems } from './readers/parquet.js';

export { UnsupportedItemReaderError } from './readers/common.js';

/**
 * A distributed Map's `ItemReader` with its fields already evaluated:
 * `Parameters` (JSONPath) or `Arguments` (JSONata) hold `Bucket` and `Key`
 * (`s3:getObject`) or `Bucket` and `Prefix` (`s3:listObjectsV2`);
 * `ReaderConfig.MaxItemsPath` is resolved into `MaxItems`.
 */
export interface ItemReaderDefinition {
  readonly Resource: string;
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonObject;
  readonly ReaderConfig?: JsonObject;
}

/** AWS stops reading after this many items ("ItemReader (Map)", `MaxItems`). */
export const MAX_ITEMS_LIMIT = 100_000_000;

const RESOURCE = /^arn:aws[\w-]*:states:::s3:(getObject|listObjectsV2)$/;

type InputType = 'CSV' | 'JSON' | 'JSONL' | 'PARQUET' | 'MANIFEST';
const INPUT_TYPES: readonly InputType[] = ['CSV', 'JSON', 'JSONL', 'PARQUET', 'MANIFEST'];

/**
 * Reads a distributed Map's dataset from S3, as its `ItemReader` says
 * (developer guide, "ItemReader (Map)"):
 * - `arn:aws:states:::s3:getObject` with `ReaderConfig.InputType` `JSON` (an
 *   array, or the array `ItemsPointer` points to), `JSONL`, `CSV`
 *   (`CSVHeaderLocation` `FIRST_ROW` | `GIVEN` with `CSVHeaders`,
 *   `CSVDelimiter` COMMA | PIPE | SEMICOLON | SPACE | TAB), or `MANIFEST` (an
 *   S3 Inventory `manifest.json`; with `ManifestType: ATHENA_DATA` and the data
 *   files' `InputType`, an Athena data manifest instead), or `PARQUET` (one
 *   object per row, see {@link readParquetItems}; `VersionId` is refused, as
 *   AWS does not support it for Parquet);
 * - `arn:aws:states:::s3:listObjectsV2` with `Bucket` and `Prefix`: one item
 *   per object (`{ Etag, Key, LastModified, Size, StorageClass }`), or with
 *   `ReaderConfig.Transformation: LOAD_AND_FLATTEN` the items inside each
 *   object, read by `InputType`.
 *
 * `ReaderConfig.MaxItems` keeps the first items: 0 or none means all (recorded
 * AWS responses `test_map_item_reader_csv_max_items[0]`,
 * `…_max_items_paths[100000001]`), and AWS reads at most 100,000,000. A
 * negative value fails with `field MaxItems must be positive`.
 *
 * Failures are `StateFailure('States.ItemReaderFailed', cause)`, the cause in
 * AWS's words where recorded. A configuration AWS would reject when the state
 * machine is created throws {@link UnsupportedItemReaderError}.
 *
 * @example
 * ```ts
 * const items = await readItems(
 *   { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'rows.csv' },
 *     ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' } },
 *   store, { stateName: 'Fan', enteredEventId: 2 });
 * ```
 */
export async function readItems(reader: ItemReaderDefinition, store: ObjectStore, location: StateLocation): Promise<Json[]> {
  const config = reader.ReaderConfig ?? {};
  const parameters = reader.Arguments ?? reader.Parameters ?? {};
  const limit = maxItems(config.MaxItems, location);
  const action = RESOURCE.exec(reader.Resource)?.[1];
  let items: Json[];
  if (action === 'getObject') {
    const bucket = stringParameter(parameters, 'Bucket', location, reader.Resource);
    const key = stringParameter(parameters, 'Key', location, reader.Resource);
    if (config.InputType === 'PARQUET' && config.ManifestType === undefined && parameters.VersionId !== undefined) {
      // "ItemReader (Map)": Parquet files are the one input type that does not support VersionId.
      throw readerFailure('VersionId is not supported for InputType PARQUET.');
    }
    items = await readObjectItems(store, bucket, key, config, location, limit);
  } else if (action === 'listObjectsV2') {
    const request = listRequest(parameters, location, reader.Resource);
    if (config.Transformation === 'LOAD_AND_FLATTEN') {
      const readFile = fileReader(config, location, inputType(config, location), limit);
      items = [];
      for (const summary of await listObjects(store, request)) {
        items.push(...(await readFile(await fetchObject(store, request.Bucket, summary.Key))));
        if (items.length >= limit) break;
      }
    } else if (config.Transformation === undefined || config.Transformation === 'NONE') {
      items = await listObjectItems(store, request);
    } else {
      throw unsupported(location, `ReaderConfig.Transformation ${JSON.stringify(config.Transformation)} is not NONE or LOAD_AND_FLATTEN`, 'use one of those values.');
    }
  } else {
    throw unsupported(
      location,
      `an ItemReader with Resource "${reader.Resource}" cannot be read`,
      'use arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2, the two readers Step Functions offers.',
    );
  }
  return items.length > limit ? items.slice(0, limit) : items;
}

async function readObjectItems(
  store: ObjectStore,
  bucket: string,
  key: string,
  config: JsonObject,
  location: StateLocation,
  limit: number,
): Promise<Json[]> {
  if (config.ManifestType === 'ATHENA_DATA') {
    return readAthenaItems(store, bucket, key, fileReader(config, location, inputType(config, location), limit));
  }
  if (config.ManifestType === 'S3_INVENTORY' || config.InputType === 'MANIFEST') return readInventoryItems(store, bucket, key);
  if (config.ManifestType !== undefined) {
    throw unsupported(location, `ReaderConfig.ManifestType ${JSON.stringify(config.ManifestType)} is not S3_INVENTORY or ATHENA_DATA`, 'use one of those values.');
  }
  return fileReader(config, location, inputType(config, location), limit)(await fetchObject(store, bucket, key));
}

/** How one file's body becomes items, by `InputType`; `limit` lets a reader stop early (the caller still cuts the total). */
function fileReader(config: JsonObject, location: StateLocation, type: InputType, limit: number): (body: string) => Json[] | Promise<Json[]> {
  switch (type) {
    case 'JSON': {
      const pointer = config.ItemsPointer;
      if (pointer !== undefined && typeof pointer !== 'string') {
        throw unsupported(location, 'ReaderConfig.ItemsPointer must be a JSON Pointer string', 'give a pointer such as "/items".');
      }
      return (text) => readJsonItems(text, pointer);
    }
    case 'JSONL':
      return readJsonlItems;
    case 'CSV': {
      const csv = csvConfig(config, location);
      return (text) => readCsvItems(text, csv);
    }
    case 'PARQUET':
      return (body) => readParquetItems(body, { location, ...(limit < MAX_ITEMS_LIMIT ? { maxItems: limit } : {}) });
    case 'MANIFEST':
      throw unsupported(location, 'InputType MANIFEST names no format for the files a manifest lists', 'give the data files\' InputType (CSV, JSONL) with ManifestType ATHENA_DATA.');
  }
}

function inputType(config: JsonObject, location: StateLocation): InputType {
  const type = config.InputType;
  if (typeof type === 'string' && (INPUT_TYPES as readonly string[]).includes(type)) return type as InputType;
  throw unsupported(
    location,
    type === undefined ? 'ReaderConfig.InputType is missing' : `ReaderConfig.InputType ${JSON.stringify(type)} is unknown`,
    `set ReaderConfig.InputType to one of ${INPUT_TYPES.join(', ')}.`,
  );
}

function csvConfig(config: JsonObject, location: StateLocation): CsvReaderConfig {
  const delimiterName = config.CSVDelimiter ?? 'COMMA';
  if (typeof delimiterName !== 'string' || !Object.hasOwn(CSV_DELIMITERS, delimiterName)) {
    throw unsupported(location, `ReaderConfig.CSVDelimiter ${JSON.stringify(delimiterName)} is unknown`, `use one of ${Object.keys(CSV_DELIMITERS).join(', ')}.`);
  }
  const delimiter = CSV_DELIMITERS[delimiterName as CsvDelimiterName];
  const headerLocation = config.CSVHeaderLocation ?? 'FIRST_ROW';
  if (headerLocation === 'FIRST_ROW') return { headerLocation, delimiter };
  const headers = config.CSVHeaders;
  if (headerLocation === 'GIVEN' && Array.isArray(headers) && headers.every((header) => typeof header === 'string')) {
    return { headerLocation, headers: headers as string[], delimiter };
  }
  throw unsupported(
    location,
    headerLocation === 'GIVEN' ? 'CSVHeaderLocation GIVEN needs CSVHeaders, an array of strings' : `ReaderConfig.CSVHeaderLocation ${JSON.stringify(headerLocation)} is unknown`,
    'use CSVHeaderLocation FIRST_ROW, or GIVEN with CSVHeaders.',
  );
}

function listRequest(parameters: JsonObject, location: StateLocation, resource: string): ListObjectsRequest {
  const optional = (name: 'Prefix' | 'Delimiter' | 'StartAfter'): string | undefined => {
    const value = parameters[name];
    return typeof value === 'string' ? value : undefined;
  };
  const request: { -readonly [K in keyof ListObjectsRequest]: ListObjectsRequest[K] } = {
    Bucket: stringParameter(parameters, 'Bucket', location, resource),
  };
  const prefix = optional('Prefix');
  const delimiter = optional('Delimiter');
  const startAfter = optional('StartAfter');
  if (prefix !== undefined) request.Prefix = prefix;
  if (delimiter !== undefined) request.Delimiter = delimiter;
  if (startAfter !== undefined) request.StartAfter = startAfter;
  return request;
}

/** The number of items to keep: `MaxItems` when positive, else all (up to AWS's ceiling). */
function maxItems(value: Json | undefined, location: StateLocation): number {
  if (value === undefined || value === null) return MAX_ITEMS_LIMIT;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw unsupported(location, `ReaderConfig.MaxItems ${JSON.stringify(value)} is not a number`, 'give an integer from 0 to 100000000 (MaxItemsPath must be resolved to a number by the caller).');
  }
  // Recorded cause for a negative MaxItemsPath value (ENGINE.md §5); AWS checks the sign before anything is read.
  if (value < 0) throw readerFailure('field MaxItems must be positive');
  if (value === 0) return MAX_ITEMS_LIMIT;
  return Math.min(Math.floor(value), MAX_ITEMS_LIMIT);
}

function unsupported(location: StateLocation, feature: string, fix: string): UnsupportedItemReaderError {
  return new UnsupportedItemReaderError(location.stateName, feature, fix);
}
