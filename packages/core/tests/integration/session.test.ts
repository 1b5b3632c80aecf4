import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adapterStackName,
  coreStackName,
  CORE_OUTPUTS,
  createHarness,
  PROTOCOL_VERSION,
  RouteBusyError,
  StackNotReadyError,
  type AdapterSession,
  type InvocationMessage,
  type TestDoubleAdapter,
} from '../../src/index.js';
import { coreTemplate } from '../../src/template.js';

/** A minimal adapter: `harness.probe.mock(name, handler)` answers invocations with the handler's value. */
const probeAdapter: TestDoubleAdapter<'probe', object, { mock(name: string, handler: (payload: unknown) => unknown): Promise<void>; release(name: string): Promise<void> }> = {
  name: 'probe',
  parseConfig: () => ({}),
  template: () => ({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: { Placeholder: { Type: 'AWS::SQS::Queue' } },
    Outputs: { Kind: { Value: 'probe' } },
  }),
  artifacts: async () => [],
  createApi: (session: AdapterSession) => ({
    mock: (name, handler) => session.register(`probe:${name}`, async (message) => handler(message.payload)),
    release: (name) => session.unregister(`probe:${name}`),
  }),
};

const stack = uniqueName('hx');
const cloudformation = new CloudFormationClient({});
const sqs = new SQSClient({});
const dynamodb = new DynamoDBClient({});
let routesTable = '';
let resultsTable = '';

async function deploy(name: string, template: object): Promise<Record<string, string>> {
  await cloudformation.send(new CreateStackCommand({ StackName: name, TemplateBody: JSON.stringify(template) }));
  await waitUntilStackCreateComplete({ client: cloudformation, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName: name });
  const described = await cloudformation.send(new DescribeStacksCommand({ StackName: name }));
  const outputs = described.Stacks?.[0]?.Outputs ?? [];
  return Object.fromEntries(outputs.map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

/** Plays a double: reads the route, sends an invocation, polls the result. */
async function invoke(double: string, payload: unknown, invocationId = `i-${Math.random().toString(16).slice(2)}`, times = 1): Promise<unknown> {
  const route = await dynamodb.send(new GetItemCommand({ TableName: routesTable, Key: { double: { S: double } }, ConsistentRead: true }));
  const queueUrl = route.Item?.queueUrl?.S;
  const session = route.Item?.session?.S;
  if (!queueUrl || !session) throw new Error(`no route for ${double}`);
  const message: InvocationMessage = { v: PROTOCOL_VERSION, invocationId, double, session, payload, sentAt: new Date().toISOString() };
  for (let i = 0; i < times; i++) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const result = await dynamodb.send(new GetItemCommand({ TableName: resultsTable, Key: { invocationId: { S: invocationId } }, ConsistentRead: true }));
    if (result.Item?.result?.S) return JSON.parse(result.Item.result.S);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no result for ${invocationId} within 10 s`);
}

beforeAll(async () => {
  const outputs = await deploy(coreStackName(stack), coreTemplate(stack));
  routesTable = outputs[CORE_OUTPUTS.routesTable] ?? '';
  resultsTable = outputs[CORE_OUTPUTS.resultsTable] ?? '';
  await deploy(adapterStackName(stack, 'probe'), probeAdapter.template({}, { stackName: stack, core: { routesTable, resultsTable, artifactsBucket: '' }, artifacts: {} }));
});

describe('Function: createHarness (aws target, moto)', () => {
  let harness: Awaited<ReturnType<typeof createHarness<[typeof probeAdapter]>>> | undefined;
  afterAll(async () => harness?.close());

  it('routes a double to the session and answers its invocation through SQS and DynamoDB', async () => {
    harness = await createHarness({ target: 'aws', adapters: [probeAdapter], stack, config: {} });
    await harness.probe.mock('Echo', (payload) => ({ echoed: payload }));

    const result = await invoke('probe:Echo', { n: 1 });

    expect(result).toEqual({ status: 'ok', value: { echoed: { n: 1 } } });
    const route = await dynamodb.send(new GetItemCommand({ TableName: routesTable, Key: { double: { S: 'probe:Echo' } }, ConsistentRead: true }));
    expect(route.Item?.session?.S).toBe(harness.session);
    expect(Number(route.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000);
  });

  it('runs the handler once for an invocation delivered three times', async () => {
    let calls = 0;
    await harness?.probe.mock('Counter', () => ++calls);

    const result = await invoke('probe:Counter', {}, 'i-dup', 3);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(result).toEqual({ status: 'ok', value: 1 });
    expect(calls).toBe(1);
  });

  it("answers with the handler's error, named", async () => {
    await harness?.probe.mock('Thrower', () => {
      throw new TypeError('bad order');
    });

    const result = await invoke('probe:Thrower', {});

    expect(result).toMatchObject({ status: 'error', error: { name: 'TypeError', message: 'bad order' } });
  });

  it('drops a message addressed to a dead session without crashing, and goes on answering', async () => {
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: `${stack}-session-${harness?.session}` }))).QueueUrl;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ v: 1, invocationId: 'x', double: 'probe:Echo', session: 's-dead', payload: 0, sentAt: 'now' }) }));

    const result = await invoke('probe:Echo', 2);

    expect(result).toEqual({ status: 'ok', value: { echoed: 2 } });
    expect(harness?.dropped.map((dropped) => dropped.reason)).toContain(`addressed to session s-dead, not ${harness?.session}`);
  });

  it('makes a second session wait for a held double, and fail naming the holder', async () => {
    const second = await createHarness({ target: 'aws', adapters: [probeAdapter], stack, config: {}, routeWaitTimeoutMs: 500 });
    try {
      await expect(second.probe.mock('Echo', () => 0)).rejects.toBeInstanceOf(RouteBusyError);
      await expect(second.probe.mock('Echo', () => 0)).rejects.toThrow(`which session ${harness?.session} still holds`);
    } finally {
      await second.close();
    }
  });

  it("takes over the route of a crashed session once it expires", async () => {
    await dynamodb.send(
      new PutItemCommand({
        TableName: routesTable,
        Item: { double: { S: 'probe:Orphan' }, session: { S: 's-crashed' }, queueUrl: { S: 'http://gone' }, expiresAt: { N: String(Math.floor(Date.now() / 1000) - 1) } },
      }),
    );

    await harness?.probe.mock('Orphan', () => 'mine');

    expect(await invoke('probe:Orphan', {})).toEqual({ status: 'ok', value: 'mine' });
  });

  it('on close, removes its routes and its queue', async () => {
    const session = harness?.session;
    await harness?.close();

    const route = await dynamodb.send(new GetItemCommand({ TableName: routesTable, Key: { double: { S: 'probe:Echo' } }, ConsistentRead: true }));
    expect(route.Item).toBeUndefined();
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${stack}-session-${session}` }))).rejects.toThrow();
  });
});

