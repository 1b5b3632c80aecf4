import { randomBytes, randomUUID } from 'node:crypto';
import { HarnessError, StatesError, type LocalServiceIntegration, type LocalTaskInvocation } from '@harness/core';
import type { AslDefinition } from './definition.js';
import { validateDefinition } from './definition.js';
import {
  CallbackNeverSentError,
  IntegrationError,
  InterpreterError,
  InvalidDefinitionError,
  StepFunctionsError,
  UnroutedTaskError,
  type DefinitionProblem,
} from './errors.js';
import { installPromiseWithResolvers } from './polyfill.js';
import {
  EXECUTION_CONTEXT_KEY,
  INTERNAL_RESOURCE,
  prepareDefinition,
  substitutePlaceholder,
  type PreparedDefinition,
  type TaskStateInfo,
} from './prepare.js';
import { issueTaskToken, localTaskCallbacks, releaseTaskToken, tokenPrefix, type TaskTokenWaiter } from './task-tokens.js';

/** Step Functions' payload limit: 256 KiB. */
const MAX_PAYLOAD_BYTES = 262_144;

/** How an execution ended, as `DescribeExecution` reports it. */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export type HistoryEventType =
  | 'ExecutionStarted'
  | 'ExecutionSucceeded'
  | 'ExecutionFailed'
  | 'ExecutionAborted'
  | 'ExecutionTimedOut'
  | 'StateEntered'
  | 'StateExited'
  | 'StateFailed'
  | 'StateRetried'
  | 'StateCaught'
  | 'MapIterationStarted'
  | 'MapIterationSucceeded'
  | 'MapIterationFailed'
  | 'ParallelBranchStarted'
  | 'ParallelBranchSucceeded'
  | 'ParallelBranchFailed';

/** One event of a local execution's history (the interpreter's event stream, in the harness's words). */
export interface HistoryEvent {
  readonly type: HistoryEventType;
  readonly timestamp: Date;
  /** The state the event is about (for `State*` events). */
  readonly stateName?: string;
  /** Its type in the definition (`Task`, `Pass`…). */
  readonly stateType?: string;
  /** A `Task` state's `Resource`. */
  readonly resource?: string;
  /** The state's (or, for `ExecutionStarted`, the execution's) input. */
  readonly input?: unknown;
  /** The state's (or, for `ExecutionSucceeded`, the execution's) output. */
  readonly output?: unknown;
  /** For failures: the error name, when there is one. */
  readonly error?: string;
  readonly cause?: string;
  /** The `Map` or `Parallel` state an iteration / branch event belongs to. */
  readonly parentState?: string;
  /** The `Map` iteration (index of the item) a state event belongs to. */
  readonly mapIndex?: number;
  /** For `StateRetried`: which retry this is (1 for the first). */
  readonly retryAttempt?: number;
  /** For `StateCaught`: the state the catcher goes to. */
  readonly next?: string;
}

/** A finished local execution, shaped like `DescribeExecution` plus its history. */
export interface Execution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly input: unknown;
  /** Present when `SUCCEEDED`. */
  readonly output?: unknown;
  /** The error name, when `FAILED` with one (`States.Timeout` when `TIMED_OUT`). */
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: Date;
  readonly stopDate: Date;
  readonly history: readonly HistoryEvent[];
}

export interface RunLocalExecutionOptions {
  readonly definition: AslDefinition;
  /** The execution input. Default `{}` (as StartExecution without input). */
  readonly input?: unknown;
  /** Where `Task` states go: the first whose `handles(resource)` is true runs the state. */
  readonly integrations: readonly LocalServiceIntegration[];
  /** The execution name. Default: a UUID, as AWS gives. */
  readonly name?: string;
  /** The state machine's ARN (for `$$.StateMachine.Id` and the execution ARN). Default `arn:aws:states:us-east-1:123456789012:stateMachine:LocalStateMachine`. */
  readonly stateMachineArn?: string;
  /**
   * How long a `.waitForTaskToken` state still waits for a late callback once
   * its work has ended without one. Default 5000 ms.
   */
  readonly callbackTimeoutMs?: number;
  /** Every `Retry` waits this many ms instead of IntervalSeconds × BackoffRate^n (keeps tests fast). */
  readonly retryIntervalMs?: number;
  /** Every `Wait` state waits this many ms instead of its Seconds / Timestamp. */
  readonly waitStateMs?: number;
  /** Aborts the execution (status `ABORTED`), as StopExecution would. */
  readonly signal?: AbortSignal;
}

