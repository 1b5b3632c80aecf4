import { DescribeTaskDefinitionCommand, ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { adapterStackName } from '@harness/core';
import { createTaskNetwork, type TaskNetwork } from '@harness/testing';
import { runTaskLocally, type LocalTaskOverrides, type LocalTaskResult } from '../../src/index.js';

export { deployWithCli } from '@harness/testing';

/**
 * Plays ECS for one RunTask: moto records the task (so DescribeTasks answers
 * the agent with its overrides), and the task definition's containers run
 * here as child processes, with the environment ECS would give them.
 */
export class MotoEcs {
  private readonly ecs = new ECSClient({});
  private network: TaskNetwork | undefined;

  constructor(private readonly stack: string) {}

  async runTask(
    family: string,
    overrides: LocalTaskOverrides = {},
    options: { timeoutMs?: number; environment?: Record<string, string> } = {},
  ): Promise<LocalTaskResult> {
    this.network ??= await createTaskNetwork();
    const cluster = `${this.stack}-doubles`;
    const described = await this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    const taskDefinition = described.taskDefinition;
    if (!taskDefinition) throw new Error(`moto has no task definition ${family}`);
    const started = await this.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: taskDefinition.taskDefinitionArn,
        launchType: 'FARGATE',
        startedBy: 'harness-tests',
        overrides: overrides as never,
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [this.network.subnetId], securityGroups: [this.network.securityGroupId] },
        },
      }),
    );
    const task = started.tasks?.[0];
    if (!task?.taskArn) throw new Error(`RunTask on moto started nothing: ${JSON.stringify(started.failures)}`);
    return runTaskLocally({
      taskDefinition,
      overrides,
      taskArn: task.taskArn,
      clusterArn: task.clusterArn,
      credentials: {
        accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'testing',
        secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
        sessionToken: 'task-role-session-token',
      },
      environment: { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '', ...options.environment },
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  }
}

export function ecsStackName(stack: string): string {
  return adapterStackName(stack, 'ecs');
}

/** The JSON log lines a container wrote. */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A request the fake Step Functions endpoint received. */
export interface RecordedCall {
  readonly target: string;
  readonly authorization: string;
  readonly body: Record<string, unknown>;
}

/** A loopback Step Functions endpoint that records task callbacks (moto accepts them and forgets them). */
export async function startCallbackRecorder(): Promise<{ url: string; calls: RecordedCall[]; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const calls: RecordedCall[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      calls.push({
        target: String(request.headers['x-amz-target'] ?? ''),
        authorization: String(request.headers.authorization ?? ''),
        body: JSON.parse(body || '{}') as Record<string, unknown>,
      });
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
