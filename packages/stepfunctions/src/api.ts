import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import {
  endpointIntegration,
  adapterStackName,
  AlreadyMockedError,
  checkFailure,
  checkHandler,
  doubleId,
  HarnessError,
  RecordingMock,
  RESULT_LIMITS,
  ResultTooLargeError,
  runAnswer,
  StatesError,
  type AdapterSession,
  type CallAnswer,
  type MockAnswer,
  type InvocationMessage,
  type LocalServiceIntegration,
  type LocalTaskInvocation,
  type Mutable,
  type WaitForInvocationOptions,
} from '@harness/core';
import { sendTaskCallbackOnAws, type TaskCallback } from './aws-callbacks.js';
import { executeOnAws, resolveStateMachineArn } from './aws-driver.js';
import { deployedDefinition, recordForCoverage } from './graph/record.js';
import type { StepFunctionsEndpoint, StepFunctionsEndpointOptions } from './app-endpoint.js';
import { STATE_MACHINE_NAME, type StepFunctionsConfig } from './config.js';
import type { StepFunctionsLocalIntegration } from './integration.js';
import { loadDefinition, type AslDefinition, type DefinitionSource, type LoadDefinitionOptions } from './definition.js';
import { LocalTargetOnlyError, StateMachineMockError, StepFunctionsError, UnknownStateMachineError } from './errors.js';
import { attachDefinition, runLocalExecution, type Execution, type ExecutionStatus, type RunLocalExecutionOptions } from './local-runner.js';
import { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './task-tokens.js';
import { awsS3Objects, localS3Objects, type S3ObjectsApi } from './s3.js';
import { loadSfnSdk } from './sfn-sdk.js';
import { stateMachineArnOutputKey } from './template.js';
import type { StartExecutionPattern, StateMachineInvocationPayload, StateMachineResultValue } from './wire.js';

const DEFAULT_REGION_ACCOUNT = 'us-east-1:123456789012';

/** One start of a mocked state machine, as its handler receives it. */
export interface StateMachineInvocation {
  readonly invocationId: string;
  /** The child execution's input (parsed). */
  readonly input: unknown;
  /** The child execution's name. */
  readonly name: string;
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  /** How the parent started it: request-response, `.sync`, `.sync:2` or `.waitForTaskToken`. */
  readonly pattern: StartExecutionPattern;
  /** For `.waitForTaskToken`: the token to call back with (`sendTaskSuccess(taskToken, output)`). */
  readonly taskToken?: string;
  /** The execution and state that started it. */
  readonly parent: { readonly executionArn: string; readonly stateName: string };
  readonly sentAt: Date;
}

/**
 * Decides how a mocked child execution ends: return its output, or throw to
 * fail it (`failExecution('Order.Rejected', 'out of stock')`, which throws; any other
 * error fails it with the error's name and message).
 */
export type StateMachineHandler = (invocation: StateMachineInvocation) => unknown;

/** A recorded start of a mocked state machine; `status` is set when the handler has answered. */
export interface RecordedStateMachineInvocation extends StateMachineInvocation {
  readonly status?: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** A mocked state machine: what it was started with, and a bounded wait for more. */
export interface StateMachineMock {
  readonly name: string;
  readonly invocations: readonly RecordedStateMachineInvocation[];
  /** Errors the handler threw, and answers Step Functions would refuse (output over 256 KiB, a failure's error over 256 characters…); each failed its execution. */
  readonly errors: readonly Error[];
  waitForInvocation(options?: WaitForInvocationOptions<RecordedStateMachineInvocation>): Promise<RecordedStateMachineInvocation>;
  /** Forgets recorded invocations and errors; the handler and queued answers stay. */
  clear(): void;
  /** Forgets recorded invocations and errors and drops unused `once` / `onCall` answers; the handler stays, the state machine stays mocked. */
  reset(): void;
  /** How many `once` / `onCall` answers are still waiting for their execution. */
  readonly pendingAnswers: number;
  /**
   * Queues the answer of one execution, used before the handler: its output, a
   * handler, or an `Error` (the execution fails: `failExecution`'s error and
   * cause, else the error's name and message). Returns the mock.
   *
   * @example
   * notify.once(new StatesError('Notify.Unavailable', 'try later')).once({ sent: true });
   */
  once(answer: MockAnswer<StateMachineHandler>): this;
  /**
   * The answer of the execution at index `call` (0 for the first, over `invocations`), before queued `once` answers.
   *
   * @example
   * notify.onCall(1).answer({ sent: false });
   */
  onCall(call: number): CallAnswer<MockAnswer<StateMachineHandler>, this>;
  /**
   * Replaces the handler: later executions run it; what was recorded stays.
   * Mocking the state machine again instead is refused (`AlreadyMockedError`).
   */
  replaceHandler(handler: StateMachineHandler): void;
  /** Stops mocking: a registered definition of the same name runs again, else starting it fails. */
  restore(): Promise<void>;
}

/** A `Task` state that a {@link ServiceHandler} answers. */
export interface ServiceTask {
  readonly resource: string;
  readonly stateName: string;
  /** For `.waitForTaskToken` resources: call back with `sendTaskSuccess(taskToken, output)` / `sendTaskFailure`. */
  readonly taskToken?: string;
  readonly execution: LocalTaskInvocation['execution'];
  /** Aborted when the execution no longer needs the task. */
  readonly signal: AbortSignal;
}

/**
 * Answers a `Task` state of a mocked resource: return the state's result, or
 * throw a `StatesError` to fail it (any other error fails it with the error's
 * name and message). For a `.waitForTaskToken` resource the result is ignored
 * and the state waits for the callback.
 */
export type ServiceHandler = (input: unknown, task: ServiceTask) => unknown;

/** A recorded `Task` state of a mocked resource; `output` / `error` are set when the handler has answered. */
export interface RecordedServiceInvocation {
  readonly input: unknown;
  readonly resource: string;
  readonly stateName: string;
  readonly taskToken?: string;
  readonly execution: LocalTaskInvocation['execution'];
  readonly receivedAt: Date;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** A mocked service resource. */
export interface ServiceMock {
  readonly resource: string;
  readonly invocations: readonly RecordedServiceInvocation[];
  /** Errors the handler threw (a `StatesError` included); each failed its `Task` state. */
  readonly errors: readonly Error[];
  waitForInvocation(options?: WaitForInvocationOptions<RecordedServiceInvocation>): Promise<RecordedServiceInvocation>;
  /** Forgets recorded invocations and errors; the handler and queued answers stay. */
  clear(): void;
  /** Forgets recorded invocations and errors and drops unused `once` / `onCall` answers; the handler stays. */
  reset(): void;
  /** How many `once` / `onCall` answers are still waiting for their `Task` state. */
  readonly pendingAnswers: number;
  /**
   * Queues the answer of one `Task` state of the resource, used before the
   * handler: the state's result, a handler, or an `Error` (a `StatesError`
   * fails the state with its error and cause).
   *
   * @example
   * queue.once(new StatesError('SQS.ThrottlingException', 'slow down')).once({ MessageId: 'm-2' });
   */
  once(answer: MockAnswer<ServiceHandler>): this;
  /** The answer of the `Task` state at index `call` (0 for the first), before queued `once` answers. */
  onCall(call: number): CallAnswer<MockAnswer<ServiceHandler>, this>;
  /** Replaces the handler; mocking the resource again instead is refused (`AlreadyMockedError`). */
  replaceHandler(handler: ServiceHandler): void;
  /** Stops mocking the resource. */
  restore(): Promise<void>;
}

/** How {@link StepFunctionsApi.execute} (and registered children) run: the local runner's options, see {@link RunLocalExecutionOptions}. */
export interface RunOptions
  extends Pick<RunLocalExecutionOptions, 'name' | 'callbackTimeoutMs' | 'clock' | 'signal'> {
  /** The state machine ARN (`$$.StateMachine.Id`). Default: one named after the registered name or file. */
  readonly stateMachineArn?: string;
}

/** How `execute` waits on the aws target. */
export interface AwsExecuteOptions {
  /** aws target: how long to wait for the execution to end before rejecting with `ExecutionWaitTimeoutError`. Default 300 000. */
  readonly timeoutMs?: number;
  /** aws target: stop the execution (StopExecution) when the wait times out. Default false: it is left running. */
  readonly stopOnTimeout?: boolean;
}

export type ExecuteOptions = RunOptions & LoadDefinitionOptions & AwsExecuteOptions;
export type RegisterDefinitionOptions = Omit<RunOptions, 'name' | 'signal'> & LoadDefinitionOptions;

/** `harness.stepFunctions`: run workflows locally, mock the state machines and services they call. */
export interface StepFunctionsApi {
  /**
   * Mocks a state machine the workflow starts (`states:startExecution…`,
   * named by its ARN's last part). On the aws target the name must be one of
   * `adapters.stepfunctions.stateMachines`, deployed: its double forwards each
   * execution here (`pattern` is `waitForTaskToken` when the input carries a
   * `TaskToken`, else `request-response`; `parent.executionArn` comes from the
   * input's `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID`, `parent.stateName` is empty).
   *
   * @example
   * const notify = await harness.stepFunctions.mockStateMachine('NotifyCustomer', ({ input }) => ({ sent: true }));
   * await harness.stepFunctions.mockStateMachine('Charge', () => failExecution('Card.Declined', 'insufficient funds'));
   */
  mockStateMachine(name: string, handler: StateMachineHandler): Promise<StateMachineMock>;
  /**
   * Mocks any `Task` resource no adapter handles (SQS, SNS, DynamoDB, `aws-sdk:*`…), or overrides one that does.
   *
   * @example
   * harness.stepFunctions.mockService('arn:aws:states:::sqs:sendMessage', (input) => ({ MessageId: 'm-1' }));
   */
  mockService(resource: string, handler: ServiceHandler): ServiceMock;
  /**
   * Makes a definition runnable by name: by `execute(name)`, and as a child
   * state machine the workflow starts (when not mocked).
   *
   * @example
   * harness.stepFunctions.registerDefinition('OrderFlow', './infrastructure/template.json', { stateMachine: 'OrderFlow' });
   */
  registerDefinition(name: string, source: DefinitionSource, options?: RegisterDefinitionOptions): void;
  /**
   * Runs a workflow on the local target: a registered name, a path to a
   * definition / template file, or a definition object. On the aws target:
   * a deployed state machine, by name, ARN or stack output key.
   *
   * @example
   * const run = await harness.stepFunctions.execute('OrderFlow', { orderId: 'o-1' });
   * expect(run.status).toBe('SUCCEEDED');
   */
  execute(nameOrDefinition: string | AslDefinition, input?: unknown, options?: ExecuteOptions): Promise<Execution>;
  /**
   * `SendTaskSuccess`, for tests that play the worker of a `.waitForTaskToken` state (locally, to the
   * interpreter; on the aws target, to Step Functions, e.g. with the `taskToken` a state machine double received).
   * Rejects with `TaskCallbackError` when Step Functions refuses the token.
   */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<void>;
  /** `SendTaskFailure`: the state fails with `error` and `cause` verbatim. */
  sendTaskFailure(taskToken: string, failure?: { readonly error?: string; readonly cause?: string }): Promise<void>;
  /** `SendTaskHeartbeat`: restarts the state's `HeartbeatSeconds` clock. */
  sendTaskHeartbeat(taskToken: string): Promise<void>;
  /**
   * The S3 objects distributed Map states read (ItemReader) and write
   * (ResultWriter): an in-memory double on the local target, shared by the
   * session's executions; the real buckets on the aws target.
   *
   * @example
   * await harness.stepFunctions.s3.putObject('orders', 'orders.json', [{ orderId: 'o-1' }, { orderId: 'o-2' }]);
   * const run = await harness.stepFunctions.execute('BatchFlow', {});
   * const manifest = await harness.stepFunctions.s3.getJson('results', 'run/…/manifest.json');
   */
  readonly s3: S3ObjectsApi;
  /**
   * The local target's Step Functions API (`StartExecution`,
   * `DescribeExecution`), for application code that starts executions itself
   * with `@aws-sdk/client-sfn`: a loopback endpoint where a state machine ARN's
   * last part names a registered definition (run locally) or a mocked state
   * machine. Local target only.
   *
   * @example
   * const sfn = new SFNClient((await harness.stepFunctions.endpoint()).clientConfig);
   * await harness.stepFunctions.endpoint({ setEnvironment: true }); // or: `new SFNClient({})` finds it through AWS_ENDPOINT_URL_SFN
   */
  endpoint(options?: StepFunctionsEndpointOptions): Promise<StepFunctionsEndpoint>;
}

/**
 * Fails a mocked child execution (or a mocked service task) with `error` and
 * `cause`, as AWS reports them. Throw what it returns, or let it throw.
 *
 * @example
 * await harness.stepFunctions.mockStateMachine('Charge', () => failExecution('Card.Declined', 'insufficient funds'));
 */
export function failExecution(error: string, cause?: string): never {
  // A failure's error ≤ 256 and cause ≤ 32,768 characters, as Step Functions records them (InvalidFailureError otherwise).
  checkFailure({ error, cause }, 'failExecution(error, cause)', 'the execution failure');
  throw new StatesError(error, cause);
}


class MachineMock extends RecordingMock<RecordedStateMachineInvocation, StateMachineHandler> implements StateMachineMock {
  constructor(
    readonly name: string,
    public handler: StateMachineHandler,
    release: () => Promise<void>,
    session: AdapterSession,
  ) {
    super(`State machine double ${name}`, release, session);
  }

  replaceHandler(handler: StateMachineHandler): void {
    checkHandler(handler, doubleId('stepfunctions', this.name), `mock.replaceHandler(handler) of state machine double ${this.name}`);
    this.handler = handler;
  }

  /** An output answer is the execution's output: refuse, at the test's line, one that is not JSON or over 256 KiB. */
  protected override checkAnswer(answer: MockAnswer<StateMachineHandler>, where: string): void {
    if (typeof answer === 'function' || answer instanceof Error) return;
    checkExecutionOutput(jsonValue(answer, `${where} of state machine double ${this.name}`), this.name);
  }

  async handle(message: InvocationMessage<StateMachineInvocationPayload>): Promise<StateMachineResultValue> {
    const payload = message.payload;
    const invocation: StateMachineInvocation = {
      invocationId: message.invocationId,
      input: payload.input,
      name: payload.executionName,
      executionArn: payload.executionArn,
      stateMachineArn: payload.stateMachineArn,
      stateMachineName: payload.stateMachineName,
      pattern: payload.pattern,
      ...(payload.taskToken !== undefined ? { taskToken: payload.taskToken } : {}),
      parent: payload.parent,
      sentAt: new Date(message.sentAt),
    };
    const record: Mutable<RecordedStateMachineInvocation> = { ...invocation };
    const taken = this.takeAnswer('', this.invocations.length);
    this.log.record(record);
    const startDate = Date.parse(message.sentAt);
    const fail = (failure: { error?: string; cause?: string }): StateMachineResultValue => {
      const { error, cause } = failure;
      record.status = 'FAILED';
      if (error !== undefined) record.error = error;
      if (cause !== undefined) record.cause = cause;
      return { status: 'FAILED', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}), startDate, stopDate: Date.now() };
    };
    let output: unknown;
    try {
      const returned = taken ? await runAnswer(taken.answer, [invocation]) : await this.handler(invocation);
      output = jsonValue(returned, `The ${taken ? `${taken.source} answer` : 'handler'} of state machine double ${this.name}`);
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      let failure = failureOf(thrown);
      try {
        checkFailure(failure, doubleId('stepfunctions', this.name), 'the failed execution');
      } catch (invalid) {
        // A StatesError built by hand (not failExecution) with an error or cause Step Functions would not record: fail with the check instead.
        this.errors.push(invalid as Error);
        failure = failureOf(invalid);
        return fail(failure);
      }
      this.errors.push(error);
      return fail(failure);
    }
    try {
      checkExecutionOutput(output, this.name);
    } catch (tooLarge) {
      // An execution whose output is over 256 KiB fails with States.DataLimitExceeded (Step Functions quotas, payload size).
      this.errors.push(tooLarge as Error);
      return fail({ error: 'States.DataLimitExceeded', cause: (tooLarge as Error).message });
    }
    record.status = 'SUCCEEDED';
    record.output = output;
    return { status: 'SUCCEEDED', output, startDate, stopDate: Date.now() };
  }
}

/**
 * Step Functions' 256 KiB limit on an execution's output (UTF-8 JSON):
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html (payload size);
 * over it, the execution fails with `States.DataLimitExceeded`.
 */
function checkExecutionOutput(output: unknown, name: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(output) ?? 'null', 'utf8');
  if (bytes > RESULT_LIMITS.stepFunctionsPayloadBytes) {
    throw new ResultTooLargeError(
      doubleId('stepfunctions', name),
      'the execution output',
      bytes,
      RESULT_LIMITS.stepFunctionsPayloadBytes,
      "Step Functions' execution output (256 KiB; the execution fails with States.DataLimitExceeded)",
      'return less (e.g. a reference to data stored elsewhere, such as an S3 key).',
    );
  }
}

