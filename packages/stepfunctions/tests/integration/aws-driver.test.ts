import { CreateStateMachineCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionWaitTimeoutError, StateMachineNotFoundError, executeOnAws, resolveStateMachineArn } from '../../src/aws-driver.js';
import { errorOf, eventDetails, stateInput, stateNameOf, statesEntered } from '../../src/engine/history/read.js';
import type { HistoryEvent } from '../../src/local-runner.js';

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

  /** The output a state exited with (its first …StateExited event), parsed. */
  function stateOutput(history: readonly HistoryEvent[], stateName: string): unknown {
    const details = history.find((event) => event.stateExitedEventDetails?.name === stateName)?.stateExitedEventDetails;
    return details?.output === undefined ? undefined : JSON.parse(details.output);
  }

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
    // moto's GetExecutionHistory events, unchanged: payloads are JSON text.
    expect(statesEntered(run.history)).toEqual(['Prepare', 'Route', 'Express']);
    expect(run.history.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(stateOutput(run.history, 'Prepare')).toEqual({ orderId: 'o-1', shipping: 'express' });
    expect(stateInput(run.history, 'Express')).toEqual({ orderId: 'o-1', shipping: 'express' });
    expect(run.history[0]?.type).toBe('ExecutionStarted');
    expect(JSON.parse(run.history[0]?.executionStartedEventDetails?.input ?? 'null')).toEqual({ orderId: 'o-1' });
    expect(run.history.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(JSON.parse(run.history.at(-1)?.executionSucceededEventDetails?.output ?? 'null')).toEqual({ orderId: 'o-1', fast: true });
    expect(run.history.map((event) => event.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
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
    expect(run.history.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Order.Invalid', cause: 'no items' } });
    expect(statesEntered(run.history)).toEqual(['Check', 'Reject']);
    expect(run.history.at(-2)?.type).toBe('FailStateEntered');
  });

  it('returns the events moto records for a retried, caught Task: a TaskScheduled per attempt, IntervalSeconds apart', async () => {
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
    expect(run.history.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(statesEntered(run.history)).toEqual(['Charge', 'Refund']);
    const scheduled = run.history.filter((event) => event.type === 'TaskScheduled');
    expect(scheduled.map(eventDetails)).toEqual(Array(2).fill(expect.objectContaining({ resourceType: 'lambda', resource: 'invoke' })));
    expect(JSON.parse(scheduled[0]?.taskScheduledEventDetails?.parameters ?? 'null')).toEqual({ FunctionName: 'harness-no-such-function' });
    const failed = run.history.filter((event) => event.type === 'TaskFailed');
    expect(failed.map(errorOf)).toEqual(['Lambda.ResourceNotFoundException', 'Lambda.ResourceNotFoundException']);
    // The retry waits IntervalSeconds (1 s) after the first failure.
    expect((scheduled[1]?.timestamp.getTime() ?? 0) - (failed[0]?.timestamp.getTime() ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(stateInput(run.history, 'Refund')).toMatchObject({ Error: 'Lambda.ResourceNotFoundException' });
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
    expect(timeout.lastEvents.some((event) => stateNameOf(event) === 'Pause' || stateNameOf(event) === 'Again')).toBe(true);
    expect(timeout.lastEvents.every((event) => /^(ExecutionStarted|(Wait|Pass)State(Entered|Exited))$/.test(event.type))).toBe(true);
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
