import { randomBytes } from 'node:crypto';
import type { Task } from '@aws-sdk/client-ecs';
import { doubleId, HARNESS_ENV, type LocalIntegrationContext } from '@harness/core';
import { bootstrapEntryPoint, type AgentArtifact } from '@harness/container-agent';
import type { EcsConfig } from '../config.js';
import { startLocalAwsEndpoint, type LocalAwsEndpoint, type LocalTaskLauncher } from './aws-endpoint.js';
import { EcsLocalIntegrationError } from './errors.js';
import { EcsApiError, readRunTaskApiRequest, type RunTaskRequest } from './run-task-request.js';
import { planTask, provisioningTask, runningTask, stoppedTask, type LocalAccount, type LocalTaskPlan } from './task-shapes.js';
import { runTaskLocally, type LocalCredentials, type LocalTaskDefinition, type LocalTaskResult } from './task-runner.js';

/** Where local ARNs point when nothing names an account. */
export const DEFAULT_LOCAL_ACCOUNT_ID = '000000000000';

/** ECS's limit on RunTask's `count`. */
const MAX_RUN_TASK_COUNT = 10;

export interface LocalEcsServiceOptions {
  /** Added to every container's environment, e.g. `{ HARNESS_LOG_LEVEL: 'debug' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** The agent the containers fetch. Default: the built `@harness/container-agent`. */
  readonly agent?: AgentArtifact;
  /** How long `dispose()` waits for running tasks to stop, in milliseconds. Default 5000. */
  readonly stopTimeoutMs?: number;
  /** Account of the ARNs of tasks that application code starts, when its request names none (in a cluster or task definition ARN). Default `000000000000`. */
  readonly accountId?: string;
  /** Region of requests whose signature names none. Default `us-east-1`. */
  readonly region?: string;
  /** `false`: every container in a fresh process, never one of a warm pool. Default: the shared pool while one is leased. */
  readonly pool?: false;
}

/** One task started on the local target. */
export interface LocalTaskRun {
  readonly plan: LocalTaskPlan;
  /** The task as RunTask answers it: `PROVISIONING`. */
  readonly started: Task;
  /** Settles once every container has exited, with the task as DescribeTasks then has it. Never rejects. */
  readonly finished: Promise<{ readonly result: LocalTaskResult; readonly stopped: Task }>;
  /** Refuses the task's credentials, so that its agents exit (70) at their next AWS call. */
  revoke(reason: string): void;
}

/**
 * The ECS control plane of the local target: it starts tasks of the
 * configured families (one child process per container, the real agent), keeps
 * their records for DescribeTasks / ListTasks, and stops them. Step Functions'
 * `ecs:runTask` states and application code's RunTask calls both go through it,
 * so a task started either way looks the same to everyone.
 */
export interface LocalEcsService {
  /** The loopback AWS endpoint (started on first use): the agents' AWS, and the ECS API for application code. */
  endpoint(): Promise<LocalAwsEndpoint>;
  /** Starts a task; resolves once it is registered (its containers are starting). */
  start(request: RunTaskRequest, account: LocalAccount): Promise<LocalTaskRun>;
  /** StopTask: SIGTERM to the task's containers, then SIGKILL. False when no such task runs. */
  stop(taskArn: string, reason: string): boolean;
  /** Resolves once every task started so far has stopped. */
  idle(): Promise<void>;
  /** Revokes every running task, waits up to `stopTimeoutMs`, then closes the endpoint. New tasks are refused. */
  dispose(): Promise<void>;
  readonly disposed: boolean;
}

interface RunningTask {
  readonly controller: AbortController;
  readonly revoke: (reason: string) => void;
  /** Shows the task as stopping in DescribeTasks: desired status STOPPED, the stop's code and reason. */
  readonly markStopping: (reason: string) => void;
  readonly done: Promise<void>;
}

/**
 * Creates the local ECS control plane of one harness session.
 *
 * @example
 * const ecs = createLocalEcsService(config, context);
 * const run = await ecs.start(request, { region: 'eu-west-1', accountId: '123456789012' });
 * const { stopped } = await run.finished;
 */
