#!/usr/bin/env node
// What the matchers cost the example suite: each execution matcher, passing, on
// the example's recorded runs (the runs the coverage reporter records under
// apps/example/harness-coverage/runs), in ms per call; times the calls the
// example's suite makes (counted in its test sources; the order flow scenarios
// run once per definition); and, apart, what a failing one costs to describe
// (the message with the run's picture and its HTML page), which a passing suite never pays.
//
// Usage (after `npx nx run @harness/matchers:build` and a run of the example suite with its reporter):
//   node packages/matchers/scripts/bench-matchers.mjs [--runs apps/example/harness-coverage] [--json]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { equals, iterableEquality, subsetEquality } from '@vitest/expect';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const json = process.argv.includes('--json');
const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const runsDir = join(argument('--runs', join(root, 'apps/example/harness-coverage')), 'runs');

const matchers = await import(pathToFileURL(join(root, 'packages/matchers/dist/index.js')).href);

let files;
try {
  files = readdirSync(runsDir).filter((file) => file.endsWith('.json'));
} catch {
  throw new Error(`No recorded runs in ${runsDir}. To fix this, run the example suite with its coverage reporter first: cd apps/example && npx vitest run`);
}
const runs = files.map((file) => JSON.parse(readFileSync(join(runsDir, file), 'utf8')));
if (runs.length === 0) throw new Error(`No recorded runs in ${runsDir}. To fix this, run the example suite with its coverage reporter first: cd apps/example && npx vitest run`);
for (const run of runs) Object.defineProperty(run, 'definition', { value: run.definition, enumerable: false });

const fail = () => {
  throw new Error('message() called: the bench times passing matchers');
};
/** What vitest gives a matcher's `this` (the parts the matchers use); message() is never called on a pass. */
const context = (isNot = false) => ({
  isNot,
  equals,
  currentTestName: 'bench',
  utils: { diff: fail, stringify: String, printReceived: String, printExpected: String, matcherHint: () => 'expect(run)', iterableEquality, subsetEquality },
});

// One passing call of each matcher per run, with arguments read from the run (as a test's own would be).
const calls = {
  toHaveSucceeded: (run) => matchers.toHaveSucceeded.call(context(run.status !== 'SUCCEEDED'), run),
  toHaveFailedWith: (run) => matchers.toHaveFailedWith.call(context(run.status === 'SUCCEEDED'), run, run.error ?? 'States.TaskFailed'),
  toHaveVisited: (run) => matchers.toHaveVisited.call(context(), run, matchers.readHistory(run.history).visits.at(-1)?.name ?? 'None'),
  toHaveTakenPath: (run) => matchers.toHaveTakenPath.call(context(), run, matchers.pathOf(run)),
  toHaveRetried: (run) => matchers.toHaveRetried.call(context(true), run, 'ValidateOrder', 5),
  toHaveBeenCaughtBy: (run) => matchers.toHaveBeenCaughtBy.call(context(true), run, 'RenderDocuments', 'Nowhere'),
  toHaveEnteredWith: (run) => matchers.toHaveEnteredWith.call(context(), run, matchers.readHistory(run.history).visits[0]?.name ?? 'None', {}),
};

const ROUNDS = Number(argument('--rounds', '200'));
const perCallMs = {};
for (const [name, call] of Object.entries(calls)) {
  for (const run of runs) {
    const result = call(run);
    if (result.pass === result.isNot) throw new Error(`${name} did not pass on ${run.executionArn}`);
  }
  for (let warm = 0; warm < 20; warm++) for (const run of runs) call(run);
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) for (const run of runs) call(run);
  perCallMs[name] = Number(((performance.now() - started) / (ROUNDS * runs.length)).toFixed(4));
}

// The calls the example's local suite makes: the order flow scenarios (tests/support, run for both definitions by
// tests/workflow) and the order service's tests. Counted in the sources: a call in a loop counts once.
const example = join(root, 'apps/example/tests');
const sources = [
  { file: join(example, 'support/order-flow-scenarios.ts'), times: 2 },
  ...readdirSync(join(example, 'workflow')).map((file) => ({ file: join(example, 'workflow', file), times: 1 })),
  ...readdirSync(join(example, 'service')).map((file) => ({ file: join(example, 'service', file), times: 1 })),
];
const suiteCalls = {};
for (const { file, times } of sources) {
  const text = readFileSync(file, 'utf8');
  for (const name of Object.keys(calls)) suiteCalls[name] = (suiteCalls[name] ?? 0) + times * (text.match(new RegExp(`\\.${name}\\(`, 'g'))?.length ?? 0);
}
const executionMatcherMs = Object.entries(perCallMs).reduce((sum, [name, ms]) => sum + ms * (suiteCalls[name] ?? 0), 0);

// A failing matcher's message: the text path, the run's picture and its HTML page (a passing suite never pays it).
const failed = runs.find((run) => run.status !== 'SUCCEEDED') ?? runs[0];
const pictureDir = mkdtempSync(join(tmpdir(), 'harness-bench-pictures-'));
process.env.HARNESS_COVERAGE_DIR = pictureDir;
const failing = { ...context(), utils: { ...context().utils, diff: () => '' } };
const messageMs = [];
for (let round = 0; round < 31; round++) {
  const started = performance.now();
  const message = matchers.toHaveSucceeded.call(failing, failed).message();
  messageMs.push(performance.now() - started);
  if (!message.includes('```mermaid')) throw new Error(`The failure message has no picture:\n${message}`);
}
rmSync(pictureDir, { recursive: true, force: true });
// The first loads @harness/stepfunctions (the matchers require it on a first failure).
const firstMessageMs = messageMs.shift();
messageMs.sort((a, b) => a - b);

const result = {
  runs: runs.length,
  rounds: ROUNDS,
  perCallMs,
  suiteCalls,
  executionMatcherMs: Number(executionMatcherMs.toFixed(2)),
  failureMessageWithPictureMs: { first: Number(firstMessageMs.toFixed(1)), median: Number(messageMs[15].toFixed(2)) },
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  for (const [name, ms] of Object.entries(perCallMs)) console.log(`${name}: ${(ms * 1000).toFixed(1)} µs per call × ${suiteCalls[name] ?? 0} calls in the example suite`);
  console.log(`execution matchers in the example suite: ${result.executionMatcherMs} ms (over ${runs.length} recorded runs, ${ROUNDS} rounds)`);
  console.log(`a failing matcher's message with the run's picture and its HTML page: median ${result.failureMessageWithPictureMs.median} ms (the first, which loads @harness/stepfunctions: ${result.failureMessageWithPictureMs.first} ms)`);
}
