import { randomUUID } from 'node:crypto';
import {
  doubleId,
  isRecord,
  PROTOCOL_VERSION,
  StatesError,
  type InvocationMessage,
  type LocalIntegrationContext,
  type LocalServiceIntegration,
  type LocalTaskInvocation,
  untilAborted,
} from '@harness/core';
import { applicationEndpoint, type StepFunctionsEndpoint, type StepFunctionsEndpointOptions } from './app-endpoint.js';
import { LocalTargetOnlyError, StateMachineMockError, TaskTokenError } from './errors.js';
import { startStepFunctionsApiEndpoint, type StepFunctionsApiEndpoint } from './sfn-endpoint.js';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './task-tokens.js';
import type { StartExecutionPattern, StateMachineInvocationPayload, StateMachineResultValue } from './wire.js';

const START_EXECUTION = /^arn:aws[\w-]*:states:::states:startExecution(\.sync:2|\.sync|\.waitForTaskToken)?$/;
const SEND_TASK = /^arn:aws[\w-]*:states:::aws-sdk:sfn:(sendTaskSuccess|sendTaskFailure|sendTaskHeartbeat)$/;
const STATE_MACHINE_ARN = /^arn:(aws[\w-]*):states:([^:]+):(\d+):stateMachine:([A-Za-z0-9_-]{1,80})(?::[^:]+)?$/;
/** How long `dispose()` lets request-response children (still running in the background) finish. */
const DISPOSE_WAIT_MS = 1_000;

const PATTERNS: Record<string, StartExecutionPattern> = {
  '': 'request-response',
  '.sync': 'sync',
  '.sync:2': 'sync:2',
  '.waitForTaskToken': 'waitForTaskToken',
};

/** The Step Functions local integration: `states:startExecution…` and `sendTask*` states, and the API for application code. */
export interface StepFunctionsLocalIntegration extends LocalServiceIntegration {
  readonly name: 'stepfunctions';
  /**
   * The Step Functions API of the local target (`StartExecution`,
   * `DescribeExecution`), for application code that starts executions itself
   * (starts the loopback endpoint on first use). `harness.stepFunctions.endpoint()` calls it.
   */
  endpoint(options?: StepFunctionsEndpointOptions): Promise<StepFunctionsEndpoint>;
  /** Lets running children and executions finish (up to 1 s), closes the endpoint and undoes `setEnvironment`. `harness.close()` calls it. */
  dispose(): Promise<void>;
}

/**
 * The Step Functions adapter's local integration:
 *
 * - `arn:aws:states:::states:startExecution` (and `.sync`, `.sync:2`,
 *   `.waitForTaskToken`): the child state machine, named by the ARN, answers
 *   through the session's dispatch as double `stepfunctions:<Name>` (a mock, or
 *   a registered definition run locally); the state's output or failure has the
 *   shape AWS gives for each pattern.
 * - `arn:aws:states:::aws-sdk:sfn:sendTaskSuccess|sendTaskFailure|sendTaskHeartbeat`:
 *   a workflow that calls back a waiting state (its own parent, usually).
 */
