#!/usr/bin/env node
/**
 * The CPU floor of a local ECS double's container, measured against bare
 * `node` in the same run (rounds alternate, so a busy machine weighs on
 * each the same):
 *
 *   node -e ''                    node's own start and exit, nothing else
 *   node -e 'require("node:http")' plus the HTTP stack every container needs
 *   task, warm pool               one task through runTaskLocally: the built
 *                                 bootstrap fetches and runs the built agent
 *                                 against a loopback AWS endpoint, in a process
 *                                 of a warm pool (its start-up included)
 *   task, fresh process           the same, `node` started for the task
 *
 * CPU per process is this process's children time (/proc/self/stat cutime +
 * cstime, Linux) over the processes that ended; the task rows also give this
 * process's own CPU per task (runner, endpoint, spawn). Every child starts
 * with only the environment given here (no NODE_EXTRA_CA_CERTS and the like,
 * which the runner never passes to a container either).
 *
 * Usage (after building core, container-agent and ecs):
 *   node tests/local/measure-container-cpu.mjs [--processes 40] [--rounds 5] [--json]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const processes = Number(option('--processes', '40'));
const rounds = Number(option('--rounds', '5'));
const json = args.includes('--json');

const { createWarmProcessPool, runTaskLocally, startLocalAwsEndpoint } = await import(pathToFileURL(join(here, '..', '..', 'dist', 'index.js')).href);
const { bootstrapEntryPoint } = await import(pathToFileURL(join(here, '..', '..', '..', 'container-agent', 'dist', 'index.js')).href);

/** CPU time of this process and of its ended children, in ms (utime stime cutime cstime, in ticks of 10 ms). */
function cpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const tick = (i) => Number(fields[i]) * 10;
  return { self: tick(11) + tick(12), children: tick(13) + tick(14) };
}

function runNode(script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env: {}, stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`node -e ${JSON.stringify(script)} exited ${code}`))));
  });
}

// One loopback endpoint answers every task: the route exists, the handler answers exit code 0 at once.
const context = { session: 'measure', isMocked: () => true, dispatch: async () => ({ status: 'ok', value: { exitCode: 0 } }) };
const endpoint = await startLocalAwsEndpoint({ context });
const { names } = endpoint;
const taskDefinition = {
  family: 'RenderPdf',
  containerDefinitions: [
    {
      name: 'Main',
      entryPoint: bootstrapEntryPoint(),
      environment: Object.entries({
        HARNESS_ROUTES_TABLE: names.routesTable,
        HARNESS_RESULTS_TABLE: names.resultsTable,
        HARNESS_DOUBLE: 'ecs:RenderPdf',
        HARNESS_AGENT_BUCKET: names.artifactsBucket,
        HARNESS_AGENT_KEY: names.agentKey,
        HARNESS_AGENT_SHA256: names.agentSha256,
      }).map(([name, value]) => ({ name, value })),
    },
  ],
};
const pool = createWarmProcessPool({ size: 2 });
let keys = 0;
async function runTask(withPool) {
  const result = await runTaskLocally({
    taskDefinition,
    overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'] }] },
    credentials: { accessKeyId: `ASIAMEASURE${keys++}`, secretAccessKey: 'secret' },
    environment: { AWS_ENDPOINT_URL: endpoint.url, AWS_REGION: 'us-east-1' },
    pool: withPool ? pool : false,
  });
  const [container] = result.containers;
  if (container?.exitCode !== 0) throw new Error(`the task exited ${container?.exitCode}: ${container?.stderr}${container?.stdout}`);
}

const kinds = {
  "node -e ''": () => runNode(''),
  'node -e \'require("node:http")\'': () => runNode('require("node:http")'),
  'task, warm pool': () => runTask(true),
  'task, fresh process': () => runTask(false),
};
for (const run of Object.values(kinds)) await run(); // warm-up: the OS caches node, the pool fills

const samples = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, { children: [], self: [] }]));
for (let round = 0; round < rounds; round++) {
  for (const [kind, run] of Object.entries(kinds)) {
    await new Promise((resolve) => setTimeout(resolve, 300)); // the pool refills outside the window
    const before = cpuMs();
    // Two at a time: both CPUs of the machines this runs on, no more.
    for (let index = 0; index < processes; index += 2) await Promise.all([run(), run()]);
    const after = cpuMs();
    samples[kind].children.push((after.children - before.children) / processes);
    samples[kind].self.push((after.self - before.self) / processes);
  }
}
await pool.close();
await endpoint.close();

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return Math.round((sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2) * 10) / 10;
};
const result = {
  node: process.version,
  processes,
  rounds,
  cpuMsPerProcess: Object.fromEntries(Object.entries(samples).map(([kind, { children, self }]) => [kind, { child: median(children), thisProcess: median(self), rounds: children }])),
};
if (json) console.log(JSON.stringify(result));
else {
  console.log(`CPU per container process, median of ${rounds} rounds of ${processes} (node ${process.version}):`);
  for (const [kind, figures] of Object.entries(result.cpuMsPerProcess)) {
    console.log(`  ${kind.padEnd(30)} ${String(figures.child).padStart(5)} ms in the process, ${figures.thisProcess} ms here   (rounds: ${figures.rounds.join(' ')})`);
  }
}
