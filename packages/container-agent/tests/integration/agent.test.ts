import { CreateClusterCommand, ECSClient, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { AGENT_EXIT_CODES } from '@harness/core/protocol';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/sigv4.js';
import type * as PackageApi from '../../src/index.js';
import {
  AGENT_PATH,
  createStack,
  loadBuiltPackage,
  motoEndpoint,
  putObject,
  putResult,
  putRoute,
  receiveInvocation,
  runNode,
  startLocalEndpoints,
  type Finished,
  type LocalEndpoints,
  type Stack,
  type TaskIdentity,
} from './support.js';

const TASK: TaskIdentity = {
  container: 'renderer',
  taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/harness/0123456789abcdef0123456789abcdef',
  family: 'RenderPdf',
  revision: 4,
  cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/harness',
};

let pkg: typeof PackageApi;
let stack: Stack;
let endpoints: LocalEndpoints;

beforeAll(async () => {
  pkg = await loadBuiltPackage();
  stack = await createStack();
  endpoints = await startLocalEndpoints(TASK);
});

afterAll(async () => {
  await endpoints?.close();
});

let doubles = 0;

/** A fresh double id per test, so routes never collide. */
function nextDouble(): { double: string; name: string } {
  doubles++;
  const name = `RenderPdf${doubles}`;
  return { double: `ecs:${name}`, name };
}

function agentEnv(double: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing-session-token',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI_HINT: 'dropped',
    ECS_CONTAINER_METADATA_URI_V4: endpoints.metadataUri,
    ECS_AGENT_URI: 'http://169.254.170.2/api/x',
    HARNESS_DOUBLE: double,
    HARNESS_ROUTES_TABLE: stack.routesTable,
    HARNESS_RESULTS_TABLE: stack.resultsTable,
    HARNESS_AGENT_SHA256: 'f'.repeat(64),
    ORDER_BUCKET: 'orders',
    ...extra,
  };
}

