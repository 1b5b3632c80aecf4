import { STATES_ERRORS } from '../errors/names.js';
import { StateFailure, type Json, type JsonObject, type ObjectStore } from '../types.js';

/** `ResultWriter.WriterConfig` ("ResultWriter (Map)"). */
export interface WriterConfig {
  /** `JSON` (the default): one JSON array per file; `JSONL`: one record per line. */
  readonly OutputType?: 'JSON' | 'JSONL';
  /**
   * `NONE`: each child's execution record; `COMPACT`: a succeeded child's
   * output alone; `FLATTEN`: as `COMPACT`, an array output spread into its
   * elements. Failed and pending children keep their full record whatever
   * the transformation.
   */
  readonly Transformation?: 'NONE' | 'COMPACT' | 'FLATTEN';
}

/** Where the results go: `Bucket` and an optional `Prefix`. */
export interface ResultWriterDestination {
  readonly Bucket?: string;
  readonly Prefix?: string;
}

/**
 * A distributed Map's `ResultWriter`, fields evaluated. With a `Resource`
 * (`arn:aws:states:::s3:putObject`) and a destination the results go to S3;
 * with `WriterConfig` alone they stay in the state's output, transformed.
 */
export interface ResultWriterDefinition {
  readonly Resource?: string;
  readonly Parameters?: ResultWriterDestination;
  readonly Arguments?: ResultWriterDestination;
  readonly WriterConfig?: WriterConfig;
}

/** One child execution of a Map Run, as the engine ran it. */
export interface ChildExecutionResult {
  /** The item's (or batch's) position, which orders the results. */
  readonly index: number;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  readonly input: Json;
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  /** The child execution's name (AWS gives each a UUID). */
  readonly name: string;
  readonly startDate: Date;
  readonly stopDate: Date;
}

/** A finished Map Run. */
export interface MapRunResults {
  /** `arn:aws:states:<region>:<account>:mapRun:<stateMachine>/<label or state>:<runId>`. */
  readonly mapRunArn: string;
  readonly runId: string;
  /** The parent execution's ARN. */
  readonly executionArn: string;
  readonly results: readonly ChildExecutionResult[];
}

const STATUSES = ['SUCCEEDED', 'FAILED', 'PENDING'] as const;

/**
 * Exports a Map Run's results as Step Functions does ("ResultWriter (Map)",
 * "Processing Distributed Map results"): under `<Prefix>/<runId>/`, one file
 * per status that has children, `SUCCEEDED_0.json`, `FAILED_0.json`,
 * `PENDING_0.json` (`.json` for JSONL too), each in the index order of the
 * children; then `manifest.json`:
 * `{ DestinationBucket, MapRunArn, ResultFiles: { FAILED, PENDING, SUCCEEDED: [{ Key, Size }] } }`,
 * an empty list for a status without children. The state's result is
 * `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`, `Key` the
 * manifest's (recorded AWS response, `scenarios` test_map_state_result_writer).
 *
 * With `WriterConfig` and no `Resource`, nothing is written and the
 * transformed results are the state's result ({@link transformResults}).
 *
 * @example
 * ```ts
 * await writeResults(
 *   { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' } },
 *   { mapRunArn, runId, executionArn, results },
 *   store,
 * ); // { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: 'out', Key: `runs/${runId}/manifest.json` } }
 * ```
 */
