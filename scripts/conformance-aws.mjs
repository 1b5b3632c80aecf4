#!/usr/bin/env node
// Measures the built ASL engine against recorded real-AWS executions.
//
// Reads ../shared/conformance/aws-recordings.json (beside the repository; see its README.md), runs each
// recorded execution with the engine of packages/stepfunctions/dist (`runExecution` from
// @harness/stepfunctions), answers Task states from the execution's `serviceCalls`, and compares the
// outcome with what AWS recorded:
// - result: status, output, error and cause, with `<...>` placeholders (and a bare `date`) as wildcards
//   and JSON text parsed on both sides;
// - event ids: every event's id and previousEventId, for runs without Map or Parallel states;
// - history: the sequence of event types (as a multiset for cases with Map or Parallel states, whose
//   interleaving AWS does not fix; ParallelStateSucceeded left out, as the recorder deleted it).
// Prints pass counts per feature tag and the failures with a one-line reason. The recordings stay where
// they are: nothing is copied into the repository.
//
// Usage (from the repository root, after `npm run build`):
//   node scripts/conformance-aws.mjs [--filter <substring of case id>] [--verbose] [--json]
//     --filter   run only the cases whose id contains the substring
//     --verbose  print expected and actual values for each failure
//     --json     print one JSON object instead of the report
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const recordingsPath = join(root, '..', 'shared', 'conformance', 'aws-recordings.json');
const args = process.argv.slice(2);
const json = args.includes('--json');
const verbose = args.includes('--verbose');
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
if (filterAt >= 0 && (filter === undefined || filter.startsWith('--'))) {
  console.error('--filter needs a substring of a case id, e.g. --filter choice_operators');
  process.exit(2);
}

if (!existsSync(recordingsPath)) {
  console.log(`No AWS recordings at ${recordingsPath}: nothing to measure (the corpus lives outside the repository).`);
  process.exit(0);
}

/** Wall time an execution may take; virtual time is skipped, so running out of it means the engine hangs. */
const EXECUTION_TIMEOUT_MS = 20_000;
const ACCOUNT = '111111111111';

const stepfunctions = await import('@harness/stepfunctions');
const { runExecution, MemoryObjectStore, createVirtualClock } = stepfunctions;
if (typeof runExecution !== 'function' || typeof MemoryObjectStore !== 'function') {
  console.error('@harness/stepfunctions does not export runExecution and MemoryObjectStore. To fix this, build it: npx nx run stepfunctions:build');
  process.exit(1);
}
// A Task fails with the engine's StateFailure when the package exports it, else with core's StatesError.
const Failure = stepfunctions.StateFailure ?? (await import('@harness/core')).StatesError;

const corpus = JSON.parse(readFileSync(recordingsPath, 'utf8'));
const cases = corpus.cases.filter((testCase) => filter === undefined || testCase.id.includes(filter));

// ---------------------------------------------------------------------------
// Comparison with placeholders

const PLACEHOLDER = /<[^<>]*>/;
const WHOLE_PLACEHOLDER = /^<[^<>]*>$/;
// Stand-ins LocalStack's snapshot transformers wrote for random values, without the <...> marks.
const RANDOM_STAND_INS = new Set(['date', 'RandomNumberGenerated', 'generated-uuid']);

/** A JSON text parses to its value; anything else stays as it is. */
function parsedText(value) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Does the recorded string (with `<...>` wildcards) match the actual value? A whole-string numbered
 * placeholder (`<uuid:1>`) matches any value but must stand for the same value everywhere it appears.
 */
