import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent as AwsHistoryEvent,
} from '@aws-sdk/client-sfn';
import { WaitTimeoutError } from '@harness/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ExecutionInputTooLargeError,
  ExecutionWaitTimeoutError,
  StateMachineNotFoundError,
  executeOnAws,
  nextPollIntervalMs,
  resolveStateMachineArn,
  toHistoryEvents,
} from '../../src/aws-driver.js';
import { errorOf, stateInput, stateNameOf, statesEntered } from '../../src/engine/history/read.js';

const sfnMock = mockClient(SFNClient);
const client = new SFNClient({ region: 'us-east-1' });
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow';
const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:OrderFlow:run-1';
const T0 = new Date('2026-01-01T00:00:00Z');

function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

function entered(id: number, previousEventId: number, kind: string, name: string, input: unknown): AwsHistoryEvent {
  return { id, previousEventId, type: `${kind}StateEntered` as AwsHistoryEvent['type'], timestamp: at(id), stateEnteredEventDetails: { name, input: JSON.stringify(input) } };
}

function exited(id: number, previousEventId: number, kind: string, name: string, output: unknown): AwsHistoryEvent {
  return { id, previousEventId, type: `${kind}StateExited` as AwsHistoryEvent['type'], timestamp: at(id), stateExitedEventDetails: { name, output: JSON.stringify(output) } };
}

const succeededHistory: AwsHistoryEvent[] = [
  { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: at(1), executionStartedEventDetails: { input: '{"orderId":"o-1"}' } },
  entered(2, 1, 'Pass', 'Prepare', { orderId: 'o-1' }),
  exited(3, 2, 'Pass', 'Prepare', { orderId: 'o-1', ready: true }),
  { id: 4, previousEventId: 3, type: 'ExecutionSucceeded', timestamp: at(4), executionSucceededEventDetails: { output: '{"orderId":"o-1","ready":true}' } },
];

function succeedWith(history: AwsHistoryEvent[] = succeededHistory): void {
  sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: at(1) });
  sfnMock.on(DescribeExecutionCommand).resolves({
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'run-1',
    status: 'SUCCEEDED',
    input: '{"orderId":"o-1"}',
    output: '{"orderId":"o-1","ready":true}',
    startDate: at(1),
    stopDate: at(4),
  });
  sfnMock.on(GetExecutionHistoryCommand).resolves({ events: history });
}

