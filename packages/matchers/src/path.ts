import { attemptsOf, failingVisits, failureOf, nextVisit, parseJson, readHistory, type RunTree, type StateVisit, type Thread } from './history.js';
import type { ExecutionLike, PathStep } from './types.js';

/** Options of {@link describePath}. */
export interface DescribePathOptions {
  /** Iterations of a Map state shown before `… N more`. Default 10. */
  readonly maxIterations?: number;
  /** Characters of an error's cause shown. Default 200. */
  readonly maxCauseLength?: number;
}

/**
 * The path an execution took, as text: the states in order, one per line,
 * with each Map iteration and Parallel branch indented under its state, each
 * retry and caught error marked, and how the execution ended.
 *
 * @example
 * console.log(describePath(run));
 * // ValidateOrder (Task) ↻ 1 retry
 * // Render (Map, 2 iterations)
 * //   iteration 0: RenderPdf
 * //   iteration 1: RenderPdf ✗ States.TaskFailed: {"LastStatus":"STOPPED",…} → caught by RenderingFailed
 * // RenderingFailed (Fail)
 * // ✗ FAILED: RenderingFailed: Rendering failed.
 */
export function describePath(run: ExecutionLike, options: DescribePathOptions = {}): string {
  const tree = readHistory(run.history);
  const lines = describeThread(tree, tree.root, '', options);
  if (lines.length === 0) lines.push('(no state was entered)');
  lines.push(describeEnd(run, options));
  return lines.join('\n');
}

function describeEnd(run: ExecutionLike, options: DescribePathOptions): string {
  if (run.status === 'SUCCEEDED') return '✓ SUCCEEDED';
  const why = [run.error, run.cause === undefined ? undefined : summariseCause(run.cause, options.maxCauseLength ?? 120)].filter((part) => part !== undefined);
  return `✗ ${run.status}${why.length > 0 ? `: ${why.join(': ')}` : ''}`;
}

function describeThread(tree: RunTree, thread: Thread, indent: string, options: DescribePathOptions): string[] {
  const lines: string[] = [];
  for (const visit of thread.visits) {
    lines.push(`${indent}${describeVisit(tree, visit, options, true)}`);
    lines.push(...describeChildren(tree, visit, `${indent}  `, options));
  }
  return lines;
}

function describeChildren(tree: RunTree, visit: StateVisit, indent: string, options: DescribePathOptions): string[] {
  const lines: string[] = [];
  const max = options.maxIterations ?? 10;
  visit.children.slice(0, max).forEach((child) => {
    const label = child.kind === 'iteration' ? `iteration ${child.index}` : `branch ${child.index + 1}`;
    const simple = child.visits.every((inner) => inner.children.length === 0);
    if (simple) {
      const path = child.visits.map((inner) => describeVisit(tree, inner, options, false)).join(' → ');
      lines.push(`${indent}${label}: ${path || '(no state entered)'}`);
    } else {
      lines.push(`${indent}${label}:`);
      lines.push(...describeThread(tree, child, `${indent}  `, options));
    }
  });
  if (visit.children.length > max) lines.push(`${indent}… ${visit.children.length - max} more ${visit.type === 'Map' ? 'iterations' : 'branches'}`);
  return lines;
}

function describeVisit(tree: RunTree, visit: StateVisit, options: DescribePathOptions, withType: boolean): string {
  const parts = [visit.name];
  if (withType) {
    const count = visit.type === 'Map' ? `, ${visit.children.length} iteration${visit.children.length === 1 ? '' : 's'}` : '';
    parts[0] = `${visit.name} (${visit.type}${count})`;
  }
  const retries = attemptsOf(visit).length - 1;
  if (retries > 0) parts.push(`↻ ${retries} ${retries === 1 ? 'retry' : 'retries'}`);
  const failure = failureOf(visit, tree.end);
  if (failure && (failure.error !== undefined || failure.cause !== undefined)) {
    const cause = failure.cause === undefined ? '' : `: ${summariseCause(failure.cause, options.maxCauseLength ?? 120)}`;
    parts.push(`✗ ${failure.error ?? '(no error)'}${cause}`);
  } else if (failure) {
    parts.push('✗ failed');
  }
  if (failure && visit.exited) {
    const catcher = nextVisit(visit);
    parts.push(catcher ? `→ caught by ${catcher.name}` : '→ caught');
  }
  return parts.join(' ');
}

/** The states whose failure ended the run, each with the input it entered with and its error, as text (empty when it succeeded). */
export function describeFailure(run: ExecutionLike, options: DescribePathOptions = {}): string {
  const tree = readHistory(run.history);
  return failingVisits(tree)
    .map((visit) => {
      const failure = failureOf(visit, tree.end);
      const input = truncate(JSON.stringify(parseJson(visit.entered.stateEnteredEventDetails?.input)) ?? 'undefined', 600);
      const where = visit.thread.parent ? ` in ${describeThreadName(visit.thread)}` : '';
      const error = failure ? `\n  error: ${failure.error ?? '(none)'}${failure.cause === undefined ? '' : `\n  cause: ${describeCause(failure.cause, options.maxCauseLength ?? 300)}`}` : '';
      return `Failing state: ${visit.name} (${visit.type})${where}\n  input: ${input}${error}`;
    })
    .join('\n');
}

