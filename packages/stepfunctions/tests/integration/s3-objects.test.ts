import { createHash } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOnAws } from '../../src/aws-driver.js';
import type { AslDefinition } from '../../src/definition.js';
import { MemoryObjectStore } from '../../src/engine/map/object-store.js';
import { StepFunctionsError } from '../../src/errors.js';
import { runLocalExecution, type Execution } from '../../src/local-runner.js';
import { awsS3Objects, s3ObjectsApi, type S3ObjectsApi } from '../../src/s3.js';

// harness.stepFunctions.s3 on the aws target (the S3 SDK against moto), and a distributed Map that reads
// and writes S3 run by moto's engine and by harness's own, side by side.

// moto accepts any well-formed role ARN; it does not check IAM.
const ROLE_ARN = 'arn:aws:iam::123456789012:role/harness-s3-objects-test';

/** S3's ETag for a single-part, unencrypted upload: the quoted MD5 hex of the bytes. */
function etagOf(body: string | Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

describe('Function: awsS3Objects (against moto)', () => {
  let client: S3Client;
  let bucket: string;
  const s3 = awsS3Objects();

  beforeAll(async () => {
    client = new S3Client({});
    bucket = uniqueName('objects');
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(() => {
    client.destroy();
  });

  it('puts a string as it is and reads it back as text', async () => {
    // Arrange
    const body = 'orderId,total\no-1,10\nö-2,20\n';

    // Act
    await s3.putObject(bucket, 'text/orders.csv', body);

    // Assert
    expect(await s3.getObject(bucket, 'text/orders.csv')).toBe(body);
    // Size counts the UTF-8 bytes ('ö' is two).
    expect(await s3.listObjects(bucket, 'text/')).toEqual([
      expect.objectContaining({ Key: 'text/orders.csv', Size: Buffer.byteLength(body, 'utf8'), ETag: etagOf(body) }),
    ]);
  });

  it('puts other data as JSON text, which getJson parses back', async () => {
    // Arrange
    const items = [{ orderId: 'o-1', lines: [{ sku: 'A', qty: 2 }] }, { orderId: 'o-2', express: true, note: null }];

    // Act
    await s3.putObject(bucket, 'json/orders.json', items);

    // Assert
    expect(await s3.getObject(bucket, 'json/orders.json')).toBe(JSON.stringify(items));
    expect(await s3.getJson(bucket, 'json/orders.json')).toEqual(items);
  });

  it('puts a Uint8Array as its bytes, every byte above 0x7F intact', async () => {
    // Arrange: the gzip magic, then bytes that are not UTF-8.
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x80, 0xc3, 0x00]);

    // Act
    await s3.putObject(bucket, 'binary/data.gz', bytes);

    // Assert
    const stored = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'binary/data.gz' }));
    expect(await stored.Body?.transformToByteArray()).toEqual(bytes);
    expect(await s3.listObjects(bucket, 'binary/')).toEqual([expect.objectContaining({ Key: 'binary/data.gz', Size: 8, ETag: etagOf(bytes) })]);
  });

  it('lists the objects under a prefix, or all of them, in key order with their size, ETag and storage class', async () => {
    // Arrange: put out of order; S3 lists keys in UTF-8 binary order.
    const listed = uniqueName('list');
    await s3.putObject(bucket, `${listed}/b.json`, { b: 1 });
    await s3.putObject(bucket, `${listed}/a.txt`, 'alpha');
    await s3.putObject(bucket, `${listed}/sub/c.txt`, 'gamma!');
    await s3.putObject(bucket, `${listed}-other/d.txt`, 'delta');

    // Act
    const underPrefix = await s3.listObjects(bucket, `${listed}/`);
    const all = await s3.listObjects(bucket);

    // Assert
    expect(underPrefix).toEqual([
      { Key: `${listed}/a.txt`, Size: 5, ETag: etagOf('alpha'), LastModified: expect.any(String), StorageClass: 'STANDARD' },
      { Key: `${listed}/b.json`, Size: 7, ETag: etagOf('{"b":1}'), LastModified: expect.any(String), StorageClass: 'STANDARD' },
      { Key: `${listed}/sub/c.txt`, Size: 6, ETag: etagOf('gamma!'), LastModified: expect.any(String), StorageClass: 'STANDARD' },
    ]);
    // LastModified as ISO 8601; S3 keeps it to the second.
    expect(underPrefix.map((object) => object.LastModified)).toEqual(Array(3).fill(expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/)));
    const keys = all.map((object) => object.Key);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining([`${listed}/a.txt`, `${listed}/b.json`, `${listed}/sub/c.txt`, `${listed}-other/d.txt`]));
  });

  it('answers undefined for a key that is not there', async () => {
    // Act
    const text = await s3.getObject(bucket, 'no/such/key.json');
    const json = await s3.getJson(bucket, 'no/such/key.json');

    // Assert
    expect(text).toBeUndefined();
    expect(json).toBeUndefined();
    expect(await s3.listObjects(bucket, 'no/such/')).toEqual([]);
  });

  it('refuses to parse an object that is not JSON, saying to read it with getObject', async () => {
    // Arrange
    await s3.putObject(bucket, 'text/readme.txt', 'not json');

    // Act
    const reading = s3.getJson(bucket, 'text/readme.txt');

    // Assert
    await expect(reading).rejects.toThrow(StepFunctionsError);
    await expect(reading).rejects.toThrow(`s3://${bucket}/text/readme.txt is not JSON`);
  });
});

