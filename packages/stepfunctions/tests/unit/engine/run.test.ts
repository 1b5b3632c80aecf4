import { describe, expect, it } from 'vitest';
import type { EngineTask, RunExecutionOptions, TaskInvoker } from '../../../src/engine/api.js';
import { createVirtualClock } from '../../../src/engine/clock/virtual.js';
import { errorOf, eventDetails, stateInput, stateNameOf, statesEntered } from '../../../src/engine/history/read.js';
import { runExecution, StateFailure, type HistoryEvent, type Json } from '../../../src/engine/index.js';

const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:OrderFlow';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:order-1';
const ROLE_ARN = 'arn:aws:iam::111122223333:role/OrderFlowRole';
const LAMBDA = 'arn:aws:states:::lambda:invoke';
const SQS_CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** Runs `definition` on a virtual clock that starts at T0, answering Task states with `invokeTask` (default: echo the input). */
function run(definition: unknown, options: Partial<RunExecutionOptions> = {}): ReturnType<typeof runExecution> {
  return runExecution({
    definition,
    executionArn: EXECUTION_ARN,
    name: 'order-1',
    stateMachineArn: STATE_MACHINE_ARN,
    roleArn: ROLE_ARN,
    invokeTask: async (task) => task.input,
    clock: createVirtualClock({ start: T0 }),
    ...options,
  });
}

function task(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Type: 'Task', Resource: LAMBDA, ...extra };
}

/** An invoker that fails its first `failures` calls with `error`, then answers `{ attempt }`; it records each task. */
function failingFirst(failures: number, error = 'Order.Busy'): TaskInvoker & { readonly tasks: EngineTask[] } {
  const tasks: EngineTask[] = [];
  const invoke = async (task: EngineTask): Promise<Json> => {
    tasks.push(task);
    if (tasks.length <= failures) throw new StateFailure(error, `attempt ${tasks.length}`);
    return { attempt: tasks.length };
  };
  return Object.assign(invoke, { tasks });
}

function eventsOf(history: readonly HistoryEvent[], type: HistoryEvent['type']): HistoryEvent[] {
  return history.filter((event) => event.type === type);
}

/**
 * Milliseconds from each TaskFailed to the TaskScheduled of the next attempt:
 * the retry's wait. (TaskScheduled to TaskScheduled would also count the wall
 * time an attempt held the clock.)
 */
function retryWaits(history: readonly HistoryEvent[]): number[] {
  const waits: number[] = [];
  history.forEach((event, index) => {
    if (event.type !== 'TaskFailed') return;
    const next = history.slice(index + 1).find((later) => later.type === 'TaskScheduled');
    if (next) waits.push(next.timestamp.getTime() - event.timestamp.getTime());
  });
  return waits;
}