export function createStepFunctionsIntegration(context: LocalIntegrationContext): StepFunctionsLocalIntegration {
  const background = new Set<Promise<unknown>>();
  let endpoint: Promise<StepFunctionsApiEndpoint> | undefined;
  let disposed = false;
  /** Undoes what `setEnvironment` set, when the harness closes. */
  const restoreEnvironment: (() => void)[] = [];

  function track(work: Promise<unknown>): void {
    const tracked = work.then(
      () => undefined,
      () => undefined,
    );
    background.add(tracked);
    void tracked.then(() => background.delete(tracked));
  }

  return {
    name: 'stepfunctions',
    handles: (resource) => START_EXECUTION.test(resource) || SEND_TASK.test(resource),
    async invoke(task) {
      const sendTask = SEND_TASK.exec(task.resource);
      if (sendTask) return callBack(sendTask[1] as string, task.input);

      const pattern = PATTERNS[START_EXECUTION.exec(task.resource)?.[1] ?? ''] ?? 'request-response';
      const start = startRequest(task, pattern);
      const double = doubleId('stepfunctions', start.payload.stateMachineName);
      if (!context.isMocked(double)) {
        // As on AWS when the state machine does not exist: the state fails, and the workflow may catch it.
        throw new StatesError(
          'StepFunctions.StateMachineDoesNotExistException',
          `State Machine Does Not Exist: '${start.payload.stateMachineArn}' (Service: Sfn, Status Code: 400, Request ID: ${randomUUID()})`,
        );
      }
      const outcome = runChild(context, start.payload, start.startDate);

      const started = {
        ExecutionArn: start.payload.executionArn,
        StartDate: start.startDate,
        ...sdkMetadata(),
      };
      if (pattern === 'request-response') {
        // The child runs on while the workflow moves on, as on AWS.
        track(outcome);
        return started;
      }
      if (pattern === 'waitForTaskToken') {
        const token = task.taskToken;
        track(
          outcome.then(
            (result) => token !== undefined && task.callbacks.ended(token, `child execution ${start.payload.executionArn} ended ${result.status} without calling back`),
            (error: unknown) => token !== undefined && task.callbacks.ended(token, `child execution ${start.payload.executionArn} could not run: ${(error as Error).message}`),
          ),
        );
        return started;
      }
      task.submitted?.(started);
      const result = await untilAborted(outcome, task.signal);
      const described = describeExecution(start.payload, result, pattern);
      if (result.status === 'SUCCEEDED') return described;
      throw new StatesError('States.TaskFailed', JSON.stringify(described));
    },
    async endpoint(options = {}) {
      if (disposed) {
        throw new LocalTargetOnlyError('harness.stepFunctions.endpoint() was called after the harness closed. To fix this, call it while the harness is open.');
      }
      const started = await (endpoint ??= startStepFunctionsApiEndpoint({
        exists: (name) => context.isMocked(doubleId('stepfunctions', name)),
        start: (payload, startDate) => runChild(context, payload, startDate),
      }));
      return applicationEndpoint(started.url, options, restoreEnvironment);
    },
    async dispose() {
      disposed = true;
      const api = endpoint ? await endpoint : undefined;
      const running = [...background, ...(api?.running() ?? [])];
      try {
        await Promise.race([Promise.allSettled(running), new Promise((resolve) => setTimeout(resolve, DISPOSE_WAIT_MS).unref())]);
        await api?.close();
      } finally {
        restoreEnvironment.splice(0).reverse().forEach((restore) => restore());
      }
    },
  };
}

/** Hands one start of a child state machine to its double (`stepfunctions:<Name>`) and resolves with how it ended. */
function runChild(context: LocalIntegrationContext, payload: StateMachineInvocationPayload, startDate: number): Promise<StateMachineResultValue> {
  const message: InvocationMessage<StateMachineInvocationPayload> = {
    v: PROTOCOL_VERSION,
    invocationId: randomUUID(),
    double: doubleId('stepfunctions', payload.stateMachineName),
    session: context.session,
    payload,
    sentAt: new Date(startDate).toISOString(),
  };
  return context.dispatch(message).then((result) => {
    if (result.status === 'error') {
      throw new StateMachineMockError(
        `The handler of state machine double ${payload.stateMachineName} failed (${result.error.name}: ${result.error.message}). ` +
          'To fix this, make the handler return the child\'s output, or throw failExecution(error, cause) to fail the child.',
      );
    }
    return checkResult(result.value, payload.stateMachineName);
  });
}

function startRequest(task: LocalTaskInvocation, pattern: StartExecutionPattern): { payload: StateMachineInvocationPayload; startDate: number } {
  const request = isRecord(task.input) ? task.input : {};
  const arn = request.StateMachineArn;
  const parsed = typeof arn === 'string' ? STATE_MACHINE_ARN.exec(arn) : null;
  if (!parsed) {
    throw new StatesError('SFN.InvalidArnException', `Invalid Arn: 'Resource type not valid in this context: ${typeof arn === 'string' ? arn : String(arn)}'`);
  }
  const [, partition, region, account, stateMachineName] = parsed as unknown as [string, string, string, string, string];
  const executionName = typeof request.Name === 'string' ? request.Name : randomUUID();
  return {
    startDate: Date.now(),
    payload: {
      stateMachineArn: arn as string,
      stateMachineName,
      executionArn: `arn:${partition}:states:${region}:${account}:execution:${stateMachineName}:${executionName}`,
      executionName,
      input: childInput(request.Input),
      pattern,
      ...(task.taskToken !== undefined ? { taskToken: task.taskToken } : {}),
      parent: { executionArn: task.execution.arn, stateName: task.stateName },
    },
  };
}

