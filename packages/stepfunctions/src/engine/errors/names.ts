import { RESULT_LIMITS } from '@harness/core';

/**
 * The error names Step Functions itself raises (the `States.*` family), as
 * the Amazon States Language specification and the developer guide's
 * "Handling errors in Step Functions workflows" list them.
 */
export const STATES_ERRORS = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  DataLimitExceeded: 'States.DataLimitExceeded',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
} as const;

/** Step Functions' payload limit: 256 KiB of UTF-8 (core's `RESULT_LIMITS.stepFunctionsPayloadBytes`). */
export const MAX_PAYLOAD_BYTES = RESULT_LIMITS.stepFunctionsPayloadBytes;

/** The prefix of every runtime and evaluation cause: `An error occurred while executing the state 'X' (entered at the event id #N). ` */
export function statePrefix(stateName: string, enteredEventId: number): string {
  return `An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}). `;
}
