import { isRecord } from '@harness/core';
import type { AslDefinition, AslState } from './definition.js';
import { UnsupportedFeatureError } from './errors.js';

/**
 * Rewrites a definition so that aws-local-stepfunctions 3.0.0 runs it the way
 * Step Functions would. Each rewrite closes a gap measured on that version
 * (see the package README, "What the interpreter lacks"):
 *
 * - `Task` timeouts are the harness's: the interpreter's default of 60 s (AWS:
 *   none) and its `States.Timeout` cause are replaced by the task handler's own.
 * - `$$.Task.Token` in a `.waitForTaskToken` state's `Parameters` becomes a
 *   placeholder the task handler replaces with a fresh token per state entry.
 * - `$$.Execution.Input` / `$$.Execution.StartTime` read the execution's values
 *   also inside `Map` and `Parallel` (the interpreter gives the branch input there).
 * - `ResultPath: "$"` replaces the input (the interpreter writes a key named `$`).
 * - A `Pass` state with a falsy `Result` (0, false, "", null) outputs it (the interpreter passes the input on).
 * - A `Fail` state without `Cause` (or `Error`) fails without one (the interpreter invents both).
 */

/** Where the harness's own handlers stand in for a state; never routed to an integration. */
export const INTERNAL_RESOURCE = {
  pass: 'arn:aws:states:::harness:passResult',
  fail: 'arn:aws:states:::harness:fail',
} as const;

/**
 * Timeout the interpreter applies to every `Task` state after the rewrite. The
 * harness enforces the state's real `TimeoutSeconds`; this only has to be
 * longer than any test and fit a Node timer (2^31 - 1 ms ≈ 24.8 days).
 */
export const INTERPRETER_TASK_TIMEOUT_SECONDS = 2_000_000;

/** Context key the rewritten `$$.Execution.Input` / `StartTime` paths read. */
export const EXECUTION_CONTEXT_KEY = 'HarnessExecution';

/** A `Task` state as the task handler needs to know it. */
export interface TaskStateInfo {
  readonly name: string;
  readonly resource: string;
  /** `.waitForTaskToken`: the state waits for a callback on its task token. */
  readonly callback: boolean;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
}

export interface PreparedDefinition {
  /** What the interpreter runs. */
  readonly definition: AslDefinition;
  /** Every `Task` state of the workflow (branches and Map processors included), by name. */
  readonly tasks: ReadonlyMap<string, TaskStateInfo>;
  /** `Pass` states whose falsy `Result` the harness returns itself. */
  readonly passResults: ReadonlyMap<string, unknown>;
  /** `Fail` states the harness fails itself (with exactly their Error / Cause). */
  readonly failStates: ReadonlySet<string>;
  /** The type each state has in the original definition (history reports these). */
  readonly stateTypes: ReadonlyMap<string, string>;
  /** States with `Retry`, and `Wait` states (for the interval overrides). */
  readonly retryStates: readonly string[];
  readonly waitStates: readonly string[];
}

interface Collector {
  readonly placeholder: string;
  readonly tasks: Map<string, TaskStateInfo>;
  readonly passResults: Map<string, unknown>;
  readonly failStates: Set<string>;
  readonly stateTypes: Map<string, string>;
  readonly retryStates: string[];
  readonly waitStates: string[];
}

/**
 * Checks the definition uses nothing the interpreter would get silently wrong,
 * and rewrites it for the interpreter.
 *
 * @param placeholder - stands for `$$.Task.Token` until a state is entered; must not occur in the workflow's data.
 * @throws {UnsupportedFeatureError} JSONata, `Assign` variables, distributed Map readers/writers, `*SecondsPath` timeouts.
 */
export function prepareDefinition(definition: AslDefinition, placeholder: string): PreparedDefinition {
  const collector: Collector = {
    placeholder,
    tasks: new Map(),
    passResults: new Map(),
    failStates: new Set(),
    stateTypes: new Map(),
    retryStates: [],
    waitStates: [],
  };
  const prepared = prepareMachine(definition, collector);
  return { definition: prepared, ...collector };
}

function prepareMachine(machine: AslDefinition, collector: Collector): AslDefinition {
  if (machine.QueryLanguage === 'JSONata') {
    throw jsonata('the definition');
  }
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(machine.States)) {
    states[name] = prepareState(name, state, collector);
  }
  const { QueryLanguage: _queryLanguage, ...rest } = machine;
  return { ...rest, States: states };
}

