import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { createHarness, type Harness } from '@harness/core';
import { deployWithCli, uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepFunctionsAdapter } from '../../src/adapter.js';
import { failExecution } from '../../src/api.js';
import { stateMachineArnOutputKey } from '../../src/template.js';

const DOUBLES = ['Child', 'Unmocked'] as const;

/** moto's settings endpoint (moto/moto_api: POST merges the body into moto/core/config.py's default_user_config). */
async function motoConfig(body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${process.env.AWS_ENDPOINT_URL}/moto-api/config`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  if (!response.ok) throw new Error(`moto-api/config answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

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
  let previousConfig: unknown;
  const arns: Record<string, string> = {};

  async function start(name: string, input: unknown): Promise<DescribeExecutionCommandOutput> {
    // moto's engine names an execution started without a name "None" (and refuses the second one): always name it.
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: arns[name], name: uniqueName('run'), input: JSON.stringify(input) }));
    return waitForEnd(client, started.executionArn ?? '');
  }

  beforeAll(async () => {
    client = new SFNClient({});
    previousConfig = (await motoConfig()).stepfunctions;
    await motoConfig({ stepfunctions: { execute_state_machine: false } });
    const configPath = await deployDoubles(stack);
    // moto 5.2.5 keeps two Step Functions backends: CloudFormation creates state machines in the plain one, while
    // with execute_state_machine on, the API (StartExecution…) serves only the executing one. So the deployed
    // definitions are read back and created, unchanged, in the executing backend (same name, so the same ARN).
    const deployed = await Promise.all(
      DOUBLES.map(async (name) => {
        const arn = `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
        return client.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      }),
    );
    await motoConfig({ stepfunctions: { execute_state_machine: true } });
    for (const machine of deployed) {
      const created = await client.send(new CreateStateMachineCommand({ name: machine.name, definition: machine.definition, roleArn: machine.roleArn, type: 'STANDARD' }));
      arns[machine.name ?? ''] = created.stateMachineArn ?? '';
    }
    harness = await createHarness({ target: 'aws', adapters: [stepFunctionsAdapter], config: configPath, heartbeatIntervalMs: 5_000 });
  });

  afterAll(async () => {
    await harness?.close();
    if (previousConfig !== undefined) await motoConfig({ stepfunctions: previousConfig });
  });

  it('deploys one double per configured name, with the ARN in its stack outputs', async () => {
    // Arrange
    const cloudformation = new CloudFormationClient({});

    // Act
    const described = await cloudformation.send(new DescribeStacksCommand({ StackName: `${stack}-stepfunctions` }));

    // Assert
    const outputs = Object.fromEntries((described.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
    expect(outputs).toEqual(Object.fromEntries(DOUBLES.map((name) => [stateMachineArnOutputKey(name), arns[name]])));
  });

  it('succeeds with the handler\'s output, and the mock records the execution', async () => {
    // Arrange
    const child = await harness.stepFunctions.mockStateMachine('Child', ({ input }) => ({ charged: (input as { amount: number }).amount }));

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
    await harness.stepFunctions.mockStateMachine('Child', () => failExecution('Card.Declined', 'insufficient funds'));

    // Act
    const execution = await start('Child', { amount: 1 });

    // Assert
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Card.Declined', cause: 'insufficient funds' });
  });

  it('passes a task token in the input on to the handler', async () => {
    // Arrange
    const child = await harness.stepFunctions.mockStateMachine('Child', ({ taskToken }) => ({ token: taskToken }));
    child.clear();

    // Act
    const execution = await start('Child', { TaskToken: 'token-1', AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'arn:aws:states:us-east-1:123456789012:execution:Parent:p-1' });

    // Assert
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ token: 'token-1' });
    expect(child.invocations[0]).toMatchObject({ pattern: 'waitForTaskToken', taskToken: 'token-1', parent: { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Parent:p-1' } });
  });

  it('runs on harness.stepFunctions.execute, named by its stack output', async () => {
    // Arrange
    await harness.stepFunctions.mockStateMachine('Child', ({ input }) => ({ seen: input }));

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
    const child = await harness.stepFunctions.mockStateMachine('Child', ({ input }) => ({ charged: (input as { amount: number }).amount }));
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

  it('takes about a second per round trip (median of 20 sequential executions)', async () => {
    // Arrange
    await harness.stepFunctions.mockStateMachine('Child', () => ({ ok: true }));
    const durations: number[] = [];

    // Act
    for (let index = 0; index < 20; index++) {
      const started = Date.now();
      const execution = await start('Child', { index });
      durations.push(Date.now() - started);
      expect(execution.status).toBe('SUCCEEDED');
    }

    // Assert
    durations.sort((a, b) => a - b);
    const median = (durations[9]! + durations[10]!) / 2;
    console.log(`state machine double round trip on moto: median ${median} ms, min ${durations[0]} ms, max ${durations[19]} ms`);
    expect(median).toBeGreaterThanOrEqual(1_000); // the double's first poll comes after a 1 s Wait
    expect(median).toBeLessThan(5_000);
  }, 120_000);
});
