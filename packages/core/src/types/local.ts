import type { InvocationMessage, InvocationResult } from '../protocol.js';

/**
 * The local target: a workflow's ASL runs in an in-process interpreter and
 * each `Task` state is handed, by its `Resource`, to the adapter that owns
 * it. These types are the contract between the workflow driver
 * (`@harness/stepfunctions`) and the adapters' local integrations.
 */

/** One `Task` state to run, as the interpreter hands it over. */
export interface LocalTaskInvocation {
  /** The state's `Resource`, e.g. `arn:aws:states:::ecs:runTask.sync`. */
  readonly resource: string;
  readonly stateName: string;
  /** The state's effective input after `InputPath` / `Parameters`: for a service integration, the API request. */
  readonly input: unknown;
  /** For `.waitForTaskToken`: the token put where the definition reads `$$.Task.Token`. */
  readonly taskToken?: string;
  readonly execution: { readonly arn: string; readonly name: string; readonly stateMachineArn: string };
  /** The state's `TimeoutSeconds` / `HeartbeatSeconds`, when set. */
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** Aborted when the execution no longer needs this task (it timed out, or another branch failed). */
  readonly signal: AbortSignal;
  /** Where a `.waitForTaskToken` task reports back (what `SendTaskSuccess` / `SendTaskFailure` would do). */
  readonly callbacks: TaskCallbacks;
  /**
   * `.sync`: the job has started; `output` is the start call's response (the
   * history's `TaskSubmitted` event). Optional for integrations; the engine
   * records it for `.waitForTaskToken` tasks itself.
   */
  readonly submitted?: (output: unknown) => void;
}

/** The callback side of `.waitForTaskToken`, as Step Functions offers it. */
export interface TaskCallbacks {
  /** `SendTaskSuccess`: the waiting state succeeds with `output`. */
  succeed(taskToken: string, output: unknown): void;
  /** `SendTaskFailure`: the waiting state fails with `error` and `cause`, verbatim (both may be absent). */
  fail(taskToken: string, error?: string, cause?: string): void;
  /**
   * The work behind a token ended without calling back (e.g. its ECS task
   * stopped). On AWS the state would wait for its timeout, or a year: the
   * driver tells the test instead of hanging silently.
   */
  ended(taskToken: string, reason: string): void;
}

/**
 * How an adapter runs the `Task` states it owns on the local target. Resolve
 * with the state's result; to fail the state, throw a {@link StatesError}
 * with the error name and cause AWS would report.
 */
export interface LocalServiceIntegration {
  /** Names the integration in errors, e.g. `ecs`. */
  readonly name: string;
  /** Whether this integration owns a `Resource`. */
  handles(resource: string): boolean;
  invoke(task: LocalTaskInvocation): Promise<unknown>;
  /** Stops what the integration still runs (background tasks, servers); called by `harness.close()`. */
  dispose?(): Promise<void>;
}

/** What an adapter's local integrations are given: the session's own dispatch, as the doubles' transport would reach it. */
export interface LocalIntegrationContext {
  readonly session: string;
  /**
   * The harness stack (`createHarness`'s `stack`), so that a local integration also answers to the names its
   * doubles are deployed under on the aws target (a Lambda double's `<stack>-<Name>`). Absent in contexts made
   * before it existed.
   */
  readonly stackName?: string;
  /** Answers an invocation with the handler registered for its double (or an error result naming the fix). */
  dispatch(message: InvocationMessage): Promise<InvocationResult>;
  /** Whether a handler is registered for a double (what the routes table tells doubles on the aws target). */
  isMocked(double: string): boolean;
}
