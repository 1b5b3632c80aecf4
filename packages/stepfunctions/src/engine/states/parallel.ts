import { setMaxListeners } from 'node:events';
import type { Frame } from '../history/log.js';
import {
  BRANCH_ABORTED,
  BranchAborted,
  effectiveInput,
  exitState,
  finishState,
  nextOf,
  withRetryAndCatch,
  type Branch,
  type StateExit,
  type StateRun,
} from '../run.js';
import type { Json } from '../types.js';
import type { MachineSpec } from './machine.js';

/**
 * Parallel: every branch runs on the state's effective input (JSONPath
 * InputPath → Parameters; JSONata Arguments), each with its own variable
 * scope that reads the outer one; the result is the branches' outputs in
 * order. The first branch failure aborts the others (their running state
 * records `…StateAborted`) and fails the state with that error.
 */
export async function runParallel(run: StateRun): Promise<StateExit> {
  const branches = (run.state.Branches as MachineSpec[] | undefined) ?? [];
  return withRetryAndCatch(
    run,
    async () => {
    const input = await effectiveInput(run, { parameters: true });
    const { env } = run;
    env.log.add(run.branch.frame, 'ParallelStateStarted');
    const results = await runConcurrently(
      run,
      branches.map((machine) => (branch) => env.runStates(machine, input, branch)),
      { concurrency: 0, kind: 'branch' },
    );
    if (results.failure) throw results.failure;
    env.log.add(run.branch.frame, 'ParallelStateSucceeded');
    const { output, assigned } = await finishState(run, results.outputs, { resultSelector: true, defaultOutputIsResult: true });
    return exitState(run, output, assigned, nextOf(run.state));
    },
    { failedEvent: 'ParallelStateFailed' },
  );
}

/** How each concurrent line of work went. */
export interface ConcurrentOutcome {
  readonly outputs: Json[];
  /** The first failure, when one line failed (the others were aborted). */
  readonly failure?: unknown;
  /** The lines that were aborted after the failure. */
  readonly aborted: readonly number[];
}

/**
 * Runs lines of work (branches, iterations) at most `concurrency` at a time
 * (0: no limit), each in a frame of its own that starts at the parent's
 * cursor; the parent's cursor then follows the last line to finish, as
 * AWS's histories show. The first failure aborts every line still running.
 */
export async function runConcurrently(
  run: StateRun,
  lines: ReadonlyArray<(branch: Branch) => Promise<Json>>,
  options: {
    readonly concurrency: number;
    readonly start?: (index: number, frame: Frame) => void;
    readonly succeeded?: (index: number, frame: Frame) => void;
    readonly failed?: (index: number, frame: Frame) => void;
    readonly abortedLine?: (index: number, frame: Frame) => void;
    readonly scope?: (index: number) => Branch['scope'];
    readonly kind: 'branch' | 'iteration';
    readonly mapItem?: (index: number) => Branch['mapItem'];
  },
): Promise<ConcurrentOutcome> {
  const parent = run.branch;
  const controller = new AbortController();
  // Each line's running task listens to it: as many listeners as lines run at once.
  setMaxListeners(0, controller.signal);
  const stop = (): void => controller.abort(BRANCH_ABORTED);
  if (parent.signal.aborted) stop();
  parent.signal.addEventListener('abort', stop, { once: true });

  const outputs: Json[] = new Array<Json>(lines.length).fill(null);
  const aborted: number[] = [];
  let failure: unknown;
  let failed = false;
  let next = 0;
  const limit = options.concurrency > 0 ? options.concurrency : lines.length;

  const runLine = async (index: number): Promise<void> => {
    const frame: Frame = { cursor: parent.frame.cursor };
    const mapItem = options.mapItem?.(index);
    const branch: Branch = {
      frame,
      scope: options.scope ? options.scope(index) : parent.scope.child(),
      language: parent.language,
      signal: controller.signal,
      kind: options.kind,
      ...(mapItem !== undefined ? { mapItem } : {}),
    };
    options.start?.(index, frame);
    try {
      outputs[index] = await (lines[index] as (branch: Branch) => Promise<Json>)(branch);
      options.succeeded?.(index, frame);
    } catch (error) {
      if (error instanceof BranchAborted && controller.signal.aborted && !parent.signal.aborted) {
        aborted.push(index);
        options.abortedLine?.(index, frame);
      } else if (!failed) {
        failed = true;
        failure = error;
        options.failed?.(index, frame);
        parent.frame.cursor = frame.cursor;
        stop();
        return;
      }
    }
    if (!failed) parent.frame.cursor = frame.cursor;
  };

  const worker = async (): Promise<void> => {
    while (next < lines.length && !controller.signal.aborted) {
      const index = next++;
      await runLine(index);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, lines.length) }, worker));
  } finally {
    parent.signal.removeEventListener('abort', stop);
  }
  if (parent.signal.aborted) throw BRANCH_ABORTED;
  return failed ? { outputs, failure, aborted } : { outputs, aborted };
}
