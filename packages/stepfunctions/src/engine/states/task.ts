import { randomBytes } from 'node:crypto';
import { CallbackNeverSentError } from '../../errors.js';
import { issueTaskToken, localTaskCallbacks, releaseTaskToken, tokenPrefix } from '../../task-tokens.js';
import type { EngineTask } from '../api.js';
import { STATES_ERRORS } from '../errors/names.js';
import type { HistoryEventType } from '../history/events.js';
import { jsonText } from '../history/log.js';
import {
  asFailure,
  BRANCH_ABORTED,
  BranchAborted,
  checkSize,
  effectiveInput,
  exitState,
  failureDetails,
  finishState,
  nextOf,
  readInteger,
  withRetryAndCatch,
  type StateExit,
  type StateRun,
} from '../run.js';
import { parseTaskResource, resourceRegion, type TaskResource } from '../task/resource.js';
import { StateFailure, type Json } from '../types.js';

/** How long a `.waitForTaskToken` state still waits, in real time, once its worker ended without calling back. */
export const DEFAULT_CALLBACK_GRACE_MS = 5_000;

/** A timeout of the task: `States.Timeout`, no cause; a heartbeat lapse also matches `States.HeartbeatTimeout`. */
class TaskTimeout extends StateFailure {
  constructor(readonly heartbeat: boolean) {
    // A Catch sees `"Cause": ""` (recorded AWS: a lambda:invoke past its TimeoutSeconds); the events carry no cause.
    super(STATES_ERRORS.Timeout, '');
  }
}

/**
 * Task: JSONPath InputPath → Parameters → the resource → ResultSelector →
 * ResultPath → OutputPath (JSONata: Arguments → the resource → Assign /
 * Output), under Retry and Catch, with TimeoutSeconds / HeartbeatSeconds on
 * the execution's clock. History as AWS writes it per kind of resource:
 * `TaskScheduled/Started/[Submitted]/Succeeded|Failed|TimedOut` for service
 * integrations, `LambdaFunction*` for function ARNs, `Activity*` for activities.
 */
export async function runTask(run: StateRun): Promise<StateExit> {
  const arn = String(run.state.Resource);
  const resource = parseTaskResource(arn);
  return withRetryAndCatch(run, async () => {
    const result = await attempt(run, arn, resource);
    const { output, assigned } = await finishState(run, result, { resultSelector: true, defaultOutputIsResult: true });
    return exitState(run, output, assigned, nextOf(run.state));
  });
}

const EVENTS = {
  service: { scheduled: 'TaskScheduled', started: 'TaskStarted', succeeded: 'TaskSucceeded', failed: 'TaskFailed', timedOut: 'TaskTimedOut' },
  lambda: {
    scheduled: 'LambdaFunctionScheduled',
    started: 'LambdaFunctionStarted',
    succeeded: 'LambdaFunctionSucceeded',
    failed: 'LambdaFunctionFailed',
    timedOut: 'LambdaFunctionTimedOut',
  },
  activity: { scheduled: 'ActivityScheduled', started: 'ActivityStarted', succeeded: 'ActivitySucceeded', failed: 'ActivityFailed', timedOut: 'ActivityTimedOut' },
} as const satisfies Record<TaskResource['kind'], Record<string, HistoryEventType>>;

