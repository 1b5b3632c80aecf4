import { attemptsOf, failureOf, nextVisit, parseJson, readHistory, type RunTree, type StateVisit, type Thread } from './history.js';
import type { ExecutionLike } from './types.js';

/** One state visit in an {@link ExecutionSnapshot}. */
export interface SnapshotVisit {
  readonly state: string;
  readonly type: string;
  readonly input?: unknown;
  readonly output?: unknown;
  /** How many times its Retry ran (absent when none). */
  readonly retries?: number;
  /** The error its last attempt failed with (caught or not). */
  readonly error?: string;
  readonly cause?: unknown;
  /** The state a Catch sent the error to. */
  readonly caughtBy?: string;
  /** A Map state's iterations, by item index. */
  readonly iterations?: readonly (readonly SnapshotVisit[])[];
  /** A Parallel state's branches, by the name of their first state (the order they start in varies between runs and targets). */
  readonly branches?: readonly (readonly SnapshotVisit[])[];
}

/** An execution with everything that changes from run to run (and from target to target) replaced by placeholders. */
export interface ExecutionSnapshot {
  readonly status: string;
  readonly error?: string;
  readonly cause?: unknown;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly states: readonly SnapshotVisit[];
}

/** Options of {@link normaliseExecution}. */
export interface NormaliseOptions {
  /** Keep each state's input and output. Default `true`; `false` keeps the path, retries and errors only. */
  readonly stateData?: boolean;
  /**
   * Called on every value after the built-in replacements (object keys are
   * seen as `key`): return a replacement, or the value itself to keep it.
   */
  readonly replace?: (value: unknown, key: string | undefined) => unknown;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const ARN = /\barn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}):/g;
const ISO_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
const HTTP_DATE = /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT\b/g;
const HEX_ID = /\b[0-9a-f]{32,}\b/g;
const TIME_KEY = /(?:At|Date|Time|Timestamp|time|timestamp)$/;
const TOKEN_KEY = /^(?:task_?token|TASK_TOKEN)$/i;
const TRACE_KEY = /^(?:trace|stackTrace|stack)$/;
/** The execution name AWS gives when none is passed, and what the local target gives: a UUID; or a name the test chose. */
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]*:\d{12}:execution:[^:]+:([^:]+)$/;

/** Branches by the name of their first state: state names are unique in a state machine, so the order is the same on every run. */
function byFirstState(a: Thread, b: Thread): number {
  const first = (thread: Thread): string => thread.visits[0]?.name ?? '';
  return first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0;
}

/**
 * The execution with what differs between runs and between targets replaced
 * by placeholders, for `toMatchExecutionSnapshot` (or your own
 * `toMatchSnapshot`): the states in order (Map iterations by index, Parallel
 * branches by their first state's name), each with its input, output, retries and error.
 *
 * Replaced: the execution's name (`<execution-name>`), the account and region
 * in every ARN (`<account>`, `<region>`), UUIDs (`<uuid-1>`, `<uuid-2>`…, the same
 * UUID always the same placeholder), task tokens (`<task-token>`), timestamps
 * (ISO 8601 and HTTP dates in text; numbers and text under keys ending in
 * `At`, `Date`, `Time`, `Timestamp`: `<timestamp>`), hexadecimal ids of 32+
 * digits (`<id>`) and stack traces (`<stack trace>`). JSON text (inputs,
 * outputs, causes) is parsed. History event ids and timestamps are left out:
 * concurrent Map iterations and Parallel branches interleave differently on
 * each run.
 *
 * @example
 * expect(normaliseExecution(run)).toMatchSnapshot();
 */
