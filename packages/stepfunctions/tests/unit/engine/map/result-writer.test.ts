import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../../../../src/engine/map/object-store.js';
import { childExecutionRecord, transformResults, writeResults, type ChildExecutionResult, type MapRunResults } from '../../../../src/engine/map/result-writer.js';
import { StateFailure, type Json, type JsonObject } from '../../../../src/engine/types.js';

const PUT = 'arn:aws:states:::s3:putObject';
const RUN_ID = '5f0e3a7c-1d2b-4c3d-9e8f-0a1b2c3d4e5f';
const MAP_RUN_ARN = `arn:aws:states:eu-west-1:123456789012:mapRun:Orders/Fan:${RUN_ID}`;
const at = (seconds: number): Date => new Date(Date.UTC(2024, 5, 1, 12, 0, seconds, 250));

function child(index: number, status: ChildExecutionResult['status'], extra: Partial<ChildExecutionResult> = {}): ChildExecutionResult {
  return { index, status, input: { n: index }, name: `child-${index}`, startDate: at(index), stopDate: at(index + 1), ...extra };
}

function run(results: ChildExecutionResult[]): MapRunResults {
  return { mapRunArn: MAP_RUN_ARN, runId: RUN_ID, executionArn: 'arn:aws:states:eu-west-1:123456789012:execution:Orders:e-1', results };
}

async function readJson(store: MemoryObjectStore, bucket: string, key: string): Promise<Json> {
  const body = await store.getObject(bucket, key);
  expect(body, `${bucket}/${key} was written`).toBeDefined();
  return JSON.parse(body as string) as Json;
}

// Layout and output: developer guide, "ResultWriter (Map)" and "Processing Distributed Map results";
// the state's output and the manifest key: recorded AWS response, scenarios test_map_state_result_writer (ENGINE.md §4).

