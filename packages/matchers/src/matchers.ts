import { MatcherUsageError } from './errors.js';
import {
  attemptsOf,
  failureOf,
  nextVisit,
  parseJson,
  readHistory,
  retryIntervalsMs,
  type RunTree,
  type StateVisit,
} from './history.js';
import { matchesPartial, subsetOf } from './partial.js';
import { describeFailure, describePath, pathOf, shapePath, summariseCause } from './path.js';
import { describePicture, pictureOf } from './picture.js';
import type { DoubleLike, ExecutionLike, HistoryEvent, MatcherContext, MatcherResult, RetriedOptions } from './types.js';

const isAsymmetric = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';

function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') return 'a Promise';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).slice(0, 8).join(', ') || '(none)'}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function executionOf(matcher: string, received: unknown): ExecutionLike {
  const candidate = received as Partial<ExecutionLike> | null | undefined;
  if (candidate && typeof candidate === 'object' && typeof candidate.status === 'string' && Array.isArray(candidate.history)) return candidate as ExecutionLike;
  const promise = typeof (candidate as { then?: unknown } | null | undefined)?.then === 'function';
  throw new MatcherUsageError(
    matcher,
    `expected an execution (what harness.stepFunctions.execute or executeOnAws resolves with: status and history), but received ${describeReceived(received)}. ` +
      (promise ? 'To fix this, await it: expect(await harness.stepFunctions.execute(…)).' : 'To fix this, pass the execution itself: expect(run).') +
      `${matcher}(…).`,
  );
}

function doubleOf(matcher: string, received: unknown): DoubleLike {
  const candidate = received as Partial<DoubleLike> | null | undefined;
  if (candidate && typeof candidate === 'object' && Array.isArray(candidate.invocations)) return candidate as DoubleLike;
  throw new MatcherUsageError(
    matcher,
    `expected a harness mock (what mockFunction, mockTask, mockStateMachine or mockService return: it has invocations), but received ${describeReceived(received)}. ` +
      `To fix this, keep the mock: const render = await harness.ecs.mockTask(…); expect(render).${matcher}(…).`,
  );
}

function stateNameArgument(matcher: string, state: unknown, what = 'state'): string {
  if (typeof state === 'string' && state.length > 0) return state;
  throw new MatcherUsageError(matcher, `the ${what} must be a state's name (a non-empty string), not ${describeReceived(state)}. To fix this, write e.g. expect(run).${matcher}('ValidateOrder'…).`);
}

/** Names a double for messages: `ECS task RenderPdf`, `Lambda function ValidateOrder`… */
export function describeDouble(double: DoubleLike): string {
  const fields = double as { family?: unknown; functionName?: unknown; name?: unknown; resource?: unknown };
  if (typeof fields.family === 'string') return `ECS task double ${fields.family}`;
  if (typeof fields.functionName === 'string') return `Lambda function double ${fields.functionName}`;
  if (typeof fields.resource === 'string') return `service mock ${fields.resource}`;
  if (typeof fields.name === 'string') return `state machine double ${fields.name}`;
  return 'the double';
}

function hint(context: MatcherContext, matcher: string, received: string, expected: string): string {
  return context.utils.matcherHint(matcher, received, expected, { isNot: context.isNot, promise: context.promise ?? '' });
}

/**
 * What the run did, after the matcher's own lines: its path and failing state
 * as text and, when the assertion failed (not a `.not` one: the run did what
 * was expected), the run drawn on its graph as Mermaid text with the HTML
 * page written beside the report. `message()` only runs on a failed
 * assertion, so a passing one writes nothing.
 */