/** A result file's entry: a child execution as DescribeExecution gives it ("ResultWriter (Map)", "Exporting to Amazon S3"). */
interface ChildRecord {
  readonly ExecutionArn: string;
  readonly Name: string;
  readonly Input: string;
  readonly Output?: string;
  readonly Status: string;
  readonly StateMachineArn: string;
  readonly Error?: string;
  readonly Cause?: string;
}

interface Manifest {
  readonly DestinationBucket: string;
  readonly MapRunArn: string;
  readonly ResultFiles: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', { Key: string; Size: number }[]>;
}

/** What a run of a ResultWriter map left in S3, read through the harness's API. */
interface Written {
  readonly output: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
  /** The run's folder: `<Prefix>/<map run id>`. */
  readonly folder: string;
  /** The objects under the folder, as keys relative to it. */
  readonly files: string[];
  readonly manifest: Manifest;
  readonly results: Partial<Record<'FAILED' | 'PENDING' | 'SUCCEEDED', ChildRecord[]>>;
  /** Each listed object's size, by key. */
  readonly sizes: Record<string, number>;
}

async function readWritten(s3: S3ObjectsApi, run: Execution): Promise<Written> {
  const output = run.output as Written['output'];
  const { Bucket: bucket, Key: manifestKey } = output.ResultWriterDetails;
  const folder = manifestKey.replace(/\/manifest\.json$/, '');
  const listed = await s3.listObjects(bucket, `${folder}/`);
  const manifest = (await s3.getJson<Manifest>(bucket, manifestKey)) as Manifest;
  const results: Record<string, ChildRecord[]> = {};
  for (const [status, files] of Object.entries(manifest.ResultFiles)) {
    for (const file of files) results[status] = [...(results[status] ?? []), ...((await s3.getJson<ChildRecord[]>(bucket, file.Key)) ?? [])];
  }
  return {
    output,
    folder,
    files: listed.map((object) => object.Key.slice(folder.length + 1)),
    manifest,
    results,
    sizes: Object.fromEntries(listed.map((object) => [object.Key, object.Size])),
  };
}

/** The parts of a child's record that do not vary between runs: its payloads and status, and which fields it has. */
function comparable(record: ChildRecord): unknown {
  return {
    fields: Object.keys(record).sort(),
    input: JSON.parse(record.Input),
    output: record.Output === undefined ? undefined : JSON.parse(record.Output),
    status: record.Status,
    error: record.Error,
    cause: record.Cause,
  };
}