class ResourceMock extends RecordingMock<RecordedServiceInvocation, ServiceHandler> implements ServiceMock {
  constructor(
    readonly resource: string,
    public handler: ServiceHandler,
    release: () => Promise<void>,
    session: AdapterSession,
  ) {
    super(`Mocked service ${resource}`, release, session);
  }

  replaceHandler(handler: ServiceHandler): void {
    checkHandler(handler, `service ${this.resource}`, `mock.replaceHandler(handler) of mocked service ${this.resource}`);
    this.handler = handler;
  }

  protected override checkAnswer(answer: MockAnswer<ServiceHandler>, where: string): void {
    if (typeof answer === 'function' || answer instanceof Error) return;
    jsonValue(answer, `${where} of mocked service ${this.resource}`);
  }

  async invoke(task: LocalTaskInvocation): Promise<unknown> {
    const record: Mutable<RecordedServiceInvocation> = {
      input: task.input,
      resource: task.resource,
      stateName: task.stateName,
      ...(task.taskToken !== undefined ? { taskToken: task.taskToken } : {}),
      execution: task.execution,
      receivedAt: new Date(),
    };
    const taken = this.takeAnswer('', this.invocations.length);
    this.log.record(record);
    let output: unknown;
    try {
      const serviceTask: ServiceTask = {
        resource: task.resource,
        stateName: task.stateName,
        ...(task.taskToken !== undefined ? { taskToken: task.taskToken } : {}),
        execution: task.execution,
        signal: task.signal,
      };
      output = jsonValue(
        taken ? await runAnswer(taken.answer, [task.input, serviceTask]) : await this.handler(task.input, serviceTask),
        `The ${taken ? `${taken.source} answer` : 'handler'} of mockService ${this.resource}`,
      );
    } catch (thrown) {
      this.errors.push(thrown instanceof Error ? thrown : new Error(String(thrown)));
      if (thrown instanceof HarnessError && !(thrown instanceof StatesError)) throw thrown;
      const { error, cause } = failureOf(thrown);
      if (error !== undefined) record.error = error;
      if (cause !== undefined) record.cause = cause;
      throw thrown instanceof StatesError ? thrown : new StatesError(error ?? 'Error', cause);
    }
    record.output = output;
    if (task.taskToken !== undefined) {
      // A callback resource: the handler's result is not the state's. If it has not called back, nothing will.
      task.callbacks.ended(task.taskToken, `the mockService handler for ${this.resource} returned without calling sendTaskSuccess / sendTaskFailure`);
    }
    return output;
  }
}

