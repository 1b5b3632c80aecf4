#!/usr/bin/env node
// `npm run bench`: what an ECS task double costs, on a moto server on loopback.
//
// 1. Round trip per invocation, 200 runs one after another: the container
//    agent (dist/agent.mjs, in this process) sends the invocation, the test's
//    handler answers, the agent has the result. Median and p95 of the agent's
//    own `roundTripMs`, and of the whole agent run (metadata, route, send, poll).
// 2. 100 concurrent invocations of one family: each answered exactly once
//    (100 distinct invocations recorded, 100 exit codes as chosen), wall time.
// 3. Bootstrap to first request and peak RSS of a real container process
//    (packages/container-agent/scripts/measure-footprint.mjs).
// 4. The local target: one ECS double per task (agent process start to exit
//    code), a 500-item Map of ECS doubles with and without the warm process
//    pool (packages/ecs/tests/local/measure-local-map.mjs), one Lambda double per call, the ASL engine
//    (packages/stepfunctions/scripts/bench-local.mjs: first execution in a
//    fresh process, a 10-state JSONPath workflow and its JSONata twin, a
//    1,000-item Map of Lambda doubles), and the whole example workflow suite
//    (wall time, start-up included).
// 5. The aws target on moto with its Step Functions engine on
//    (scripts/bench-aws.mjs): deploy of all three
//    adapters cold and unchanged, the state machine double's round trip over
//    50 executions, and the Lambda double's Invoke round trip.
// 6. Invocation carriage under load and faults (scripts/bench-carriage.mjs): ECS invocations/s at
//    1/50/200 concurrent against moto's raw ceiling for the same calls, 1,000 Lambda double calls
//    at 50 concurrent, 1,000 invocations through a fault-injecting proxy.
//
// Node built-ins and the built packages only. `--json` prints one object.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');
const say = json ? () => {} : (line) => console.log(line);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { startMotoServer, motoEnvironment } = await import(pathToFileURL(join(root, 'packages/testing/dist/index.js')).href);
const { createHarness } = await import(pathToFileURL(join(root, 'packages/core/dist/index.js')).href);
const { ecsAdapter, exit } = await import(pathToFileURL(join(root, 'packages/ecs/dist/index.js')).href);

const moto = await startMotoServer();
Object.assign(process.env, motoEnvironment(moto.endpoint));
say(`moto server on ${moto.endpoint}`);

const stack = `bench-${Date.now().toString(36)}`;
const configPath = join(mkdtempSync(join(tmpdir(), 'harness-bench-')), 'harness.config.json');
writeFileSync(configPath, JSON.stringify({ stack, adapters: { ecs: { families: { Bench: { containers: ['Main'] } } } } }));
const deployStarted = performance.now();
await promisify(execFile)(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'deploy', '--adapters', 'ecs', '--config', configPath]);
const deployMs = performance.now() - deployStarted;
say(`deployed ${stack} (core + ecs) in ${deployMs.toFixed(0)} ms`);

// The agent runs in this process: a loopback task metadata endpoint stands in for ECS.
const metadata = createServer((request, response) => {
  const task = request.url.endsWith('/task');
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify(
      task
        ? { Cluster: 'bench', TaskARN: `arn:aws:ecs:us-east-1:000000000000:task/bench/${request.url.split('/')[2]}`, Family: 'Bench', Revision: '1', Containers: [] }
        : { Name: 'Main', DockerId: 'bench' },
    ),
  );
});
await new Promise((resolve) => metadata.listen(0, '127.0.0.1', resolve));
const metadataBase = `http://127.0.0.1:${metadata.address().port}`;

const { DescribeTaskDefinitionCommand, ECSClient } = createRequire(import.meta.url)('@aws-sdk/client-ecs');
const described = await new ECSClient({}).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'Bench' }));
const taskEnvironment = Object.fromEntries(
  (described.taskDefinition.containerDefinitions[0].environment ?? []).map((variable) => [variable.name, variable.value]),
);
const { main } = await import(pathToFileURL(join(root, 'packages/container-agent/dist/agent.mjs')).href);

// The agent logs JSON lines to stdout; the bench keeps them instead of printing them.
let captured = [];
const realWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  const text = String(chunk);
  if (!text.startsWith('{"time"')) return realWrite(chunk, ...rest);
  captured.push(...text.split('\n').filter(Boolean).map((line) => JSON.parse(line)));
  return true;
};

