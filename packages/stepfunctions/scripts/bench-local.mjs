// Median time of a local execution: a 10-state workflow with 3 Task states and
// trivial integrations, 50 runs after one warm-up (which pays the interpreter
// import and its one-off definition validation). Run after `npx tsup`:
//   node scripts/bench-local.mjs
import { runLocalExecution } from '../dist/index.js';

const RUNS = 50;
const task = (resource) => ({ Type: 'Task', Resource: resource });
const definition = {
  StartAt: 'Start',
  States: {
    Start: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.start', Next: 'Validate' },
    Validate: { ...task('arn:aws:states:::lambda:invoke'), ResultPath: '$.validation', Next: 'IsValid' },
    IsValid: { Type: 'Choice', Choices: [{ Variable: '$.validation.valid', BooleanEquals: true, Next: 'Prepare' }], Default: 'Rejected' },
    Prepare: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'args.$': "States.Array('--order', $.orderId)" }, ResultPath: '$.render', Next: 'Render' },
    Render: { ...task('arn:aws:states:::ecs:runTask.sync'), ResultPath: '$.rendered', Next: 'Pause' },
    Pause: { Type: 'Wait', Seconds: 0, Next: 'Notify' },
    Notify: { ...task('arn:aws:states:::sqs:sendMessage'), ResultPath: '$.notified', Next: 'Summarise' },
    Summarise: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'message.$': '$.notified.MessageId' }, Next: 'Done' },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'Order.Invalid' },
  },
};
const integrations = [
  { name: 'lambda', handles: (r) => r.startsWith('arn:aws:states:::lambda:'), invoke: async () => ({ valid: true }) },
  { name: 'ecs', handles: (r) => r.startsWith('arn:aws:states:::ecs:'), invoke: async () => ({ LastStatus: 'STOPPED' }) },
  { name: 'sqs', handles: (r) => r.startsWith('arn:aws:states:::sqs:'), invoke: async () => ({ MessageId: 'm-1' }) },
];

const first = performance.now();
const warm = await runLocalExecution({ definition, input: { orderId: 'o-1' }, integrations });
const firstMs = performance.now() - first;
if (warm.status !== 'SUCCEEDED') throw new Error(`warm-up ${warm.status}: ${warm.error} ${warm.cause}`);

const times = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const execution = await runLocalExecution({ definition, input: { orderId: `o-${run}` }, integrations });
  times.push(performance.now() - started);
  if (execution.status !== 'SUCCEEDED') throw new Error(`run ${run} ${execution.status}`);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
console.log(
  `10 states, 3 tasks, ${RUNS} runs: median ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)} ms, min ${times[0].toFixed(2)} ms, max ${times.at(-1).toFixed(2)} ms; ` +
    `first run (import + validation) ${firstMs.toFixed(0)} ms; node ${process.version}`,
);
