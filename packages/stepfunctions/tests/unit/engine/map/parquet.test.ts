import * as zlib from 'node:zlib';
import { parquetWriteBuffer, type ColumnSource, type ParquetWriteOptions } from 'hyparquet-writer';
import { beforeEach, describe, expect, it } from 'vitest';
import { readItems, type ItemReaderDefinition } from '../../../../src/engine/map/item-reader.js';
import { MemoryObjectStore } from '../../../../src/engine/map/object-store.js';
import { PARQUET_LIMITS, readParquetItems } from '../../../../src/engine/map/readers/parquet.js';
import { StateFailure, type JsonObject } from '../../../../src/engine/types.js';
import { s3ObjectsApi } from '../../../../src/s3.js';
import { rejectionOf } from '../helpers.js';

// AWS's Parquet reader: developer guide "ItemReader (Map)", https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
// (InputType PARQUET with s3:getObject; 256 MB row groups, 5 MB footer; no VersionId; GZIP, ZSTD and Snappy inside the file;
// PARQUET also under ManifestType ATHENA_DATA and Transformation LOAD_AND_FLATTEN). How each Parquet type becomes JSON is not
// documented: the expectations below on value shapes are harness's choices, named as such in readers/parquet.ts.

const GET = 'arn:aws:states:::s3:getObject';
const LIST = 'arn:aws:states:::s3:listObjectsV2';
const here = { stateName: 'Fan', enteredEventId: 2 };
/**
 * A Zstandard frame holding `input` in raw (stored) blocks: valid ZSTD that
 * every decoder reads (RFC 8878 §3.1.1), written here because Node.js 20 has
 * no zstd compressor.
 */
function zstdRawFrame(input: Uint8Array): Uint8Array {
  const MAX_BLOCK = 128 * 1024;
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd];
  // Frame header: Single_Segment, Frame_Content_Size in 8 bytes (FCS flag 3), no checksum, no dictionary.
  parts.push(0b1110_0000);
  let size = BigInt(input.length);
  for (let byte = 0; byte < 8; byte++) {
    parts.push(Number(size & 0xffn));
    size >>= 8n;
  }
  let offset = 0;
  do {
    const length = Math.min(MAX_BLOCK, input.length - offset);
    const last = offset + length >= input.length ? 1 : 0;
    const header = (length << 3) | (0 << 1) | last; // Block_Type 0: Raw
    parts.push(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff);
    for (let index = 0; index < length; index++) parts.push(input[offset + index] as number);
    offset += length;
  } while (offset < input.length);
  return Uint8Array.from(parts);
}

/** A real Parquet file, written by hyparquet-writer. */
function parquet(columnData: ColumnSource[], options: Omit<ParquetWriteOptions, 'writer' | 'columnData'> = {}): Uint8Array {
  return new Uint8Array(parquetWriteBuffer({ columnData, ...options }));
}

/** Three rows of the everyday column types, with a null in each nullable column. */
const PEOPLE = parquet([
  { name: 'id', data: [1, 2, 3], type: 'INT32', nullable: false },
  { name: 'name', data: ['Ada', 'Grace', null], type: 'STRING' },
  { name: 'visits', data: [10n, null, 9_007_199_254_740_993n], type: 'INT64' },
  { name: 'score', data: [1.5, null, -0.25], type: 'DOUBLE' },
  { name: 'ratio', data: [0.1, 2, null], type: 'FLOAT' },
  { name: 'active', data: [true, false, null], type: 'BOOLEAN' },
  { name: 'seen', data: [new Date(Date.UTC(2024, 0, 15, 10, 30, 0, 250)), null, new Date(0)], type: 'TIMESTAMP' },
]);

const PEOPLE_ITEMS: JsonObject[] = [
  { id: 1, name: 'Ada', visits: 10, score: 1.5, ratio: 0.1, active: true, seen: '2024-01-15T10:30:00.250Z' },
  { id: 2, name: 'Grace', visits: null, score: null, ratio: 2, active: false, seen: null },
  // 2^53 + 1 has no double: a JavaScript reader of AWS's JSON text gets 2^53 too.
  { id: 3, name: null, visits: 9_007_199_254_740_992, score: -0.25, ratio: null, active: null, seen: '1970-01-01T00:00:00.000Z' },
];

