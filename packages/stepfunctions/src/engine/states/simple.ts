import { STATES_ERRORS, statePrefix } from '../errors/names.js';
import { applyPath, resolveReference } from '../ql/jsonpath.js';
import { evaluatePayloadTemplate } from '../ql/payload.js';
import { evaluateJsonataTemplate, isJsonataExpression } from '../ql/template.js';
import {
  bindingsOf,
  effectiveInput,
  exitState,
  finishState,
  jsonTypeName,
  location,
  nextOf,
  scopeOf,
  sleep,
  type StateExit,
  type StateRun,
} from '../run.js';
import { StateFailure, type Json } from '../types.js';
import { timestampMs } from './choice-rules.js';

/**
 * Pass: JSONPath InputPath → Parameters → Result → ResultPath → OutputPath;
 * JSONata Output (default: the input). Assign reads the state's result.
 */
export async function runPass(run: StateRun): Promise<StateExit> {
  if (run.language === 'JSONata') {
    const { output, assigned } = await finishState(run, run.input, { defaultOutputIsResult: false });
    return exitState(run, output, assigned, nextOf(run.state));
  }
  const effective = await effectiveInput(run, { parameters: true });
  const result = 'Result' in run.state ? (run.state.Result as Json) : effective;
  const { output, assigned } = await finishState(run, result, { defaultOutputIsResult: true });
  return exitState(run, output, assigned, nextOf(run.state));
}

/** Succeed: InputPath → OutputPath, or Output. */
export async function runSucceed(run: StateRun): Promise<StateExit> {
  if (run.language === 'JSONata') {
    const { output } = await finishState(run, run.input, { defaultOutputIsResult: false });
    return exitState(run, output, undefined, undefined);
  }
  const scope = scopeOf(run);
  const selected = applyPath('InputPath', run.state.InputPath as string | null | undefined, run.input, scope, location(run));
  const output = applyPath('OutputPath', run.state.OutputPath as string | null | undefined, selected, scope, location(run));
  return exitState(run, output, undefined, undefined);
}

/**
 * Fail: the execution (or branch) fails with Error and Cause: literals,
 * `ErrorPath` / `CausePath` (a path or an intrinsic function, read from the
 * state input) or JSONata expressions. Absent ones stay absent.
 */
export async function runFail(run: StateRun): Promise<never> {
  const state = run.state;
  let error: string | undefined;
  let cause: string | undefined;
  if (run.language === 'JSONata') {
    error = await failField(run, 'Error', state.Error);
    cause = await failField(run, 'Cause', state.Cause);
  } else {
    error = typeof state.Error === 'string' ? state.Error : readFailPath(run, 'ErrorPath', state.ErrorPath);
    cause = typeof state.Cause === 'string' ? state.Cause : readFailPath(run, 'CausePath', state.CausePath);
  }
  throw new StateFailure(error, cause);
}

async function failField(run: StateRun, field: 'Error' | 'Cause', value: unknown): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (!isJsonataExpression(value)) return typeof value === 'string' ? value : undefined;
  const result = await evaluateJsonataTemplate(value, bindingsOf(run), { location: location(run), field });
  if (typeof result !== 'string') {
    throw new StateFailure(
      STATES_ERRORS.QueryEvaluationError,
      `${statePrefix(run.name, run.enteredEventId)}The JSONata expression '${value.replace(/^\{%\s*|\s*%\}$/g, '')}' specified for the field '${field}' returned an unexpected result type. Expected 'string', but was '${jsonTypeName(result)}' for value: ${JSON.stringify(result)}`,
    );
  }
  return result;
}

function readFailPath(run: StateRun, field: 'ErrorPath' | 'CausePath', path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  // A path or an intrinsic function, evaluated as a payload template field would be.
  const value = evaluatePayloadTemplate({ [`${field}.$`]: path }, run.input, scopeOf(run), location(run), field) as Record<string, Json>;
  const result = value[field];
  if (typeof result !== 'string') {
    throw new StateFailure(
      STATES_ERRORS.Runtime,
      `${statePrefix(run.name, run.enteredEventId)}The ${field} field refers to value ${JSON.stringify(result)} which is not a string: ${path}`,
    );
  }
  return result;
}