describe('Function: runExecution', () => {
  describe('Retry', () => {
    it('waits IntervalSeconds × BackoffRate^n capped by MaxDelaySeconds on the virtual clock, in one TaskStateEntered', async () => {
      // Arrange
      const invokeTask = failingFirst(4);
      const definition = {
        StartAt: 'Charge',
        States: {
          Charge: task({
            Parameters: { 'retryCount.$': '$$.State.RetryCount' },
            Retry: [{ ErrorEquals: ['Order.Busy'], IntervalSeconds: 2, BackoffRate: 3, MaxDelaySeconds: 10, MaxAttempts: 4 }],
            End: true,
          }),
        },
      };
      const started = Date.now();

      // Act
      const outcome = await run(definition, { invokeTask });

      // Assert
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { attempt: 5 } });
      // 2 s, 6 s, then 18 s and 54 s capped at 10 s ("Handling errors in Step Functions workflows": BackoffRate, MaxDelaySeconds).
      expect(retryWaits(outcome.history)).toEqual([2_000, 6_000, 10_000, 10_000]);
      // A retry is a new TaskScheduled, not a new state entry (recorded AWS response: LocalStack snapshot test_lambda_invoke_with_retry_base).
      expect(eventsOf(outcome.history, 'TaskStateEntered')).toHaveLength(1);
      expect(eventsOf(outcome.history, 'TaskScheduled')).toHaveLength(5);
      // $$.State.RetryCount counts the retries ("Accessing execution data from the Context object").
      expect(invokeTask.tasks.map((attempt) => attempt.input)).toEqual([0, 1, 2, 3, 4].map((retryCount) => ({ retryCount })));
      expect(outcome.stopDate.getTime() - outcome.startDate.getTime()).toBeGreaterThanOrEqual(28_000);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('gives up after MaxAttempts retries and fails with the last attempt\'s error and cause', async () => {
      // Arrange
      const invokeTask = failingFirst(Number.POSITIVE_INFINITY);
      const definition = { StartAt: 'Charge', States: { Charge: task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], End: true }) } };

      // Act
      const outcome = await run(definition, { invokeTask });

      // Assert
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'Order.Busy', cause: 'attempt 3' });
      // Defaults: IntervalSeconds 1, BackoffRate 2.0 ("Handling errors in Step Functions workflows").
      expect(retryWaits(outcome.history)).toEqual([1_000, 2_000]);
      expect(outcome.history.at(-1)?.executionFailedEventDetails).toEqual({ error: 'Order.Busy', cause: 'attempt 3' });
    });

    it('draws FULL jitter between 0 and the capped delay, the same waits for the same seed', async () => {
      // Arrange
      const definition = {
        StartAt: 'Charge',
        States: {
          Charge: task({
            Retry: [{ ErrorEquals: ['Order.Busy'], IntervalSeconds: 2, BackoffRate: 2, MaxDelaySeconds: 3, MaxAttempts: 3, JitterStrategy: 'FULL' }],
            End: true,
          }),
        },
      };
      const waitsFor = async (seed: number): Promise<number[]> => retryWaits((await run(definition, { invokeTask: failingFirst(3), seed })).history);

      // Act
      const [first, again, other] = [await waitsFor(7), await waitsFor(7), await waitsFor(8)];

      // Assert: without jitter the waits would be 2 s, 4 s → 3 s, 8 s → 3 s ("Handling errors in Step Functions workflows": JitterStrategy).
      const caps = [2_000, 3_000, 3_000];
      for (const waits of [first, other]) {
        expect(waits).toHaveLength(3);
        waits.forEach((wait, index) => {
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(wait).toBeLessThanOrEqual(caps[index] as number);
        });
      }
      expect(first.some((wait, index) => wait !== caps[index])).toBe(true);
      expect(again).toEqual(first);
      expect(other).not.toEqual(first);
    });
  });

  describe('Catch', () => {
    it('takes the first catcher that matches, in order (States.TaskFailed matches any task error)', async () => {
      // Arrange
      const definition = {
        StartAt: 'Charge',
        States: {
          Charge: task({
            Catch: [
              { ErrorEquals: ['Order.Other'], Next: 'ByOther' },
              { ErrorEquals: ['States.TaskFailed'], Next: 'ByTaskFailed' },
              { ErrorEquals: ['Order.Busy'], Next: 'ByName' },
            ],
            End: true,
          }),
          ByOther: { Type: 'Succeed' },
          ByTaskFailed: { Type: 'Succeed' },
          ByName: { Type: 'Succeed' },
        },
      };

      // Act
      const outcome = await run(definition, { invokeTask: failingFirst(1) });

      // Assert ("Handling errors in Step Functions workflows": catchers are tried in order; States.TaskFailed matches all but States.Timeout).
      expect(outcome.status).toBe('SUCCEEDED');
      expect(statesEntered(outcome.history)).toEqual(['Charge', 'ByTaskFailed']);
      // Caught: the state exits, then the catcher's Next (recorded AWS response: LocalStack snapshot test_error_output).
      expect(outcome.history.map((event) => event.type).slice(-5)).toEqual(['TaskFailed', 'TaskStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
    });

    it.each([
      ['$.error', { order: 'o-1', error: { Error: 'Order.Busy', Cause: 'attempt 1' } }],
      ['absent (default $)', { Error: 'Order.Busy', Cause: 'attempt 1' }],
      ['null', { order: 'o-1' }],
    ])('puts {Error, Cause} where the catcher\'s ResultPath %s says, on the state\'s input', async (resultPath, expected) => {
      // Arrange
      const catcher: Record<string, unknown> = { ErrorEquals: ['States.ALL'], Next: 'Handle' };
      if (resultPath !== 'absent (default $)') catcher.ResultPath = resultPath === 'null' ? null : resultPath;
      const definition = {
        StartAt: 'Charge',
        States: { Charge: task({ Parameters: { ignored: true }, Catch: [catcher], End: true }), Handle: { Type: 'Pass', End: true } },
      };

      // Act
      const outcome = await run(definition, { input: { order: 'o-1' }, invokeTask: failingFirst(1) });

      // Assert
      expect(outcome.output).toEqual(expected);
      expect(stateInput(outcome.history, 'Handle')).toEqual(expected);
    });

    it('retries first, then catches once the retries are spent', async () => {
      // Arrange
      const definition = {
        StartAt: 'Charge',
        States: {
          Charge: task({ Retry: [{ ErrorEquals: ['Order.Busy'], MaxAttempts: 1 }], Catch: [{ ErrorEquals: ['Order.Busy'], Next: 'Handle' }], End: true }),
          Handle: { Type: 'Pass', End: true },
        },
      };

      // Act
      const outcome = await run(definition, { invokeTask: failingFirst(2) });

      // Assert
      expect(outcome.output).toEqual({ Error: 'Order.Busy', Cause: 'attempt 2' });
      expect(eventsOf(outcome.history, 'TaskFailed').map(errorOf)).toEqual(['Order.Busy', 'Order.Busy']);
      expect(statesEntered(outcome.history)).toEqual(['Charge', 'Handle']);
    });
  });

  describe('TimeoutSeconds', () => {
    it('times a callback task out at TimeoutSeconds of virtual time once its worker ended: TaskTimedOut, then ExecutionFailed States.Timeout', async () => {
      // Arrange: the worker sends the message and ends without calling back; the state then only waits on the clock.
      const invokeTask: TaskInvoker = async (task) => {
        task.callbacks.ended(task.taskToken as string, 'worker exited');
        return { MessageId: 'm-1' };
      };
      const definition = {
        StartAt: 'Await',
        States: { Await: { Type: 'Task', Resource: SQS_CALLBACK, Parameters: { 'MessageBody.$': '$$.Task.Token' }, TimeoutSeconds: 3600, End: true } },
      };
      const started = Date.now();

      // Act
      const outcome = await run(definition, { invokeTask, callbackGraceMs: 10 });

      // Assert (recorded AWS response: LocalStack snapshot test_sqs_wait_for_task_token_no_token_para): States.Timeout, no cause.
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      expect(outcome).not.toHaveProperty('cause');
      expect(outcome.history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskTimedOut',
        'ExecutionFailed',
      ]);
      const timedOut = eventsOf(outcome.history, 'TaskTimedOut')[0] as HistoryEvent;
      expect(eventDetails(timedOut)).toEqual({ resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken', error: 'States.Timeout' });
      expect(outcome.history.at(-1)?.executionFailedEventDetails).toEqual({ error: 'States.Timeout' });
      const scheduledAt = (eventsOf(outcome.history, 'TaskScheduled')[0] as HistoryEvent).timestamp.getTime();
      // The timeout starts with the task; the clock ran at wall rate only while the worker ran (a few ms).
      expect(timedOut.timestamp.getTime() - scheduledAt).toBeGreaterThanOrEqual(3_600_000);
      expect(timedOut.timestamp.getTime() - scheduledAt).toBeLessThan(3_601_000);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('keeps the clock at wall rate while a task is still running: its timeout passes in real time, and its signal is aborted', async () => {
      // Arrange: the harness cannot tell a hung handler from a slow one, so the clock never skips past running work.
      let signal: AbortSignal | undefined;
      const invokeTask: TaskInvoker = (task) => {
        signal = task.signal;
        return new Promise<Json>(() => undefined);
      };
      const definition = { StartAt: 'Charge', States: { Charge: task({ TimeoutSeconds: 1, End: true }) } };
      const started = Date.now();

      // Act
      const outcome = await run(definition, { invokeTask });

      // Assert
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      expect(eventsOf(outcome.history, 'TaskTimedOut')).toHaveLength(1);
      expect(signal?.aborted).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    });
  });

  describe('Parallel', () => {
    it('aborts the sibling branches when one fails: TaskStateAborted for the running task, then ParallelStateFailed', async () => {
      // Arrange
      let siblingSignal: AbortSignal | undefined;
      const invokeTask: TaskInvoker = (task) => {
        if (task.stateName === 'Fails') return Promise.reject(new StateFailure('Order.Rejected', 'no stock'));
        siblingSignal = task.signal;
        return new Promise<Json>(() => undefined);
      };
      const definition = {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Fails', States: { Fails: task({ End: true }) } },
              { StartAt: 'Slow', States: { Slow: task({ Next: 'Never' }), Never: { Type: 'Pass', End: true } } },
            ],
            End: true,
          },
        },
      };

      // Act
      const outcome = await run(definition, { invokeTask });

      // Assert (recorded AWS response: LocalStack snapshot test_sqs_failure_in_wait_for_task_tok_no_error_field[SQS_PARALLEL_WAIT_FOR_TASK_TOKEN]).
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'Order.Rejected', cause: 'no stock' });
      expect(siblingSignal?.aborted).toBe(true);
      expect(statesEntered(outcome.history)).not.toContain('Never');
      // Follow the sibling's chain: its TaskStateEntered ← TaskScheduled ← TaskStarted ← TaskStateAborted.
      const after = (id: number | undefined, type: HistoryEvent['type']): HistoryEvent | undefined =>
        outcome.history.find((event) => event.type === type && event.previousEventId === id);
      const slowEntered = outcome.history.find((event) => event.type === 'TaskStateEntered' && stateNameOf(event) === 'Slow');
      const slowStarted = after(after(slowEntered?.id, 'TaskScheduled')?.id, 'TaskStarted');
      expect(slowStarted).toBeDefined();
      expect(after(slowStarted?.id, 'TaskStateAborted')).toBeDefined();
      expect(outcome.history.map((event) => event.type).slice(-2)).toEqual(['ParallelStateFailed', 'ExecutionFailed']);
      expect(eventsOf(outcome.history, 'TaskStateExited')).toEqual([]);
    });
  });

  describe('Map', () => {
    it.each([
      [1, 1],
      [2, 2],
      [0, 5],
    ])('runs at most MaxConcurrency %i iterations at once (peak %i of 5 items)', async (maxConcurrency, peak) => {
      // Arrange
      let running = 0;
      let highest = 0;
      const invokeTask: TaskInvoker = async (task) => {
        running += 1;
        highest = Math.max(highest, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return task.input;
      };
      const definition = {
        StartAt: 'Each',
        States: { Each: { Type: 'Map', MaxConcurrency: maxConcurrency, ItemProcessor: { StartAt: 'Work', States: { Work: task({ End: true }) } }, End: true } },
      };

      // Act
      const outcome = await run(definition, { input: [1, 2, 3, 4, 5], invokeTask });

      // Assert
      expect(outcome.output).toEqual([1, 2, 3, 4, 5]);
      expect(highest).toBe(peak);
    });

    it('gives each iteration $$.Map.Item.Index and .Value in ItemSelector, whose $ is the Map state\'s input', async () => {
      // Arrange
      const definition = {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value', 'tag.$': '$.tag' },
            ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      };

      // Act
      const outcome = await run(definition, { input: { tag: 'x', items: ['a', { b: 1 }] } });

      // Assert ("Map state": ItemSelector; "Accessing execution data from the Context object": Map.Item).
      expect(outcome.output).toEqual([
        { index: 0, value: 'a', tag: 'x' },
        { index: 1, value: { b: 1 }, tag: 'x' },
      ]);
      const mapStarted = eventsOf(outcome.history, 'MapStateStarted')[0] as HistoryEvent;
      expect(mapStarted.mapStateStartedEventDetails).toEqual({ length: 2 });
      const iterations = eventsOf(outcome.history, 'MapIterationStarted');
      expect(iterations.map((event) => event.mapIterationStartedEventDetails)).toEqual([
        { index: 0, name: 'Each' },
        { index: 1, name: 'Each' },
      ]);
      // Concurrent iterations each point back to MapStateStarted (recorded AWS response: LocalStack snapshot test_map_state*).
      expect(iterations.map((event) => event.previousEventId)).toEqual([mapStarted.id, mapStarted.id]);
    });

    it('lets iterations read the outer variables and assign their own, which the outer scope never sees', async () => {
      // Arrange ("Passing data between states with variables": inner scopes read outer variables; their assignments stay inside).
      const definition = {
        QueryLanguage: 'JSONata',
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { count: 1 }, Next: 'Each' },
          Each: {
            Type: 'Map',
            Items: '{% [10, 20] %}',
            ItemProcessor: {
              StartAt: 'Add',
              States: {
                Add: { Type: 'Pass', Assign: { seen: '{% $count + $states.input %}' }, Next: 'Read' },
                Read: { Type: 'Pass', Output: '{% {"seen": $seen, "count": $count} %}', End: true },
              },
            },
            Next: 'After',
          },
          After: { Type: 'Pass', Output: '{% {"items": $states.input, "count": $count, "seenOutside": $exists($seen)} %}', End: true },
        },
      };

      // Act
      const outcome = await run(definition);

      // Assert
      expect(outcome.output).toEqual({
        items: [
          { seen: 11, count: 1 },
          { seen: 21, count: 1 },
        ],
        count: 1,
        seenOutside: false,
      });
    });
  });

  describe('context object and history', () => {
    it('gives $$ the execution\'s ARN, name, role, input and start time, the state machine\'s ARN and name, and the state\'s name and entry time', async () => {
      // Arrange
      const definition = {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 10, Next: 'Read' },
          Read: {
            Type: 'Pass',
            Parameters: {
              'id.$': '$$.Execution.Id',
              'name.$': '$$.Execution.Name',
              'role.$': '$$.Execution.RoleArn',
              'input.$': '$$.Execution.Input',
              'start.$': '$$.Execution.StartTime',
              'machine.$': '$$.StateMachine.Id',
              'machineName.$': '$$.StateMachine.Name',
              'state.$': '$$.State.Name',
              'entered.$': '$$.State.EnteredTime',
            },
            End: true,
          },
        },
      };

      // Act: a start with a non-zero fraction of a second (AWS leaves a zero fraction out of these times).
      const outcome = await run(definition, { input: { orderId: 'o-1' }, clock: createVirtualClock({ start: T0 + 250 }) });

      // Assert ("Accessing execution data from the Context object"; times are ISO 8601 with milliseconds).
      expect(outcome.output).toEqual({
        id: EXECUTION_ARN,
        name: 'order-1',
        role: ROLE_ARN,
        input: { orderId: 'o-1' },
        start: '2024-01-01T00:00:00.250Z',
        machine: STATE_MACHINE_ARN,
        machineName: 'OrderFlow',
        state: 'Read',
        entered: '2024-01-01T00:00:10.250Z',
      });
    });

    it('writes ExecutionStarted and ExecutionSucceeded with the input, role and output as JSON text', async () => {
      // Arrange
      const input = { orderId: 'o-1', lines: [{ sku: 'ü-1', qty: 2 }] };
      const definition = { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: { shipped: true }, ResultPath: '$.status', End: true } } };

      // Act
      const outcome = await run(definition, { input });

      // Assert (recorded AWS response: LocalStack snapshot test_base_scenarios; both are id 1 ← 0 and the first state ← 0).
      const [started, entered] = outcome.history;
      expect(started).toEqual({
        id: 1,
        previousEventId: 0,
        type: 'ExecutionStarted',
        timestamp: new Date(T0),
        executionStartedEventDetails: { input: JSON.stringify(input), inputDetails: { truncated: false }, roleArn: ROLE_ARN },
      });
      expect(entered).toMatchObject({ id: 2, previousEventId: 0, type: 'PassStateEntered' });
      expect(outcome.history.at(-1)).toEqual({
        id: 4,
        previousEventId: 3,
        type: 'ExecutionSucceeded',
        timestamp: new Date(T0),
        executionSucceededEventDetails: { output: JSON.stringify({ ...input, status: { shipped: true } }), outputDetails: { truncated: false } },
      });
    });

    it('chains previousEventId through a linear run, each event pointing at the one before, timestamps in clock order', async () => {
      // Arrange
      const definition = {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Next: 'Pause' },
          Pause: { Type: 'Wait', Seconds: 5, Next: 'Charge' },
          Charge: task({ Next: 'Done' }),
          Done: { Type: 'Succeed' },
        },
      };

      // Act
      const outcome = await run(definition);

      // Assert
      const history = outcome.history;
      expect(history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'WaitStateEntered',
        'WaitStateExited',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'SucceedStateEntered',
        'SucceedStateExited',
        'ExecutionSucceeded',
      ]);
      expect(history.map((event) => event.id)).toEqual(history.map((_, index) => index + 1));
      expect(history.map((event) => event.previousEventId)).toEqual([0, 0, ...history.slice(2).map((event) => event.id - 1)]);
      const times = history.map((event) => event.timestamp.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect((times[4] as number) - (times[3] as number)).toBe(5_000);
      expect(outcome.startDate.getTime()).toBe(T0);
      expect(outcome.stopDate.getTime()).toBe(times.at(-1));
    });
  });
});