describe('Function: writeResults', () => {
  let store: MemoryObjectStore;

  beforeEach(() => {
    store = new MemoryObjectStore();
  });

  it('returns the MapRunArn and the manifest location under <Prefix>/<runId>/', async () => {
    // Act
    const output = await writeResults({ Resource: PUT, Parameters: { Bucket: 'out', Prefix: 'jobs' } }, run([child(0, 'SUCCEEDED', { output: 1 })]), store);

    // Assert
    expect(output).toEqual({ MapRunArn: MAP_RUN_ARN, ResultWriterDetails: { Bucket: 'out', Key: `jobs/${RUN_ID}/manifest.json` } });
  });

  it.each([
    [undefined, `${RUN_ID}/manifest.json`],
    ['', `${RUN_ID}/manifest.json`],
    ['a/b/', `a/b/${RUN_ID}/manifest.json`],
  ])('places the manifest for Prefix %j at %s', async (prefix, key) => {
    const destination = prefix === undefined ? { Bucket: 'out' } : { Bucket: 'out', Prefix: prefix };

    const output = (await writeResults({ Resource: PUT, Arguments: destination }, run([child(0, 'SUCCEEDED', { output: 1 })]), store)) as JsonObject;

    expect((output.ResultWriterDetails as JsonObject).Key).toBe(key);
    expect(await store.getObject('out', key)).toBeDefined();
  });

  it('writes one file per status with children, and a manifest listing each with its size', async () => {
    // Arrange
    const results = [
      child(2, 'FAILED', { error: 'Boom', cause: 'it broke' }),
      child(0, 'SUCCEEDED', { output: { ok: true } }),
      child(1, 'SUCCEEDED', { output: [1, 2] }),
    ];

    // Act
    await writeResults({ Resource: PUT, Parameters: { Bucket: 'out', Prefix: 'jobs' } }, run(results), store);

    // Assert
    const listed = await store.listObjects('out');
    const size = (key: string): number | undefined => listed.find((summary) => summary.Key === key)?.Size;
    expect(listed.map((summary) => summary.Key)).toEqual([`jobs/${RUN_ID}/FAILED_0.json`, `jobs/${RUN_ID}/SUCCEEDED_0.json`, `jobs/${RUN_ID}/manifest.json`]);
    expect(await readJson(store, 'out', `jobs/${RUN_ID}/manifest.json`)).toEqual({
      DestinationBucket: 'out',
      MapRunArn: MAP_RUN_ARN,
      ResultFiles: {
        FAILED: [{ Key: `jobs/${RUN_ID}/FAILED_0.json`, Size: size(`jobs/${RUN_ID}/FAILED_0.json`) }],
        PENDING: [],
        SUCCEEDED: [{ Key: `jobs/${RUN_ID}/SUCCEEDED_0.json`, Size: size(`jobs/${RUN_ID}/SUCCEEDED_0.json`) }],
      },
    });
  });

  it('records each child as Step Functions does by default (Transformation NONE), in index order', async () => {
    // Act
    await writeResults(
      { Resource: PUT, Parameters: { Bucket: 'out' } },
      run([child(1, 'SUCCEEDED', { output: 'second' }), child(0, 'SUCCEEDED', { output: { first: true } })]),
      store,
    );

    // Assert
    const records = (await readJson(store, 'out', `${RUN_ID}/SUCCEEDED_0.json`)) as JsonObject[];
    expect(records).toEqual([
      {
        ExecutionArn: 'arn:aws:states:eu-west-1:123456789012:execution:Orders/Fan:child-0',
        Input: '{"n":0}',
        InputDetails: { Included: true },
        Name: 'child-0',
        Output: '{"first":true}',
        OutputDetails: { Included: true },
        RedriveCount: 0,
        RedriveStatus: 'NOT_REDRIVABLE',
        RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
        StartDate: '2024-06-01T12:00:00.250Z',
        StateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Orders/Fan',
        Status: 'SUCCEEDED',
        StopDate: '2024-06-01T12:00:01.250Z',
      },
      expect.objectContaining({ Name: 'child-1', Output: '"second"' }),
    ]);
    expect(Object.keys(records[0] ?? {})).toEqual([...Object.keys(records[0] ?? {})].sort());
  });

  it('records a failed child with its Error and Cause and no Output', async () => {
    await writeResults({ Resource: PUT, Parameters: { Bucket: 'out' } }, run([child(0, 'FAILED', { error: 'Lambda.Unknown', cause: 'gone' })]), store);

    const [record] = (await readJson(store, 'out', `${RUN_ID}/FAILED_0.json`)) as JsonObject[];
    expect(record).toMatchObject({ Cause: 'gone', Error: 'Lambda.Unknown', Status: 'FAILED', RedriveStatus: 'REDRIVABLE_BY_MAP_RUN' });
    expect(record).not.toHaveProperty('Output');
    expect(record).not.toHaveProperty('RedriveStatusReason');
  });

  it('records children left pending in PENDING_0.json', async () => {
    await writeResults({ Resource: PUT, Parameters: { Bucket: 'out' } }, run([child(0, 'FAILED', { error: 'E' }), child(1, 'PENDING')]), store);

    const manifest = (await readJson(store, 'out', `${RUN_ID}/manifest.json`)) as JsonObject;
    expect((manifest.ResultFiles as JsonObject).PENDING).toEqual([{ Key: `${RUN_ID}/PENDING_0.json`, Size: expect.any(Number) }]);
    expect(await readJson(store, 'out', `${RUN_ID}/PENDING_0.json`)).toEqual([expect.objectContaining({ Name: 'child-1', Status: 'PENDING', Input: '{"n":1}' })]);
  });

  it.each([
    ['COMPACT', [{ a: 1 }, [2, 3]]],
    ['FLATTEN', [{ a: 1 }, 2, 3]],
  ] as const)('writes only the outputs of succeeded children with Transformation %s', async (transformation, expected) => {
    await writeResults(
      { Resource: PUT, Parameters: { Bucket: 'out' }, WriterConfig: { Transformation: transformation } },
      run([child(0, 'SUCCEEDED', { output: { a: 1 } }), child(1, 'SUCCEEDED', { output: [2, 3] })]),
      store,
    );

    expect(await readJson(store, 'out', `${RUN_ID}/SUCCEEDED_0.json`)).toEqual(expected);
  });

  it('keeps a failed child whole under COMPACT', async () => {
    await writeResults(
      { Resource: PUT, Parameters: { Bucket: 'out' }, WriterConfig: { Transformation: 'COMPACT' } },
      run([child(0, 'FAILED', { error: 'E', cause: 'C' })]),
      store,
    );

    expect(await readJson(store, 'out', `${RUN_ID}/FAILED_0.json`)).toEqual([expect.objectContaining({ Error: 'E', Cause: 'C', Status: 'FAILED' })]);
  });

  it('writes one JSON value per line with OutputType JSONL, keeping the .json name', async () => {
    // Act
    await writeResults(
      { Resource: PUT, Parameters: { Bucket: 'out' }, WriterConfig: { OutputType: 'JSONL', Transformation: 'COMPACT' } },
      run([child(0, 'SUCCEEDED', { output: { a: 1 } }), child(1, 'SUCCEEDED', { output: 'b' })]),
      store,
    );

    // Assert
    const body = await store.getObject('out', `${RUN_ID}/SUCCEEDED_0.json`);
    expect(body).toBe('{"a":1}\n"b"\n');
    const manifest = (await readJson(store, 'out', `${RUN_ID}/manifest.json`)) as JsonObject;
    expect((manifest.ResultFiles as JsonObject).SUCCEEDED).toEqual([{ Key: `${RUN_ID}/SUCCEEDED_0.json`, Size: 12 }]);
  });

  it('counts sizes in UTF-8 bytes', async () => {
    await writeResults({ Resource: PUT, Parameters: { Bucket: 'out' }, WriterConfig: { Transformation: 'COMPACT' } }, run([child(0, 'SUCCEEDED', { output: 'ü' })]), store);

    const manifest = (await readJson(store, 'out', `${RUN_ID}/manifest.json`)) as JsonObject;
    // ["ü"] is 5 characters and 6 bytes.
    expect((manifest.ResultFiles as JsonObject).SUCCEEDED).toEqual([{ Key: `${RUN_ID}/SUCCEEDED_0.json`, Size: 6 }]);
  });

  it('writes an empty manifest for a run without children', async () => {
    await writeResults({ Resource: PUT, Parameters: { Bucket: 'out' } }, run([]), store);

    expect(await readJson(store, 'out', `${RUN_ID}/manifest.json`)).toEqual({ DestinationBucket: 'out', MapRunArn: MAP_RUN_ARN, ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [] } });
    expect(await store.listObjects('out')).toHaveLength(1);
  });

  it('returns the transformed results and writes nothing with WriterConfig alone', async () => {
    const output = await writeResults({ WriterConfig: { Transformation: 'FLATTEN' } }, run([child(1, 'SUCCEEDED', { output: [3] }), child(0, 'SUCCEEDED', { output: [1, 2] })]), store);

    expect(output).toEqual([1, 2, 3]);
    expect(await store.bucketExists('out')).toBe(false);
  });

  it('fails with States.ResultWriterFailed when there is no Bucket', async () => {
    await expect(writeResults({ Resource: PUT, Parameters: {} }, run([]), store)).rejects.toThrowError(StateFailure);
    await expect(writeResults({ Resource: PUT, Parameters: {} }, run([]), store)).rejects.toMatchObject({ error: 'States.ResultWriterFailed' });
  });
});

describe('Function: transformResults', () => {
  it.each([
    ['COMPACT', ['a', ['b']]],
    ['FLATTEN', ['a', 'b']],
  ] as const)('gives succeeded outputs in index order under %s', (transformation, expected) => {
    const results = run([child(1, 'SUCCEEDED', { output: ['b'] }), child(0, 'SUCCEEDED', { output: 'a' })]);

    expect(transformResults(results, transformation)).toEqual(expected);
  });

  it('gives every child record under NONE', () => {
    const results = run([child(0, 'SUCCEEDED', { output: 1 })]);

    expect(transformResults(results, 'NONE')).toEqual([expect.objectContaining({ Name: 'child-0', Output: '1', Status: 'SUCCEEDED' })]);
  });
});

describe('Function: childExecutionRecord', () => {
  it('derives the child ARNs from the parent execution when the map run ARN is unusual', () => {
    const record = childExecutionRecord({ ...run([]), mapRunArn: 'not-an-arn' }, child(0, 'SUCCEEDED', { output: null }));

    expect(record.ExecutionArn).toBe('arn:aws:states:eu-west-1:123456789012:execution:Orders:child-0');
    expect(record.StateMachineArn).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:Orders');
  });
});
