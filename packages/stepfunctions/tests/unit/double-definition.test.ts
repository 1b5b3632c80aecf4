import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../src/definition.js';
import { DEFAULT_DOUBLE_TIMEOUT_SECONDS, stateMachineDoubleDefinition } from '../../src/double-definition.js';

const core = { routesTable: 'hx-routes', resultsTable: 'hx-results' };

type State = Record<string, unknown>;
function states(timeoutSeconds?: number): Record<string, State> {
  const definition = stateMachineDoubleDefinition({ name: 'Charge', core, ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}) });
  return definition.States as Record<string, State>;
}

describe('Function: stateMachineDoubleDefinition', () => {
  it('is valid ASL, every state reachable from StartAt', () => {
    // Arrange
    const definition = stateMachineDoubleDefinition({ name: 'Charge', core });
    const targets = new Set<string>([definition.StartAt]);
    for (const state of Object.values(definition.States) as State[]) {
      for (const next of [state.Next, state.Default]) if (typeof next === 'string') targets.add(next);
      for (const rule of [...((state.Choices as State[] | undefined) ?? []), ...((state.Catch as State[] | undefined) ?? [])]) targets.add(rule.Next as string);
    }

    // Act / Assert
    expect(validateDefinition(definition)).toEqual([]);
    expect([...targets].sort()).toEqual(Object.keys(definition.States).sort());
  });

  it('reads its own route, by double id, with a consistent read', () => {
    // Act
    const { ReadRoute } = states();

    // Assert
    expect(ReadRoute).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'hx-routes', Key: { double: { S: 'stepfunctions:Charge' } }, ConsistentRead: true },
    });
  });

  it('fails at once with Harness.NoRoute naming the double and the fix when no session mocks it', () => {
    // Act
    const { IsRouted, NoRoute } = states();

    // Assert
    expect(IsRouted).toMatchObject({ Type: 'Choice', Default: 'NoRoute' });
    expect(NoRoute).toEqual({
      Type: 'Fail',
      Error: 'Harness.NoRoute',
      Cause:
        'No test session has mocked state machine Charge (double stepfunctions:Charge; no route in table hx-routes). ' +
        "To fix this, call harness.stepFunctions.mockStateMachine('Charge', handler) in a test session on the aws target before the workflow starts Charge.",
    });
  });

  it('sends an invocation message of the wire format to the routed session queue', () => {
    // Act
    const { PrepareInvocation, PrepareCallbackInvocation, SendInvocation } = states();

    // Assert
    expect(PrepareInvocation?.Parameters).toEqual({
      v: 1,
      'invocationId.$': '$.invocationId',
      double: 'stepfunctions:Charge',
      'session.$': '$.route.Item.session.S',
      payload: {
        'stateMachineArn.$': '$$.StateMachine.Id',
        stateMachineName: 'Charge',
        'executionArn.$': '$$.Execution.Id',
        'executionName.$': '$$.Execution.Name',
        'input.$': '$$.Execution.Input',
        pattern: 'request-response',
        'parent.$': '$.parent',
      },
      'sentAt.$': '$$.State.EnteredTime',
    });
    expect(PrepareCallbackInvocation?.Parameters).toMatchObject({ payload: { pattern: 'waitForTaskToken', 'taskToken.$': '$.input.TaskToken' } });
    expect(SendInvocation).toMatchObject({
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { 'QueueUrl.$': '$.route.Item.queueUrl.S', 'MessageBody.$': 'States.JsonToString($.message)' },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'SessionGone' }],
    });
  });

  it.each([
    [undefined, DEFAULT_DOUBLE_TIMEOUT_SECONDS],
    [30, 30],
  ])('polls the results table once a second, at most timeoutSeconds (%s) times, then fails with Harness.Timeout', (timeoutSeconds, polls) => {
    // Act
    const { WaitForResult, ReadResult, IsTimedOut, TimedOut } = states(timeoutSeconds);

    // Assert
    expect(WaitForResult).toEqual({ Type: 'Wait', Seconds: 1, Next: 'ReadResult' });
    expect(ReadResult).toMatchObject({
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'hx-results', Key: { invocationId: { 'S.$': '$.invocationId' } }, ConsistentRead: true },
    });
    expect(IsTimedOut).toEqual({ Type: 'Choice', Choices: [{ Variable: '$.polls', NumericGreaterThanEquals: polls, Next: 'TimedOut' }], Default: 'WaitForResult' });
    expect(TimedOut).toMatchObject({ Type: 'Fail', Error: 'Harness.Timeout' });
    expect(TimedOut?.CausePath).toMatch(/^States\.Format\('State machine double Charge sent invocation \{\} .*', \$\.invocationId, \$\.route\.Item\.session\.S\)$/);
  });

  it('ends as the handler decided: its output, its error and cause, or the wire error', () => {
    // Act
    const all = states();

    // Assert
    expect(all.ParseResult?.Parameters).toEqual({ 'value.$': 'States.StringToJson($.result.Item.result.S)' });
    expect(all.Succeeded).toEqual({ Type: 'Succeed', OutputPath: '$.answer.value.value.output' });
    expect(all.HandlerError).toEqual({ Type: 'Fail', ErrorPath: '$.answer.value.error.name', CausePath: '$.answer.value.error.message' });
    expect(all.FailedWithErrorAndCause).toEqual({ Type: 'Fail', ErrorPath: '$.answer.value.error', CausePath: '$.answer.value.cause' });
    expect(all.FailedWithError).toEqual({ Type: 'Fail', ErrorPath: '$.answer.value.error' });
    expect(all.FailedWithCause).toEqual({ Type: 'Fail', CausePath: '$.answer.value.cause' });
    expect(all.Failed).toEqual({ Type: 'Fail' });
  });
});