function failureOf(thrown: unknown): { error?: string; cause?: string } {
  if (thrown instanceof StatesError) return { error: thrown.error, ...(thrown.cause !== undefined ? { cause: thrown.cause } : {}) };
  if (thrown instanceof Error) return { error: thrown.name, cause: thrown.message };
  return { error: 'Error', cause: String(thrown) };
}

function jsonValue(value: unknown, what: string): unknown {
  if (value === undefined) return null;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : JSON.parse(text);
  } catch (error) {
    throw new StateMachineMockError(`${what} returned a value that is not JSON (${(error as Error).message}). To fix this, return plain JSON data.`);
  }
}

function defaultStateMachineArn(name: string): string {
  return `arn:aws:states:${DEFAULT_REGION_ACCOUNT}:stateMachine:${name}`;
}

/**
 * Builds `harness.stepFunctions` for one session.
 *
 * @example
 * const api = createStepFunctionsApi(session, parseStepFunctionsConfig({}));
 */
export function createStepFunctionsApi(session: AdapterSession, _config: StepFunctionsConfig): StepFunctionsApi {
  const machines = new Map<string, MachineMock>();
  const definitions = new Map<string, { definition: AslDefinition; options: RegisterDefinitionOptions }>();
  const doubles = new Map<string, Promise<void>>();
  const services = new Map<string, ResourceMock>();
  const s3 = session.target === 'aws' ? awsS3Objects() : localS3Objects();

  const serviceIntegration: LocalServiceIntegration = {
    name: 'stepfunctions.mockService',
    handles: (resource) => services.has(resource),
    invoke: (task) => {
      const mock = services.get(task.resource);
      if (!mock) throw new StepFunctionsError(`Mocked service ${task.resource} was restored while Task state "${task.stateName}" ran it.`);
      return mock.invoke(task);
    },
  };

  function integrations(): readonly LocalServiceIntegration[] {
    return [serviceIntegration, ...session.integrations()];
  }

  function localOnly(action: string): void {
    if (session.target !== 'local') {
      throw new LocalTargetOnlyError(
        `Cannot ${action} on the aws target: the deployed workflow calls the real service there. ` +
          'To fix this, run this test on the local target (createHarness({ target: \'local\' }), the default), or deploy a double the workflow calls instead (mockStateMachine, harness.lambda, harness.ecs).',
      );
    }
  }

  /** aws target: one Step Functions client for the session's executions and callbacks, made on first use. */
  let sfn: Promise<SFNClient> | undefined;
  const sfnClient = (): Promise<SFNClient> => (sfn ??= loadSfnSdk().then((sdk) => new sdk.SFNClient({})));

  /** A callback for a `.waitForTaskToken` state: to the local interpreter, or to Step Functions on the aws target. */
  async function callback(taskToken: string, sent: TaskCallback): Promise<void> {
    if (session.target === 'aws') return sendTaskCallbackOnAws(taskToken, sent, await sfnClient());
    if (sent.kind === 'success') sendTaskSuccess(taskToken, sent.output);
    else if (sent.kind === 'failure') sendTaskFailure(taskToken, { error: sent.error, cause: sent.cause });
    else sendTaskHeartbeat(taskToken);
  }

  /** On the aws target a mock answers only if its double was deployed: say so now, not when the workflow fails. */
  function checkDeployed(name: string): void {
    if (session.target !== 'aws' || session.outputs[stateMachineArnOutputKey(name)] !== undefined) return;
    throw new StateMachineMockError(
      `State machine ${name} has no double in stack ${adapterStackName(session.stackName, 'stepfunctions')} ` +
        `(its outputs have no ${stateMachineArnOutputKey(name)}), so nothing would forward its executions to this mock. ` +
        `To fix this, add "${name}": {} to adapters.stepfunctions.stateMachines in harness.config.json and run \`npx harness deploy --adapters stepfunctions\`.`,
    );
  }

  function checkName(name: string): void {
    if (!STATE_MACHINE_NAME.test(name)) {
      throw new StepFunctionsError(`'${name}' is not a state machine name. To fix this, use 1-80 letters, digits, hyphens and underscores, as the state machine's ARN ends.`);
    }
  }

  /** The double's route: one handler per name, answering with the mock if there is one, else the registered definition. */
  function ensureDouble(name: string): Promise<void> {
    let registration = doubles.get(name);
    if (!registration) {
      registration = session.register(doubleId('stepfunctions', name), (message) => answer(name, message as InvocationMessage<StateMachineInvocationPayload>));
      doubles.set(name, registration);
      registration.catch(() => doubles.delete(name));
    }
    return registration;
  }

  async function releaseDouble(name: string): Promise<void> {
    if (machines.has(name) || definitions.has(name)) return;
    doubles.delete(name);
    await session.unregister(doubleId('stepfunctions', name));
  }

  async function answer(name: string, message: InvocationMessage<StateMachineInvocationPayload>): Promise<StateMachineResultValue> {
    const mock = machines.get(name);
    if (mock) return mock.handle(message);
    const registered = definitions.get(name);
    if (!registered) {
      throw new UnknownStateMachineError(`State machine ${name} is no longer mocked nor registered. To fix this, keep its mock until the workflow has started it.`);
    }
    const { payload } = message;
    const { stateMachine: _stateMachine, substitutions: _substitutions, region: _region, accountId: _accountId, ...runOptions } = registered.options;
    const run = await runLocalExecution({
      ...runOptions,
      definition: registered.definition,
      input: payload.input,
      integrations: integrations(),
      objectStore: s3.store,
      name: payload.executionName,
      stateMachineArn: payload.stateMachineArn,
    });
    return {
      status: run.status,
      ...(run.output !== undefined ? { output: run.output } : {}),
      ...(run.error !== undefined ? { error: run.error } : {}),
      ...(run.cause !== undefined ? { cause: run.cause } : {}),
      startDate: run.startDate.getTime(),
      stopDate: run.stopDate.getTime(),
    };
  }

  function resolveWorkflow(nameOrDefinition: string | AslDefinition, options: ExecuteOptions): { definition: AslDefinition; options: RunOptions; stateMachineArn: string } {
    if (typeof nameOrDefinition !== 'string') {
      return { definition: loadDefinition(nameOrDefinition, options), options, stateMachineArn: options.stateMachineArn ?? defaultStateMachineArn(options.stateMachine ?? 'LocalStateMachine') };
    }
    const registered = definitions.get(nameOrDefinition);
    if (registered) {
      return { definition: registered.definition, options: { ...registered.options, ...options }, stateMachineArn: options.stateMachineArn ?? registered.options.stateMachineArn ?? defaultStateMachineArn(nameOrDefinition) };
    }
    if (/\.json$/i.test(nameOrDefinition) || /[\\/]/.test(nameOrDefinition)) {
      const fileName = basename(nameOrDefinition).replace(/(\.asl)?(\.template)?\.json$/i, '').replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80) || 'LocalStateMachine';
      return { definition: loadDefinition(nameOrDefinition, options), options, stateMachineArn: options.stateMachineArn ?? defaultStateMachineArn(options.stateMachine ?? fileName) };
    }
    throw new StepFunctionsError(
      `No state machine definition is registered as '${nameOrDefinition}' (registered: ${[...definitions.keys()].join(', ') || 'none'}). ` +
        `To fix this, call harness.stepFunctions.registerDefinition('${nameOrDefinition}', './path/to/definition.asl.json') first, or pass a path or a definition object.`,
    );
  }

  return {
    async mockStateMachine(name, handler) {
      const call = `harness.stepFunctions.mockStateMachine('${name}', handler)`;
      checkHandler(handler, doubleId('stepfunctions', name), call);
      checkName(name);
      checkDeployed(name);
      const existing = machines.get(name);
      if (existing && !existing.restored) throw new AlreadyMockedError(doubleId('stepfunctions', name), call, 'mock.replaceHandler(handler)');
      const mock = new MachineMock(
        name,
        handler,
        async () => {
          machines.delete(name);
          await releaseDouble(name);
        },
        session,
      );
      machines.set(name, mock);
      try {
        await ensureDouble(name);
      } catch (error) {
        machines.delete(name);
        throw error;
      }
      return mock;
    },

    mockService(resource, handler) {
      localOnly(`mock service ${resource}`);
      if (!resource.startsWith('arn:')) {
        throw new StepFunctionsError(`mockService('${resource}') needs the Task state's Resource ARN, e.g. 'arn:aws:states:::sqs:sendMessage'. To fix this, copy the Resource from the definition.`);
      }
      const call = `harness.stepFunctions.mockService('${resource}', handler)`;
      checkHandler(handler, `service ${resource}`, call);
      if (services.has(resource)) throw new AlreadyMockedError(`service ${resource}`, call, 'mock.replaceHandler(handler)');
      const mock: ResourceMock = new ResourceMock(
        resource,
        handler,
        async () => {
          if (services.get(resource) === mock) services.delete(resource);
        },
        session,
      );
      services.set(resource, mock);
      return mock;
    },

    registerDefinition(name, source, options = {}) {
      checkName(name);
      definitions.set(name, { definition: loadDefinition(source, options), options });
      if (session.target === 'local') {
        // Registration is asynchronous; execute() waits for it, so no workflow starts the child before its route exists.
        ensureDouble(name).catch(() => undefined);
      }
    },

    async execute(nameOrDefinition, input, options = {}) {
      if (session.target === 'aws') {
        if (typeof nameOrDefinition !== 'string') {
          throw new LocalTargetOnlyError(
            'Cannot execute a definition object on the aws target: only deployed state machines run there. ' +
              'To fix this, pass the deployed state machine\'s name, ARN or stack output key, or run this test on the local target.',
          );
        }
        const client = await sfnClient();
        const stateMachineArn = options.stateMachineArn ?? (await resolveStateMachineArn(nameOrDefinition, { outputs: session.outputs, client }));
        // AWS names an unnamed execution with a UUID; naming it here does the same on every endpoint.
        const run = await executeOnAws({
          client,
          stateMachineArn,
          input,
          name: options.name ?? randomUUID(),
          timeoutMs: options.timeoutMs,
          stopOnTimeout: options.stopOnTimeout,
        });
        // The deployed definition (read once per state machine) lets a failed assertion draw the run; without it, the text path only.
        const definition = await deployedDefinition(client, run.stateMachineArn).catch(() => undefined);
        await recordForCoverage(run, 'aws', () => deployedDefinition(client, run.stateMachineArn));
        return attachDefinition(run, definition);
      }
      await Promise.all(doubles.values());
      const workflow = resolveWorkflow(nameOrDefinition, options);
      const {
        stateMachine: _stateMachine,
        substitutions: _substitutions,
        region: _region,
        accountId: _accountId,
        timeoutMs: _timeoutMs,
        stopOnTimeout: _stopOnTimeout,
        ...runOptions
      } = workflow.options as ExecuteOptions;
      const run = await runLocalExecution({
        ...runOptions,
        definition: workflow.definition,
        input,
        integrations: integrations(),
        objectStore: s3.store,
        stateMachineArn: workflow.stateMachineArn,
      });
      await recordForCoverage(run, 'local', workflow.definition);
      return run;
    },

    sendTaskSuccess: (taskToken, output) => callback(taskToken, { kind: 'success', output }),
    sendTaskFailure: (taskToken, failure = {}) => callback(taskToken, { kind: 'failure', ...failure }),
    sendTaskHeartbeat: (taskToken) => callback(taskToken, { kind: 'heartbeat' }),
    s3,

    async endpoint(options) {
      const integration = endpointIntegration(session, {
        call: 'harness.stepFunctions.endpoint()',
        onAws: 'your code calls Step Functions itself (AWS, or an AWS-compatible endpoint through AWS_ENDPOINT_URL_SFN) and starts the deployed state machines',
        integration: 'Step Functions local integration',
        createWith: "createHarness({ adapters: [stepFunctionsAdapter] }) from '@harness/stepfunctions'",
        find: isStepFunctionsLocalIntegration,
        error: (kind, message) => (kind === 'target' ? new LocalTargetOnlyError(message) : new StepFunctionsError(message)),
      });
      // Definitions registered just now take their routes asynchronously: a StartExecution must find them.
      await Promise.all(doubles.values());
      return integration.endpoint(options);
    },
  };
}

function isStepFunctionsLocalIntegration(integration: { readonly name: string }): integration is StepFunctionsLocalIntegration {
  return integration.name === 'stepfunctions' && typeof (integration as Partial<StepFunctionsLocalIntegration>).endpoint === 'function';
}
