import type { HistoryEvent } from '../engine/history/events.js';
import { eventDetails } from '../engine/history/read.js';

/** A failure that an event of a state reported: TaskFailed, LambdaFunctionTimedOut, EvaluationFailed… */
export interface TraceFailure {
  readonly eventId: number;
  readonly eventType: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * One entry into a state, read from the history: from its `…StateEntered`
 * event to its `…StateExited` (absent when the run failed or stopped there).
 */
export interface StateVisit {
  readonly name: string;
  /** The state type as the events say it (`Task`, `Choice`, `Map`…). */
  readonly type: string;
  readonly enteredEventId: number;
  /** The input it entered with, parsed (`undefined` when the history hides data). */
  readonly input: unknown;
  exitedEventId?: number;
  /** The state entered next in the same branch or iteration (for a Choice, the rule's or Default's Next; after a Catch, the catcher's). */
  next?: string;
  /** The Map or Parallel visit it ran in, as an index into {@link RunTrace.visits}. */
  parent?: number;
  /** The failures its events reported, in order (for Map and Parallel, their branches' and iterations' too). */
  readonly failures: TraceFailure[];
  /** Each new attempt after a failure (a second `TaskScheduled`, `MapStateStarted`…), with the failure that led to it. */
  readonly retries: Array<TraceFailure | undefined>;
  /** Whether its last attempt ended in a failure (the state then exited through a Catch, or the run failed there). */
  endedInFailure: boolean;
}

/** What a run's history says happened, state by state. */
export interface RunTrace {
  /** Every visit, in the order the states were entered. */
  readonly visits: readonly StateVisit[];
  /** The Map iterations started, per Map state. */
  readonly mapIterations: ReadonlyMap<string, number>;
  /** Distributed Map states that started a map run (their children are not in this history). */
  readonly mapRuns: ReadonlySet<string>;
  /** `ExecutionFailed` / `ExecutionTimedOut` / `ExecutionAborted`, when the run ended so. */
  readonly executionFailure?: TraceFailure;
}

const ATTEMPT_EVENTS: ReadonlySet<string> = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled', 'MapStateStarted', 'ParallelStateStarted']);
const SUCCESS_EVENTS: ReadonlySet<string> = new Set([
  'TaskSucceeded',
  'LambdaFunctionSucceeded',
  'ActivitySucceeded',
  'MapStateSucceeded',
  'ParallelStateSucceeded',
  'MapRunSucceeded',
]);
const FAILURE_EVENTS: ReadonlySet<string> = new Set([
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'ActivityFailed',
  'ActivityTimedOut',
  'ActivityScheduleFailed',
  'MapStateFailed',
  'ParallelStateFailed',
  'MapRunFailed',
  'EvaluationFailed',
]);
const EXECUTION_END_FAILURES: ReadonlySet<string> = new Set(['ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

/**
 * Reads a run's history (GetExecutionHistory's events, either target) into
 * the visits of each state: what it entered with, which state came next, the
 * failures and retries on the way. Events are tied to their state by
 * following `previousEventId`, so concurrent Map iterations and Parallel
 * branches do not mix.
 *
 * @example
 * const trace = traceRun(run.history);
 * trace.visits.map((visit) => visit.name); // ['ValidateOrder', 'EnrichOrder', …]
 */
export function traceRun(history: readonly HistoryEvent[]): RunTrace {
  const byId = new Map<number, HistoryEvent>();
  for (const event of history) byId.set(event.id, event);
  const visits: StateVisit[] = [];
  const visitByEntered = new Map<number, number>();
  const visitByExited = new Map<number, number>();
  const attemptsSeen = new Map<number, number>();
  const mapIterations = new Map<string, number>();
  const mapRuns = new Set<string>();
  let executionFailure: TraceFailure | undefined;

  /** The visit whose Entered event `id` leads back to, taking only Entered events `accept` likes. */
  const enteredBefore = (id: number, accept: (event: HistoryEvent) => boolean): number | undefined => {
    let cursor = byId.get(id);
    const guard = new Set<number>();
    while (cursor && !guard.has(cursor.id)) {
      guard.add(cursor.id);
      if (cursor.type.endsWith('StateEntered') && accept(cursor)) return visitByEntered.get(cursor.id);
      cursor = byId.get(cursor.previousEventId);
    }
    return undefined;
  };
  const anyEntered = (): boolean => true;
  const ofType = (type: string) => (event: HistoryEvent) => event.type === `${type}StateEntered`;

  for (const event of history) {
    const type = event.type;
    if (type.endsWith('StateEntered')) {
      const details = event.stateEnteredEventDetails;
      const index = visits.length;
      visits.push({
        name: details?.name ?? '?',
        type: type.slice(0, -'StateEntered'.length),
        enteredEventId: event.id,
        input: parseJson(details?.input),
        failures: [],
        retries: [],
        endedInFailure: false,
      });
      visitByEntered.set(event.id, index);
      // The state before it in the same branch: its Exited event is this one's previous event.
      const before = visitByExited.get(event.previousEventId);
      if (before !== undefined) {
        const previous = visits[before] as StateVisit;
        previous.next ??= details?.name;
        if (previous.parent !== undefined) visits[index]!.parent = previous.parent;
      } else {
        const parent = containerOf(event.previousEventId);
        if (parent !== undefined) visits[index]!.parent = parent;
      }
      continue;
    }
    if (type.endsWith('StateExited')) {
      const name = event.stateExitedEventDetails?.name;
      const owner = enteredBefore(event.previousEventId, (entered) => entered.stateEnteredEventDetails?.name === name && entered.type === `${type.slice(0, -'StateExited'.length)}StateEntered`);
      if (owner !== undefined) {
        (visits[owner] as StateVisit).exitedEventId = event.id;
        visitByExited.set(event.id, owner);
      }
      continue;
    }
    if (EXECUTION_END_FAILURES.has(type)) {
      executionFailure = failureOf(event);
      continue;
    }
    if (type === 'MapIterationStarted') {
      const name = eventDetails(event)?.name;
      if (typeof name === 'string') mapIterations.set(name, (mapIterations.get(name) ?? 0) + 1);
      continue;
    }
    const family = type.startsWith('Map') ? ofType('Map') : type.startsWith('Parallel') ? ofType('Parallel') : anyEntered;
    // EvaluationFailed points where its state's Entered pointed: its `state` field names the state.
    const owner = type === 'EvaluationFailed' ? lastOpenVisitNamed(String(eventDetails(event)?.state ?? '')) : enteredBefore(event.previousEventId, family);
    if (owner === undefined) continue;
    const visit = visits[owner] as StateVisit;
    if (type === 'MapRunStarted') mapRuns.add(visit.name);
    if (ATTEMPT_EVENTS.has(type)) {
      const seen = attemptsSeen.get(owner) ?? 0;
      attemptsSeen.set(owner, seen + 1);
      if (seen > 0) visit.retries.push(visit.failures.at(-1));
      visit.endedInFailure = false;
    } else if (SUCCESS_EVENTS.has(type)) {
      visit.endedInFailure = false;
    } else if (FAILURE_EVENTS.has(type)) {
      const failure = failureOf(event);
      // A Map or Parallel state's own failed event has no error: its branch's failure, recorded below, says which.
      if (failure.error !== undefined || visit.failures.length === 0) visit.failures.push(failure);
      visit.endedInFailure = true;
      // A failure inside a branch or iteration is also what its Map / Parallel state sees.
      let parent = visit.parent;
      while (parent !== undefined && failure.error !== undefined) {
        const container = visits[parent] as StateVisit;
        if (container.exitedEventId === undefined) container.failures.push(failure);
        parent = container.parent;
      }
    }
  }

  function lastOpenVisitNamed(name: string): number | undefined {
    for (let index = visits.length - 1; index >= 0; index--) {
      const visit = visits[index] as StateVisit;
      if (visit.name === name && visit.exitedEventId === undefined) return index;
    }
    return undefined;
  }

  /** The Map / Parallel visit a branch's first state starts in: its previous event leads back through the iteration or branch start. */
  function containerOf(previousEventId: number): number | undefined {
    let cursor = byId.get(previousEventId);
    while (cursor) {
      if (cursor.type === 'MapIterationStarted' || cursor.type === 'MapStateStarted') return enteredBefore(cursor.id, ofType('Map'));
      if (cursor.type === 'ParallelStateStarted') return enteredBefore(cursor.id, ofType('Parallel'));
      if (cursor.type.endsWith('StateEntered')) {
        // A state still open above this one holds it (its first event after Started may already be a sibling's).
        const index = visitByEntered.get(cursor.id);
        const visit = index === undefined ? undefined : visits[index];
        if (visit && (visit.type === 'Map' || visit.type === 'Parallel')) return index;
        return visit?.parent;
      }
      if (cursor.type.endsWith('StateExited')) {
        const index = visitByExited.get(cursor.id);
        return index === undefined ? undefined : visits[index]?.parent;
      }
      cursor = byId.get(cursor.previousEventId);
    }
    return undefined;
  }

  return { visits, mapIterations, mapRuns, ...(executionFailure ? { executionFailure } : {}) };
}

function failureOf(event: HistoryEvent): TraceFailure {
  const details = eventDetails(event);
  const error = typeof details?.error === 'string' ? details.error : event.type.endsWith('TimedOut') ? 'States.Timeout' : undefined;
  const cause = typeof details?.cause === 'string' ? details.cause : undefined;
  return { eventId: event.id, eventType: event.type, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