/** Runs the agent, answers its invocation with `answer` (unless undefined), returns the run and the invocation. */
async function runAnswered(
  double: string,
  session: string,
  answer: unknown,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<{ run: Finished; invocation: Record<string, unknown> }> {
  const running = runNode(options.args ?? [AGENT_PATH, '--order', 'o-1'], options.env ?? agentEnv(double));
  const invocation = await receiveInvocation(stack);
  if (answer !== undefined) await putResult(stack, String(invocation.invocationId), session, answer);
  return { run: await running, invocation };
}

describe('Agent (built dist/agent.cjs) against moto', () => {
  it('exits 78 at once when no session has mocked the task, and says how to mock it', async () => {
    // Arrange
    const { double, name } = nextDouble();

    // Act
    const run = await runNode([AGENT_PATH, '--order', 'o-1'], agentEnv(double));

    // Assert
    expect(run.code).toBe(AGENT_EXIT_CODES.noRoute);
    expect(run.durationMs).toBeLessThan(5_000);
    expect(run.logs.find((line) => line.level === 'error')).toMatchObject({
      double,
      message: `no test session has mocked ECS task ${name} (double ${double}); register it with harness.ecs.mockTask('${name}', handler) before the task starts`,
    });
  });

  it('sends the invocation to the routed session queue and exits with the exit code of the result', async () => {
    // Arrange
    const { double } = nextDouble();
    await putRoute(stack, double, 'session-ok');

    // Act
    const { run, invocation } = await runAnswered(double, 'session-ok', { status: 'ok', value: { exitCode: 3, logs: ['rendered o-1'] } });

    // Assert
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('rendered o-1\n');
    expect(invocation).toMatchObject({ v: 1, double, session: 'session-ok' });
    expect(invocation.payload).toEqual({
      family: TASK.family,
      revision: TASK.revision,
      taskArn: TASK.taskArn,
      clusterArn: TASK.cluster,
      container: TASK.container,
      command: ['--order', 'o-1'],
      environment: { AWS_REGION: 'us-east-1', ORDER_BUCKET: 'orders', PATH: process.env.PATH },
    });
  });

  it("exits 1 when the handler threw, logging the handler's error", async () => {
    // Arrange
    const { double } = nextDouble();
    await putRoute(stack, double, 'session-error');

    // Act
    const { run } = await runAnswered(double, 'session-error', { status: 'error', error: { name: 'RenderError', message: 'font missing' } });

    // Assert
    expect(run.code).toBe(AGENT_EXIT_CODES.handlerError);
    expect(run.logs.find((line) => line.level === 'error')).toMatchObject({
      message: `the handler of ${double} threw RenderError: font missing`,
      error: { name: 'RenderError', message: 'font missing' },
    });
  });

  it('exits 124 when the result never comes within HARNESS_TIMEOUT_MS, naming invocation, double, session and polls', async () => {
    // Arrange
    const { double } = nextDouble();
    await putRoute(stack, double, 'session-silent');

    // Act
    const { run, invocation } = await runAnswered(double, 'session-silent', undefined, { env: agentEnv(double, { HARNESS_TIMEOUT_MS: '400' }) });

    // Assert
    expect(run.code).toBe(AGENT_EXIT_CODES.timeout);
    expect(run.logs.find((line) => line.level === 'error')?.message).toMatch(
      new RegExp(`^no result for invocation ${String(invocation.invocationId)} of ${double} from session session-silent after \\d+ ms \\(\\d+ polls\\)$`),
    );
  });

  it('reads the container override and startedBy of a task moto ran (ECS DescribeTasks, JSON 1.1)', async () => {
    // Arrange
    const { double } = nextDouble();
    const task = await runTaskInMoto(double);
    const ownEndpoints = await startLocalEndpoints({ ...TASK, taskArn: task.taskArn, cluster: task.clusterArn });
    await putRoute(stack, double, 'session-ecs');

    // Act
    const { run, invocation } = await runAnswered(double, 'session-ecs', { status: 'ok', value: { exitCode: 0 } }, {
      env: agentEnv(double, { ECS_CONTAINER_METADATA_URI_V4: ownEndpoints.metadataUri }),
    });
    await ownEndpoints.close();

    // Assert
    expect(run.code).toBe(0);
    expect(invocation.payload).toMatchObject({
      taskArn: task.taskArn,
      startedBy: 'AWS Step Functions',
      overrides: { name: 'renderer', command: ['--order', 'o-1'], environment: [{ name: 'TASK_TOKEN', value: 'token-from-moto' }] },
    });
  });

  it('sends the task success callback to Step Functions (moto) with the task token, then exits with the exit code', async () => {
    // Arrange
    const { double } = nextDouble();
    await putRoute(stack, double, 'session-callback');
    const env = agentEnv(double, { HARNESS_TASK_TOKEN_VARIABLE: 'TASK_TOKEN', TASK_TOKEN: 'moto-accepts-any-token' });

    // Act
    const { run, invocation } = await runAnswered(
      double,
      'session-callback',
      { status: 'ok', value: { exitCode: 0, callback: { type: 'success', output: { pages: 2 } } } },
      { env },
    );

    // Assert
    expect(run.code).toBe(0);
    expect(invocation.payload).toMatchObject({ taskToken: 'moto-accepts-any-token' });
    expect(run.logs.some((line) => line.message === 'task success sent')).toBe(true);
  });

  it('never logs credentials, tokens or signatures, even at debug level', async () => {
    // Arrange
    const { double } = nextDouble();
    await putRoute(stack, double, 'session-debug');
    const env = agentEnv(double, { HARNESS_LOG_LEVEL: 'debug', HARNESS_TASK_TOKEN_VARIABLE: 'TASK_TOKEN', TASK_TOKEN: 'secret-task-token' });

    // Act
    const { run } = await runAnswered(double, 'session-debug', { status: 'ok', value: { exitCode: 0 } }, { env });

    // Assert
    expect(run.code).toBe(0);
    expect(run.logs.filter((line) => line.level === 'debug').length).toBeGreaterThanOrEqual(3);
    expect(run.stdout).not.toMatch(/testing-session-token|secret-task-token|Signature=|Credential=/);
  });
});

describe('Bootstrap + agent, end to end on loopback moto', () => {
  it('runs the real agent fetched from S3 and reports time to SendMessage and peak RSS', async () => {
    // Arrange
    const { double } = nextDouble();
    const agent = readFileSync(AGENT_PATH);
    const sha256 = createHash('sha256').update(agent).digest('hex');
    await putObject(stack.bucket, `agent/${sha256}.mjs`, agent);
    await putRoute(stack, double, 'session-e2e');
    const {
      AWS_ACCESS_KEY_ID: _id,
      AWS_SECRET_ACCESS_KEY: _secret,
      AWS_SESSION_TOKEN: _token,
      ...withoutStaticCredentials
    } = agentEnv(double, {
      HARNESS_LOG_LEVEL: 'debug',
      HARNESS_AGENT_BUCKET: stack.bucket,
      HARNESS_AGENT_KEY: `agent/${sha256}.mjs`,
      HARNESS_AGENT_SHA256: sha256,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoints.credentialsUri,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoints.authorizationToken,
    });

    // Act
    const { run, invocation } = await runAnswered(double, 'session-e2e', { status: 'ok', value: { exitCode: 0 } }, {
      args: ['-e', pkg.BOOTSTRAP_SCRIPT, '--', '--order', 'o-1'],
      env: withoutStaticCredentials,
    });

    // Assert
    expect(run.code).toBe(0);
    expect(invocation.payload).toMatchObject({ command: ['--order', 'o-1'], container: TASK.container });
    const sent = run.logs.find((line) => line.message === 'invocation sent');
    const finished = run.logs.find((line) => line.message === 'agent finished');
    const timeToSendMessageMs = Date.parse(String(sent?.time)) - run.spawnedAt;
    const peakRssKb = Number(finished?.maxRssKb);
    expect(timeToSendMessageMs).toBeGreaterThan(0);
    expect(timeToSendMessageMs).toBeLessThan(10_000);
    expect(peakRssKb).toBeGreaterThan(10_000);
    // ~48 MB measured (bare node ~40 MB); the global fetch alone took it to ~86 MB.
    expect(peakRssKb).toBeLessThan(70_000);
    console.info(
      `[measurement] bootstrap ${Buffer.byteLength(pkg.BOOTSTRAP_SCRIPT)} bytes; spawn → SendMessage done ${timeToSendMessageMs} ms; ` +
        `whole run ${run.durationMs} ms; peak RSS ${peakRssKb} KB`,
    );
  });
});

// ----- ECS in moto -----

/** Runs a task with a container override in moto's ECS (Fargate needs a real subnet: moto's default VPC has some). */
async function runTaskInMoto(double: string): Promise<{ taskArn: string; clusterArn: string }> {
  const ecs = new ECSClient({ endpoint: motoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const clusterName = double.replace(/\W/g, '-');
  const cluster = await ecs.send(new CreateClusterCommand({ clusterName }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'RenderPdf',
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      // moto adds up container memory: each container needs its own.
      containerDefinitions: [{ name: 'renderer', image: 'node:20-slim', essential: true, memory: 512 }],
    }),
  );
  const run = await ecs.send(
    new RunTaskCommand({
      cluster: clusterName,
      taskDefinition: 'RenderPdf',
      launchType: 'FARGATE',
      startedBy: 'AWS Step Functions',
      networkConfiguration: { awsvpcConfiguration: { subnets: [await defaultSubnet()], securityGroups: ['sg-12345678'] } },
      overrides: {
        containerOverrides: [{ name: 'renderer', command: ['--order', 'o-1'], environment: [{ name: 'TASK_TOKEN', value: 'token-from-moto' }] }],
      },
    }),
  );
  const taskArn = run.tasks?.[0]?.taskArn;
  const clusterArn = cluster.cluster?.clusterArn;
  if (!taskArn || !clusterArn) throw new Error(`moto ran no task: ${JSON.stringify(run.failures)}`);
  return { taskArn, clusterArn };
}

// EC2 speaks the query protocol; one signed form POST is all it takes (and exercises the signer on another service).
async function defaultSubnet(): Promise<string> {
  const url = `${motoEndpoint()}/`;
  const body = 'Action=DescribeSubnets&Version=2016-11-15';
  const headers = signRequest({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
    service: 'ec2',
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const response = await fetch(url, { method: 'POST', headers, body });
  const subnet = /<subnetId>([^<]+)<\/subnetId>/.exec(await response.text())?.[1];
  if (!subnet) throw new Error(`moto has no default subnet (EC2 DescribeSubnets answered HTTP ${response.status})`);
  return subnet;
}
