import type { Json, JsonObject } from '../types.js';

/** What the context object knows of the execution (fixed for the whole run). */
export interface ExecutionContext {
  readonly Id: string;
  readonly Input: Json;
  readonly Name: string;
  readonly RoleArn: string;
  /** ISO-8601 with milliseconds, as AWS writes it. */
  readonly StartTime: string;
  readonly RedriveCount: number;
}

/** The part of the context object a Map iteration adds. */
export interface MapItemContext {
  readonly Index: number;
  readonly Value: Json;
  /** Where the item came from: `STATE_DATA` for the state's input (AWS developer guide, the context object's Map example). */
  readonly Source?: string;
}

/**
 * Builds `$$` (JSONPath) / `$states.context` (JSONata) for a state: the
 * execution, the state machine, the state (name, entered time, retry count),
 * the task token of a `.waitForTaskToken` task, and the Map item inside an
 * iteration. Source: "Accessing execution data from the Context object in
 * Step Functions" (AWS developer guide).
 */
export function contextObject(options: {
  readonly execution: ExecutionContext;
  readonly stateMachine: { readonly Id: string; readonly Name: string };
  readonly state: { readonly Name: string; readonly EnteredTime: string; readonly RetryCount: number };
  readonly taskToken?: string;
  readonly mapItem?: MapItemContext;
}): JsonObject {
  const context: JsonObject = {
    Execution: { ...options.execution } as unknown as JsonObject,
    State: { ...options.state },
    StateMachine: { ...options.stateMachine },
  };
  if (options.taskToken !== undefined) context.Task = { Token: options.taskToken };
  if (options.mapItem !== undefined) {
    const { Index, Value, Source } = options.mapItem;
    context.Map = { Item: Source === undefined ? { Index, Value } : { Index, Value, Source } };
  }
  return context;
}

/**
 * AWS's timestamp text: ISO-8601, UTC, milliseconds, and no fraction at all
 * when it is zero ("When a timestamp has zero fractional seconds, Step
 * Functions removes the trailing zeros": `2025-08-27T10:04:42Z`, AWS
 * developer guide, "Accessing execution data from the Context object").
 */
export function isoTime(ms: number): string {
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}