describe('Function: executeOnAws', () => {
  beforeEach(() => {
    sfnMock.reset();
  });

  it('starts the execution with its input as JSON and returns it parsed, shaped like a local execution', async () => {
    // Arrange
    succeedWith();

    // Act
    const run = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, input: { orderId: 'o-1' }, name: 'run-1', pollIntervalMs: 1 });

    // Assert
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      input: '{"orderId":"o-1"}',
      name: 'run-1',
    });
    expect(run).toEqual({
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'run-1',
      status: 'SUCCEEDED',
      input: { orderId: 'o-1' },
      output: { orderId: 'o-1', ready: true },
      startDate: at(1),
      stopDate: at(4),
      // GetExecutionHistory's events as the API returned them: the local target's history has the same shape.
      history: succeededHistory,
    });
  });

  it('sends {} when no input is given, and no name so that AWS picks one', async () => {
    // Arrange
    succeedWith();

    // Act
    await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, pollIntervalMs: 1 });

    // Assert
    expect(sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({ stateMachineArn: STATE_MACHINE_ARN, input: '{}' });
  });

  it('polls DescribeExecution while the execution is RUNNING', async () => {
    // Arrange
    succeedWith();
    sfnMock
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' })
      .resolvesOnce({ status: 'RUNNING' })
      .resolves({ status: 'FAILED', error: 'Order.Invalid', cause: 'no items', input: '{}', startDate: at(1), stopDate: at(2) });

    // Act
    const run = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, pollIntervalMs: 1 });

    // Assert
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(3);
    expect(run).toMatchObject({ status: 'FAILED', error: 'Order.Invalid', cause: 'no items' });
    expect(run).not.toHaveProperty('output');
  });

  it('keeps polling after a ThrottlingException the SDK did not absorb, instead of failing', async () => {
    // Arrange
    succeedWith();
    sfnMock
      .on(DescribeExecutionCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ status: 'SUCCEEDED', output: '{"ok":true}', input: '{}', startDate: at(1), stopDate: at(2) });

    // Act
    const run = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, pollIntervalMs: 1 });

    // Assert
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
    expect(run).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
  });

  it('fails at once on an error other than throttling', async () => {
    // Arrange
    succeedWith();
    sfnMock.on(DescribeExecutionCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const failure = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, pollIntervalMs: 1 }).catch((error: unknown) => error);

    // Assert
    expect((failure as Error).name).toBe('AccessDeniedException');
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
  });

  it('reports TIMED_OUT with the error States.Timeout, as the local runner does', async () => {
    // Arrange
    succeedWith([]);
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'TIMED_OUT', input: '{}', startDate: at(1) });

    // Act
    const run = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, pollIntervalMs: 1 });

    // Assert
    expect(run).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(run.stopDate).toBeInstanceOf(Date);
  });

  it('reads every page of the history', async () => {
    // Arrange
    succeedWith();
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: succeededHistory.slice(0, 2), nextToken: 'page-2' })
      .resolvesOnce({ events: succeededHistory.slice(2, 3), nextToken: 'page-3' })
      .resolvesOnce({ events: succeededHistory.slice(3) });

    // Act
    const run = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, pollIntervalMs: 1 });

    // Assert
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input.nextToken)).toEqual([undefined, 'page-2', 'page-3']);
    expect(run.history.map((event) => event.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(run.history).toEqual(succeededHistory);
  });

  it('refuses an input over 256 KiB without calling StartExecution', async () => {
    // Arrange
    succeedWith();
    const input = { blob: 'x'.repeat(262_144) };

    // Act
    const failure = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, input }).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(ExecutionInputTooLargeError);
    expect((failure as Error).message).toMatch(/^The input for arn:aws:states:.*:OrderFlow is 262155 bytes of JSON, over Step Functions' limit of 262144 bytes/);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('refuses an input that is not JSON data', async () => {
    // Arrange
    const input = { count: 1n };

    // Act
    const failure = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, input }).catch((error: unknown) => error);

    // Assert
    expect((failure as Error).message).toContain('cannot be serialised to JSON');
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('times out naming the execution, its last status and its last events, and leaves it running', async () => {
    // Arrange: newest first, as reverseOrder asks; one event more than maxResults, as an endpoint that ignores it (moto) sends.
    const lambda = { resourceType: 'lambda', resource: 'invoke' };
    const events: AwsHistoryEvent[] = [
      { id: 6, previousEventId: 5, type: 'TaskScheduled', timestamp: at(6), taskScheduledEventDetails: { ...lambda, region: 'us-east-1', parameters: '{}' } },
      { id: 5, previousEventId: 4, type: 'TaskFailed', timestamp: at(5), taskFailedEventDetails: { ...lambda, error: 'Lambda.TooManyRequestsException', cause: 'slow down' } },
      { id: 4, previousEventId: 3, type: 'TaskStarted', timestamp: at(4), taskStartedEventDetails: lambda },
      { id: 3, previousEventId: 2, type: 'TaskScheduled', timestamp: at(3), taskScheduledEventDetails: { ...lambda, region: 'us-east-1', parameters: '{}' } },
      entered(2, 0, 'Task', 'Charge', {}),
      { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: at(1), executionStartedEventDetails: { input: '{}' } },
    ];
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: at(1) });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfnMock.on(GetExecutionHistoryCommand).resolves({ events });

    // Act
    const failure = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, timeoutMs: 30, pollIntervalMs: 5 }).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(ExecutionWaitTimeoutError);
    expect(failure).toBeInstanceOf(WaitTimeoutError);
    expect((failure as Error).message).toMatchInlineSnapshot(
      `"Execution arn:aws:states:us-east-1:123456789012:execution:OrderFlow:run-1 was still RUNNING after 30 ms. Its last 5 history event(s): TaskStateEntered "Charge", TaskScheduled, TaskStarted, TaskFailed error Lambda.TooManyRequestsException, TaskScheduled. It was left running (pass stopOnTimeout: true to stop it). To fix this, raise timeoutMs, or check why the workflow waits (a Wait state, a task that never ends, a callback never sent)."`,
    );
    expect((failure as ExecutionWaitTimeoutError).seen).toHaveLength(5);
    expect((failure as ExecutionWaitTimeoutError).lastEvents).toEqual(events.slice(0, 5).reverse());
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input).toEqual({ executionArn: EXECUTION_ARN, reverseOrder: true, maxResults: 5 });
    expect(sfnMock.commandCalls(StopExecutionCommand)).toHaveLength(0);
  });

  it('stops the execution on timeout when stopOnTimeout is true, and says so', async () => {
    // Arrange
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN });
    sfnMock.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    sfnMock.on(GetExecutionHistoryCommand).rejects(new Error('AccessDenied'));
    sfnMock.on(StopExecutionCommand).resolves({});

    // Act
    const failure = await executeOnAws({ client, stateMachineArn: STATE_MACHINE_ARN, timeoutMs: 10, pollIntervalMs: 5, stopOnTimeout: true }).catch(
      (error: unknown) => error,
    );

    // Assert
    expect((failure as ExecutionWaitTimeoutError).stopped).toBe(true);
    expect((failure as Error).message).toContain('Its history could not be read (AccessDenied).');
    expect((failure as Error).message).toContain('It was stopped (stopOnTimeout).');
    expect(sfnMock.commandCalls(StopExecutionCommand)[0]?.args[0].input).toMatchObject({ executionArn: EXECUTION_ARN });
  });
});

