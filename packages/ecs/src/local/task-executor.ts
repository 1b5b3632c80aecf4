import {
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { runTaskLocally, type LocalCredentials, type LocalTaskResult } from './task-runner.js';

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
  /** Told about failures to list, describe or stop tasks (the executor keeps going). */
  readonly onError?: (error: Error) => void;
}

/** A running executor: what it ran so far, and how to stop it. */
export interface TaskExecutor {
  readonly results: readonly LocalTaskResult[];
  /** Resolves with the result of a task once it has run, or fails after `timeoutMs` listing the tasks that did run. */
  waitForTask(taskArn: string, timeoutMs?: number): Promise<LocalTaskResult>;
  /** Stops polling and waits for running tasks to finish. */
  stop(): Promise<void>;
}

/**
 * Gives an ECS API without a container runtime (moto) one: every task that
 * RunTask records in `cluster` is run here with {@link runTaskLocally}, with
 * its task definition and overrides, then stopped through the API. Code
 * under test calls RunTask for real; the doubles' containers really run.
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
    });
    results.push(result);
    options.onTask?.(result);
    await client.send(new StopTaskCommand({ cluster: options.cluster, task: task.taskArn, reason: result.stoppedReason }));
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
    },
  };
}
