import type { Json, JsonObject, ObjectStore } from '../../types.js';
import { fetchObject, readerFailure } from './common.js';
import { CSV_DELIMITERS, readCsvItems } from './csv.js';

/**
 * The items an S3 Inventory lists: `manifest.json` names the inventory's CSV
 * files (gzipped, in the inventory's destination bucket) and their columns
 * (`fileSchema`, e.g. `Bucket, Key, Size, LastModifiedDate`); each row is
 * one item keyed by those columns, every value a string ("ItemReader
 * (Map)", S3 inventory manifest; S3 user guide, "Locating your inventory
 * list"). Step Functions reads CSV inventories only; an ORC or Parquet one
 * fails the read.
 *
 * @example
 * ```ts
 * await readInventoryItems(store, 'inventory', 'src/config/2024-01-01T00-00Z/manifest.json');
 * // [{ Bucket: 'src', Key: 'photos/1.jpg', Size: '34910', … }]
 * ```
 */
export async function readInventoryItems(store: ObjectStore, bucket: string, key: string): Promise<JsonObject[]> {
  const manifest = parseManifest(await fetchObject(store, bucket, key));
  if (manifest.fileFormat !== 'CSV') {
    throw readerFailure(`The S3 inventory's fileFormat is ${JSON.stringify(manifest.fileFormat)}; only CSV inventories can be read.`);
  }
  const headers = manifest.fileSchema.split(',').map((column) => column.trim());
  // The inventory files live in the destination bucket, which the manifest names by ARN.
  const filesBucket = manifest.destinationBucket.replace(/^arn:[^:]*:s3:::/, '');
  const items: JsonObject[] = [];
  for (const file of manifest.files) {
    const text = await fetchObject(store, filesBucket, file.key);
    items.push(...readCsvItems(text, { headerLocation: 'GIVEN', headers, delimiter: CSV_DELIMITERS.COMMA }));
  }
  return items;
}

interface InventoryManifest {
  readonly destinationBucket: string;
  readonly fileFormat: unknown;
  readonly fileSchema: string;
  readonly files: ReadonlyArray<{ readonly key: string }>;
}

function parseManifest(text: string): InventoryManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw readerFailure(`The S3 inventory manifest could not be parsed: ${(error as Error).message}`);
  }
  const manifest = value as Partial<Record<keyof InventoryManifest, unknown>> | null;
  if (
    manifest === null ||
    typeof manifest !== 'object' ||
    typeof manifest.destinationBucket !== 'string' ||
    typeof manifest.fileSchema !== 'string' ||
    !Array.isArray(manifest.files) ||
    !manifest.files.every((file: unknown) => typeof (file as { key?: unknown } | null)?.key === 'string')
  ) {
    throw readerFailure('The S3 inventory manifest needs destinationBucket, fileSchema and files[].key.');
  }
  return manifest as InventoryManifest;
}

/**
 * The items of an Athena data manifest (`ManifestType: ATHENA_DATA`): the
 * manifest lists one `s3://bucket/key` per line, and every listed file is
 * read with `readFile` (by the `InputType` of the reader: CSV, JSONL, PARQUET), its
 * items following the previous file's.
 *
 * @example
 * ```ts
 * await readAthenaItems(store, 'results', 'q-1-manifest.csv', (text) => readJsonlItems(text));
 * ```
 */
export async function readAthenaItems(
  store: ObjectStore,
  bucket: string,
  key: string,
  readFile: (body: string) => Json[] | Promise<Json[]>,
): Promise<Json[]> {
  const lines = (await fetchObject(store, bucket, key)).split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const items: Json[] = [];
  for (const line of lines) {
    const location = /^s3:\/\/([^/]+)\/(.+)$/.exec(line);
    if (location === null) throw readerFailure(`The Athena manifest line ${JSON.stringify(line)} is not an s3://bucket/key URI.`);
    items.push(...(await readFile(await fetchObject(store, location[1] as string, location[2] as string))));
  }
  return items;
}