/** The longest a Wait state may wait: a year, as an execution's life. */
const MAX_WAIT_SECONDS = 31_536_000;

/**
 * Wait: Seconds, SecondsPath, Timestamp or TimestampPath (JSONata: Seconds
 * or Timestamp expressions), on the execution's clock; then OutputPath / Output.
 */
export async function runWait(run: StateRun): Promise<StateExit> {
  const effective = run.language === 'JSONata' ? run.input : await effectiveInput(run, { parameters: false });
  const until = await waitUntil(run, effective);
  await sleep(run, until - run.env.clock.now());
  if (run.language === 'JSONata') {
    const { output, assigned } = await finishState(run, run.input, { defaultOutputIsResult: false });
    return exitState(run, output, assigned, nextOf(run.state));
  }
  const { output, assigned } = await finishState(run, effective, { defaultOutputIsResult: true, jsonPathResult: false });
  return exitState(run, output, assigned, nextOf(run.state));
}

async function waitUntil(run: StateRun, effective: Json): Promise<number> {
  const state = run.state;
  const prefix = statePrefix(run.name, run.enteredEventId);
  const now = run.env.clock.now();
  const jsonata = run.language === 'JSONata';
  if (state.Seconds !== undefined || state.SecondsPath !== undefined) {
    let seconds: unknown;
    const secondsExpression = state.Seconds;
    if (jsonata && isJsonataExpression(secondsExpression)) {
      seconds = await evaluateJsonataTemplate(secondsExpression, bindingsOf(run), { location: location(run), field: 'Seconds' });
      if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
        throw new StateFailure(
          STATES_ERRORS.QueryEvaluationError,
          `${prefix}The JSONata expression '${secondsExpression.replace(/^\{%\s*|\s*%\}$/g, '')}' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '${jsonTypeName(seconds)}' for value: ${JSON.stringify(seconds)}`,
        );
      }
    } else if (state.Seconds !== undefined) {
      seconds = state.Seconds;
    } else {
      const path = state.SecondsPath as string;
      const read = resolveReference(path, effective, scopeOf(run));
      if (!read.found) throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}Invalid path '${path}' : ${read.reason}`);
      seconds = read.value;
      if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
        throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}The SecondsPath parameter cannot be parsed as a long value: ${path} == ${JSON.stringify(seconds)}`);
      }
      if (seconds < 0) throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}The SecondsPath parameter references a negative value: ${path} == ${seconds}`);
    }
    const value = seconds as number;
    if (value > MAX_WAIT_SECONDS) throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}Wait state delay is too long.`);
    return now + Math.max(0, value) * 1000;
  }
  let timestamp: unknown;
  let field = 'Timestamp';
  let shownAs: string | undefined;
  if (jsonata && isJsonataExpression(state.Timestamp)) {
    timestamp = await evaluateJsonataTemplate(state.Timestamp, bindingsOf(run), { location: location(run), field: 'Timestamp' });
  } else if (state.Timestamp !== undefined) {
    timestamp = state.Timestamp;
  } else if (typeof state.TimestampPath === 'string') {
    field = 'TimestampPath';
    const read = resolveReference(state.TimestampPath, effective, scopeOf(run));
    if (!read.found) throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}Invalid path '${state.TimestampPath}' : ${read.reason}`);
    timestamp = read.value;
    shownAs = `${state.TimestampPath} == ${typeof timestamp === 'string' ? timestamp : JSON.stringify(timestamp)}`;
  } else {
    return now;
  }
  const ms = timestampMs(timestamp as Json);
  if (ms === undefined) {
    throw new StateFailure(
      jsonata ? STATES_ERRORS.QueryEvaluationError : STATES_ERRORS.Runtime,
      `${prefix}The ${field} parameter does not reference a valid ISO-8601 extended offset date-time format string: ${shownAs ?? (typeof timestamp === 'string' ? timestamp : JSON.stringify(timestamp))}`,
    );
  }
  if ((ms - now) / 1000 > MAX_WAIT_SECONDS) throw new StateFailure(STATES_ERRORS.Runtime, `${prefix}Wait state delay is too long.`);
  return ms;
}