describe('Function: nextPollIntervalMs', () => {
  const limits = { firstMs: 50, maxMs: 1_000 };

  it('polls every first interval for the first 2 s, so a short execution\'s end is seen within 50 ms', () => {
    expect([0, 500, 1_999].map((waited) => nextPollIntervalMs(waited, 50, limits))).toEqual([50, 50, 50]);
  });

  it('then grows by half each poll up to the cap: 40 calls in the first 2 s, then at most one a second', () => {
    // Arrange: every wait the schedule gives for a 60 s execution.
    const waits: number[] = [];
    let waited = 0;
    let interval = limits.firstMs;
    while (waited < 60_000) {
      waits.push(interval);
      waited += interval;
      interval = nextPollIntervalMs(waited, interval, limits);
    }

    // Assert: DescribeExecution's smaller bucket is 250 calls refilled at 10 a second.
    expect(waits.filter((wait) => wait === 50)).toHaveLength(40);
    expect(waits.slice(40, 47)).toEqual([75, 113, 170, 255, 383, 575, 863]);
    expect(waits.at(-1)).toBe(1_000);
    expect(waits.length).toBeLessThan(110);
  });

  it('leaves the fast phase once throttled', () => {
    expect(nextPollIntervalMs(100, 100, { ...limits, throttled: true })).toBe(150);
  });
});

