import type { LocalTaskInvocation } from '@harness/core';
import type { Clock } from './clock/clock.js';
import type { HistoryEvent } from './history/events.js';
import type { Json, ObjectStore } from './types.js';

/**
 * One `Task` state attempt, as the engine hands it to whoever runs the
 * resource: what a local integration gets (`LocalTaskInvocation`), with the
 * input as JSON and `submitted` always there.
 */
export interface EngineTask extends Omit<LocalTaskInvocation, 'input' | 'submitted'> {
  /** The effective input: after InputPath / Parameters (JSONPath) or Arguments (JSONata). For a service integration, the API request. */
  readonly input: Json;
  /**
   * `.sync` and `.waitForTaskToken`: the job was started; `output` is the
   * start call's response (history: TaskSubmitted). For `.waitForTaskToken`
   * the engine records it itself when `invoke` resolves.
   */
  submitted(output: Json): void;
}

/**
 * Runs the `Task` states of an execution. Resolve with the state's result
 * (for `.waitForTaskToken`, the start call's response: the state then waits
 * for the callback); reject with a `StateFailure` (or `@harness/core`'s
 * `StatesError`) to fail the state as AWS would. Any other rejection is a
 * harness error and reaches the test.
 */
export type TaskInvoker = (task: EngineTask) => Promise<Json>;

export interface RunExecutionOptions {
  /** A parsed ASL definition (validated by the caller or by `runExecution`). */
  readonly definition: unknown;
  /** The execution input. Default `{}`. */
  readonly input?: Json;
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly roleArn: string;
  readonly invokeTask: TaskInvoker;
  /** S3 for distributed Map ItemReader / ResultWriter (an in-memory double locally). */
  readonly objectStore?: ObjectStore;
  /** Default: a virtual clock starting at the wall time. */
  readonly clock?: Clock;
  /** Aborts the execution: status ABORTED, as StopExecution. */
  readonly signal?: AbortSignal;
  /**
   * How long a `.waitForTaskToken` state still waits, in real time, for a
   * callback once its worker ended without one. Default 5000 ms.
   */
  readonly callbackGraceMs?: number;
  /** Seeds `$random()`, jitter and generated ids, for repeatable runs. */
  readonly seed?: number;
}

/** How an execution ended, as DescribeExecution reports it. */
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionOutcome {
  readonly status: ExecutionStatus;
  /** Present when SUCCEEDED. */
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: Date;
  readonly stopDate: Date;
  /** GetExecutionHistory's events, oldest first. */
  readonly history: readonly HistoryEvent[];
}