describe('Harness: Symbol.asyncDispose', () => {
  it('closes the session at the end of an `await using` block', async () => {
    let session = '';
    {
      await using scoped = await createHarness({ target: 'aws', adapters: [probeAdapter], stack, config: {} });
      session = scoped.session;
      await scoped.probe.mock('Scoped', () => 1);
      expect(await invoke('probe:Scoped', {})).toEqual({ status: 'ok', value: 1 });
    }

    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: `${stack}-session-${session}` }))).rejects.toThrow();
    const route = await dynamodb.send(new GetItemCommand({ TableName: routesTable, Key: { double: { S: 'probe:Scoped' } }, ConsistentRead: true }));
    expect(route.Item).toBeUndefined();
  });
});

describe('Function: createHarness with a missing stack', () => {
  it("looks in the config file's region", async () => {
    const elsewhere = createHarness({ target: 'aws', adapters: [probeAdapter], config: { stack, region: 'eu-west-3' } });

    await expect(elsewhere).rejects.toThrow(`Stack ${coreStackName(stack)} does not exist`);
  });

  it('says which stack is missing and how to deploy it', async () => {
    const missing = createHarness({ target: 'aws', adapters: [probeAdapter], stack: 'hx-never-deployed', config: {} });

    await expect(missing).rejects.toBeInstanceOf(StackNotReadyError);
    await expect(missing).rejects.toThrow('Stack hx-never-deployed-core does not exist. To fix this, deploy it with `npx harness deploy`');
  });
});

describe('Function: createHarness with an adapter whose config declares no doubles', () => {
  /** Like the probe adapter, but with a stack only when its config names doubles. */
  const optionalAdapter: TestDoubleAdapter<'optional', { doubles: string[] }, { outputs: Readonly<Record<string, string>> }> = {
    name: 'optional',
    parseConfig: (raw) => ({ doubles: ((raw as { doubles?: string[] } | undefined)?.doubles ?? []) }),
    template: () => ({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Placeholder: { Type: 'AWS::SQS::Queue' } } }),
    artifacts: async () => [],
    hasDoubles: (config) => config.doubles.length > 0,
    createApi: (session: AdapterSession) => ({ outputs: session.outputs }),
  };

  it('opens a session without that adapter\'s stack', async () => {
    const harness = await createHarness({ target: 'aws', adapters: [optionalAdapter], config: { stack } });
    try {
      expect(harness.optional.outputs).toEqual({});
    } finally {
      await harness.close();
    }
  });

  it('still needs the stack once the config names a double', async () => {
    const missing = createHarness({ target: 'aws', adapters: [optionalAdapter], config: { stack, adapters: { optional: { doubles: ['One'] } } } });

    await expect(missing).rejects.toThrow(`Stack ${adapterStackName(stack, 'optional')} does not exist`);
  });
});
