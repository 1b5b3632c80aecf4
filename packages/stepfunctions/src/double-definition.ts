import { doubleId, PROTOCOL_VERSION, TABLE_KEYS, type CoreResources } from '@harness/core';
import type { AslDefinition, AslState } from './definition.js';

/** How long a state machine double waits for its session's answer when the config does not say. */
export const DEFAULT_DOUBLE_TIMEOUT_SECONDS = 300;

/**
 * The input field a workflow puts the task token in when it starts a double
 * with `states:startExecution.waitForTaskToken`
 * (`"Input": { "TaskToken.$": "$$.Task.Token", … }`): the handler receives it as `taskToken`.
 */
export const TASK_TOKEN_INPUT_FIELD = 'TaskToken';

/**
 * The input field workflows use to pass their own execution ARN to a child
 * (`"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"`; AWS
 * does not add it): the handler receives it as `parent.executionArn`.
 */
export const PARENT_EXECUTION_INPUT_FIELD = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

/** Errors a state machine double fails with when the harness itself could not answer. */
export const DOUBLE_ERRORS = {
  /** No test session has mocked the double (no route), its route has expired, or the routed session's queue is gone. */
  noRoute: 'Harness.NoRoute',
  /** The session did not answer within the double's timeout. */
  timeout: 'Harness.Timeout',
} as const;

export interface StateMachineDoubleDefinitionOptions {
  /** The state machine's name, as the workflows under test start it. */
  readonly name: string;
  /** The deployed core tables (routes and results). */
  readonly core: Pick<CoreResources, 'routesTable' | 'resultsTable'>;
  /** How long to wait for the session's answer; one poll per second. Default {@link DEFAULT_DOUBLE_TIMEOUT_SECONDS}. */
  readonly timeoutSeconds?: number;
}

/**
 * The Amazon States Language of a state machine double: it reads its route
 * (consistent read), sends the invocation to the routed session's queue,
 * polls the results table once a second, and ends as the handler decided:
 * succeeds with its output, or fails with its error and cause.
 *
 * Only states, service integrations (`dynamodb:getItem`, `sqs:sendMessage`)
 * and intrinsic functions that both AWS and moto's execution engine run.
 *
 * @example
 * const definition = stateMachineDoubleDefinition({ name: 'Charge', core: { routesTable, resultsTable } });
 * JSON.stringify(definition); // the DefinitionString of the Charge double
 */