export function createLocalEcsService(config: EcsConfig, context: LocalIntegrationContext, options: LocalEcsServiceOptions = {}): LocalEcsService {
  const running = new Map<string, RunningTask>();
  let endpoint: Promise<LocalAwsEndpoint> | undefined;
  let disposed = false;

  const launcher: LocalTaskLauncher = {
    async runTask(input, scope) {
      const { request } = readRunTaskApiRequest(config, input);
      const count = input.count ?? 1;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_RUN_TASK_COUNT) {
        throw new EcsApiError('InvalidParameterException', `count must be between 1 and ${MAX_RUN_TASK_COUNT}.`);
      }
      if (disposed) throw new EcsApiError('ServerException', 'The harness that served this ECS endpoint was closed.');
      const account = accountOfRequest(request, typeof input.taskDefinition === 'string' ? input.taskDefinition : '', scope.region, options);
      const runs = [];
      for (let index = 0; index < count; index++) runs.push(await service.start(request, account));
      return runs.map((run) => run.started);
    },
    stopTask: (taskArn, reason) => service.stop(taskArn, reason),
  };

  const awsEndpoint = (): Promise<LocalAwsEndpoint> =>
    (endpoint ??= startLocalAwsEndpoint({
      context,
      tasks: launcher,
      ...(options.agent ? { agent: options.agent } : {}),
      ...(options.region ? { region: options.region } : {}),
    }));

  const service: LocalEcsService = {
    endpoint: awsEndpoint,
    get disposed() {
      return disposed;
    },

    async start(request, account) {
      if (disposed) {
        throw new EcsLocalIntegrationError(`Cannot run ECS task ${request.family}: the harness is closed. To fix this, create a new harness.`);
      }
      const family = Object.hasOwn(config.families, request.family) ? config.families[request.family] : undefined;
      if (!family) throw new EcsLocalIntegrationError(`ECS task family ${request.family} is not in adapters.ecs.families.`);
      const aws = await awsEndpoint();
      const plan = planTask(request, family, account);
      const started = provisioningTask(plan);
      const credentials = taskCredentials();
      // PROVISIONING while it waits for room (see localContainerSlots), RUNNING once its containers start.
      aws.registerTask({ task: started, accessKeyId: credentials.accessKeyId });
      const controller = new AbortController();

      const finished = localContainerSlots.acquire(plan.family.containers.length, controller.signal).then(async (release) => {
        try {
          if (!controller.signal.aborted) aws.registerTask({ task: runningTask(plan, new Date()), accessKeyId: credentials.accessKeyId });
          const result = await runContainers(plan, aws, credentials, controller.signal, options);
          const stopped = stoppedTask(plan, result);
          aws.endTask(stopped);
          return { result, stopped };
        } finally {
          release();
        }
      });
      const entry: RunningTask = {
        controller,
        revoke: (reason) => aws.revokeTask(plan.taskArn, reason),
        markStopping(reason) {
          const task = aws.task(plan.taskArn);
          if (!task || task.lastStatus === 'STOPPED') return;
          const stopping: Task = { ...task, desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: reason, stoppingAt: new Date(), version: (task.version ?? 0) + 1 };
          aws.registerTask({ task: stopping, accessKeyId: credentials.accessKeyId });
        },
        done: finished.then(noop, noop),
      };
      running.set(plan.taskArn, entry);
      void entry.done.then(() => running.delete(plan.taskArn));
      return { plan, started, finished, revoke: entry.revoke };
    },

    stop(taskArn, reason) {
      const entry = running.get(taskArn);
      if (!entry) return false;
      if (entry.controller.signal.aborted) return true;
      entry.markStopping(reason);
      entry.controller.abort(reason);
      return true;
    },

    async idle() {
      while (running.size > 0) await Promise.all([...running.values()].map((entry) => entry.done));
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const entry of running.values()) entry.revoke('the harness was closed');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...running.values()].map((entry) => entry.done)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000);
        }),
      ]);
      clearTimeout(timer);
      // A task still running now finds the endpoint gone: its agent's calls fail and it exits.
      if (endpoint) await (await endpoint).close();
    },
  };

  return service;
}

/** Containers running at once on the local target when `HARNESS_ECS_MAX_CONTAINERS` does not say. */
export const DEFAULT_MAX_LOCAL_CONTAINERS = 64;

/**
 * How many containers of local tasks run at once, across every harness in this process: `HARNESS_ECS_MAX_CONTAINERS`
 * (a positive integer), else {@link DEFAULT_MAX_LOCAL_CONTAINERS}.
 */
export function maxLocalContainers(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HARNESS_ECS_MAX_CONTAINERS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_LOCAL_CONTAINERS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new EcsLocalIntegrationError(`HARNESS_ECS_MAX_CONTAINERS is ${JSON.stringify(raw)}: it must be a whole number of containers, 1 or more (default ${DEFAULT_MAX_LOCAL_CONTAINERS}).`);
  }
  return value;
}

/**
 * Room for local containers, like a cluster's capacity: each container is a `node` process (~45 MB), and a
 * task whose containers would pass {@link maxLocalContainers} stays PROVISIONING until running tasks end,
 * first come first served. Without it a 500-item Map with no MaxConcurrency started 500 processes at once
 * (~22 GB) and its tasks failed; the tasks' CPU is the bound anyway (on 2 CPUs, 42-48 ms per task whether
 * 40 or 250 run at once). A task with more containers than the bound runs alone.
 */