describe('Distributed Map over S3: executeOnAws (moto\'s engine) and runLocalExecution (harness\'s engine)', () => {
  let sfn: SFNClient;
  let s3Client: S3Client;
  let restoreEngine: (() => Promise<void>) | undefined;
  let bucket: string;
  const s3 = awsS3Objects();

  beforeAll(async () => {
    // Before any CreateStateMachine: moto keeps executing and non-executing state machines in different backends.
    restoreEngine = await useStepFunctionsEngine();
    sfn = new SFNClient({});
    s3Client = new S3Client({});
    bucket = uniqueName('dmap');
    await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  afterAll(async () => {
    await restoreEngine?.();
    sfn.destroy();
    s3Client.destroy();
  });

  /**
   * Puts the objects in moto's S3 and in a memory store, creates the state machine on moto, and runs the same
   * definition on both targets.
   */
  async function runOnBoth(definition: object, objects: Record<string, unknown>): Promise<{ aws: Execution; local: Execution; localS3: S3ObjectsApi }> {
    const store = new MemoryObjectStore();
    const localS3 = s3ObjectsApi(store);
    for (const [key, body] of Object.entries(objects)) {
      await s3.putObject(bucket, key, body);
      await localS3.putObject(bucket, key, body);
    }
    const created = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('dmap'), definition: JSON.stringify(definition), roleArn: ROLE_ARN }));
    const stateMachineArn = created.stateMachineArn ?? '';
    const aws = await executeOnAws({ client: sfn, stateMachineArn, input: { source: 'test' }, pollIntervalMs: 50, timeoutMs: 30_000 });
    const local = await runLocalExecution({ definition: definition as AslDefinition, input: { source: 'test' }, integrations: [], objectStore: store, stateMachineArn });
    return { aws, local, localS3 };
  }

  /** A distributed Map labelled `Fan` (so both targets name its Map Run `<machine>/Fan:<id>`). */
  function distributedMap(fields: object, processor: { StartAt: string; States: object }): object {
    return {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          Label: 'Fan',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...processor },
          ...fields,
          End: true,
        },
      },
    };
  }

  const orders = [
    { orderId: 'o-1', qty: 2 },
    { orderId: 'o-2', qty: 5 },
    { orderId: 'o-3', qty: 1 },
  ];
  const ordersCsv = 'orderId,qty\no-1,2\no-2,5\no-3,1\n';
  const summarise = { StartAt: 'Line', States: { Line: { Type: 'Pass', Parameters: { 'order.$': '$.orderId', 'qty.$': '$.qty' }, End: true } } };

  it.each([
    {
      inputType: 'JSON',
      key: 'in/orders.json',
      body: orders,
      readerConfig: { InputType: 'JSON' },
      // JSON keeps the numbers.
      items: orders,
    },
    {
      inputType: 'CSV',
      key: 'in/orders.csv',
      body: ordersCsv,
      readerConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
      // "How Step Functions parses input CSV files": fields are treated as strings.
      items: orders.map(({ orderId, qty }) => ({ orderId, qty: String(qty) })),
    },
  ])('reads a $inputType object with ItemReader and writes the same results to S3 with ResultWriter on both targets', async ({ key, body, readerConfig, items, inputType }) => {
    // Arrange
    const prefix = `results/${inputType.toLowerCase()}`;
    const definition = distributedMap(
      {
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: readerConfig, Parameters: { Bucket: bucket, Key: key } },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: prefix } },
      },
      summarise,
    );

    // Act
    const { aws, local, localS3 } = await runOnBoth(definition, { [key]: body });

    // Assert: "ResultWriter (Map)": the state's output is the Map Run and where its manifest is.
    expect(aws.status).toBe('SUCCEEDED');
    expect(local.status).toBe('SUCCEEDED');
    for (const run of [aws, local]) {
      const output = run.output as Written['output'];
      expect(output).toEqual({
        MapRunArn: expect.stringMatching(new RegExp(`^${aws.stateMachineArn.replace(':stateMachine:', ':mapRun:')}/Fan:[0-9a-f-]{36}$`)),
        ResultWriterDetails: { Bucket: bucket, Key: `${prefix}/${output.MapRunArn.split(':').at(-1)}/manifest.json` },
      });
    }
    expect(aws.history.map((event) => event.type)).toEqual(local.history.map((event) => event.type));

    const onAws = await readWritten(s3, aws);
    const onLocal = await readWritten(localS3, local);
    for (const written of [onAws, onLocal]) {
      // "ResultWriter (Map)", "Exporting to Amazon S3": one file per status that has children, and the manifest listing them.
      expect(written.files).toEqual(['SUCCEEDED_0.json', 'manifest.json']);
      const resultKey = `${written.folder}/SUCCEEDED_0.json`;
      expect(written.manifest).toEqual({
        DestinationBucket: bucket,
        MapRunArn: written.output.MapRunArn,
        ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: resultKey, Size: written.sizes[resultKey] }] },
      });
      const childMachine = written.output.MapRunArn.replace(':mapRun:', ':stateMachine:').replace(/:[^:]+$/, '');
      for (const record of written.results.SUCCEEDED ?? []) {
        expect(record.StateMachineArn).toBe(childMachine);
        expect(record.ExecutionArn).toBe(`${childMachine.replace(':stateMachine:', ':execution:')}:${record.Name}`);
      }
    }
    // The same items, in item order, each child with the same fields.
    const expected = items.map((item) => ({ input: item, output: { order: item.orderId, qty: item.qty }, status: 'SUCCEEDED' }));
    expect(onAws.results.SUCCEEDED?.map(comparable)).toEqual(expected.map((child) => expect.objectContaining(child)));
    expect(onAws.results.SUCCEEDED?.map(comparable)).toEqual(onLocal.results.SUCCEEDED?.map(comparable));
  });

  it('writes a child that failed within ToleratedFailureCount to FAILED_0.json with its error and cause, on both targets', async () => {
    // Arrange: the items come from the input (ItemsPath); ItemSelector gives each child its index too.
    const definition = {
      StartAt: 'Load',
      States: {
        Load: { Type: 'Pass', Result: orders, ResultPath: '$.orders', Next: 'Fan' },
        Fan: {
          Type: 'Map',
          Label: 'Fan',
          ItemsPath: '$.orders',
          ItemSelector: { 'order.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Check',
            States: {
              Check: { Type: 'Choice', Choices: [{ Variable: '$.order.qty', NumericGreaterThan: 4, Next: 'Reject' }], Default: 'Accept' },
              Reject: { Type: 'Fail', Error: 'Order.TooMany', Cause: 'more than 4' },
              Accept: { Type: 'Pass', End: true },
            },
          },
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'results/tolerated/' } },
          End: true,
        },
      },
    };

    // Act
    const { aws, local, localS3 } = await runOnBoth(definition, {});

    // Assert
    expect(aws.status).toBe('SUCCEEDED');
    expect(local.status).toBe('SUCCEEDED');
    const onAws = await readWritten(s3, aws);
    const onLocal = await readWritten(localS3, local);
    for (const written of [onAws, onLocal]) {
      // A trailing slash on the Prefix makes no double slash.
      expect(written.folder).toMatch(/^results\/tolerated\/[0-9a-f-]{36}$/);
      expect(written.files).toEqual(['FAILED_0.json', 'SUCCEEDED_0.json', 'manifest.json']);
      expect(written.manifest.ResultFiles).toEqual({
        FAILED: [{ Key: `${written.folder}/FAILED_0.json`, Size: written.sizes[`${written.folder}/FAILED_0.json`] }],
        PENDING: [],
        SUCCEEDED: [{ Key: `${written.folder}/SUCCEEDED_0.json`, Size: written.sizes[`${written.folder}/SUCCEEDED_0.json`] }],
      });
    }
    expect(onAws.results.FAILED?.map(comparable)).toEqual([
      expect.objectContaining({ input: { order: orders[1], index: 1 }, output: undefined, status: 'FAILED', error: 'Order.TooMany', cause: 'more than 4' }),
    ]);
    expect(onAws.results.SUCCEEDED?.map(comparable)).toEqual([
      expect.objectContaining({ input: { order: orders[0], index: 0 }, output: { order: orders[0], index: 0 }, status: 'SUCCEEDED' }),
      expect.objectContaining({ input: { order: orders[2], index: 2 }, output: { order: orders[2], index: 2 }, status: 'SUCCEEDED' }),
    ]);
    expect(onAws.results.FAILED?.map(comparable)).toEqual(onLocal.results.FAILED?.map(comparable));
    expect(onAws.results.SUCCEEDED?.map(comparable)).toEqual(onLocal.results.SUCCEEDED?.map(comparable));
  });
});
