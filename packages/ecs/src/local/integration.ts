import {
  StatesError,
  type LocalIntegrationContext,
  type LocalServiceIntegration,
  type LocalTaskInvocation,
  untilAborted,
} from '@harness/core';
import type { AgentArtifact } from '@harness/container-agent';
import type { EcsConfig } from '../config.js';
import { applicationEndpoint, type EcsEndpoint, type EcsEndpointOptions } from './app-endpoint.js';
import { createLocalEcsService, DEFAULT_LOCAL_ACCOUNT_ID } from './ecs-service.js';
import { EcsLocalIntegrationError } from './errors.js';
import { readRunTaskRequest } from './run-task-request.js';
import { defaultWarmProcesses, leaseSharedWarmProcessPool } from './warm-pool.js';
import {
  describedTaskOutput,
  endedWithoutCallbackReason,
  runTaskOutput,
  STEP_FUNCTIONS_STARTED_BY,
  taskFailed,
  type LocalAccount,
} from './task-shapes.js';

/** The resources this integration owns: `ecs:runTask` in its three integration patterns. */
const RESOURCE = /^arn:aws[a-z-]*:states:::ecs:runTask(\.sync|\.waitForTaskToken)?$/;

const DEFAULT_ACCOUNT: LocalAccount = { region: 'us-east-1', accountId: DEFAULT_LOCAL_ACCOUNT_ID };

export interface EcsLocalIntegrationOptions {
  /**
   * Region of the local ARNs. Default: the state machine ARN's, else `us-east-1`.
   * For RunTask calls to {@link EcsLocalIntegration.endpoint}: the region the
   * request is signed for; this one only when its signature names none.
   */
  readonly region?: string;
  /**
   * Account of the local ARNs. Default: the state machine ARN's, else `000000000000`.
   * For RunTask calls to {@link EcsLocalIntegration.endpoint}: the account of the
   * request's cluster or task definition ARN, else this one.
   */
  readonly accountId?: string;
  /** Added to every container's environment, e.g. `{ HARNESS_LOG_LEVEL: 'debug' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** How long `dispose()` waits for running tasks to stop before it closes the endpoint, in milliseconds. Default 5000. */
  readonly stopTimeoutMs?: number;
  /** The agent the containers fetch. Default: the built `@harness/container-agent`. */
  readonly agent?: AgentArtifact;
  /**
   * How many `node` processes to keep started ahead of tasks (see
   * `createWarmProcessPool`); `0` starts a process per container when its task
   * arrives, even while another session of the process holds the shared pool.
   * Default: `HARNESS_ECS_WARM_PROCESSES`, else the number of CPUs
   * from 2 to 8. The pool is shared by the sessions of one process and
   * closed with the last of them.
   */
  readonly warmProcesses?: number;
}

/** The ECS local integration: runs `ecs:runTask[.sync|.waitForTaskToken]` states with the real container agent. */
export interface EcsLocalIntegration extends LocalServiceIntegration {
  readonly name: 'ecs';
  /**
   * The ECS API of the local target, for application code that calls
   * `RunTask`, `DescribeTasks`, `ListTasks` or `StopTask` itself (starts the
   * loopback endpoint on first use). `harness.ecs.endpoint()` calls it.
   */
  endpoint(options?: EcsEndpointOptions): Promise<EcsEndpoint>;
  /** Resolves once every task started so far has stopped (request-response tasks run on after their state). */
  idle(): Promise<void>;
  /**
   * Stops every task still running (their agents exit at their next AWS
   * call), waits up to `stopTimeoutMs` for them, then closes the loopback
   * AWS endpoint. `harness.close()` calls it.
   */
  dispose(): Promise<void>;
}

/**
 * How the local target runs a workflow's ECS `Task` states: each RunTask
 * builds the task definition the ECS template would (the family's containers,
 * the bootstrap entry point, the `HARNESS_*` environment) and runs it with
 * {@link runTaskLocally}, one child process per container (from the warm
 * process pool while it has one waiting), against a loopback AWS endpoint
 * that hands the agents' invocations to the session.
 *
 * - `ecs:runTask`: answers the RunTask response at once; the task runs on.
 * - `ecs:runTask.sync`: waits for the task to stop; answers the stopped task,
 *   or fails with `States.TaskFailed` (cause: the task) when an essential
 *   container exited non-zero or did not start.
 * - `ecs:runTask.waitForTaskToken`: starts the task; the containers' callbacks
 *   reach `task.callbacks`; a task that stops without calling back is
 *   reported with `callbacks.ended`.
 *
 * Call `dispose()` when done (the harness does on `close()`).
 *
 * @example
 * const [ecs] = ecsAdapter.localIntegrations!(config, context);
 * const output = await ecs.invoke({ resource: 'arn:aws:states:::ecs:runTask.sync', input: { TaskDefinition: 'RenderPdf', … }, … });
 * await ecs.dispose?.();
 */
