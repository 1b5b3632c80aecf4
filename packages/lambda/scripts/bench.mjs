#!/usr/bin/env node
// `npm run bench -w @harness/lambda`: what one local Lambda double call costs.
//
// One call = the local integration's `invoke` for a `lambda:invoke` Task state:
// parameters → InvocationMessage → the session's dispatch → the mock's handler
// → the Invoke response the state outputs. 10 000 calls one after another
// (after 1 000 to warm up); prints the median, p95 and p99 per call and
// whether the median is under the 2 ms target.
//
// The session is core's own local harness (createHarness, target local), so
// the dispatch measured is the one tests use. Needs the built packages
// (`npx tsup` in packages/core and packages/lambda). `--json` prints one object.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const json = process.argv.includes('--json');
const say = json ? () => {} : (line) => console.log(line);
const CALLS = 10_000;
const WARM_UP = 1_000;
const TARGET_MS = 2;

const { createHarness } = await import(pathToFileURL(join(here, '../../core/dist/index.js')).href);
const { lambdaAdapter } = await import(pathToFileURL(join(here, '../dist/index.js')).href);

// The same adapter, keeping hold of the integration core asks it for.
let integration;
const adapter = {
  ...lambdaAdapter,
  localIntegrations(config, context) {
    const integrations = lambdaAdapter.localIntegrations(config, context);
    integration = integrations[0];
    return integrations;
  },
};

const harness = await createHarness({ adapters: [adapter], target: 'local', config: { stack: 'bench', adapters: { lambda: { functions: { ChargeCard: {} } } } } });
try {
  await harness.lambda.mockFunction('ChargeCard', (event) => ({ charged: event.amount, currency: 'EUR' }));
  if (!integration) throw new Error('core did not ask the Lambda adapter for its local integrations');

  const task = (index) => ({
    resource: 'arn:aws:states:::lambda:invoke',
    stateName: 'Charge',
    input: { FunctionName: 'ChargeCard', Payload: { orderId: `o-${index}`, amount: 42 } },
    execution: { arn: 'arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:bench', name: 'bench', stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:OrderFlow' },
    signal: new AbortController().signal,
    callbacks: { succeed() {}, fail() {}, ended() {} },
  });

  for (let index = 0; index < WARM_UP; index++) await integration.invoke(task(index));

  const samples = new Float64Array(CALLS);
  let last;
  const started = performance.now();
  for (let index = 0; index < CALLS; index++) {
    const before = performance.now();
    last = await integration.invoke(task(index));
    samples[index] = performance.now() - before;
  }
  const totalMs = performance.now() - started;
  if (last?.StatusCode !== 200 || last?.Payload?.charged !== 42) throw new Error(`unexpected output: ${JSON.stringify(last)}`);

  samples.sort();
  const at = (fraction) => samples[Math.min(CALLS - 1, Math.floor(fraction * CALLS))];
  const result = {
    calls: CALLS,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    callsPerSecond: Math.round(CALLS / (totalMs / 1000)),
    targetMs: TARGET_MS,
    underTarget: at(0.5) < TARGET_MS,
    node: process.version,
  };
  if (json) console.log(JSON.stringify(result));
  say(`local Lambda double call (lambda:invoke → dispatch → handler → Invoke response), ${CALLS} calls on Node ${process.version}:`);
  say(`  median ${(result.medianMs * 1000).toFixed(1)} µs, p95 ${(result.p95Ms * 1000).toFixed(1)} µs, p99 ${(result.p99Ms * 1000).toFixed(1)} µs, ${result.callsPerSecond} calls/s`);
  say(`  target: median under ${TARGET_MS} ms — ${result.underTarget ? 'met' : 'MISSED'}`);
  process.exitCode = result.underTarget ? 0 : 1;
} finally {
  await harness.close();
}
