import { StatesError } from '@harness/core';
import type { RunExecutionOptions } from './api.js';
import type { Clock } from './clock/clock.js';
import { contextObject, isoTime, type ExecutionContext, type MapItemContext } from './context/context-object.js';
import { MAX_PAYLOAD_BYTES, STATES_ERRORS, statePrefix } from './errors/names.js';
import { firstMatching, type Catcher, type FailureFacts, type Retrier } from './errors/retry-catch.js';
import type { HistoryEventType } from './history/events.js';
import { jsonText, type EventLog, type Frame } from './history/log.js';
import { applyPath, applyResultPath } from './ql/jsonpath.js';
import type { JsonataBindings } from './ql/jsonata.js';
import { evaluatePayloadTemplate } from './ql/payload.js';
import { evaluateJsonataTemplate } from './ql/template.js';
import { retryDelayMs } from './clock/backoff.js';
import type { MachineSpec, StateSpec } from './states/machine.js';
import { StateFailure, type EvaluationScope, type Json, type JsonObject, type ObjectStore, type QueryLanguage, type StateLocation } from './types.js';
import type { VariableScope } from './vars/scope.js';

/** What every state of one execution shares. */
export interface RunEnv {
  readonly options: RunExecutionOptions;
  readonly log: EventLog;
  readonly clock: Clock;
  readonly execution: ExecutionContext;
  readonly stateMachine: { readonly Id: string; readonly Name: string };
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  readonly random: () => number;
  readonly store: ObjectStore | undefined;
  /** Aborted when the execution has ended: a task state still waiting for its work stops it. */
  readonly ended: AbortSignal;
  /** Aborted when the execution is stopped or timed out: its states end without `…StateAborted` events. */
  readonly stopped: AbortSignal;
  /** Runs a machine's states; `env` defaults to this one (a distributed Map's child has its own history). */
  readonly runStates: (machine: MachineSpec, input: Json, branch: Branch, env?: RunEnv) => Promise<Json>;
}

/** One line of execution: the execution itself, a Parallel branch or a Map iteration. */
export interface Branch {
  readonly frame: Frame;
  readonly scope: VariableScope;
  readonly language: QueryLanguage;
  readonly signal: AbortSignal;
  readonly mapItem?: MapItemContext;
  /** What this line is, when it is not the execution itself. */
  readonly kind?: 'branch' | 'iteration';
}

/** One entry into one state. */
export interface StateRun {
  readonly env: RunEnv;
  readonly branch: Branch;
  readonly name: string;
  readonly state: StateSpec;
  readonly type: string;
  readonly language: QueryLanguage;
  /** The state's input, as it entered. */
  readonly input: Json;
  readonly enteredEventId: number;
  readonly enteredPreviousId: number;
  readonly enteredTime: number;
  retryCount: number;
  taskToken?: string;
  /** `$$` as last built, with the retry count and token it was built for (the context changes only with them). */
  context?: { readonly object: JsonObject; readonly retryCount: number; readonly taskToken: string | undefined; readonly mapItem: MapItemContext | undefined };
}

/** What a state hands on: its output and where to go. */
export interface StateExit {
  readonly output: Json;
  /** Absent when the state ends its machine. */
  readonly next?: string;
}

/** The branch stopped because the execution (or a sibling) did; not a workflow outcome. */
export class BranchAborted extends Error {
  constructor() {
    super('aborted');
  }
}

/**
 * The one BranchAborted every abort uses: aborting happens on every task's
 * way out, and an Error's stack trace costs more than the rest of a state.
 */
export const BRANCH_ABORTED: BranchAborted = (() => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new BranchAborted();
  } finally {
    Error.stackTraceLimit = limit;
  }
})();

export function location(run: StateRun): StateLocation {
  return { stateName: run.name, enteredEventId: run.enteredEventId };
}

/** `$$` for the state, as it is now (retry count, token). */
export function contextOf(run: StateRun): JsonObject {
  const cached = run.context;
  if (cached && cached.retryCount === run.retryCount && cached.taskToken === run.taskToken && cached.mapItem === run.branch.mapItem) return cached.object;
  const object = buildContext(run);
  run.context = { object, retryCount: run.retryCount, taskToken: run.taskToken, mapItem: run.branch.mapItem };
  return object;
}

function buildContext(run: StateRun): JsonObject {
  return contextObject({
    execution: run.env.execution,
    stateMachine: run.env.stateMachine,
    state: { Name: run.name, EnteredTime: isoTime(run.enteredTime), RetryCount: run.retryCount },
    ...(run.taskToken !== undefined ? { taskToken: run.taskToken } : {}),
    ...(run.branch.mapItem !== undefined ? { mapItem: run.branch.mapItem } : {}),
  });
}

