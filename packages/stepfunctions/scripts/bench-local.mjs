// The local engine's figures (run after the package's build: `npx tsup`):
//   node scripts/bench-local.mjs [--json]
// 1. first execution in a fresh process, import of the package included (a child process);
// 2. a 10-state JSONPath workflow with 3 Task states and trivial integrations: median over 200 warm runs;
// 3. its JSONata twin (same states, same data): median, and the ratio to (2) measured in the same loop;
// 4. a 1,000-item inline Map of Lambda doubles (harness.lambda.mockFunction behind lambda:invoke): median of 10.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist', 'index.js');
const json = process.argv.includes('--json');

const task = (resource, extra = {}) => ({ Type: 'Task', Resource: resource, ...extra });
export const jsonPathWorkflow = {
  StartAt: 'Start',
  States: {
    Start: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.start', Next: 'Validate' },
    Validate: task('arn:aws:states:::lambda:invoke', { ResultPath: '$.validation', Next: 'IsValid' }),
    IsValid: { Type: 'Choice', Choices: [{ Variable: '$.validation.valid', BooleanEquals: true, Next: 'Prepare' }], Default: 'Rejected' },
    Prepare: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'args.$': "States.Array('--order', $.orderId)" }, ResultPath: '$.render', Next: 'Render' },
    Render: task('arn:aws:states:::ecs:runTask.sync', { ResultPath: '$.rendered', Next: 'Pause' }),
    Pause: { Type: 'Wait', Seconds: 0, Next: 'Notify' },
    Notify: task('arn:aws:states:::sqs:sendMessage', { ResultPath: '$.notified', Next: 'Summarise' }),
    Summarise: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'message.$': '$.notified.MessageId' }, Next: 'Done' },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'Order.Invalid' },
  },
};
export const jsonataWorkflow = {
  QueryLanguage: 'JSONata',
  StartAt: 'Start',
  States: {
    Start: { Type: 'Pass', Output: '{% $merge([$states.input, {"start": {"ok": true}}]) %}', Next: 'Validate' },
    Validate: task('arn:aws:states:::lambda:invoke', { Output: '{% $merge([$states.input, {"validation": $states.result}]) %}', Next: 'IsValid' }),
    IsValid: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.validation.valid = true %}', Next: 'Prepare' }], Default: 'Rejected' },
    Prepare: { Type: 'Pass', Output: '{% $merge([$states.input, {"render": {"orderId": $states.input.orderId, "args": ["--order", $states.input.orderId]}}]) %}', Next: 'Render' },
    Render: task('arn:aws:states:::ecs:runTask.sync', { Output: '{% $merge([$states.input, {"rendered": $states.result}]) %}', Next: 'Pause' }),
    Pause: { Type: 'Wait', Seconds: 0, Next: 'Notify' },
    Notify: task('arn:aws:states:::sqs:sendMessage', { Output: '{% $merge([$states.input, {"notified": $states.result}]) %}', Next: 'Summarise' }),
    Summarise: { Type: 'Pass', Output: '{% {"orderId": $states.input.orderId, "message": $states.input.notified.MessageId} %}', Next: 'Done' },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'Order.Invalid' },
  },
};
export const integrations = [
  { name: 'lambda', handles: (r) => r.startsWith('arn:aws:states:::lambda:'), invoke: async () => ({ valid: true }) },
  { name: 'ecs', handles: (r) => r.startsWith('arn:aws:states:::ecs:'), invoke: async () => ({ LastStatus: 'STOPPED' }) },
  { name: 'sqs', handles: (r) => r.startsWith('arn:aws:states:::sqs:'), invoke: async () => ({ MessageId: 'm-1' }) },
];

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { runs: sorted.length, median: round(at(0.5)), p90: round(at(0.9)), min: round(sorted[0]) };
}
const round = (ms) => Math.round(ms * 1000) / 1000;

