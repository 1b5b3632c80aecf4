#!/usr/bin/env node
// Measures what an ECS task double's container costs: the size of the
// bootstrap that travels in every task definition, the time from spawning
// `node -e <bootstrap> -- <command>` to SendMessage done, and the peak RSS of
// that process over one invocation round trip (bootstrap, S3 GetObject,
// SHA-256 check, agent, route, SendMessage, result, exit).
//
// It starts its own moto server on loopback (packages/testing), a loopback
// task metadata and container credentials endpoint, and answers every
// invocation itself. Node built-ins only; it runs the built dist/.
//
//   node scripts/measure-footprint.mjs                  # 7 measured runs after one warm-up
//   node scripts/measure-footprint.mjs --runs 12 --json
//   node scripts/measure-footprint.mjs --dist /tmp/other-build/dist
//   node scripts/measure-footprint.mjs --node-option=--max-semi-space-size=1
//
// Peak RSS comes from `/usr/bin/time` ("Maximum resident set size") when it
// exists, else from the agent's own `agent finished` debug line (maxRssKb).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    dist: { type: 'string', default: join(here, '..', 'dist') },
    'node-option': { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(
    'Usage: node scripts/measure-footprint.mjs [--runs N] [--dist DIR] [--node-option=FLAG]... [--json]\n' +
      '  --runs         measured runs after one warm-up run (default 7)\n' +
      '  --dist         the built package to measure (default: this package\'s dist/)\n' +
      '  --node-option  an extra node flag put before the entry point\'s own (repeatable)\n' +
      '  --json         one JSON object on stdout instead of the table\n',
  );
  process.exit(0);
}
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a whole number from 1 up, not '${options.runs}'.`);
const dist = resolve(options.dist);
const log = options.json ? () => {} : (line) => process.stderr.write(`${line}\n`);

function fail(message) {
  process.stderr.write(`measure-footprint: ${message}\n`);
  process.exit(1);
}

// ----- what to measure -----

if (!existsSync(join(dist, 'index.js')) || !existsSync(join(dist, 'agent.cjs'))) {
  fail(`${dist} has no index.js and agent.cjs. To fix this, run \`npx tsup\` in packages/container-agent.`);
}
const pkg = await import(pathToFileURL(join(dist, 'index.js')).href);
const agent = pkg.readAgentArtifact();
const [, ...entryArgs] = pkg.bootstrapEntryPoint(); // ['node', ...flags, '-e', script, '--']
const nodeArgs = [...options['node-option'], ...entryArgs];

const testingEntry = join(here, '..', '..', 'testing', 'dist', 'index.js');
if (!existsSync(testingEntry)) fail(`${testingEntry} is missing. To fix this, run \`npx tsup\` in packages/testing.`);
const { startMotoServer } = await import(pathToFileURL(testingEntry).href);

const timeBinary = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0 ? '/usr/bin/time' : undefined;