export function normaliseExecution(run: ExecutionLike, options: NormaliseOptions = {}): ExecutionSnapshot {
  const tree = readHistory(run.history);
  const normalise = createNormaliser(run, tree, options);
  const stateData = options.stateData ?? true;

  const visitSnapshot = (visit: StateVisit): SnapshotVisit => {
    const failure = failureOf(visit, tree.end);
    const retries = attemptsOf(visit).length - 1;
    const catcher = failure && visit.exited ? nextVisit(visit) : undefined;
    const output = visit.exited?.stateExitedEventDetails?.output;
    return {
      state: visit.name,
      type: visit.type,
      ...(stateData ? { input: normalise(parseJson(visit.entered.stateEnteredEventDetails?.input)) } : {}),
      ...(stateData && output !== undefined ? { output: normalise(parseJson(output)) } : {}),
      ...(retries > 0 ? { retries } : {}),
      ...(failure?.error !== undefined ? { error: failure.error } : {}),
      ...(failure?.cause !== undefined ? { cause: normalise(parseJsonText(failure.cause)) } : {}),
      ...(catcher ? { caughtBy: catcher.name } : {}),
      ...(visit.type === 'Map' ? { iterations: visit.children.map(threadSnapshot) } : {}),
      ...(visit.type === 'Parallel' ? { branches: [...visit.children].sort(byFirstState).map(threadSnapshot) } : {}),
    };
  };
  const threadSnapshot = (thread: Thread): SnapshotVisit[] => thread.visits.map(visitSnapshot);

  return {
    status: run.status,
    ...(run.error !== undefined ? { error: run.error } : {}),
    ...(run.cause !== undefined ? { cause: normalise(parseJsonText(run.cause)) } : {}),
    ...(run.input !== undefined ? { input: normalise(run.input) } : {}),
    ...(run.output !== undefined ? { output: normalise(run.output) } : {}),
    states: threadSnapshot(tree.root),
  };
}

function parseJsonText(text: string): unknown {
  const trimmed = text.trimStart();
  return trimmed.startsWith('{') || trimmed.startsWith('[') ? parseJson(text) : text;
}

function createNormaliser(run: ExecutionLike, tree: RunTree, options: NormaliseOptions): (value: unknown) => unknown {
  const names = new Set<string>();
  if (run.name) names.add(run.name);
  const fromArn = run.executionArn ? EXECUTION_ARN.exec(run.executionArn)?.[1] : undefined;
  if (fromArn) names.add(fromArn);
  const tokens = new Set<string>();
  const uuids = new Map<string, string>();
  collectTokens(run.input, tokens);
  for (const visit of tree.visits) collectTokens(parseJson(visit.entered.stateEnteredEventDetails?.input), tokens);
  for (const event of run.history) {
    const parameters = event.taskScheduledEventDetails?.parameters;
    if (parameters) collectTokens(parseJson(parameters), tokens);
  }

  const text = (value: string): string => {
    if (tokens.has(value)) return '<task-token>';
    let result = value;
    for (const name of names) if (name.length >= 4) result = result.split(name).join('<execution-name>');
    result = result
      .replace(ARN, (_all, partition: string, service: string, region: string) => `arn:${partition}:${service}:${region ? '<region>' : ''}:<account>:`)
      .replace(UUID, (uuid) => {
        const key = uuid.toLowerCase();
        let placeholder = uuids.get(key);
        if (!placeholder) uuids.set(key, (placeholder = `<uuid-${uuids.size + 1}>`));
        return placeholder;
      })
      .replace(ISO_TIME, '<timestamp>')
      .replace(HTTP_DATE, '<timestamp>')
      .replace(HEX_ID, '<id>');
    return result;
  };

  const walk = (value: unknown, key: string | undefined): unknown => {
    let result: unknown;
    if (key !== undefined && TOKEN_KEY.test(key) && typeof value === 'string') result = '<task-token>';
    else if (key !== undefined && TRACE_KEY.test(key) && (Array.isArray(value) || typeof value === 'string')) result = '<stack trace>';
    else if (key !== undefined && TIME_KEY.test(key) && (typeof value === 'number' || typeof value === 'string' || value instanceof Date)) result = '<timestamp>';
    else if (value instanceof Date) result = '<timestamp>';
    else if (typeof value === 'string') {
      const parsed = parseJsonText(value);
      result = parsed === value ? text(value) : walk(parsed, undefined);
    } else if (Array.isArray(value)) result = value.map((item) => walk(item, undefined));
    else if (typeof value === 'object' && value !== null) {
      result = Object.fromEntries(Object.entries(value).map(([name, item]) => [text(name), walk(item, name)]));
    } else result = value;
    return options.replace ? options.replace(result, key) : result;
  };
  return (value) => walk(value, undefined);
}

function collectTokens(value: unknown, into: Set<string>, key?: string): void {
  if (typeof value === 'string') {
    if (key !== undefined && TOKEN_KEY.test(key)) into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const item of value) collectTokens(item, into);
  else if (typeof value === 'object' && value !== null) {
    // ECS ContainerOverrides carry a token as an environment variable: { Name: 'TASK_TOKEN', Value: '…' }.
    const { Name, Value } = value as { Name?: unknown; Value?: unknown };
    if (typeof Name === 'string' && TOKEN_KEY.test(Name) && typeof Value === 'string') into.add(Value);
    for (const [name, item] of Object.entries(value)) collectTokens(item, into, name);
  }
}
