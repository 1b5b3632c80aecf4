// The result checks and close() on the aws target (moto): what the local target
// does (tests/unit/local-harness.test.ts), over SQS and DynamoDB.
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { uniqueName } from '@harness/testing';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import {
  adapterStackName,
  coreStackName,
  CORE_OUTPUTS,
  createHarness,
  HandlersStillRunningError,
  PROTOCOL_VERSION,
  type AdapterSession,
  type InvocationMessage,
  type TestDoubleAdapter,
} from '../../src/index.js';
import { coreTemplate } from '../../src/template.js';

const probeAdapter: TestDoubleAdapter<'probe', object, { mock(name: string, handler: (payload: unknown) => unknown): Promise<void> }> = {
  name: 'probe',
  parseConfig: () => ({}),
  template: () => ({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Placeholder: { Type: 'AWS::SQS::Queue' } }, Outputs: { Kind: { Value: 'probe' } } }),
  artifacts: async () => [],
  createApi: (session: AdapterSession) => ({
    mock: (name, handler) => session.register(`probe:${name}`, async (message) => handler(message.payload)),
  }),
};

const stack = uniqueName('hx-results');
const cloudformation = new CloudFormationClient({});
const sqs = new SQSClient({});
const dynamodb = new DynamoDBClient({});
let routesTable = '';
let resultsTable = '';

async function deploy(name: string, template: object): Promise<Record<string, string>> {
  await cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
  await waitUntilStackCreateComplete({ client: cloudformation, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName: name });
  const described = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
  return Object.fromEntries((described.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

/** Plays a double: reads the route and sends an invocation; `result()` polls its result (10 s). */
async function send(double: string): Promise<{ invocationId: string; result(): Promise<unknown> }> {
  const route = await dynamodb.send(new GetItemCommand({ TableName: routesTable, Key: { double: { S: double } }, ConsistentRead: true }));
  const queueUrl = route.Item?.queueUrl?.S;
  const session = route.Item?.session?.S;
  if (!queueUrl || !session) throw new Error(`no route for ${double}: ${JSON.stringify(route.Item)}`);
  const invocationId = `i-${Math.random().toString(16).slice(2)}`;
  const message: InvocationMessage = { v: PROTOCOL_VERSION, invocationId, double, session, payload: null, sentAt: new Date().toISOString() };
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  return {
    invocationId,
    async result() {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const item = await dynamodb.send(new GetItemCommand({ TableName: resultsTable, Key: { invocationId: { S: invocationId } }, ConsistentRead: true }));
        if (item.Item?.result?.S) return JSON.parse(item.Item.result.S);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no result for ${invocationId} of ${double} within 10 s`);
    },
  };
}

beforeAll(async () => {
  const outputs = await deploy(coreStackName(stack), coreTemplate(stack));
  routesTable = outputs[CORE_OUTPUTS.routesTable] ?? '';
  resultsTable = outputs[CORE_OUTPUTS.resultsTable] ?? '';
  await deploy(adapterStackName(stack, 'probe'), probeAdapter.template({}, { stackName: stack, core: { routesTable, resultsTable, artifactsBucket: '' }, artifacts: {} }));
});

describe('Result checks and close() on the aws target (moto)', () => {
  it.each([
    ['a BigInt', () => ({ total: 10n }), 'ResultNotSerializableError', 'the result of probe:Odd is not JSON: $.value.total is a BigInt (10n).'],
    ['too large for the results table', () => 'x'.repeat(400_000), 'ResultTooLargeError', 'over the 380000 bytes that a results-table item (DynamoDB allows 400 KB per item'],
  ])('answers a result with %s with the named error the local target gives', async (_case, handler, name, message) => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [probeAdapter], stack, config: {} });
    await harness.probe.mock('Odd', handler);

    // Act
    const result = await (await send('probe:Odd')).result();

    // Assert
    expect(result).toMatchObject({ status: 'error', error: { name, message: expect.stringContaining(message) } });
  });

  it('reports a hung handler by name after closeTimeoutMs, and closes', async () => {
    // Arrange
    const onError = vi.fn();
    const harness = await createHarness({ target: 'aws', adapters: [probeAdapter], stack, config: {}, closeTimeoutMs: 300, onError });
    let arrived: () => void = () => {};
    const running = new Promise<void>((resolve) => (arrived = resolve));
    await harness.probe.mock('Hung', () => {
      arrived();
      return new Promise(() => {});
    });
    const sent = await send('probe:Hung');
    await running;

    // Act
    await harness.close();

    // Assert
    expect(onError).toHaveBeenCalledWith(expect.any(HandlersStillRunningError));
    const reported = onError.mock.calls.map(([error]) => error as Error).find((error) => error instanceof HandlersStillRunningError);
    expect(reported?.message).toContain(`probe:Hung (invocation ${sent.invocationId}, running `);
  });
});
