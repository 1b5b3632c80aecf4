import { StatesError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../src/definition.js';
import { errorOf, eventDetails, stateInput, stateNameOf, statesEntered } from '../../src/engine/history/read.js';
import { MemoryObjectStore } from '../../src/engine/map/object-store.js';
import { CallbackNeverSentError, InvalidDefinitionError, UnroutedTaskError } from '../../src/errors.js';
import { runLocalExecution, type HistoryEvent } from '../../src/local-runner.js';
import { sendTaskFailure, sendTaskSuccess, waitingTaskTokens } from '../../src/task-tokens.js';
import { ECS_CALLBACK, ECS_SYNC, LAMBDA, failingIntegration, fakeIntegration } from '../helpers/fakes.js';

const lambda = (): ReturnType<typeof fakeIntegration> => fakeIntegration('lambda', (resource) => resource.startsWith(LAMBDA));
const ecs = (): ReturnType<typeof fakeIntegration> => fakeIntegration('ecs', (resource) => resource.startsWith('arn:aws:states:::ecs:'));

/** The events of one type, in order. */
function eventsOf(history: readonly HistoryEvent[], type: HistoryEvent['type']): HistoryEvent[] {
  return history.filter((event) => event.type === type);
}

/** Milliseconds from each `from` event to the first `to` event after it (a retry's wait: TaskFailed → TaskScheduled). */
function gapsAfter(history: readonly HistoryEvent[], from: HistoryEvent['type'], to: HistoryEvent['type']): number[] {
  const gaps: number[] = [];
  history.forEach((event, index) => {
    if (event.type !== from) return;
    const next = history.slice(index + 1).find((later) => later.type === to);
    if (next) gaps.push(next.timestamp.getTime() - event.timestamp.getTime());
  });
  return gaps;
}

function task(resource: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Type: 'Task', Resource: resource, ...extra };
}

/** A workflow that runs one state and ends with `$.result` holding what it gave (or its caught error in `$.error`). */
function oneState(state: Record<string, unknown>): AslDefinition {
  return {
    StartAt: 'Work',
    States: {
      Work: { ...state, ResultPath: '$.result', Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }], Next: 'Done' },
      Caught: { Type: 'Pass', End: true },
      Done: { Type: 'Succeed' },
    },
  } as unknown as AslDefinition;
}

