import type { Clock } from '../clock/clock.js';
import type { Json } from '../types.js';
import type { HistoryEvent, HistoryEventType } from './events.js';

/**
 * Where events of one part of the run attach: the execution, a Parallel
 * branch or a Map iteration. Each keeps its own cursor (the id the next
 * event's `previousEventId` points to), as AWS's histories show: concurrent
 * iterations all point back to `MapStateStarted`.
 */
export interface Frame {
  cursor: number;
}

/** Events that record something beside the flow and leave the cursor where it was. */
const SIDE_EVENTS: ReadonlySet<string> = new Set<string>([
  'ExecutionStarted',
  'MapIterationSucceeded',
  'MapIterationFailed',
  'MapIterationAborted',
  'MapStateSucceeded',
  'ParallelStateSucceeded',
  'TaskStateAborted',
  'MapStateAborted',
  'ParallelStateAborted',
  'WaitStateAborted',
  'PassStateAborted',
]);

/** JSON text, as the history and the API carry payloads. */
export function jsonText(value: Json | undefined): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** The history of one execution: one id counter, events in the order they happened. */
export class EventLog {
  readonly events: HistoryEvent[] = [];
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  /** The id the next event will get. */
  peekId(): number {
    return this.nextId;
  }

  /**
   * Appends an event. `previous` overrides the frame's cursor (EvaluationFailed
   * points where its state's Entered event pointed).
   */
  add(frame: Frame, type: HistoryEventType, details?: Record<string, unknown>, previous?: number): number {
    const id = this.nextId++;
    const event: Record<string, unknown> = {
      timestamp: new Date(this.clock.now()),
      type,
      id,
      previousEventId: previous ?? frame.cursor,
    };
    if (details !== undefined) event[detailsKey(type)] = details;
    this.events.push(event as unknown as HistoryEvent);
    if (!SIDE_EVENTS.has(type)) frame.cursor = id;
    return id;
  }
}

/** `TaskStateEntered` → `stateEnteredEventDetails`, `MapIterationStarted` → `mapIterationStartedEventDetails`… */
function detailsKey(type: HistoryEventType): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}