describe('Function: toHistoryEvents', () => {
  it('returns a failed Fail state\'s events unchanged: the error and cause stay in executionFailedEventDetails', () => {
    // Arrange
    const events: AwsHistoryEvent[] = [
      { id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: at(1), executionStartedEventDetails: { input: '{}' } },
      entered(2, 0, 'Fail', 'Reject', {}),
      { id: 3, previousEventId: 2, type: 'ExecutionFailed', timestamp: at(3), executionFailedEventDetails: { error: 'Order.Invalid', cause: 'no items' } },
    ];

    // Act
    const history = toHistoryEvents(events);

    // Assert
    expect(history).toEqual(events);
    expect(history.map(errorOf)).toEqual([undefined, undefined, 'Order.Invalid']);
    expect(statesEntered(history)).toEqual(['Reject']);
  });

  it('returns a retried, caught Task\'s events unchanged: one TaskStateEntered, a TaskScheduled per attempt', () => {
    // Arrange
    const scheduled = (id: number, previousEventId: number): AwsHistoryEvent => ({
      id,
      previousEventId,
      type: 'TaskScheduled',
      timestamp: at(id),
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{}' },
    });
    const failed = (id: number, previousEventId: number): AwsHistoryEvent => ({
      id,
      previousEventId,
      type: 'TaskFailed',
      timestamp: at(id),
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'Boom', cause: 'bad' },
    });
    const events: AwsHistoryEvent[] = [
      entered(2, 0, 'Task', 'Charge', {}),
      scheduled(3, 2),
      failed(4, 3),
      scheduled(5, 4),
      failed(6, 5),
      exited(7, 6, 'Task', 'Charge', { Error: 'Boom', Cause: 'bad' }),
      entered(8, 7, 'Pass', 'Refund', { Error: 'Boom', Cause: 'bad' }),
    ];

    // Act
    const history = toHistoryEvents(events);

    // Assert
    expect(history).toEqual(events);
    expect(history.map((event) => [event.type, stateNameOf(event), errorOf(event)])).toEqual([
      ['TaskStateEntered', 'Charge', undefined],
      ['TaskScheduled', undefined, undefined],
      ['TaskFailed', undefined, 'Boom'],
      ['TaskScheduled', undefined, undefined],
      ['TaskFailed', undefined, 'Boom'],
      ['TaskStateExited', 'Charge', undefined],
      ['PassStateEntered', 'Refund', undefined],
    ]);
    expect(stateInput(history, 'Refund')).toEqual({ Error: 'Boom', Cause: 'bad' });
  });

  it('returns a Parallel state\'s events unchanged, branch states in the order recorded', () => {
    // Arrange: the events moto 5.2.5 records for a Parallel state with one branch.
    const events: AwsHistoryEvent[] = [
      entered(2, 0, 'Parallel', 'Fan', {}),
      { id: 3, previousEventId: 2, type: 'ParallelStateStarted', timestamp: at(3) },
      entered(4, 3, 'Pass', 'Branch', {}),
      exited(5, 4, 'Pass', 'Branch', {}),
      { id: 6, previousEventId: 5, type: 'ParallelStateSucceeded', timestamp: at(6) },
      exited(7, 5, 'Parallel', 'Fan', [{}]),
      entered(8, 7, 'Succeed', 'Done', [{}]),
    ];

    // Act
    const history = toHistoryEvents(events);

    // Assert
    expect(history).toEqual(events);
    expect(statesEntered(history)).toEqual(['Fan', 'Branch', 'Done']);
    expect(stateInput(history, 'Done')).toEqual([{}]);
  });

  it('returns Map iteration events unchanged, with their index in mapIterationStartedEventDetails', () => {
    // Arrange
    const events: AwsHistoryEvent[] = [
      entered(2, 0, 'Map', 'Each', [7, 8]),
      { id: 3, previousEventId: 2, type: 'MapStateStarted', timestamp: at(3), mapStateStartedEventDetails: { length: 2 } },
      { id: 4, previousEventId: 3, type: 'MapIterationStarted', timestamp: at(4), mapIterationStartedEventDetails: { name: 'Each', index: 0 } },
      entered(5, 4, 'Pass', 'Item', 7),
      { id: 6, previousEventId: 3, type: 'MapIterationStarted', timestamp: at(6), mapIterationStartedEventDetails: { name: 'Each', index: 1 } },
      entered(7, 6, 'Pass', 'Item', 8),
    ];

    // Act
    const history = toHistoryEvents(events);

    // Assert
    expect(history).toEqual(events);
    expect(history.filter((event) => event.type === 'MapIterationStarted').map((event) => event.mapIterationStartedEventDetails?.index)).toEqual([0, 1]);
    expect([stateInput(history, 'Item', 0), stateInput(history, 'Item', 1), stateInput(history, 'Item', 2)]).toEqual([7, 8, undefined]);
  });

  it('keeps a state input or output that is not JSON as text', () => {
    // Arrange
    const events: AwsHistoryEvent[] = [{ id: 1, previousEventId: 0, type: 'PassStateEntered', timestamp: at(1), stateEnteredEventDetails: { name: 'A', input: 'not json' } }];

    // Act
    const [event] = toHistoryEvents(events);

    // Assert
    expect(event?.stateEnteredEventDetails?.input).toBe('not json');
  });

  it('drops an event without a type, an id or a timestamp, and gives a missing previousEventId 0', () => {
    // Arrange: fields GetExecutionHistory always sets (the SDK's type says so too), missing as a hand-written endpoint might leave them.
    const events = [
      { id: 1, type: 'ExecutionStarted', timestamp: at(1), executionStartedEventDetails: { input: '{}' } },
      { id: 2, previousEventId: 1, timestamp: at(2) },
      { previousEventId: 1, type: 'PassStateEntered', timestamp: at(3) },
      { id: 4, previousEventId: 1, type: 'PassStateExited' },
    ] as unknown as AwsHistoryEvent[];

    // Act
    const history = toHistoryEvents(events);

    // Assert
    expect(history).toEqual([{ id: 1, previousEventId: 0, type: 'ExecutionStarted', timestamp: at(1), executionStartedEventDetails: { input: '{}' } }]);
  });
});

