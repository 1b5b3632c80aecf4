import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { CORE_OUTPUTS, createHarness, routeExpiryIso, type Harness } from '@harness/core';
import { deployWithCli, stackOutputs, uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stepFunctionsAdapter } from '../../src/adapter.js';
import { TaskCallbackError } from '../../src/aws-callbacks.js';
import { failExecution, type StateMachineHandler, type StateMachineMock } from '../../src/api.js';
import { stateMachineArnOutputKey } from '../../src/template.js';

const DOUBLES = ['Child', 'Unmocked'] as const;

/** Writes a harness.config.json and deploys core + stepfunctions to moto with the built CLI, as a user would. */
function deployDoubles(stack: string): Promise<string> {
  return deployWithCli(stack, { stepfunctions: { stateMachines: Object.fromEntries(DOUBLES.map((name) => [name, {}])) } });
}

/** Polls DescribeExecution until the execution has ended; on timeout, says the last status seen. */
async function waitForEnd(client: SFNClient, executionArn: string, timeoutMs = 30_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not described yet';
  while (Date.now() < deadline) {
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING' && described.status !== 'PENDING_REDRIVE') return described;
    last = described.status ?? 'no status';
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Execution ${executionArn} was still ${last} after ${timeoutMs} ms.`);
}

describe('State machine doubles, deployed with the CLI (against moto)', () => {
  const stack = uniqueName('hsfn');
  let client: SFNClient;
  let harness: Harness<[typeof stepFunctionsAdapter]>;
  let restoreEngine: (() => Promise<void>) | undefined;
  const arns: Record<string, string> = {};
  let routesTable = '';

  async function start(name: string, input: unknown): Promise<DescribeExecutionCommandOutput> {
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: arns[name], name: uniqueName('run'), input: JSON.stringify(input) }));
    return waitForEnd(client, started.executionArn ?? '');
  }

  beforeAll(async () => {
    client = new SFNClient({});
    // The engine first: what CloudFormation deploys then runs (packages/moto/python/fix_sfn_cloudformation_backend.py).
    restoreEngine = await useStepFunctionsEngine();
    const configPath = await deployDoubles(stack);
    const outputs = await stackOutputs(`${stack}-stepfunctions`);
    for (const name of DOUBLES) arns[name] = outputs[stateMachineArnOutputKey(name)] ?? '';
    routesTable = (await stackOutputs(`${stack}-core`))[CORE_OUTPUTS.routesTable] ?? '';
    harness = await createHarness({ target: 'aws', adapters: [stepFunctionsAdapter], config: configPath, heartbeatIntervalMs: 5_000 });
  });

  afterAll(async () => {
    await harness?.close();
    await restoreEngine?.();
  });

  let childMock: StateMachineMock | undefined;
  /** The Child double's mock: made by the first test that needs it; later tests reset it and replace its handler (mocking it again is refused). */
  async function mockChild(handler: StateMachineHandler): Promise<StateMachineMock> {
    if (childMock === undefined) {
      childMock = await harness.stepFunctions.mockStateMachine('Child', handler);
    } else {
      childMock.reset();
      childMock.replaceHandler(handler);
    }
    return childMock;
  }

  it('deploys one STANDARD state machine per configured name, its ARN in the stack outputs', async () => {
    // Act
    const outputs = await stackOutputs(`${stack}-stepfunctions`);
    const described = await Promise.all(
      DOUBLES.map((name) => client.send(new DescribeStateMachineCommand({ stateMachineArn: outputs[stateMachineArnOutputKey(name)] }))),
    );

    // Assert
    expect(Object.keys(outputs).sort()).toEqual(DOUBLES.map(stateMachineArnOutputKey).sort());
    expect(described.map((machine) => [machine.name, machine.type])).toEqual(DOUBLES.map((name) => [name, 'STANDARD']));
    expect(JSON.parse(described[0]?.definition ?? '{}')).toMatchObject({ StartAt: 'Begin', States: { ReadRoute: { Resource: 'arn:aws:states:::dynamodb:getItem' } } });
  });

  it('succeeds with the handler\'s output, and the mock records the execution', async () => {
    // Arrange
    const child = await mockChild(({ input }) => ({ charged: (input as { amount: number }).amount }));

    // Act
    const execution = await start('Child', { amount: 42 });

    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ charged: 42 });
    expect(child.invocations).toHaveLength(1);
    expect(child.invocations[0]).toMatchObject({
      input: { amount: 42 },
      name: execution.name,
      executionArn: execution.executionArn,
      stateMachineArn: arns.Child,
      stateMachineName: 'Child',
      pattern: 'request-response',
      status: 'SUCCEEDED',
    });
    child.clear();
  });

  it('fails with the error and cause of failExecution', async () => {
    // Arrange
    await mockChild(() => failExecution('Card.Declined', 'insufficient funds'));

    // Act
    const execution = await start('Child', { amount: 1 });

    // Assert
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Card.Declined', cause: 'insufficient funds' });
  });

  it('passes a task token in the input on to the handler', async () => {
    // Arrange
    const child = await mockChild(({ taskToken }) => ({ token: taskToken }));
    child.clear();

    // Act
    const execution = await start('Child', { TaskToken: 'token-1', AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'arn:aws:states:us-east-1:123456789012:execution:Parent:p-1' });

    // Assert
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ token: 'token-1' });
    expect(child.invocations[0]).toMatchObject({ pattern: 'waitForTaskToken', taskToken: 'token-1', parent: { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Parent:p-1' } });
  });

  it('runs on harness.stepFunctions.execute, named by its stack output', async () => {
    // Arrange
    await mockChild(({ input }) => ({ seen: input }));

    // Act
    const execution = await harness.stepFunctions.execute(stateMachineArnOutputKey('Child'), { orderId: 'o-1' });

    // Assert
    expect(execution).toMatchObject({ status: 'SUCCEEDED', output: { seen: { orderId: 'o-1' } }, stateMachineArn: arns.Child });
  });

  it('fails at once with Harness.NoRoute when no session mocks the double', async () => {
    // Act
    const started = Date.now();
    const execution = await start('Unmocked', {});

    // Assert
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Harness.NoRoute' });
    expect(execution.cause).toContain("harness.stepFunctions.mockStateMachine('Unmocked', handler)");
  });

  it('completes a workflow that calls the double through states:startExecution.sync:2 with the handler\'s output', async () => {
    // Arrange
    const child = await mockChild(({ input }) => ({ charged: (input as { amount: number }).amount }));
    child.clear();
    // Created after the engine was switched on (beforeAll), so moto's engine runs it; the ASL is what a workflow on AWS writes.
    const parent = await client.send(
      new CreateStateMachineCommand({
        name: uniqueName('Checkout'),
        roleArn: 'arn:aws:iam::123456789012:role/harness-checkout',
        type: 'STANDARD',
        definition: JSON.stringify({
          StartAt: 'Charge',
          States: {
            Charge: {
              Type: 'Task',
              Resource: 'arn:aws:states:::states:startExecution.sync:2',
              Parameters: {
                StateMachineArn: arns.Child,
                Input: { 'amount.$': '$.amount', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
              },
              ResultSelector: { 'charge.$': '$.Output', 'childStatus.$': '$.Status', 'childExecutionArn.$': '$.ExecutionArn' },
              End: true,
            },
          },
        }),
      }),
    );

    // Act
    const execution = await harness.stepFunctions.execute(parent.stateMachineArn ?? '', { amount: 7 });

    // Assert
    expect(execution).toMatchObject({
      status: 'SUCCEEDED',
      stateMachineArn: parent.stateMachineArn,
      output: { charge: { charged: 7 }, childStatus: 'SUCCEEDED', childExecutionArn: expect.stringMatching(/:execution:Child:/) },
    });
    expect(child.invocations).toHaveLength(1);
    expect(child.invocations[0]).toMatchObject({
      input: { amount: 7 },
      stateMachineArn: arns.Child,
      status: 'SUCCEEDED',
      parent: { executionArn: execution.executionArn },
    });
    expect(child.invocations[0]?.executionArn).toBe((execution.output as { childExecutionArn: string }).childExecutionArn);
  });

  it('lets the handler of a double started with states:startExecution.waitForTaskToken answer the parent through sendTaskSuccess', async () => {
    // Arrange: the double's handler gets the parent's token; the test, playing the child's worker, calls back.
    const tokens: string[] = [];
    await mockChild(({ taskToken }) => {
      if (taskToken) tokens.push(taskToken);
      return { accepted: true };
    });
    const parent = await client.send(
      new CreateStateMachineCommand({
        name: uniqueName('Approve'),
        roleArn: 'arn:aws:iam::123456789012:role/harness-approve',
        definition: JSON.stringify({
          StartAt: 'AskChild',
          States: {
            AskChild: {
              Type: 'Task',
              Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
              Parameters: { StateMachineArn: arns.Child, Input: { 'TaskToken.$': '$$.Task.Token', orderId: 'o-9' } },
              TimeoutSeconds: 30,
              End: true,
            },
          },
        }),
      }),
    );
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: parent.stateMachineArn, name: uniqueName('approve'), input: '{}' }));
    await vi.waitFor(() => expect(tokens).toHaveLength(1), { timeout: 10_000, interval: 50 });

    // Act
    await harness.stepFunctions.sendTaskSuccess(tokens[0] ?? '', { approved: 'o-9' });
    const execution = await waitForEnd(client, started.executionArn ?? '');
    const reused = await harness.stepFunctions.sendTaskSuccess(tokens[0] ?? '', { again: true }).catch((error: unknown) => error);

    // Assert
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ approved: 'o-9' });
    expect(reused).toBeInstanceOf(TaskCallbackError);
  });

  it("fails at once with Harness.NoRoute when the route's session has gone without releasing it (expired route)", async () => {
    // Arrange: a session that crashed left its route behind; its queue still exists, but nobody reads it.
    const sqs = new SQSClient({});
    const orphanQueue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('crashed-session') }));
    const expiresAt = Math.floor(Date.now() / 1000) - 60;
    await new DynamoDBClient({}).send(
      new PutItemCommand({
        TableName: routesTable,
        Item: {
          double: { S: 'stepfunctions:Unmocked' },
          session: { S: 's-crashed' },
          queueUrl: { S: orphanQueue.QueueUrl ?? '' },
          expiresAt: { N: String(expiresAt) },
          expiresAtIso: { S: routeExpiryIso(expiresAt) },
        },
      }),
    );

    // Act
    const execution = await start('Unmocked', {});

    // Assert
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Harness.NoRoute' });
    expect(execution.cause).toContain(`routed to test session s-crashed, whose route expired at ${routeExpiryIso(expiresAt)}`);
    const sent = await sqs.send(new ReceiveMessageCommand({ QueueUrl: orphanQueue.QueueUrl, WaitTimeSeconds: 0 }));
    expect(sent.Messages ?? []).toEqual([]);
  });
});
