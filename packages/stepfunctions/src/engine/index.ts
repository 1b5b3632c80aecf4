import { setMaxListeners } from 'node:events';
import type { ExecutionOutcome, ExecutionStatus, RunExecutionOptions } from './api.js';
import { seededRandom } from './clock/backoff.js';
import { createVirtualClock } from './clock/virtual.js';
import { isoTime } from './context/context-object.js';
import { STATES_ERRORS } from './errors/names.js';
import type { HistoryEventType } from './history/events.js';
import { EventLog, jsonText } from './history/log.js';
import { asFailure, BRANCH_ABORTED, BranchAborted, failureDetails, reportEvaluationFailure, type Branch, type RunEnv, type StateExit, type StateRun } from './run.js';
import { runChoice } from './states/choice.js';
import { languageOf, type MachineSpec } from './states/machine.js';
import { runMap } from './states/map.js';
import { runParallel } from './states/parallel.js';
import { runFail, runPass, runSucceed, runWait } from './states/simple.js';
import { runTask } from './states/task.js';
import { StateFailure, type Json, type QueryLanguage } from './types.js';
import { VariableScope } from './vars/scope.js';

export type { EngineTask, ExecutionOutcome, ExecutionStatus, RunExecutionOptions, TaskInvoker } from './api.js';
export type { Clock } from './clock/clock.js';
export type { HistoryEvent, HistoryEventType } from './history/events.js';
export { StateFailure } from './types.js';
export type { Json, ObjectStore, StoredObjectSummary } from './types.js';

const STATE_TYPES: Readonly<Record<string, (run: StateRun) => Promise<StateExit>>> = {
  Pass: runPass,
  Task: runTask,
  Choice: runChoice,
  Wait: runWait,
  Succeed: runSucceed,
  Fail: runFail,
  Parallel: runParallel,
  Map: runMap,
};

const ARN = /^arn:([^:]+):states:([^:]*):([^:]*):stateMachine:([^:]+)/;

/**
 * Runs one execution of a state machine, as Step Functions would, and
 * resolves with how it ended and its history (GetExecutionHistory's events).
 *
 * Task states go to `options.invokeTask`; Wait states, retries and timeouts
 * wait on `options.clock` (by default a virtual clock: no wall time while
 * nothing else runs). Rejects only with harness errors (an invoker that threw
 * something other than a state failure), never with a workflow outcome.
 *
 * @example
 * const run = await runExecution({ definition, input: { orderId: 'o-1' }, executionArn, name, stateMachineArn, roleArn, invokeTask });
 * run.status; // 'SUCCEEDED'
 */
