#!/usr/bin/env node
// `npm run bench` section 6 (also alone: `node scripts/bench-carriage.mjs`): invocation carriage on the
// aws target under load and faults, on a moto server on loopback.
//
// 1. moto's raw ceiling: the SQS/DynamoDB calls one ECS invocation needs, made back to back with no
//    harness logic, at 1 / 50 / 200 concurrent: GetItem(route), SendMessage, ReceiveMessage,
//    PutItem(result, conditional), DeleteMessage, GetItem(result); the agent's side with the agent's own
//    signer and node:http, the session's side with the AWS SDK, as in the harness.
// 2. ECS invocations through the harness at 1 / 50 / 200 concurrent: the container agent
//    (dist/agent.mjs, in this process) → the session's listener → the handler → the agent has its exit
//    code. Invocations per second, p50/p95 of one agent run, result polls per invocation, and the
//    ratios to (1) and between 200 and 50.
// 3. 1,000 Lambda function double calls (dist/lambda-double.mjs, in this process) at 50 concurrent,
//    with Lambda's default harness timeout (30 s): timeouts and other failures.
// 4. `--faults` (on by default; `--no-faults` skips it): 1,000 ECS invocations at 50 concurrent through a
//    loopback proxy that, for a fraction of calls, loses the answer, resets the connection, answers 500
//    or ThrottlingException, or delays it: lost, answered twice, longest wait vs the timeout.
//
// Needs the built packages. `--json` prints one object; `--quick` runs a tenth of each count;
// `--concurrency=50,200` picks the ECS concurrencies; `--no-lambda` skips (3).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const withFaults = !process.argv.includes('--no-faults');
const withLambda = !process.argv.includes('--no-lambda');
// `--count-calls`: sections 2 and 3 go through two pass-through proxies (one for the session, one for the
// doubles) that count SQS/DynamoDB calls by operation, printed per invocation.
const countCalls = process.argv.includes('--count-calls');
const concurrencyArgument = process.argv.find((argument) => argument.startsWith('--concurrency='));
const concurrencies = concurrencyArgument ? concurrencyArgument.slice('--concurrency='.length).split(',').map(Number) : [1, 50, 200];
const say = json ? () => {} : (line) => console.log(line);
const scale = (n) => (quick ? Math.max(10, Math.round(n / 10)) : n);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const load = (path) => import(pathToFileURL(join(root, path)).href);
const { startMotoServer, motoEnvironment } = await load('packages/testing/dist/index.js');
const { createHarness } = await load('packages/core/dist/index.js');
const { ecsAdapter, exit } = await load('packages/ecs/dist/index.js');
const { lambdaAdapter } = await load('packages/lambda/dist/index.js');
const { signRequest } = await load('packages/container-agent/dist/index.js');
const { startFaultProxy, seededRandom } = await load('packages/core/tests/support/fault-proxy.mjs');
const requireCore = createRequire(join(root, 'packages/core/package.json'));
const { DynamoDBClient, PutItemCommand } = requireCore('@aws-sdk/client-dynamodb');
const { SQSClient, CreateQueueCommand, ReceiveMessageCommand, DeleteMessageCommand, DeleteQueueCommand } = requireCore('@aws-sdk/client-sqs');
const { ECSClient, DescribeTaskDefinitionCommand } = createRequire(join(root, 'packages/ecs/package.json'))('@aws-sdk/client-ecs');

const percentile = (values, p) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (value, digits = 0) => Number(value.toFixed(digits));

/** Runs `count` jobs with at most `concurrency` at once; returns the wall time in ms. */
async function pool(count, concurrency, job) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await job(next++);
    }),
  );
  return performance.now() - started;
}

const moto = await startMotoServer();
Object.assign(process.env, motoEnvironment(moto.endpoint));
say(`moto server on ${moto.endpoint}`);

