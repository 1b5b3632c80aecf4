import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent as AwsHistoryEvent,
} from '@aws-sdk/client-sfn';
import { WaitTimeoutError } from '@harness/core';
import { StepFunctionsError } from './errors.js';
import type { Execution, ExecutionStatus, HistoryEvent, HistoryEventType } from './local-runner.js';

/** Step Functions' payload limit: 256 KiB of UTF-8 JSON. */
const MAX_PAYLOAD_BYTES = 262_144;
const DEFAULT_TIMEOUT_MS = 300_000;
const DEFAULT_POLL_INTERVAL_MS = 250;
const MAX_POLL_INTERVAL_MS = 2_000;
/** How many of the last history events a timeout error shows. */
const EVENTS_SHOWN_ON_TIMEOUT = 5;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[^:]*:\d*:stateMachine:[^:]+/;
const TERMINAL_STATUSES: ReadonlySet<string> = new Set<ExecutionStatus>(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** The execution input is over Step Functions' 256 KiB limit; StartExecution was not called. */
export class ExecutionInputTooLargeError extends StepFunctionsError {
  constructor(
    readonly stateMachineArn: string,
    readonly bytes: number,
  ) {
    super(
      `The input for ${stateMachineArn} is ${bytes} bytes of JSON, over Step Functions' limit of ${MAX_PAYLOAD_BYTES} bytes (256 KiB); ` +
        'StartExecution was not called. To fix this, pass a smaller input, e.g. put the data in S3 and pass its key.',
    );
  }
}

/** An execution on AWS was still running when `executeOnAws` stopped waiting. The message says what it saw. */
export class ExecutionWaitTimeoutError extends WaitTimeoutError {
  constructor(
    readonly executionArn: string,
    /** The status of the last DescribeExecution (`RUNNING`, `PENDING_REDRIVE`). */
    readonly lastStatus: string,
    readonly timeoutMs: number,
    /** The last few history events, oldest first. */
    readonly lastEvents: readonly HistoryEvent[],
    /** Whether StopExecution was called (only with `stopOnTimeout: true`). */
    readonly stopped: boolean,
    /** Why the last events could not be read, when they could not. */
    historyProblem?: string,
  ) {
    super(
      `Execution ${executionArn} was still ${lastStatus} after ${timeoutMs} ms. ` +
        `${describeEvents(lastEvents, historyProblem)} ` +
        (stopped ? 'It was stopped (stopOnTimeout). ' : 'It was left running (pass stopOnTimeout: true to stop it). ') +
        'To fix this, raise timeoutMs, or check why the workflow waits (a Wait state, a task that never ends, a callback never sent).',
      lastEvents,
    );
  }
}

/** No state machine matches a name (not an ARN, not a stack output key, not a deployed state machine). */
export class StateMachineNotFoundError extends StepFunctionsError {
  constructor(
    readonly nameOrArn: string,
    /** The stack output keys that were looked at. */
    readonly outputKeys: readonly string[],
    /** The state machine names ListStateMachines returned. */
    readonly known: readonly string[],
  ) {
    super(
      `No state machine named '${nameOrArn}': it is not an ARN, not a stack output key ` +
        `(outputs: ${outputKeys.length > 0 ? outputKeys.join(', ') : 'none given'}), ` +
        `and ListStateMachines has no such name (state machines: ${known.length > 0 ? known.join(', ') : 'none'}). ` +
        'To fix this, pass an ARN, a stack output key or the name of a deployed state machine, and check AWS_REGION / AWS_ENDPOINT_URL.',
    );
  }
}

function describeEvents(events: readonly HistoryEvent[], problem: string | undefined): string {
  if (problem !== undefined) return `Its history could not be read (${problem}).`;
  if (events.length === 0) return 'Its history had no events yet.';
  const shown = events.map((event) => {
    const parts: string[] = [event.type];
    if (event.stateName !== undefined) parts.push(`"${event.stateName}"`);
    if (event.error !== undefined) parts.push(`error ${event.error}`);
    return parts.join(' ');
  });
  return `Its last ${events.length} history event(s): ${shown.join(', ')}.`;
}

export interface ExecuteOnAwsOptions {
  /** Default: a new `SFNClient` from the standard AWS environment (region, credentials, `AWS_ENDPOINT_URL`). */
  readonly client?: SFNClient;
  readonly stateMachineArn: string;
  /** The execution input. Default `{}`. */
  readonly input?: unknown;
  /** The execution name. Default: the one AWS gives (a UUID). */
  readonly name?: string;
  /** How long to wait for the execution to end. Default 300 000 ms. */
  readonly timeoutMs?: number;
  /** The first wait between DescribeExecution calls; it doubles up to 2000 ms. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** Call StopExecution when the wait times out. Default false: the execution is left running. */
  readonly stopOnTimeout?: boolean;
}

/**
 * Starts an execution of a deployed state machine, waits for it to end and
 * returns it with its history, in the same shape as the local target's
 * {@link Execution}.
 *
 * Resolves however the execution ended (`SUCCEEDED`, `FAILED`, `TIMED_OUT`,
 * `ABORTED`). Rejects with {@link ExecutionInputTooLargeError} before starting
 * when the input is over 256 KiB, and with {@link ExecutionWaitTimeoutError}
 * when it is still running after `timeoutMs`.
 *
 * @example
 * const run = await executeOnAws({ stateMachineArn, input: { orderId: 'o-1' }, timeoutMs: 60_000 });
 * expect(run.status).toBe('SUCCEEDED');
 * expect(run.history.filter((event) => event.type === 'StateEntered').map((event) => event.stateName)).toEqual(['Check', 'Ship']);
 */
export async function executeOnAws(options: ExecuteOnAwsOptions): Promise<Execution> {
  const client = options.client ?? new SFNClient({});
  const inputText = inputJson(options.input === undefined ? {} : options.input, options.stateMachineArn);
  const bytes = Buffer.byteLength(inputText, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new ExecutionInputTooLargeError(options.stateMachineArn, bytes);

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const started = await client.send(
    new StartExecutionCommand({
      stateMachineArn: options.stateMachineArn,
      input: inputText,
      ...(options.name !== undefined ? { name: options.name } : {}),
    }),
  );
  const executionArn = required(started.executionArn, 'StartExecution', 'executionArn');

  let interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const maxInterval = Math.max(interval, MAX_POLL_INTERVAL_MS);
  let described: DescribeExecutionCommandOutput;
  for (;;) {
    described = await client.send(new DescribeExecutionCommand({ executionArn }));
    // PENDING_REDRIVE is not an end: the execution is about to run again.
    if (described.status !== undefined && TERMINAL_STATUSES.has(described.status)) break;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw await timeoutError(client, executionArn, described.status ?? 'UNKNOWN', timeoutMs, options.stopOnTimeout === true);
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, remaining)));
    interval = Math.min(interval * 2, maxInterval);
  }

  const history = toHistoryEvents(await fullHistory(client, executionArn));
  const status = described.status as ExecutionStatus;
  const error = described.error ?? (status === 'TIMED_OUT' ? 'States.Timeout' : undefined);
  return {
    executionArn,
    stateMachineArn: described.stateMachineArn ?? options.stateMachineArn,
    name: described.name ?? executionArn.slice(executionArn.lastIndexOf(':') + 1),
    status,
    // DescribeExecution leaves the input out when the state machine hides data (includedData METADATA_ONLY).
    input: described.input !== undefined ? parseJson(described.input) : JSON.parse(inputText),
    ...(status === 'SUCCEEDED' && described.output !== undefined ? { output: parseJson(described.output) } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(described.cause !== undefined ? { cause: described.cause } : {}),
    startDate: described.startDate ?? started.startDate ?? new Date(),
    stopDate: described.stopDate ?? new Date(),
    history,
  };
}

