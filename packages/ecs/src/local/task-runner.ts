import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { sharedWarmProcessPool, type WarmProcessPool } from './warm-pool.js';

/** The parts of an ECS container definition the runner uses (the ECS API's shape). */
export interface LocalContainerDefinition {
  readonly name?: string;
  readonly image?: string;
  readonly essential?: boolean;
  readonly entryPoint?: readonly string[];
  readonly command?: readonly string[];
  readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
}

/** The parts of an ECS task definition the runner uses (as DescribeTaskDefinition returns it). */
export interface LocalTaskDefinition {
  readonly family?: string;
  readonly revision?: number;
  readonly taskDefinitionArn?: string;
  readonly containerDefinitions?: readonly LocalContainerDefinition[];
}

/** RunTask's `overrides`, as far as containers go. */
export interface LocalTaskOverrides {
  readonly containerOverrides?: readonly {
    readonly name?: string;
    readonly command?: readonly string[];
    readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
  }[];
}

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface RunTaskLocallyOptions {
  readonly taskDefinition: LocalTaskDefinition;
  readonly overrides?: LocalTaskOverrides;
  /** Default: a new ARN in the `local` cluster. */
  readonly taskArn?: string;
  readonly clusterArn?: string;
  /** The task role's credentials, served on a loopback credentials endpoint. */
  readonly credentials: LocalCredentials;
  /** Added to every container's environment (e.g. `AWS_ENDPOINT_URL`, `AWS_REGION`). */
  readonly environment?: Readonly<Record<string, string>>;
  /** How long a container may run before the runner stops the task, in milliseconds. Default 120 000. */
  readonly timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL when the task is stopped, in milliseconds (ECS's default stop timeout is 30 s). Default 2 000. */
  readonly stopTimeoutMs?: number;
  /**
   * Stops the task as ECS `StopTask` does: SIGTERM to every container, SIGKILL
   * after `stopTimeoutMs`. The result's `stopCode` is `UserInitiated` and its
   * `stoppedReason` the abort reason when it is a string, else `Task stopped by user`.
   */
  readonly signal?: AbortSignal;
  /**
   * Where `node -e` containers start: a {@link WarmProcessPool} (a process
   * started ahead takes the container over), or `false` for a fresh `node`
   * process each. Default: the pool a harness session holds
   * (`leaseSharedWarmProcessPool`) while one is open, else fresh processes.
   */
  readonly pool?: WarmProcessPool | false;
}

/** One container's end. */
export interface LocalContainerResult {
  readonly name: string;
  readonly essential: boolean;
  /** Null when the container was killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it stopped, when the runner stopped it. */
  readonly reason?: string;
}

/** A stopped task. */
export interface LocalTaskResult {
  readonly taskArn: string;
  readonly family: string;
  readonly containers: readonly LocalContainerResult[];
  readonly stopCode: 'EssentialContainerExited' | 'TaskFailedToStart' | 'UserInitiated';
  readonly stoppedReason: string;
  readonly startedAt: Date;
  readonly stoppedAt: Date;
}

interface RunningContainer {
  readonly id: string;
  readonly definition: LocalContainerDefinition;
  readonly name: string;
  readonly essential: boolean;
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  reason?: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const OUTPUT_LIMIT = 1_000_000;

/**
 * Runs a task definition the way ECS would, as local child processes: each
 * container's `entryPoint` + `command` (RunTask overrides applied) with the
 * environment ECS gives it, a loopback task metadata endpoint (v4) and a
 * loopback credentials endpoint. When an essential container exits, the
 * others are stopped. `node` in an entry point runs as this process's Node.
 * A `node -e` container starts in a process of the warm pool when there is
 * one (`options.pool`), with exactly the environment and arguments a fresh
 * process would have.
 *
 * @example
 * const result = await runTaskLocally({ taskDefinition, credentials, overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'] }] } });
 * result.containers[0].exitCode; // the handler's exit code
 */
export async function runTaskLocally(options: RunTaskLocallyOptions): Promise<LocalTaskResult> {
  const definition = options.taskDefinition;
  const family = definition.family ?? 'local';
  const revision = definition.revision ?? 1;
  const clusterArn = options.clusterArn ?? 'arn:aws:ecs:us-east-1:000000000000:cluster/local';
  const taskId = randomBytes(16).toString('hex');
  const taskArn = options.taskArn ?? `arn:aws:ecs:us-east-1:000000000000:task/local/${taskId}`;
  const definitions = definition.containerDefinitions ?? [];
  if (definitions.length === 0) throw new Error(`task definition ${family} has no containers`);
  const authorization = randomBytes(16).toString('hex');
  const pool = options.pool === false ? undefined : (options.pool ?? sharedWarmProcessPool());
  const startedAt = new Date();

  const ids: string[] = definitions.map(() => randomUUID());
  const metadataOf = (index: number): Record<string, unknown> => {
    const container = definitions[index] ?? {};
    return {
      DockerId: ids[index],
      Name: container.name,
      DockerName: `ecs-${family}-${revision}-${container.name}`,
      Image: container.image,
      Labels: {
        'com.amazonaws.ecs.cluster': clusterArn,
        'com.amazonaws.ecs.container-name': container.name,
        'com.amazonaws.ecs.task-arn': taskArn,
        'com.amazonaws.ecs.task-definition-family': family,
        'com.amazonaws.ecs.task-definition-version': String(revision),
      },
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      Type: 'NORMAL',
      ContainerARN: `${clusterArn.replace(':cluster/', ':container/')}/${taskId}/${ids[index]}`,
    };
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '';
    const reply = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (url === '/credentials') {
      if (request.headers.authorization !== authorization) return reply(403, { message: 'bad authorization token' });
      return reply(200, {
        AccessKeyId: options.credentials.accessKeyId,
        SecretAccessKey: options.credentials.secretAccessKey,
        Token: options.credentials.sessionToken ?? '',
        Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        RoleArn: 'arn:aws:iam::000000000000:role/local-task-role',
      });
    }
    const match = /^\/v4\/([0-9a-f-]+)(\/task)?$/.exec(url);
    const index = match ? ids.indexOf(match[1] ?? '') : -1;
    if (!match || index < 0) return reply(404, { message: `no metadata at ${url}` });
    if (!match[2]) return reply(200, metadataOf(index));
    return reply(200, {
      Cluster: clusterArn,
      TaskARN: taskArn,
      Family: family,
      Revision: String(revision),
      DesiredStatus: 'RUNNING',
      KnownStatus: 'RUNNING',
      LaunchType: 'FARGATE',
      AvailabilityZone: 'local',
      Containers: definitions.map((_, i) => metadataOf(i)),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    const running = definitions.map((container, index): RunningContainer => {
      const name = container.name ?? `container-${index}`;
      const override = options.overrides?.containerOverrides?.find((candidate) => candidate.name === name);
      const environment: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
        HOME: process.env.HOME ?? '/root',
        HOSTNAME: hostname(),
        ...options.environment,
      };
      for (const variable of [...(container.environment ?? []), ...(override?.environment ?? [])]) {
        if (variable.name) environment[variable.name] = variable.value ?? '';
      }
      environment.ECS_CONTAINER_METADATA_URI_V4 = `${base}/v4/${ids[index]}`;
      environment.ECS_CONTAINER_METADATA_URI = `${base}/v3/${ids[index]}`;
      environment.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${base}/credentials`;
      environment.AWS_CONTAINER_AUTHORIZATION_TOKEN = authorization;
      environment.AWS_EXECUTION_ENV = 'AWS_ECS_FARGATE';

      const argv = [...(container.entryPoint ?? []), ...(override?.command ?? container.command ?? [])];
      if (argv.length === 0) throw new Error(`container ${name} of ${family} has neither entryPoint nor command`);
      const [program, ...args] = argv as [string, ...string[]];
      const child =
        pool?.take(program, args, environment) ??
        spawn(program === 'node' ? process.execPath : program, args, { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
      const entry: RunningContainer = {
        id: ids[index] as string,
        definition: container,
        name,
        essential: container.essential ?? true,
        child,
        stdout: '',
        stderr: '',
        exited: new Promise((resolve) => {
          child.once('error', (error) => {
            entry.stderr += `${error.message}\n`;
            resolve({ code: null, signal: null });
          });
          child.once('close', (code, signal) => resolve({ code, signal }));
        }),
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        entry.stdout = (entry.stdout + chunk.toString()).slice(-OUTPUT_LIMIT);
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        entry.stderr = (entry.stderr + chunk.toString()).slice(-OUTPUT_LIMIT);
      });
      return entry;
    });

    const stopTimeoutMs = options.stopTimeoutMs ?? 2_000;
    const stopAll = (reason: string): void => {
      for (const container of running) {
        if (container.child.exitCode !== null || container.child.signalCode !== null) continue;
        container.reason ??= reason;
        container.child.kill('SIGTERM');
        setTimeout(() => container.child.kill('SIGKILL'), stopTimeoutMs).unref();
      }
    };

    // The first cause of the stop decides the task's stop code and reason, as in ECS.
    let stopCode: LocalTaskResult['stopCode'] = 'EssentialContainerExited';
    let stoppedReason = 'Essential container in task exited';
    let stopping = false;
    const stopTask = (code: LocalTaskResult['stopCode'], reason: string): void => {
      if (!stopping) {
        stopping = true;
        stopCode = code;
        stoppedReason = reason;
      }
      stopAll(reason);
    };
    const timeoutMs = options.timeoutMs ?? 120_000;
    const timer = setTimeout(() => stopTask('UserInitiated', `Task stopped by the local runner after ${timeoutMs} ms`), timeoutMs);
    for (const container of running) {
      if (container.essential) void container.exited.then(() => stopTask('EssentialContainerExited', 'Essential container in task exited'));
    }
    const onAbort = (): void => {
      const reason: unknown = options.signal?.reason;
      stopTask('UserInitiated', typeof reason === 'string' && reason !== '' ? reason : 'Task stopped by user');
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const ends = await Promise.all(running.map((container) => container.exited));
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);

    return {
      taskArn,
      family,
      containers: running.map((container, index) => ({
        name: container.name,
        essential: container.essential,
        exitCode: ends[index]?.code ?? null,
        signal: ends[index]?.signal ?? null,
        stdout: container.stdout,
        stderr: container.stderr,
        ...(container.reason ? { reason: container.reason } : {}),
      })),
      stopCode,
      stoppedReason,
      startedAt,
      stoppedAt: new Date(),
    };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
