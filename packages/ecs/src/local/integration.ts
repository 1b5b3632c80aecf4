import { randomBytes } from 'node:crypto';
import {
  doubleId,
  HARNESS_ENV,
  StatesError,
  type LocalIntegrationContext,
  type LocalServiceIntegration,
  type LocalTaskInvocation,
  untilAborted,
} from '@harness/core';
import { bootstrapEntryPoint, type AgentArtifact } from '@harness/container-agent';
import type { EcsConfig, EcsFamilyConfig } from '../config.js';
import { startLocalAwsEndpoint, type LocalAwsEndpoint } from './aws-endpoint.js';
import { EcsLocalIntegrationError } from './errors.js';
import { readRunTaskRequest } from './run-task-request.js';
import {
  describedTaskOutput,
  endedWithoutCallbackReason,
  planTask,
  provisioningTask,
  runningTask,
  runTaskOutput,
  STEP_FUNCTIONS_STARTED_BY,
  stoppedTask,
  taskFailed,
  type LocalAccount,
  type LocalTaskPlan,
} from './task-shapes.js';
import { runTaskLocally, type LocalCredentials, type LocalTaskDefinition, type LocalTaskResult } from './task-runner.js';

/** The resources this integration owns: `ecs:runTask` in its three integration patterns. */
const RESOURCE = /^arn:aws[a-z-]*:states:::ecs:runTask(\.sync|\.waitForTaskToken)?$/;

const DEFAULT_ACCOUNT: LocalAccount = { region: 'us-east-1', accountId: '000000000000' };

export interface EcsLocalIntegrationOptions {
  /** Region of the local ARNs. Default: the state machine ARN's, else `us-east-1`. */
  readonly region?: string;
  /** Account of the local ARNs. Default: the state machine ARN's, else `000000000000`. */
  readonly accountId?: string;
  /** Added to every container's environment, e.g. `{ HARNESS_LOG_LEVEL: 'debug' }`. */
  readonly environment?: Readonly<Record<string, string>>;
  /** How long `dispose()` waits for running tasks to stop before it closes the endpoint, in milliseconds. Default 5000. */
  readonly stopTimeoutMs?: number;
  /** The agent the containers fetch. Default: the built `@harness/container-agent`. */
  readonly agent?: AgentArtifact;
}

/** The ECS local integration: runs `ecs:runTask[.sync|.waitForTaskToken]` states with the real container agent. */
export interface EcsLocalIntegration extends LocalServiceIntegration {
  readonly name: 'ecs';
  /** Resolves once every task started so far has stopped (request-response tasks run on after their state). */
  idle(): Promise<void>;
  /**
   * Stops every task still running (their agents exit at their next AWS
   * call), waits up to `stopTimeoutMs` for them, then closes the loopback
   * AWS endpoint. `harness.close()` calls it.
   */
  dispose(): Promise<void>;
}

interface RunningTask {
  stop(reason: string): void;
  readonly done: Promise<void>;
}

/**
 * How the local target runs a workflow's ECS `Task` states: each RunTask
 * builds the task definition the ECS template would (the family's containers,
 * the bootstrap entry point, the `HARNESS_*` environment) and runs it with
 * {@link runTaskLocally}, one child process per container, against a loopback
 * AWS endpoint that hands the agents' invocations to the session.
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
  const running = new Set<RunningTask>();
  let endpoint: Promise<LocalAwsEndpoint> | undefined;
  let disposed = false;

  const awsEndpoint = (): Promise<LocalAwsEndpoint> =>
    (endpoint ??= startLocalAwsEndpoint({ context, ...(options.agent ? { agent: options.agent } : {}) }));

  async function invoke(task: LocalTaskInvocation): Promise<unknown> {
    if (disposed) {
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

    const aws = await awsEndpoint();
    const plan = planTask(request, read.family, accountOf(task, options));
    const started = provisioningTask(plan);
    const credentials = taskCredentials();
    aws.registerTask({ task: runningTask(plan, new Date()), accessKeyId: credentials.accessKeyId });
    const token = taskToken ? aws.registerTaskToken(taskToken, task.callbacks) : undefined;

    const stop = (reason: string): void => aws.revokeTask(plan.taskArn, reason);
    const onAbort = (): void => stop('the execution no longer needs it');
    task.signal.addEventListener('abort', onAbort, { once: true });

    const finished = runContainers(plan, aws, credentials, options)
      .then((result) => ({ result, stopped: stoppedTask(plan, result) }))
      .finally(() => {
        task.signal.removeEventListener('abort', onAbort);
        aws.forgetTask(plan.taskArn);
      });
    const entry: RunningTask = { stop, done: finished.then(noop, noop) };
    running.add(entry);
    void entry.done.then(() => running.delete(entry));

    if (token && taskToken) {
      void finished.then(({ result, stopped }) => {
        // Nobody waits on the token any more when the execution let go of the task, or the harness closed.
        if (!token.answered && !task.signal.aborted && !disposed) {
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
    async idle() {
      while (running.size > 0) await Promise.all([...running].map((entry) => entry.done));
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const entry of running) entry.stop('the harness was closed');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all([...running].map((entry) => entry.done)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.stopTimeoutMs ?? 5_000);
        }),
      ]);
      clearTimeout(timer);
      // A task still running now finds the endpoint gone: its agent's calls fail and it exits.
      if (endpoint) await (await endpoint).close();
    },
  };
}

/** The task definition the ECS template registers for a family, with local names. */
function localTaskDefinition(plan: LocalTaskPlan, aws: Pick<LocalAwsEndpoint, 'names'>): LocalTaskDefinition {
  const family: EcsFamilyConfig = plan.family;
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
  options: EcsLocalIntegrationOptions,
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

function accountOf(task: LocalTaskInvocation, options: EcsLocalIntegrationOptions): LocalAccount {
  // arn:aws:states:<region>:<account>:stateMachine:<name>
  const [, , , region, accountId] = task.execution.stateMachineArn.split(':');
  return {
    region: options.region ?? (region || DEFAULT_ACCOUNT.region),
    accountId: options.accountId ?? (accountId && /^\d{12}$/.test(accountId) ? accountId : DEFAULT_ACCOUNT.accountId),
  };
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