function inputJson(input: unknown, stateMachineArn: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (error) {
    throw new StepFunctionsError(
      `The input for ${stateMachineArn} cannot be serialised to JSON (${(error as Error).message}). To fix this, pass plain JSON data.`,
      { cause: error },
    );
  }
  if (text === undefined) {
    throw new StepFunctionsError(`The input for ${stateMachineArn} is not JSON data. To fix this, pass an object, array, string, number, boolean or null.`);
  }
  return text;
}

function required<T>(value: T | undefined, operation: string, field: string): T {
  if (value === undefined) throw new StepFunctionsError(`${operation} answered without ${field}: the endpoint is not behaving like Step Functions.`);
  return value;
}

/** JSON text as data; text that is not JSON (a hand-written endpoint's answer) stays text. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function timeoutError(client: SFNClient, executionArn: string, status: string, timeoutMs: number, stop: boolean): Promise<ExecutionWaitTimeoutError> {
  let lastEvents: HistoryEvent[] = [];
  let problem: string | undefined;
  try {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: EVENTS_SHOWN_ON_TIMEOUT }));
    // Sorted by id rather than trusting reverseOrder / maxResults, which some endpoints (moto) ignore.
    // Events whose parents are not among them just lack their state name.
    const events = [...(page.events ?? [])].sort((left, right) => (left.id ?? 0) - (right.id ?? 0));
    lastEvents = toHistoryEvents(events).slice(-EVENTS_SHOWN_ON_TIMEOUT);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (stop) await client.send(new StopExecutionCommand({ executionArn, error: 'Harness.Timeout', cause: `executeOnAws stopped waiting after ${timeoutMs} ms` }));
  return new ExecutionWaitTimeoutError(executionArn, status, timeoutMs, lastEvents, stop, problem);
}

async function fullHistory(client: SFNClient, executionArn: string): Promise<AwsHistoryEvent[]> {
  const events: AwsHistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken !== undefined ? { nextToken } : {}) }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

// ----- history -----

/** Where an AWS event belongs: the state visit it is part of, found through `previousEventId`. */
interface EventScope {
  readonly stateName?: string;
  readonly stateType?: string;
  /** The id of the StateEntered event of the visit. */
  readonly visit?: number;
  readonly parentState?: string;
  readonly mapIndex?: number;
}