function prepareState(name: string, original: AslState, collector: Collector): AslState {
  assertSupported(name, original);
  collector.stateTypes.set(name, original.Type);
  const state: Record<string, unknown> = { ...original };

  for (const [field, value] of Object.entries(state)) {
    if (isPathField(field) && typeof value === 'string') state[field] = rewriteContextPaths(value);
  }
  if (typeof state.ResultPath === 'string') {
    const resultPath = normaliseResultPath(state.ResultPath);
    if (resultPath === '$') delete state.ResultPath;
    else state.ResultPath = resultPath;
  }
  if (Array.isArray(state.Catch)) {
    state.Catch = state.Catch.map((catcher: unknown) => {
      if (!isRecord(catcher) || typeof catcher.ResultPath !== 'string') return catcher;
      const resultPath = normaliseResultPath(catcher.ResultPath);
      const { ResultPath: _resultPath, ...rest } = catcher;
      return resultPath === '$' ? rest : { ...rest, ResultPath: resultPath };
    });
  }
  if (Array.isArray(state.Retry) && state.Retry.length > 0) collector.retryStates.push(name);
  if (Array.isArray(state.Choices)) state.Choices = state.Choices.map(rewriteChoiceRule);

  const callback = original.Type === 'Task' && typeof original.Resource === 'string' && original.Resource.endsWith('.waitForTaskToken');
  for (const field of ['Parameters', 'ItemSelector', 'ResultSelector'] as const) {
    if (state[field] !== undefined) state[field] = rewriteTemplate(state[field], name, field === 'Parameters' && callback ? collector.placeholder : undefined);
  }

  switch (original.Type) {
    case 'Task': {
      collector.tasks.set(name, {
        name,
        resource: original.Resource as string,
        callback,
        ...(typeof original.TimeoutSeconds === 'number' ? { timeoutSeconds: original.TimeoutSeconds } : {}),
        ...(typeof original.HeartbeatSeconds === 'number' ? { heartbeatSeconds: original.HeartbeatSeconds } : {}),
      });
      delete state.HeartbeatSeconds;
      state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
      return state as AslState;
    }
    case 'Parallel':
      state.Branches = (original.Branches as AslDefinition[]).map((branch) => prepareMachine(branch, collector));
      return state as AslState;
    case 'Map':
      for (const field of ['ItemProcessor', 'Iterator'] as const) {
        if (isRecord(original[field])) state[field] = prepareMachine(original[field] as AslDefinition, collector);
      }
      return state as AslState;
    case 'Wait':
      collector.waitStates.push(name);
      return state as AslState;
    case 'Pass':
      if ('Result' in original && !original.Result) {
        collector.passResults.set(name, original.Result);
        return internalTask(state, INTERNAL_RESOURCE.pass, undefined, ['Comment', 'InputPath', 'ResultPath', 'OutputPath', 'Next', 'End']);
      }
      return state as AslState;
    case 'Fail': {
      collector.failStates.add(name);
      const parameters: Record<string, unknown> = {};
      if (typeof state.ErrorPath === 'string') parameters['error.$'] = state.ErrorPath;
      else if (typeof state.Error === 'string') parameters.error = state.Error;
      if (typeof state.CausePath === 'string') parameters['cause.$'] = state.CausePath;
      else if (typeof state.Cause === 'string') parameters.cause = state.Cause;
      return internalTask({ ...state, End: true }, INTERNAL_RESOURCE.fail, parameters, ['Comment', 'End']);
    }
    default:
      return state as AslState;
  }
}

/** A `Task` on an internal resource with the fields of the state it replaces that still apply. */
function internalTask(state: Record<string, unknown>, resource: string, parameters: Record<string, unknown> | undefined, keep: readonly string[]): AslState {
  const task: Record<string, unknown> = { Type: 'Task', Resource: resource, TimeoutSeconds: INTERPRETER_TASK_TIMEOUT_SECONDS };
  for (const field of keep) if (state[field] !== undefined) task[field] = state[field];
  if (parameters !== undefined) task.Parameters = parameters;
  return task as AslState;
}

