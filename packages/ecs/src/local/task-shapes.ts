/**
 * The ECS task objects of the local target, as pure functions of what the
 * local runner did: the task record ECS keeps (what DescribeTasks answers),
 * and the outputs Step Functions builds from it.
 *
 * Shapes follow real recordings: the request-response output and the `.sync`
 * output of LocalStack's AWS-recorded snapshot
 * (tests/aws/services/stepfunctions/v2/services/test_ecs_task_service.snapshot.json)
 * and a real `.sync` output with its timestamps (epoch milliseconds).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import type { Attachment, Container, ContainerOverride, Task } from '@aws-sdk/client-ecs';
import type { EcsFamilyConfig } from '../config.js';
import type { RunTaskRequest } from './run-task-request.js';
import type { LocalContainerResult, LocalTaskResult } from './task-runner.js';

/** Everything about one local task that is fixed when RunTask is called. */
export interface LocalTaskPlan {
  readonly region: string;
  readonly accountId: string;
  readonly clusterArn: string;
  readonly taskArn: string;
  readonly taskDefinitionArn: string;
  readonly family: EcsFamilyConfig;
  readonly revision: number;
  readonly request: RunTaskRequest;
  /** One per container of the family, in the family's order. */
  readonly containerArns: readonly string[];
  readonly attachmentId: string;
  readonly createdAt: Date;
}

/** Where local ARNs point: a region and an account. */
export interface LocalAccount {
  readonly region: string;
  readonly accountId: string;
}

/** ECS's `startedBy` for the tasks of a `.sync` state: Step Functions sets it. */
export const STEP_FUNCTIONS_STARTED_BY = 'AWS Step Functions';

/** The platform version Fargate resolves `LATEST` to. */
const FARGATE_PLATFORM_VERSION = '1.4.0';

/**
 * Fixes the ARNs and ids of a task about to run.
 *
 * @example
 * const plan = planTask(request, config.families.RenderPdf, { region: 'eu-west-1', accountId: '123456789012' });
 * plan.taskArn; // 'arn:aws:ecs:eu-west-1:123456789012:task/default/<32 hex>'
 */
export function planTask(request: RunTaskRequest, family: EcsFamilyConfig, account: LocalAccount, createdAt: Date = new Date()): LocalTaskPlan {
  const { region, accountId } = account;
  const arn = (resource: string): string => `arn:aws:ecs:${region}:${accountId}:${resource}`;
  const clusterArn = request.cluster.startsWith('arn:') ? request.cluster : arn(`cluster/${request.cluster}`);
  const clusterName = clusterArn.slice(clusterArn.lastIndexOf('/') + 1);
  const taskId = randomBytes(16).toString('hex');
  const revision = request.revision ?? 1;
  return {
    region,
    accountId,
    clusterArn,
    taskArn: arn(`task/${clusterName}/${taskId}`),
    taskDefinitionArn: arn(`task-definition/${family.family}:${revision}`),
    family,
    revision,
    request,
    containerArns: family.containers.map(() => arn(`container/${clusterName}/${taskId}/${randomUUID()}`)),
    attachmentId: randomUUID(),
    createdAt,
  };
}

/** The task as RunTask answers it: provisioning, its containers pending. */
export function provisioningTask(plan: LocalTaskPlan): Task {
  return {
    ...taskBase(plan),
    attachments: plan.request.subnets.length > 0 ? [networkAttachment(plan, 'PRECREATED')] : [],
    containers: plan.family.containers.map((container, index) => ({
      ...containerBase(plan, index),
      lastStatus: 'PENDING',
      networkInterfaces: [],
    })),
    desiredStatus: 'RUNNING',
    lastStatus: 'PROVISIONING',
    platformFamily: 'Linux',
    version: 1,
  };
}

/** The task as DescribeTasks answers it while its containers run (what the agent reads its overrides from). */
export function runningTask(plan: LocalTaskPlan, startedAt: Date): Task {
  const provisioning = provisioningTask(plan);
  return {
    ...provisioning,
    connectivity: 'CONNECTED',
    connectivityAt: startedAt,
    containers: provisioning.containers?.map((container) => ({ ...container, lastStatus: 'RUNNING' })),
    lastStatus: 'RUNNING',
    pullStartedAt: startedAt,
    pullStoppedAt: startedAt,
    startedAt,
    version: 3,
  };
}

/**
 * The task as DescribeTasks answers it once stopped. A container killed by a
 * signal reports 128 + the signal's number, as Docker does (SIGTERM: 143); a
 * container that never started has no exit code and a `reason`.
 */