interface Visit {
  resource?: string;
  failures: number;
  attempts: number;
}

const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];
/** Events that fail a state attempt (a Task's work, a Lambda, a nested execution…). */
const ATTEMPT_FAILURE = /(Failed|TimedOut|StartFailed|SubmitFailed|ScheduleFailed)$/;
/** Events that start an attempt of a Task state's work. */
const ATTEMPT_START = /^(TaskScheduled|LambdaFunctionScheduled|ActivityScheduled)$/;

function stateEventType(type: string): { kind: 'StateEntered' | 'StateExited'; stateType: string } | undefined {
  for (const stateType of STATE_TYPES) {
    if (type === `${stateType}StateEntered`) return { kind: 'StateEntered', stateType };
    if (type === `${stateType}StateExited`) return { kind: 'StateExited', stateType };
  }
  return undefined;
}

function detailsOf(event: AwsHistoryEvent): { error?: string; cause?: string; input?: string; output?: string; resource?: string; resourceType?: string } {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && value !== null && typeof value === 'object') return value as Record<string, string>;
  }
  return {};
}

/**
 * AWS history events in the harness's words (the local runner's event types).
 * AWS records no retry or catch event: a new attempt scheduled after a failure
 * in the same state visit is a `StateRetried`; a failed visit that still exits
 * was caught (`StateCaught`, `next` being the state entered after it).
 */
