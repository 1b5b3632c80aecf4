import { AlreadyMockedError, InvalidFailureError, InvalidHandlerError, ResultTooLargeError, StatesError, type LocalServiceIntegration } from '@harness/core';
import { createFakeSession, type FakeSessionOptions } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { createStepFunctionsApi, failExecution } from '../../src/api.js';
import { parseStepFunctionsConfig } from '../../src/config.js';
import type { AslDefinition } from '../../src/definition.js';
import { LocalTargetOnlyError } from '../../src/errors.js';
import { stepFunctionsAdapter } from '../../src/adapter.js';
import { fakeIntegration, LAMBDA } from '../helpers/fakes.js';

const CHILD_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:NotifyCustomer';

/** A parent that starts NotifyCustomer with `resource` and keeps the state's output (or caught error) in `$.child`. */
function parent(resource: string, parameters: Record<string, unknown> = { 'Input.$': '$.order' }): AslDefinition {
  return {
    StartAt: 'Start',
    States: {
      Start: {
        Type: 'Task',
        Resource: resource,
        Parameters: { StateMachineArn: CHILD_ARN, Name: 'child-1', ...parameters },
        ResultPath: '$.child',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.child', Next: 'Caught' }],
        Next: 'Done',
      },
      Caught: { Type: 'Pass', End: true },
      Done: { Type: 'Succeed' },
    },
  } as unknown as AslDefinition;
}

/** A local session, as core builds it: the `extra` integrations first, then the Step Functions adapter's own, which answers the doubles registered on it. */
function setUp(extra: readonly LocalServiceIntegration[] = [fakeIntegration('lambda', (resource) => resource.startsWith(LAMBDA))]) {
  const session = createFakeSession({
    integrations: (context) => [...extra, ...(stepFunctionsAdapter.localIntegrations?.(parseStepFunctionsConfig({}), context) ?? [])],
  });
  const api = createStepFunctionsApi(session, parseStepFunctionsConfig({}));
  return { session, api };
}

/** A session of the aws target, as the Step Functions stack `hx-stepfunctions` gives it. */
const awsSession = (outputs: FakeSessionOptions['outputs'] = {}) => createFakeSession({ id: 's-aws', target: 'aws', stackName: 'hx', outputs });

