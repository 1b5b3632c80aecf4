import type { HistoryEvent as SdkHistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

/**
 * One event of an execution's history, exactly as GetExecutionHistory
 * returns it (the SDK's own type, with the fields AWS always sets made
 * required): on the local target the engine writes these, on the aws target
 * they are the API's events unchanged. Inputs and outputs are JSON text.
 */
export type HistoryEvent = SdkHistoryEvent & {
  readonly timestamp: Date;
  readonly type: HistoryEventType;
  readonly id: number;
  readonly previousEventId: number;
};

export type { HistoryEventType };