/** A cause as a failure message shows it: a known JSON cause (Lambda error, ECS task, child execution) in short, with its length; other text cut. */
function describeCause(cause: string, max: number): string {
  const summary = summariseCause(cause, max);
  return cause.length > max && !summary.endsWith('more characters)') ? `${summary} (a cause of ${cause.length} characters)` : summary;
}

function describeThreadName(thread: Thread): string {
  const parent = thread.parent;
  if (!parent) return 'the execution';
  const own = thread.kind === 'iteration' ? `iteration ${thread.index} of ${parent.name}` : `branch ${thread.index + 1} of ${parent.name}`;
  return parent.thread.parent ? `${own}, ${describeThreadName(parent.thread)}` : own;
}

/**
 * A cause, short: a Lambda error's `errorMessage`, a failed child execution's
 * `Error: Cause`, an ECS task's stop reason; otherwise the text, cut.
 */
export function summariseCause(cause: string, max: number): string {
  const parsed = cause.trimStart().startsWith('{') ? (parseJson(cause) as Record<string, unknown>) : undefined;
  if (parsed && typeof parsed === 'object') {
    if (typeof parsed.errorMessage === 'string') return truncate(parsed.errorMessage, max);
    if (typeof parsed.Error === 'string') return truncate(`${parsed.Error}${typeof parsed.Cause === 'string' ? `: ${parsed.Cause}` : ''}`, max);
    if (typeof parsed.StoppedReason === 'string') return truncate(`${parsed.StopCode ?? 'stopped'}: ${parsed.StoppedReason}`, max);
  }
  return truncate(cause, max);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A Map or Parallel step in the notation's full form. */
type FullStep = string | { state: string; iterations: FullStep[][] } | { state: string; branches: FullStep[][] };

/** The path of a thread in {@link PathStep} notation, in full (every Map and Parallel with what happened inside). */
export function pathOf(run: ExecutionLike): FullStep[] {
  return threadPath(readHistory(run.history).root);
}

function threadPath(thread: Thread): FullStep[] {
  return thread.visits.map((visit) => {
    if (visit.type === 'Map') return { state: visit.name, iterations: visit.children.map(threadPath) };
    if (visit.type === 'Parallel') return { state: visit.name, branches: visit.children.map(threadPath) };
    return visit.name;
  });
}

const isAsymmetric = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function';

/**
 * The actual path, cut to the shape of the expected one, so that comparing
 * (and diffing) the two shows only what the expectation asked about: a Map or
 * Parallel step written as a plain name stays a name; `everyIteration` is
 * compared with every iteration; branches are paired by their first state.
 */
export function shapePath(actual: readonly FullStep[], expected: unknown, equals: (a: unknown, b: unknown) => boolean): unknown[] {
  if (!Array.isArray(expected)) return actual.map((step) => shapeStep(step, undefined, equals));
  return actual.map((step, index) => shapeStep(step, expected[index], equals));
}

function shapeStep(step: FullStep, expected: unknown, equals: (a: unknown, b: unknown) => boolean): unknown {
  if (typeof step === 'string') return step;
  if (typeof expected === 'string' || expected === undefined || isAsymmetric(expected) || typeof expected !== 'object' || expected === null) return step.state;
  const wanted = expected as Record<string, unknown>;
  if ('iterations' in step) {
    if (Array.isArray(wanted.everyIteration)) {
      const every = wanted.everyIteration;
      const paths = step.iterations.map((path) => shapePath(path, every, equals));
      // Every iteration that took the expected path reads as it; one that did not stands out in the diff.
      return { state: step.state, everyIteration: paths.find((path) => !equals(path, every)) ?? paths[0] ?? [] };
    }
    const iterations = Array.isArray(wanted.iterations) ? wanted.iterations : [];
    return { state: step.state, iterations: step.iterations.map((path, index) => shapePath(path, iterations[index], equals)) };
  }
  if ('branches' in step) {
    const branches = Array.isArray(wanted.branches) ? wanted.branches : [];
    const remaining = [...step.branches];
    const paired: unknown[] = [];
    for (const branch of branches) {
      const first = Array.isArray(branch) ? branch[0] : undefined;
      const name = typeof first === 'string' ? first : typeof first === 'object' && first !== null ? (first as { state?: unknown }).state : undefined;
      const at = remaining.findIndex((candidate) => {
        const head = candidate[0];
        return (typeof head === 'string' ? head : head?.state) === name;
      });
      const [match] = remaining.splice(at >= 0 ? at : 0, remaining.length > 0 ? 1 : 0);
      if (match) paired.push(shapePath(match, branch, equals));
    }
    paired.push(...remaining.map((branch) => shapePath(branch, undefined, equals)));
    return { state: step.state, branches: paired };
  }
  return step;
}

export type { FullStep, PathStep };
