#!/usr/bin/env node
/**
 * Measures a Map of local ECS doubles: a workflow whose inline Map runs one
 * `ecs:runTask.sync` state per item (no MaxConcurrency: all at once), on the
 * local target (core's harness, the Step Functions engine, the ECS local
 * integration: the built bootstrap + agent in a process per task).
 *
 * It runs the same Map twice in one process, first with the warm process
 * pool off (`HARNESS_ECS_WARM_PROCESSES=0`: a `node` process started per task
 * when it arrives), then with the pool at its default size, and prints both
 * and their ratio:
 *
 *   msPerTask: the Map's wall time / items (execute() called → output in hand)
 *   peak RSS:  the largest sum of resident memory over the process tree,
 *              sampled every 100 ms from /proc (Linux): the task and pool
 *              processes alone, and with this process
 *   CPU:       per task, in this process (the sampling's own CPU taken out
 *              and shown apart) and in the ended children (task and pool
 *              processes); their sum over the CPUs is the floor of msPerTask
 *   HTTP:      requests and connections per task that this process's HTTP
 *              servers accepted (the loopback AWS endpoint, each task's
 *              metadata and credentials endpoint)
 *
 * Usage (after building core, container-agent, ecs and stepfunctions):
 *   node tests/local/measure-local-map.mjs [--items 500] [--concurrency 0] [--only pool|cold] [--json]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packages = join(here, '..', '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const items = Number(option('--items', '500'));
const only = option('--only', undefined);
// The Map's MaxConcurrency: 0 (the default) runs every item at once.
const concurrency = Number(option('--concurrency', '0'));
const json = args.includes('--json');

const load = (path) => import(pathToFileURL(join(packages, path)).href);
const { createHarness } = await load('core/dist/index.js');
const { ecsAdapter, exit } = await load('ecs/dist/index.js');
const { stepFunctionsAdapter } = await load('stepfunctions/dist/index.js');

const definition = {
  StartAt: 'RenderAll',
  States: {
    RenderAll: {
      Type: 'Map',
      ItemsPath: '$.orders',
      MaxConcurrency: concurrency,
      ItemProcessor: {
        StartAt: 'Render',
        States: {
          Render: {
            Type: 'Task',
            Resource: 'arn:aws:states:::ecs:runTask.sync',
            Parameters: {
              Cluster: 'orders',
              TaskDefinition: 'RenderPdf',
              NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0abc'] } },
              Overrides: { ContainerOverrides: [{ Name: 'Main', 'Command.$': "States.Array('--order', $.id)" }] },
            },
            ResultSelector: { 'exitCode.$': '$.Containers[0].ExitCode' },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};
const config = { stack: 'bench', adapters: { ecs: { families: { RenderPdf: { containers: ['Main'] } } } } };

// ----- HTTP requests and connections accepted by this process's servers -----
const http = { requests: 0, connections: 0 };
const emit = Server.prototype.emit;
Server.prototype.emit = function countingEmit(event, ...rest) {
  if (event === 'request') http.requests++;
  else if (event === 'connection') http.connections++;
  return emit.call(this, event, ...rest);
};

// ----- resident memory of the process tree, from /proc -----
const pageKb = 4;
function rssKb(pid) {
  try {
    // /proc/<pid>/statm: size resident shared … in pages.
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageKb;
  } catch {
    return 0;
  }
}
function childrenOf(pid) {
  const found = [];
  try {
    for (const thread of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
      if (text) found.push(...text.split(' ').map(Number));
    }
  } catch {
    // The process ended while we looked.
  }
  return found;
}
function sampleTree() {
  let descendants = 0;
  let count = 0;
  const queue = childrenOf(process.pid);
  while (queue.length > 0) {
    const pid = queue.pop();
    descendants += rssKb(pid);
    count++;
    queue.push(...childrenOf(pid));
  }
  return { descendants, count, self: rssKb(process.pid) };
}
/** CPU time of this process and of its ended children, in ms (/proc/self/stat: utime stime cutime cstime, in ticks of 10 ms). */
function cpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const tick = (i) => Number(fields[i]) * 10;
    return { self: tick(11) + tick(12), children: tick(13) + tick(14) };
  } catch {
    return undefined;
  }
}
const canSample = (() => {
  try {
    readFileSync(`/proc/${process.pid}/task/${process.pid}/children`);
    return true;
  } catch {
    return false;
  }
})();

