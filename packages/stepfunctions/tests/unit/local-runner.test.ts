import { StatesError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../src/definition.js';
import { CallbackNeverSentError, InvalidDefinitionError, UnroutedTaskError, UnsupportedFeatureError } from '../../src/errors.js';
import { runLocalExecution } from '../../src/local-runner.js';
import { sendTaskFailure, sendTaskSuccess, waitingTaskTokens } from '../../src/task-tokens.js';
import { ECS_CALLBACK, ECS_SYNC, LAMBDA, failingIntegration, fakeIntegration } from '../helpers/fakes.js';

const lambda = (): ReturnType<typeof fakeIntegration> => fakeIntegration('lambda', (resource) => resource.startsWith(LAMBDA));
const ecs = (): ReturnType<typeof fakeIntegration> => fakeIntegration('ecs', (resource) => resource.startsWith('arn:aws:states:::ecs:'));

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

    it('fails a state whose result is over 256 KiB with States.DataLimitExceeded, as a Catch sees it', async () => {
      const definition = oneState(task(ECS_SYNC));
      const big = fakeIntegration('ecs', () => true, () => ({ blob: 'x'.repeat(262_144) }));
      const justFits = fakeIntegration('ecs', () => true, () => 'x'.repeat(262_142));

      const failed = await runLocalExecution({ definition, input: {}, integrations: [big] });
      const passed = await runLocalExecution({ definition, input: {}, integrations: [justFits] });

      expect(failed.output).toEqual({
        error: {
          Error: 'States.DataLimitExceeded',
          Cause: "The state/task 'Work' returned a result with a size exceeding the maximum number of bytes service limit.",
        },
      });
      expect(passed.status).toBe('SUCCEEDED');
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
      expect(run.history.filter((event) => event.type === 'StateFailed')).toEqual([
        expect.objectContaining({ stateName: 'Work', stateType: 'Task', resource: LAMBDA, error: 'Order.Rejected', cause: 'out of stock' }),
      ]);
    });

    it('retries on the error name, then succeeds', async () => {
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

      // Act
      const run = await runLocalExecution({ definition, integrations: [flaky], retryIntervalMs: 0 });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: { attempt: 3 } });
      expect(run.history.filter((event) => event.type === 'StateRetried').map((event) => event.retryAttempt)).toEqual([1, 2]);
    });

    it('gives up after MaxAttempts and fails with the last error', async () => {
      // Arrange
      const definition = {
        StartAt: 'Work',
        States: { Work: task(LAMBDA, { Retry: [{ ErrorEquals: ['States.TaskFailed'], MaxAttempts: 1 }], End: true }) },
      } as unknown as AslDefinition;
      const always = failingIntegration('lambda', () => true, 'Boom', 'always');

      // Act
      const run = await runLocalExecution({ definition, integrations: [always], retryIntervalMs: 0 });

      // Assert
      expect(run).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'always' });
      expect(run.history.filter((event) => event.type === 'StateEntered')).toHaveLength(1);
      expect(run.history.filter((event) => event.type === 'StateFailed')).toHaveLength(2);
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
      expect(runs[0]?.history.find((event) => event.type === 'StateEntered')).toMatchObject({ stateName: 'F', stateType: 'Fail' });
    });

    it('reports the interpreter\'s own errors as AWS names them (States.Runtime)', async () => {
      // Arrange
      const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'x.$': '$.missing' }, End: true } } } as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, integrations: [] });

      // Assert
      expect(run).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause: "Path expression '$.missing' does not point to a value" });
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

      // Assert
      expect(run.output).toEqual({ timeout: { Error: 'States.Timeout', Cause: null } });
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
        start: run.startDate.toISOString(),
        machine: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow',
      };
      expect(lambdas.tasks.map((invocation) => invocation.input)).toEqual([
        { ...expected, state: 'Top' },
        { ...expected, state: 'Inner' },
      ]);
    });
  });

  describe('what the interpreter gets wrong, closed by the harness', () => {
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
      expect(run.history.find((event) => event.type === 'StateExited')).toMatchObject({ stateName: 'P', stateType: 'Pass' });
    });

    it.each([
      ['JSONata', { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input %}', End: true } } }, /the definition uses JSONata/],
      ['Assign', { StartAt: 'P', States: { P: { Type: 'Pass', Assign: { total: 1 }, End: true } } }, /State "P" uses Assign \(workflow variables\)/],
      ['TimeoutSecondsPath', { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t', End: true } } }, /State "T" uses TimeoutSecondsPath/],
      ['ItemReader', { StartAt: 'M', States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject' }, ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true } } }, /State "M" uses the distributed Map field ItemReader/],
    ])('refuses %s, which the interpreter would silently get wrong', async (_feature, definition, message) => {
      // Act
      const running = runLocalExecution({ definition: definition as unknown as AslDefinition, integrations: [lambda()] });

      // Assert
      await expect(running).rejects.toBeInstanceOf(UnsupportedFeatureError);
      await expect(running).rejects.toThrowError(message);
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

      // Assert
      expect(run.history.map((event) => [event.type, event.stateName])).toEqual([
        ['ExecutionStarted', undefined],
        ['StateEntered', 'Prepare'],
        ['StateExited', 'Prepare'],
        ['StateEntered', 'Call'],
        ['StateExited', 'Call'],
        ['ExecutionSucceeded', undefined],
      ]);
      expect(run.history[3]).toMatchObject({ stateType: 'Task', resource: LAMBDA, input: { step: 1 } });
      expect(run.history[4]).toMatchObject({ output: { from: 'lambda', state: 'Call', input: { step: 1 } } });
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

    it('speeds Wait states up with waitStateMs', async () => {
      // Arrange
      const definition = { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 3600, End: true } } } as AslDefinition;

      // Act
      const run = await runLocalExecution({ definition, input: { done: true }, integrations: [], waitStateMs: 1 });

      // Assert
      expect(run).toMatchObject({ status: 'SUCCEEDED', output: { done: true } });
    });

    it('refuses an invalid definition before running it', async () => {
      // Act / Assert
      await expect(runLocalExecution({ definition: { StartAt: 'Nope', States: { A: { Type: 'Succeed' } } }, integrations: [] })).rejects.toBeInstanceOf(InvalidDefinitionError);
    });
  });
});
