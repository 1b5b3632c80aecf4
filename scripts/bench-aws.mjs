#!/usr/bin/env node
// `npm run bench` section 5: the aws target on moto server (loopback), with moto's Step Functions execution engine on:
//
// 1. Deploy of core + ecs + lambda + stepfunctions with the built CLI: cold, then again with no change.
// 2. State machine double round trip: StartExecution of the deployed double → its ASL reads the route,
//    sends the invocation, the test's handler answers, the double polls the result → DescribeExecution
//    says SUCCEEDED. `--runs N` executions one after another (default 50); median, p95, min, max.
// 3. Lambda double round trip: Invoke of the deployed double (moto runs its code in a node process,
//    packages/moto/python/fix_lambda_node_runtime.py) → the test's handler → Invoke returns its value.
//    `--runs` invocations one after another.
// 4. `executeOnAws` overhead: the same executions through harness's driver, wall time minus the execution's own
//    duration (stopDate − startDate from DescribeExecution): what waiting for the end costs. Target < 200 ms median.
//
// Run from the repository root after `npx nx run-many -t build`. `--json` prints one object.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 50;
const say = json ? () => {} : (line) => console.log(line);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const load = (path) => import(pathToFileURL(join(root, path)).href);
const { startMotoServer, motoEnvironment } = await load('packages/testing/dist/index.js');
const { createHarness } = await load('packages/core/dist/index.js');
const { stepFunctionsAdapter, executeOnAws } = await load('packages/stepfunctions/dist/index.js');
const { deployedFunctionName, lambdaAdapter } = await load('packages/lambda/dist/index.js');
const { LambdaClient, InvokeCommand } = createRequire(join(root, 'packages/lambda/package.json'))('@aws-sdk/client-lambda');
const { SFNClient, StartExecutionCommand, DescribeExecutionCommand, ListStateMachinesCommand } = createRequire(
  join(root, 'packages/stepfunctions/package.json'),
)('@aws-sdk/client-sfn');

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

const moto = await startMotoServer();
Object.assign(process.env, motoEnvironment(moto.endpoint));
const results = {};
let harness;
try {
  const engine = await fetch(`${moto.endpoint}/moto-api/config`, {
    method: 'POST',
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
    headers: { 'content-type': 'application/json' },
  });
  if (!engine.ok) throw new Error(`moto-api/config answered ${engine.status}`);

  // ----- 1. deploy -----
  const stack = `bench-${Date.now().toString(36)}`;
  const configPath = join(mkdtempSync(join(tmpdir(), 'harness-bench-aws-')), 'harness.config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      stack,
      adapters: {
        ecs: { families: { Bench: { containers: ['Main'] } } },
        lambda: { functions: { Bench: {} } },
        stepfunctions: { stateMachines: { Bench: {} } },
      },
    }),
  );
  const deploy = async () => {
    const started = performance.now();
    await promisify(execFile)(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'deploy', '--adapters', 'ecs,lambda,stepfunctions', '--config', configPath]);
    return Math.round(performance.now() - started);
  };
  results.deployAllThree = { coldMs: await deploy(), noChangeMs: await deploy() };
  say(`deploy of core + ecs + lambda + stepfunctions on moto: cold ${results.deployAllThree.coldMs} ms, no change ${results.deployAllThree.noChangeMs} ms`);

  // ----- 2. state machine double round trip -----
  harness = await createHarness({ target: 'aws', adapters: [stepFunctionsAdapter, lambdaAdapter], config: configPath });
  await harness.stepFunctions.mockStateMachine('Bench', ({ input }) => ({ echoed: input }));
  const sfn = new SFNClient({});
  const listed = await sfn.send(new ListStateMachinesCommand({}));
  const stateMachineArn = listed.stateMachines?.find((machine) => machine.name === 'Bench')?.stateMachineArn;
  if (!stateMachineArn) throw new Error(`the deployed double Bench is not among the state machines moto lists: ${JSON.stringify(listed.stateMachines)}`);
  const durations = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `bench-${index}-${Date.now()}`, input: JSON.stringify({ index }) }));
    let described;
    for (;;) {
      described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (described.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (described.status !== 'SUCCEEDED' || JSON.parse(described.output).echoed.index !== index) {
      throw new Error(`execution ${index} ended ${described.status}: ${described.error ?? ''} ${described.cause ?? described.output}`);
    }
    durations.push(performance.now() - started);
  }
  const ms = (value) => Math.round(value);
  results.stateMachineDouble = {
    runs,
    medianMs: ms(percentile(durations, 50)),
    p95Ms: ms(percentile(durations, 95)),
    minMs: ms(Math.min(...durations)),
    maxMs: ms(Math.max(...durations)),
  };
  const { medianMs, p95Ms, minMs, maxMs } = results.stateMachineDouble;
  say(`state machine double round trip on moto's engine, ${runs} executions: median ${medianMs} ms, p95 ${p95Ms} ms (min ${minMs}, max ${maxMs})`);

  // ----- 4. executeOnAws: wall time minus the execution's own duration -----
  const overheadMs = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    const run = await executeOnAws({ client: sfn, stateMachineArn, input: { index }, name: `bench-driver-${index}-${Date.now()}`, timeoutMs: 60_000 });
    const wall = performance.now() - started;
    if (run.status !== 'SUCCEEDED' || run.output?.echoed?.index !== index) throw new Error(`executeOnAws ${index} ended ${run.status}: ${run.error ?? ''} ${run.cause ?? ''}`);
    overheadMs.push(wall - (run.stopDate.getTime() - run.startDate.getTime()));
  }
  results.executeOverhead = { runs, medianMs: ms(percentile(overheadMs, 50)), p95Ms: ms(percentile(overheadMs, 95)) };
  say(`executeOnAws on moto, wall time minus the execution's own duration, ${runs} executions: median ${results.executeOverhead.medianMs} ms, p95 ${results.executeOverhead.p95Ms} ms (target: median < 200 ms)`);

  // ----- 3. Lambda double round trip -----
  await harness.lambda.mockFunction('Bench', (event) => ({ echoed: event }));
  const lambda = new LambdaClient({});
  const invokeMs = [];
  for (let index = -1; index < runs; index++) {
    const started = performance.now();
    // Deployed as <stack>-<name>, as every Lambda double is.
    const answer = await lambda.send(new InvokeCommand({ FunctionName: deployedFunctionName(stack, 'Bench'), Payload: JSON.stringify({ index }) }));
    const payload = JSON.parse(new TextDecoder().decode(answer.Payload));
    if (answer.FunctionError || payload.echoed?.index !== index) throw new Error(`invocation ${index} answered ${answer.FunctionError ?? ''} ${JSON.stringify(payload)}`);
    if (index >= 0) invokeMs.push(performance.now() - started); // index -1: warm-up, not counted
  }
  results.lambdaDouble = { runs, medianMs: ms(percentile(invokeMs, 50)), p95Ms: ms(percentile(invokeMs, 95)) };
  say(`Lambda double round trip on moto (Invoke → handler → answer), ${runs} invocations: median ${results.lambdaDouble.medianMs} ms, p95 ${results.lambdaDouble.p95Ms} ms`);
} finally {
  await harness?.close();
  await moto.stop();
}
if (json) console.log(JSON.stringify(results));
