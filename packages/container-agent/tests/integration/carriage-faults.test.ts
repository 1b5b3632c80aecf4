/**
 * The fault suite of the invocation carriage (issue 10): the built agent (dist/agent.cjs, in this
 * process) and core's AwsTransport talk to moto through a loopback proxy that loses answers, resets
 * connections, answers 500 / ThrottlingException and delays calls; a session in a child process is
 * killed; clocks are skewed by ±5 minutes. Every invocation must be answered exactly once, or end with
 * the exit code that says why, before its timeout. (The 1,000-invocation figures are in the bench:
 * scripts/bench-carriage.mjs.)
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsTransport } from '@harness/core';
import { AGENT_EXIT_CODES, type EcsInvocationPayload, type InvocationResult } from '@harness/core/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The proxy is plain JavaScript so the bench can use it unbuilt.
import { seededRandom, startFaultProxy, type FaultKind, type FaultProxy } from '../../../core/tests/support/fault-proxy.mjs';
import type * as Agent from '../../src/agent.js';
import { AGENT_PATH, createStack, loadBuiltPackage, motoEndpoint, startLocalEndpoints, type LocalEndpoints, type Stack } from './support.js';

const DOUBLE = 'ecs:Job';
let stack: Stack;
let endpoints: LocalEndpoints;
let proxy: FaultProxy;
let agent: typeof Agent;
const transports: AwsTransport[] = [];
const children: ChildProcess[] = [];

/** The agent's JSON log lines, kept instead of printed. */
const logs: Record<string, unknown>[] = [];
const realWrite = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  await loadBuiltPackage();
  agent = (await import(pathToFileURL(AGENT_PATH).href)) as typeof Agent;
  stack = await createStack();
  endpoints = await startLocalEndpoints({ container: 'Main', taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/t1', family: 'Job', revision: 1, cluster: 'c' });
  proxy = await startFaultProxy(motoEndpoint());
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = String(chunk);
    if (!text.startsWith('{"time"')) return realWrite(chunk, ...rest);
    for (const line of text.split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  }) as typeof process.stdout.write;
});

afterEach(async () => {
  proxy.decide = () => undefined;
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

afterAll(async () => {
  process.stdout.write = realWrite;
  await proxy?.close();
  await endpoints?.close();
});

const viaProxy = () => ({ endpoint: proxy.url, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

/** A session in this process whose handler answers exit(Number(command[1])) and counts runs per command[0]. */
async function startSession(options: { now?: () => number; runs?: Map<string, number> } = {}): Promise<{ transport: AwsTransport; runs: Map<string, number> }> {
  const runs = options.runs ?? new Map<string, number>();
  const transport = new AwsTransport({
    stackName: 'faults',
    session: `s${Math.random().toString(36).slice(2, 10)}`,
    core: { routesTable: stack.routesTable, resultsTable: stack.resultsTable, artifactsBucket: stack.bucket },
    sqs: new SQSClient(viaProxy()),
    dynamodb: new DynamoDBClient(viaProxy()),
    receiveWaitSeconds: 1,
    requestTimeoutMs: 3_000,
    visibilityTimeoutSeconds: 2,
    ...(options.now ? { now: options.now } : {}),
  });
  transports.push(transport);
  await transport.start(async (message): Promise<InvocationResult> => {
    const { command } = message.payload as EcsInvocationPayload;
    runs.set(command[0] ?? '', (runs.get(command[0] ?? '') ?? 0) + 1);
    return { status: 'ok', value: { exitCode: Number(command[1]) } };
  });
  return { transport, runs };
}

/** Runs the agent once for task `id`, expecting exit code `code`; returns what it exited with and how long it took. */
async function runAgent(id: string, code: number, options: { timeoutMs?: number; now?: () => number } = {}): Promise<{ id: string; exitCode: number; ms: number }> {
  const started = Date.now();
  const exitCode = await agent.main(
    [id, String(code)],
    {
      HARNESS_DOUBLE: DOUBLE,
      HARNESS_ROUTES_TABLE: stack.routesTable,
      HARNESS_RESULTS_TABLE: stack.resultsTable,
      HARNESS_TIMEOUT_MS: String(options.timeoutMs ?? 20_000),
      AWS_ENDPOINT_URL: proxy.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      ECS_CONTAINER_METADATA_URI_V4: endpoints.metadataUri,
    },
    options.now ? { now: options.now } : {},
  );
  return { id, exitCode, ms: Date.now() - started };
}

/** Starts the child-process session; resolves once it holds the route. */
async function startChildSession(): Promise<{ child: ChildProcess; received: string[] }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/session-child.mjs'), DOUBLE], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: motoEndpoint(),
      HARNESS_CHILD_CORE: JSON.stringify({ routesTable: stack.routesTable, resultsTable: stack.resultsTable, artifactsBucket: stack.bucket }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const received: string[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child session did not claim ${DOUBLE} within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (line.startsWith('received ')) received.push(line.slice(9));
      }
    });
    child.once('exit', (code) => reject(new Error(`the child session exited ${code}: ${stderr}`)));
  });
  return { child, received };
}