describe('Function: runLocalExecution', () => {
  describe('routing', () => {
    it('routes every Task state to the first integration that handles its Resource, in Map iterations and Parallel branches too', async () => {
      // Arrange
      const lambdas = lambda();
      const containers = ecs();
      const definition: AslDefinition = {
        StartAt: 'First',
        States: {
          First: task(LAMBDA, { ResultPath: '$.first', Next: 'Each' }) as never,
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemSelector: { 'item.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
            ItemProcessor: { StartAt: 'PerItem', States: { PerItem: task(ECS_SYNC, { End: true }) as never } },
            ResultPath: '$.each',
            Next: 'Both',
          },
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Left', States: { Left: task(LAMBDA, { End: true }) as never } },
              { StartAt: 'Right', States: { Right: task(ECS_SYNC, { End: true }) as never } },
            ],
            ResultPath: '$.both',
            End: true,
          },
        },
      };

      // Act
      const run = await runLocalExecution({ definition, input: { items: ['a', 'b'] }, integrations: [lambdas, containers] });

      // Assert
      expect(run.status).toBe('SUCCEEDED');
      expect(lambdas.tasks.map((invocation) => invocation.stateName)).toEqual(['First', 'Left']);
      expect(containers.tasks.map((invocation) => invocation.input).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        { item: 'a', index: 0 },
        { item: 'b', index: 1 },
        { items: ['a', 'b'], first: { from: 'lambda', state: 'First', input: { items: ['a', 'b'] } }, each: expect.any(Array) },
      ]);
      expect(run.output).toMatchObject({
        each: [
          { from: 'ecs', state: 'PerItem', input: { item: 'a', index: 0 } },
          { from: 'ecs', state: 'PerItem', input: { item: 'b', index: 1 } },
        ],
        both: [{ from: 'lambda', state: 'Left' }, { from: 'ecs', state: 'Right' }],
      });
    });

    it('gives the integration the execution, the resource, the state and its timeouts', async () => {
      // Arrange
      const lambdas = lambda();
      const definition = { StartAt: 'Work', States: { Work: task(LAMBDA, { TimeoutSeconds: 30, End: true }) } } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({
        definition,
        integrations: [lambdas],
        name: 'order-1',
        stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:OrderFlow',
      });

      // Assert
      expect(lambdas.tasks[0]).toMatchObject({
        resource: LAMBDA,
        stateName: 'Work',
        input: {},
        timeoutSeconds: 30,
        execution: {
          arn: 'arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:order-1',
          name: 'order-1',
          stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:OrderFlow',
        },
      });
      expect(lambdas.tasks[0]?.signal).toBeInstanceOf(AbortSignal);
      expect(run.executionArn).toBe('arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:order-1');
    });

    it('rejects the execution when no integration handles a Resource, naming the state, the resource and the fix', async () => {
      // Arrange: a Catch on States.ALL must not hide the harness's error.
      const definition = oneState(task('arn:aws:states:::ecs:runTask.sync'));

      // Act
      const running = runLocalExecution({ definition, integrations: [lambda()] });

      // Assert
      await expect(running).rejects.toBeInstanceOf(UnroutedTaskError);
      await expect(running).rejects.toThrowErrorMatchingInlineSnapshot(`[UnroutedTaskError: Task state "Work" calls arn:aws:states:::ecs:runTask.sync, which no local integration handles (integrations: lambda). To fix this, install @harness/ecs and pass ecsAdapter to createHarness({ adapters: [...] }), or mock it in the test with harness.stepFunctions.mockService('arn:aws:states:::ecs:runTask.sync', handler).]`);
    });

    it('suggests mockService for a resource no adapter owns', async () => {
      // Arrange
      const definition = { StartAt: 'Send', States: { Send: task('arn:aws:states:::sqs:sendMessage', { End: true }) } } as unknown as AslDefinition;

      // Act / Assert
      await expect(runLocalExecution({ definition, integrations: [] })).rejects.toThrowError(
        "To fix this, mock it in the test with harness.stepFunctions.mockService('arn:aws:states:::sqs:sendMessage', handler).",
      );
    });
  });

  describe('failures', () => {
    it('fails the state with a StatesError\'s error and cause exactly, as a Catch sees them', async () => {
      // Arrange
      const definition = oneState(task(ECS_SYNC));
      const integration = failingIntegration('ecs', () => true, 'States.TaskFailed', '{"StopCode":"EssentialContainerExited","Containers":[{"ExitCode":1}]}');

      // Act
      const run = await runLocalExecution({ definition, input: { order: 1 }, integrations: [integration] });

      // Assert
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toEqual({ order: 1, error: { Error: 'States.TaskFailed', Cause: '{"StopCode":"EssentialContainerExited","Containers":[{"ExitCode":1}]}' } });
    });

    it('fails a state whose result is over 256 KiB with States.DataLimitExceeded naming the Task\'s resource, as a Catch sees it', async () => {
      const definition = oneState(task(ECS_SYNC));
      const big = fakeIntegration('ecs', () => true, () => ({ blob: 'x'.repeat(262_144) }));
      // The state's output {"result":"x…x"} is 13 bytes more than the string: exactly 262 144 bytes, then one over.
      const justFits = fakeIntegration('ecs', () => true, () => 'x'.repeat(262_131));
      const outputOver = fakeIntegration('ecs', () => true, () => 'x'.repeat(262_132));

      const failed = await runLocalExecution({ definition, input: {}, integrations: [big] });
      const passed = await runLocalExecution({ definition, input: {}, integrations: [justFits] });
      const tooBigOutput = await runLocalExecution({ definition, input: {}, integrations: [outputOver] });

      expect(failed.output).toEqual({
        error: {
          Error: 'States.DataLimitExceeded',
          // Recorded AWS response (LocalStack snapshot test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response):
          // a Task's oversized result names its resource, not the state.
          Cause: "The state/task 'arn:aws:states:::ecs:runTask.sync' returned a result with a size exceeding the maximum number of bytes service limit.",
        },
      });
      expect(eventsOf(failed.history, 'TaskFailed').map(eventDetails)).toEqual([
        expect.objectContaining({ resourceType: 'ecs', resource: 'runTask.sync', error: 'States.DataLimitExceeded' }),
      ]);
      expect(passed.status).toBe('SUCCEEDED');
      // A state's own output over the limit names the state (recorded AWS response: LocalStack snapshot test_start_large_input),
      // and States.ALL does not catch that terminal error ("Error names", Handling errors in Step Functions workflows).
      expect(tooBigOutput).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: "The state/task 'Work' returned a result with a size exceeding the maximum number of bytes service limit.",
      });
    });

    it('matches Catch by the error name, and reports an uncaught failure on the execution', async () => {
      // Arrange
      const definition = {
        StartAt: 'Work',
        States: {
          Work: task(LAMBDA, { Catch: [{ ErrorEquals: ['Other.Error'], Next: 'Caught' }], End: true }),
          Caught: { Type: 'Succeed' },
        },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [failingIntegration('lambda', () => true, 'Order.Rejected', 'out of stock')] });

      // Assert
      expect(run).toMatchObject({ status: 'FAILED', error: 'Order.Rejected', cause: 'out of stock' });
      expect(statesEntered(run.history)).toEqual(['Work']);
      expect(run.history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'ExecutionFailed',
      ]);
      expect(eventDetails(run.history[4] as HistoryEvent)).toEqual({ resourceType: 'lambda', resource: 'invoke', error: 'Order.Rejected', cause: 'out of stock' });
      expect(run.history.at(-1)?.executionFailedEventDetails).toEqual({ error: 'Order.Rejected', cause: 'out of stock' });
    });

    it('retries on the error name after IntervalSeconds × BackoffRate^n of virtual time, then succeeds', async () => {
      // Arrange
      let calls = 0;
      const flaky = fakeIntegration('lambda', () => true, () => {
        calls += 1;
        if (calls < 3) throw new StatesError('Lambda.TooManyRequestsException', `attempt ${calls}`);
        return { attempt: calls };
      });
      const definition = {
        StartAt: 'Work',
        States: { Work: task(LAMBDA, { Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], MaxAttempts: 2, IntervalSeconds: 1 }], End: true }) },
      } as unknown as AslDefinition;

      const started = Date.now();

      // Act
      const run = await runLocalExecution({ definition, integrations: [flaky] });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: { attempt: 3 } });
      // A retry is a new TaskScheduled in the same state, not a new TaskStateEntered
      // (recorded AWS response: LocalStack snapshot test_lambda_invoke_with_retry_base).
      expect(eventsOf(run.history, 'TaskStateEntered')).toHaveLength(1);
      expect(eventsOf(run.history, 'TaskFailed').map(errorOf)).toEqual(['Lambda.TooManyRequestsException', 'Lambda.TooManyRequestsException']);
      // IntervalSeconds 1, default BackoffRate 2.0 ("Handling errors in Step Functions workflows"): 1 s, then 2 s.
      expect(gapsAfter(run.history, 'TaskFailed', 'TaskScheduled')).toEqual([1_000, 2_000]);
      const scheduled = eventsOf(run.history, 'TaskScheduled').map((event) => event.timestamp.getTime());
      expect(scheduled).toHaveLength(3);
      expect((scheduled[2] as number) - (scheduled[0] as number)).toBeGreaterThanOrEqual(3_000);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('gives up after MaxAttempts and fails with the last error', async () => {
      // Arrange
      const definition = {
        StartAt: 'Work',
        States: { Work: task(LAMBDA, { Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }], End: true }) },
      } as unknown as AslDefinition;
      const always = failingIntegration('lambda', () => true, 'Boom', 'always');

      // Act
      const run = await runLocalExecution({ definition, integrations: [always] });

      // Assert
      expect(run).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'always' });
      expect(eventsOf(run.history, 'TaskStateEntered')).toHaveLength(1);
      // States.TaskFailed matches any task error but States.Timeout ("Error names", Handling errors in Step Functions workflows).
      expect(eventsOf(run.history, 'TaskFailed').map(errorOf)).toEqual(['Boom', 'Boom']);
      expect(gapsAfter(run.history, 'TaskFailed', 'TaskScheduled')).toEqual([1_000]);
      expect(run.history.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'Boom', cause: 'always' } });
    });

    it('fails a Fail state with exactly its Error and Cause, absent ones absent', async () => {
      // Arrange
      const withError = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Order.Invalid' } } } as AslDefinition;
      const bare = { StartAt: 'F', States: { F: { Type: 'Fail' } } } as AslDefinition;
      const fromPaths = { StartAt: 'F', States: { F: { Type: 'Fail', ErrorPath: '$.e', CausePath: '$.c' } } } as AslDefinition;

      // Act
      const runs = await Promise.all([
        runLocalExecution({ definition: withError, integrations: [] }),
        runLocalExecution({ definition: bare, integrations: [] }),
        runLocalExecution({ definition: fromPaths, input: { e: 'E', c: 'C' }, integrations: [] }),
      ]);

      // Assert
      expect(runs.map(({ status, error, cause }) => ({ status, error, cause }))).toEqual([
        { status: 'FAILED', error: 'Order.Invalid', cause: undefined },
        { status: 'FAILED', error: undefined, cause: undefined },
        { status: 'FAILED', error: 'E', cause: 'C' },
      ]);
      expect(runs.map((run) => run.history.map((event) => event.type))).toEqual(Array(3).fill(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']));
      expect(stateNameOf(runs[0]?.history[1] as HistoryEvent)).toBe('F');
      // An absent Error or Cause is absent from the event too (recorded AWS response: LocalStack snapshot test_map_state_catch_empty_fail).
      expect(runs.map((run) => run.history.at(-1)?.executionFailedEventDetails)).toEqual([{ error: 'Order.Invalid' }, {}, { error: 'E', cause: 'C' }]);
    });

    it('reports the engine\'s own errors as AWS names and words them (States.Runtime)', async () => {
      // Arrange
      const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } } } as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [] });

      // Assert
      // Recorded AWS response (LocalStack snapshot test_invalid_jsonpath[INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH]).
      expect(run).toMatchObject({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: "An error occurred while executing the state 'P' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{}'",
      });
      expect(run.history.map((event) => event.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'ExecutionFailed']);
    });

    it('wraps an integration\'s plain error as a harness error naming the state, never as a state failure', async () => {
      // Arrange
      const broken = fakeIntegration('lambda', () => true, () => {
        throw new TypeError('cannot read properties of undefined');
      });

      // Act / Assert
      await expect(runLocalExecution({ definition: oneState(task(LAMBDA)), integrations: [broken] })).rejects.toThrowError(
        /The lambda integration failed running Task state "Work" \(arn:aws:states:::lambda:invoke\): TypeError: cannot read properties of undefined/,
      );
    });
  });

  describe('.waitForTaskToken', () => {
    const callbackState = (extra: Record<string, unknown> = {}): Record<string, unknown> =>
      task(ECS_CALLBACK, {
        Parameters: {
          TaskDefinition: 'RenderPdf',
          Overrides: { ContainerOverrides: [{ Name: 'Main', Environment: [{ Name: 'TASK_TOKEN', 'Value.$': '$$.Task.Token' }, { Name: 'TOKEN_LINE', 'Value.$': "States.Format('token={}', $$.Task.Token)" }] }] },
        },
        ...extra,
      });

    function tokenOf(input: unknown): string {
      const environment = (input as { Overrides: { ContainerOverrides: { Environment: { Name: string; Value: string }[] }[] } }).Overrides.ContainerOverrides[0]?.Environment ?? [];
      return environment.find((variable) => variable.Name === 'TASK_TOKEN')?.Value ?? '';
    }

    it('puts a fresh token where the definition reads $$.Task.Token (inside arrays and States.Format too) and succeeds with the callback\'s output', async () => {
      // Arrange
      const worker = fakeIntegration('ecs', () => true, (invocation) => {
        setTimeout(() => invocation.callbacks.succeed(invocation.taskToken as string, { rendered: true }), 5);
        return { ignored: 'a callback task\'s own result is not its output' };
      });

      // Act
      const run = await runLocalExecution({ definition: oneState(callbackState()), integrations: [worker] });

      // Assert
      const invocation = worker.tasks[0];
      const token = tokenOf(invocation?.input);
      expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
      expect(invocation?.taskToken).toBe(token);
      expect(invocation?.input).toMatchObject({ Overrides: { ContainerOverrides: [{ Environment: [{}, { Name: 'TOKEN_LINE', Value: `token=${token}` }] }] } });
      expect(run.output).toEqual({ result: { rendered: true } });
      expect(waitingTaskTokens()).toBe(0);
    });

    it('gives each entry of the state its own token', async () => {
      // Arrange
      const worker = fakeIntegration('ecs', () => true, (invocation) => {
        queueMicrotask(() => sendTaskSuccess(invocation.taskToken as string, 'ok'));
      });
      const definition = {
        StartAt: 'Each',
        States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'Wait', States: { Wait: callbackState({ End: true }) } }, End: true } },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: [1, 2, 3], integrations: [worker] });

      // Assert
      expect(run.output).toEqual(['ok', 'ok', 'ok']);
      expect(new Set(worker.tasks.map((invocation) => invocation.taskToken)).size).toBe(3);
    });

    it.each([
      [{ error: 'Render.Failed', cause: 'font missing' }, { Error: 'Render.Failed', Cause: 'font missing' }],
      [{ error: 'Render.Failed' }, { Error: 'Render.Failed', Cause: null }],
      [{}, { Error: null, Cause: null }],
    ])('fails the state with SendTaskFailure\'s error and cause verbatim (%j)', async (failure, seenByCatch) => {
      // Arrange
      const worker = fakeIntegration('ecs', () => true, (invocation) => {
        setTimeout(() => sendTaskFailure(invocation.taskToken as string, failure), 1);
      });

      // Act
      const run = await runLocalExecution({ definition: oneState(callbackState()), integrations: [worker] });

      // Assert
      expect(run.output).toEqual({ error: seenByCatch });
    });

    it('reports SendTaskFailure on the execution when nothing catches it', async () => {
      // Arrange
      const worker = fakeIntegration('ecs', () => true, (invocation) => invocation.callbacks.fail(invocation.taskToken as string, 'Render.Failed', undefined));
      const definition = { StartAt: 'Work', States: { Work: callbackState({ End: true }) } } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [worker] });

      // Assert
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('Render.Failed');
      expect(run).not.toHaveProperty('cause');
    });

    it('times out with States.Timeout and no cause at TimeoutSeconds; States.TaskFailed does not catch it', async () => {
      // Arrange
      const silent = fakeIntegration('ecs', () => true, () => undefined);
      const definition = {
        StartAt: 'Work',
        States: {
          Work: callbackState({ TimeoutSeconds: 1, Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Wrong' }, { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Right' }], End: true }),
          Wrong: { Type: 'Fail', Error: 'CaughtByTaskFailed' },
          Right: { Type: 'Succeed' },
        },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [silent] });

      // Assert: a Catch sees an empty Cause (recorded AWS response: LocalStack snapshot test_invoke_timeout); the events carry none.
      expect(run.output).toEqual({ timeout: { Error: 'States.Timeout', Cause: '' } });
      expect(eventsOf(run.history, 'TaskTimedOut').map(eventDetails)).toEqual([{ resourceType: 'ecs', resource: 'runTask.waitForTaskToken', error: 'States.Timeout' }]);
      expect(statesEntered(run.history)).toEqual(['Work', 'Right']);
      expect(silent.tasks[0]?.signal.aborted).toBe(true);
      expect(waitingTaskTokens()).toBe(0);
    });

    it('times out at HeartbeatSeconds, reported on the execution without a cause', async () => {
      // Arrange
      const silent = fakeIntegration('ecs', () => true, () => undefined);
      const definition = { StartAt: 'Work', States: { Work: callbackState({ HeartbeatSeconds: 1, End: true }) } } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [silent] });

      // Assert
      expect(run.status).toBe('FAILED');
      expect(run.error).toBe('States.Timeout');
      expect(run.cause).toBeUndefined();
    });

    it('rejects the execution with CallbackNeverSentError when the work ended without calling back and the state has no timeout', async () => {
      // Arrange: a Catch must not hide it either.
      const stopsSilently = fakeIntegration('ecs', () => true, (invocation) => {
        invocation.callbacks.ended(invocation.taskToken as string, 'ECS task RenderPdf stopped: container Main exited 0');
      });

      // Act
      const running = runLocalExecution({ definition: oneState(callbackState()), integrations: [stopsSilently], callbackTimeoutMs: 20 });

      // Assert
      const error: unknown = await running.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(CallbackNeverSentError);
      expect(error).toMatchObject({ state: 'Work', tokenPrefix: (stopsSilently.tasks[0]?.taskToken ?? '').slice(0, 12), reason: 'ECS task RenderPdf stopped: container Main exited 0' });
      expect((error as Error).message).toMatch(
        /^Task state "Work" waits for a callback on task token [A-Za-z0-9_-]{12}…, but its work ended without sending one \(ECS task RenderPdf stopped: container Main exited 0\); nothing arrived in the 20 ms after that either\./,
      );
      expect(stopsSilently.tasks[0]?.signal.aborted).toBe(true);
    });

    it('still takes a late callback within callbackTimeoutMs after the work ended', async () => {
      // Arrange
      const worker = fakeIntegration('ecs', () => true, (invocation) => {
        invocation.callbacks.ended(invocation.taskToken as string, 'container exited');
        setTimeout(() => sendTaskSuccess(invocation.taskToken as string, { late: true }), 10);
      });

      // Act
      const run = await runLocalExecution({ definition: oneState(callbackState()), integrations: [worker], callbackTimeoutMs: 1_000 });

      // Assert
      expect(run.output).toEqual({ result: { late: true } });
    });

    it('ends a state that has a timeout with States.Timeout once its work ended without calling back, without waiting the full timeout', async () => {
      // Arrange
      const stopsSilently = fakeIntegration('ecs', () => true, (invocation) => invocation.callbacks.ended(invocation.taskToken as string, 'container exited'));
      const definition = { StartAt: 'Work', States: { Work: callbackState({ TimeoutSeconds: 3600, End: true }) } } as unknown as AslDefinition;
      const started = Date.now();

      // Act
      const run = await runLocalExecution({ definition, integrations: [stopsSilently], callbackTimeoutMs: 20 });

      // Assert
      expect(run).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('refuses a callback for a token nobody waits on', () => {
      // Act / Assert
      expect(() => sendTaskSuccess('not-a-token-of-this-process', {})).toThrowErrorMatchingInlineSnapshot(
        `[TaskTokenError: Cannot send task success: no state is waiting for task token not-a-token-… (its state already got a callback, timed out, or its execution ended; or the token was not issued by this process). To fix this, call back once, with the token the state passed to the worker, before the execution ends.]`,
      );
    });
  });

  describe('context object', () => {
    it('gives $$.Execution and $$.StateMachine, with the execution\'s input and start time inside Map iterations too', async () => {
      // Arrange
      const lambdas = lambda();
      const parameters = {
        'id.$': '$$.Execution.Id',
        'name.$': '$$.Execution.Name',
        'input.$': '$$.Execution.Input',
        'start.$': '$$.Execution.StartTime',
        'machine.$': '$$.StateMachine.Id',
        'state.$': '$$.State.Name',
      };
      const definition = {
        StartAt: 'Top',
        States: {
          Top: task(LAMBDA, { Parameters: parameters, ResultPath: '$.top', Next: 'Each' }),
          Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Inner', States: { Inner: task(LAMBDA, { Parameters: parameters, End: true }) } }, End: true },
        },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({
        definition,
        input: { items: [1] },
        integrations: [lambdas],
        name: 'exec-1',
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow',
      });

      // Assert
      const expected = {
        id: 'arn:aws:states:us-east-1:123456789012:execution:OrderFlow:exec-1',
        name: 'exec-1',
        input: { items: [1] },
        // ISO 8601 with milliseconds, without a zero fraction ("Accessing execution data from the Context object").
        start: run.startDate.toISOString().replace(/\.000Z$/, 'Z'),
        machine: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow',
      };
      expect(lambdas.tasks.map((invocation) => invocation.input)).toEqual([
        { ...expected, state: 'Top' },
        { ...expected, state: 'Inner' },
      ]);
    });
  });

  describe('what the old interpreter (aws-local-stepfunctions) got wrong, run as AWS runs it', () => {
    it('replaces the input with ResultPath "$" (the interpreter writes a key named "$")', async () => {
      // Arrange
      const definition = { StartAt: 'Work', States: { Work: task(LAMBDA, { ResultPath: '$', End: true }) } } as unknown as AslDefinition;
      const lambdas = fakeIntegration('lambda', () => true, () => ({ replaced: true }));

      // Act
      const run = await runLocalExecution({ definition, input: { old: 1 }, integrations: [lambdas] });

      // Assert
      expect(run.output).toEqual({ replaced: true });
    });

    it.each([[0], [false], [''], [null]])('outputs a Pass state\'s falsy Result %j (the interpreter passes the input on)', async (result) => {
      // Arrange
      const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Result: result, ResultPath: '$.value', End: true } } } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: { keep: 1 }, integrations: [] });

      // Assert
      expect(run.output).toEqual({ keep: 1, value: result });
      expect(eventsOf(run.history, 'PassStateExited').map((event) => event.stateExitedEventDetails)).toEqual([
        { name: 'P', output: JSON.stringify({ keep: 1, value: result }), outputDetails: { truncated: false } },
      ]);
    });

    it('runs a JSONata definition: Arguments, Output and $states as AWS evaluates them', async () => {
      // Arrange
      const lambdas = lambda();
      const definition = {
        QueryLanguage: 'JSONata',
        StartAt: 'Double',
        States: {
          Double: { Type: 'Pass', Output: '{% {"doubled": $states.input.n * 2} %}', Next: 'Call' },
          Call: { Type: 'Task', Resource: LAMBDA, Arguments: { 'value': '{% $states.input.doubled + 1 %}' }, Output: '{% $states.result.input %}', End: true },
        },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: { n: 21 }, integrations: [lambdas] });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: { value: 43 } });
      expect(lambdas.tasks.map((invocation) => invocation.input)).toEqual([{ value: 43 }]);
      expect(stateInput(run.history, 'Call')).toEqual({ doubled: 42 });
    });

    it('runs Assign: later states read the variable, and the Exited event lists it as JSON text', async () => {
      // Arrange
      const definition = {
        StartAt: 'Set',
        States: {
          Set: { Type: 'Pass', Assign: { total: 1, 'label.$': '$.name' }, Next: 'Read' },
          Read: { Type: 'Pass', Parameters: { 'total.$': '$total', 'label.$': '$label' }, End: true },
        },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: { name: 'order' }, integrations: [] });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: { total: 1, label: 'order' } });
      expect(eventsOf(run.history, 'PassStateExited')[0]?.stateExitedEventDetails).toMatchObject({
        name: 'Set',
        assignedVariables: { total: '1', label: '"order"' },
        assignedVariablesDetails: { truncated: false },
      });
    });

    it('runs TimeoutSecondsPath: the integration and TaskScheduled get the timeout read from the input', async () => {
      // Arrange
      const lambdas = lambda();
      const definition = { StartAt: 'T', States: { T: task(LAMBDA, { TimeoutSecondsPath: '$.t', End: true }) } } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: { t: 7 }, integrations: [lambdas] });

      // Assert
      expect(run.status).toBe('SUCCEEDED');
      expect(lambdas.tasks[0]?.timeoutSeconds).toBe(7);
      expect(eventsOf(run.history, 'TaskScheduled')[0]?.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 7 });
    });

    it('runs a distributed Map over the items its ItemReader reads from the object store', async () => {
      // Arrange
      const objectStore = new MemoryObjectStore();
      await objectStore.putObject('orders', 'batch.json', JSON.stringify([{ id: 'o-1' }, { id: 'o-2' }]));
      const definition = {
        StartAt: 'M',
        States: {
          M: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'orders', Key: 'batch.json' } },
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'X',
              States: { X: { Type: 'Pass', Parameters: { 'order.$': '$.id' }, End: true } },
            },
            End: true,
          },
        },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [], objectStore });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: [{ order: 'o-1' }, { order: 'o-2' }] });
      // The children's events are not in the parent's history; MapStateStarted says length 0 with an ItemReader
      // (recorded AWS response: LocalStack snapshot test_map_item_reader_csv_max_items).
      expect(run.history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'MapStateEntered',
        'MapStateStarted',
        'MapRunStarted',
        'MapRunSucceeded',
        'MapStateSucceeded',
        'MapStateExited',
        'ExecutionSucceeded',
      ]);
      expect(eventsOf(run.history, 'MapStateStarted')[0]?.mapStateStartedEventDetails).toEqual({ length: 0 });
      expect(statesEntered(run.history)).toEqual(['M']);
    });
  });

  describe('execution outcomes and history', () => {
    it('records states entered and exited with their type, input, output and time, in order', async () => {
      // Arrange
      const definition = {
        StartAt: 'Prepare',
        States: { Prepare: { Type: 'Pass', Result: { step: 1 }, Next: 'Call' }, Call: task(LAMBDA, { End: true }) },
      } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: { start: true }, integrations: [lambda()] });

      // Assert: GetExecutionHistory's events for a Pass then a lambda:invoke Task
      // (recorded AWS response: LocalStack snapshot test_lambda_task_service), payloads as JSON text.
      expect(run.history.map((event) => [event.id, event.previousEventId, event.type, stateNameOf(event)])).toEqual([
        [1, 0, 'ExecutionStarted', undefined],
        [2, 0, 'PassStateEntered', 'Prepare'],
        [3, 2, 'PassStateExited', 'Prepare'],
        [4, 3, 'TaskStateEntered', 'Call'],
        [5, 4, 'TaskScheduled', undefined],
        [6, 5, 'TaskStarted', undefined],
        [7, 6, 'TaskSucceeded', undefined],
        [8, 7, 'TaskStateExited', 'Call'],
        [9, 8, 'ExecutionSucceeded', undefined],
      ]);
      expect(stateInput(run.history, 'Call')).toEqual({ step: 1 });
      expect(run.history[4]?.taskScheduledEventDetails).toEqual({ resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', parameters: '{"step":1}' });
      const output = { from: 'lambda', state: 'Call', input: { step: 1 } };
      expect(run.history[7]?.stateExitedEventDetails).toEqual({ name: 'Call', output: JSON.stringify(output), outputDetails: { truncated: false } });
      expect(run.history[8]?.executionSucceededEventDetails).toEqual({ output: JSON.stringify(output), outputDetails: { truncated: false } });
      expect(run.history.every((event) => event.timestamp >= run.startDate && event.timestamp <= run.stopDate)).toBe(true);
    });

    it('times the execution out at the definition\'s TimeoutSeconds (TIMED_OUT)', async () => {
      // Arrange
      const definition = { TimeoutSeconds: 1, StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 5, End: true } } } as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [] });

      // Assert
      expect(run).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
      expect(run.history.at(-1)?.type).toBe('ExecutionTimedOut');
      expect(run.stopDate.getTime() - run.startDate.getTime()).toBe(1_000);
    });

    it('aborts on the signal (ABORTED) and aborts the running task\'s signal', async () => {
      // Arrange
      const controller = new AbortController();
      const hanging = fakeIntegration('lambda', () => true, () => {
        queueMicrotask(() => controller.abort());
        return new Promise(() => {});
      });
      const definition = { StartAt: 'Work', States: { Work: task(LAMBDA, { End: true }) } } as unknown as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [hanging], signal: controller.signal });

      // Assert
      expect(run.status).toBe('ABORTED');
      expect(hanging.tasks[0]?.signal.aborted).toBe(true);
    });

    it('takes no wall time for an hour-long Wait, and the history shows the hour (virtual clock)', async () => {
      // Arrange
      const definition = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } } as AslDefinition;
      const started = Date.now();

      // Act
      const run = await runLocalExecution({ definition, input: { done: true }, integrations: [] });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: { done: true } });
      expect(Date.now() - started).toBeLessThan(1_000);
      const [entered, exited] = [eventsOf(run.history, 'WaitStateEntered')[0], eventsOf(run.history, 'WaitStateExited')[0]];
      expect((exited?.timestamp.getTime() ?? 0) - (entered?.timestamp.getTime() ?? 0)).toBe(3_600_000);
      expect(run.stopDate.getTime() - run.startDate.getTime()).toBe(3_600_000);
    });

    it('waits the time out with clock: \'real\'', async () => {
      // Arrange
      const definition = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 1, End: true } } } as AslDefinition;
      const started = Date.now();

      // Act
      const run = await runLocalExecution({ definition, integrations: [], clock: 'real' });

      // Assert
      expect(run.status).toBe('SUCCEEDED');
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(run.stopDate.getTime() - run.startDate.getTime()).toBeGreaterThanOrEqual(1_000);
    });

    it('refuses an invalid definition before running it', async () => {
      // Act / Assert
      await expect(runLocalExecution({ definition: { StartAt: 'Nope', States: { A: { Type: 'Succeed' } } }, integrations: [] })).rejects.toBeInstanceOf(InvalidDefinitionError);
    });
  });
});