/** StartExecution's `Input`: JSON text or (in a state's Parameters) an object; absent means `{}`. */
function childInput(input: unknown): unknown {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input);
  } catch {
    throw new StatesError('SFN.InvalidExecutionInputException', `Invalid State Machine Execution Input: '${input.slice(0, 200)}'`);
  }
}

function checkResult(value: unknown, name: string): StateMachineResultValue {
  if (isRecord(value) && typeof value.status === 'string' && typeof value.startDate === 'number' && typeof value.stopDate === 'number') {
    return value as unknown as StateMachineResultValue;
  }
  throw new StateMachineMockError(
    `State machine double ${name} answered ${JSON.stringify(value)?.slice(0, 200)}, not a child execution result. ` +
      'To fix this, register it with harness.stepFunctions.mockStateMachine or registerDefinition (not session.register directly).',
  );
}


/**
 * The child as `DescribeExecution` reports it, the way `.sync` hands it to
 * the parent: `Input` / `Output` as JSON text (`.sync`) or parsed (`.sync:2`),
 * dates as epoch milliseconds, `Error` / `Cause` when the child did not succeed.
 */
export function describeExecution(payload: StateMachineInvocationPayload, result: StateMachineResultValue, pattern: StartExecutionPattern): Record<string, unknown> {
  const asText = pattern !== 'sync:2';
  const described: Record<string, unknown> = {
    ExecutionArn: payload.executionArn,
    Input: asText ? JSON.stringify(payload.input) : payload.input,
    InputDetails: { Included: true },
    Name: payload.executionName,
  };
  if (result.status === 'SUCCEEDED') {
    const output = result.output === undefined ? null : result.output;
    described.Output = asText ? JSON.stringify(output) : output;
    described.OutputDetails = { Included: true };
  }
  described.StartDate = result.startDate;
  described.StateMachineArn = payload.stateMachineArn;
  described.Status = result.status;
  described.StopDate = result.stopDate;
  if (result.error !== undefined) described.Error = result.error;
  if (result.cause !== undefined) described.Cause = result.cause;
  return described;
}

/** The SDK metadata request-response outputs carry on AWS (the values are the harness's own). */
function sdkMetadata(): Record<string, unknown> {
  const requestId = randomUUID();
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: { 'x-amzn-RequestId': [requestId], 'Content-Type': ['application/x-amz-json-1.0'] },
      HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** `aws-sdk:sfn:sendTask*`: a workflow calling back a waiting state. Output `{}`, as the SDK call returns. */
function callBack(action: string, input: unknown): Record<string, never> {
  const request = isRecord(input) ? input : {};
  const token = request.TaskToken;
  if (typeof token !== 'string' || token === '') {
    throw new StatesError('Sfn.InvalidTokenException', 'Invalid Token: TaskToken is missing');
  }
  try {
    if (action === 'sendTaskSuccess') {
      const output = request.Output;
      let parsed: unknown = output;
      if (typeof output === 'string') {
        try {
          parsed = JSON.parse(output);
        } catch {
          throw new StatesError('Sfn.InvalidOutputException', `Invalid Output: '${output.slice(0, 200)}'`);
        }
      }
      sendTaskSuccess(token, parsed);
    } else if (action === 'sendTaskFailure') {
      sendTaskFailure(token, {
        ...(typeof request.Error === 'string' ? { error: request.Error } : {}),
        ...(typeof request.Cause === 'string' ? { cause: request.Cause } : {}),
      });
    } else {
      sendTaskHeartbeat(token);
    }
  } catch (error) {
    if (error instanceof TaskTokenError) throw new StatesError('Sfn.TaskTimedOutException', 'Task Timed Out');
    throw error;
  }
  return {};
}