async function attempt(run: StateRun, arn: string, resource: TaskResource): Promise<Json> {
  const { env, branch } = run;
  const callback = resource.kind === 'service' && resource.pattern === 'waitForTaskToken';
  const waiter = callback ? new CallbackWaiter(run) : undefined;
  // `$$.Task.Token` is there for every service integration (a `.sync` child can be handed one too, as recorded on AWS);
  // outside `.waitForTaskToken` nobody can call back with it, so it is made only for a state that reads it.
  run.taskToken = waiter?.token ?? (resource.kind === 'service' && readsTaskToken(run.state) ? randomBytes(48).toString('base64url') : undefined);
  try {
    // The …Path timeouts read the state's input, not what Parameters made of it (recorded AWS: TimeoutSecondsPath beside Parameters).
    const timeoutSeconds = await readInteger(run, 'TimeoutSeconds', run.input, { min: 1 });
    const heartbeatSeconds = await readInteger(run, 'HeartbeatSeconds', run.input, { min: 1 });
    const input = await effectiveInput(run, { parameters: true });
    const events = EVENTS[resource.kind];
    const serviceFields = resource.kind === 'service' ? { resourceType: resource.resourceType, resource: resource.resource } : {};
    const limits = {
      ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined && resource.kind !== 'lambda' ? { heartbeatInSeconds: heartbeatSeconds } : {}),
    };
    if (resource.kind === 'service') {
      env.log.add(branch.frame, events.scheduled, {
        ...serviceFields,
        region: resourceRegion(arn, env.region),
        parameters: jsonText(input),
        ...limits,
      });
      env.log.add(branch.frame, events.started, serviceFields);
    } else {
      env.log.add(branch.frame, events.scheduled, { resource: arn, input: jsonText(input), inputDetails: { truncated: false }, ...limits });
      env.log.add(branch.frame, events.started, resource.kind === 'activity' ? {} : undefined);
    }

    let submitted = false;
    const submit = (output: Json): void => {
      if (submitted || resource.kind !== 'service') return;
      submitted = true;
      env.log.add(branch.frame, 'TaskSubmitted', { ...serviceFields, output: jsonText(output), outputDetails: { truncated: false } });
    };

    let result: Json;
    let resultText: string;
    try {
      result = await invokeWithLimits(run, arn, input, timeoutSeconds, heartbeatSeconds, waiter, submit);
      resultText = checkSize(result, arn);
    } catch (thrown) {
      if (thrown instanceof BranchAborted) throw thrown;
      const failure = asFailure(thrown);
      if (!failure) throw thrown;
      if (failure instanceof TaskTimeout) {
        env.log.add(branch.frame, events.timedOut, { ...serviceFields, error: STATES_ERRORS.Timeout });
      } else {
        env.log.add(branch.frame, events.failed, { ...serviceFields, ...failureDetails(failure) });
      }
      throw failure;
    }
    env.log.add(branch.frame, events.succeeded, { ...serviceFields, output: resultText, outputDetails: { truncated: false } });
    return result;
  } finally {
    waiter?.dispose();
  }
}

async function invokeWithLimits(
  run: StateRun,
  arn: string,
  input: Json,
  timeoutSeconds: number | undefined,
  heartbeatSeconds: number | undefined,
  waiter: CallbackWaiter | undefined,
  submit: (output: Json) => void,
): Promise<Json> {
  const { env, branch } = run;
  // The work is stopped when the state times out, or when its branch is aborted or the execution ends while the
  // state waits for it. Once the state has its outcome the work is left alone: a request-response task (an ECS
  // task started without .sync) runs on after its state, as on AWS; `harness.close()` stops what is left.
  const work = new AbortController();
  const stopWork = (): void => work.abort(BRANCH_ABORTED);
  if (branch.signal.aborted || env.ended.aborted) stopWork();
  branch.signal.addEventListener('abort', stopWork, { once: true });
  env.ended.addEventListener('abort', stopWork, { once: true });
  const release = env.clock.hold(`task ${run.name}`);
  const settled: Array<Promise<Json>> = [];
  // Aborted once the state has its outcome: its timers stop (only a state with a timeout has any).
  const timed = timeoutSeconds !== undefined || (waiter !== undefined && heartbeatSeconds !== undefined);
  const timers = timed ? new AbortController() : undefined;
  try {
    const task: EngineTask = {
      resource: arn,
      stateName: run.name,
      input,
      ...(waiter ? { taskToken: waiter.token } : {}),
      execution: { arn: env.execution.Id, name: env.execution.Name, stateMachineArn: env.stateMachine.Id },
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
      signal: work.signal,
      callbacks: localTaskCallbacks,
      submitted: submit,
    };
    const invoked = Promise.resolve().then(() => env.options.invokeTask(task));
    if (waiter) {
      // The state waits for the callback; the call itself only starts the work (TaskSubmitted).
      settled.push(
        invoked.then((output) => {
          submit(output);
          return waiter.outcome;
        }),
      );
      if (heartbeatSeconds !== undefined && timers) settled.push(waiter.heartbeats(heartbeatSeconds, timers.signal));
      // The clock may skip ahead once the worker has ended and its grace has passed.
      void waiter.workDone.then(release);
    } else {
      settled.push(invoked.finally(release));
    }
    if (timeoutSeconds !== undefined && timers) settled.push(timeoutAfter(run, timeoutSeconds, timers.signal, false));
    let stopAborted: (() => void) | undefined;
    settled.push(
      new Promise<never>((_, reject) => {
        const abort = (): void => reject(BRANCH_ABORTED);
        if (work.signal.aborted) abort();
        work.signal.addEventListener('abort', abort, { once: true });
        stopAborted = () => work.signal.removeEventListener('abort', abort);
      }),
    );
    try {
      return await Promise.race(settled);
    } catch (error) {
      // Failed, timed out, aborted, or a harness error: nothing needs the work any more.
      if (!work.signal.aborted) work.abort(error instanceof TaskTimeout ? error : BRANCH_ABORTED);
      throw error;
    } finally {
      stopAborted?.();
      timers?.abort(BRANCH_ABORTED);
    }
  } finally {
    branch.signal.removeEventListener('abort', stopWork);
    env.ended.removeEventListener('abort', stopWork);
    release();
    // Losers of the race may still reject; they are not the state's outcome.
    for (const promise of settled) promise.catch(() => undefined);
  }
}

