import { CreateStateMachineCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionWaitTimeoutError, StateMachineNotFoundError, executeOnAws, resolveStateMachineArn } from '../../src/aws-driver.js';

// moto accepts any well-formed role ARN; it does not check IAM.
const ROLE_ARN = 'arn:aws:iam::123456789012:role/harness-aws-driver-test';

describe('Function: executeOnAws (against moto)', () => {
  let client: SFNClient;
  let restoreEngine: (() => Promise<void>) | undefined;
  const leftRunning: string[] = [];

  beforeAll(async () => {
    // Before any CreateStateMachine: moto keeps executing and non-executing state machines in different backends.
    restoreEngine = await useStepFunctionsEngine();
    client = new SFNClient({});
  });

  afterAll(async () => {
    for (const executionArn of leftRunning) await client.send(new StopExecutionCommand({ executionArn }));
    await restoreEngine?.();
    client.destroy();
  });

  async function createStateMachine(prefix: string, definition: object): Promise<string> {
    const created = await client.send(
      new CreateStateMachineCommand({ name: uniqueName(prefix), definition: JSON.stringify(definition), roleArn: ROLE_ARN }),
    );
    return created.stateMachineArn ?? '';
  }

  it('runs a Pass/Choice workflow to SUCCEEDED, with its output and the states in order', async () => {
    // Arrange
    const stateMachineArn = await createStateMachine('pass-choice', {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: 'express', ResultPath: '$.shipping', Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.shipping', StringEquals: 'express', Next: 'Express' }],
          Default: 'Standard',
        },
        Express: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'fast': true }, End: true },
        Standard: { Type: 'Pass', End: true },
      },
    });

    // Act
    const run = await executeOnAws({ client, stateMachineArn, input: { orderId: 'o-1' }, name: 'run-1', pollIntervalMs: 50, timeoutMs: 30_000 });

    // Assert
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      stateMachineArn,
      name: 'run-1',
      input: { orderId: 'o-1' },
      output: { orderId: 'o-1', fast: true },
    });
    expect(run.executionArn).toMatch(/:execution:pass-choice-[0-9a-f]{8}:run-1$/);
    expect(run.stopDate.getTime()).toBeGreaterThanOrEqual(run.startDate.getTime());
    expect(run.history.filter((event) => event.type === 'StateEntered').map((event) => event.stateName)).toEqual(['Prepare', 'Route', 'Express']);
    expect(run.history.find((event) => event.type === 'StateExited' && event.stateName === 'Prepare')?.output).toEqual({
      orderId: 'o-1',
      shipping: 'express',
    });
    expect(run.history[0]).toMatchObject({ type: 'ExecutionStarted', input: { orderId: 'o-1' } });
    expect(run.history.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', output: { orderId: 'o-1', fast: true } });
  });

  it('reports a Fail state as FAILED with its error and cause', async () => {
    // Arrange
    const stateMachineArn = await createStateMachine('fail', {
      StartAt: 'Check',
      States: {
        Check: { Type: 'Pass', Next: 'Reject' },
        Reject: { Type: 'Fail', Error: 'Order.Invalid', Cause: 'no items' },
      },
    });

    // Act
    const run = await executeOnAws({ client, stateMachineArn, input: { items: [] }, pollIntervalMs: 50, timeoutMs: 30_000 });

    // Assert
    expect(run).toMatchObject({ status: 'FAILED', error: 'Order.Invalid', cause: 'no items' });
    expect(run.output).toBeUndefined();
    expect(run.history.at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'Order.Invalid', cause: 'no items' });
    expect(run.history.filter((event) => event.type === 'StateEntered').map((event) => event.stateName)).toEqual(['Check', 'Reject']);
  });

  it('derives StateFailed, StateRetried and StateCaught from the history moto records for a failing Task', async () => {
    // Arrange: moto runs lambda:invoke for real; the function does not exist, so every attempt fails.
    const stateMachineArn = await createStateMachine('retry-catch', {
      StartAt: 'Charge',
      States: {
        Charge: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: 'harness-no-such-function' },
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Refund' }],
          End: true,
        },
        Refund: { Type: 'Pass', End: true },
      },
    });

    // Act
    const run = await executeOnAws({ client, stateMachineArn, pollIntervalMs: 50, timeoutMs: 30_000 });

    // Assert
    expect(run.status).toBe('SUCCEEDED');
    const charge = run.history.filter((event) => event.stateName === 'Charge');
    expect(charge.map((event) => event.type)).toEqual(['StateEntered', 'StateFailed', 'StateRetried', 'StateFailed', 'StateCaught', 'StateExited']);
    expect(charge.every((event) => event.resource === 'arn:aws:states:::lambda:invoke')).toBe(true);
    expect(charge[1]?.error).toBe('Lambda.ResourceNotFoundException');
    expect(charge[2]?.retryAttempt).toBe(1);
    expect(charge[4]?.next).toBe('Refund');
    expect(run.output).toMatchObject({ Error: 'Lambda.ResourceNotFoundException' });
  });

  it('times out on a Wait loop, naming the execution, its status and the events it saw, and leaves it running', async () => {
    // Arrange
    const stateMachineArn = await createStateMachine('wait-loop', {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 1, Next: 'Again' },
        Again: { Type: 'Pass', Next: 'Pause' },
      },
    });

    // Act
    const failure = await executeOnAws({ client, stateMachineArn, pollIntervalMs: 50, timeoutMs: 1_500 }).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(ExecutionWaitTimeoutError);
    const timeout = failure as ExecutionWaitTimeoutError;
    leftRunning.push(timeout.executionArn);
    expect(timeout.lastStatus).toBe('RUNNING');
    expect(timeout.stopped).toBe(false);
    expect(timeout.message).toContain(timeout.executionArn);
    expect(timeout.message).toContain('still RUNNING after 1500 ms');
    expect(timeout.lastEvents.length).toBeGreaterThan(0);
    expect(timeout.lastEvents.some((event) => event.stateName === 'Pause' || event.stateName === 'Again')).toBe(true);
    expect(timeout.message).toMatch(/history event\(s\): .*"(Pause|Again)"/);
  });
  it('resolveStateMachineArn finds a deployed state machine by name, and lists the names when there is none', async () => {
    // Arrange
    const stateMachineArn = await createStateMachine('resolve', { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const name = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);

    // Act
    const resolved = await resolveStateMachineArn(name, { client });
    const missing = await resolveStateMachineArn('NoSuchMachine', { client }).catch((error: unknown) => error);

    // Assert
    expect(resolved).toBe(stateMachineArn);
    expect(missing).toBeInstanceOf(StateMachineNotFoundError);
    expect((missing as StateMachineNotFoundError).known).toContain(name);
  });
});