/** The callback wait after `ended()` when the caller does not say. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;
const DEFAULT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:LocalStateMachine';
const STATE_MACHINE_ARN = /^arn:(aws[\w-]*):states:([^:]*):(\d*):stateMachine:([^:]+)/;
/** Longest the history stream may lag behind the execution's result. */
const HISTORY_DRAIN_MS = 1_000;

type Interpreter = typeof import('aws-local-stepfunctions');
type TimeoutErrorClass = new () => Error;

let interpreter: Promise<{ module: Interpreter; StatesTimeout: TimeoutErrorClass }> | undefined;

/**
 * The interpreter, imported on first use (it pulls in the AWS SDK's Lambda
 * client: about 100 ms that a harness that never runs a workflow should not pay).
 */
function loadInterpreter(): Promise<{ module: Interpreter; StatesTimeout: TimeoutErrorClass }> {
  installPromiseWithResolvers();
  interpreter ??= (async () => {
    const module = await import('aws-local-stepfunctions');
    return { module, StatesTimeout: await statesTimeoutClass(module) };
  })();
  return interpreter;
}

/**
 * The interpreter's own `States.Timeout` error class, which it does not
 * export. `States.TaskFailed` in a Catch / Retry matches every Task error but
 * an instance of that class, so the harness's timeouts must be instances too.
 * A state with a 1 ms timeout (allowed without validation) yields one.
 */
async function statesTimeoutClass(module: Interpreter): Promise<TimeoutErrorClass> {
  const probe = new module.StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: INTERNAL_RESOURCE.pass, TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const failure: unknown = await probe
    .run({}, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise<never>(() => {}) } } })
    .result.then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error.cause : undefined),
    );
  if (failure instanceof Error && failure.name === 'States.Timeout') return failure.constructor as TimeoutErrorClass;
  throw new InterpreterError('Could not obtain the interpreter\'s States.Timeout error class: is aws-local-stepfunctions 3.0.0 installed?');
}

/**
 * Definitions (as JSON text) the interpreter's validator has accepted. It
 * compiles its JSON schema on every call (65-180 ms on this machine), which
 * would dominate every run of a workflow a test suite runs many times.
 */
const validatedDefinitions = new Set<string>();
const MAX_VALIDATED_DEFINITIONS = 256;

function rememberValidated(definitionText: string): void {
  if (validatedDefinitions.has(definitionText)) return;
  if (validatedDefinitions.size >= MAX_VALIDATED_DEFINITIONS) {
    const [oldest] = validatedDefinitions;
    if (oldest !== undefined) validatedDefinitions.delete(oldest);
  }
  validatedDefinitions.add(definitionText);
}

const STATE_FAILURE = Symbol('harness.stateFailure');