export async function runExecution(options: RunExecutionOptions): Promise<ExecutionOutcome> {
  const definition = options.definition as MachineSpec;
  const clock = options.clock ?? createVirtualClock();
  const log = new EventLog(clock);
  const input: Json = options.input === undefined ? {} : options.input;
  const startMs = clock.now();
  const [, partition = 'aws', region = 'us-east-1', account = '123456789012', stateMachineName = 'StateMachine'] = ARN.exec(options.stateMachineArn) ?? [];
  const ended = new AbortController();
  const controller = new AbortController();
  // Every task running in the execution listens to these (a 1,000-item Map: a thousand listeners, none leaked).
  setMaxListeners(0, ended.signal, controller.signal);
  const env: RunEnv = {
    options,
    log,
    clock,
    execution: { Id: options.executionArn, Input: input, Name: options.name, RoleArn: options.roleArn, StartTime: isoTime(startMs), RedriveCount: 0 },
    stateMachine: { Id: options.stateMachineArn, Name: stateMachineName },
    region,
    account,
    partition,
    random: seededRandom(options.seed ?? (Math.random() * 2 ** 32) >>> 0),
    store: options.objectStore,
    ended: ended.signal,
    stopped: controller.signal,
    runStates: (machine, data, branch, other) => runStates(other ?? env, machine, data, branch),
  };

  const top = { cursor: 0 };
  log.add(top, 'ExecutionStarted', { input: jsonText(input), inputDetails: { truncated: false }, roleArn: options.roleArn });
  let ending: 'aborted' | 'timed-out' | undefined;
  const stop = (): void => {
    ending ??= 'aborted';
    controller.abort(BRANCH_ABORTED);
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  const timeout = new AbortController();
  if (typeof definition.TimeoutSeconds === 'number') {
    clock.sleep(definition.TimeoutSeconds * 1000, timeout.signal).then(
      () => {
        ending ??= 'timed-out';
        controller.abort(BRANCH_ABORTED);
      },
      () => undefined,
    );
  }

  let status: ExecutionStatus;
  let output: Json | undefined;
  let failure: StateFailure | undefined;
  try {
    const language: QueryLanguage = definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath';
    const branch: Branch = { frame: top, scope: new VariableScope(), language, signal: controller.signal };
    output = await runStates(env, definition, input, branch);
    status = 'SUCCEEDED';
    log.add(top, 'ExecutionSucceeded', { output: jsonText(output), outputDetails: { truncated: false } });
  } catch (thrown) {
    if (ending === 'timed-out') {
      status = 'TIMED_OUT';
      failure = new StateFailure(STATES_ERRORS.Timeout);
      log.add(top, 'ExecutionTimedOut', { error: STATES_ERRORS.Timeout });
    } else if (ending === 'aborted') {
      status = 'ABORTED';
      log.add(top, 'ExecutionAborted', {}, 0);
    } else {
      const asStates = asFailure(thrown);
      if (!asStates) {
        controller.abort(BRANCH_ABORTED);
        throw thrown;
      }
      status = 'FAILED';
      failure = asStates;
      log.add(top, 'ExecutionFailed', failureDetails(asStates));
    }
  } finally {
    ended.abort(BRANCH_ABORTED);
    timeout.abort(BRANCH_ABORTED);
    options.signal?.removeEventListener('abort', stop);
  }
  return {
    status,
    ...(output !== undefined ? { output } : {}),
    ...(failure?.error !== undefined ? { error: failure.error } : {}),
    ...(failure?.failureCause !== undefined && failure.failureCause !== '' ? { cause: failure.failureCause } : {}),
    startDate: new Date(startMs),
    stopDate: new Date(clock.now()),
    history: log.events,
  };
}


/** The evaluation loop of one machine (the execution, a branch, an iteration): state after state until one ends it. */
async function runStates(env: RunEnv, machine: MachineSpec, input: Json, branch: Branch): Promise<Json> {
  const language: QueryLanguage = machine.QueryLanguage === 'JSONata' ? 'JSONata' : machine.QueryLanguage === 'JSONPath' ? 'JSONPath' : branch.language;
  let name = machine.StartAt;
  let data = input;
  for (;;) {
    if (branch.signal.aborted) throw BRANCH_ABORTED;
    const state = machine.States[name];
    if (state === undefined) {
      throw new StateFailure(STATES_ERRORS.Runtime, `The state '${name}' does not exist in the state machine.`);
    }
    const type = state.Type;
    const enteredPreviousId = branch.frame.cursor;
    const enteredTime = env.clock.now();
    const enteredEventId = env.log.add(branch.frame, `${type}StateEntered` as HistoryEventType, {
      name,
      input: jsonText(data),
      inputDetails: { truncated: false },
    });
    const run: StateRun = {
      env,
      branch: branch.language === language ? branch : { ...branch, language },
      name,
      state,
      type,
      language: languageOf(state, language),
      input: data,
      enteredEventId,
      enteredPreviousId,
      enteredTime,
      retryCount: 0,
    };
    const handler = STATE_TYPES[type];
    let exit: StateExit;
    try {
      if (!handler) throw new StateFailure(STATES_ERRORS.Runtime, `The state type '${type}' is not one the Amazon States Language defines.`);
      exit = await handler(run);
    } catch (thrown) {
      if (thrown instanceof BranchAborted) {
        // A sibling's failure aborts this state; stopping the whole execution does not write per-state events (recorded AWS).
        if (!env.stopped.aborted) env.log.add(branch.frame, `${type}StateAborted` as HistoryEventType);
        throw thrown;
      }
      const failure = asFailure(thrown);
      if (failure) {
        reportEvaluationFailure(run, failure);
        // Recorded AWS: a Task failing a Parallel branch is then aborted (TaskFailed, TaskStateAborted, ParallelStateFailed).
        if (branch.kind === 'branch' && type === 'Task') env.log.add(branch.frame, 'TaskStateAborted');
      }
      throw failure ?? thrown;
    }
    if (exit.next === undefined) return exit.output;
    name = exit.next;
    data = exit.output;
  }
}
