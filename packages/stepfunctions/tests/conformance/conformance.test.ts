/**
 * The engine's conformance suite: every case in `cases/*.json` runs through
 * `runExecution` and its outcome is compared with what Step Functions does.
 *
 * A case file holds an array of cases:
 *
 * ```jsonc
 * {
 *   "id": "<group>/<short-name>",
 *   "source": "where the expected result comes from: an AWS doc page (title + URL), or a behaviour recorded on real AWS (LocalStack snapshot <test>)",
 *   "definition": { ...ASL... },
 *   "input": { ... },                       // optional, default {}
 *   "startTime": "2024-03-14T01:59:00Z",    // optional: the virtual clock's start (default DEFAULT_START_TIME)
 *   "services": [                           // optional: answers for Task states, consumed in order per state name
 *     {
 *       "state": "<Task state name>",
 *       "output": <json>,                   // the result (default {} when neither output nor error is given)
 *       "error": "...", "cause": "...",     // fail the task instead (either may be given alone)
 *       "submitted": <json>,                // .sync / .waitForTaskToken: the start call's response (TaskSubmitted)
 *       "noAnswer": true,                   // never answer: the state can only time out (the runner steps
 *                                           // the virtual clock meanwhile, as a task in flight holds it)
 *       "input": <json with matchers>       // optional: what the task must receive (after InputPath/Parameters)
 *     }
 *   ],
 *   "objects": [{ "Bucket": "...", "Key": "...", "Body": "..." }],   // optional: S3 objects for a distributed Map;
 *                                       // "BodyBase64" instead of "Body" for a binary object (a Parquet file)
 *   "expected": {
 *     "status": "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED",
 *     "output": <json with matchers>,     // compared when present
 *     "error": "..." | null | <matcher>,   // compared when present; null: the execution has no error name
 *     "cause": "..." | null | {"startsWith": "..."} | <matcher>,
 *     "events": ["ExecutionStarted", "PassStateEntered", ...]   // the history's event types, in order
 *   }
 * }
 * ```
 *
 * A `.waitForTaskToken` task resolves `invoke` with `submitted` (or `{}`)
 * and then answers through `task.callbacks.succeed/fail(task.taskToken, …)`;
 * a `.sync` task with `submitted` reports it through `task.submitted(…)`
 * before resolving.
 *
 * Matchers, for values the run cannot fix (UUIDs, timestamps, random numbers).
 * An object whose only keys are `$match` and its options is a matcher:
 * - `{"$match": "any"}`: any value, but the key must be present;
 * - `{"$match": "string" | "number" | "integer" | "boolean" | "object" | "array" | "null"}`,
 *   with `"min"`/`"max"` for numbers and `"length"` for strings and arrays;
 * - `{"$match": "uuid"}`: a version 4 UUID in lower-case hex (8-4-4-4-12);
 * - `{"$match": "timestamp"}`: ISO-8601 UTC as Step Functions writes it, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`;
 * - `{"$match": "regex", "pattern": "..."}`: a string matching the regular expression;
 * - `{"$match": "startsWith", "value": "..."}`: a string with that prefix;
 * - `{"$match": "oneOf", "values": [...]}`: any of the values (each may be a matcher), where AWS's
 *   answer is not measured yet and the case says which answers it allows;
 * - `{"$match": "objectContaining", "value": {...}}`: an object with at least these keys, each matching.
 * `expected.cause` also takes the short form `{"startsWith": "..."}`.
 *
 * Each run gets the identifiers below, so a case can expect them exactly
 * (`$$.Execution.Id`, `$$.StateMachine.Name`…), a virtual clock starting at
 * `startTime`, and a fixed seed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { EngineTask, ExecutionOutcome } from '../../src/engine/api.js';
import { createVirtualClock, type VirtualClock } from '../../src/engine/clock/virtual.js';
import { runExecution } from '../../src/engine/index.js';
import { MemoryObjectStore } from '../../src/engine/map/object-store.js';
import { StateFailure, type Json } from '../../src/engine/types.js';

/** The identifiers every conformance run gets. */
const CONFORMANCE_RUN = {
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:ConformanceMachine',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:ConformanceMachine:conformance-execution',
  name: 'conformance-execution',
  roleArn: 'arn:aws:iam::123456789012:role/ConformanceRole',
} as const;

/** Where the virtual clock starts unless a case says otherwise. */
const DEFAULT_START_TIME = '2024-01-15T10:30:00.250Z';