// ----- AWS calls to moto, signed with the package's own signer -----

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function awsRequest(endpoint, service, method, path, headers, body) {
  const url = `${endpoint}${path}`;
  const signed = pkg.signRequest({ method, url, headers, body, service, region: REGION, credentials: CREDENTIALS });
  delete signed.host;
  const response = await fetch(url, { method, headers: signed, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${method} ${path} failed: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}

async function callJson(endpoint, service, target, input) {
  const version = service === 'ecs' ? '1.1' : '1.0';
  const text = await awsRequest(
    endpoint,
    service,
    'POST',
    '/',
    { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target },
    JSON.stringify(input),
  );
  return text ? JSON.parse(text) : {};
}

async function createStack(endpoint) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const stack = {
    bucket: `measure-${suffix}`,
    routesTable: `measure-routes-${suffix}`,
    resultsTable: `measure-results-${suffix}`,
  };
  await awsRequest(endpoint, 's3', 'PUT', `/${stack.bucket}`, {});
  for (const [table, key] of [
    [stack.routesTable, 'double'],
    [stack.resultsTable, 'invocationId'],
  ]) {
    await callJson(endpoint, 'dynamodb', 'DynamoDB_20120810.CreateTable', {
      TableName: table,
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
  }
  const queue = await callJson(endpoint, 'sqs', 'AmazonSQS.CreateQueue', { QueueName: `measure-session-${suffix}` });
  stack.queueUrl = queue.QueueUrl;
  stack.agentKey = `agent/${agent.sha256}.mjs`;
  await awsRequest(endpoint, 's3', 'PUT', `/${stack.bucket}/${stack.agentKey}`, {}, agent.body);
  return stack;
}

// ----- loopback task metadata (v4) and container credentials endpoint -----

const TASK = {
  Cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/harness',
  TaskARN: 'arn:aws:ecs:us-east-1:123456789012:task/harness/0123456789abcdef0123456789abcdef',
  Family: 'RenderPdf',
  Revision: '1',
};
const AUTHORIZATION_TOKEN = `token-${Math.random().toString(36).slice(2)}`;

async function startLocalEndpoints() {
  const server = createServer((request, response) => {
    const reply = (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/credentials') {
      if (request.headers.authorization !== AUTHORIZATION_TOKEN) return reply(403, { message: 'bad token' });
      return reply(200, {
        AccessKeyId: 'testing',
        SecretAccessKey: 'testing',
        Token: 'testing-session',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
      });
    }
    if (request.url === '/v4/c1') return reply(200, { Name: 'renderer', DockerId: 'c1' });
    if (request.url === '/v4/c1/task') return reply(200, { ...TASK, Containers: [] });
    return reply(404, { message: `nothing at ${request.url}` });
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, close: () => new Promise((done) => server.close(done)) };
}

// ----- one container run -----

async function answerInvocation(endpoint, stack, deadline) {
  while (Date.now() < deadline) {
    const answer = await callJson(endpoint, 'sqs', 'AmazonSQS.ReceiveMessage', {
      QueueUrl: stack.queueUrl,
      WaitTimeSeconds: 1,
      MaxNumberOfMessages: 1,
    });
    const message = answer.Messages?.[0];
    if (!message) continue;
    await callJson(endpoint, 'sqs', 'AmazonSQS.DeleteMessage', { QueueUrl: stack.queueUrl, ReceiptHandle: message.ReceiptHandle });
    const invocation = JSON.parse(message.Body);
    await callJson(endpoint, 'dynamodb', 'DynamoDB_20120810.PutItem', {
      TableName: stack.resultsTable,
      Item: {
        invocationId: { S: invocation.invocationId },
        session: { S: invocation.session },
        result: { S: JSON.stringify({ status: 'ok', value: { exitCode: 0 } }) },
      },
    });
    return;
  }
  throw new Error(`no invocation arrived on ${stack.queueUrl}`);
}

async function runContainer(endpoint, local, stack, index, scratch) {
  const double = `ecs:Measure${index}`;
  await callJson(endpoint, 'dynamodb', 'DynamoDB_20120810.PutItem', {
    TableName: stack.routesTable,
    Item: {
      double: { S: double },
      session: { S: 'measure' },
      queueUrl: { S: stack.queueUrl },
      expiresAt: { N: String(Math.floor(Date.now() / 1000) + 300) },
    },
  });
  // What ECS gives a container with a task role: no static credentials.
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TMPDIR: scratch,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${local.base}/credentials`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: AUTHORIZATION_TOKEN,
    ECS_CONTAINER_METADATA_URI_V4: `${local.base}/v4/c1`,
    HARNESS_DOUBLE: double,
    HARNESS_ROUTES_TABLE: stack.routesTable,
    HARNESS_RESULTS_TABLE: stack.resultsTable,
    HARNESS_AGENT_BUCKET: stack.bucket,
    HARNESS_AGENT_KEY: stack.agentKey,
    HARNESS_AGENT_SHA256: agent.sha256,
    HARNESS_LOG_LEVEL: 'debug',
  };
  const rssFile = join(scratch, `rss-${index}`);
  const args = [...nodeArgs, '--order', 'o-1'];
  const [command, commandArgs] = timeBinary
    ? [timeBinary, ['-f', '%M', '-o', rssFile, process.execPath, ...args]]
    : [process.execPath, args];

  const spawnedAt = Date.now();
  const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let answering;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    // Answer once SendMessage is done, so nothing polls moto while the container starts.
    if (!answering && stdout.includes('"message":"invocation sent"')) {
      answering = answerInvocation(endpoint, stack, Date.now() + 20_000);
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((done) => child.once('close', done));
  clearTimeout(timer);
  await answering;

  const lines = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const sent = lines.find((line) => line.message === 'invocation sent');
  const finished = lines.find((line) => line.message === 'agent finished');
  if (code !== 0 || !sent || !finished) {
    throw new Error(`run ${index} exited ${code} without the expected log lines.\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  }
  const timePeak = timeBinary ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return {
    spawnToSendMessageMs: Date.parse(sent.time) - spawnedAt,
    wholeRunMs: Date.now() - spawnedAt,
    peakRssKb: timePeak ?? Number(finished.maxRssKb),
    agentMaxRssKb: Number(finished.maxRssKb),
  };
}

function bareNodeRssKb() {
  if (!timeBinary) return undefined;
  const result = spawnSync(timeBinary, ['-f', '%M', process.execPath, '-e', '1'], { encoding: 'utf8' });
  return Number(result.stderr.trim().split('\n').pop());
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

// ----- main -----

const scratch = mkdtempSync(join(tmpdir(), 'harness-footprint-'));
log(`starting moto server…`);
const moto = await startMotoServer();
const local = await startLocalEndpoints();
let results;
let warmUp;
try {
  const stack = await createStack(moto.endpoint);
  log(`warm-up run (cold moto)…`);
  warmUp = await runContainer(moto.endpoint, local, stack, 0, scratch);
  results = [];
  for (let index = 1; index <= runs; index++) {
    const result = await runContainer(moto.endpoint, local, stack, index, scratch);
    log(`run ${index}/${runs}: spawn → SendMessage ${result.spawnToSendMessageMs} ms, peak RSS ${result.peakRssKb} KB`);
    results.push(result);
  }
} finally {
  await local.close();
  await moto.stop();
  rmSync(scratch, { recursive: true, force: true });
}

const bare = [];
for (let index = 0; index < runs; index++) bare.push(bareNodeRssKb());
const report = {
  dist,
  node: process.version,
  nodeArgs: nodeArgs.map((arg) => (arg === pkg.BOOTSTRAP_SCRIPT ? '<bootstrap>' : arg)),
  runs,
  peakRssSource: timeBinary ? '/usr/bin/time %M' : 'agent debug line (maxRssKb)',
  bootstrapBytes: Buffer.byteLength(pkg.BOOTSTRAP_SCRIPT),
  agentBytes: agent.body.byteLength,
  spawnToSendMessageMs: summary(results.map((result) => result.spawnToSendMessageMs)),
  wholeRunMs: summary(results.map((result) => result.wholeRunMs)),
  peakRssKb: summary(results.map((result) => result.peakRssKb)),
  agentMaxRssKb: summary(results.map((result) => result.agentMaxRssKb)),
  bareNodeRssKb: timeBinary ? summary(bare) : undefined,
  warmUp,
};

if (options.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const row = (label, { median, min, max }, unit) => `${label.padEnd(28)} ${String(median).padStart(7)} ${unit}   (min ${min}, max ${max})`;
  process.stdout.write(
    [
      `container footprint — ${runs} runs after one warm-up, node ${process.version}, ${report.nodeArgs.join(' ')}`,
      `${'bootstrap'.padEnd(28)} ${String(report.bootstrapBytes).padStart(7)} bytes`,
      `${'agent'.padEnd(28)} ${String(report.agentBytes).padStart(7)} bytes`,
      row('spawn → SendMessage (median)', report.spawnToSendMessageMs, 'ms'),
      row('whole run (median)', report.wholeRunMs, 'ms'),
      row('peak RSS (median)', report.peakRssKb, 'KB'),
      row('agent maxRssKb (median)', report.agentMaxRssKb, 'KB'),
      ...(report.bareNodeRssKb ? [row('bare `node -e 1` (median)', report.bareNodeRssKb, 'KB')] : []),
      `warm-up (cold moto): spawn → SendMessage ${warmUp.spawnToSendMessageMs} ms, peak RSS ${warmUp.peakRssKb} KB`,
      '',
    ].join('\n'),
  );
}
