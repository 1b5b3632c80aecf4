import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { readItems, UnsupportedItemReaderError, type ItemReaderDefinition } from '../../../../src/engine/map/item-reader.js';
import { MemoryObjectStore } from '../../../../src/engine/map/object-store.js';
import { StateFailure, type JsonObject, type ObjectStore } from '../../../../src/engine/types.js';
import { rejectionOf } from '../helpers.js';

const GET = 'arn:aws:states:::s3:getObject';
const LIST = 'arn:aws:states:::s3:listObjectsV2';
const here = { stateName: 'Fan', enteredEventId: 2 };
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5);

function getObject(key: string, readerConfig: JsonObject, bucket = 'data'): ItemReaderDefinition {
  return { Resource: GET, Parameters: { Bucket: bucket, Key: key }, ReaderConfig: readerConfig };
}

const failureOf = (promise: Promise<unknown>): Promise<StateFailure> => rejectionOf(promise, StateFailure);

describe('Function: readItems', () => {
  let store: MemoryObjectStore;

  beforeEach(() => {
    store = new MemoryObjectStore({ now: () => T0 });
  });

  describe('s3:getObject, InputType JSON', () => {
    it('gives the elements of the array the file holds', async () => {
      // Arrange
      await store.putObject('data', 'orders.json', JSON.stringify([{ id: 1 }, 'two', [3], null]));

      // Act
      const items = await readItems(getObject('orders.json', { InputType: 'JSON' }), store, here);

      // Assert
      expect(items).toEqual([{ id: 1 }, 'two', [3], null]);
    });

    it('takes Bucket and Key from Arguments (JSONata)', async () => {
      await store.putObject('data', 'a.json', '[true]');

      const items = await readItems({ Resource: GET, Arguments: { Bucket: 'data', Key: 'a.json' }, ReaderConfig: { InputType: 'JSON' } }, store, here);

      expect(items).toEqual([true]);
    });

    it.each([
      ['an object', '{"orders":[1]}'],
      ['a number', '42'],
      ['a string', '"text"'],
    ])('fails a file holding %s with AWS cause (recorded AWS response test_map_item_reader_json_no_json_list_object)', async (_what, body) => {
      await store.putObject('data', 'x.json', body);

      const failure = await failureOf(readItems(getObject('x.json', { InputType: 'JSON' }), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toBe('Attempting to map over non-iterable node.');
    });

    it('reads the array ItemsPointer points to inside an object', async () => {
      await store.putObject('data', 'x.json', JSON.stringify({ page: { 'a/b': [1, 2] } }));

      const items = await readItems(getObject('x.json', { InputType: 'JSON', ItemsPointer: '/page/a~1b' }), store, here);

      expect(items).toEqual([1, 2]);
    });

    it('fails an ItemsPointer that leads nowhere', async () => {
      await store.putObject('data', 'x.json', '{"a":[1]}');

      const failure = await failureOf(readItems(getObject('x.json', { InputType: 'JSON', ItemsPointer: '/b' }), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toMatch(/ItemsPointer '\/b'/);
    });

    it('fails malformed JSON as an ItemReader failure', async () => {
      await store.putObject('data', 'x.json', '[1, 2');

      const failure = await failureOf(readItems(getObject('x.json', { InputType: 'JSON' }), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toMatch(/^The JSON file could not be parsed: /);
    });
  });

  describe('s3:getObject, InputType JSONL', () => {
    it('gives one item per line, skipping blank lines', async () => {
      await store.putObject('data', 'x.jsonl', '{"a":1}\r\n\n[2]\n"three"\n');

      const items = await readItems(getObject('x.jsonl', { InputType: 'JSONL' }), store, here);

      expect(items).toEqual([{ a: 1 }, [2], 'three']);
    });

    it('fails a line that is not JSON, naming it', async () => {
      await store.putObject('data', 'x.jsonl', '{"a":1}\n{oops}\n');

      const failure = await failureOf(readItems(getObject('x.jsonl', { InputType: 'JSONL' }), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toMatch(/^Line 2 of the JSONL file/);
    });
  });

  describe('s3:getObject, InputType CSV', () => {
    it('reads the first row as the header by default', async () => {
      await store.putObject('data', 'x.csv', 'k,v\n1,one\n');

      expect(await readItems(getObject('x.csv', { InputType: 'CSV' }), store, here)).toEqual([{ k: '1', v: 'one' }]);
    });

    it('uses GIVEN CSVHeaders and reads every row as data', async () => {
      await store.putObject('data', 'x.csv', '1,one\n2,two\n');

      const items = await readItems(getObject('x.csv', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN', CSVHeaders: ['k', 'v'] }), store, here);

      expect(items).toEqual([{ k: '1', v: 'one' }, { k: '2', v: 'two' }]);
    });

    it.each([
      ['COMMA', 'a,b\n1,2\n'],
      ['PIPE', 'a|b\n1|2\n'],
      ['SEMICOLON', 'a;b\n1;2\n'],
      ['SPACE', 'a b\n1 2\n'],
      ['TAB', 'a\tb\n1\t2\n'],
    ])('splits on CSVDelimiter %s', async (delimiter, body) => {
      await store.putObject('data', 'x.csv', body);

      expect(await readItems(getObject('x.csv', { InputType: 'CSV', CSVDelimiter: delimiter }), store, here)).toEqual([{ a: '1', b: '2' }]);
    });

    it('refuses GIVEN without CSVHeaders as a definition problem', async () => {
      await store.putObject('data', 'x.csv', '1\n');

      await expect(readItems(getObject('x.csv', { InputType: 'CSV', CSVHeaderLocation: 'GIVEN' }), store, here)).rejects.toThrowError(UnsupportedItemReaderError);
    });

    it('refuses an unknown CSVDelimiter, naming the values it takes', async () => {
      await store.putObject('data', 'x.csv', 'a\n1\n');

      await expect(readItems(getObject('x.csv', { InputType: 'CSV', CSVDelimiter: 'COLON' }), store, here)).rejects.toThrowError(
        /Map state "Fan": ReaderConfig.CSVDelimiter "COLON" is unknown. To fix this, use one of COMMA, PIPE, SEMICOLON, SPACE, TAB\./,
      );
    });
  });

  describe('ReaderConfig.MaxItems', () => {
    beforeEach(async () => {
      await store.putObject('data', 'x.csv', 'n\n1\n2\n3\n4\n');
    });

    it.each([
      // 0 means no limit (recorded AWS responses test_map_item_reader_csv_max_items[0], …_paths[0]).
      [0, ['1', '2', '3', '4']],
      [2, ['1', '2']],
      [4, ['1', '2', '3', '4']],
      // Above AWS's 100,000,000 ceiling still reads everything (recorded AWS response …_paths[100000001]).
      [100_000_001, ['1', '2', '3', '4']],
    ])('with %i keeps the first data rows, after the header', async (maxItems, values) => {
      const items = await readItems(getObject('x.csv', { InputType: 'CSV', MaxItems: maxItems }), store, here);

      expect(items.map((item) => (item as JsonObject).n)).toEqual(values);
    });

    it('fails a negative value with AWS cause (ENGINE.md §5, ItemReaderFailed)', async () => {
      const failure = await failureOf(readItems(getObject('x.csv', { InputType: 'CSV', MaxItems: -1 }), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toBe('field MaxItems must be positive');
    });

    it('checks the sign before reading, so a missing object does not hide it', async () => {
      const failure = await failureOf(readItems(getObject('missing.csv', { InputType: 'CSV', MaxItems: -5 }), store, here));

      expect(failure.failureCause).toBe('field MaxItems must be positive');
    });
  });

  describe('a missing object', () => {
    it('fails a missing key with S3 NoSuchKey message', async () => {
      store.createBucket('data');

      const failure = await failureOf(readItems(getObject('nope.json', { InputType: 'JSON' }), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toMatch(/^The specified key does not exist\. \(Service: S3, Status Code: 404, Request ID: [0-9A-F]{16}, Extended Request ID: \S+\)$/);
    });

    it('fails a missing bucket with S3 NoSuchBucket message (its wording: recorded AWS response error_handling/test_aws_sdk::test_no_such_bucket)', async () => {
      const failure = await failureOf(readItems(getObject('x.json', { InputType: 'JSON' }, 'ghost'), store, here));

      expect(failure.failureCause).toMatch(/^The specified bucket does not exist \(Service: S3, Status Code: 404, Request ID: /);
    });

    it('reports a missing key as NoSuchKey when the store cannot tell buckets apart', async () => {
      const plain: ObjectStore = { getObject: async () => undefined, putObject: async () => {}, listObjects: async () => [] };

      const failure = await failureOf(readItems(getObject('x.json', { InputType: 'JSON' }, 'ghost'), plain, here));

      expect(failure.failureCause).toMatch(/^The specified key does not exist\./);
    });
  });

  describe('s3:listObjectsV2', () => {
    beforeEach(async () => {
      await store.putObject('photos', 'raw/b.jpg', 'bb');
      await store.putObject('photos', 'raw/a.jpg', 'a');
      await store.putObject('photos', 'raw/sub/c.jpg', 'ccc');
      await store.putObject('photos', 'other.txt', 'x');
    });

    it('gives one item per object, shaped as the developer guide shows (Etag, epoch-second LastModified)', async () => {
      // Act
      const items = await readItems({ Resource: LIST, Parameters: { Bucket: 'photos', Prefix: 'raw/' } }, store, here);

      // Assert — "ItemReader (Map)": {"Etag": "\"…\"", "Key": …, "LastModified": 1668699881, "Size": …, "StorageClass": "STANDARD"}
      const listed = await store.listObjects('photos', 'raw/');
      expect(items).toEqual(
        listed.map((summary) => ({ Etag: summary.ETag, Key: summary.Key, LastModified: T0 / 1000, Size: summary.Size, StorageClass: 'STANDARD' })),
      );
      expect(items.map((item) => (item as JsonObject).Key)).toEqual(['raw/a.jpg', 'raw/b.jpg', 'raw/sub/c.jpg']);
      expect(Object.keys(items[0] as JsonObject)).toEqual(['Etag', 'Key', 'LastModified', 'Size', 'StorageClass']);
    });

    it('lists the whole bucket without a Prefix, honouring MaxItems', async () => {
      const items = await readItems({ Resource: LIST, Parameters: { Bucket: 'photos' }, ReaderConfig: { MaxItems: 2 } }, store, here);

      expect(items.map((item) => (item as JsonObject).Key)).toEqual(['other.txt', 'raw/a.jpg']);
    });

    it('leaves out keys past a Delimiter and keys up to StartAfter', async () => {
      const items = await readItems({ Resource: LIST, Parameters: { Bucket: 'photos', Prefix: 'raw/', Delimiter: '/', StartAfter: 'raw/a.jpg' } }, store, here);

      expect(items.map((item) => (item as JsonObject).Key)).toEqual(['raw/b.jpg']);
    });

    it('gives no items for an empty bucket', async () => {
      store.createBucket('empty');

      expect(await readItems({ Resource: LIST, Parameters: { Bucket: 'empty' } }, store, here)).toEqual([]);
    });

    it('fails a missing bucket with the NoSuchBucket message', async () => {
      const failure = await failureOf(readItems({ Resource: LIST, Parameters: { Bucket: 'ghost' } }, store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toMatch(/^The specified bucket does not exist \(/);
    });

    it('reads the objects themselves with Transformation LOAD_AND_FLATTEN', async () => {
      // Arrange
      await store.putObject('logs', 'day/2.jsonl', '{"n":3}\n');
      await store.putObject('logs', 'day/1.jsonl', '{"n":1}\n{"n":2}\n');

      // Act
      const items = await readItems(
        { Resource: LIST, Parameters: { Bucket: 'logs', Prefix: 'day/' }, ReaderConfig: { Transformation: 'LOAD_AND_FLATTEN', InputType: 'JSONL', MaxItems: 2 } },
        store,
        here,
      );

      // Assert — objects in key order, items in file order, MaxItems over the items.
      expect(items).toEqual([{ n: 1 }, { n: 2 }]);
    });
  });

  describe('s3:getObject, InputType MANIFEST (S3 Inventory)', () => {
    it('reads every gzipped CSV file the manifest lists, keyed by its fileSchema', async () => {
      // Arrange
      const csv = (rows: string): string => gzipSync(Buffer.from(rows)).toString('latin1');
      await store.putObject('inventory', 'files/1.csv.gz', csv('"src","a.txt","10"\n"src","b, c.txt","20"\n'));
      await store.putObject('inventory', 'files/2.csv.gz', csv('"src","d.txt","30"\n'));
      await store.putObject(
        'inventory',
        'src/cfg/manifest.json',
        JSON.stringify({
          sourceBucket: 'src',
          destinationBucket: 'arn:aws:s3:::inventory',
          fileFormat: 'CSV',
          fileSchema: 'Bucket, Key, Size',
          files: [{ key: 'files/1.csv.gz' }, { key: 'files/2.csv.gz' }],
        }),
      );

      // Act
      const items = await readItems(getObject('src/cfg/manifest.json', { InputType: 'MANIFEST' }, 'inventory'), store, here);

      // Assert
      expect(items).toEqual([
        { Bucket: 'src', Key: 'a.txt', Size: '10' },
        { Bucket: 'src', Key: 'b, c.txt', Size: '20' },
        { Bucket: 'src', Key: 'd.txt', Size: '30' },
      ]);
    });

    it('fails an inventory in a format other than CSV', async () => {
      await store.putObject('inventory', 'm.json', JSON.stringify({ destinationBucket: 'arn:aws:s3:::inventory', fileFormat: 'ORC', fileSchema: 'Key', files: [] }));

      const failure = await failureOf(readItems(getObject('m.json', { InputType: 'MANIFEST' }, 'inventory'), store, here));

      expect(failure.error).toBe('States.ItemReaderFailed');
      expect(failure.failureCause).toMatch(/only CSV inventories/);
    });
  });

  describe('ManifestType ATHENA_DATA', () => {
    it('reads each data file the manifest lists with the InputType', async () => {
      await store.putObject('results', 'out/part-0.csv', 'id\n1\n');
      await store.putObject('results', 'out/part-1.csv', 'id\n2\n3\n');
      await store.putObject('results', 'q-manifest.csv', 's3://results/out/part-0.csv\ns3://results/out/part-1.csv\n');

      const items = await readItems(getObject('q-manifest.csv', { ManifestType: 'ATHENA_DATA', InputType: 'CSV' }, 'results'), store, here);

      expect(items).toEqual([{ id: '1' }, { id: '2' }, { id: '3' }]);
    });
  });

  describe('what this engine does not read', () => {
    it.each([
      ['a missing InputType', getObject('x', {})],
      ['an unknown InputType', getObject('x', { InputType: 'XML' })],
      ['another resource', { Resource: 'arn:aws:states:::s3:headObject', Parameters: { Bucket: 'data', Key: 'x' } }],
      ['a getObject without Key', { Resource: GET, Parameters: { Bucket: 'data' }, ReaderConfig: { InputType: 'JSON' } }],
    ])('refuses %s as a definition problem, not a workflow failure', async (_what, reader) => {
      await store.putObject('data', 'x', '[]');

      await expect(readItems(reader, store, here)).rejects.toThrowError(UnsupportedItemReaderError);
    });
  });
});