/** An error the interpreter turns into exactly `{ Error: error, Cause: cause }` (null for absent ones). */
function stateFailure(error: string | undefined, cause: string | undefined): Error {
  const failure = new Error();
  Object.defineProperty(failure, 'name', { value: error ?? null, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(failure, 'message', { value: cause ?? null, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(failure, STATE_FAILURE, { value: true });
  return failure;
}

/** Marks a harness error so that no Catch or Retry of the workflow takes it: it must reach the test. */
function fatal<T extends Error>(error: T): T {
  Object.defineProperty(error, 'isCatchable', { value: false, configurable: true });
  Object.defineProperty(error, 'isRetryable', { value: false, configurable: true });
  return error;
}

function isFatal(error: unknown): error is HarnessError {
  return error instanceof HarnessError && (error as { isCatchable?: boolean }).isCatchable === false;
}

/**
 * Runs a workflow's ASL in the in-process interpreter (aws-local-stepfunctions),
 * routing every `Task` state — in `Parallel` branches and `Map` iterations too —
 * to the first integration that handles its `Resource`.
 *
 * Resolves with the execution however it ended (`SUCCEEDED`, `FAILED`,
 * `TIMED_OUT`, `ABORTED`). Rejects only when the harness cannot run it
 * faithfully: a state no integration handles ({@link UnroutedTaskError}), a
 * callback that can never come ({@link CallbackNeverSentError}), an invalid
 * definition or an unsupported feature.
 *
 * @example
 * const run = await runLocalExecution({ definition, input: { orderId: 'o-1' }, integrations: session.integrations() });
 * expect(run.status).toBe('SUCCEEDED');
 */
export async function runLocalExecution(options: RunLocalExecutionOptions): Promise<Execution> {
  const problems = validateDefinition(options.definition);
  if (problems.length > 0) throw new InvalidDefinitionError(problems, 'the definition given to runLocalExecution');
  const placeholder = `HARNESS_TASK_TOKEN_${randomBytes(12).toString('hex')}`;
  const prepared = prepareDefinition(options.definition, placeholder);
  const ids = executionIds(options);
  const input = jsonCopy(options.input === undefined ? {} : options.input, 'The execution input');
  const { module, StatesTimeout } = await loadInterpreter();

  let machine: InstanceType<Interpreter['StateMachine']>;
  const definitionText = JSON.stringify(options.definition);
  const validated = validatedDefinitions.has(definitionText);
  try {
    machine = new module.StateMachine(prepared.definition as never, validated ? { validationOptions: { noValidate: true } } : {});
  } catch (error) {
    throw new InvalidDefinitionError(interpreterProblems(error), `the definition of ${ids.stateMachineArn} (as the interpreter validates it)`, { cause: error });
  }
  rememberValidated(definitionText);

  const execution = new LocalExecution(options, prepared, ids, placeholder, StatesTimeout);
  const startDate = new Date();
  const run = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: execution.handlers() as never,
      ...(options.retryIntervalMs !== undefined ? { retryIntervalOverrides: everyState(prepared.retryStates, options.retryIntervalMs) } : {}),
      ...(options.waitStateMs !== undefined ? { waitTimeOverrides: everyState(prepared.waitStates, options.waitStateMs) } : {}),
    },
    context: {
      Execution: { Id: ids.executionArn, Name: ids.name, RoleArn: ids.roleArn, RedriveCount: 0 },
      StateMachine: { Id: ids.stateMachineArn, Name: ids.stateMachineName },
      [EXECUTION_CONTEXT_KEY]: { Input: input, StartTime: startDate.toISOString() },
    } as never,
  });
  const onAbort = (): void => run.abort();
  if (options.signal?.aborted) run.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const history: HistoryEvent[] = [];
  const collecting = collectHistory(run.eventLogs as AsyncGenerator<InterpreterEvent>, history, prepared);

  const base = { executionArn: ids.executionArn, stateMachineArn: ids.stateMachineArn, name: ids.name, input, startDate };
  let outcome: Pick<Execution, 'status' | 'output' | 'error' | 'cause'>;
  try {
    const output: unknown = await run.result;
    outcome = { status: 'SUCCEEDED', output };
  } catch (thrown) {
    const cause = thrown instanceof module.ExecutionError ? thrown.cause : undefined;
    if (isFatal(cause)) {
      execution.end();
      throw cause;
    }
    if (thrown instanceof module.ExecutionTimeoutError) {
      outcome = { status: 'TIMED_OUT', error: 'States.Timeout' };
    } else if (thrown instanceof module.ExecutionAbortedError) {
      outcome = { status: 'ABORTED' };
    } else if (cause instanceof Error && (STATE_FAILURE in cause || 'isRetryable' in cause)) {
      // A state failure: ours (a StatesError, a callback failure, a timeout) or the interpreter's (States.Runtime…).
      outcome = { status: 'FAILED', ...errorAndCause(cause) };
    } else {
      execution.end();
      const reason = cause instanceof Error ? cause : thrown;
      throw new InterpreterError(
        `The local interpreter failed running ${ids.executionArn}: ${reason instanceof Error ? reason.message : String(reason)}. ` +
          'This is a harness or interpreter bug, not a workflow outcome: please report it with the definition.',
        { cause: reason },
      );
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  execution.end();
  await Promise.race([collecting, new Promise((resolve) => setTimeout(resolve, HISTORY_DRAIN_MS).unref())]);
  return { ...base, ...outcome, stopDate: new Date(), history };
}

function errorAndCause(error: Error): { error?: string; cause?: string } {
  const name: unknown = error.name;
  const message: unknown = error.message;
  return {
    ...(typeof name === 'string' ? { error: name } : {}),
    ...(typeof message === 'string' ? { cause: message } : {}),
  };
}

interface ExecutionIds {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly name: string;
  readonly roleArn: string;
}

function executionIds(options: RunLocalExecutionOptions): ExecutionIds {
  const stateMachineArn = options.stateMachineArn ?? DEFAULT_STATE_MACHINE_ARN;
  const parsed = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!parsed) {
    throw new StepFunctionsError(
      `stateMachineArn '${stateMachineArn}' is not a state machine ARN. To fix this, use arn:aws:states:<region>:<account>:stateMachine:<Name>, or leave it out.`,
    );
  }
  const [, partition, region, account, stateMachineName] = parsed as unknown as [string, string, string, string, string];
  const name = options.name ?? randomUUID();
  if (name.length === 0 || name.length > 80 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(name)) {
    throw new StepFunctionsError(
      `Execution name '${name}' is not one Step Functions accepts. To fix this, use 1-80 letters, digits, hyphens and underscores.`,
    );
  }
  return {
    stateMachineArn,
    stateMachineName,
    name,
    executionArn: `arn:${partition}:states:${region}:${account}:execution:${stateMachineName}:${name}`,
    roleArn: `arn:${partition}:iam::${account}:role/harness-local-execution`,
  };
}

function jsonCopy(value: unknown, what: string): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StepFunctionsError(`${what} cannot be serialised to JSON (${(error as Error).message}). To fix this, pass plain JSON data.`, { cause: error });
  }
  if (text === undefined) throw new StepFunctionsError(`${what} is not JSON data. To fix this, pass an object, array, string, number, boolean or null.`);
  return JSON.parse(text);
}