export async function writeResults(writer: ResultWriterDefinition, run: MapRunResults, store: ObjectStore): Promise<Json> {
  const config = writer.WriterConfig ?? {};
  if (writer.Resource === undefined) return transformResults(run, config.Transformation ?? 'COMPACT');

  const destination = writer.Arguments ?? writer.Parameters ?? {};
  const bucket = destination.Bucket;
  if (typeof bucket !== 'string' || bucket === '') {
    throw new StateFailure(STATES_ERRORS.ResultWriterFailed, 'The ResultWriter has no Bucket to write the results to.');
  }
  const folder = [destination.Prefix?.replace(/\/+$/, ''), run.runId].filter((part) => part !== undefined && part !== '').join('/');
  const transformation = config.Transformation ?? 'NONE';
  const ordered = [...run.results].sort((left, right) => left.index - right.index);

  const resultFiles: Record<(typeof STATUSES)[number], JsonObject[]> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
  for (const status of STATUSES) {
    const children = ordered.filter((result) => result.status === status);
    if (children.length === 0) continue;
    const entries = children.flatMap((child) => fileEntries(run, child, transformation));
    const body = config.OutputType === 'JSONL' ? entries.map((entry) => `${JSON.stringify(entry)}\n`).join('') : JSON.stringify(entries);
    const key = `${folder}/${status}_0.json`;
    await store.putObject(bucket, key, body);
    resultFiles[status].push({ Key: key, Size: Buffer.byteLength(body, 'utf8') });
  }

  const manifestKey = `${folder}/manifest.json`;
  const manifest: JsonObject = {
    DestinationBucket: bucket,
    MapRunArn: run.mapRunArn,
    ResultFiles: { FAILED: resultFiles.FAILED, PENDING: resultFiles.PENDING, SUCCEEDED: resultFiles.SUCCEEDED },
  };
  await store.putObject(bucket, manifestKey, JSON.stringify(manifest));
  return { MapRunArn: run.mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}

/**
 * The results of a Map Run under a `Transformation`, in index order, for a
 * `ResultWriter` that has only a `WriterConfig` (the results stay in the
 * state's output). `COMPACT` gives each succeeded child's output, as a Map
 * without a `ResultWriter` does; `FLATTEN` spreads array outputs; `NONE`
 * gives every child's execution record. A failed or pending child gives its
 * record whatever the transformation.
 *
 * @example
 * ```ts
 * transformResults(run, 'FLATTEN'); // [1, 2, 3] for outputs [1, 2] and [3]
 * ```
 */
export function transformResults(run: MapRunResults, transformation: NonNullable<WriterConfig['Transformation']>): Json[] {
  return [...run.results].sort((left, right) => left.index - right.index).flatMap((child) => fileEntries(run, child, transformation));
}

function fileEntries(run: MapRunResults, child: ChildExecutionResult, transformation: NonNullable<WriterConfig['Transformation']>): Json[] {
  if (child.status !== 'SUCCEEDED' || transformation === 'NONE') return [childExecutionRecord(run, child)];
  const output = child.output ?? null;
  return transformation === 'FLATTEN' && Array.isArray(output) ? output : [output];
}

/**
 * A child execution as the result files describe it (`Transformation: NONE`):
 * DescribeExecution's fields, with `Input` and `Output` as JSON text, dates as
 * ISO-8601 with milliseconds, and the redrive fields ("Processing Distributed
 * Map results"). A succeeded child is `NOT_REDRIVABLE`; a failed one can be
 * redriven only with its Map Run (`REDRIVABLE_BY_MAP_RUN`).
 *
 * @example
 * ```ts
 * childExecutionRecord(run, result).ExecutionArn; // 'arn:aws:states:us-east-1:111111111111:execution:Machine/Fan:<name>'
 * ```
 */
export function childExecutionRecord(run: MapRunResults, child: ChildExecutionResult): JsonObject {
  const { executionPrefix, stateMachineArn } = childArns(run);
  const record: JsonObject = {};
  // Keys in AWS's (alphabetical) order, so the files read like AWS's.
  if (child.status === 'FAILED' && child.cause !== undefined) record.Cause = child.cause;
  if (child.status === 'FAILED' && child.error !== undefined) record.Error = child.error;
  record.ExecutionArn = `${executionPrefix}${child.name}`;
  record.Input = JSON.stringify(child.input);
  record.InputDetails = { Included: true };
  record.Name = child.name;
  if (child.status === 'SUCCEEDED') {
    record.Output = JSON.stringify(child.output ?? null);
    record.OutputDetails = { Included: true };
  }
  if (child.status !== 'PENDING') {
    record.RedriveCount = 0;
    if (child.status === 'SUCCEEDED') {
      record.RedriveStatus = 'NOT_REDRIVABLE';
      record.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
    } else record.RedriveStatus = 'REDRIVABLE_BY_MAP_RUN';
  }
  record.StartDate = child.startDate.toISOString();
  record.StateMachineArn = stateMachineArn;
  record.Status = child.status;
  if (child.status !== 'PENDING') record.StopDate = child.stopDate.toISOString();
  return record;
}

/**
 * A child's ARNs follow its Map Run's: `…:mapRun:<machine>/<label>:<runId>`
 * gives `…:execution:<machine>/<label>:<child name>` and
 * `…:stateMachine:<machine>/<label>`.
 */
function childArns(run: MapRunResults): { executionPrefix: string; stateMachineArn: string } {
  const parsed = /^(arn:[^:]+:states:[^:]*:[^:]*:)mapRun:(.+):[^:]+$/.exec(run.mapRunArn);
  if (parsed !== null) {
    const [, base, path] = parsed as unknown as [string, string, string];
    return { executionPrefix: `${base}execution:${path}:`, stateMachineArn: `${base}stateMachine:${path}` };
  }
  // An unusual map run ARN: fall back on the parent execution's machine.
  const parent = /^(arn:[^:]+:states:[^:]*:[^:]*:)execution:([^:]+):/.exec(run.executionArn);
  const base = parent?.[1] ?? 'arn:aws:states:::';
  const machine = parent?.[2] ?? 'unknown';
  return { executionPrefix: `${base}execution:${machine}:`, stateMachineArn: `${base}stateMachine:${machine}` };
}