describe('Function: createStepFunctionsApi', () => {
  describe('Method: mockStateMachine with states:startExecution', () => {
    it('answers request-response with { ExecutionArn, StartDate } and SDK metadata, while the child runs on', async () => {
      // Arrange
      const { api } = setUp();
      const child = await api.mockStateMachine('NotifyCustomer', () => ({ sent: true }));

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution'), { order: { id: 'o-1' } });

      // Assert
      const output = (run.output as { child: Record<string, unknown> }).child;
      expect(output).toEqual({
        ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:NotifyCustomer:child-1',
        StartDate: expect.any(Number),
        SdkHttpMetadata: expect.objectContaining({ HttpStatusCode: 200 }),
        SdkResponseMetadata: { RequestId: expect.any(String) },
      });
      const invocation = await child.waitForInvocation({ timeoutMs: 1_000 });
      expect(invocation).toMatchObject({
        input: { id: 'o-1' },
        name: 'child-1',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:NotifyCustomer:child-1',
        stateMachineArn: CHILD_ARN,
        pattern: 'request-response',
        parent: { executionArn: run.executionArn, stateName: 'Start' },
      });
    });

    it('answers .sync with the DescribeExecution shape, Input and Output as JSON text', async () => {
      // Arrange
      const { api } = setUp();
      await api.mockStateMachine('NotifyCustomer', ({ input }) => ({ notified: (input as { id: string }).id }));

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync'), { order: { id: 'o-1' } });

      // Assert
      const output = (run.output as { child: Record<string, unknown> }).child;
      expect(output).toEqual({
        ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:NotifyCustomer:child-1',
        Input: '{"id":"o-1"}',
        InputDetails: { Included: true },
        Name: 'child-1',
        Output: '{"notified":"o-1"}',
        OutputDetails: { Included: true },
        StartDate: expect.any(Number),
        StateMachineArn: CHILD_ARN,
        Status: 'SUCCEEDED',
        StopDate: expect.any(Number),
      });
      expect(output.StopDate as number).toBeGreaterThanOrEqual(output.StartDate as number);
    });

    it('answers .sync:2 with Input and Output parsed', async () => {
      // Arrange
      const { api } = setUp();
      await api.mockStateMachine('NotifyCustomer', () => ({ notified: true }));

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync:2'), { order: { id: 'o-1' } });

      // Assert
      expect((run.output as { child: unknown }).child).toMatchObject({ Input: { id: 'o-1' }, Output: { notified: true }, Status: 'SUCCEEDED' });
    });

    it.each([
      ['.sync', '{"id":"o-1"}'],
      [':2', { id: 'o-1' }],
    ])('fails the parent state with States.TaskFailed and the child\'s DescribeExecution as cause (%s)', async (suffix, input) => {
      // Arrange
      const { api } = setUp();
      const child = await api.mockStateMachine('NotifyCustomer', () => failExecution('Customer.Unreachable', 'no email address'));
      const resource = suffix === '.sync' ? 'arn:aws:states:::states:startExecution.sync' : 'arn:aws:states:::states:startExecution.sync:2';

      // Act
      const run = await api.execute(parent(resource), { order: { id: 'o-1' } });

      // Assert
      const caught = (run.output as { child: { Error: string; Cause: string } }).child;
      expect(caught.Error).toBe('States.TaskFailed');
      expect(JSON.parse(caught.Cause)).toEqual({
        ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:NotifyCustomer:child-1',
        Input: input,
        InputDetails: { Included: true },
        Name: 'child-1',
        StartDate: expect.any(Number),
        StateMachineArn: CHILD_ARN,
        Status: 'FAILED',
        StopDate: expect.any(Number),
        Error: 'Customer.Unreachable',
        Cause: 'no email address',
      });
      expect(child.invocations[0]).toMatchObject({ status: 'FAILED', error: 'Customer.Unreachable', cause: 'no email address' });
    });

    it('fails a child whose handler throws any error with its name and message', async () => {
      // Arrange
      const { api } = setUp();
      await api.mockStateMachine('NotifyCustomer', () => {
        throw new RangeError('too many retries');
      });

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync'), { order: {} });

      // Assert
      const cause = JSON.parse((run.output as { child: { Cause: string } }).child.Cause) as Record<string, unknown>;
      expect(cause).toMatchObject({ Status: 'FAILED', Error: 'RangeError', Cause: 'too many retries' });
    });

    it('passes the task token to a .waitForTaskToken child, and the parent waits for its callback', async () => {
      // Arrange
      const { api } = setUp();
      const child = await api.mockStateMachine('NotifyCustomer', ({ taskToken, input }) => {
        setTimeout(() => api.sendTaskSuccess(taskToken as string, { acknowledged: (input as { token: string }).token === taskToken }), 5);
        return 'the child\'s own output is not the parent state\'s';
      });

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.waitForTaskToken', { Input: { 'token.$': '$$.Task.Token' } }), {});

      // Assert
      expect((run.output as { child: unknown }).child).toEqual({ acknowledged: true });
      expect(child.invocations[0]?.pattern).toBe('waitForTaskToken');
    });

    it('fails the state with StepFunctions.StateMachineDoesNotExistException, as AWS does, when the child is neither mocked nor registered (the workflow can catch it)', async () => {
      // Arrange
      const { api } = setUp();

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync'), { order: {} });

      // Assert: the parent's Catch (States.ALL) took it, naming the state machine it could not start.
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output).toMatchObject({ child: { Error: 'StepFunctions.StateMachineDoesNotExistException' } });
      expect((run.output as { child: { Cause: string } }).child.Cause).toMatch(
        /^State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:NotifyCustomer' \(Service: Sfn, Status Code: 400, Request ID: [0-9a-f-]{36}\)$/,
      );
      expect(run.history.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'TaskStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
    });

    it('stops answering for a restored mock', async () => {
      // Arrange
      const { api, session } = setUp();
      const child = await api.mockStateMachine('NotifyCustomer', () => ({}));

      // Act
      await child.restore();

      // Assert
      expect(session.handlers.has('stepfunctions:NotifyCustomer')).toBe(false);
      await expect(api.execute(parent('arn:aws:states:::states:startExecution.sync'), { order: {} })).resolves.toMatchObject({
        output: { child: { Error: 'StepFunctions.StateMachineDoesNotExistException' } },
      });
    });
  });

  describe('Method: registerDefinition', () => {
    it('runs a registered child definition locally, with the session\'s integrations', async () => {
      // Arrange
      const lambdas = fakeIntegration('lambda', (resource) => resource.startsWith(LAMBDA), (task) => ({ emailed: task.input }));
      const { api } = setUp([lambdas]);
      api.registerDefinition('NotifyCustomer', {
        StartAt: 'Email',
        States: { Email: { Type: 'Task', Resource: LAMBDA, Parameters: { 'to.$': '$.id', 'execution.$': '$$.Execution.Id' }, End: true } },
      });

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync:2'), { order: { id: 'o-1' } });

      // Assert
      expect((run.output as { child: unknown }).child).toMatchObject({
        Status: 'SUCCEEDED',
        Output: { emailed: { to: 'o-1', execution: 'arn:aws:states:us-east-1:123456789012:execution:NotifyCustomer:child-1' } },
      });
      expect(lambdas.tasks[0]?.execution.stateMachineArn).toBe(CHILD_ARN);
    });

    it('lets a child definition call its parent back with aws-sdk:sfn:sendTaskSuccess', async () => {
      // Arrange
      const { api } = setUp();
      api.registerDefinition('NotifyCustomer', {
        StartAt: 'Reply',
        States: {
          Reply: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
            Parameters: { 'TaskToken.$': '$.token', 'Output.$': "States.JsonToString($.answer)" },
            End: true,
          },
        },
      });

      // Act
      const run = await api.execute(
        parent('arn:aws:states:::states:startExecution.waitForTaskToken', { Input: { 'token.$': '$$.Task.Token', answer: { ok: 1 } } }),
        {},
      );

      // Assert
      expect((run.output as { child: unknown }).child).toEqual({ ok: 1 });
    });

    it('runs a registered workflow by name, with its state machine ARN', async () => {
      // Arrange
      const { api } = setUp();
      api.registerDefinition('OrderFlow', { StartAt: 'Done', States: { Done: { Type: 'Pass', Parameters: { 'machine.$': '$$.StateMachine.Id' }, End: true } } });

      // Act
      const run = await api.execute('OrderFlow', {}, { name: 'run-1' });

      // Assert
      expect(run).toMatchObject({
        status: 'SUCCEEDED',
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:OrderFlow:run-1',
        output: { machine: 'arn:aws:states:us-east-1:123456789012:stateMachine:OrderFlow' },
      });
    });

    it('says which names are registered when execute gets an unknown one', async () => {
      // Arrange
      const { api } = setUp();
      api.registerDefinition('OrderFlow', { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

      // Act / Assert
      await expect(api.execute('OderFlow')).rejects.toThrowError("No state machine definition is registered as 'OderFlow' (registered: OrderFlow).");
    });
  });

  describe('Method: mockService', () => {
    it('answers a resource no adapter handles and records what it received', async () => {
      // Arrange
      const { api } = setUp();
      const queue = api.mockService('arn:aws:states:::sqs:sendMessage', (input) => ({ MessageId: `m-${(input as { n: number }).n}` }));
      const definition = {
        StartAt: 'Send',
        States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { 'n.$': '$.n' }, End: true } },
      } as unknown as AslDefinition;

      // Act
      const run = await api.execute(definition, { n: 7 });

      // Assert
      expect(run.output).toEqual({ MessageId: 'm-7' });
      expect(queue.invocations).toEqual([expect.objectContaining({ input: { n: 7 }, stateName: 'Send', output: { MessageId: 'm-7' } })]);
    });

    it('wins over the adapters for the same resource, and fails the state with a StatesError it throws', async () => {
      // Arrange
      const lambdas = fakeIntegration('lambda', () => true);
      const { api } = setUp([lambdas]);
      api.mockService(LAMBDA, () => {
        throw new StatesError('Lambda.ServiceException', 'throttled');
      });
      const definition = {
        StartAt: 'Call',
        States: { Call: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['Lambda.ServiceException'], Next: 'Handled' }], End: true }, Handled: { Type: 'Succeed' } },
      } as unknown as AslDefinition;

      // Act
      const run = await api.execute(definition, {});

      // Assert
      expect(run.output).toEqual({ Error: 'Lambda.ServiceException', Cause: 'throttled' });
      expect(lambdas.tasks).toHaveLength(0);
    });
  });

  describe('Mocking twice, answers in sequence and shape checks', () => {
    const sendDefinition = {
      StartAt: 'Send',
      States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Retry: [{ ErrorEquals: ['SQS.Throttled'], IntervalSeconds: 1, MaxAttempts: 2 }], End: true } },
    } as unknown as AslDefinition;

    it('refuses a second mockStateMachine and a handler that is not a function, as the ECS and Lambda mocks do', async () => {
      // Arrange
      const { api } = setUp();
      const first = await api.mockStateMachine('NotifyCustomer', () => ({ sent: 'first' }));

      // Act
      const second = api.mockStateMachine('NotifyCustomer', () => ({ sent: 'second' }));

      // Assert
      await expect(second).rejects.toThrow(AlreadyMockedError);
      await expect(second).rejects.toThrow(
        "harness.stepFunctions.mockStateMachine('NotifyCustomer', handler): stepfunctions:NotifyCustomer is already mocked in this session. To fix this, change its handler with mock.replaceHandler(handler)",
      );
      await expect(api.mockStateMachine('Other', { sent: true } as never)).rejects.toThrow(InvalidHandlerError);
      expect(() => first.replaceHandler(42 as never)).toThrow(InvalidHandlerError);
      first.replaceHandler(() => ({ sent: 'replaced' }));
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync:2'), { order: { id: 'o-1' } });
      expect((run.output as { child: { Output: unknown } }).child.Output).toEqual({ sent: 'replaced' });
    });

    it('refuses a second mockService of a resource and a handler that is not a function; restore() frees it', async () => {
      const { api } = setUp();
      const first = api.mockService('arn:aws:states:::sqs:sendMessage', () => ({ MessageId: 'm-1' }));

      expect(() => api.mockService('arn:aws:states:::sqs:sendMessage', () => ({}))).toThrow(AlreadyMockedError);
      expect(() => api.mockService('arn:aws:states:::sns:publish', undefined as never)).toThrow(
        "harness.stepFunctions.mockService('arn:aws:states:::sns:publish', handler): the handler is undefined, not a function.",
      );
      await first.restore();
      expect(() => api.mockService('arn:aws:states:::sqs:sendMessage', () => ({}))).not.toThrow();
    });

    it('answers child executions with onCall / once answers first, then the handler', async () => {
      // Arrange
      const { api } = setUp();
      const child = await api.mockStateMachine('NotifyCustomer', () => ({ sent: 'handler' }));
      child.once(new StatesError('Notify.Unavailable', 'try later')).onCall(1).answer({ sent: 'onCall(1)' });
      const resource = 'arn:aws:states:::states:startExecution.sync:2';

      // Act
      const runs = [];
      for (let n = 0; n < 3; n += 1) runs.push(await api.execute(parent(resource, { 'Input.$': '$.order', Name: `child-${n}` }), { order: { n } }));

      // Assert
      const children = runs.map((run) => (run.output as { child: { Error?: string; Cause?: string; Output?: unknown } }).child);
      expect(children[0]?.Error).toBe('States.TaskFailed');
      expect(JSON.parse(children[0]?.Cause ?? '{}')).toMatchObject({ Status: 'FAILED', Error: 'Notify.Unavailable', Cause: 'try later' });
      expect(children.slice(1).map((result) => result.Output)).toEqual([{ sent: 'onCall(1)' }, { sent: 'handler' }]);
      expect(child.invocations.map((invocation) => invocation.status)).toEqual(['FAILED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(child.errors).toHaveLength(1);
    });

    it('fails a child execution whose output is over 256 KiB with States.DataLimitExceeded, the check in mock.errors', async () => {
      // Arrange
      const { api } = setUp();
      const child = await api.mockStateMachine('NotifyCustomer', () => ({ blob: 'x'.repeat(262_144) }));

      // Act
      const run = await api.execute(parent('arn:aws:states:::states:startExecution.sync:2'), { order: { id: 'o-1' } });

      // Assert
      const caught = (run.output as { child: { Cause: string } }).child;
      expect(JSON.parse(caught.Cause)).toMatchObject({ Status: 'FAILED', Error: 'States.DataLimitExceeded' });
      expect(child.errors[0]).toBeInstanceOf(ResultTooLargeError);
      expect(child.errors[0]?.message).toMatch(/^the execution output of stepfunctions:NotifyCustomer is 262155 bytes of JSON, over the 262144 bytes that Step Functions' execution output/);
      expect(() => child.once({ blob: 'x'.repeat(262_144) })).toThrow(ResultTooLargeError);
    });

    it('refuses a failExecution error over 256 characters, as Step Functions records a failure', () => {
      expect(() => failExecution('E'.repeat(257), 'cause')).toThrow(InvalidFailureError);
      expect(() => failExecution('Card.Declined', 'c'.repeat(32_769))).toThrow(
        'failExecution(error, cause): the cause of the execution failure is 32769 characters; Step Functions takes a string of at most 32768 characters there',
      );
    });

    it('answers a service Task with queued answers: a throttle the Retry absorbs, then the handler', async () => {
      // Arrange
      const { api } = setUp();
      const queue = api.mockService('arn:aws:states:::sqs:sendMessage', () => ({ MessageId: 'm-handler' }));
      queue.once(new StatesError('SQS.Throttled', 'slow down'));

      // Act
      const run = await api.execute(sendDefinition, {});

      // Assert
      expect(run.output).toEqual({ MessageId: 'm-handler' });
      expect(queue.invocations.map((invocation) => invocation.error ?? 'ok')).toEqual(['SQS.Throttled', 'ok']);
      expect(queue.errors).toHaveLength(1);
      queue.once({ MessageId: 'unused' });
      queue.reset();
      expect([queue.invocations.length, queue.errors.length, queue.pendingAnswers]).toEqual([0, 0, 0]);
    });
  });

  describe('on the aws target', () => {
    it('execute refuses a definition object: only deployed state machines run there', async () => {
      // Arrange
      const api = createStepFunctionsApi(awsSession(), parseStepFunctionsConfig({}));

      // Act / Assert
      await expect(api.execute({ StartAt: 'A', States: { A: { Type: 'Succeed' } } })).rejects.toBeInstanceOf(LocalTargetOnlyError);
      await expect(api.execute({ StartAt: 'A', States: { A: { Type: 'Succeed' } } })).rejects.toThrowError(/Cannot execute a definition object on the aws target/);
    });

    it('mockService says the deployed workflow calls the real service there', () => {
      // Arrange
      const api = createStepFunctionsApi(awsSession(), parseStepFunctionsConfig({}));

      // Act / Assert
      expect(() => api.mockService('arn:aws:states:::sqs:sendMessage', () => ({}))).toThrowError(LocalTargetOnlyError);
      expect(() => api.mockService('arn:aws:states:::sqs:sendMessage', () => ({}))).toThrowError(/on the aws target: the deployed workflow calls the real service there/);
    });

    it('mockStateMachine routes the deployed double to the session and answers as on the local target', async () => {
      // Arrange
      const session = awsSession({ StateMachineArnCharge: 'arn:aws:states:us-east-1:123456789012:stateMachine:Charge' });
      const api = createStepFunctionsApi(session, parseStepFunctionsConfig({ stateMachines: { Charge: {} } }));
      const message = (invocationId: string) => ({
        v: 1 as const,
        invocationId,
        double: 'stepfunctions:Charge',
        session: 's-aws',
        sentAt: '2026-01-01T00:00:00.000Z',
        payload: {
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Charge',
          stateMachineName: 'Charge',
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Charge:e-1',
          executionName: 'e-1',
          input: { amount: 3 },
          pattern: 'request-response' as const,
          parent: { executionArn: '', stateName: '' },
        },
      });

      // Act
      const mock = await api.mockStateMachine('Charge', ({ input }) => {
        if ((input as { amount: number }).amount > 2) failExecution('Card.Declined', 'insufficient funds');
        return { charged: true };
      });
      const answer = await session.handlers.get('stepfunctions:Charge')?.(message('i-1'));

      // Assert
      expect(session.registrations).toEqual([{ action: 'register', double: 'stepfunctions:Charge' }]);
      expect(answer).toMatchObject({ status: 'FAILED', error: 'Card.Declined', cause: 'insufficient funds', startDate: Date.parse('2026-01-01T00:00:00.000Z') });
      expect(mock.invocations[0]).toMatchObject({ invocationId: 'i-1', input: { amount: 3 }, name: 'e-1', status: 'FAILED' });
    });

    it('mockStateMachine refuses a state machine the stack has no double for, with the fix', async () => {
      // Arrange
      const api = createStepFunctionsApi(awsSession(), parseStepFunctionsConfig({}));

      // Act / Assert
      await expect(api.mockStateMachine('Child', () => ({}))).rejects.toThrowErrorMatchingInlineSnapshot(
        `[StateMachineMockError: State machine Child has no double in stack hx-stepfunctions (its outputs have no StateMachineArnChild), so nothing would forward its executions to this mock. To fix this, add "Child": {} to adapters.stepfunctions.stateMachines in harness.config.json and run \`npx harness deploy --adapters stepfunctions\`.]`,
      );
    });
  });
});