export function stateMachineDoubleDefinition(options: StateMachineDoubleDefinitionOptions): AslDefinition {
  const { name, core } = options;
  const double = doubleId('stepfunctions', name);
  const maxPolls = Math.max(1, Math.ceil(options.timeoutSeconds ?? DEFAULT_DOUBLE_TIMEOUT_SECONDS));

  const message = (withToken: boolean): Record<string, unknown> => ({
    v: PROTOCOL_VERSION,
    'invocationId.$': '$.invocationId',
    double,
    'session.$': '$.route.Item.session.S',
    payload: {
      'stateMachineArn.$': '$$.StateMachine.Id',
      stateMachineName: name,
      'executionArn.$': '$$.Execution.Id',
      'executionName.$': '$$.Execution.Name',
      'input.$': '$$.Execution.Input',
      // The double cannot see whether its parent waits (.sync) or not: only a token tells.
      pattern: withToken ? 'waitForTaskToken' : 'request-response',
      ...(withToken ? { 'taskToken.$': `$.input.${TASK_TOKEN_INPUT_FIELD}` } : {}),
      'parent.$': '$.parent',
    },
    'sentAt.$': '$$.State.EnteredTime',
  });

  /** The handler's FAILED answer, with the error and cause it gave (a Fail state cannot read a path that is absent). */
  const failed = (error: boolean, cause: boolean): AslState => ({
    Type: 'Fail',
    ...(error ? { ErrorPath: '$.answer.value.error' } : {}),
    ...(cause ? { CausePath: '$.answer.value.cause' } : {}),
  });
  const present = (path: string) => ({ Variable: path, IsPresent: true });
  const isString = (path: string) => ({ And: [present(path), { Variable: path, IsString: true }] });

  return {
    Comment: `harness double of state machine ${name}: forwards each execution to the test session that mocks ${double}`,
    StartAt: 'Begin',
    States: {
      Begin: {
        Type: 'Pass',
        Parameters: {
          'invocationId.$': 'States.UUID()',
          'input.$': '$$.Execution.Input',
          // What the route's expiry is compared with: ASL has no epoch-seconds clock, so routes carry an ISO copy.
          'startedAt.$': '$$.State.EnteredTime',
          polls: 0,
          parent: { executionArn: '', stateName: '' },
        },
        Next: 'ReadRoute',
      },
      ReadRoute: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: {
          TableName: core.routesTable,
          Key: { double: { S: double } },
          ConsistentRead: true,
        },
        ResultPath: '$.route',
        Next: 'IsRouted',
      },
      IsRouted: {
        Type: 'Choice',
        Choices: [
          {
            // Both are ISO-8601 UTC, so string order is time order (to the second, whatever the fraction digits).
            And: [
              isString('$.route.Item.queueUrl.S'),
              isString(`$.route.Item.${TABLE_KEYS.routeExpiryIso}.S`),
              { Variable: `$.route.Item.${TABLE_KEYS.routeExpiryIso}.S`, StringLessThanEqualsPath: '$.startedAt' },
            ],
            Next: 'RouteExpired',
          },
          { ...isString('$.route.Item.queueUrl.S'), Next: 'FindParent' },
        ],
        Default: 'NoRoute',
      },
      RouteExpired: {
        Type: 'Fail',
        Error: DOUBLE_ERRORS.noRoute,
        CausePath: `States.Format('State machine double ${name} is routed to test session {}, whose route expired at {} (the session has probably ended without releasing it). To fix this, mock ${name} with harness.stepFunctions.mockStateMachine in a live test session on the aws target.', $.route.Item.session.S, $.route.Item.${TABLE_KEYS.routeExpiryIso}.S)`,
      },
      NoRoute: {
        Type: 'Fail',
        Error: DOUBLE_ERRORS.noRoute,
        Cause:
          `No test session has mocked state machine ${name} (double ${double}; no route in table ${core.routesTable}). ` +
          `To fix this, call harness.stepFunctions.mockStateMachine('${name}', handler) in a test session on the aws target before the workflow starts ${name}.`,
      },
      FindParent: {
        Type: 'Choice',
        Choices: [{ ...isString(`$.input.${PARENT_EXECUTION_INPUT_FIELD}`), Next: 'SetParent' }],
        Default: 'FindTaskToken',
      },
      SetParent: {
        Type: 'Pass',
        Parameters: { [`executionArn.$`]: `$.input.${PARENT_EXECUTION_INPUT_FIELD}`, stateName: '' },
        ResultPath: '$.parent',
        Next: 'FindTaskToken',
      },
      FindTaskToken: {
        Type: 'Choice',
        Choices: [{ ...isString(`$.input.${TASK_TOKEN_INPUT_FIELD}`), Next: 'PrepareCallbackInvocation' }],
        Default: 'PrepareInvocation',
      },
      PrepareCallbackInvocation: { Type: 'Pass', Parameters: message(true), ResultPath: '$.message', Next: 'SendInvocation' },
      PrepareInvocation: { Type: 'Pass', Parameters: message(false), ResultPath: '$.message', Next: 'SendInvocation' },
      SendInvocation: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: {
          'QueueUrl.$': '$.route.Item.queueUrl.S',
          'MessageBody.$': 'States.JsonToString($.message)',
        },
        ResultPath: null,
        // A route whose session died without releasing it: its queue is gone.
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.sendError', Next: 'SessionGone' }],
        Next: 'WaitForResult',
      },
      SessionGone: {
        Type: 'Fail',
        Error: DOUBLE_ERRORS.noRoute,
        CausePath: `States.Format('State machine double ${name} is routed to test session {}, whose queue did not take the invocation (the session has probably ended without releasing its route; the route expires on its own). To fix this, mock ${name} again in a live session.', $.route.Item.session.S)`,
      },
      WaitForResult: { Type: 'Wait', Seconds: 1, Next: 'ReadResult' },
      ReadResult: {
        Type: 'Task',
        Resource: 'arn:aws:states:::dynamodb:getItem',
        Parameters: {
          TableName: core.resultsTable,
          Key: { invocationId: { 'S.$': '$.invocationId' } },
          ConsistentRead: true,
        },
        ResultPath: '$.result',
        Next: 'IsAnswered',
      },
      IsAnswered: {
        Type: 'Choice',
        Choices: [{ ...isString('$.result.Item.result.S'), Next: 'ParseResult' }],
        Default: 'CountPoll',
      },
      CountPoll: {
        Type: 'Pass',
        Parameters: { 'polls.$': 'States.MathAdd($.polls, 1)' },
        ResultPath: '$.count',
        Next: 'StoreCount',
      },
      StoreCount: {
        Type: 'Pass',
        InputPath: '$.count.polls',
        ResultPath: '$.polls',
        Next: 'IsTimedOut',
      },
      IsTimedOut: {
        Type: 'Choice',
        Choices: [{ Variable: '$.polls', NumericGreaterThanEquals: maxPolls, Next: 'TimedOut' }],
        Default: 'WaitForResult',
      },
      TimedOut: {
        Type: 'Fail',
        Error: DOUBLE_ERRORS.timeout,
        CausePath: `States.Format('State machine double ${name} sent invocation {} to test session {} and got no answer within ${maxPolls} s. To fix this, make the handler answer sooner, or raise adapters.stepfunctions.stateMachines.${name}.timeoutSeconds and redeploy.', $.invocationId, $.route.Item.session.S)`,
      },
      ParseResult: {
        Type: 'Pass',
        Parameters: { 'value.$': 'States.StringToJson($.result.Item.result.S)' },
        ResultPath: '$.answer',
        Next: 'Outcome',
      },
      Outcome: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.answer.value.status', StringEquals: 'error', Next: 'HandlerError' },
          {
            And: [
              { Variable: '$.answer.value.status', StringEquals: 'ok' },
              present('$.answer.value.value.status'),
              { Variable: '$.answer.value.value.status', StringEquals: 'SUCCEEDED' },
            ],
            Next: 'Succeeded',
          },
        ],
        Default: 'FailureDetails',
      },
      HandlerError: {
        Type: 'Fail',
        ErrorPath: '$.answer.value.error.name',
        CausePath: '$.answer.value.error.message',
      },
      Succeeded: { Type: 'Succeed', OutputPath: '$.answer.value.value.output' },
      FailureDetails: {
        Type: 'Pass',
        InputPath: '$.answer.value.value',
        ResultPath: '$.answer.value',
        Next: 'FailureKind',
      },
      FailureKind: {
        Type: 'Choice',
        Choices: [
          { And: [isString('$.answer.value.error'), isString('$.answer.value.cause')], Next: 'FailedWithErrorAndCause' },
          { ...isString('$.answer.value.error'), Next: 'FailedWithError' },
          { ...isString('$.answer.value.cause'), Next: 'FailedWithCause' },
        ],
        Default: 'Failed',
      },
      FailedWithErrorAndCause: failed(true, true),
      FailedWithError: failed(true, false),
      FailedWithCause: failed(false, true),
      Failed: failed(false, false),
    },
  };
}
