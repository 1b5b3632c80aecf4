import { CreateTableCommand, DynamoDBClient, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { uniqueName } from '@harness/testing';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as PackageApi from '../../src/index.js';

export const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
/** The agent artifact: what the bootstrap fetches and runs, and what `agentArtifactPath()` names. */
export const AGENT_PATH = join(DIST, 'agent.cjs');

/** The built package (dist/index.js), as other harness packages load it. */
export async function loadBuiltPackage(): Promise<typeof PackageApi> {
  const entry = join(DIST, 'index.js');
  if (!existsSync(entry) || !existsSync(AGENT_PATH)) {
    throw new Error(`The integration tests run the built package, and ${DIST} is incomplete. To fix this, run \`npx tsup\` in packages/container-agent first.`);
  }
  return (await import(pathToFileURL(entry).href)) as typeof PackageApi;
}

export function motoEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL is not set: run the integration tests with vitest.integration.config.ts.');
  return endpoint;
}

const clientConfig = () => ({
  endpoint: motoEndpoint(),
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

export const clients = {
  s3: () => new S3Client({ ...clientConfig(), forcePathStyle: true }),
  dynamodb: () => new DynamoDBClient(clientConfig()),
  sqs: () => new SQSClient(clientConfig()),
};

/** The shared resources of a deployed harness stack, created in moto. */
export interface Stack {
  readonly bucket: string;
  readonly routesTable: string;
  readonly resultsTable: string;
  readonly queueUrl: string;
}

export async function createStack(): Promise<Stack> {
  const bucket = uniqueName('artifacts');
  const routesTable = uniqueName('routes');
  const resultsTable = uniqueName('results');
  await clients.s3().send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [table, key] of [
    [routesTable, 'double'],
    [resultsTable, 'invocationId'],
  ] as const) {
    await clients.dynamodb().send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }
  const queue = await clients.sqs().send(new CreateQueueCommand({ QueueName: uniqueName('session') }));
  return { bucket, routesTable, resultsTable, queueUrl: queue.QueueUrl ?? '' };
}

export async function putObject(bucket: string, key: string, body: Uint8Array | string): Promise<void> {
  await clients.s3().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function putRoute(stack: Stack, double: string, session: string, expiresAt = Math.floor(Date.now() / 1000) + 300): Promise<void> {
  await clients.dynamodb().send(
    new PutItemCommand({
      TableName: stack.routesTable,
      Item: { double: { S: double }, session: { S: session }, queueUrl: { S: stack.queueUrl }, expiresAt: { N: String(expiresAt) } },
    }),
  );
}

export async function putResult(stack: Stack, invocationId: string, session: string, result: unknown): Promise<void> {
  const item: Record<string, AttributeValue> = {
    invocationId: { S: invocationId },
    session: { S: session },
    result: { S: JSON.stringify(result) },
    expiresAt: { N: String(Math.floor(Date.now() / 1000) + 300) },
  };
  await clients.dynamodb().send(new PutItemCommand({ TableName: stack.resultsTable, Item: item }));
}

/** Waits for one message on the session queue (long polls), until `deadline`. */
export async function receiveInvocation(stack: Stack, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await clients.sqs().send(new ReceiveMessageCommand({ QueueUrl: stack.queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
    const body = answer.Messages?.[0]?.Body;
    if (body) return JSON.parse(body) as Record<string, unknown>;
  }
  throw new Error(`no invocation arrived on ${stack.queueUrl} within ${timeoutMs} ms`);
}

// ----- loopback ECS endpoints -----

export interface TaskIdentity {
  readonly container: string;
  readonly taskArn: string;
  readonly family: string;
  readonly revision: number;
  readonly cluster: string;
}

export interface LocalEndpoints {
  /** `ECS_CONTAINER_METADATA_URI_V4` for the container. */
  readonly metadataUri: string;
  /** `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly credentialsUri: string;
  readonly authorizationToken: string;
  /** Authorization headers the credentials endpoint received, in order. */
  readonly credentialRequests: (string | undefined)[];
  close(): Promise<void>;
}

/** The task metadata endpoint (v4) and a container credentials endpoint, on 127.0.0.1. */
export async function startLocalEndpoints(task: TaskIdentity): Promise<LocalEndpoints> {
  const authorizationToken = `token-${Math.random().toString(36).slice(2)}`;
  const credentialRequests: (string | undefined)[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url === '/credentials') {
      credentialRequests.push(request.headers.authorization);
      if (request.headers.authorization !== authorizationToken) return reply(403, { message: 'bad token' });
      return reply(200, {
        AccessKeyId: 'testing',
        SecretAccessKey: 'testing',
        Token: 'testing-session',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        RoleArn: 'arn:aws:iam::123456789012:role/task',
      });
    }
    if (request.url === '/v4/c1') return reply(200, { Name: task.container, DockerId: 'c1', Image: 'node:20-slim' });
    if (request.url === '/v4/c1/task') {
      return reply(200, { Cluster: task.cluster, TaskARN: task.taskArn, Family: task.family, Revision: String(task.revision), Containers: [] });
    }
    return reply(404, { message: `nothing at ${request.url}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    metadataUri: `${base}/v4/c1`,
    credentialsUri: `${base}/credentials`,
    authorizationToken,
    credentialRequests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ----- child processes -----

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Every stdout line that is a JSON log object. */
  readonly logs: Record<string, unknown>[];
  readonly spawnedAt: number;
  readonly durationMs: number;
}

/** Runs `node <args>` with exactly `env` (plus PATH), like a container would. */
export function runNode(args: readonly string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Finished> {
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      const logs = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      resolve({ code, stdout, stderr, logs, spawnedAt, durationMs: Date.now() - spawnedAt });
    });
  });
}