export function ecsLocalIntegration(
  config: EcsConfig,
  context: LocalIntegrationContext,
  options: EcsLocalIntegrationOptions = {},
): EcsLocalIntegration {
  // 0 turns the pool off for this integration's tasks, even while another session holds the shared pool.
  const poolOff = options.warmProcesses === 0;
  const ecs = createLocalEcsService(config, context, {
    ...(poolOff ? { pool: false } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.agent ? { agent: options.agent } : {}),
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
    ...(options.accountId ? { accountId: options.accountId } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  const restoreEnvironment: (() => void)[] = [];
  // The warm process pool: leased when the first task starts, released by dispose().
  let releasePool: (() => Promise<void>) | undefined;
  const leasePool = (): void => {
    if (releasePool || ecs.disposed) return;
    const size = options.warmProcesses ?? defaultWarmProcesses();
    if (size > 0) releasePool = leaseSharedWarmProcessPool(size);
  };

  async function invoke(task: LocalTaskInvocation): Promise<unknown> {
    if (ecs.disposed) {
      throw new EcsLocalIntegrationError(
        `Cannot run ${task.resource} for state ${task.stateName}: the ECS local integration was disposed (the harness is closed). To fix this, create a new harness.`,
      );
    }
    const match = RESOURCE.exec(task.resource);
    if (!match) {
      throw new EcsLocalIntegrationError(`The ECS local integration does not run ${task.resource} (state ${task.stateName}); it runs arn:aws:states:::ecs:runTask[.sync|.waitForTaskToken].`);
    }
    const pattern = match[1] ?? '';
    const read = readRunTaskRequest(config, task.input);
    const request = pattern === '.sync' ? { ...read.request, startedBy: STEP_FUNCTIONS_STARTED_BY } : read.request;
    const taskToken = pattern === '.waitForTaskToken' ? task.taskToken : undefined;
    if (pattern === '.waitForTaskToken' && !taskToken) {
      throw new EcsLocalIntegrationError(
        `State ${task.stateName} (${task.resource}) was handed no task token. The workflow driver must pass one for .waitForTaskToken states.`,
      );
    }
    task.signal.throwIfAborted();
    leasePool();

    // The token is accepted before any container can call back with it.
    const token = taskToken ? (await ecs.endpoint()).registerTaskToken(taskToken, task.callbacks) : undefined;
    let run;
    try {
      run = await ecs.start(request, accountOf(task, options));
    } catch (error) {
      token?.close();
      throw error;
    }
    const { plan, started, finished } = run;

    const onAbort = (): void => run.revoke('the execution no longer needs it');
    task.signal.addEventListener('abort', onAbort, { once: true });
    void finished.finally(() => task.signal.removeEventListener('abort', onAbort)).catch(noop);

    if (token && taskToken) {
      void finished.then(({ result, stopped }) => {
        // Nobody waits on the token any more when the execution let go of the task, or the harness closed.
        if (!token.answered && !task.signal.aborted && !ecs.disposed) {
          task.callbacks.ended(taskToken, endedWithoutCallbackReason(plan, stopped, result));
        }
        token.close();
      }, noop);
    }

    if (pattern !== '.sync') return runTaskOutput(started);
    task.submitted?.(runTaskOutput(started));

    const { stopped } = await untilAborted(finished, task.signal);
    const output = describedTaskOutput(stopped);
    if (taskFailed(plan, stopped)) throw new StatesError('States.TaskFailed', JSON.stringify(output));
    return output;
  }

  return {
    name: 'ecs',
    handles: (resource) => RESOURCE.test(resource),
    invoke,
    async endpoint(endpointOptions = {}) {
      if (ecs.disposed) {
        throw new EcsLocalIntegrationError('harness.ecs.endpoint() was called after the harness closed. To fix this, call it while the harness is open.');
      }
      leasePool();
      const aws = await ecs.endpoint();
      return applicationEndpoint(aws.url, endpointOptions, restoreEnvironment);
    },
    idle: () => ecs.idle(),
    async dispose() {
      try {
        await ecs.dispose();
      } finally {
        restoreEnvironment.splice(0).reverse().forEach((restore) => restore());
        // Its waiting processes end; tasks still running were stopped above.
        await releasePool?.();
      }
    },
  };
}

function accountOf(task: LocalTaskInvocation, options: EcsLocalIntegrationOptions): LocalAccount {
  // arn:aws:states:<region>:<account>:stateMachine:<name>
  const [, , , region, accountId] = task.execution.stateMachineArn.split(':');
  return {
    region: options.region ?? (region || DEFAULT_ACCOUNT.region),
    accountId: options.accountId ?? (accountId && /^\d{12}$/.test(accountId) ? accountId : DEFAULT_ACCOUNT.accountId),
  };
}

function noop(): void {}
