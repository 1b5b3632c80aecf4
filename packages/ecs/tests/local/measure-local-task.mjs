#!/usr/bin/env node
/**
 * Measures the local ECS double: `ecs:runTask.sync` states run one after
 * another through the local integration (the built bootstrap + agent as a
 * child process, the loopback AWS endpoint, a handler answering exit(0)).
 *
 *   task:  the task's StartedAt → StoppedAt (process spawned → exit code read)
 *   state: invoke() called → the state's output in hand (RunTask, task, DescribeTasks shape)
 *
 * Usage (after `npx tsup` in container-agent, core and ecs):
 *   node tests/local/measure-local-task.mjs [--runs 30] [--json]
 */
import { createEcsMockApi, ecsLocalIntegration, exit, knownFamilies, parseEcsConfig } from '../../dist/index.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 30;
const json = args.includes('--json');

const config = parseEcsConfig({ families: { RenderPdf: { containers: ['Main'] } } });
const handlers = new Map();
const session = {
  id: 's-measure',
  stackName: 'measure',
  target: 'local',
  outputs: {},
  integrations: () => [],
  register: async (double, handle) => void handlers.set(double, handle),
  unregister: async (double) => void handlers.delete(double),
};
const context = {
  session: session.id,
  isMocked: (double) => handlers.has(double),
  async dispatch(message) {
    try {
      return { status: 'ok', value: await handlers.get(message.double)(message) };
    } catch (error) {
      return { status: 'error', error: { name: error.name, message: error.message } };
    }
  },
};
await createEcsMockApi(session, knownFamilies(config, {})).mockTask('RenderPdf', () => exit(0));
const integration = ecsLocalIntegration(config, context);

const input = {
  TaskDefinition: 'RenderPdf',
  NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0abc'] } },
  Overrides: { ContainerOverrides: [{ Name: 'Main', Command: ['--order', 'o-1'] }] },
};
const invoke = () =>
  integration.invoke({
    resource: 'arn:aws:states:::ecs:runTask.sync',
    stateName: 'Render',
    input,
    execution: { arn: 'arn:aws:states:us-east-1:000000000000:execution:M:e', name: 'e', stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:M' },
    signal: new AbortController().signal,
    callbacks: { succeed() {}, fail() {}, ended() {} },
  });

await invoke(); // warm-up: the endpoint starts, the OS caches node
const task = [];
const state = [];
for (let run = 0; run < runs; run++) {
  const startedAt = performance.now();
  const output = await invoke();
  state.push(performance.now() - startedAt);
  if (output.Containers[0].ExitCode !== 0) throw new Error(`run ${run} exited ${output.Containers[0].ExitCode}`);
  task.push(output.StoppedAt - output.StartedAt);
}
await integration.dispose();

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: Math.round(at(0.5)), p90: Math.round(at(0.9)), min: Math.round(sorted[0]), max: Math.round(sorted[sorted.length - 1]) };
};
const result = { runs, node: process.version, taskMs: stats(task), stateMs: stats(state) };
if (json) console.log(JSON.stringify(result));
else {
  console.log(`local ECS double, ${runs} runs (node ${process.version}):`);
  console.log(`  task  (process start -> exit code): median ${result.taskMs.median} ms, p90 ${result.taskMs.p90} ms, min ${result.taskMs.min}, max ${result.taskMs.max}`);
  console.log(`  state (invoke -> .sync output):     median ${result.stateMs.median} ms, p90 ${result.stateMs.p90} ms, min ${result.stateMs.min}, max ${result.stateMs.max}`);
}