function assertSupported(name: string, state: AslState): void {
  const where = `State "${name}"`;
  if (state.QueryLanguage === 'JSONata') throw jsonata(where);
  for (const field of ['Arguments', 'Output', 'Condition', 'Items'] as const) {
    if (state[field] !== undefined) throw jsonata(`${where} (field ${field})`);
  }
  const assigns =
    state.Assign !== undefined ||
    (Array.isArray(state.Catch) && state.Catch.some((catcher: unknown) => isRecord(catcher) && catcher.Assign !== undefined)) ||
    (Array.isArray(state.Choices) && state.Choices.some((rule: unknown) => isRecord(rule) && rule.Assign !== undefined));
  if (assigns) {
    throw new UnsupportedFeatureError(
      'Assign (workflow variables)',
      where,
      'pass the values through the state input / ResultPath instead, or run this workflow on the aws target; the interpreter ignores Assign and then fails on the first $variable',
    );
  }
  for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath'] as const) {
    if (state[field] !== undefined) {
      throw new UnsupportedFeatureError(field, where, `use ${field.replace('Path', '')} with a fixed number of seconds`);
    }
  }
  if (state.Type === 'Map') {
    for (const field of ['ItemReader', 'ResultWriter', 'ItemBatcher', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount', 'ToleratedFailureCountPath'] as const) {
      if (state[field] !== undefined) {
        throw new UnsupportedFeatureError(
          `the distributed Map field ${field}`,
          where,
          'give the Map its items in the state input (ItemsPath) and test the reader / writer / batching on the aws target',
        );
      }
    }
  }
}

function jsonata(where: string): UnsupportedFeatureError {
  return new UnsupportedFeatureError(
    'JSONata (QueryLanguage "JSONata", Arguments, Output, Condition)',
    where,
    'write the state with JSONPath (Parameters, ResultSelector, ResultPath, OutputPath), or run this workflow on the aws target; the interpreter would ignore the JSONata fields and give wrong results',
  );
}

function isPathField(field: string): boolean {
  return field.endsWith('Path') || field === 'Variable';
}

function rewriteChoiceRule(rule: unknown): unknown {
  if (Array.isArray(rule)) return rule.map(rewriteChoiceRule);
  if (!isRecord(rule)) return rule;
  return Object.fromEntries(
    Object.entries(rule).map(([field, value]) => {
      if (isPathField(field) && typeof value === 'string') return [field, rewriteContextPaths(value)];
      if (field === 'And' || field === 'Or' || field === 'Not') return [field, rewriteChoiceRule(value)];
      return [field, value];
    }),
  );
}

/**
 * Rewrites the paths of a payload template (`"key.$"` values, at any depth,
 * arrays included). With a `placeholder`, `$$.Task.Token` becomes it: a
 * `"key.$": "$$.Task.Token"` turns into `"key": placeholder`, and inside an
 * intrinsic function (`States.Format('…', $$.Task.Token)`) into a string literal.
 */
function rewriteTemplate(template: unknown, stateName: string, placeholder: string | undefined): unknown {
  if (Array.isArray(template)) return template.map((item) => rewriteTemplate(item, stateName, placeholder));
  if (!isRecord(template)) return template;
  const rewritten: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      const path = value.trim();
      if (placeholder !== undefined && path === '$$.Task.Token') {
        rewritten[key.slice(0, -2)] = placeholder;
      } else if (path === '$$.State.Name') {
        rewritten[key.slice(0, -2)] = stateName;
      } else {
        let expression = rewriteContextPaths(value);
        if (placeholder !== undefined) expression = expression.replace(/\$\$\.Task\.Token(?![\w.[])/g, `'${placeholder}'`);
        rewritten[key] = expression;
      }
    } else {
      rewritten[key] = rewriteTemplate(value, stateName, placeholder);
    }
  }
  return rewritten;
}

function rewriteContextPaths(path: string): string {
  return path.replace(/\$\$\.Execution\.(Input|StartTime)(?![\w])/g, `$$$$.${EXECUTION_CONTEXT_KEY}.$1`);
}

/** `$['field']…` → `$.field…`: the interpreter mishandles a ResultPath that starts with a bracket. */
function normaliseResultPath(path: string): string {
  const trimmed = path.trim();
  const bracket = /^\$\[(['"])([A-Za-z_][A-Za-z0-9_]*)\1\]/.exec(trimmed);
  if (bracket) return `$.${bracket[2]}${trimmed.slice(bracket[0].length)}`;
  return trimmed;
}

/** Replaces the placeholder in every string of a task's input with the state entry's token. */
export function substitutePlaceholder(value: unknown, placeholder: string, token: string): unknown {
  if (typeof value === 'string') return value.includes(placeholder) ? value.split(placeholder).join(token) : value;
  if (Array.isArray(value)) return value.map((item) => substitutePlaceholder(item, placeholder, token));
  if (isRecord(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, substitutePlaceholder(inner, placeholder, token)]));
  }
  return value;
}
