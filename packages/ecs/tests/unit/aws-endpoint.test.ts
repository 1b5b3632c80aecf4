import { createHash } from 'node:crypto';
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTasksCommand, ECSClient, type Task } from '@aws-sdk/client-ecs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PROTOCOL_VERSION, type InvocationMessage, type InvocationResult, type LocalIntegrationContext } from '@harness/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Step Functions through the container agent's own client: the caller of these
// APIs in production (@aws-sdk/client-sfn is not a dependency of this repository).
import { callJson, createAwsContext, readTwoItems, sendTaskFailure, sendTaskSuccess } from '../../../container-agent/src/aws.js';
import { startLocalAwsEndpoint, type LocalAwsEndpoint } from '../../src/local/aws-endpoint.js';
import { recordingCallbacks } from '../local/support.js';

const agentBody = new TextEncoder().encode('export async function main() { return 0; }\n');
const agent = { body: agentBody, sha256: createHash('sha256').update(agentBody).digest('hex') };
const credentials = { accessKeyId: 'AKIALOCALTEST0000001', secretAccessKey: 'local-secret' };
const region = 'eu-west-1';

interface FakeContext extends LocalIntegrationContext {
  readonly dispatched: InvocationMessage[];
  mocked: Set<string>;
  answer(result: InvocationResult): void;
}

/** A session context whose dispatch waits for the test to answer. */
function fakeContext(): FakeContext {
  const pending: ((result: InvocationResult) => void)[] = [];
  const context: FakeContext = {
    session: 's-endpoint',
    dispatched: [],
    mocked: new Set(['ecs:RenderPdf']),
    isMocked: (double) => context.mocked.has(double),
    dispatch(message) {
      context.dispatched.push(message);
      return new Promise((resolve) => pending.push(resolve));
    },
    answer(result) {
      pending.shift()?.(result);
    },
  };
  return context;
}