export function scopeOf(run: StateRun, context: JsonObject = contextOf(run)): EvaluationScope {
  return { context, variables: run.branch.scope };
}

export function bindingsOf(run: StateRun, extra: { result?: Json; errorOutput?: Json } = {}): JsonataBindings {
  return {
    states: {
      input: run.input,
      context: contextOf(run),
      ...(extra.result !== undefined ? { result: extra.result } : {}),
      ...(extra.errorOutput !== undefined ? { errorOutput: extra.errorOutput } : {}),
    },
    variables: run.branch.scope.all(),
    now: () => run.env.clock.now(),
    random: run.env.random,
  };
}

/** Reads a failure from anything an integration or a module threw; other errors are the harness's. */
export function asFailure(thrown: unknown): StateFailure | undefined {
  if (thrown instanceof StateFailure) return thrown;
  if (thrown instanceof StatesError) return new StateFailure(thrown.error, thrown.cause);
  return undefined;
}

/** `error` / `cause` for an event's details; an empty cause is left out, as AWS's events leave it. */
export function failureDetails(failure: StateFailure): { error?: string; cause?: string } {
  return {
    ...(failure.error !== undefined ? { error: failure.error } : {}),
    ...(failure.failureCause !== undefined && failure.failureCause !== '' ? { cause: failure.failureCause } : {}),
  };
}

export function errorOutput(failure: StateFailure): JsonObject {
  return { Error: failure.error ?? null, Cause: failure.failureCause ?? null };
}

/**
 * Fails with DataLimitExceeded when a payload is over 256 KiB, naming what
 * AWS names (terminal for a state's own output). Returns the payload's JSON
 * text, which the history event carries.
 */
