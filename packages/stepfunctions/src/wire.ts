import type { ExecutionStatus } from './local-runner.js';

/**
 * What travels between the Step Functions integration (where a workflow's
 * `states:startExecution…` state runs) and the session's handler for the
 * child state machine double `stepfunctions:<Name>`: the `payload` of an
 * `InvocationMessage`, and the handler's answer.
 */

/** The integration pattern of a `states:startExecution` state, from its `Resource` suffix. */
export type StartExecutionPattern = 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';

/** The `payload` of an invocation of a state machine double: one StartExecution. */
export interface StateMachineInvocationPayload {
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly executionArn: string;
  /** The child execution's name (`Name` of StartExecution, else a UUID). */
  readonly executionName: string;
  /** The child's input, parsed (`Input` may be given as JSON text or as an object). */
  readonly input: unknown;
  readonly pattern: StartExecutionPattern;
  /** For `.waitForTaskToken`: the token the parent state waits on. */
  readonly taskToken?: string;
  /** The execution and state that started the child. */
  readonly parent: { readonly executionArn: string; readonly stateName: string };
}

/** How a child execution ended: what the double's handler answers. Dates are epoch milliseconds. */
export interface StateMachineResultValue {
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: number;
  readonly stopDate: number;
}