/** `bytes` as a DataView that starts `offset` bytes into a larger buffer. */
function viewAt(offset: number, bytes: Uint8Array): DataView {
  const backing = new Uint8Array(offset + bytes.length);
  backing.set(bytes, offset);
  return new DataView(backing.buffer, offset, bytes.length);
}

const failureOf = (promise: Promise<unknown>): Promise<StateFailure> => rejectionOf(promise, StateFailure);

describe('Function: readParquetItems', () => {
  it('gives one object per row, keyed by column name in schema order', async () => {
    // Act
    const items = await readParquetItems(PEOPLE, { location: here });

    // Assert
    expect(items).toEqual(PEOPLE_ITEMS);
    expect(items.map((item) => Object.keys(item))).toEqual(Array(3).fill(['id', 'name', 'visits', 'score', 'ratio', 'active', 'seen']));
  });

  it('reads the body as the object store holds binary bodies, one latin1 character per byte', async () => {
    const items = await readParquetItems(Buffer.from(PEOPLE).toString('latin1'), { location: here });

    expect(items).toEqual(PEOPLE_ITEMS);
  });

  it('maps dates, timestamps, decimals, binary, lists, structs and maps to JSON', async () => {
    // Arrange
    const file = parquet(
      [
        { name: 'day', data: [new Date(Date.UTC(2024, 1, 29)), null] },
        { name: 'micros', data: [1_705_314_600_123_456n, -1n] },
        { name: 'nanos', data: [1_705_314_600_123_456_789n, null] },
        { name: 'price', data: [12.34, -0.05] },
        { name: 'blob', data: [new Uint8Array([0xde, 0xad, 0xbe]), null] },
        { name: 'tags', data: [['a', null, 'b'], []] },
        { name: 'address', data: [{ city: 'Oslo', zone: 0.1 }, null] },
        { name: 'labels', data: [{ color: 'red', size: 'L' }, {}] },
      ],
      {
        schema: [
          { name: 'root', num_children: 8 },
          { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
          { name: 'micros', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'REQUIRED' },
          { name: 'nanos', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }, repetition_type: 'OPTIONAL' },
          { name: 'price', type: 'INT32', converted_type: 'DECIMAL', scale: 2, precision: 9, repetition_type: 'REQUIRED' },
          { name: 'blob', type: 'FIXED_LEN_BYTE_ARRAY', type_length: 3, repetition_type: 'OPTIONAL' },
          { name: 'tags', converted_type: 'LIST', repetition_type: 'REQUIRED', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
          { name: 'address', repetition_type: 'OPTIONAL', num_children: 2 },
          { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
          { name: 'zone', type: 'FLOAT', repetition_type: 'OPTIONAL' },
          { name: 'labels', converted_type: 'MAP', repetition_type: 'REQUIRED', num_children: 1 },
          { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
          { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
          { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        ],
      },
    );

    // Act
    const items = await readParquetItems(file, { location: here });

    // Assert
    expect(items).toEqual([
      {
        day: '2024-02-29',
        micros: '2024-01-15T10:30:00.123456Z',
        nanos: '2024-01-15T10:30:00.123456789Z',
        price: 12.34,
        blob: '3q2+',
        tags: ['a', null, 'b'],
        address: { city: 'Oslo', zone: 0.1 },
        labels: { color: 'red', size: 'L' },
      },
      { day: null, micros: '1969-12-31T23:59:59.999999Z', nanos: null, price: -0.05, blob: null, tags: [], address: null, labels: {} },
    ]);
  });

  it('gives JSON columns as their parsed value', async () => {
    const file = parquet([{ name: 'doc', data: [{ a: [1, 2] }, 'text', null], type: 'JSON' }]);

    expect(await readParquetItems(file, { location: here })).toEqual([{ doc: { a: [1, 2] } }, { doc: 'text' }, { doc: null }]);
  });

  it.each([
    ['UNCOMPRESSED', {}],
    ['SNAPPY', {}],
    ['GZIP', { GZIP: (input: Uint8Array) => zlib.gzipSync(input) }],
  ] as const)('reads %s compression inside the file (AWS: GZIP, ZSTD and Snappy)', async (codec, compressors) => {
    const file = parquet([{ name: 'word', data: ['alpha', 'beta', 'alpha'], type: 'STRING' }], { codec, compressors });

    expect(await readParquetItems(file, { location: here })).toEqual([{ word: 'alpha' }, { word: 'beta' }, { word: 'alpha' }]);
  });

  it('reads ZSTD compression inside the file (node:zlib where it has zstd, fzstd elsewhere)', async () => {
    const file = parquet([{ name: 'n', data: [1, 2], type: 'INT32' }], { codec: 'ZSTD', compressors: { ZSTD: zstdRawFrame } });

    expect(await readParquetItems(file, { location: here })).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('fails a codec AWS does not name, with the column and codec in the cause', async () => {
    const file = parquet([{ name: 'word', data: ['a'], type: 'STRING' }], { codec: 'BROTLI', compressors: { BROTLI: (input) => zlib.brotliCompressSync(input) } });

    const failure = await failureOf(readParquetItems(file, { location: here }));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toBe(`The Parquet file's column "word" is compressed with BROTLI; Step Functions reads GZIP, ZSTD and Snappy compression.`);
  });

  it('stops after maxItems rows, across row groups', async () => {
    const file = parquet([{ name: 'n', data: [1, 2, 3, 4, 5], type: 'INT32' }], { rowGroupSize: 2 });

    expect(await readParquetItems(file, { location: here, maxItems: 3 })).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(await readParquetItems(file, { location: here })).toHaveLength(5);
  });

  it('gives no items for a file with no rows', async () => {
    const file = parquet([{ name: 'n', data: [], type: 'INT32' }]);

    expect(await readParquetItems(file, { location: here })).toEqual([]);
  });

  it.each([
    ['text', Buffer.from('id,name\n1,Ada\n')],
    ['a file too short to be Parquet', Buffer.from('PAR1')],
    ['a truncated Parquet file', PEOPLE.subarray(0, PEOPLE.length - 20)],
  ])('fails %s with States.ItemReaderFailed, saying it is not a Parquet file', async (_what, body) => {
    const failure = await failureOf(readParquetItems(body, { location: here }));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toMatch(/^The object is not a Parquet file that can be read: parquet file/);
  });

  it('fails a footer over 5 MB (AWS: "5MB is the maximum footer size")', async () => {
    const file = parquet([{ name: 'n', data: [1], type: 'INT32' }], { kvMetadata: [{ key: 'padding', value: 'x'.repeat(PARQUET_LIMITS.maxFooterBytes) }] });

    const failure = await failureOf(readParquetItems(file, { location: here }));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toMatch(/^The Parquet file's footer is \d+ bytes, more than the 5242880 bytes Step Functions reads\.$/);
  });
});

describe('Function: readItems, InputType PARQUET', () => {
  let store: MemoryObjectStore;

  beforeEach(() => {
    store = new MemoryObjectStore({ now: () => Date.UTC(2024, 0, 2) });
  });

  function getParquet(key: string, readerConfig: JsonObject = {}, parameters: JsonObject = {}): ItemReaderDefinition {
    return { Resource: GET, Arguments: { Bucket: 'data', Key: key, ...parameters }, ReaderConfig: { InputType: 'PARQUET', ...readerConfig } };
  }

  it('reads a Parquet object put through harness.stepFunctions.s3.putObject as bytes', async () => {
    // Arrange
    await s3ObjectsApi(store).putObject('data', 'people.parquet', PEOPLE);

    // Act
    const items = await readItems(getParquet('people.parquet'), store, here);

    // Assert
    expect(items).toEqual(PEOPLE_ITEMS);
  });

  it.each([
    ['a Buffer', Buffer.from(PEOPLE)],
    ['an ArrayBuffer', PEOPLE.slice().buffer],
    ['a DataView into a larger buffer', viewAt(2, PEOPLE)],
  ])('takes %s body through putObject unchanged, and lists its size in bytes', async (_what, body) => {
    await s3ObjectsApi(store).putObject('data', 'p.parquet', body);

    expect(await readItems(getParquet('p.parquet'), store, here)).toEqual(PEOPLE_ITEMS);
    expect((await store.listObjects('data')).map((object) => object.Size)).toEqual([PEOPLE.length]);
  });

  it('keeps the first MaxItems rows', async () => {
    await s3ObjectsApi(store).putObject('data', 'people.parquet', PEOPLE);

    const items = await readItems(getParquet('people.parquet', { MaxItems: 2 }), store, here);

    expect(items).toEqual(PEOPLE_ITEMS.slice(0, 2));
  });

  it('fails a missing object with S3 NoSuchKey, as for every reader', async () => {
    store.createBucket('data');

    const failure = await failureOf(readItems(getParquet('absent.parquet'), store, here));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toMatch(/^The specified key does not exist\. \(Service: S3, Status Code: 404, /);
  });

  it('fails a missing bucket with S3 NoSuchBucket (recorded AWS response test_aws_sdk::test_no_such_bucket)', async () => {
    const failure = await failureOf(readItems(getParquet('people.parquet'), store, here));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toMatch(/^The specified bucket does not exist \(Service: S3, Status Code: 404, /);
  });

  it('fails an object that is not Parquet', async () => {
    await store.putObject('data', 'rows.parquet', '[{"id":1}]');

    const failure = await failureOf(readItems(getParquet('rows.parquet'), store, here));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toMatch(/^The object is not a Parquet file that can be read: /);
  });

  it('fails a VersionId, which AWS does not support for Parquet files ("ItemReader (Map)")', async () => {
    await s3ObjectsApi(store).putObject('data', 'people.parquet', PEOPLE);

    const failure = await failureOf(readItems(getParquet('people.parquet', {}, { VersionId: 'v1' }), store, here));

    expect(failure.error).toBe('States.ItemReaderFailed');
    expect(failure.failureCause).toBe('VersionId is not supported for InputType PARQUET.');
  });

  it('reads every Parquet file an Athena data manifest lists (ManifestType ATHENA_DATA)', async () => {
    const api = s3ObjectsApi(store);
    await api.putObject('results', 'unload/part-0.parquet', parquet([{ name: 'n', data: [1, 2], type: 'INT32' }]));
    await api.putObject('results', 'unload/part-1.parquet', parquet([{ name: 'n', data: [3], type: 'INT32' }]));
    await api.putObject('results', 'q-1-manifest.csv', 's3://results/unload/part-0.parquet\ns3://results/unload/part-1.parquet\n');

    const items = await readItems(
      { Resource: GET, Parameters: { Bucket: 'results', Key: 'q-1-manifest.csv' }, ReaderConfig: { ManifestType: 'ATHENA_DATA', InputType: 'PARQUET' } },
      store,
      here,
    );

    expect(items).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('reads the rows of every listed object with Transformation LOAD_AND_FLATTEN', async () => {
    const api = s3ObjectsApi(store);
    await api.putObject('data', 'daily/a.parquet', parquet([{ name: 'day', data: ['mon'], type: 'STRING' }]));
    await api.putObject('data', 'daily/b.parquet', parquet([{ name: 'day', data: ['tue', 'wed'], type: 'STRING' }]));

    const items = await readItems(
      { Resource: LIST, Parameters: { Bucket: 'data', Prefix: 'daily/' }, ReaderConfig: { InputType: 'PARQUET', Transformation: 'LOAD_AND_FLATTEN', MaxItems: 2 } },
      store,
      here,
    );

    expect(items).toEqual([{ day: 'mon' }, { day: 'tue' }]);
  });

  it('reads all rows when MaxItems is 0, as AWS reads up to its ceiling', async () => {
    await s3ObjectsApi(store).putObject('data', 'people.parquet', PEOPLE);

    expect(await readItems(getParquet('people.parquet', { MaxItems: 0 }), store, here)).toHaveLength(3);
  });
});