export function checkSize(value: Json, what: string, terminal = false): string {
  const text = jsonText(value);
  if (text.length <= MAX_PAYLOAD_BYTES / 3) return text;
  if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
    const failure = new StateFailure(
      STATES_ERRORS.DataLimitExceeded,
      `The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
    if (terminal) Object.defineProperty(failure, 'terminal', { value: true });
    throw failure;
  }
  return text;
}

/** Waits on the execution's clock, or stops when the branch is aborted. */
export async function sleep(run: StateRun, ms: number): Promise<void> {
  if (ms <= 0) return;
  try {
    await run.env.clock.sleep(ms, run.branch.signal);
  } catch (error) {
    if (run.branch.signal.aborted) throw BRANCH_ABORTED;
    throw error;
  }
}

// ----- the output side of a state, both query languages -----

/**
 * From the state's result to its output, and the variables it assigns
 * (computed from the values before the state, committed after).
 *
 * JSONPath: ResultSelector → (Assign reads this result) → ResultPath into the raw input → OutputPath.
 * JSONata: Assign and Output both read `$states.result`; the default Output is
 * the result for Task, Parallel and Map, the input for the other types.
 */
export async function finishState(
  run: StateRun,
  result: Json,
  options: {
    readonly resultSelector?: boolean;
    readonly defaultOutputIsResult: boolean;
    readonly assign?: unknown;
    readonly output?: unknown;
    readonly jsonPathResult?: boolean;
    /** Where Output / Assign sit, for error texts: `Choices[0]/` for a Choice rule's. */
    readonly fieldPrefix?: string;
  },
): Promise<{ output: Json; assigned?: Record<string, Json> }> {
  const state = run.state;
  // A Choice rule passes its own Assign / Output (possibly absent): the state's then do not apply.
  const assignSpec = 'assign' in options ? options.assign : state.Assign;
  if (run.language === 'JSONata') {
    const bindings = bindingsOf(run, { result });
    const prefix = options.fieldPrefix ?? '';
    const assigned = assignSpec !== undefined && assignSpec !== null ? await evaluateAssign(run, assignSpec, bindings, `${prefix}Assign`) : undefined;
    const outputSpec = 'output' in options ? options.output : state.Output;
    const output =
      outputSpec !== undefined
        ? await evaluateJsonataTemplate(outputSpec as Json, bindings, { location: location(run), field: `${prefix}Output` })
        : options.defaultOutputIsResult
          ? result
          : run.input;
    return assigned !== undefined ? { output, assigned } : { output };
  }
  const scope = scopeOf(run);
  let selected = result;
  if (options.resultSelector && state.ResultSelector !== undefined) {
    selected = evaluatePayloadTemplate(state.ResultSelector as Json, result, scope, location(run), 'ResultSelector');
  }
  const assigned = assignSpec !== undefined && assignSpec !== null ? evaluateAssignJsonPath(run, assignSpec, selected, scope) : undefined;
  let combined: Json;
  if (options.jsonPathResult === false) combined = selected;
  else combined = applyResultPath(run.input, state.ResultPath as string | null | undefined, selected, location(run));
  const output = applyPath('OutputPath', state.OutputPath as string | null | undefined, combined, scope, location(run));
  return assigned !== undefined ? { output, assigned } : { output };
}

export async function evaluateAssign(run: StateRun, assign: unknown, bindings: JsonataBindings, field = 'Assign'): Promise<Record<string, Json>> {
  const evaluated = await evaluateJsonataTemplate(assign as Json, bindings, { location: location(run), field });
  return evaluated !== null && typeof evaluated === 'object' && !Array.isArray(evaluated) ? (evaluated as Record<string, Json>) : {};
}

function evaluateAssignJsonPath(run: StateRun, assign: unknown, data: Json, scope: EvaluationScope): Record<string, Json> {
  const evaluated = evaluatePayloadTemplate(assign as Json, data, scope, location(run), 'Assign');
  return evaluated !== null && typeof evaluated === 'object' && !Array.isArray(evaluated) ? (evaluated as Record<string, Json>) : {};
}

/** Emits `<Type>StateExited` and commits the state's variables. */
export function exitState(run: StateRun, output: Json, assigned: Record<string, Json> | undefined, next: string | undefined): StateExit {
  const text = checkSize(output, run.name, true);
  if (assigned !== undefined) run.branch.scope.commit(assigned, location(run));
  const details: Record<string, unknown> = { name: run.name, output: text, outputDetails: { truncated: false } };
  if (assigned !== undefined && Object.keys(assigned).length > 0) {
    details.assignedVariables = Object.fromEntries(Object.entries(assigned).map(([name, value]) => [name, jsonText(value)]));
    details.assignedVariablesDetails = { truncated: false };
  }
  run.env.log.add(run.branch.frame, `${run.type}StateExited` as HistoryEventType, details);
  return next !== undefined ? { output, next } : { output };
}

/** The state's `Next`, or nothing when it has `End: true`. */
export function nextOf(state: StateSpec): string | undefined {
  return typeof state.Next === 'string' ? state.Next : undefined;
}

// ----- Retry and Catch (Task, Parallel, Map) -----

/**
 * Runs a state's attempts under its Retry clauses, then its Catch clauses:
 * - a failure a retrier takes, with attempts left, waits (on the clock) and runs the attempt again;
 * - otherwise the first catcher that takes it hands `{Error, Cause}` on (ResultPath / Output / Assign) to its Next;
 * - otherwise the failure leaves the state.
 * `States.Runtime` is never retried or caught.
 */
export async function withRetryAndCatch(
  run: StateRun,
  attempt: () => Promise<StateExit>,
  options: { readonly failedEvent?: HistoryEventType } = {},
): Promise<StateExit> {
  const retriers = (run.state.Retry as Retrier[] | undefined) ?? [];
  const attemptsByRetrier = new Map<number, number>();
  for (;;) {
    try {
      return await attempt();
    } catch (thrown) {
      if (thrown instanceof BranchAborted) throw thrown;
      const failure = asFailure(thrown);
      if (!failure) throw thrown;
      const facts = factsOf(failure);
      const retry = firstMatching(retriers, failure.error, facts);
      if (retry) {
        const done = attemptsByRetrier.get(retry.index) ?? 0;
        const maxAttempts = retry.clause.MaxAttempts ?? 3;
        if (done < maxAttempts) {
          attemptsByRetrier.set(retry.index, done + 1);
          await sleep(run, retryDelayMs(retry.clause, done, run.env.random));
          run.retryCount++;
          continue;
        }
      }
      const caught = firstMatching(run.state.Catch as Catcher[] | undefined, failure.error, facts);
      // AWS's order for a failure that leaves the state: EvaluationFailed, then <Type>StateFailed, then the execution's event.
      if (!caught) reportEvaluationFailure(run, failure);
      // A States.Runtime failure ends the execution at once: no <Type>StateFailed (recorded AWS: a bad MaxConcurrencyPath).
      if (options.failedEvent && failure.error !== STATES_ERRORS.Runtime) run.env.log.add(run.branch.frame, options.failedEvent);
      if (!caught) throw failure;
      return catchFailure(run, failure, caught.clause, caught.index);
    }
  }
}

function factsOf(failure: StateFailure): FailureFacts {
  const marks = failure as { heartbeat?: boolean; terminal?: boolean };
  return { heartbeat: marks.heartbeat === true, terminal: marks.terminal === true };
}

/** Failures whose EvaluationFailed event is already in the history (the state that raised it wrote it). */
const reported = new WeakSet<object>();

/** `EvaluationFailed` for a QueryEvaluationError leaving its state (once; it points where the state's Entered event pointed). */
export function reportEvaluationFailure(run: StateRun, failure: StateFailure): void {
  if (failure.error !== STATES_ERRORS.QueryEvaluationError || reported.has(failure)) return;
  reported.add(failure);
  const field = (failure as { location?: string }).location ?? /specified for the field '([^']+)'/.exec(failure.failureCause ?? '')?.[1];
  run.env.log.add(
    run.branch.frame,
    'EvaluationFailed',
    {
      error: failure.error,
      ...(failure.failureCause !== undefined ? { cause: failure.failureCause } : {}),
      ...(field !== undefined ? { location: field } : {}),
      state: run.name,
    },
    run.enteredPreviousId,
  );
}

async function catchFailure(run: StateRun, failure: StateFailure, catcher: Catcher, index: number): Promise<StateExit> {
  const error = errorOutput(failure);
  const language = catcher.QueryLanguage === 'JSONata' || catcher.QueryLanguage === 'JSONPath' ? catcher.QueryLanguage : run.language;
  if (language === 'JSONata') {
    const bindings = bindingsOf(run, { errorOutput: error });
    const assigned = catcher.Assign !== undefined ? await evaluateAssign(run, catcher.Assign, bindings, `Catch[${index}]/Assign`) : undefined;
    const output =
      catcher.Output !== undefined
        ? await evaluateJsonataTemplate(catcher.Output as Json, bindings, { location: location(run), field: `Catch[${index}]/Output` })
        : error;
    return exitState(run, output, assigned, catcher.Next);
  }
  const scope = scopeOf(run);
  const assigned = catcher.Assign !== undefined ? evaluateAssignJsonPath(run, catcher.Assign, error, scope) : undefined;
  const output = applyResultPath(run.input, catcher.ResultPath, error, location(run));
  return exitState(run, output, assigned, catcher.Next);
}

// ----- numbers read from the definition or the input -----

/**
 * A whole number of seconds or a count, from its literal field, its `…Path`
 * (JSONPath) or a JSONata expression.
 */
export async function readInteger(
  run: StateRun,
  field: string,
  effectiveInput: Json,
  options: { readonly min?: number } = {},
): Promise<number | undefined> {
  const literal = run.state[field];
  const pathField = `${field}Path`;
  const path = run.state[pathField];
  let value: unknown;
  let source: string;
  if (typeof literal === 'string' && run.language === 'JSONata') {
    value = await evaluateJsonataTemplate(literal, bindingsOf(run), { location: location(run), field });
    source = field;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new StateFailure(
        STATES_ERRORS.QueryEvaluationError,
        `${statePrefix(run.name, run.enteredEventId)}The JSONata expression '${literal.replace(/^\{%\s*|\s*%\}$/g, '')}' specified for the field '${field}' returned an unexpected result type. Expected 'integer', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
      );
    }
  } else if (literal !== undefined) {
    return typeof literal === 'number' ? literal : undefined;
  } else if (typeof path === 'string') {
    value = applyPath(pathField, path, effectiveInput, scopeOf(run), location(run));
    source = pathField;
    // A numeric string counts (recorded AWS: MaxConcurrencyPath to a variable holding "1").
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) value = Number(value.trim());
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      throw new StateFailure(
        STATES_ERRORS.Runtime,
        `${statePrefix(run.name, run.enteredEventId)}The ${pathField} field refers to value "${shown}" which is not a valid integer: ${path}`,
      );
    }
  } else {
    return undefined;
  }
  if (options.min !== undefined && (value as number) < options.min) {
    throw new StateFailure(STATES_ERRORS.Runtime, `${statePrefix(run.name, run.enteredEventId)}The ${source} field must be at least ${options.min}: ${String(value)}`);
  }
  return value as number;
}

/** A value's type as AWS's cause texts name it (`number` for 1 too: recorded "but was 'number' for value: 1"). */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The state's language-specific input for its work: InputPath (+ Parameters) or Arguments. */
export async function effectiveInput(run: StateRun, options: { readonly parameters: boolean }): Promise<Json> {
  if (run.language === 'JSONata') {
    const args = run.state.Arguments;
    if (!options.parameters || args === undefined) return run.input;
    return evaluateJsonataTemplate(args as Json, bindingsOf(run), { location: location(run), field: 'Arguments' });
  }
  const scope = scopeOf(run);
  const selected = applyPath('InputPath', run.state.InputPath as string | null | undefined, run.input, scope, location(run));
  if (!options.parameters || run.state.Parameters === undefined) return selected;
  return evaluatePayloadTemplate(run.state.Parameters as Json, selected, scope, location(run), 'Parameters');
}

