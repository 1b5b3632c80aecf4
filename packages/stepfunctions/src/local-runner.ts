import { randomUUID } from 'node:crypto';
import { HarnessError, StatesError, type LocalServiceIntegration } from '@harness/core';
import { validateDefinition, type AslDefinition } from './definition.js';
import { createRealClock } from './engine/clock/real.js';
import { createVirtualClock } from './engine/clock/virtual.js';
import { runExecution, StateFailure, type EngineTask, type HistoryEvent, type Json, type ObjectStore } from './engine/index.js';
import { IntegrationError, InvalidDefinitionError, StepFunctionsError, UnroutedTaskError } from './errors.js';

export type { HistoryEvent, HistoryEventType } from './engine/index.js';

/** How an execution ended, as `DescribeExecution` reports it. */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * A finished execution, shaped like `DescribeExecution` plus its history:
 * GetExecutionHistory's events, the same on both targets.
 */
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
  /** GetExecutionHistory's events, oldest first: `type`, `id`, `previousEventId`, `timestamp` and the `…EventDetails` of each (payloads as JSON text). */
  readonly history: readonly HistoryEvent[];
  /**
   * The definition the execution ran (on the aws target: DescribeStateMachine's, read once per state
   * machine), so that a failed assertion can draw the run on its graph (`@harness/matchers`).
   * Not enumerable: `toEqual`, snapshots, `JSON.stringify` and `{ ...run }` leave it out.
   * Absent on an execution built elsewhere (e.g. `executeOnAws` called directly).
   */
  readonly definition?: AslDefinition;
}

/**
 * Gives an execution its definition as a non-enumerable `definition`
 * property (see {@link Execution.definition}); returns the same object.
 */
export function attachDefinition<T extends object>(run: T, definition: AslDefinition | undefined): T {
  if (definition !== undefined) Object.defineProperty(run, 'definition', { value: definition, enumerable: false, configurable: true, writable: false });
  return run;
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
   * How long a `.waitForTaskToken` state still waits, in real time, for a
   * late callback once its work has ended without one. Default 5000 ms.
   */
  readonly callbackTimeoutMs?: number;
  /**
   * `'virtual'` (the default): Wait states, Retry intervals and timeouts take
   * no wall time while nothing else runs, and the history shows the time as
   * if it had passed. `'real'`: they take the time they say.
   */
  readonly clock?: 'virtual' | 'real';
  /** The S3 objects a distributed Map reads and writes. Default: an empty in-memory store for this execution. */
  readonly objectStore?: ObjectStore;
  /** Aborts the execution (status `ABORTED`), as StopExecution would. */
  readonly signal?: AbortSignal;
}

/** The callback wait after `ended()` when the caller does not say. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;
const DEFAULT_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:LocalStateMachine';
const STATE_MACHINE_ARN = /^arn:(aws[\w-]*):states:([^:]*):(\d*):stateMachine:([^:]+)/;

/** Definitions (as JSON text) already validated: a test suite runs the same workflow many times. */
const validatedDefinitions = new Set<string>();
const MAX_VALIDATED_DEFINITIONS = 256;

/** Definition objects already validated (a test passes the same object each time: no need to serialise it). */
const validatedObjects = new WeakSet<object>();

function validateOnce(definition: AslDefinition, what: string): void {
  if (validatedObjects.has(definition)) return;
  const text = JSON.stringify(definition);
  if (validatedDefinitions.has(text)) {
    validatedObjects.add(definition);
    return;
  }
  const problems = validateDefinition(definition);
  if (problems.length > 0) throw new InvalidDefinitionError(problems, what);
  if (validatedDefinitions.size >= MAX_VALIDATED_DEFINITIONS) {
    const [oldest] = validatedDefinitions;
    if (oldest !== undefined) validatedDefinitions.delete(oldest);
  }
  validatedDefinitions.add(text);
  validatedObjects.add(definition);
}

/**
 * Runs a workflow's ASL on harness's own engine, routing every `Task` state —
 * in `Parallel` branches and `Map` iterations too — to the first integration
 * that handles its `Resource`.
 *
 * Resolves with the execution however it ended (`SUCCEEDED`, `FAILED`,
 * `TIMED_OUT`, `ABORTED`), with AWS's execution history. Rejects only when
 * the harness cannot run it faithfully: an invalid definition (AWS's
 * validation messages), a state no integration handles
 * ({@link UnroutedTaskError}), a callback that can never come
 * (`CallbackNeverSentError`), an integration that failed in a way AWS would not.
 *
 * @example
 * const run = await runLocalExecution({ definition, input: { orderId: 'o-1' }, integrations: session.integrations() });
 * expect(run.status).toBe('SUCCEEDED');
 */
export async function runLocalExecution(options: RunLocalExecutionOptions): Promise<Execution> {
  const ids = executionIds(options);
  validateOnce(options.definition, `the definition of ${ids.stateMachineArn}`);
  const input = jsonCopy(options.input === undefined ? {} : options.input, 'The execution input') as Json;
  const integrations = options.integrations;
  const outcome = await runExecution({
    definition: options.definition,
    input,
    executionArn: ids.executionArn,
    name: ids.name,
    stateMachineArn: ids.stateMachineArn,
    roleArn: ids.roleArn,
    clock: options.clock === 'real' ? createRealClock() : createVirtualClock(),
    callbackGraceMs: options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
    ...(options.objectStore !== undefined ? { objectStore: options.objectStore } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    invokeTask: (task) => invokeIntegration(task, integrations),
  });
  const run: Execution = {
    executionArn: ids.executionArn,
    stateMachineArn: ids.stateMachineArn,
    name: ids.name,
    input,
    status: outcome.status,
    ...(outcome.output !== undefined ? { output: outcome.output } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
    startDate: outcome.startDate,
    stopDate: outcome.stopDate,
    history: outcome.history,
  };
  return attachDefinition(run, options.definition);
}

/** A Task state, handed to the integration that owns its resource; what it throws decides whether the workflow or the test sees it. */
async function invokeIntegration(task: EngineTask, integrations: readonly LocalServiceIntegration[]): Promise<Json> {
  const integration = integrations.find((candidate) => candidate.handles(task.resource));
  if (!integration) throw new UnroutedTaskError(task.stateName, task.resource, integrations.map((candidate) => candidate.name));
  try {
    const result = await integration.invoke({
      resource: task.resource,
      stateName: task.stateName,
      input: task.input,
      ...(task.taskToken !== undefined ? { taskToken: task.taskToken } : {}),
      execution: task.execution,
      ...(task.timeoutSeconds !== undefined ? { timeoutSeconds: task.timeoutSeconds } : {}),
      ...(task.heartbeatSeconds !== undefined ? { heartbeatSeconds: task.heartbeatSeconds } : {}),
      signal: task.signal,
      callbacks: task.callbacks,
      submitted: (output) => task.submitted(toJson(output)),
    });
    return toJson(result);
  } catch (thrown) {
    if (thrown instanceof StatesError || thrown instanceof StateFailure || thrown instanceof HarnessError) throw thrown;
    if (task.signal.aborted) throw thrown;
    const message = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
    throw new IntegrationError(
      `The ${integration.name} integration failed running Task state "${task.stateName}" (${task.resource}): ${message}. ` +
        'To fail the state as AWS would, throw a StatesError(error, cause) instead.',
      { cause: thrown },
    );
  }
}

/** What an integration returned, as JSON (undefined → null, as a Lambda returning nothing gives). */
function toJson(value: unknown): Json {
  if (value === undefined) return null;
  return value as Json;
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