describe('Function: resolveStateMachineArn', () => {
  beforeEach(() => {
    sfnMock.reset();
  });

  it('returns an ARN as it is, without calling AWS', async () => {
    // Act
    const arn = await resolveStateMachineArn(STATE_MACHINE_ARN, { client });

    // Assert
    expect(arn).toBe(STATE_MACHINE_ARN);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('returns the stack output whose key is given', async () => {
    // Act
    const arn = await resolveStateMachineArn('OrderFlowArn', { outputs: { OrderFlowArn: STATE_MACHINE_ARN }, client });

    // Assert
    expect(arn).toBe(STATE_MACHINE_ARN);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('finds a state machine by name on any page of ListStateMachines', async () => {
    // Arrange
    sfnMock
      .on(ListStateMachinesCommand)
      .resolvesOnce({ stateMachines: [{ name: 'Other', stateMachineArn: 'arn:other', type: 'STANDARD', creationDate: T0 }], nextToken: 'next' })
      .resolvesOnce({ stateMachines: [{ name: 'OrderFlow', stateMachineArn: STATE_MACHINE_ARN, type: 'STANDARD', creationDate: T0 }] });

    // Act
    const arn = await resolveStateMachineArn('OrderFlow', { client });

    // Assert
    expect(arn).toBe(STATE_MACHINE_ARN);
    expect(sfnMock.commandCalls(ListStateMachinesCommand).map((call) => call.args[0].input)).toEqual([{}, { nextToken: 'next' }]);
  });

  it('fails listing the outputs and state machines that exist', async () => {
    // Arrange
    sfnMock.on(ListStateMachinesCommand).resolves({ stateMachines: [{ name: 'Other', stateMachineArn: 'arn:other', type: 'STANDARD', creationDate: T0 }] });

    // Act
    const failure = await resolveStateMachineArn('OrderFlow', { outputs: { BucketName: 'b' }, client }).catch((error: unknown) => error);

    // Assert
    expect(failure).toBeInstanceOf(StateMachineNotFoundError);
    expect((failure as Error).message).toMatchInlineSnapshot(
      `"No state machine named 'OrderFlow': it is not an ARN, not a stack output key (outputs: BucketName), and ListStateMachines has no such name (state machines: Other). To fix this, pass an ARN, a stack output key or the name of a deployed state machine, and check AWS_REGION / AWS_ENDPOINT_URL."`,
    );
  });
});