function runReport(run: ExecutionLike, context?: MatcherContext, pass?: boolean): string {
  const failure = describeFailure(run);
  const text = `Path the execution took:\n${indent(describePath(run))}${failure ? `\n\n${failure}` : ''}`;
  if (!context || pass !== false) return text;
  return `${text}\n\n${describePicture(pictureOf(run, context.currentTestName))}`;
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

function statusText(run: ExecutionLike): string {
  const why = [run.error, run.cause === undefined ? undefined : summariseCause(run.cause, 200)].filter((part) => part !== undefined);
  return `${run.status}${why.length > 0 ? ` (${why.join(': ')})` : ''}`;
}

function visitsNamed(tree: RunTree, state: string): StateVisit[] {
  return tree.visits.filter((visit) => visit.name === state);
}

function enteredStates(tree: RunTree): string {
  const names = [...new Set(tree.visits.map((visit) => visit.name))];
  return names.length > 0 ? names.join(', ') : '(none)';
}

function inputOf(visit: StateVisit): unknown {
  return parseJson(visit.entered.stateEnteredEventDetails?.input);
}

function where(visit: StateVisit): string {
  const thread = visit.thread;
  if (!thread.parent) return '';
  return thread.kind === 'iteration' ? ` (iteration ${thread.index} of ${thread.parent.name})` : ` (branch ${thread.index + 1} of ${thread.parent.name})`;
}

/**
 * `expect(run).toHaveSucceeded()`: the execution's status is `SUCCEEDED`.
 * On failure the message shows the path it took and the failing state's input and error.
 */
export function toHaveSucceeded(this: MatcherContext, received: unknown): MatcherResult {
  const run = executionOf('toHaveSucceeded', received);
  const pass = run.status === 'SUCCEEDED';
  return {
    pass,
    message: () =>
      `${hint(this, 'toHaveSucceeded', 'run', '')}\n\n` +
      (pass ? 'Expected the execution not to succeed, but it SUCCEEDED.' : `Expected: SUCCEEDED\nReceived: ${statusText(run)}`) +
      `\n\n${runReport(run, this, pass)}`,
  };
}

/**
 * `expect(run).toHaveFailedWith(error, cause?)`: the execution failed (or
 * timed out) with this error, and this cause when given (a string or an
 * asymmetric matcher such as `expect.stringContaining('…')`).
 */
export function toHaveFailedWith(this: MatcherContext, received: unknown, error: unknown, cause?: unknown): MatcherResult {
  const run = executionOf('toHaveFailedWith', received);
  if (typeof error !== 'string' && !isAsymmetric(error)) {
    throw new MatcherUsageError('toHaveFailedWith', `the error must be an error name (e.g. 'States.TaskFailed') or an asymmetric matcher, not ${describeReceived(error)}.`);
  }
  const failed = run.status === 'FAILED' || run.status === 'TIMED_OUT';
  const withCause = cause !== undefined;
  const expected = withCause ? { error, cause } : { error };
  const actual = withCause ? { error: run.error, cause: run.cause } : { error: run.error };
  const pass = failed && this.equals(actual, expected);
  return {
    pass,
    message: () => {
      const head = `${hint(this, 'toHaveFailedWith', 'run', withCause ? 'error, cause' : 'error')}\n\n`;
      if (pass) return `${head}Expected the execution not to fail with ${this.utils.printExpected(error)}, but it ${statusText(run)}.\n\n${runReport(run, this, pass)}`;
      const diff = this.utils.diff(expected, actual) ?? '';
      const status = failed ? '' : `Expected the execution to fail, but it ${statusText(run)}.\n\n`;
      return `${head}${status}${diff}\n\n${runReport(run, this, pass)}`;
    },
    actual,
    expected,
  };
}

/** `expect(run).toHaveVisited(state)`: the state was entered at least once (anywhere: Map iterations and Parallel branches count). */
export function toHaveVisited(this: MatcherContext, received: unknown, state: unknown): MatcherResult {
  const run = executionOf('toHaveVisited', received);
  const name = stateNameArgument('toHaveVisited', state);
  const tree = readHistory(run.history);
  const visits = visitsNamed(tree, name);
  const pass = visits.length > 0;
  return {
    pass,
    message: () =>
      `${hint(this, 'toHaveVisited', 'run', 'state')}\n\n` +
      (pass
        ? `Expected the execution not to enter ${name}, but it did ${visits.length === 1 ? 'once' : `${visits.length} times`}${where(visits[0] as StateVisit)}.`
        : `Expected the execution to enter ${this.utils.printExpected(name)}, but it never did.\nStates entered: ${enteredStates(tree)}`) +
      `\n\n${runReport(run, this, pass)}`,
  };
}

/**
 * `expect(run).toHaveTakenPath([...])`: the top-level states, in order, were
 * exactly these; a Map or Parallel step may say what happened inside it (see
 * {@link PathStep}). A step written as a plain name does not look inside.
 */
export function toHaveTakenPath(this: MatcherContext, received: unknown, expected: unknown): MatcherResult {
  const run = executionOf('toHaveTakenPath', received);
  if (!Array.isArray(expected) && !isAsymmetric(expected)) {
    throw new MatcherUsageError('toHaveTakenPath', `the path must be an array of steps (e.g. ['Validate', { state: 'Each', everyIteration: ['Render'] }, 'Done']), not ${describeReceived(expected)}.`);
  }
  const equals = (a: unknown, b: unknown): boolean => this.equals(a, b);
  const actual = shapePath(pathOf(run), expected, equals);
  const pass = this.equals(actual, expected);
  return {
    pass,
    message: () =>
      `${hint(this, 'toHaveTakenPath', 'run', 'path')}\n\n` +
      (pass ? `Expected the execution not to take this path, but it did:\n${this.utils.printReceived(actual)}` : (this.utils.diff(expected, actual) ?? '')) +
      `\n\n${runReport(run, this, pass)}`,
    actual,
    expected,
  };
}

/**
 * `expect(run).toHaveRetried(state, times, { intervalsMs }?)`: the state's
 * Retry ran this many times in all (over every visit, e.g. every Map
 * iteration), and, when given, waited these intervals before the retries, as
 * the history's timestamps show them (exact on the local target's virtual clock).
 */
export function toHaveRetried(this: MatcherContext, received: unknown, state: unknown, times: unknown, options: RetriedOptions = {}): MatcherResult {
  const run = executionOf('toHaveRetried', received);
  const name = stateNameArgument('toHaveRetried', state);
  if (!(typeof times === 'number' && Number.isInteger(times) && times >= 0) && !isAsymmetric(times)) {
    throw new MatcherUsageError('toHaveRetried', `times must be a whole number of retries (0 or more), not ${describeReceived(times)}. To fix this, write e.g. expect(run).toHaveRetried('${name}', 2).`);
  }
  const tree = readHistory(run.history);
  const byId = new Map<number, HistoryEvent>(run.history.map((event) => [event.id, event]));
  const visits = visitsNamed(tree, name);
  const perVisit = visits.map((visit) => ({ visit, retries: attemptsOf(visit).length - 1, intervalsMs: retryIntervalsMs(visit, byId) }));
  const retries = perVisit.reduce((sum, entry) => sum + Math.max(0, entry.retries), 0);
  const intervalsMs = perVisit.flatMap((entry) => entry.intervalsMs);
  const checkIntervals = options.intervalsMs !== undefined;
  const actual = checkIntervals ? { retries, intervalsMs } : { retries };
  const expected = checkIntervals ? { retries: times, intervalsMs: options.intervalsMs } : { retries: times };
  const pass = visits.length > 0 && this.equals(actual, expected);
  return {
    pass,
    message: () => {
      const head = `${hint(this, 'toHaveRetried', 'run', checkIntervals ? 'state, times, { intervalsMs }' : 'state, times')}\n\n`;
      if (visits.length === 0) return `${head}Expected ${name} to be retried, but the execution never entered it.\nStates entered: ${enteredStates(tree)}\n\n${runReport(run, this, pass)}`;
      const detail = perVisit
        .filter((entry) => entry.retries > 0 || perVisit.length === 1)
        .map((entry) => `  ${name}${where(entry.visit)}: ${entry.retries} ${entry.retries === 1 ? 'retry' : 'retries'}${entry.intervalsMs.length > 0 ? ` after ${entry.intervalsMs.map((ms) => `${ms} ms`).join(', ')}` : ''}`)
        .join('\n');
      const body = pass
        ? `Expected ${name} not to be retried ${this.utils.printExpected(times)} times${checkIntervals ? ' with these intervals' : ''}, but it was.`
        : (this.utils.diff(expected, actual) ?? '');
      return `${head}${body}\n\nRetries of ${name}:\n${detail || '  none'}\n\n${runReport(run, this, pass)}`;
    },
    actual,
    expected,
  };
}

/**
 * `expect(run).toHaveBeenCaughtBy(state, catcher)`: the state failed, a Catch
 * took the error, and the next state was `catcher`.
 */
export function toHaveBeenCaughtBy(this: MatcherContext, received: unknown, state: unknown, catcher: unknown): MatcherResult {
  const run = executionOf('toHaveBeenCaughtBy', received);
  const name = stateNameArgument('toHaveBeenCaughtBy', state);
  const catcherName = stateNameArgument('toHaveBeenCaughtBy', catcher, 'catcher');
  const tree = readHistory(run.history);
  const visits = visitsNamed(tree, name);
  const outcomes = visits.map((visit) => {
    const failure = failureOf(visit, tree.end);
    const next = failure && visit.exited ? nextVisit(visit) : undefined;
    return { visit, failure, next };
  });
  const pass = outcomes.some((outcome) => outcome.next?.name === catcherName);
  return {
    pass,
    message: () => {
      const head = `${hint(this, 'toHaveBeenCaughtBy', 'run', 'state, catcher')}\n\n`;
      if (visits.length === 0) return `${head}Expected ${name} to fail and be caught by ${catcherName}, but the execution never entered ${name}.\nStates entered: ${enteredStates(tree)}\n\n${runReport(run, this, pass)}`;
      const seen = outcomes
        .map(({ visit, failure, next }) => {
          const at = `${name}${where(visit)}`;
          if (!failure) return `  ${at} did not fail${visit.exited ? `; next: ${nextVisit(visit)?.name ?? '(end)'}` : ''}`;
          const error = `${failure.error ?? failure.event.type}`;
          if (!visit.exited) return `  ${at} failed with ${error} and was not caught`;
          return `  ${at} failed with ${error} and was caught by ${next?.name ?? '(no next state)'}`;
        })
        .join('\n');
      const body = pass ? `Expected ${name} not to be caught by ${catcherName}, but it was.` : `Expected ${name} to fail and be caught by ${this.utils.printExpected(catcherName)}.`;
      return `${head}${body}\n\n${seen}\n\n${runReport(run, this, pass)}`;
    },
  };
}

/**
 * `expect(run).toHaveEnteredWith(state, partialInput)`: the state was
 * entered (at least once) with an input that contains `partialInput`
 * (recursively, as `toMatchObject` reads it; asymmetric matchers allowed).
 */
export function toHaveEnteredWith(this: MatcherContext, received: unknown, state: unknown, partialInput: unknown): MatcherResult {
  const run = executionOf('toHaveEnteredWith', received);
  const name = stateNameArgument('toHaveEnteredWith', state);
  const tree = readHistory(run.history);
  const visits = visitsNamed(tree, name);
  const inputs = visits.map(inputOf);
  const index = inputs.findIndex((input) => matchesPartial(this, input, partialInput));
  const pass = index >= 0;
  return {
    pass,
    message: () => {
      const head = `${hint(this, 'toHaveEnteredWith', 'run', 'state, partialInput')}\n\n`;
      if (visits.length === 0) return `${head}Expected ${name} to be entered, but the execution never entered it.\nStates entered: ${enteredStates(tree)}\n\n${runReport(run, this, pass)}`;
      if (pass) return `${head}Expected ${name} not to be entered with ${this.utils.printExpected(partialInput)}, but it was${where(visits[index] as StateVisit)}:\n${this.utils.printReceived(inputs[index])}\n\n${runReport(run, this, pass)}`;
      const shown = visits.slice(0, 5).map((visit, at) => `${name}${where(visit)} entered with:\n${this.utils.diff(partialInput, subsetOf(inputs[at], partialInput)) ?? ''}`);
      const more = visits.length > 5 ? `\n… and ${visits.length - 5} more visits` : '';
      return `${head}Expected ${name} to be entered with an input containing the expected one.\n\n${shown.join('\n\n')}${more}\n\n${runReport(run, this, pass)}`;
    },
  };
}

function listInvocations(context: MatcherContext, invocations: readonly unknown[], partial?: unknown): string {
  if (invocations.length === 0) return 'It received no invocation.';
  const shown = invocations.slice(0, 5).map((invocation, index) => {
    const body = partial === undefined ? context.utils.stringify(invocation) : (context.utils.diff(partial, subsetOf(invocation, partial)) ?? '');
    return `#${index + 1}:\n${indent(body)}`;
  });
  const more = invocations.length > 5 ? `\n… and ${invocations.length - 5} more` : '';
  return `It received ${invocations.length} invocation${invocations.length === 1 ? '' : 's'}:\n${shown.join('\n')}${more}`;
}

/** `expect(mock).toHaveBeenInvokedTimes(n)`: the double received exactly `n` invocations. */
export function toHaveBeenInvokedTimes(this: MatcherContext, received: unknown, times: unknown): MatcherResult {
  const double = doubleOf('toHaveBeenInvokedTimes', received);
  if (!(typeof times === 'number' && Number.isInteger(times) && times >= 0)) {
    throw new MatcherUsageError('toHaveBeenInvokedTimes', `times must be a whole number (0 or more), not ${describeReceived(times)}.`);
  }
  const count = double.invocations.length;
  const pass = count === times;
  return {
    pass,
    message: () =>
      `${hint(this, 'toHaveBeenInvokedTimes', 'mock', 'times')}\n\n` +
      `Expected ${describeDouble(double)} ${pass ? 'not ' : ''}to be invoked ${this.utils.printExpected(times)} time${times === 1 ? '' : 's'}\n` +
      `Received: ${this.utils.printReceived(count)} time${count === 1 ? '' : 's'}\n\n${listInvocations(this, double.invocations)}`,
    actual: count,
    expected: times,
  };
}

/**
 * `expect(mock).toHaveBeenInvokedWith(partial)`: some invocation contains
 * `partial` (recursively, asymmetric matchers allowed), e.g.
 * `{ command: ['--order', 'o-1'] }` for an ECS task or `{ event: { orderId: 'o-1' } }` for a Lambda function.
 */
export function toHaveBeenInvokedWith(this: MatcherContext, received: unknown, partial: unknown): MatcherResult {
  const double = doubleOf('toHaveBeenInvokedWith', received);
  const index = double.invocations.findIndex((invocation) => matchesPartial(this, invocation, partial));
  const pass = index >= 0;
  return {
    pass,
    message: () =>
      `${hint(this, 'toHaveBeenInvokedWith', 'mock', 'partial')}\n\n` +
      (pass
        ? `Expected ${describeDouble(double)} not to be invoked with ${this.utils.printExpected(partial)}, but invocation #${index + 1} was:\n${this.utils.printReceived(double.invocations[index])}`
        : `Expected ${describeDouble(double)} to be invoked with an invocation containing:\n${this.utils.printExpected(partial)}\n\n${listInvocations(this, double.invocations, partial)}`),
  };
}

/** `expect(mock).toHaveBeenNthInvokedWith(n, partial)`: the `n`-th invocation (from 1) contains `partial`. */
export function toHaveBeenNthInvokedWith(this: MatcherContext, received: unknown, n: unknown, partial: unknown): MatcherResult {
  const double = doubleOf('toHaveBeenNthInvokedWith', received);
  if (!(typeof n === 'number' && Number.isInteger(n) && n >= 1)) {
    throw new MatcherUsageError('toHaveBeenNthInvokedWith', `n counts invocations from 1, so it must be a whole number ≥ 1, not ${describeReceived(n)}.`);
  }
  const invocation = double.invocations[n - 1];
  const exists = n <= double.invocations.length;
  const pass = exists && matchesPartial(this, invocation, partial);
  return {
    pass,
    message: () => {
      const head = `${hint(this, 'toHaveBeenNthInvokedWith', 'mock', 'n, partial')}\n\n`;
      if (!exists) return `${head}Expected invocation #${n} of ${describeDouble(double)}, but it received only ${double.invocations.length}.\n\n${listInvocations(this, double.invocations, partial)}`;
      if (pass) return `${head}Expected invocation #${n} of ${describeDouble(double)} not to contain ${this.utils.printExpected(partial)}, but it did:\n${this.utils.printReceived(invocation)}`;
      return `${head}Expected invocation #${n} of ${describeDouble(double)} to contain the expected fields.\n\n${this.utils.diff(partial, subsetOf(invocation, partial)) ?? ''}`;
    },
  };
}

/** The execution matchers, for `expect.extend`. */
export const executionMatchers = {
  toHaveSucceeded,
  toHaveFailedWith,
  toHaveVisited,
  toHaveTakenPath,
  toHaveRetried,
  toHaveBeenCaughtBy,
  toHaveEnteredWith,
} as const;

/** The double matchers, for `expect.extend`. */
export const doubleMatchers = {
  toHaveBeenInvokedWith,
  toHaveBeenInvokedTimes,
  toHaveBeenNthInvokedWith,
} as const;