function invocation(invocationId: string): InvocationMessage {
  return {
    v: PROTOCOL_VERSION,
    invocationId,
    double: 'ecs:RenderPdf',
    session: 's-endpoint',
    payload: { family: 'RenderPdf', taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/orders/abc', container: 'Main', command: [], environment: {} },
    sentAt: '2026-11-25T00:00:00.000Z',
  };
}

let context: FakeContext;
let endpoint: LocalAwsEndpoint;
let clients: { dynamodb: DynamoDBClient; sqs: SQSClient; s3: S3Client; ecs: ECSClient };

beforeEach(async () => {
  context = fakeContext();
  endpoint = await startLocalAwsEndpoint({ context, agent });
  const config = { endpoint: endpoint.url, region, credentials, maxAttempts: 1 };
  clients = {
    dynamodb: new DynamoDBClient(config),
    sqs: new SQSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ecs: new ECSClient(config),
  };
});

afterEach(async () => {
  Object.values(clients).forEach((client) => client.destroy());
  await endpoint.close();
});

async function getResult(invocationId: string) {
  return clients.dynamodb.send(
    new GetItemCommand({ TableName: endpoint.names.resultsTable, Key: { invocationId: { S: invocationId } }, ConsistentRead: true }),
  );
}

function sfnContext(accessKeyId = credentials.accessKeyId) {
  return createAwsContext({ AWS_ENDPOINT_URL: endpoint.url, AWS_REGION: region, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: 'local-secret' });
}

describe('Function: startLocalAwsEndpoint', () => {
  it('listens on loopback and names the local resources after the agent it serves', () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint.names).toEqual({
      routesTable: 'harness-local-routes',
      resultsTable: 'harness-local-results',
      artifactsBucket: 'harness-local-artifacts',
      agentKey: `agents/container-agent-${agent.sha256}.cjs`,
      agentSha256: agent.sha256,
    });
  });

  describe('S3 GetObject', () => {
    it('serves the agent at its key', async () => {
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: endpoint.names.artifactsBucket, Key: endpoint.names.agentKey }));

      expect(await object.Body?.transformToByteArray()).toEqual(agentBody);
      expect(object.ContentLength).toBe(agentBody.byteLength);
    });

    it.each([
      ['NoSuchKey', () => ({ Bucket: endpoint.names.artifactsBucket, Key: 'agents/other.mjs' })],
      ['NoSuchBucket', () => ({ Bucket: 'someone-elses-bucket', Key: endpoint.names.agentKey })],
    ])('answers %s for anything else', async (code, input) => {
      await expect(clients.s3.send(new GetObjectCommand(input()))).rejects.toMatchObject({ name: code, $metadata: { httpStatusCode: 404 } });
    });
  });

  describe('DynamoDB GetItem on the routes table', () => {
    it('finds a route to this session for a mocked double, and none for another', async () => {
      const get = (double: string) =>
        clients.dynamodb.send(new GetItemCommand({ TableName: endpoint.names.routesTable, Key: { double: { S: double } }, ConsistentRead: true }));

      const mocked = await get('ecs:RenderPdf');
      const unmocked = await get('ecs:Invoice');

      expect(mocked.Item).toMatchObject({ double: { S: 'ecs:RenderPdf' }, session: { S: 's-endpoint' }, queueUrl: { S: `${endpoint.url}/queue` } });
      expect(Number(mocked.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
      expect(unmocked.Item).toBeUndefined();
    });

    it('answers ResourceNotFoundException for a table it does not have', async () => {
      await expect(
        clients.dynamodb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: '1' } } })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });

  describe('SQS SendMessage, then GetItem on the results table', () => {
    it('dispatches an invocation once, and serves its result once the session answered', async () => {
      // Arrange
      const body = JSON.stringify(invocation('i-1'));
      const send = () => clients.sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/queue`, MessageBody: body }));

      // Act
      const sent = await send();
      await send();
      const before = await getResult('i-1');
      context.answer({ status: 'ok', value: { exitCode: 3 } });
      await new Promise((resolve) => setImmediate(resolve));
      const after = await getResult('i-1');

      // Assert
      expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'));
      expect(context.dispatched.map((message) => message.invocationId)).toEqual(['i-1']);
      expect(before.Item).toBeUndefined();
      expect(after.Item).toMatchObject({ invocationId: { S: 'i-1' }, session: { S: 's-endpoint' } });
      expect(JSON.parse(after.Item?.result?.S ?? '')).toEqual({ status: 'ok', value: { exitCode: 3 } });
    });

    it('answers QueueDoesNotExist for another queue, and InvalidMessageContents for what is not an invocation', async () => {
      await expect(
        clients.sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/other-queue`, MessageBody: JSON.stringify(invocation('i-2')) })),
      ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
      await expect(
        clients.sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/queue`, MessageBody: '{"hello":"world"}' })),
      ).rejects.toMatchObject({ name: 'InvalidMessageContents' });
      expect(context.dispatched).toEqual([]);
    });
  });

  describe('DynamoDB BatchGetItem on both tables', () => {
    it('answers the result and the route in one call, as DynamoDB does (missing keys left out, nothing unprocessed)', async () => {
      // Arrange
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: `${endpoint.url}/queue`, MessageBody: JSON.stringify(invocation('i-b1')) }));
      const batch = () =>
        clients.dynamodb.send(
          new BatchGetItemCommand({
            RequestItems: {
              [endpoint.names.resultsTable]: { Keys: [{ invocationId: { S: 'i-b1' } }], ConsistentRead: true },
              [endpoint.names.routesTable]: { Keys: [{ double: { S: 'ecs:RenderPdf' } }, { double: { S: 'ecs:Invoice' } }], ConsistentRead: true },
            },
          }),
        );

      // Act
      const before = await batch();
      context.answer({ status: 'ok', value: { exitCode: 0 } });
      await new Promise((resolve) => setImmediate(resolve));
      const after = await batch();

      // Assert
      expect(before.Responses?.[endpoint.names.resultsTable]).toEqual([]);
      expect(before.Responses?.[endpoint.names.routesTable]).toEqual([
        expect.objectContaining({ double: { S: 'ecs:RenderPdf' }, session: { S: 's-endpoint' }, queueUrl: { S: `${endpoint.url}/queue` } }),
      ]);
      expect(before.UnprocessedKeys).toEqual({});
      expect(after.Responses?.[endpoint.names.resultsTable]).toEqual([expect.objectContaining({ invocationId: { S: 'i-b1' }, session: { S: 's-endpoint' } })]);
    });

    it("answers the agent's own poll (readTwoItems): the read that failed every task waiting over 1.5 s with exit 70", async () => {
      const aws = createAwsContext({ AWS_ENDPOINT_URL: endpoint.url, AWS_REGION: region, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: 'x' });

      const read = await readTwoItems(
        aws,
        { table: endpoint.names.resultsTable, key: { invocationId: 'i-none' } },
        { table: endpoint.names.routesTable, key: { double: 'ecs:RenderPdf' } },
        { attempts: 1 },
      );

      expect(read.first).toMatchObject({ item: undefined });
      expect(read.second).toMatchObject({ item: { double: 'ecs:RenderPdf', session: 's-endpoint', queueUrl: `${endpoint.url}/queue` } });
      expect(read.second === 'unread' ? undefined : read.second.date).toEqual(expect.any(Number));
    });

    it.each([
      ['ResourceNotFoundException', 'a table it does not have', () => ({ orders: { Keys: [{ id: { S: '1' } }] } })],
      ['ValidationException', 'a key asked twice', () => ({ [endpoint.names.routesTable]: { Keys: [{ double: { S: 'ecs:A' } }, { double: { S: 'ecs:A' } }] } })],
      [
        'ValidationException',
        'more than 100 keys',
        () => ({ [endpoint.names.resultsTable]: { Keys: Array.from({ length: 101 }, (_, i) => ({ invocationId: { S: `i-${i}` } })) } }),
      ],
      ['ValidationException', 'a key of another shape', () => ({ [endpoint.names.resultsTable]: { Keys: [{ id: { S: '1' } }] } })],
    ])('answers %s for %s', async (code, _what, requestItems) => {
      await expect(clients.dynamodb.send(new BatchGetItemCommand({ RequestItems: requestItems() }))).rejects.toMatchObject({
        name: code,
        $metadata: { httpStatusCode: 400 },
      });
    });
  });

  describe('Step Functions SendTaskSuccess / SendTaskFailure', () => {
    it('hands a success to the callbacks of the token, once', async () => {
      const callbacks = recordingCallbacks();
      const token = endpoint.registerTaskToken('token-1', callbacks);

      await sendTaskSuccess(sfnContext(), 'token-1', JSON.stringify({ shipped: true }));
      const again = sendTaskSuccess(sfnContext(), 'token-1', '{}');

      expect(callbacks.calls).toEqual([{ kind: 'succeed', taskToken: 'token-1', output: { shipped: true } }]);
      expect(token.answered).toBe(true);
      await expect(again).rejects.toMatchObject({ errorType: 'TaskTimedOut', status: 400 });
    });

    it('hands a failure to the callbacks verbatim, absent error and cause included', async () => {
      const callbacks = recordingCallbacks();
      endpoint.registerTaskToken('token-2', callbacks);
      endpoint.registerTaskToken('token-3', callbacks);

      await sendTaskFailure(sfnContext(), 'token-2', 'OutOfStock', 'sku-1 is gone');
      await sendTaskFailure(sfnContext(), 'token-3');

      expect(callbacks.calls).toEqual([
        { kind: 'fail', taskToken: 'token-2', error: 'OutOfStock', cause: 'sku-1 is gone' },
        { kind: 'fail', taskToken: 'token-3' },
      ]);
    });

    it.each([
      ['an unknown token', 'no-such-token', 'TaskDoesNotExist'],
      ['a token over 2048 characters', 'x'.repeat(2049), 'InvalidToken'],
    ])('answers AWS\'s error for %s', async (_case, taskToken, errorType) => {
      await expect(sendTaskSuccess(sfnContext(), taskToken, '{}')).rejects.toMatchObject({ errorType, status: 400 });
    });

    it('answers TaskTimedOut once the token is closed, and InvalidOutput for output that is not JSON', async () => {
      const callbacks = recordingCallbacks();
      endpoint.registerTaskToken('token-4', callbacks).close();
      endpoint.registerTaskToken('token-5', callbacks);

      await expect(sendTaskSuccess(sfnContext(), 'token-4', '{}')).rejects.toMatchObject({ errorType: 'TaskTimedOut' });
      await expect(sendTaskSuccess(sfnContext(), 'token-5', 'not json')).rejects.toMatchObject({ errorType: 'InvalidOutput' });
      expect(callbacks.calls).toEqual([]);
    });
  });

  describe('ECS DescribeTasks', () => {
    it('answers the registered task record, and MISSING for other tasks', async () => {
      const task: Task = {
        taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/orders/0123456789abcdef0123456789abcdef',
        clusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/orders',
        startedBy: 'AWS Step Functions',
        createdAt: new Date('2026-11-25T10:00:00.250Z'),
        lastStatus: 'RUNNING',
        overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'], environment: [{ name: 'ORDER_ID', value: 'o-1' }] }] },
      };
      endpoint.registerTask({ task, accessKeyId: 'ASIATASK000000000001' });

      const described = await clients.ecs.send(
        new DescribeTasksCommand({ cluster: task.clusterArn, tasks: [task.taskArn ?? '', 'arn:aws:ecs:eu-west-1:123456789012:task/orders/other'] }),
      );

      expect(described.tasks).toEqual([task]);
      expect(described.failures).toEqual([{ arn: 'arn:aws:ecs:eu-west-1:123456789012:task/orders/other', reason: 'MISSING' }]);
    });
  });

  describe('Method: revokeTask', () => {
    it("refuses every later call signed with the task's credentials, and only those", async () => {
      const taskArn = 'arn:aws:ecs:eu-west-1:123456789012:task/orders/fedcba9876543210fedcba9876543210';
      endpoint.registerTask({ task: { taskArn }, accessKeyId: credentials.accessKeyId });
      const otherKey = { endpoint: endpoint.url, region, credentials: { ...credentials, accessKeyId: 'AKIAOTHERTASK0000001' } };
      const other = new DynamoDBClient(otherKey);

      endpoint.revokeTask(taskArn, 'the execution no longer needs it');

      await expect(getResult('i-9')).rejects.toMatchObject({ name: 'ExpiredTokenException', message: expect.stringContaining(taskArn) });
      await expect(clients.s3.send(new GetObjectCommand({ Bucket: endpoint.names.artifactsBucket, Key: endpoint.names.agentKey }))).rejects.toMatchObject({
        name: 'ExpiredToken',
      });
      await expect(
        other.send(new GetItemCommand({ TableName: endpoint.names.resultsTable, Key: { invocationId: { S: 'i-9' } } })),
      ).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
      other.destroy();
    });
  });

  it('never echoes the Authorization header', async () => {
    const secret = 'Credential=AKIASECRET/20261125/eu-west-1/dynamodb/aws4_request, SignedHeaders=host, Signature=deadbeef';

    const answers = await Promise.all([
      fetch(`${endpoint.url}/`, { method: 'POST', headers: { authorization: `AWS4-HMAC-SHA256 ${secret}`, 'x-amz-target': 'DynamoDB_20120810.Scan' }, body: '{}' }),
      fetch(`${endpoint.url}/nope/key`, { headers: { authorization: `AWS4-HMAC-SHA256 ${secret}` } }),
      callJson(sfnContext(), 'sfn', 'StartExecution', {}).catch((error: Error) => error),
    ]);

    const [scan, s3] = answers as [Response, Response, Error];
    expect(scan.status).toBe(400);
    expect(await scan.text()).not.toContain('AKIASECRET');
    expect(await s3.text()).not.toContain('AKIASECRET');
    expect((answers[2] as { errorType?: string }).errorType).toBe('UnknownOperationException');
  });
});