export function toHistoryEvents(events: readonly AwsHistoryEvent[]): HistoryEvent[] {
  const scopes = new Map<number, EventScope>();
  const visits = new Map<number, Visit>();
  const scopeOf = (event: AwsHistoryEvent): EventScope => (event.previousEventId !== undefined ? scopes.get(event.previousEventId) : undefined) ?? {};

  // A state event's own scope (for StateExited: its visit's, found by name, as the events before it may be a branch's).
  const ownScopes = new Map<number, EventScope>();
  const lastVisitOf = new Map<string, number>();

  // First pass: every event's scope, and each visit's resource (known only once its work is scheduled).
  for (const event of events) {
    const id = event.id ?? 0;
    const type = event.type ?? '';
    const parent = scopeOf(event);
    const stateEvent = stateEventType(type);
    if (stateEvent?.kind === 'StateEntered') {
      const name = event.stateEnteredEventDetails?.name;
      // Entered right after a Parallel (or Map) state started: a state of one of its branches.
      const branchOf = parent.stateType === 'Parallel' || parent.stateType === 'Map' ? { parentState: parent.stateName } : inherited(parent);
      const scope: EventScope = { ...branchOf, ...(name !== undefined ? { stateName: name } : {}), stateType: stateEvent.stateType, visit: id };
      scopes.set(id, scope);
      ownScopes.set(id, scope);
      visits.set(id, { failures: 0, attempts: 0 });
      if (name !== undefined) lastVisitOf.set(name, id);
    } else if (type === 'MapIterationStarted' && event.mapIterationStartedEventDetails) {
      const { name, index } = event.mapIterationStartedEventDetails;
      scopes.set(id, { ...(name !== undefined ? { parentState: name } : {}), ...(index !== undefined ? { mapIndex: index } : {}) });
    } else if (stateEvent?.kind === 'StateExited') {
      const name = event.stateExitedEventDetails?.name;
      const visitId = name !== undefined ? lastVisitOf.get(name) : undefined;
      const scope = (visitId !== undefined ? scopes.get(visitId) : undefined) ?? {
        ...inherited(parent),
        ...(name !== undefined ? { stateName: name } : {}),
        stateType: stateEvent.stateType,
      };
      ownScopes.set(id, scope);
      // After a state exits, the next state belongs to the same branch or iteration, not to this state.
      scopes.set(id, inherited(scope));
    } else {
      scopes.set(id, parent);
      const details = detailsOf(event);
      if (ATTEMPT_START.test(type) && parent.visit !== undefined && details.resource !== undefined) {
        const visit = visits.get(parent.visit);
        if (visit) visit.resource = details.resourceType !== undefined ? `arn:aws:states:::${details.resourceType}:${details.resource}` : details.resource;
      }
    }
  }

  const out: HistoryEvent[] = [];
  const pendingCatch = new Map<number, HistoryEvent[]>();
  for (const event of events) {
    const id = event.id ?? 0;
    const type = event.type ?? '';
    const timestamp = event.timestamp ?? new Date(0);
    const details = detailsOf(event);
    const stateEvent = stateEventType(type);
    const scope = ownScopes.get(id) ?? scopeOf(event);
    const visit = scope.visit !== undefined ? visits.get(scope.visit) : undefined;
    const stateFields = (): Record<string, unknown> => ({
      ...(scope.stateName !== undefined ? { stateName: scope.stateName } : {}),
      ...(scope.stateType !== undefined ? { stateType: scope.stateType } : {}),
      ...(visit?.resource !== undefined ? { resource: visit.resource } : {}),
      ...(scope.parentState !== undefined ? { parentState: scope.parentState } : {}),
      ...(scope.mapIndex !== undefined ? { mapIndex: scope.mapIndex } : {}),
    });
    const push = (eventType: HistoryEventType, fields: Record<string, unknown>): void => {
      out.push({ type: eventType, timestamp, ...fields } as unknown as HistoryEvent);
    };
    const failure = {
      ...(details.error !== undefined ? { error: details.error } : {}),
      ...(details.cause !== undefined ? { cause: details.cause } : {}),
    };

    if (stateEvent?.kind === 'StateEntered') {
      // A visit after a caught failure: the catcher's Next is this state.
      for (const [visitId, caught] of pendingCatch) {
        if (scopes.get(visitId)?.parentState === scope.parentState && scopes.get(visitId)?.mapIndex === scope.mapIndex) {
          for (const entry of caught) (entry as { next?: string }).next = scope.stateName;
          pendingCatch.delete(visitId);
        }
      }
      push('StateEntered', { ...stateFields(), ...(details.input !== undefined ? { input: parseJson(details.input) } : {}) });
    } else if (stateEvent?.kind === 'StateExited') {
      if (visit && visit.failures > visit.attempts - 1 && visit.failures > 0 && scope.visit !== undefined) {
        push('StateCaught', stateFields());
        pendingCatch.set(scope.visit, [out[out.length - 1] as HistoryEvent]);
      }
      push('StateExited', { ...stateFields(), ...(details.output !== undefined ? { output: parseJson(details.output) } : {}) });
    } else if (type === 'ExecutionStarted') {
      push('ExecutionStarted', details.input !== undefined ? { input: parseJson(details.input) } : {});
    } else if (type === 'ExecutionSucceeded') {
      push('ExecutionSucceeded', details.output !== undefined ? { output: parseJson(details.output) } : {});
    } else if (type === 'ExecutionFailed' || type === 'ExecutionAborted' || type === 'ExecutionTimedOut') {
      // A Fail state is entered and the execution fails: the local runner reports the state's failure too.
      if (type === 'ExecutionFailed' && scope.stateType === 'Fail') push('StateFailed', { ...stateFields(), ...failure });
      push(type, failure);
    } else if (type === 'MapIterationStarted' || type === 'MapIterationSucceeded' || type === 'MapIterationFailed') {
      const iteration = event.mapIterationStartedEventDetails ?? event.mapIterationSucceededEventDetails ?? event.mapIterationFailedEventDetails;
      push(type, {
        ...(iteration?.name !== undefined ? { parentState: iteration.name } : {}),
        ...(iteration?.index !== undefined ? { mapIndex: iteration.index } : {}),
      });
    } else if (ATTEMPT_START.test(type) && visit) {
      visit.attempts += 1;
      if (visit.attempts > 1) push('StateRetried', { ...stateFields(), retryAttempt: visit.attempts - 1 });
    } else if (ATTEMPT_FAILURE.test(type) && visit && !type.startsWith('Execution') && !type.startsWith('MapIteration')) {
      visit.failures += 1;
      push('StateFailed', { ...stateFields(), ...failure });
    }
  }
  return out;
}