async function measure(label, poolSize) {
  if (poolSize === undefined) delete process.env.HARNESS_ECS_WARM_PROCESSES;
  else process.env.HARNESS_ECS_WARM_PROCESSES = String(poolSize);
  const harness = await createHarness({ adapters: [stepFunctionsAdapter, ecsAdapter], config });
  try {
    await harness.ecs.mockTask('RenderPdf', ({ command }) => exit(command[1] === 'o-bad' ? 3 : 0));
    // Warm-up: the loopback endpoint starts, the OS caches node and the agent, the pool fills.
    const warm = await harness.stepFunctions.execute(definition, { orders: Array.from({ length: 4 }, (_, i) => ({ id: `w-${i}` })) });
    if (warm.status !== 'SUCCEEDED') throw new Error(`${label}: the warm-up run ${warm.status}: ${warm.error} ${warm.cause}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const peak = { descendants: 0, processes: 0, tree: 0 };
    // The sampling's own CPU (reading /proc for every process of the tree), kept out of this process's figure.
    let samplingCpuUs = 0;
    const sample = () => {
      const before = process.cpuUsage();
      const { descendants, count, self } = sampleTree();
      const spent = process.cpuUsage(before);
      samplingCpuUs += spent.user + spent.system;
      peak.descendants = Math.max(peak.descendants, descendants);
      peak.processes = Math.max(peak.processes, count);
      peak.tree = Math.max(peak.tree, descendants + self);
    };
    const sampler = canSample ? setInterval(sample, 100) : undefined;
    const httpBefore = { ...http };
    const orders = Array.from({ length: items }, (_, i) => ({ id: `o-${i}` }));
    const cpuBefore = cpuMs();
    const started = performance.now();
    const run = await harness.stepFunctions.execute(definition, { orders });
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    const cpuAfter = cpuMs();
    const httpDone = { requests: http.requests - httpBefore.requests, connections: http.connections - httpBefore.connections };
    if (run.status !== 'SUCCEEDED') throw new Error(`${label}: the Map ${run.status}: ${run.error} ${run.cause}`);
    const failed = run.output.filter((output) => output.exitCode !== 0).length;
    if (run.output.length !== items || failed > 0) throw new Error(`${label}: ${run.output.length} outputs, ${failed} non-zero exit codes`);
    return {
      items,
      wallMs: Math.round(wallMs),
      msPerTask: Math.round((wallMs / items) * 10) / 10,
      ...(cpuBefore && cpuAfter
        ? {
            cpuMsPerTask: {
              thisProcess: Math.round(((cpuAfter.self - cpuBefore.self - samplingCpuUs / 1000) / items) * 10) / 10,
              children: Math.round(((cpuAfter.children - cpuBefore.children) / items) * 10) / 10,
              sampling: Math.round((samplingCpuUs / 1000 / items) * 10) / 10,
            },
            // With every CPU busy on tasks and nothing else running, msPerTask cannot go below this.
            cpuFloorMsPerTask:
              Math.round(((cpuAfter.self - cpuBefore.self - samplingCpuUs / 1000 + cpuAfter.children - cpuBefore.children) / items / availableParallelism()) * 10) / 10,
          }
        : {}),
      httpPerTask: { requests: Math.round((httpDone.requests / items) * 100) / 100, connections: Math.round((httpDone.connections / items) * 100) / 100 },
      ...(canSample
        ? { peakRssMb: { processes: Math.round(peak.descendants / 1024), withThisProcess: Math.round(peak.tree / 1024) }, peakProcesses: peak.processes }
        : { peakRssMb: 'not sampled (no /proc/<pid>/task/<tid>/children)' }),
    };
  } finally {
    await harness.close();
  }
}

const result = { node: process.version, maxConcurrency: concurrency };
if (only !== 'pool') result.coldStart = await measure('pool off', 0);
if (only !== 'cold') result.warmPool = await measure('warm pool', undefined);
if (result.coldStart && result.warmPool) result.speedUp = Math.round((result.coldStart.msPerTask / result.warmPool.msPerTask) * 100) / 100;

if (json) console.log(JSON.stringify(result));
else {
  const line = (name, r) =>
    `  ${name}: ${r.msPerTask} ms per task (${r.wallMs} ms for ${r.items}), peak RSS ${
      typeof r.peakRssMb === 'string' ? r.peakRssMb : `${r.peakRssMb.processes} MB in up to ${r.peakProcesses} processes (${r.peakRssMb.withThisProcess} MB with this one)`
    }${
      r.cpuMsPerTask
        ? `; CPU per task ${r.cpuMsPerTask.thisProcess} ms here + ${r.cpuMsPerTask.children} ms in ended children (+ ${r.cpuMsPerTask.sampling} ms sampling /proc), floor ${r.cpuFloorMsPerTask} ms per task on ${availableParallelism()} CPUs`
        : ''
    }; ${r.httpPerTask.requests} HTTP requests and ${r.httpPerTask.connections} connections per task`;
  console.log(`${items}-item Map of local ECS .sync doubles, MaxConcurrency ${concurrency} (node ${process.version}):`);
  if (result.coldStart) console.log(line('a process started per task', result.coldStart));
  if (result.warmPool) console.log(line('warm process pool', result.warmPool));
  if (result.speedUp) console.log(`  ×${result.speedUp} faster per task with the pool`);
}