export function stoppedTask(plan: LocalTaskPlan, result: LocalTaskResult): Task {
  const failedToStart = plan.family.containers.some((container) => {
    const ran = result.containers.find((candidate) => candidate.name === container.name);
    return container.essential && (!ran || (ran.exitCode === null && ran.signal === null));
  });
  const { startedAt, stoppedAt } = result;
  const network = networkAttachment(plan, 'DELETED');
  const privateIp = network.details?.find((detail) => detail.name === 'privateIPv4Address')?.value;
  return {
    ...taskBase(plan),
    attachments: plan.request.subnets.length > 0 ? [network] : [],
    connectivity: 'CONNECTED',
    connectivityAt: startedAt,
    containers: plan.family.containers.map((container, index): Container => {
      const ran = result.containers.find((candidate) => candidate.name === container.name);
      const exitCode = ran ? exitCodeOf(ran) : undefined;
      return {
        ...containerBase(plan, index),
        ...(exitCode !== undefined ? { exitCode } : {}),
        ...(exitCode === undefined ? { reason: `CannotStartContainerError: ${lastLine(ran?.stderr ?? '') || 'the container did not start'}` } : {}),
        lastStatus: 'STOPPED',
        networkInterfaces: plan.request.subnets.length > 0 && privateIp ? [{ attachmentId: plan.attachmentId, privateIpv4Address: privateIp }] : [],
        runtimeId: `${taskId(plan)}-${index}`,
      };
    }),
    desiredStatus: 'STOPPED',
    executionStoppedAt: stoppedAt,
    lastStatus: 'STOPPED',
    pullStartedAt: startedAt,
    pullStoppedAt: startedAt,
    startedAt,
    stopCode: failedToStart ? 'TaskFailedToStart' : result.stopCode,
    stoppedAt,
    stoppedReason: failedToStart ? 'Task failed to start' : result.stoppedReason,
    stoppingAt: stoppedAt,
    version: 5,
  };
}

/**
 * Whether a stopped task counts as a failure for `ecs:runTask.sync`: it did
 * not start, or an essential container exited with anything but 0.
 */
export function taskFailed(plan: LocalTaskPlan, task: Task): boolean {
  if (task.stopCode === 'TaskFailedToStart') return true;
  return plan.family.containers.some(
    (container) => container.essential && task.containers?.find((candidate) => candidate.name === container.name)?.exitCode !== 0,
  );
}

/**
 * The output of a request-response `ecs:runTask` state: the RunTask response
 * in PascalCase, with the HTTP metadata Step Functions adds.
 *
 * @example
 * runTaskOutput(provisioningTask(plan)).Tasks[0].LastStatus; // 'PROVISIONING'
 */
export function runTaskOutput(task: Task, requestId: string = randomUUID()): Record<string, unknown> {
  const response = { failures: [], tasks: [task] };
  const contentLength = String(Buffer.byteLength(JSON.stringify(toEcsJson(response))));
  const tasks = [withSdkLists(task)];
  const date = new Date().toUTCString();
  return toStatesJson({
    failures: [],
    tasks,
    sdkHttpMetadata: {
      allHttpHeaders: {
        'x-amzn-RequestId': [requestId],
        'Content-Length': [contentLength],
        Date: [date],
        'Content-Type': ['application/x-amz-json-1.1'],
      },
      httpHeaders: {
        'Content-Length': contentLength,
        'Content-Type': 'application/x-amz-json-1.1',
        Date: date,
        'x-amzn-RequestId': requestId,
      },
      httpStatusCode: 200,
    },
    sdkResponseMetadata: { requestId },
  }) as Record<string, unknown>;
}

/** The output of a `.sync` state (and the `Cause` of its `States.TaskFailed`): the stopped task itself, in PascalCase. */
export function describedTaskOutput(task: Task): Record<string, unknown> {
  return toStatesJson(withSdkLists(task)) as Record<string, unknown>;
}

/**
 * Why a `.waitForTaskToken` task's token will never be answered: the task
 * stopped without its handler asking for a callback.
 */
export function endedWithoutCallbackReason(plan: LocalTaskPlan, task: Task, result: LocalTaskResult): string {
  const exits = (task.containers ?? [])
    .map((container) => `${container.name} ${container.exitCode === undefined ? `did not start (${container.reason})` : `exited ${container.exitCode}`}`)
    .join(', ');
  const deciding =
    result.containers.find((container) => container.essential && container.exitCode !== 0) ??
    result.containers.find((container) => container.essential) ??
    result.containers[0];
  const line = deciding ? lastLogMessage(deciding) : '';
  return (
    `ECS task ${plan.family.family} (${plan.taskArn}) stopped without calling back on its task token: ${exits}` +
    (line ? `. Last agent log line${deciding ? ` (${deciding.name})` : ''}: ${line}` : '') +
    '. On AWS the state would wait for its HeartbeatSeconds or TimeoutSeconds. ' +
    `To fix this, return sendTaskSuccess(output) or sendTaskFailure({ error, cause }) from the handler of ${plan.family.family}` +
    (plan.family.taskTokenVariable ? '' : `, and name the variable that carries the token in adapters.ecs.families.${plan.family.family}.taskTokenVariable`) +
    '.'
  );
}

/** A value as ECS's JSON protocol writes it: timestamps as epoch seconds. */
export function toEcsJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toEcsJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined).map(([key, entry]) => [key, toEcsJson(entry)]));
  }
  return value;
}

/**
 * A value as Step Functions writes an AWS SDK result: member names in
 * PascalCase, in alphabetical order, timestamps as epoch milliseconds.
 * Header maps (`…HttpHeaders`) keep their names and order.
 */