function inherited(scope: EventScope): EventScope {
  return {
    ...(scope.parentState !== undefined ? { parentState: scope.parentState } : {}),
    ...(scope.mapIndex !== undefined ? { mapIndex: scope.mapIndex } : {}),
  };
}

/**
 * The ARN of a state machine named by a test: an ARN as it is; else the value
 * of the stack output with that key; else the deployed state machine of that
 * name (ListStateMachines, every page).
 *
 * @example
 * const arn = await resolveStateMachineArn('OrderFlow', { outputs: stack.outputs, client });
 */
export async function resolveStateMachineArn(
  nameOrArn: string,
  options: { readonly outputs?: Readonly<Record<string, string>>; readonly client?: SFNClient } = {},
): Promise<string> {
  if (STATE_MACHINE_ARN.test(nameOrArn)) return nameOrArn;
  const output = options.outputs?.[nameOrArn];
  if (output !== undefined) return output;
  const client = options.client ?? new SFNClient({});
  const known: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand(nextToken !== undefined ? { nextToken } : {}));
    for (const machine of page.stateMachines ?? []) {
      if (machine.name === nameOrArn && machine.stateMachineArn !== undefined) return machine.stateMachineArn;
      if (machine.name !== undefined) known.push(machine.name);
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  throw new StateMachineNotFoundError(nameOrArn, Object.keys(options.outputs ?? {}), known);
}
