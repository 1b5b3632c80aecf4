import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createHarness } from '@harness/core';
import { stepFunctionsAdapter } from '@harness/stepfunctions';
import { runCli as harness, stackOutputs, uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueAdapter, SEND_MESSAGE } from '../../../../tests/fixtures/queue-adapter/index.js';
import { QUEUE_ADAPTER_FIXTURE, QUEUE_ADAPTER_PATH, REPO_ROOT } from '../helpers/fixtures.js';

const cloudFormation = new CloudFormationClient({});
const dynamodb = new DynamoDBClient({});
// moto answers for every host: the queue URL names AWS's, the endpoint is moto.
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });

async function stackStatus(stackName: string): Promise<string> {
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0]?.StackStatus ?? 'NOT_DEPLOYED';
  } catch {
    return 'NOT_DEPLOYED';
  }
}

/** A workflow that sends its input to the queue `queue`, as a real one would with the queue's URL. */
function notify(queue: string) {
  return {
    StartAt: 'Notify',
    States: {
      Notify: {
        Type: 'Task',
        Resource: SEND_MESSAGE,
        Parameters: { QueueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/${queue}`, 'MessageBody.$': '$' },
        End: true,
      },
    },
  };
}

// The fixture adapter lives in tests/fixtures/queue-adapter, outside packages/: plain
// ESM JavaScript against @harness/core, loaded by path as a user's own adapter would be.
describe('harness CLI with an adapter from outside packages/ (moto)', () => {
  const stack = uniqueName('own');
  let dir: string;
  let configPath: string;
  const timings: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-cli-own-adapter-'));
    configPath = join(dir, 'harness.config.json');
    await writeFile(
      configPath,
      JSON.stringify({ stack, adapters: { ecs: { families: { RenderPdf: { containers: ['Main'] } } }, queue: { queues: ['orders'] } } }),
    );
  });

  afterAll(async () => {
    console.info(`own adapter on moto: ${timings.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('synthesises it beside the ECS adapter, named by its path from the working directory', async () => {
    // Act
    const run = await harness(REPO_ROOT, 'synth', '--config', configPath, '--adapters', `ecs,${QUEUE_ADAPTER_PATH}`, '--out', join(dir, 'out'));

    // Assert
    expect(run.code, run.stderr).toBe(0);
    timings.push(`synth ${run.ms} ms`);
    expect(run.stdout.split('\n').filter(Boolean).map((line) => line.slice(line.lastIndexOf('/') + 1))).toEqual([
      `${stack}-core.template.json`,
      `${stack}-ecs.template.json`,
      `${stack}-queue.template.json`,
    ]);
    const template = JSON.parse(await readFile(join(dir, 'out', `${stack}-queue.template.json`), 'utf8'));
    expect(template.Resources).toEqual({
      QueueOrders: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${stack}-orders`, MessageRetentionPeriod: 3600, SqsManagedSseEnabled: true } },
    });
  });

  it('deploys it by path: the core stack, then its stack with its queue', async () => {
    // Act
    const run = await harness(REPO_ROOT, 'deploy', '--config', configPath, '--adapters', QUEUE_ADAPTER_PATH, '--json');

    // Assert
    expect(run.code, run.stderr).toBe(0);
    timings.push(`cold deploy ${run.ms} ms`);
    const printed = JSON.parse(run.stdout) as { stacks: Record<string, { status: string; outputs: Record<string, string> }> };
    expect(Object.keys(printed.stacks)).toEqual([`${stack}-core`, `${stack}-queue`]);
    expect(await stackStatus(`${stack}-queue`)).toBe('CREATE_COMPLETE');
    const { QueueUrlOrders } = await stackOutputs(`${stack}-queue`);
    expect(QueueUrlOrders).toMatch(new RegExp(`/${stack}-orders$`));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: QueueUrlOrders, AttributeNames: ['MessageRetentionPeriod'] }));
    expect(Attributes?.MessageRetentionPeriod).toBe('3600');
  });

  it('finds it by the "package" of its config entry, relative to the config file: deploy, outputs and doctor', async () => {
    // Arrange: the config names the fixture from its own folder; the CLI runs there.
    await writeFile(configPath, JSON.stringify({ stack, adapters: { queue: { package: relative(dir, QUEUE_ADAPTER_FIXTURE), queues: ['orders'] } } }));

    // Act
    const deploy = await harness(dir, 'deploy');
    const outputs = await harness(dir, 'outputs', '--json');
    const doctor = await harness(dir, 'doctor');

    // Assert
    expect(deploy.code, deploy.stderr).toBe(0);
    timings.push(`deploy with no changes ${deploy.ms} ms`);
    expect(deploy.stderr).toContain(`Deployed ${stack}-core (unchanged), ${stack}-queue (unchanged)`);
    expect(outputs.code, outputs.stderr).toBe(0);
    expect(Object.keys(JSON.parse(outputs.stdout).stacks[`${stack}-queue`].outputs)).toEqual(['QueueUrlOrders']);
    expect(doctor.stdout).toContain(`✔ adapter queue: ${relative(dir, QUEUE_ADAPTER_FIXTURE)} (${join(QUEUE_ADAPTER_FIXTURE, 'index.js')}) loads and its config is valid`);
    expect(doctor.stdout).toContain(`✔ stack ${stack}-queue: CREATE_COMPLETE`);
    expect(doctor.code, doctor.stdout).toBe(0);
  });

  it('answers a workflow\'s Task through its mock API on the local target', async () => {
    // Arrange
    await using local = await createHarness({ target: 'local', adapters: [stepFunctionsAdapter, queueAdapter], config: configPath });
    const orders = await local.queue.mockQueue('orders');

    // Act
    const sent = await local.stepFunctions.execute(notify('orders'), { orderId: 'o-1' });
    const unmocked = await local.stepFunctions.execute(notify('refunds'), { orderId: 'o-2' });

    // Assert
    expect(sent.status).toBe('SUCCEEDED');
    expect(sent.output).toMatchObject({ MessageId: expect.any(String), MD5OfMessageBody: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(orders.invocations).toEqual([{ queue: 'orders', body: '{"orderId":"o-1"}' }]);
    expect(unmocked).toMatchObject({ status: 'FAILED', error: 'SQS.QueueDoesNotExistException' });
  });

  it('reads its stack and takes its double\'s route on the aws target', async () => {
    // Arrange
    const { RoutesTableName } = await stackOutputs(`${stack}-core`);
    const route = () => dynamodb.send(new GetItemCommand({ TableName: RoutesTableName, Key: { double: { S: 'queue:orders' } }, ConsistentRead: true }));
    const { QueueUrlOrders } = await stackOutputs(`${stack}-queue`);
    const aws = await createHarness({ target: 'aws', adapters: [queueAdapter], config: configPath, onError: () => {} });

    // Act
    const url = aws.queue.queueUrl('orders');
    await aws.queue.mockQueue('orders');
    const held = await route();
    await aws.close();
    const released = await route();

    // Assert
    expect(url).toBe(QueueUrlOrders);
    expect(held.Item?.session?.S).toBe(aws.session);
    expect(released.Item).toBeUndefined();
  });

  it('destroys its stack with the rest (no --adapters: every adapter of the config, then core)', async () => {
    // Act
    const run = await harness(dir, 'destroy', '--yes');

    // Assert
    expect(run.code, run.stderr).toBe(0);
    timings.push(`destroy ${run.ms} ms`);
    expect(await stackStatus(`${stack}-queue`)).toBe('NOT_DEPLOYED');
    expect(await stackStatus(`${stack}-core`)).toBe('NOT_DEPLOYED');
  });
});