if (process.argv.includes('--first-run')) {
  // Child: import + validation + first execution, from before the import.
  const started = performance.now();
  const { runLocalExecution } = await import(dist);
  const imported = performance.now();
  const run = await runLocalExecution({ definition: jsonPathWorkflow, input: { orderId: 'o-1' }, integrations });
  if (run.status !== 'SUCCEEDED') throw new Error(`first run ${run.status}: ${run.error} ${run.cause}`);
  console.log(JSON.stringify({ importMs: round(imported - started), firstRunMs: round(performance.now() - started) }));
  process.exit(0);
}

const results = {};
const children = [];
for (let i = 0; i < 5; i++) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--first-run'], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`first-run child failed: ${child.stderr}`);
  children.push(JSON.parse(child.stdout.trim()));
}
results.firstExecution = {
  processes: children.length,
  importMs: stats(children.map((c) => c.importMs)).median,
  importAndFirstRunMs: stats(children.map((c) => c.firstRunMs)).median,
};

const { runLocalExecution, createStepFunctionsApi } = await import(dist);
for (let i = 0; i < 20; i++) {
  await runLocalExecution({ definition: jsonPathWorkflow, input: { orderId: 'w' }, integrations });
  await runLocalExecution({ definition: jsonataWorkflow, input: { orderId: 'w' }, integrations });
}
const jsonPathTimes = [];
const jsonataTimes = [];
for (let run = 0; run < 200; run++) {
  for (const [definition, times] of [
    [jsonPathWorkflow, jsonPathTimes],
    [jsonataWorkflow, jsonataTimes],
  ]) {
    const started = performance.now();
    const execution = await runLocalExecution({ definition, input: { orderId: `o-${run}` }, integrations });
    times.push(performance.now() - started);
    if (execution.status !== 'SUCCEEDED') throw new Error(`run ${run} ${execution.status}: ${execution.error} ${execution.cause}`);
  }
}
results.jsonPathWorkflow = stats(jsonPathTimes);
results.jsonataWorkflow = stats(jsonataTimes);
results.jsonataToJsonPathRatio = round(results.jsonataWorkflow.median / results.jsonPathWorkflow.median);

// A 1,000-item inline Map whose iterations call a Lambda double through the real local Lambda integration.
const { createHarness } = await import('@harness/core');
const { lambdaAdapter } = await import('@harness/lambda');
const { stepFunctionsAdapter } = await import(dist);
const harness = await createHarness({ adapters: [stepFunctionsAdapter, lambdaAdapter], config: { stack: 'bench', adapters: { lambda: { functions: { Price: {} } } } } });
await harness.lambda.mockFunction('Price', (event) => ({ sku: event.sku, price: 10 }));
const mapWorkflow = {
  StartAt: 'PriceAll',
  States: {
    PriceAll: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Price',
        States: {
          Price: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:Price', 'Payload.$': '$' },
            ResultSelector: { 'price.$': '$.Payload.price' },
            End: true,
          },
        },
      },
      End: true,
    },
  },
};
const items = Array.from({ length: 1000 }, (_, i) => ({ sku: `s-${i}` }));
const mapTimes = [];
for (let run = 0; run < 11; run++) {
  const started = performance.now();
  const execution = await harness.stepFunctions.execute(mapWorkflow, { items });
  if (run > 0) mapTimes.push(performance.now() - started);
  if (execution.status !== 'SUCCEEDED' || execution.output.length !== 1000) throw new Error(`map run ${execution.status}: ${execution.error} ${execution.cause}`);
}
await harness.close();
results.map1000LambdaDoubles = stats(mapTimes);

if (json) {
  console.log(JSON.stringify(results));
} else {
  const { firstExecution: f, jsonPathWorkflow: p, jsonataWorkflow: a, map1000LambdaDoubles: m } = results;
  console.log(
    `first execution in a fresh process: ${f.importAndFirstRunMs} ms including import (${f.importMs} ms), median of ${f.processes} processes; ` +
      `10-state JSONPath workflow: median ${p.median} ms, p90 ${p.p90} ms over ${p.runs}; ` +
      `JSONata twin: median ${a.median} ms (×${results.jsonataToJsonPathRatio}); ` +
      `1,000-item inline Map of Lambda doubles: median ${m.median} ms over ${m.runs}; node ${process.version}`,
  );
}