/** Runs the agent once in this process; returns its exit code and (when alone) its log lines. */
async function runAgent(id, command) {
  captured = [];
  const code = await main(command, {
    ...taskEnvironment,
    ...motoEnvironment(moto.endpoint),
    HARNESS_LOG_LEVEL: 'debug',
    ECS_CONTAINER_METADATA_URI_V4: `${metadataBase}/v4/${id}`,
  });
  return { code, logs: captured };
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const fieldOf = (logs, message, field) => logs.find((line) => line.message === message)?.[field];

const harness = await createHarness({ target: 'aws', adapters: [ecsAdapter], config: configPath });
const results = { deployMs: Math.round(deployMs) };
try {
  // ----- 1. round trip -----
  const bench = await harness.ecs.mockTask('Bench', ({ command }) => exit(Number(command[0] ?? 0)));
  await runAgent('warm-up', ['0']);
  const roundTrips = [];
  const agentRuns = [];
  for (let i = 0; i < 200; i++) {
    const { code, logs } = await runAgent(`rt-${i}`, [String(i % 7)]);
    if (code !== i % 7) throw new Error(`run ${i} exited ${code}, expected ${i % 7}: ${JSON.stringify(logs)}`);
    const roundTrip = fieldOf(logs, 'result received', 'roundTripMs') ?? fieldOf(logs, 'result received', 'waitedMs');
    roundTrips.push(roundTrip);
    agentRuns.push(fieldOf(logs, 'agent finished', 'durationMs'));
  }
  results.roundTrip = {
    runs: roundTrips.length,
    medianMs: percentile(roundTrips, 50),
    p95Ms: percentile(roundTrips, 95),
    agentRunMedianMs: percentile(agentRuns, 50),
    agentRunP95Ms: percentile(agentRuns, 95),
  };
  say(`round trip (send → handler → result), ${roundTrips.length} runs: median ${results.roundTrip.medianMs} ms, p95 ${results.roundTrip.p95Ms} ms`);
  say(`whole agent run (metadata, route, send, poll):  median ${results.roundTrip.agentRunMedianMs} ms, p95 ${results.roundTrip.agentRunP95Ms} ms`);

  // ----- 2. 100 concurrent -----
  bench.clear();
  const started = performance.now();
  const concurrent = await Promise.all(Array.from({ length: 100 }, (_, i) => runAgent(`c-${i}`, [String(i % 5)])));
  const wallMs = performance.now() - started;
  const wrong = concurrent.filter((run, i) => run.code !== i % 5).length;
  const distinct = new Set(bench.invocations.map((invocation) => invocation.invocationId)).size;
  results.concurrent = { invocations: 100, wallMs: Math.round(wallMs), recorded: bench.invocations.length, distinct, wrongExitCodes: wrong };
  say(`100 concurrent invocations: ${bench.invocations.length} recorded, ${distinct} distinct, ${wrong} wrong exit codes, wall ${results.concurrent.wallMs} ms`);
  if (bench.invocations.length !== 100 || distinct !== 100 || wrong !== 0) throw new Error('not every invocation was answered exactly once');
} finally {
  process.stdout.write = realWrite;
  await harness.close();
  metadata.close();
  await moto.stop();
}

// ----- 3. bootstrap and footprint of a real container process -----
const footprint = spawnSync(process.execPath, [join(root, 'packages/container-agent/scripts/measure-footprint.mjs'), '--json'], {
  encoding: 'utf8',
  env: process.env,
});
if (footprint.status !== 0) throw new Error(`measure-footprint failed: ${footprint.stderr}`);
results.container = JSON.parse(footprint.stdout);
const mb = (kb) => (kb / 1024).toFixed(1);
say(
  `container process (bootstrap + agent), ${results.container.runs} runs: bootstrap ${results.container.bootstrapBytes} B, ` +
    `spawn → first request median ${results.container.spawnToSendMessageMs.median} ms (whole run ${results.container.wholeRunMs.median} ms), ` +
    `peak RSS median ${mb(results.container.peakRssKb.median)} MB (bare node ${mb(results.container.bareNodeRssKb.median)} MB)`,
);

// ----- 4. local target -----
function runJson(script, args = []) {
  const run = spawnSync(process.execPath, [join(root, script), ...args, '--json'], { encoding: 'utf8', env: process.env });
  if (run.status !== 0) throw new Error(`${script} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}
results.localEcsTask = runJson('packages/ecs/tests/local/measure-local-task.mjs', ['--runs', '30']);
say(`local ECS double per task (agent start → exit code), ${results.localEcsTask.runs} runs: median ${results.localEcsTask.taskMs.median} ms, p90 ${results.localEcsTask.taskMs.p90} ms`);
// 500 tasks, 40 at a time (MaxConcurrency 40: 500 at once would hold ~22 GB in node processes), pool off then on.
results.localEcsMap = runJson('packages/ecs/tests/local/measure-local-map.mjs', ['--items', '500', '--concurrency', '40']);
{
  const { coldStart, warmPool, speedUp } = results.localEcsMap;
  const rss = (r) => (typeof r.peakRssMb === 'string' ? r.peakRssMb : `peak RSS ${r.peakRssMb.processes} MB in ${r.peakProcesses} processes`);
  say(
    `500-item Map of local ECS .sync doubles (MaxConcurrency 40): ${coldStart.msPerTask} ms per task with a process started per task (${rss(coldStart)}), ` +
      `${warmPool.msPerTask} ms with the warm process pool (${rss(warmPool)}), ×${speedUp}`,
  );
}
results.localLambdaCall = runJson('packages/lambda/scripts/bench.mjs');
say(`local Lambda double per call, ${results.localLambdaCall.calls} calls: median ${(results.localLambdaCall.medianMs * 1000).toFixed(1)} µs, p95 ${(results.localLambdaCall.p95Ms * 1000).toFixed(1)} µs`);
results.engine = runJson('packages/stepfunctions/scripts/bench-local.mjs');
{
  const { firstExecution, jsonPathWorkflow, jsonataWorkflow, jsonataToJsonPathRatio, map1000LambdaDoubles } = results.engine;
  say(`engine: first execution in a fresh process ${firstExecution.importAndFirstRunMs} ms including import (${firstExecution.importMs} ms), median of ${firstExecution.processes}`);
  say(`engine: 10-state JSONPath workflow, ${jsonPathWorkflow.runs} warm runs: median ${jsonPathWorkflow.median} ms, p90 ${jsonPathWorkflow.p90} ms`);
  say(`engine: its JSONata twin: median ${jsonataWorkflow.median} ms (${jsonataToJsonPathRatio}× the JSONPath one, same loop)`);
  say(`engine: 1,000-item inline Map of Lambda doubles, ${map1000LambdaDoubles.runs} runs: median ${map1000LambdaDoubles.median} ms`);
}
const suiteStarted = performance.now();
const suite = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run'], { cwd: join(root, 'apps/example'), encoding: 'utf8' });
if (suite.status !== 0) throw new Error(`the example suite failed:\n${suite.stdout}\n${suite.stderr}`);
results.exampleSuiteMs = Math.round(performance.now() - suiteStarted);
const scenarios = /Tests\s+(\d+) passed/.exec(suite.stdout.replace(/\u001b\[[0-9;]*m/g, ''))?.[1];
say(`example workflow suite (local target): ${scenarios} scenarios in ${results.exampleSuiteMs} ms wall, vitest start-up included`);
{
  // The coverage reporter (apps/example/vitest.config.ts) records every execution and writes the report at the end;
  // HARNESS_COVERAGE=off leaves it out. Alternated runs, the fastest of each, as the machine is shared.
  const timeSuite = (coverage) => {
    const started = performance.now();
    const run = spawnSync(join(root, 'node_modules/.bin/vitest'), ['run'], { cwd: join(root, 'apps/example'), encoding: 'utf8', env: { ...process.env, HARNESS_COVERAGE: coverage } });
    if (run.status !== 0) throw new Error(`the example suite (coverage ${coverage}) failed:\n${run.stdout}\n${run.stderr}`);
    return Math.round(performance.now() - started);
  };
  // Three of each (the first with it is the run above): on a loaded 2-core machine two runs of the same suite differ by a third.
  const withReporter = [results.exampleSuiteMs];
  const without = [timeSuite('off')];
  for (let round = 0; round < 2; round++) {
    withReporter.push(timeSuite('on'));
    without.push(timeSuite('off'));
  }
  // The suite cannot run without the matchers (its assertions are them): their own cost is measured apart, each
  // matcher on the runs the reporter just recorded, ms per call × the calls the suite makes
  // (packages/matchers/scripts/bench-matchers.mjs), and added to the reporter's.
  const matchers = runJson('packages/matchers/scripts/bench-matchers.mjs', ['--runs', join(root, 'apps/example/harness-coverage')]);
  const withMs = Math.min(...withReporter);
  const withoutMs = Math.min(...without);
  results.coverageReporter = {
    withMs,
    withoutMs,
    ratio: Number((withMs / withoutMs).toFixed(3)),
    matchersMs: matchers.executionMatcherMs,
    matchersPerCallMs: matchers.perCallMs,
    // Reporter and matchers together, against the suite with neither (its wall time without the reporter, less the matchers).
    addedPercent: Number((((withMs - withoutMs + matchers.executionMatcherMs) / (withoutMs - matchers.executionMatcherMs)) * 100).toFixed(1)),
    failureMessageWithPictureMs: matchers.failureMessageWithPictureMs,
  };
  say(`example suite with the coverage reporter: ${withMs} ms, without: ${withoutMs} ms (${results.coverageReporter.ratio}×, fastest of 3 each, alternated)`);
  say(
    `the matchers in it: ${matchers.executionMatcherMs} ms (${Object.values(matchers.suiteCalls).reduce((sum, n) => sum + n, 0)} execution matcher calls, ` +
      `${Math.round(Math.min(...Object.values(matchers.perCallMs)) * 1000)}–${Math.round(Math.max(...Object.values(matchers.perCallMs)) * 1000)} µs each); ` +
      `reporter + matchers add ${results.coverageReporter.addedPercent} % to the suite's wall time (target ≤ 5 %)`,
  );
  say(`a failing matcher's message with the run's picture and its HTML page: median ${matchers.failureMessageWithPictureMs.median} ms, the first ${matchers.failureMessageWithPictureMs.first} ms`);
}

// ----- 5. aws target: deploy of all three adapters, state machine double round trip -----
results.awsTarget = runJson('scripts/bench-aws.mjs', ['--runs', '50']);
const { deployAllThree, stateMachineDouble } = results.awsTarget;
say(`deploy of core + ecs + lambda + stepfunctions on moto: cold ${deployAllThree.coldMs} ms, no change ${deployAllThree.noChangeMs} ms`);
say(
  `state machine double round trip on moto's engine, ${stateMachineDouble.runs} executions: median ${stateMachineDouble.medianMs} ms, ` +
    `p95 ${stateMachineDouble.p95Ms} ms (its first poll comes after a 1 s Wait)`,
);
const { lambdaDouble } = results.awsTarget;
say(`Lambda double round trip on moto (Invoke → handler → answer), ${lambdaDouble.runs} invocations: median ${lambdaDouble.medianMs} ms, p95 ${lambdaDouble.p95Ms} ms`);

// ----- 6. invocation carriage under load and faults (scripts/bench-carriage.mjs) -----
results.carriage = runJson('scripts/bench-carriage.mjs');
for (const concurrency of results.carriage.concurrencies) {
  const ecs = results.carriage.ecs[concurrency];
  say(
    `carriage: ECS invocations at ${concurrency} concurrent: ${ecs.perSecond}/s (moto's raw ceiling for the same calls ${results.carriage.raw[concurrency].perSecond}/s), ` +
      `p95 ${ecs.p95Ms} ms, ${ecs.pollsPerInvocation} polls per invocation, ${ecs.wrongExitCodes} wrong, ${ecs.handlerRanTwice} run twice`,
  );
}
say(`carriage: Lambda double calls, ${results.carriage.lambda.calls} at 50 concurrent: ${results.carriage.lambda.timeouts} timeouts, failures ${JSON.stringify(results.carriage.lambda.failures)}`);
if (results.carriage.faults) {
  const { invocations, injectedFaults, lost, handlerRanTwice, longestMs, timeoutMs } = results.carriage.faults;
  say(`carriage: ${invocations} invocations through the fault proxy (${injectedFaults} faults): ${lost} lost, ${handlerRanTwice} run twice, longest ${longestMs} ms of ${timeoutMs} ms`);
}

if (json) console.log(JSON.stringify(results, null, 2));