const readsToken = new WeakMap<object, boolean>();

/** Whether a state's definition can read the task token (`$$.Task.Token`, or the whole context object). */
function readsTaskToken(state: object): boolean {
  let reads = readsToken.get(state);
  if (reads === undefined) {
    const text = JSON.stringify(state);
    reads = text.includes('Task') || /\$\$(?![.\w])|\$states\.context(?![.\w])/.test(text);
    readsToken.set(state, reads);
  }
  return reads;
}

async function timeoutAfter(run: StateRun, seconds: number, signal: AbortSignal, heartbeat: boolean): Promise<never> {
  await run.env.clock.sleep(seconds * 1000, signal);
  throw new TaskTimeout(heartbeat);
}

/**
 * The `.waitForTaskToken` side of a task: its token, registered so that
 * SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat (and the local
 * integrations' callbacks) reach this attempt.
 */
class CallbackWaiter {
  readonly token: string;
  readonly outcome: Promise<Json>;
  /** Settles when no more real work can call back: the callback came, or the worker ended and its grace passed. */
  readonly workDone: Promise<void>;
  private resolveOutcome!: (value: Json) => void;
  private rejectOutcome!: (error: unknown) => void;
  private markDone!: () => void;
  private beat: (() => void) | undefined;
  private settled = false;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(private readonly run: StateRun) {
    this.outcome = new Promise<Json>((resolve, reject) => {
      this.resolveOutcome = resolve;
      this.rejectOutcome = reject;
    });
    this.outcome.catch(() => undefined);
    this.workDone = new Promise<void>((resolve) => {
      this.markDone = resolve;
    });
    this.token = issueTaskToken({
      stateName: run.name,
      executionArn: run.env.execution.Id,
      succeed: (output) => this.settle(() => this.resolveOutcome(output as Json)),
      fail: (error, cause) => this.settle(() => this.rejectOutcome(new StateFailure(error, cause))),
      heartbeat: () => this.beat?.(),
      ended: (reason) => this.ended(reason),
    });
  }

  /** Fails with a heartbeat timeout when no heartbeat (or callback) comes within `seconds`. */
  heartbeats(seconds: number, signal: AbortSignal): Promise<never> {
    return new Promise<never>((_, reject) => {
      let timer: AbortController | undefined;
      const arm = (): void => {
        timer?.abort();
        timer = new AbortController();
        const own = timer;
        signal.addEventListener('abort', () => own.abort(), { once: true });
        this.run.env.clock.sleep(seconds * 1000, own.signal).then(
          () => reject(new TaskTimeout(true)),
          () => undefined,
        );
      };
      this.beat = arm;
      arm();
    });
  }

  private settle(action: () => void): void {
    if (this.settled) return;
    this.settled = true;
    action();
    this.markDone();
  }

  private ended(reason: string): void {
    if (this.settled || this.graceTimer !== undefined) return;
    const grace = this.run.env.options.callbackGraceMs ?? DEFAULT_CALLBACK_GRACE_MS;
    // Nothing can call back any more. A late callback (a test playing the worker) still has the grace period;
    // then the state ends as AWS would end it: by its timeout if it has one, else the harness says why.
    this.graceTimer = setTimeout(() => {
      if (this.settled) return;
      const state = this.run.state;
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined && state.HeartbeatSeconds === undefined && state.HeartbeatSecondsPath === undefined) {
        this.settle(() => this.rejectOutcome(new CallbackNeverSentError(this.run.name, tokenPrefix(this.token), reason, grace)));
        return;
      }
      this.markDone();
    }, grace);
    this.graceTimer.unref?.();
  }

  dispose(): void {
    releaseTaskToken(this.token);
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.markDone();
  }
}
