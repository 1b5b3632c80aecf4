import type { HistoryEvent } from './types.js';

/**
 * One visit of a state: from its `…StateEntered` event to its `…StateExited`
 * (or to the failure that ended the execution), with every event between that
 * belongs to it (retries, failures, Map iterations, Parallel branches).
 */
export interface StateVisit {
  /** The state's name. */
  readonly name: string;
  /** The state's type, from its events: `Task`, `Map`, `Parallel`, `Pass`, `Choice`, `Wait`, `Succeed`, `Fail`. */
  readonly type: string;
  /** The thread (the execution, a Map iteration or a Parallel branch) the visit belongs to. */
  readonly thread: Thread;
  readonly entered: HistoryEvent;
  exited?: HistoryEvent;
  /** Every event of the visit, oldest first (the entered event included; events of its iterations and branches not). */
  readonly events: HistoryEvent[];
  /** The iterations of a Map state, by item index, or the branches of a Parallel state, in the order they started. */
  readonly children: Thread[];
}

/** The top level of an execution, one Map iteration, or one Parallel branch: the states it visited, in order. */
export interface Thread {
  readonly kind: 'execution' | 'iteration' | 'branch';
  /** The item index of an iteration; the order a branch started in (0-based); 0 for the execution. */
  readonly index: number;
  /** The Map or Parallel visit the thread belongs to. */
  readonly parent?: StateVisit;
  readonly visits: StateVisit[];
  /** The iteration's own events (`MapIterationStarted`, `…Succeeded`, `…Failed`, `…Aborted`). */
  readonly events: HistoryEvent[];
}

/** An execution's history read as a tree of threads and state visits. */
export interface RunTree {
  readonly root: Thread;
  /** Every visit, in the order the states were entered. */
  readonly visits: StateVisit[];
  /** The `ExecutionFailed` / `ExecutionTimedOut` / `ExecutionAborted` / `ExecutionSucceeded` event, if the history has one. */
  readonly end?: HistoryEvent;
}

const CONTAINER_END = /^(Map|Parallel)State(Started|Succeeded|Failed|Aborted|Exited)$/;
const ITERATION = /^MapIteration(Started|Succeeded|Failed|Aborted)$/;

/**
 * Reads a history (GetExecutionHistory's events, as both targets give them)
 * into threads and state visits. Concurrent Map iterations and Parallel
 * branches interleave in a history; each event is placed by following its
 * `previousEventId`, as AWS links them.
 */
export function readHistory(history: readonly HistoryEvent[]): RunTree {
  const root: Thread = { kind: 'execution', index: 0, visits: [], events: [] };
  const visits: StateVisit[] = [];
  const visitOf = new Map<number, StateVisit>();
  const iterationOf = new Map<number, Thread>();
  const byId = new Map<number, HistoryEvent>();
  let end: HistoryEvent | undefined;

  const enclosing = (from: StateVisit | undefined, type: string, name?: string): StateVisit | undefined => {
    for (let visit = from; visit; visit = visit.thread.parent) {
      if (visit.type === type && (name === undefined || visit.name === name)) return visit;
    }
    return from;
  };

  for (const event of [...history].sort((a, b) => a.id - b.id)) {
    byId.set(event.id, event);
    const previous = event.previousEventId ? byId.get(event.previousEventId) : undefined;
    const previousVisit = previous ? visitOf.get(previous.id) : undefined;
    const entered = event.stateEnteredEventDetails;

    if (entered && event.type.endsWith('StateEntered')) {
      let thread: Thread;
      if (previous?.type === 'MapIterationStarted') {
        thread = iterationOf.get(previous.id) ?? root;
      } else if (previous?.type === 'ParallelStateStarted' && previousVisit) {
        thread = { kind: 'branch', index: previousVisit.children.length, parent: previousVisit, visits: [], events: [] };
        previousVisit.children.push(thread);
      } else {
        thread = previousVisit?.thread ?? root;
      }
      const visit: StateVisit = {
        name: String(entered.name),
        type: event.type.slice(0, -'StateEntered'.length),
        thread,
        entered: event,
        events: [event],
        children: [],
      };
      thread.visits.push(visit);
      visits.push(visit);
      visitOf.set(event.id, visit);
      continue;
    }

    if (ITERATION.test(event.type)) {
      const details = (event.mapIterationStartedEventDetails ??
        event.mapIterationSucceededEventDetails ??
        event.mapIterationFailedEventDetails ??
        event.mapIterationAbortedEventDetails) as { name?: string; index?: number } | undefined;
      const map = enclosing(previousVisit, 'Map', details?.name);
      if (!map) continue;
      visitOf.set(event.id, map);
      const index = details?.index ?? map.children.length;
      let iteration = map.children.find((child) => child.index === index);
      if (!iteration) {
        iteration = { kind: 'iteration', index, parent: map, visits: [], events: [] };
        map.children.push(iteration);
        map.children.sort((a, b) => a.index - b.index);
      }
      iteration.events.push(event);
      if (event.type === 'MapIterationStarted') iterationOf.set(event.id, iteration);
      continue;
    }

    let visit = previousVisit;
    const container = CONTAINER_END.exec(event.type);
    if (container) visit = enclosing(previousVisit, container[1] as string);
    if (event.type === 'EvaluationFailed') {
      // AWS links EvaluationFailed to the event before its state's Entered: find the state by name.
      const state = (event.evaluationFailedEventDetails as { state?: string } | undefined)?.state;
      visit = (state && visits.findLast((candidate) => candidate.name === state)) || visit;
    }
    if (event.type.startsWith('Execution')) {
      if (event.type !== 'ExecutionStarted') end = event;
      if (!visit) continue;
    }
    if (!visit) {
      root.events.push(event);
      continue;
    }
    visitOf.set(event.id, visit);
    if (event.type.startsWith('Execution')) continue;
    visit.events.push(event);
    if (event.type.endsWith('StateExited') && event.stateExitedEventDetails?.name === visit.name) visit.exited = event;
  }
  return { root, visits, ...(end ? { end } : {}) };
}

