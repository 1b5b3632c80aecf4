import type { HistoryEvent } from './events.js';

/** The `…EventDetails` object of an event (each event has at most one), or `undefined`. */
export function eventDetails(event: HistoryEvent): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  }
  return undefined;
}

/** The state an `…StateEntered` / `…StateExited` event is about. */
export function stateNameOf(event: HistoryEvent): string | undefined {
  const name = (event.stateEnteredEventDetails ?? event.stateExitedEventDetails)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The error an event reports (TaskFailed, ExecutionFailed, EvaluationFailed…), if any. */
export function errorOf(event: HistoryEvent): string | undefined {
  const error = eventDetails(event)?.error;
  return typeof error === 'string' ? error : undefined;
}

/**
 * The input a state entered with, parsed (the first time it was entered, or
 * the `occurrence`-th, counting from 0), or `undefined` when it never was.
 *
 * @example
 * expect(stateInput(run.history, 'Ship')).toEqual({ orderId: 'o-1' });
 */
export function stateInput(history: readonly HistoryEvent[], stateName: string, occurrence = 0): unknown {
  let seen = 0;
  for (const event of history) {
    const details = event.stateEnteredEventDetails;
    if (details?.name !== stateName) continue;
    if (seen++ === occurrence) return details.input === undefined ? undefined : JSON.parse(details.input);
  }
  return undefined;
}

/**
 * The names of the states entered, in order (Map iterations and Parallel
 * branches included, as they appear in the history).
 *
 * @example
 * expect(statesEntered(run.history)).toEqual(['Validate', 'Ship']);
 */
export function statesEntered(history: readonly HistoryEvent[]): string[] {
  const names: string[] = [];
  for (const event of history) {
    const name = event.stateEnteredEventDetails?.name;
    if (name !== undefined) names.push(name);
  }
  return names;
}