function stringMatches(expected, actual, bindings) {
  if (RANDOM_STAND_INS.has(expected)) return true;
  if (!PLACEHOLDER.test(expected)) return expected === actual;
  if (WHOLE_PLACEHOLDER.test(expected)) {
    if (!/:\d+>$/.test(expected)) return true;
    const seen = JSON.stringify(actual);
    const bound = bindings.get(expected);
    if (bound === undefined) bindings.set(expected, seen);
    return bound === undefined || bound === seen;
  }
  if (typeof actual !== 'string') return false;
  const pattern = expected
    .split(/<[^<>]*>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(actual);
}

/** The first difference between recorded and actual values, as `<path>: <what>`, or undefined. */
function difference(expected, actual, path, bindings) {
  if (typeof expected === 'string') {
    if (stringMatches(expected, actual, bindings)) return undefined;
    const parsed = parsedText(expected);
    if (parsed !== expected) return difference(parsed, parsedText(actual), path, bindings);
    return `${path}: expected ${short(expected)}, got ${short(actual)}`;
  }
  actual = parsedText(actual);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array, got ${short(actual)}`;
    if (actual.length !== expected.length) return `${path}: expected ${expected.length} items, got ${actual.length}`;
    for (let index = 0; index < expected.length; index += 1) {
      const found = difference(expected[index], actual[index], `${path}[${index}]`, bindings);
      if (found) return found;
    }
    return undefined;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected an object, got ${short(actual)}`;
    const missing = Object.keys(expected).filter((key) => !(key in actual));
    const extra = Object.keys(actual).filter((key) => !(key in expected));
    if (missing.length || extra.length) return `${path}: keys differ (missing ${short(missing)}, unexpected ${short(extra)})`;
    for (const key of Object.keys(expected)) {
      const found = difference(expected[key], actual[key], `${path}.${key}`, bindings);
      if (found) return found;
    }
    return undefined;
  }
  return expected === actual ? undefined : `${path}: expected ${short(expected)}, got ${short(actual)}`;
}

function short(value) {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

// ---------------------------------------------------------------------------
// Running one recorded execution

/** The value a double returns for a recorded result: JSON text parsed back (the recorder parsed objects only). */
function recordedValue(value) {
  return parsedText(value);
}

/** A recorded cause goes back to the engine as text: objects were parsed by the recorder, so they are re-serialised. */
function recordedCause(cause) {
  if (cause === undefined || cause === null) return undefined;
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}

/** A task in flight holds the clock: step it by hand so a recorded timeout comes due without waiting on the wall clock. */
async function stepUntil(clock, signal, over) {
  while (!signal.aborted && !over()) await clock.advance(1000);
}

function never(signal) {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function runRecorded(testCase, execution, index) {
  const definition = execution.definition ?? testCase.definition;
  const smName = 'RecordedMachine';
  const name = `recorded-${index}`;
  const queues = new Map();
  for (const call of execution.serviceCalls ?? []) {
    if (!queues.has(call.state)) queues.set(call.state, []);
    queues.get(call.state).push(call);
  }
  const objectStore = new MemoryObjectStore();
  for (const object of testCase.s3Objects ?? []) {
    await objectStore.putObject(object.Bucket, object.Key, typeof object.Body === 'string' ? object.Body : JSON.stringify(object.Body));
  }

  const clock = typeof createVirtualClock === 'function' ? createVirtualClock() : undefined;
  let finished = false;
  const invokeTask = async (task) => {
    const call = queues.get(task.stateName)?.shift();
    if (call === undefined) throw new Error(`no recorded service call left for Task state '${task.stateName}' (${task.resource})`);
    const result = call.result ?? {};
    const timesOut = /TimedOut$/.test(result.event ?? '');
    const fails = /Failed$/.test(result.event ?? '');
    if (timesOut && clock) void stepUntil(clock, task.signal, () => finished);
    if (task.resource.endsWith('.waitForTaskToken')) {
      if (!timesOut) {
        const token = task.taskToken;
        const release = clock?.hold(`recorded callback for ${task.stateName}`);
        setImmediate(() => {
          try {
            if (fails) task.callbacks.fail(token, result.error ?? undefined, recordedCause(result.cause));
            else task.callbacks.succeed(token, recordedValue(result.output) ?? {});
          } finally {
            release?.();
          }
        });
      }
      return recordedValue(call.submitted) ?? {};
    }
    if (call.submitted !== undefined) task.submitted(recordedValue(call.submitted));
    if (timesOut) return never(task.signal);
    if (fails) throw new Failure(result.error ?? undefined, recordedCause(result.cause));
    return recordedValue(result.output) ?? {};
  };

  const controller = new AbortController();
  const expected = execution.expected;
  // StopExecution was the test's doing: stop the local run once it has started.
  if (expected.status === 'ABORTED') setImmediate(() => controller.abort(new Error('StopExecution (as the recorded test did)')));
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no outcome after ${EXECUTION_TIMEOUT_MS} ms of wall time`)), EXECUTION_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      runExecution({
        definition,
        input: parsedText(execution.input) ?? {},
        executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:${smName}:${name}`,
        name,
        stateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${smName}`,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/RecordedRole`,
        invokeTask,
        objectStore,
        ...(clock ? { clock } : {}),
        signal: controller.signal,
        seed: 1,
      }),
      timeout,
    ]);
  } finally {
    finished = true;
    clearTimeout(timer);
  }
}