/** Waits until `count` invocations reached the child, or fails saying how many did. */
async function untilReceived(received: string[], count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`the child session received ${received.length} of ${count} invocations within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Invocation carriage under faults (moto behind a faulty proxy)', () => {
  it('answers every invocation once when ReceiveMessage answers are lost: the messages come back after the visibility timeout', async () => {
    // Arrange: the next six ReceiveMessage answers are lost (the receive took the messages, the session never hears of them)
    const { transport, runs } = await startSession();
    await transport.claimRoute(DOUBLE);
    let toLose = 6;
    proxy.decide = (operation) => (operation === 'ReceiveMessage' && toLose-- > 0 ? 'lose-response' : undefined);

    // Act
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => runAgent(`lost-${i}`, i % 5, { timeoutMs: 20_000 })));

    // Assert
    expect(proxy.counts['ReceiveMessage lose-response']).toBe(6);
    expect(outcomes.filter((outcome) => outcome.exitCode !== Number(outcome.id.split('-')[1]) % 5)).toEqual([]);
    expect([...runs.values()].filter((times) => times !== 1)).toEqual([]);
    expect(runs.size).toBe(20);
  });

  it('answers 100 invocations exactly once through lost answers, resets, 500s, throttling and delays on 5 % of calls', async () => {
    // Arrange
    const { transport, runs } = await startSession();
    await transport.claimRoute(DOUBLE);
    const random = seededRandom(7);
    const kinds: FaultKind[] = ['lose-response', 'reset-after', 'reset-before', 'error-500', 'throttle', 'delay'];
    proxy.decide = () => (random() < 0.05 ? kinds[Math.floor(random() * kinds.length)] : undefined);
    const timeoutMs = 25_000;

    // Act
    const outcomes: { id: string; exitCode: number; ms: number }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 100) {
          const i = next++;
          outcomes.push(await runAgent(`mixed-${i}`, i % 7, { timeoutMs }));
        }
      }),
    );

    // Assert: none lost, none answered twice, none waited past its timeout (it would have exited 124)
    const injected = Object.values(proxy.counts).reduce((sum, count) => sum + count, 0);
    expect(injected).toBeGreaterThan(10);
    const noRoute = logs.filter((entry) => String(entry.message).startsWith('no test session')).slice(0, 3);
    expect(noRoute).toEqual([]);
    expect(outcomes.filter((outcome) => outcome.exitCode !== Number(outcome.id.split('-')[1]) % 7)).toEqual([]);
    expect([...runs.values()].filter((times) => times !== 1)).toEqual([]);
    expect(runs.size).toBe(100);
  });

  it('ends the wait of a task whose session was killed with exit 69 and a message naming the session', async () => {
    // Arrange: a session in a child process that receives and never answers
    // A 15 s timeout: seeing the session dead takes ~10 s after the kill (below), so a regression past that
    // ends the task with exit 124 (timeout) instead of 69, and fails the test without timing it.
    const { child, received } = await startChildSession();
    const waiting = runAgent('orphan-0', 0, { timeoutMs: 15_000 });
    await untilReceived(received, 1);

    // Act
    child.kill('SIGKILL');
    const killedAt = Date.now();
    const outcome = await waiting;

    // Assert: seen dead after the default route TTL (6 s) + grace (2 s) + a route check (1.5 s), before the 15 s timeout
    expect(outcome.exitCode).toBe(AGENT_EXIT_CODES.sessionLost);
    const line = logs.find((entry) => entry.level === 'error' && String(entry.message).startsWith('the test session child'));
    expect(line?.message).toMatch(/^the test session child\d+ stopped answering before it answered invocation .* of ECS task Job: its route expired at .* \(AWS's clock\)/);
    realWrite(`[carriage-faults] killed session seen dead by its waiting task after ${Date.now() - killedAt} ms\n`);
  });

  it('hands the invocations of a killed session to the session that takes its double over, and loses none', async () => {
    // Arrange: five tasks wait on a child session, with a 20 s timeout: the takeover (the dead route's 6 s TTL,
    // then the tasks' next route check) comes within ~10 s of the kill; a task still waiting at 20 s exits 124
    const { child, received } = await startChildSession();
    const waiting = Promise.all(Array.from({ length: 5 }, (_, i) => runAgent(`takeover-${i}`, i + 1, { timeoutMs: 20_000 })));
    await untilReceived(received, 5);

    // Act: the child dies; a new session mocks the same double (waiting for the dead route to expire)
    child.kill('SIGKILL');
    const killedAt = Date.now();
    const { transport, runs } = await startSession();
    await transport.claimRoute(DOUBLE);
    const tookOverMs = Date.now() - killedAt;
    const later = await Promise.all(Array.from({ length: 5 }, (_, i) => runAgent(`after-${i}`, i + 1)));
    const outcomes = [...(await waiting), ...later];

    // Assert
    expect(outcomes.filter((outcome) => outcome.exitCode !== Number(outcome.id.split('-')[1]) + 1)).toEqual([]);
    expect([...runs.values()].filter((times) => times !== 1)).toEqual([]);
    expect(runs.size).toBe(10);
    expect(logs.filter((entry) => String(entry.message).startsWith('invocation sent again, to session'))).toHaveLength(5);
    realWrite(`[carriage-faults] takeover: claimed ${tookOverMs} ms after the kill; waiting tasks answered ${Math.max(...outcomes.map((o) => o.ms))} ms at most\n`);
  });

  it.each([
    ['the test machine 5 minutes ahead, the task 5 minutes behind', 300_000, -300_000],
    ['the test machine 5 minutes behind, the task 5 minutes ahead', -300_000, 300_000],
  ])('routes and answers as usual with %s', async (_case, sessionSkewMs, taskSkewMs) => {
    // Arrange
    const { transport, runs } = await startSession({ now: () => Date.now() + sessionSkewMs });
    await transport.claimRoute(DOUBLE);

    // Act
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => runAgent(`skew-${i}`, i, { now: () => Date.now() + taskSkewMs })));

    // Assert
    expect(outcomes.map((outcome) => outcome.exitCode)).toEqual([0, 1, 2, 3, 4]);
    expect(runs.size).toBe(5);
  });
});