function everyState(states: readonly string[], value: number): Record<string, number> {
  return Object.fromEntries(states.map((state) => [state, value]));
}

function interpreterProblems(error: unknown): DefinitionProblem[] {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message.split('\n').slice(1).map((line) => line.trim()).filter((line) => line.length > 0);
  if (lines.length === 0) return [{ path: '(root)', problem: message }];
  return lines.map((line) => {
    const path = /\s(\/States\/\S+)/.exec(line)?.[1];
    const state = path ? /^\/States\/([^/]+)/.exec(path)?.[1] : undefined;
    return { path: path ?? '(root)', ...(state !== undefined ? { state } : {}), problem: line };
  });
}

/** The state of one running execution: its task handlers and what they still wait for. */
class LocalExecution {
  private readonly ended = new AbortController();
  private readonly callbackTimeoutMs: number;

  constructor(
    private readonly options: RunLocalExecutionOptions,
    private readonly prepared: PreparedDefinition,
    private readonly ids: ExecutionIds,
    private readonly placeholder: string,
    private readonly StatesTimeout: TimeoutErrorClass,
  ) {
    this.callbackTimeoutMs = options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  }

  /** The interpreter's `taskResourceLocalHandlers`: one per `Task` state, keyed by state name (it reaches nested states too). */
  handlers(): Record<string, (input: unknown) => Promise<unknown>> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const task of this.prepared.tasks.values()) handlers[task.name] = (input) => this.runTask(task, input);
    for (const [name, result] of this.prepared.passResults) handlers[name] = async () => result;
    for (const name of this.prepared.failStates) {
      handlers[name] = async (input) => {
        const fields = (input ?? {}) as { error?: unknown; cause?: unknown };
        throw stateFailure(typeof fields.error === 'string' ? fields.error : undefined, typeof fields.cause === 'string' ? fields.cause : undefined);
      };
    }
    return handlers;
  }

  /** The execution is over: whatever its tasks still run or wait for is no longer needed. */
  end(): void {
    this.ended.abort();
  }

  private statesTimeout(): Error {
    const timeout = new this.StatesTimeout();
    // AWS reports a timeout without a cause; a Catch sees `"Cause": null`.
    Object.defineProperty(timeout, 'message', { value: null, configurable: true, writable: true });
    return timeout;
  }

  private async runTask(task: TaskStateInfo, input: unknown): Promise<unknown> {
    const integration = this.options.integrations.find((candidate) => candidate.handles(task.resource));
    if (!integration) {
      throw fatal(new UnroutedTaskError(task.name, task.resource, this.options.integrations.map((candidate) => candidate.name)));
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort(new StepFunctionsError(`execution ${this.ids.executionArn} ended`));
    if (this.ended.signal.aborted) stop();
    this.ended.signal.addEventListener('abort', stop, { once: true });
    try {
      const result = task.callback
        ? await this.runCallbackTask(task, integration, input, controller)
        : await this.runRequestTask(task, integration, input, controller);
      // Step Functions caps what a state passes on at 256 KiB (UTF-8 bytes of its JSON).
      if (Buffer.byteLength(JSON.stringify(result) ?? 'null', 'utf8') > MAX_PAYLOAD_BYTES) {
        throw stateFailure(
          'States.DataLimitExceeded',
          `The state/task '${task.name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
        );
      }
      return result;
    } finally {
      this.ended.signal.removeEventListener('abort', stop);
    }
  }

  private invocation(task: TaskStateInfo, input: unknown, signal: AbortSignal, taskToken?: string): LocalTaskInvocation {
    return {
      resource: task.resource,
      stateName: task.name,
      input,
      ...(taskToken !== undefined ? { taskToken } : {}),
      execution: { arn: this.ids.executionArn, name: this.ids.name, stateMachineArn: this.ids.stateMachineArn },
      ...(task.timeoutSeconds !== undefined ? { timeoutSeconds: task.timeoutSeconds } : {}),
      ...(task.heartbeatSeconds !== undefined ? { heartbeatSeconds: task.heartbeatSeconds } : {}),
      signal,
      callbacks: localTaskCallbacks,
    };
  }

  /** What a thrown error means for the state: a failure the workflow sees, or a harness error the test sees. */
  private failureOf(thrown: unknown, task: TaskStateInfo, integration: LocalServiceIntegration): Error {
    if (thrown instanceof StatesError) return stateFailure(thrown.error, thrown.cause);
    if (thrown instanceof HarnessError) return fatal(thrown);
    const message = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    return fatal(
      new IntegrationError(
        `The ${integration.name} integration failed running Task state "${task.name}" (${task.resource}): ${message}. ` +
          'To fail the state as AWS would, throw a StatesError(error, cause) instead.',
        { cause: thrown },
      ),
    );
  }

  /** Request-response and `.sync` tasks: the integration's result is the state's result. */
  private runRequestTask(task: TaskStateInfo, integration: LocalServiceIntegration, input: unknown, controller: AbortController): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller.signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => settle(() => reject(controller.signal.reason));
      controller.signal.addEventListener('abort', onAbort, { once: true });
      if (task.timeoutSeconds !== undefined) {
        timer = setTimeout(() => {
          settle(() => reject(this.statesTimeout()));
          controller.abort(new StepFunctionsError(`Task state "${task.name}" timed out after ${task.timeoutSeconds} s`));
        }, task.timeoutSeconds * 1000);
      }
      (async () => integration.invoke(this.invocation(task, input, controller.signal)))().then(
        (output) => settle(() => resolve(output === undefined ? null : output)),
        (thrown: unknown) => settle(() => reject(this.failureOf(thrown, task, integration))),
      );
    });
  }

  /**
   * `.waitForTaskToken` tasks: a fresh token replaces the placeholder, the
   * integration starts the work (its result is ignored), and the state waits
   * for the callback, its timeouts, or word that the work ended without one.
   */
  private runCallbackTask(task: TaskStateInfo, integration: LocalServiceIntegration, input: unknown, controller: AbortController): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timers = new Set<NodeJS.Timeout>();
      let heartbeatTimer: NodeJS.Timeout | undefined;
      let endedReason: string | undefined;
      let settled = false;
      let token = '';
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        releaseTaskToken(token);
        for (const timer of timers) clearTimeout(timer);
        clearTimeout(heartbeatTimer);
        controller.signal.removeEventListener('abort', onAbort);
        action();
      };
      const after = (ms: number, action: () => void): NodeJS.Timeout => {
        const timer = setTimeout(action, ms);
        timers.add(timer);
        return timer;
      };
      const timeOut = (): void => {
        settle(() => reject(this.statesTimeout()));
        controller.abort(new StepFunctionsError(`Task state "${task.name}" timed out waiting for its callback`));
      };
      const startHeartbeat = (): void => {
        if (task.heartbeatSeconds === undefined) return;
        clearTimeout(heartbeatTimer);
        heartbeatTimer = setTimeout(timeOut, task.heartbeatSeconds * 1000);
      };
      const onAbort = (): void => settle(() => reject(controller.signal.reason));

      const waiter: TaskTokenWaiter = {
        stateName: task.name,
        executionArn: this.ids.executionArn,
        succeed: (output) => settle(() => resolve(output)),
        fail: (error, cause) => settle(() => reject(stateFailure(error, cause))),
        heartbeat: startHeartbeat,
        ended: (reason) => {
          if (settled || endedReason !== undefined) return;
          endedReason = reason;
          // Nothing can call back any more. Give a late callback (a test playing the worker) a moment, then
          // end the state as AWS eventually would: by its timeout if it has one, else the harness says why.
          after(this.callbackTimeoutMs, () => {
            if (task.timeoutSeconds !== undefined || task.heartbeatSeconds !== undefined) {
              timeOut();
              return;
            }
            settle(() => reject(fatal(new CallbackNeverSentError(task.name, tokenPrefix(token), reason, this.callbackTimeoutMs))));
            controller.abort(new StepFunctionsError(`Task state "${task.name}" never got its callback`));
          });
        },
      };
      token = issueTaskToken(waiter);
      controller.signal.addEventListener('abort', onAbort, { once: true });
      if (controller.signal.aborted) {
        onAbort();
        return;
      }
      if (task.timeoutSeconds !== undefined) after(task.timeoutSeconds * 1000, timeOut);
      startHeartbeat();

      const withToken = substitutePlaceholder(input, this.placeholder, token);
      (async () => integration.invoke(this.invocation(task, withToken, controller.signal, token)))().then(
        () => {},
        (thrown: unknown) => settle(() => reject(this.failureOf(thrown, task, integration))),
      );
    });
  }
}

// ----- history -----

/** The interpreter's event, as much of it as the harness reads. */
interface InterpreterEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly Error?: unknown;
  readonly Cause?: unknown;
  readonly index?: number;
  readonly state?: { readonly name: string; readonly type: string; readonly input?: unknown; readonly output?: unknown };
  readonly parentState?: { readonly name: string };
  readonly retry?: { readonly attempt: number };
  readonly catch?: { readonly catcher: { readonly Next: string } };
}

async function collectHistory(events: AsyncGenerator<InterpreterEvent>, into: HistoryEvent[], prepared: PreparedDefinition): Promise<void> {
  for await (const event of events) into.push(toHistoryEvent(event, prepared));
}

function toHistoryEvent(event: InterpreterEvent, prepared: PreparedDefinition): HistoryEvent {
  const type = (event.type === 'ExecutionTimeout' ? 'ExecutionTimedOut' : event.type) as HistoryEventType;
  const fields: Record<string, unknown> = { type, timestamp: new Date(event.timestamp) };
  if (event.state) {
    fields.stateName = event.state.name;
    fields.stateType = prepared.stateTypes.get(event.state.name) ?? event.state.type;
    const task = prepared.tasks.get(event.state.name);
    if (task) fields.resource = task.resource;
    if (event.state.input !== undefined) fields.input = event.state.input;
    if (event.state.output !== undefined) fields.output = event.state.output;
  } else {
    if (event.input !== undefined) fields.input = event.input;
    if (event.output !== undefined) fields.output = event.output;
  }
  if (typeof event.Error === 'string') fields.error = event.Error;
  if (typeof event.Cause === 'string') fields.cause = event.Cause;
  else if (event.Cause instanceof Error) fields.cause = event.Cause.message;
  if (event.parentState) fields.parentState = event.parentState.name;
  if (typeof event.index === 'number') fields.mapIndex = event.index;
  if (event.retry) fields.retryAttempt = event.retry.attempt;
  if (event.catch) fields.next = event.catch.catcher.Next;
  return fields as unknown as HistoryEvent;
}