/** One-line reasons the outcome differs from the recording (result and history kept apart). */
function compare(testCase, execution, outcome) {
  const expected = execution.expected;
  const bindings = new Map();
  const result = [];
  if (outcome.status !== expected.status) {
    result.push(`status ${outcome.status}${outcome.error ? ` (${outcome.error}: ${short(outcome.cause ?? '')})` : ''}, AWS ${expected.status}`);
  } else if (expected.status === 'SUCCEEDED') {
    const found = difference(expected.output, outcome.output, 'output', bindings);
    if (found) result.push(found);
  }
  if (expected.status !== 'SUCCEEDED' && outcome.status === expected.status) {
    if ((expected.error ?? undefined) !== (outcome.error ?? undefined)) result.push(`error ${short(outcome.error)}, AWS ${short(expected.error)}`);
    else if (expected.cause !== undefined && expected.cause !== null) {
      const found = difference(expected.cause, outcome.cause, 'cause', bindings);
      if (found) result.push(found);
    } else if (outcome.cause !== undefined && outcome.cause !== null && outcome.cause !== '') {
      result.push(`cause ${short(outcome.cause)}, AWS none`);
    }
  }
  let history;
  if (Array.isArray(expected.events)) {
    const want = expected.events.map((event) => event.type);
    // LocalStack's snapshot transformer deleted ParallelStateSucceeded from the recordings: leave it out here too.
    const got = outcome.history
      .map((event) => event.type)
      .filter((type) => type !== 'ParallelStateSucceeded' || want.includes('ParallelStateSucceeded'));
    const concurrent = testCase.features.some((feature) => feature === 'map' || feature === 'parallel' || feature === 'distributedMap');
    const same = JSON.stringify(want) === JSON.stringify(got);
    const sameMultiset = JSON.stringify([...want].sort()) === JSON.stringify([...got].sort());
    if (!(same || (concurrent && sameMultiset))) {
      const at = want.findIndex((type, position) => got[position] !== type);
      history = `history differs at event ${at + 1}: AWS ${want[at] ?? '(end)'}, got ${got[at] ?? '(end)'} (${got.length} events, AWS ${want.length})`;
    }
  }
  return { result, history, ids: compareIds(testCase, expected, outcome), want: expected, got: outcome };
}

/**
 * For a run without concurrency (no Map, Parallel or distributed Map), whether every event has AWS's `id` and
 * `previousEventId` (`undefined` when the recording has no usable ids or the run is concurrent).
 */
function compareIds(testCase, expected, outcome) {
  const events = expected.events;
  if (!Array.isArray(events) || events.some((event) => typeof event.id !== 'number' || typeof event.previousEventId !== 'number')) return undefined;
  if (testCase.features.some((feature) => feature === 'map' || feature === 'parallel' || feature === 'distributedMap')) return undefined;
  const chain = (list) => list.map((event) => `${event.id}<${event.previousEventId} ${event.type}`);
  const want = chain(events);
  const got = chain(outcome.history);
  const at = want.findIndex((entry, position) => got[position] !== entry);
  return at < 0 && got.length === want.length ? true : `event ids differ at event ${at + 1}: AWS ${want[at] ?? '(end)'}, got ${got[at] ?? '(end)'}`;
}

/** Whether the recorder replaced part of the input (`<timestamp>`, `<sqs_queue_url>`, a bare `date` or `timestamp`). */
function inputHasPlaceholders(execution) {
  if (execution.inputHasPlaceholders === true) return true;
  const text = typeof execution.input === 'string' ? execution.input : JSON.stringify(execution.input ?? null);
  return PLACEHOLDER.test(text) || /"(date|timestamp)"/.test(text);
}

// ---------------------------------------------------------------------------
// Report

const features = new Map();
const failures = [];
let executions = 0;
let resultPass = 0;
let historyRecorded = 0;
let historyPass = 0;
let idsCompared = 0;
let idsPass = 0;

