import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { createHarness, type Harness } from '@harness/core';
import { createTaskNetwork, startMotoServer, uniqueName, type MotoServer, type TaskNetwork } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsAdapter, exit, startTaskExecutor, type TaskExecutor } from '../../src/index.js';
import { deployWithCli } from './support.js';

// What packages/moto/python/fix_ecs_container_state.py is for: on AWS, DescribeTasks of a stopped
// task lists every container of its task definition, each STOPPED with its exit code (the ECS agent
// reports them with SubmitContainerStateChange), and the task's stopCode and stoppedReason.

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'task-role-session-token' };

describe('ECS task containers on moto with harness fixes', () => {
  const stack = uniqueName('hx');
  const ecs = new ECSClient({});
  const errors: Error[] = [];
  let harness: Harness<[typeof ecsAdapter]>;
  let executor: TaskExecutor;
  let network: TaskNetwork;

  beforeAll(async () => {
    const configPath = await deployWithCli(stack, {
      ecs: { families: { Pipeline: { containers: ['Main', { name: 'Sidecar', essential: false }] } } },
    });
    harness = await createHarness({ target: 'aws', adapters: [ecsAdapter], config: configPath });
    network = await createTaskNetwork();
    executor = startTaskExecutor({
      cluster: `${stack}-doubles`,
      credentials,
      environment: { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '' },
      onError: (error) => errors.push(error),
    });
  });

  afterAll(async () => {
    await executor?.stop();
    await harness?.close();
  });

  it('describes a stopped two-container task as AWS does: both containers STOPPED with their exit codes, stopCode and stoppedReason', async () => {
    // Arrange: the non-essential Sidecar exits 0 first; then the essential Main exits 3, which ends the task.
    const pipeline = await harness.ecs.mockContainer('Pipeline', 'Sidecar', () => exit(0));
    await harness.ecs.mockContainer('Pipeline', 'Main', async () => {
      await pipeline.waitForInvocation({ where: (invocation) => invocation.container === 'Sidecar', timeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return exit(3);
    });

    // Act
    const started = await ecs.send(
      new RunTaskCommand({
        cluster: `${stack}-doubles`,
        taskDefinition: 'Pipeline',
        launchType: 'FARGATE',
        startedBy: 'harness-tests',
        overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-7'] }] },
        networkConfiguration: { awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId] } },
      }),
    );
    const taskArn = started.tasks?.[0]?.taskArn ?? '';
    const ran = await executor.waitForTask(taskArn, 30_000);
    const described = await ecs.send(new DescribeTasksCommand({ cluster: `${stack}-doubles`, tasks: [taskArn] }));

    // Assert: RunTask answered with every container PENDING and no exit code yet.
    expect(started.tasks?.[0]?.containers?.map((container) => [container.name, container.lastStatus, container.exitCode])).toEqual([
      ['Main', 'PENDING', undefined],
      ['Sidecar', 'PENDING', undefined],
    ]);
    expect(ran.containers.map((container) => [container.name, container.exitCode])).toEqual([
      ['Main', 3],
      ['Sidecar', 0],
    ]);
    const task = described.tasks?.[0] as Task;
    expect(byName(task)).toEqual({
      Main: { lastStatus: 'STOPPED', exitCode: 3, taskArn },
      Sidecar: { lastStatus: 'STOPPED', exitCode: 0, taskArn },
    });
    expect(task).toMatchObject({
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      startedBy: 'harness-tests',
      overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-7'] }] },
    });
    expect(task.stoppedAt).toBeInstanceOf(Date);
    expect(task.stoppingAt).toBeInstanceOf(Date);
    expect(task.executionStoppedAt).toBeInstanceOf(Date);
    expect(task.createdAt).toBeInstanceOf(Date);
    for (const container of task.containers ?? []) {
      expect(container.containerArn).toMatch(new RegExp(`:container/${stack}-doubles/${taskArn.split('/').pop()}/`));
    }
    expect(errors).toEqual([]);
    await pipeline.restore();
  });
});

describe('ECS task containers on moto as it is (no harness fixes)', () => {
  let moto: MotoServer;
  let ecs: ECSClient;

  beforeAll(async () => {
    moto = await startMotoServer({ fixes: false });
    ecs = new ECSClient({ endpoint: moto.endpoint, region: 'us-east-1' });
    await ecs.send(new CreateClusterCommand({ clusterName: 'unfixed' }));
    await ecs.send(new CreateClusterCommand({ clusterName: 'unfixed-executed' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'TwoContainers',
        // Not awsvpc: moto 5.2.5's RunTask fails for awsvpc tasks in a VPC without DNS hostnames
        // (fix_sfn_service_task_casing.py fixes that), and this test is about containers.
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'Main', image: 'node', memory: 256, essential: true, entryPoint: ['node', '-e', 'setTimeout(() => process.exit(3), 300)'] },
          { name: 'Sidecar', image: 'node', memory: 256, essential: false, entryPoint: ['node', '-e', 'process.exit(0)'] },
        ],
      }),
    );
  });

  afterAll(async () => {
    await moto?.stop();
  });

  const runTwoContainerTask = async (cluster: string): Promise<string> => {
    const started = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: 'TwoContainers',
        launchType: 'FARGATE',
      }),
    );
    return started.tasks?.[0]?.taskArn ?? '';
  };

  it('lists only the first container of a two-container task (the reason for fix_ecs_container_state.py)', async () => {
    const taskArn = await runTwoContainerTask('unfixed');

    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'unfixed', tasks: [taskArn] }));

    expect(
      described.tasks?.[0]?.containers?.map((container) => container.name),
      'moto now lists every container of a task, as AWS does: remove the container part of packages/moto/python/fix_ecs_container_state.py (and this test)',
    ).toEqual(['Main']);
  });

  it('refuses SubmitContainerStateChange, which the executor reports through onError before stopping the task anyway', async () => {
    const errors: Error[] = [];
    const executor = startTaskExecutor({ cluster: 'unfixed-executed', client: ecs, credentials, onError: (error) => errors.push(error) });
    const taskArn = await runTwoContainerTask('unfixed-executed');

    const ran = await executor.waitForTask(taskArn, 30_000);
    await executor.stop();
    const described = await ecs.send(new DescribeTasksCommand({ cluster: 'unfixed-executed', tasks: [taskArn] }));

    expect(ran.containers.map((container) => [container.name, container.exitCode])).toEqual([
      ['Main', 3],
      ['Sidecar', 0],
    ]);
    expect(
      errors.map((error) => error.message),
      'moto now implements SubmitContainerStateChange: remove that part of packages/moto/python/fix_ecs_container_state.py (and this test)',
    ).toEqual([expect.stringContaining(`the ECS API refused SubmitContainerStateChange for container Main of task ${taskArn}`)]);
    expect(described.tasks?.[0]).toMatchObject({ desiredStatus: 'STOPPED', stoppedReason: 'Essential container in task exited' });
    expect(described.tasks?.[0]?.stopCode).toBeUndefined();
  });
});

function byName(task: Task): Record<string, { lastStatus?: string; exitCode?: number; taskArn?: string }> {
  return Object.fromEntries(
    (task.containers ?? []).map((container) => [
      container.name ?? '',
      { lastStatus: container.lastStatus, exitCode: container.exitCode, taskArn: container.taskArn },
    ]),
  );
}