/** Wall time a case may take before the runner gives up on it (virtual time is skipped, so a real wait means a hang). */
const CASE_TIMEOUT_MS = 10_000;

interface ServiceAnswer {
  readonly state: string;
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  readonly submitted?: Json;
  readonly noAnswer?: boolean;
  readonly input?: Json;
}

interface ConformanceCase {
  readonly id: string;
  readonly source: string;
  readonly definition: Json;
  readonly input?: Json;
  readonly startTime?: string;
  readonly services?: readonly ServiceAnswer[];
  readonly objects?: readonly { readonly Bucket: string; readonly Key: string; readonly Body?: string; readonly BodyBase64?: string }[];
  readonly expected: {
    readonly status: ExecutionOutcome['status'];
    readonly output?: Json;
    readonly error?: Json;
    readonly cause?: Json;
    readonly events?: readonly string[];
  };
}

const casesDirectory = join(fileURLToPath(new URL('.', import.meta.url)), 'cases');

/** Every case of every group file, in file then array order. */
function loadCases(): ConformanceCase[] {
  const files = readdirSync(casesDirectory)
    .filter((file) => file.endsWith('.json'))
    .sort();
  const cases = files.flatMap((file) => {
    const parsed: unknown = JSON.parse(readFileSync(join(casesDirectory, file), 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${file}: a case file holds a JSON array of cases`);
    return parsed as ConformanceCase[];
  });
  const seen = new Set<string>();
  for (const testCase of cases) {
    if (seen.has(testCase.id)) throw new Error(`Two conformance cases share the id '${testCase.id}'`);
    seen.add(testCase.id);
  }
  return cases;
}

// ---------------------------------------------------------------------------
// Matching

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMatcher(value: unknown): value is Record<string, unknown> & { $match: string } {
  return isPlainObject(value) && typeof value.$match === 'string';
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const AWS_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/**
 * Compares `actual` with `expected` (which may hold matchers); returns the
 * first difference as `<path>: <what>`, or `undefined` when they match.
 */
function difference(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (isMatcher(expected)) return matcherDifference(expected, actual, path);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${show(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`;
    for (let index = 0; index < expected.length; index += 1) {
      const found = difference(expected[index], actual[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return `${path}: expected an object, got ${show(actual)}`;
    const expectedKeys = Object.keys(expected).sort();
    const actualKeys = Object.keys(actual).sort();
    const missing = expectedKeys.filter((key) => !(key in actual));
    const extra = actualKeys.filter((key) => !(key in expected));
    if (missing.length > 0 || extra.length > 0) {
      return `${path}: keys differ (missing ${show(missing)}, unexpected ${show(extra)}) in ${show(actual)}`;
    }
    for (const key of expectedKeys) {
      const found = difference(expected[key], actual[key], `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return Object.is(expected, actual) || (expected === 0 && actual === 0) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

function matcherDifference(matcher: Record<string, unknown> & { $match: string }, actual: unknown, path: string): string | undefined {
  const fail = (what: string): string => `${path}: expected ${what}, got ${show(actual)}`;
  const lengthOk = (value: { length: number }): boolean => matcher.length === undefined || value.length === matcher.length;
  switch (matcher.$match) {
    case 'any':
      return actual === undefined ? fail('a value') : undefined;
    case 'string':
      return typeof actual === 'string' && lengthOk(actual) ? undefined : fail(`a string${matcher.length === undefined ? '' : ` of length ${String(matcher.length)}`}`);
    case 'array':
      return Array.isArray(actual) && lengthOk(actual) ? undefined : fail(`an array${matcher.length === undefined ? '' : ` of length ${String(matcher.length)}`}`);
    case 'number':
    case 'integer': {
      const min = typeof matcher.min === 'number' ? matcher.min : -Infinity;
      const max = typeof matcher.max === 'number' ? matcher.max : Infinity;
      const ok = typeof actual === 'number' && (matcher.$match === 'number' || Number.isInteger(actual)) && actual >= min && actual <= max;
      return ok ? undefined : fail(`${matcher.$match === 'integer' ? 'an integer' : 'a number'} in [${min}, ${max}]`);
    }
    case 'boolean':
      return typeof actual === 'boolean' ? undefined : fail('a boolean');
    case 'object':
      return isPlainObject(actual) ? undefined : fail('an object');
    case 'null':
      return actual === null ? undefined : fail('null');
    case 'uuid':
      return typeof actual === 'string' && UUID_V4.test(actual) ? undefined : fail('a v4 UUID');
    case 'timestamp':
      return typeof actual === 'string' && AWS_TIMESTAMP.test(actual) ? undefined : fail('an ISO-8601 UTC timestamp');
    case 'regex':
      return typeof actual === 'string' && new RegExp(String(matcher.pattern)).test(actual) ? undefined : fail(`a string matching /${String(matcher.pattern)}/`);
    case 'oneOf': {
      const options = Array.isArray(matcher.values) ? matcher.values : [];
      return options.some((option) => difference(option, actual, path) === undefined) ? undefined : fail(`one of ${show(options)}`);
    }
    case 'startsWith':
      return typeof actual === 'string' && actual.startsWith(String(matcher.value)) ? undefined : fail(`a string starting with ${show(matcher.value)}`);
    case 'objectContaining': {
      if (!isPlainObject(actual) || !isPlainObject(matcher.value)) return fail(`an object containing ${show(matcher.value)}`);
      for (const [key, value] of Object.entries(matcher.value)) {
        if (!(key in actual)) return `${path}: missing key '${key}' in ${show(actual)}`;
        const found = difference(value, actual[key], `${path}.${key}`);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    default:
      throw new Error(`Unknown matcher {"$match": "${matcher.$match}"} at ${path}`);
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** `expected.cause` accepts a plain string, `null`, `{"startsWith": …}` or any matcher. */
function causeMatcher(cause: Json): unknown {
  if (isPlainObject(cause) && typeof cause.startsWith === 'string' && !('$match' in cause)) {
    return { $match: 'startsWith', value: cause.startsWith };
  }
  return cause === null ? undefined : cause;
}

// ---------------------------------------------------------------------------
// Running

interface CaseRun {
  readonly outcome: ExecutionOutcome;
  /** Differences between what tasks received and `services[].input`. */
  readonly inputProblems: string[];
  /** Answers left over: the engine called fewer tasks than the case expects. */
  readonly unused: string[];
}

async function runCase(testCase: ConformanceCase): Promise<CaseRun> {
  const start = Date.parse(testCase.startTime ?? DEFAULT_START_TIME);
  if (Number.isNaN(start)) throw new Error(`${testCase.id}: startTime '${String(testCase.startTime)}' is not a timestamp`);
  const clock = createVirtualClock({ start });

  const queues = new Map<string, ServiceAnswer[]>();
  for (const answer of testCase.services ?? []) {
    const queue = queues.get(answer.state) ?? [];
    queue.push(answer);
    queues.set(answer.state, queue);
  }
  const inputProblems: string[] = [];
  /** Set once the run has an outcome: a clock stepped for a silent task stops then. */
  let finished = false;

  const objectStore = new MemoryObjectStore({ now: () => clock.now() });
  for (const object of testCase.objects ?? []) {
    // The store holds a binary body one latin1 character per byte, as harness.stepFunctions.s3.putObject stores bytes.
    const body =
      object.BodyBase64 !== undefined
        ? Buffer.from(object.BodyBase64, 'base64').toString('latin1')
        : typeof object.Body === 'string'
          ? object.Body
          : JSON.stringify(object.Body);
    await objectStore.putObject(object.Bucket, object.Key, body);
  }

  const invokeTask = async (task: EngineTask): Promise<Json> => {
    const answer = queues.get(task.stateName)?.shift();
    if (answer === undefined) {
      throw new Error(`${testCase.id}: no answer left in "services" for Task state '${task.stateName}' (resource ${task.resource}, input ${show(task.input)})`);
    }
    if (answer.input !== undefined) {
      const found = difference(answer.input, task.input, `${task.stateName} input`);
      if (found !== undefined) inputProblems.push(found);
    }
    const waitsForToken = task.resource.endsWith('.waitForTaskToken');
    if (answer.noAnswer === true) {
      // A task in flight holds the clock, so its timeout would take wall
      // time: step the virtual clock by hand until the engine gives up on it.
      void stepUntil(clock, task.signal, () => finished);
      return waitsForToken ? (answer.submitted ?? {}) : never(task.signal);
    }
    const fails = answer.error !== undefined || answer.cause !== undefined;
    if (waitsForToken) {
      const token = task.taskToken;
      if (token === undefined) throw new Error(`${testCase.id}: the .waitForTaskToken task '${task.stateName}' was given no taskToken`);
      // The callback comes from "outside", after the start call returned: hold
      // the clock until it is sent so no timeout fires in between.
      const release = clock.hold(`conformance callback for ${task.stateName}`);
      setImmediate(() => {
        try {
          if (fails) task.callbacks.fail(token, answer.error, answer.cause);
          else task.callbacks.succeed(token, answer.output ?? {});
        } finally {
          release();
        }
      });
      return answer.submitted ?? {};
    }
    if (answer.submitted !== undefined) task.submitted(answer.submitted);
    if (fails) throw new StateFailure(answer.error, answer.cause);
    return answer.output === undefined ? {} : answer.output;
  };

  const timeout = AbortSignal.timeout(CASE_TIMEOUT_MS);
  const outcome = await Promise.race([
    runExecution({
      definition: testCase.definition,
      input: testCase.input ?? {},
      executionArn: CONFORMANCE_RUN.executionArn,
      name: CONFORMANCE_RUN.name,
      stateMachineArn: CONFORMANCE_RUN.stateMachineArn,
      roleArn: CONFORMANCE_RUN.roleArn,
      invokeTask,
      objectStore,
      clock,
      seed: 42,
    }),
    new Promise<never>((_, reject) => {
      timeout.addEventListener('abort', () =>
        reject(new Error(`${testCase.id}: no outcome after ${CASE_TIMEOUT_MS} ms of wall time (clock holders: ${clock.holders().join(', ') || 'none'})`)),
      );
    }),
  ]).finally(() => {
    finished = true;
  });
  const unused = [...queues.entries()].flatMap(([state, queue]) => queue.map(() => state));
  return { outcome, inputProblems, unused };
}

/** Moves the virtual clock a second at a time until the task is aborted or the run is over. */
async function stepUntil(clock: VirtualClock, signal: AbortSignal, over: () => boolean): Promise<void> {
  while (!signal.aborted && !over()) await clock.advance(1000);
}

/** A task that never answers: it settles only when the engine aborts it. */
function never(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Every difference between the outcome and the case's expectation, one line each. */
function problems(testCase: ConformanceCase, run: CaseRun): string[] {
  const { expected } = testCase;
  const { outcome } = run;
  const found: string[] = [];
  if (outcome.status !== expected.status) {
    found.push(`status: expected ${expected.status}, got ${outcome.status}${outcome.error === undefined ? '' : ` (${outcome.error}: ${outcome.cause ?? ''})`}`);
  }
  if ('output' in expected) {
    const diff = difference(expected.output, outcome.output, 'output');
    if (diff !== undefined) found.push(diff);
  }
  if ('error' in expected) {
    const diff = expected.error === null ? (outcome.error === undefined ? undefined : `error: expected none, got ${show(outcome.error)}`) : difference(expected.error, outcome.error, 'error');
    if (diff !== undefined) found.push(diff);
  }
  if ('cause' in expected && expected.cause !== undefined) {
    const matcher = causeMatcher(expected.cause);
    const diff = matcher === undefined ? (outcome.cause === undefined ? undefined : `cause: expected none, got ${show(outcome.cause)}`) : difference(matcher, outcome.cause, 'cause');
    if (diff !== undefined) found.push(diff);
  }
  if (expected.events !== undefined) {
    const types = outcome.history.map((event) => event.type);
    if (JSON.stringify(types) !== JSON.stringify(expected.events)) {
      found.push(`events: expected ${show(expected.events)}, got ${show(types)}`);
    }
  }
  found.push(...run.inputProblems);
  if (run.unused.length > 0) found.push(`services: answers never asked for, for ${show(run.unused)}`);
  return found;
}

const cases = loadCases();

describe('Conformance: the engine against Step Functions', () => {
  it('loads at least one case from every group file', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const testCase of cases) {
      expect(testCase.id, 'an id is "<group>/<short-name>"').toMatch(/^[a-z0-9-]+\/[A-Za-z0-9._-]+$/);
      expect(testCase.source.length, `${testCase.id} names its source`).toBeGreaterThan(10);
    }
  });

  it.each(cases.map((testCase) => [testCase.id, testCase] as const))('%s', async (_id, testCase) => {
    const run = await runCase(testCase);
    expect(problems(testCase, run), `source: ${testCase.source}`).toEqual([]);
  }, CASE_TIMEOUT_MS + 5_000);
});