for (const testCase of cases) {
  for (const [index, execution] of testCase.executions.entries()) {
    executions += 1;
    const label = testCase.executions.length > 1 ? `${testCase.id} #${index + 1}` : testCase.id;
    let resultOk = false;
    let historyOk;
    let idsOk = true;
    let reason;
    let detail;
    try {
      const outcome = await runRecorded(testCase, execution, index);
      const compared = compare(testCase, execution, outcome);
      resultOk = compared.result.length === 0;
      if (Array.isArray(execution.expected.events)) historyOk = compared.history === undefined;
      if (compared.ids !== undefined) {
        idsCompared += 1;
        if (compared.ids === true) idsPass += 1;
      }
      idsOk = compared.ids === undefined || compared.ids === true;
      reason = [...compared.result, ...(compared.history ? [compared.history] : []), ...(typeof compared.ids === 'string' ? [compared.ids] : [])].join('; ');
      detail = {
        expected: { status: execution.expected.status, output: execution.expected.output, error: execution.expected.error, cause: execution.expected.cause, events: execution.expected.events?.map((event) => event.type) },
        actual: { status: outcome.status, output: outcome.output, error: outcome.error, cause: outcome.cause, events: outcome.history.map((event) => event.type) },
      };
    } catch (error) {
      reason = `threw: ${error instanceof Error ? error.message : String(error)}`.split('\n')[0];
      if (Array.isArray(execution.expected.events)) historyOk = false;
    }
    if (resultOk) resultPass += 1;
    if (historyOk !== undefined) {
      historyRecorded += 1;
      if (historyOk) historyPass += 1;
    }
    for (const feature of testCase.features) {
      const counts = features.get(feature) ?? { executions: 0, result: 0, historyRecorded: 0, history: 0 };
      counts.executions += 1;
      if (resultOk) counts.result += 1;
      if (historyOk !== undefined) {
        counts.historyRecorded += 1;
        if (historyOk) counts.history += 1;
      }
      features.set(feature, counts);
    }
    if (!resultOk || historyOk === false || !idsOk) {
      // The recorder replaced parts of these inputs (timestamps, queue URLs…) by placeholders: the run saw the placeholder text.
      const placeholders = inputHasPlaceholders(execution);
      if (placeholders) reason = `${reason} [the recorded input holds placeholders]`;
      failures.push({ id: label, features: testCase.features, resultOk, historyOk: historyOk ?? null, inputHasPlaceholders: placeholders, reason, ...(verbose ? { detail } : {}) });
    }
  }
}

const summary = {
  recordings: recordingsPath,
  filter: filter ?? null,
  cases: cases.length,
  executions,
  result: { pass: resultPass, of: executions },
  history: { pass: historyPass, of: historyRecorded },
  eventIds: { pass: idsPass, of: idsCompared },
  features: Object.fromEntries([...features.entries()].sort(([a], [b]) => a.localeCompare(b))),
  failures,
};

if (json) {
  console.log(JSON.stringify(summary, null, 2));
} else {
  const pct = (pass, of) => (of === 0 ? '   -' : `${String(Math.round((100 * pass) / of)).padStart(3)}%`);
  console.log(`AWS conformance: ${cases.length} recorded cases, ${executions} executions${filter ? ` (filter "${filter}")` : ''}`);
  console.log(`  result (status+output+error+cause): ${resultPass}/${executions} ${pct(resultPass, executions)}`);
  console.log(`  history (event type sequence):      ${historyPass}/${historyRecorded} ${pct(historyPass, historyRecorded)}`);
  console.log(`  event ids and previousEventIds:     ${idsPass}/${idsCompared} ${pct(idsPass, idsCompared)} (runs without Map or Parallel)`);
  console.log('');
  console.log(`  ${'feature'.padEnd(16)} ${'result'.padStart(12)} ${'history'.padStart(12)}`);
  for (const [feature, counts] of Object.entries(summary.features)) {
    console.log(
      `  ${feature.padEnd(16)} ${`${counts.result}/${counts.executions}`.padStart(8)} ${pct(counts.result, counts.executions)} ${`${counts.history}/${counts.historyRecorded}`.padStart(7)} ${pct(counts.history, counts.historyRecorded)}`,
    );
  }
  if (failures.length > 0) {
    console.log('');
    console.log(`Failures (${failures.length}):`);
    for (const failure of failures) {
      console.log(`  ${failure.id}: ${failure.reason}`);
      if (verbose && failure.detail) {
        console.log(`    expected: ${JSON.stringify(failure.detail.expected)}`);
        console.log(`    actual:   ${JSON.stringify(failure.detail.actual)}`);
      }
    }
  }
}
