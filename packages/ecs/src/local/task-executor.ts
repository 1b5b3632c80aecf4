import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  StopTaskCommand,
  SubmitContainerStateChangeCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { constants } from 'node:os';
import { runTaskLocally, type LocalCredentials, type LocalTaskResult } from './task-runner.js';
import { defaultWarmProcesses, leaseSharedWarmProcessPool } from './warm-pool.js';

export interface TaskExecutorOptions {
  /** The cluster whose tasks to run (name or ARN). */
  readonly cluster: string;
  /** The task role's credentials, as the containers will see them. */
  readonly credentials: LocalCredentials;
  /** Added to every container's environment (e.g. `AWS_ENDPOINT_URL`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** How often to look for new tasks, in milliseconds. Default 100. */
  readonly pollIntervalMs?: number;
  readonly client?: ECSClient;
  /** Told about each task that ran. */
  readonly onTask?: (result: LocalTaskResult) => void;
  /**
   * Told about failures to list, describe or stop tasks, or to report a container's exit
   * (the executor keeps going: a task whose exits were refused is still stopped).
   */
  readonly onError?: (error: Error) => void;
  /** How many `node` processes to keep started ahead of tasks until `stop()` (`0`: none). Default: as the local integration's `warmProcesses`. */
  readonly warmProcesses?: number;
}

/** A running executor: what it ran so far, and how to stop it. */
export interface TaskExecutor {
  readonly results: readonly LocalTaskResult[];
  /** Resolves with the result of a task once it has run, or fails after `timeoutMs` listing the tasks that did run. */
  waitForTask(taskArn: string, timeoutMs?: number): Promise<LocalTaskResult>;
  /** Stops polling, waits for running tasks to finish, and ends the warm processes it kept. */
  stop(): Promise<void>;
}

/**
 * Gives an ECS API without a container runtime (moto) one, playing the ECS
 * container agent: every task that RunTask records in `cluster` is run here
 * with {@link runTaskLocally}, with its task definition and overrides. When
 * its containers have ended, the executor reports each container's exit to
 * the API as the agent does (`SubmitContainerStateChange`: status `STOPPED`,
 * `exitCode`, `reason`), then stops the task with StopTask and the task's
 * stopped reason (`Essential container in task exited` when an essential
 * container ended it, as on AWS). DescribeTasks then shows every container
 * STOPPED with its exit code, and the task's `stopCode` — on moto with
 * harness's fixes (`fix_ecs_container_state.py`); unfixed moto refuses
 * `SubmitContainerStateChange`, which goes to `onError`, and the task is
 * still stopped. Code under test calls RunTask for real; the doubles'
 * containers really run. {@link TaskExecutor.waitForTask} resolves once the
 * task is stopped in the API.
 *
 * @example
 * const executor = startTaskExecutor({ cluster: 'harness-dev-doubles', credentials });
 * await ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'RenderPdf', … }));
 * await executor.stop();
 */
export function startTaskExecutor(options: TaskExecutorOptions): TaskExecutor {
  const client = options.client ?? new ECSClient({});
  const seen = new Set<string>();
  const running = new Set<Promise<void>>();
  const results: LocalTaskResult[] = [];
  const report = (error: unknown): void => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  let stopped = false;
  const poolSize = options.warmProcesses ?? defaultWarmProcesses();
  const releasePool = poolSize > 0 ? leaseSharedWarmProcessPool(poolSize) : undefined;

  async function execute(task: Task): Promise<void> {
    const described = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: task.taskDefinitionArn }));
    if (!described.taskDefinition) throw new Error(`no task definition ${task.taskDefinitionArn} for task ${task.taskArn}`);
    const result = await runTaskLocally({
      taskDefinition: described.taskDefinition,
      overrides: { containerOverrides: task.overrides?.containerOverrides ?? [] },
      taskArn: task.taskArn,
      clusterArn: task.clusterArn,
      credentials: options.credentials,
      environment: options.environment,
      // `warmProcesses: 0` means no pool for this executor's tasks, even while another session holds one.
      ...(poolSize > 0 ? {} : { pool: false as const }),
    });
    const stopTask = () =>
      client.send(new StopTaskCommand({ cluster: options.cluster, task: task.taskArn, reason: result.stoppedReason }));
    try {
      // As on ECS: an essential container's exit is what stops the task; a task the runner stopped
      // (its time limit) is stopped first, and its containers' exits follow.
      if (result.stopCode === 'EssentialContainerExited') {
        await reportContainerExits(task, result);
        await stopTask();
      } else {
        await stopTask();
        await reportContainerExits(task, result);
      }
    } catch (error) {
      report(error);
    } finally {
      results.push(result);
      options.onTask?.(result);
    }
  }

  /** What the ECS agent sends when a container has exited. The first refusal is reported and ends the reporting for this task. */
  async function reportContainerExits(task: Task, result: LocalTaskResult): Promise<void> {
    for (const container of result.containers) {
      try {
        await client.send(
          new SubmitContainerStateChangeCommand({
            cluster: options.cluster,
            task: task.taskArn,
            containerName: container.name,
            status: 'STOPPED',
            exitCode: exitCodeOf(container),
            reason: container.reason,
          }),
        );
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)) + (status ? ` (HTTP ${status})` : '');
        report(
          new Error(
            `the ECS API refused SubmitContainerStateChange for container ${container.name} of task ${task.taskArn}, so DescribeTasks will not show its exit code (${message}). The task is stopped anyway.`,
            { cause: error },
          ),
        );
        return;
      }
    }
  }

  async function poll(): Promise<void> {
    while (!stopped) {
      try {
        const listed = await client.send(new ListTasksCommand({ cluster: options.cluster, desiredStatus: 'RUNNING' }));
        const fresh = (listed.taskArns ?? []).filter((arn) => !seen.has(arn));
        if (fresh.length > 0) {
          fresh.forEach((arn) => seen.add(arn));
          const tasks = await client.send(new DescribeTasksCommand({ cluster: options.cluster, tasks: fresh }));
          for (const task of tasks.tasks ?? []) {
            const work = execute(task).catch(report);
            running.add(work);
            void work.finally(() => running.delete(work));
          }
        }
      } catch (error) {
        report(error);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 100));
    }
  }

  const polling = poll();
  return {
    results,
    async waitForTask(taskArn, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = results.find((result) => result.taskArn === taskArn);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(
        `task ${taskArn} did not finish within ${timeoutMs} ms. Tasks run so far: ${results.map((result) => result.taskArn).join(', ') || 'none'}` +
          (seen.has(taskArn) ? ' (it started and is still running)' : ' (the executor never saw it: is it in the cluster it watches?)'),
      );
    },
    async stop() {
      stopped = true;
      await polling;
      await Promise.allSettled(running);
      await releasePool?.();
    },
  };
}

/** The exit code Docker (and so ECS) reports: the process's, or 128 + the signal's number for a container killed by a signal. */
function exitCodeOf(container: LocalTaskResult['containers'][number]): number | undefined {
  if (container.exitCode !== null) return container.exitCode;
  const signal = container.signal ? constants.signals[container.signal] : undefined;
  return signal === undefined ? undefined : 128 + signal;
}
