import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { AslDefinition } from '../definition.js';
import type { HistoryEvent } from '../engine/history/events.js';
import { loadSfnSdk } from '../sfn-sdk.js';

/**
 * The environment variable that turns run recording on: when it names a
 * directory, every `harness.stepFunctions.execute` (either target) writes
 * its run there, under `runs/`, for the coverage report. The
 * `@harness/coverage` reporter sets it.
 */
export const COVERAGE_DIR_ENV = 'HARNESS_COVERAGE_DIR';

/** The file format of a recorded run. */
export const RECORDED_RUN_FORMAT = 'harness.run/1';

/** One execution as recorded for coverage: enough to compute coverage and draw it again later (`harness coverage`). */
export interface RecordedRun {
  readonly format: typeof RECORDED_RUN_FORMAT;
  /** The state machine's name (the last part of its ARN). */
  readonly workflow: string;
  /** SHA-256 of the definition's JSON text (first 12 hex digits): runs of different definitions of one name are kept apart. */
  readonly definitionHash: string;
  readonly definition: AslDefinition;
  readonly target: 'local' | 'aws';
  readonly stateMachineArn: string;
  readonly executionArn: string;
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly history: readonly HistoryEvent[];
  /** When it was recorded (ISO 8601). */
  readonly recordedAt: string;
}

/** The first 12 hex digits of the SHA-256 of a definition's JSON text. */
export function definitionHash(definition: AslDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 12);
}

/** The directory runs are recorded in, when recording is on. */
export function coverageDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[COVERAGE_DIR_ENV];
  return dir !== undefined && dir !== '' ? dir : undefined;
}

interface RunToRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly history: readonly HistoryEvent[];
}

/**
 * Writes a run to `<dir>/runs/` (synchronously: the test may end right after).
 * Returns the file written.
 *
 * @example
 * recordRun(run, definition, 'local', process.env.HARNESS_COVERAGE_DIR!);
 */
export function recordRun(run: RunToRecord, definition: AslDefinition, target: 'local' | 'aws', dir: string): string {
  const record: RecordedRun = {
    format: RECORDED_RUN_FORMAT,
    workflow: run.stateMachineArn.slice(run.stateMachineArn.lastIndexOf(':') + 1),
    definitionHash: definitionHash(definition),
    definition,
    target,
    stateMachineArn: run.stateMachineArn,
    executionArn: run.executionArn,
    status: run.status,
    ...(run.error !== undefined ? { error: run.error } : {}),
    ...(run.cause !== undefined ? { cause: run.cause } : {}),
    history: run.history,
    recordedAt: new Date().toISOString(),
  };
  const runs = join(dir, 'runs');
  mkdirSync(runs, { recursive: true });
  const file = join(runs, `${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}.json`);
  writeFileSync(file, JSON.stringify(record));
  return file;
}

const described = new Map<string, Promise<AslDefinition>>();

/** aws target: the deployed definition (DescribeStateMachine), once per state machine per process. */
export function deployedDefinition(client: SFNClient, stateMachineArn: string): Promise<AslDefinition> {
  let definition = described.get(stateMachineArn);
  if (!definition) {
    definition = loadSfnSdk().then(async (sdk) => {
      const answer = await client.send(new sdk.DescribeStateMachineCommand({ stateMachineArn }));
      return JSON.parse(answer.definition ?? '{}') as AslDefinition;
    });
    definition.catch(() => described.delete(stateMachineArn));
    described.set(stateMachineArn, definition);
  }
  return definition;
}

/**
 * Records a finished `execute` when `HARNESS_COVERAGE_DIR` is set; nothing otherwise.
 * A recording that fails never fails the test: it warns once.
 */
export async function recordForCoverage(
  run: RunToRecord,
  target: 'local' | 'aws',
  definition: AslDefinition | (() => Promise<AslDefinition>),
): Promise<void> {
  const dir = coverageDirectory();
  if (dir === undefined) return;
  try {
    recordRun(run, typeof definition === 'function' ? await definition() : definition, target, dir);
  } catch (error) {
    if (!warned) {
      warned = true;
      process.emitWarning(`harness coverage: could not record execution ${run.executionArn} in ${dir} (${(error as Error).message}); coverage will miss it.`);
    }
  }
}
let warned = false;