/** A history event's `…EventDetails`, or `undefined`. */
export function detailsOf(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  }
  return undefined;
}

const SCHEDULED = new Set(['TaskScheduled', 'LambdaFunctionScheduled', 'ActivityScheduled']);
const STARTED = new Set(['MapStateStarted', 'ParallelStateStarted']);
const FAILURE = /(Failed|TimedOut)$/;
const SUCCESS = /(Succeeded)$/;

/** The events that begin each attempt of a visit: `…Scheduled` for a Task, `…StateStarted` for Map and Parallel. */
export function attemptsOf(visit: StateVisit): HistoryEvent[] {
  return visit.events.filter((event) => SCHEDULED.has(event.type) || STARTED.has(event.type));
}

/** A failure or success that ends an attempt (`TaskFailed`, `LambdaFunctionTimedOut`, `MapStateFailed`, `EvaluationFailed`…). */
function isOutcome(event: HistoryEvent): boolean {
  return (FAILURE.test(event.type) || SUCCESS.test(event.type)) && !ITERATION.test(event.type) && !event.type.startsWith('MapRun');
}

/** An error a state failed with: the event's `error` and `cause` (Map and Parallel failures carry none: their branch's do). */
export interface VisitFailure {
  readonly event: HistoryEvent;
  readonly error?: string;
  readonly cause?: string;
}

/** The failure that ended the visit's last attempt, if it ended in one (caught or not). */
export function failureOf(visit: StateVisit, end?: HistoryEvent): VisitFailure | undefined {
  const outcome = visit.events.findLast(isOutcome);
  if (outcome && FAILURE.test(outcome.type)) return failureFrom(outcome);
  if (visit.type === 'Fail' && end?.type === 'ExecutionFailed' && !visit.exited) return failureFrom(end);
  return undefined;
}

function failureFrom(event: HistoryEvent): VisitFailure {
  const details = detailsOf(event) ?? {};
  return {
    event,
    ...(typeof details.error === 'string' ? { error: details.error } : {}),
    ...(typeof details.cause === 'string' ? { cause: details.cause } : {}),
  };
}

/** The visit that follows `visit` in its thread, if any. */
export function nextVisit(visit: StateVisit): StateVisit | undefined {
  const { visits } = visit.thread;
  return visits[visits.indexOf(visit) + 1];
}

/** The waits before each retry of a visit, in milliseconds: from the event before each new attempt (its failure) to the attempt. */
export function retryIntervalsMs(visit: StateVisit, byId: ReadonlyMap<number, HistoryEvent>): number[] {
  return attemptsOf(visit)
    .slice(1)
    .map((attempt) => {
      const before = byId.get(attempt.previousEventId) ?? attempt;
      return new Date(attempt.timestamp).getTime() - new Date(before.timestamp).getTime();
    });
}

/** The visits whose failure ended the execution, innermost first (a Fail state, a Task inside a Map iteration…). */
export function failingVisits(tree: RunTree): StateVisit[] {
  if (!tree.end || tree.end.type === 'ExecutionSucceeded') return [];
  const uncaught = tree.visits.filter((visit) => !visit.exited && (failureOf(visit, tree.end) !== undefined || visit.type === 'Fail'));
  const leaves = uncaught.filter((visit) => !uncaught.some((other) => other.thread.parent === visit || isInside(other, visit)));
  return leaves.length > 0 ? leaves : uncaught;
}

function isInside(visit: StateVisit, container: StateVisit): boolean {
  for (let parent = visit.thread.parent; parent; parent = parent.thread.parent) if (parent === container) return true;
  return false;
}

/** Parses a JSON text field of an event (input, output, parameters); text that is not JSON is returned as it is. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