export function toStatesJson(value: unknown, member = ''): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return value.map((entry) => toStatesJson(entry, member));
  if (typeof value !== 'object' || value === null) return value;
  const keepKeys = member.endsWith('HttpHeaders');
  const entries: [string, unknown][] = Object.entries(value)
    .filter(([, entry]) => entry !== undefined)
    .map(([key, entry]) => {
      const name = keepKeys ? key : key.charAt(0).toUpperCase() + key.slice(1);
      return [name, toStatesJson(entry, name)];
    });
  return Object.fromEntries(keepKeys ? entries : entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// A task as AWS's Java SDK models it, which Step Functions serializes: the
// lists ECS did not send are there, empty (as every recorded output shows).
function withSdkLists(task: Task): Task {
  return {
    inferenceAccelerators: [],
    tags: [],
    ...task,
    containers: task.containers?.map((container) => ({
      gpuIds: [],
      managedAgents: [],
      networkBindings: [],
      networkInterfaces: [],
      ...container,
    })),
    overrides: {
      inferenceAcceleratorOverrides: [],
      ...task.overrides,
      containerOverrides: (task.overrides?.containerOverrides ?? []).map((override) => ({
        command: [],
        environment: [],
        environmentFiles: [],
        resourceRequirements: [],
        ...override,
      })),
    },
  };
}

function taskBase(plan: LocalTaskPlan): Task {
  const { request, family } = plan;
  return {
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: `${plan.region}a`,
    ...(request.capacityProvider ? { capacityProviderName: request.capacityProvider } : {}),
    clusterArn: plan.clusterArn,
    cpu: String(family.cpu),
    createdAt: plan.createdAt,
    enableExecuteCommand: request.enableExecuteCommand,
    ephemeralStorage: { sizeInGiB: 20 },
    group: request.group ?? `family:${family.family}`,
    ...(request.launchType ? { launchType: request.launchType as Task['launchType'] } : {}),
    memory: String(family.memory),
    overrides: { containerOverrides: taskOverrides(plan), inferenceAcceleratorOverrides: [] },
    platformVersion: !request.platformVersion || request.platformVersion === 'LATEST' ? FARGATE_PLATFORM_VERSION : request.platformVersion,
    ...(request.startedBy ? { startedBy: request.startedBy } : {}),
    tags: [...request.tags],
    taskArn: plan.taskArn,
    taskDefinitionArn: plan.taskDefinitionArn,
  };
}

// ECS lists an override for every container of the task definition, with what RunTask changed.
function taskOverrides(plan: LocalTaskPlan): ContainerOverride[] {
  return plan.family.containers.map((container) => {
    const requested = plan.request.containerOverrides.find((override) => override.name === container.name);
    return { ...requested, name: container.name };
  });
}

function containerBase(plan: LocalTaskPlan, index: number): Container {
  const { family } = plan;
  return {
    containerArn: plan.containerArns[index],
    cpu: '0',
    image: family.image,
    // The template's soft reservation: each container's share of the task's memory.
    memoryReservation: String(Math.floor(family.memory / family.containers.length)),
    name: family.containers[index]?.name,
    networkBindings: [],
    taskArn: plan.taskArn,
  };
}

// The task's ENI: made-up addresses, stable for a task (derived from its ARN).
function networkAttachment(plan: LocalTaskPlan, status: 'PRECREATED' | 'DELETED'): Attachment {
  const subnetId = plan.request.subnets[0] ?? '';
  if (status === 'PRECREATED') {
    return { details: [{ name: 'subnetId', value: subnetId }], id: plan.attachmentId, status, type: 'ElasticNetworkInterface' };
  }
  const hash = createHash('sha256').update(plan.taskArn).digest();
  const ip = `10.0.${hash[0] ?? 0}.${((hash[1] ?? 0) % 254) + 1}`;
  const mac = ['02', ...[...hash.subarray(2, 7)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
  return {
    details: [
      { name: 'subnetId', value: subnetId },
      { name: 'networkInterfaceId', value: `eni-${hash.subarray(7, 16).toString('hex').slice(0, 17)}` },
      { name: 'macAddress', value: mac },
      { name: 'privateDnsName', value: `ip-${ip.replaceAll('.', '-')}.${plan.region}.compute.internal` },
      { name: 'privateIPv4Address', value: ip },
    ],
    id: plan.attachmentId,
    status,
    type: 'eni',
  };
}

function taskId(plan: LocalTaskPlan): string {
  return plan.taskArn.slice(plan.taskArn.lastIndexOf('/') + 1);
}

function exitCodeOf(container: LocalContainerResult): number | undefined {
  if (container.exitCode !== null) return container.exitCode;
  if (container.signal) return 128 + (constants.signals[container.signal] ?? 0);
  return undefined;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

// The agent logs one JSON object per line: its `message` is the readable part.
function lastLogMessage(container: LocalContainerResult): string {
  const line = lastLine(container.stdout) || lastLine(container.stderr);
  let message = line;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string') {
      message = (parsed as { message: string }).message;
    }
  } catch {
    // Not one of the agent's JSON lines (a handler's log line): shown as it is.
  }
  return message.length > 500 ? `${message.slice(0, 500)}…` : message;
}