// CPU time of this process (the session and the doubles) and of moto's, in ms, where /proc shows it (Linux).
const motoPid = (() => {
  try {
    const port = new URL(moto.endpoint).port;
    return readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && (() => {
      try {
        const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        return command.some((part) => part.endsWith('harness_moto_server.py')) && command.includes(port);
      } catch {
        return false;
      }
    })());
  } catch {
    return undefined;
  }
})();
const cpuMs = () => {
  const own = process.cpuUsage();
  let motoMs = NaN;
  try {
    const fields = readFileSync(`/proc/${motoPid}/stat`, 'utf8').split(') ')[1].split(' ');
    motoMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {}
  return { node: (own.user + own.system) / 1000, moto: motoMs };
};
/** CPU ms per invocation of each process since `before`, as text. */
const cpuPerInvocation = (before, invocations) => {
  const after = cpuMs();
  const per = (key) => round((after[key] - before[key]) / invocations, 1);
  return { nodeMs: per('node'), motoMs: per('moto') };
};
const results = { concurrencies };
let harness;
let proxy;
const metadata = createServer((request, response) => {
  const task = request.url.endsWith('/task');
  response.writeHead(200, { 'content-type': 'application/json' });
  const id = request.url.split('/')[2];
  response.end(
    JSON.stringify(
      task ? { Cluster: 'bench', TaskARN: `arn:aws:ecs:us-east-1:000000000000:task/bench/${id}`, Family: 'Bench', Revision: '1', Containers: [] } : { Name: 'Main', DockerId: id },
    ),
  );
});
try {
  const stack = `carriage-${Date.now().toString(36)}`;
  const configPath = join(mkdtempSync(join(tmpdir(), 'harness-bench-carriage-')), 'harness.config.json');
  writeFileSync(configPath, JSON.stringify({ stack, adapters: { ecs: { families: { Bench: { containers: ['Main'] } } }, lambda: { functions: { BenchFn: {} } } } }));
  await promisify(execFile)(process.execPath, [join(root, 'packages/cli/dist/bin.js'), 'deploy', '--adapters', 'ecs,lambda', '--config', configPath]);
  say(`deployed ${stack} (core + ecs + lambda)`);
  await new Promise((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  const metadataBase = `http://127.0.0.1:${metadata.address().port}`;
  const described = await new ECSClient({}).send(new DescribeTaskDefinitionCommand({ taskDefinition: 'Bench' }));
  const taskEnvironment = Object.fromEntries((described.taskDefinition.containerDefinitions[0].environment ?? []).map((variable) => [variable.name, variable.value]));
  const routesTable = taskEnvironment.HARNESS_ROUTES_TABLE;
  const resultsTable = taskEnvironment.HARNESS_RESULTS_TABLE;
  const { main } = await load('packages/container-agent/dist/agent.mjs');
  const { invokeDouble } = await load('packages/container-agent/dist/lambda-double.mjs');

  // The agents' JSON log lines are kept (for their poll counts), not printed.
  const realWrite = process.stdout.write.bind(process.stdout);
  let logLines = [];
  process.stdout.write = (chunk, ...rest) => {
    const text = String(chunk);
    if (!text.startsWith('{"time"')) return realWrite(chunk, ...rest);
    for (const line of text.split('\n')) if (line) logLines.push(line);
    return true;
  };
  const pollsPerInvocation = () => {
    const polls = logLines.map((line) => JSON.parse(line)).filter((line) => line.message === 'result received').map((line) => line.polls);
    logLines = [];
    return polls.length ? round(polls.reduce((a, b) => a + b, 0) / polls.length, 1) : null;
  };

  // ----- 1. raw ceiling -----
  const agentEnv = motoEnvironment(moto.endpoint);
  const rawCall = (service, operation, input) =>
    new Promise((resolve, reject) => {
      const [prefix, version] = service === 'sqs' ? ['AmazonSQS', '1.0'] : ['DynamoDB_20120810', '1.0'];
      const url = `${moto.endpoint}/`;
      const body = JSON.stringify(input);
      const headers = signRequest({
        method: 'POST',
        url,
        headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': `${prefix}.${operation}` },
        service,
        region: 'us-east-1',
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        body,
      });
      delete headers.host;
      httpRequest(url, { method: 'POST', headers }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString() || '{}')) : reject(new Error(`${operation}: HTTP ${response.statusCode} ${Buffer.concat(chunks)}`))));
        response.on('error', reject);
      })
        .on('error', reject)
        .end(body);
    });
  const sqs = new SQSClient({});
  const dynamodb = new DynamoDBClient({});
  const rawQueue = (await sqs.send(new CreateQueueCommand({ QueueName: `${stack}-raw` }))).QueueUrl;
  await rawCall('dynamodb', 'PutItem', {
    TableName: routesTable,
    Item: { double: { S: 'ecs:Raw' }, session: { S: 'raw' }, queueUrl: { S: rawQueue }, expiresAt: { N: String(Math.floor(Date.now() / 1000) + 3600) } },
  });
  const payload = JSON.stringify({ v: 1, invocationId: 'x', double: 'ecs:Raw', session: 'raw', payload: { command: ['1'], environment: taskEnvironment }, sentAt: new Date().toISOString() });
  results.raw = {};
  for (const concurrency of results.concurrencies) {
    const count = scale(concurrency === 1 ? 100 : concurrency === 50 ? 500 : 1000);
    const cpuBefore = cpuMs();
    const wallMs = await pool(count, concurrency, async (i) => {
      const id = `raw-${concurrency}-${i}`;
      await rawCall('dynamodb', 'GetItem', { TableName: routesTable, Key: { double: { S: 'ecs:Raw' } }, ConsistentRead: true });
      await rawCall('sqs', 'SendMessage', { QueueUrl: rawQueue, MessageBody: payload.replace('"x"', JSON.stringify(id)) });
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: rawQueue, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
      for (const message of received.Messages ?? []) {
        await dynamodb.send(
          new PutItemCommand({
            TableName: resultsTable,
            Item: { invocationId: { S: `${id}-${message.MessageId}` }, session: { S: 'raw' }, result: { S: '{"status":"ok","value":{"exitCode":1}}' }, expiresAt: { N: '0' } },
            ConditionExpression: 'attribute_not_exists(invocationId)',
          }),
        );
        await sqs.send(new DeleteMessageCommand({ QueueUrl: rawQueue, ReceiptHandle: message.ReceiptHandle }));
      }
      await rawCall('dynamodb', 'GetItem', { TableName: resultsTable, Key: { invocationId: { S: id } }, ConsistentRead: true });
    });
    results.raw[concurrency] = { invocations: count, perSecond: round((count / wallMs) * 1000, 1), cpuPerInvocation: cpuPerInvocation(cpuBefore, count) };
    const { nodeMs, motoMs } = results.raw[concurrency].cpuPerInvocation;
    say(`moto raw ceiling (6 calls per invocation), ${concurrency} concurrent: ${results.raw[concurrency].perSecond} invocations/s (CPU per invocation: node ${nodeMs} ms, moto ${motoMs} ms)`);
  }
  await sqs.send(new DeleteQueueCommand({ QueueUrl: rawQueue }));

  // ----- 2. ECS invocations through the harness -----
  const counters = countCalls ? { session: await startFaultProxy(moto.endpoint), doubles: await startFaultProxy(moto.endpoint) } : undefined;
  const callsPerInvocation = (invocations) => {
    if (!counters) return undefined;
    const perSide = {};
    for (const [side, counter] of Object.entries(counters)) {
      perSide[side] = Object.fromEntries(Object.entries(counter.calls).map(([operation, calls]) => [operation, round(calls / invocations, 2)]));
      for (const operation of Object.keys(counter.calls)) delete counter.calls[operation];
    }
    return perSide;
  };
  if (counters) agentEnv.AWS_ENDPOINT_URL = counters.doubles.url;
  harness = await createHarness({
    target: 'aws',
    adapters: [ecsAdapter, lambdaAdapter],
    config: configPath,
    ...(counters ? { clients: { sqs: new SQSClient({ endpoint: counters.session.url }), dynamodb: new DynamoDBClient({ endpoint: counters.session.url }) } } : {}),
  });
  const runs = new Map();
  const bench = await harness.ecs.mockTask('Bench', ({ command }) => {
    runs.set(command[0], (runs.get(command[0]) ?? 0) + 1);
    return exit(Number(command[1]));
  });
  const runAgent = async (id, env = {}) => {
    const code = Number(id.split('-').at(-1)) % 7;
    const started = performance.now();
    const exitCode = await main([id, String(code)], {
      ...taskEnvironment,
      ...agentEnv,
      HARNESS_LOG_LEVEL: 'debug',
      ECS_CONTAINER_METADATA_URI_V4: `${metadataBase}/v4/${id}`,
      ...env,
    });
    return { id, ok: exitCode === code, exitCode, ms: performance.now() - started };
  };
  await runAgent('warm-0');
  pollsPerInvocation();
  callsPerInvocation(1);
  results.ecs = {};
  for (const concurrency of results.concurrencies) {
    const count = scale(concurrency === 1 ? 100 : concurrency === 50 ? 500 : 1000);
    bench.clear();
    runs.clear();
    const outcomes = [];
    const cpuBefore = cpuMs();
    const wallMs = await pool(count, concurrency, async (i) => outcomes.push(await runAgent(`ecs-${concurrency}-${i}`)));
    const cpu = cpuPerInvocation(cpuBefore, count);
    const ms = outcomes.map((outcome) => outcome.ms);
    const wrong = outcomes.filter((outcome) => !outcome.ok);
    const twice = [...runs.values()].filter((times) => times > 1).length;
    results.ecs[concurrency] = {
      invocations: count,
      perSecond: round((count / wallMs) * 1000, 1),
      p50Ms: round(percentile(ms, 50)),
      p95Ms: round(percentile(ms, 95)),
      pollsPerInvocation: pollsPerInvocation(),
      wrongExitCodes: wrong.length,
      handlerRanTwice: twice,
      ofRawCeiling: round((count / wallMs) * 1000 / results.raw[concurrency].perSecond, 2),
      cpuPerInvocation: cpu,
    };
    const r = results.ecs[concurrency];
    say(
      `ECS invocations, ${concurrency} concurrent (${count}): ${r.perSecond}/s (${Math.round(r.ofRawCeiling * 100)} % of moto's raw ceiling), ` +
        `p50 ${r.p50Ms} ms, p95 ${r.p95Ms} ms, ${r.pollsPerInvocation} polls per invocation, ${r.wrongExitCodes} wrong exit codes, ${twice} handlers run twice ` +
        `(CPU per invocation: node ${cpu.nodeMs} ms, moto ${cpu.motoMs} ms)`,
    );
    if (wrong.length) say(`  wrong: ${JSON.stringify(wrong.slice(0, 5))}`);
    if (counters) {
      r.callsPerInvocation = callsPerInvocation(count);
      say(`  calls per invocation: ${JSON.stringify(r.callsPerInvocation)}`);
    }
  }
  if (results.ecs[200] && results.ecs[50]) {
    results.ecs.ratio200to50 = round(results.ecs[200].perSecond / results.ecs[50].perSecond, 2);
    say(`ECS invocations/s at 200 concurrent ÷ at 50: ${results.ecs.ratio200to50}`);
  }

  // ----- 3. Lambda double calls -----
  if (withLambda) {
    await harness.lambda.mockFunction('BenchFn', (event) => ({ echoed: event.index }));
    const lambdaEnv = { ...agentEnv, HARNESS_DOUBLE: 'lambda:BenchFn', HARNESS_ROUTES_TABLE: routesTable, HARNESS_RESULTS_TABLE: resultsTable, HARNESS_TIMEOUT_MS: '30000' };
    const lambdaCount = scale(1000);
    const failures = {};
    const lambdaMs = [];
    const lambdaWall = await pool(lambdaCount, 50, async (index) => {
      const started = performance.now();
      try {
        const answer = await invokeDouble({ index }, { getRemainingTimeInMillis: () => 30_000 - (performance.now() - started) }, lambdaEnv);
        if (answer?.echoed !== index) failures.wrongAnswer = (failures.wrongAnswer ?? 0) + 1;
      } catch (error) {
        failures[error.name] = (failures[error.name] ?? 0) + 1;
      }
      lambdaMs.push(performance.now() - started);
    });
    logLines = [];
    results.lambda = {
      calls: lambdaCount,
      concurrency: 50,
      perSecond: round((lambdaCount / lambdaWall) * 1000, 1),
      p95Ms: round(percentile(lambdaMs, 95)),
      timeouts: failures['Harness.Timeout'] ?? 0,
      failures,
    };
    say(`Lambda double calls, ${lambdaCount} at 50 concurrent: ${results.lambda.timeouts} Harness.Timeout, failures ${JSON.stringify(failures)}, ${results.lambda.perSecond}/s, p95 ${results.lambda.p95Ms} ms`);
  }
  await harness.close();
  harness = undefined;
  for (const counter of Object.values(counters ?? {})) await counter.close();
  if (counters) agentEnv.AWS_ENDPOINT_URL = moto.endpoint;

  // ----- 4. the same through a faulty proxy -----
  if (withFaults) {
    const random = seededRandom(10);
    const rate = 0.03;
    const kinds = ['lose-response', 'reset-after', 'reset-before', 'error-500', 'throttle', 'delay'];
    proxy = await startFaultProxy(moto.endpoint, {
      decide: (operation) => {
        if (!/ReceiveMessage|SendMessage|GetItem|PutItem|DeleteMessage|UpdateItem|ChangeMessageVisibility/.test(operation)) return undefined;
        return random() < rate ? kinds[Math.floor(random() * kinds.length)] : undefined;
      },
    });
    const viaProxy = { endpoint: proxy.url };
    harness = await createHarness({
      target: 'aws',
      adapters: [ecsAdapter],
      config: configPath,
      clients: { sqs: new SQSClient(viaProxy), dynamodb: new DynamoDBClient(viaProxy) },
      onError: () => {},
    });
    runs.clear();
    const faulty = await harness.ecs.mockTask('Bench', ({ command }) => {
      runs.set(command[0], (runs.get(command[0]) ?? 0) + 1);
      return exit(Number(command[1]));
    });
    const timeoutMs = 60_000;
    const count = scale(1000);
    const outcomes = [];
    const wallMs = await pool(count, 50, async (i) =>
      outcomes.push(await runAgent(`fault-${i}`, { AWS_ENDPOINT_URL: proxy.url, HARNESS_TIMEOUT_MS: String(timeoutMs) })),
    );
    logLines = [];
    const lost = outcomes.filter((outcome) => !outcome.ok);
    const twice = [...runs.values()].filter((times) => times > 1).length;
    const longest = Math.max(...outcomes.map((outcome) => outcome.ms));
    const injected = Object.values(proxy.counts).reduce((a, b) => a + b, 0);
    results.faults = {
      invocations: count,
      injectedFaults: injected,
      faultsByCall: proxy.counts,
      lost: lost.length,
      handlerRanTwice: twice,
      answersRecorded: faulty.invocations.length,
      longestMs: round(longest),
      timeoutMs,
      p95Ms: round(percentile(outcomes.map((outcome) => outcome.ms), 95)),
      perSecond: round((count / wallMs) * 1000, 1),
    };
    say(
      `faults: ${count} ECS invocations at 50 concurrent, ${injected} faults injected (${rate * 100} % of calls): ${lost.length} lost, ` +
        `${twice} handlers run twice, longest wait ${results.faults.longestMs} ms (timeout ${timeoutMs} ms), p95 ${results.faults.p95Ms} ms, ${results.faults.perSecond}/s`,
    );
    if (lost.length) say(`  lost: ${JSON.stringify(lost.slice(0, 5))}`);
  }
  process.stdout.write = realWrite;
} finally {
  await harness?.close().catch(() => {});
  await proxy?.close();
  metadata.close();
  await moto.stop();
}
if (json) console.log(JSON.stringify(results));