export function createContainerSlots(limit: () => number): {
  acquire(containers: number, signal: AbortSignal): Promise<() => void>;
  readonly inUse: number;
} {
  let inUse = 0;
  const waiting: { readonly containers: number; readonly grant: () => void }[] = [];
  // The room a task's containers take, and whether it is free now: a task larger than the bound runs alone.
  const room = (containers: number): number => Math.min(containers, limit());
  const fits = (containers: number): boolean => inUse === 0 || inUse + room(containers) <= limit();
  const grantWaiting = (): void => {
    while (waiting.length > 0 && fits(waiting[0]!.containers)) waiting.shift()!.grant();
  };
  return {
    get inUse() {
      return inUse;
    },
    acquire(containers, signal) {
      const take = (): (() => void) => {
        const held = room(containers);
        inUse += held;
        let released = false;
        return () => {
          if (released) return;
          released = true;
          inUse -= held;
          grantWaiting();
        };
      };
      if (waiting.length === 0 && fits(containers)) return Promise.resolve(take());
      return new Promise((resolve) => {
        const entry = {
          containers,
          grant: () => {
            signal.removeEventListener('abort', onAbort);
            resolve(take());
          },
        };
        // A task stopped while it waits starts nothing: it goes on without room, and its runner sees the stop.
        const onAbort = (): void => {
          const index = waiting.indexOf(entry);
          if (index >= 0) waiting.splice(index, 1);
          resolve(() => {});
          grantWaiting();
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
}

const localContainerSlots = createContainerSlots(() => maxLocalContainers());

/**
 * The account of a task that application code starts: the one its cluster or
 * task definition ARN names, else the configured one. Its region: the one the
 * request was signed for.
 */
function accountOfRequest(request: RunTaskRequest, taskDefinition: string, region: string, options: LocalEcsServiceOptions): LocalAccount {
  const named = [request.cluster, taskDefinition]
    .map((arn) => /^arn:[a-z-]+:ecs:[^:]*:(\d{12}):/.exec(arn)?.[1])
    .find((accountId) => accountId !== undefined);
  return { region, accountId: named ?? options.accountId ?? DEFAULT_LOCAL_ACCOUNT_ID };
}

/** The task definition the ECS template registers for a family, with local names. */
function localTaskDefinition(plan: LocalTaskPlan, aws: Pick<LocalAwsEndpoint, 'names'>): LocalTaskDefinition {
  const { family } = plan;
  const { names } = aws;
  const environment = [
    { name: HARNESS_ENV.routesTable, value: names.routesTable },
    { name: HARNESS_ENV.resultsTable, value: names.resultsTable },
    { name: HARNESS_ENV.double, value: doubleId('ecs', family.family) },
    { name: HARNESS_ENV.timeoutMs, value: String(family.timeoutSeconds * 1000) },
    { name: HARNESS_ENV.agentBucket, value: names.artifactsBucket },
    { name: HARNESS_ENV.agentKey, value: names.agentKey },
    { name: HARNESS_ENV.agentSha256, value: names.agentSha256 },
    ...(family.taskTokenVariable !== undefined ? [{ name: HARNESS_ENV.taskTokenVariable, value: family.taskTokenVariable }] : []),
    { name: 'AWS_REGION', value: plan.region },
  ];
  const entryPoint = bootstrapEntryPoint();
  return {
    family: family.family,
    revision: plan.revision,
    taskDefinitionArn: plan.taskDefinitionArn,
    containerDefinitions: family.containers.map((container) => ({
      name: container.name,
      image: family.image,
      essential: container.essential,
      entryPoint,
      environment,
    })),
  };
}

async function runContainers(
  plan: LocalTaskPlan,
  aws: LocalAwsEndpoint,
  credentials: LocalCredentials,
  signal: AbortSignal,
  options: LocalEcsServiceOptions,
): Promise<LocalTaskResult> {
  const startedAt = new Date();
  try {
    return await runTaskLocally({
      taskDefinition: localTaskDefinition(plan, aws),
      overrides: { containerOverrides: plan.request.containerOverrides },
      taskArn: plan.taskArn,
      clusterArn: plan.clusterArn,
      credentials,
      environment: { ...options.environment, AWS_ENDPOINT_URL: aws.url, AWS_REGION: plan.region },
      // The agent gives up after HARNESS_TIMEOUT_MS itself; this only catches an agent that hangs.
      timeoutMs: plan.family.timeoutSeconds * 1000 + 30_000,
      signal,
      ...(options.pool === false ? { pool: false } : {}),
    });
  } catch (error) {
    // The runner could not start the task at all: ECS would report it as failed to start.
    const message = error instanceof Error ? error.message : String(error);
    return {
      taskArn: plan.taskArn,
      family: plan.family.family,
      containers: plan.family.containers.map((container) => ({
        name: container.name,
        essential: container.essential,
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: message,
      })),
      stopCode: 'TaskFailedToStart',
      stoppedReason: `Task failed to start: ${message}`,
      startedAt,
      stoppedAt: new Date(),
    };
  }
}

// Each task gets its own role credentials: the endpoint tells its requests apart (and refuses them once the task is stopped).
function taskCredentials(): LocalCredentials {
  return {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: randomBytes(48).toString('base64'),
  };
}

function noop(): void {}
