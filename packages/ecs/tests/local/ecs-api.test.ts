import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksStopped,
  type RunTaskCommandInput,
  type Task,
} from '@aws-sdk/client-ecs';
import { AGENT_EXIT_CODES, createHarness, StatesError, type Harness } from '@harness/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { createEcsMockApi, ecsAdapter, ecsLocalIntegration, exit, type EcsEndpoint } from '../../src/index.js';
import { EcsApiError, readRunTaskApiRequest } from '../../src/local/run-task-request.js';
import { localSession, RUN_TASK_SYNC, runTaskParameters, taskInvocation } from './support.js';

// Application code's ECS calls on the local target: the real @aws-sdk/client-ecs
// against harness.ecs.endpoint(), tasks run as doubles with the real agent.
const config = {
  adapters: {
    ecs: {
      families: {
        RenderPdf: { containers: ['Main'] },
        Pipeline: { containers: ['Main', { name: 'Sidecar', essential: false }] },
        Unmocked: { containers: ['Main'] },
      },
    },
  },
};
const cluster = 'arn:aws:ecs:eu-west-1:123456789012:cluster/orders';
const network = { awsvpcConfiguration: { subnets: ['subnet-0abc'], securityGroups: ['sg-0abc'] } };
/** Fast polls: the waiter's own default waits 6 s between DescribeTasks calls. */
const waiter = { maxWaitTime: 20, minDelay: 0.1, maxDelay: 0.5 };

let harness: Harness<[typeof ecsAdapter]>;
let endpoint: EcsEndpoint;
let ecs: ECSClient;

beforeEach(async () => {
  harness = await createHarness({ target: 'local', adapters: [ecsAdapter], config });
  endpoint = await harness.ecs.endpoint({ region: 'eu-west-1' });
  ecs = new ECSClient({ ...endpoint.clientConfig, maxAttempts: 1 });
});

afterEach(async () => {
  ecs.destroy();
  await harness.close();
});

function runTask(input: Partial<RunTaskCommandInput> = {}): Promise<Task[]> {
  return ecs
    .send(new RunTaskCommand({ cluster, taskDefinition: 'RenderPdf', launchType: 'FARGATE', networkConfiguration: network, ...input }))
    .then((answer) => {
      expect(answer.failures).toEqual([]);
      return answer.tasks ?? [];
    });
}

async function stoppedTask(taskArn: string): Promise<Task> {
  await waitUntilTasksStopped({ client: ecs, ...waiter }, { cluster, tasks: [taskArn] });
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  expect(described.failures).toEqual([]);
  return described.tasks?.[0] ?? {};
}

describe('harness.ecs.endpoint() (local target)', () => {
  it('describes the loopback ECS API for the AWS SDK', () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint.clientConfig).toEqual({ endpoint: endpoint.url, region: 'eu-west-1', credentials: endpoint.credentials });
    expect(endpoint.environment).toMatchObject({ AWS_ENDPOINT_URL_ECS: endpoint.url, AWS_REGION: 'eu-west-1' });
  });

  describe('RunTask of a mocked family', () => {
    it('runs the task as the double: the handler gets the overrides, DescribeTasks the exit code it chose', async () => {
      // Arrange
      const render = await harness.ecs.mockTask('RenderPdf', ({ command }) => exit(command.includes('--draft') ? 3 : 0));

      // Act
      const [started] = await runTask({
        startedBy: 'order-service',
        overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-1', '--draft'], environment: [{ name: 'ORDER_ID', value: 'o-1' }] }] },
        tags: [{ key: 'team', value: 'orders' }],
      });
      const stopped = await stoppedTask(started?.taskArn ?? '');

      // Assert
      expect(started).toMatchObject({
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        clusterArn: cluster,
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/RenderPdf:1',
        group: 'family:RenderPdf',
        launchType: 'FARGATE',
        startedBy: 'order-service',
        containers: [expect.objectContaining({ name: 'Main', lastStatus: 'PENDING' })],
      });
      expect(started?.taskArn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task\/orders\/[0-9a-f]{32}$/);
      expect(started?.createdAt).toBeInstanceOf(Date);
      expect(stopped).toMatchObject({
        taskArn: started?.taskArn,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
        containers: [expect.objectContaining({ name: 'Main', lastStatus: 'STOPPED', exitCode: 3 })],
        overrides: { containerOverrides: [expect.objectContaining({ name: 'Main', command: ['--order', 'o-1', '--draft'] })] },
      });
      // ECS leaves the tags out of DescribeTasks unless asked for them.
      expect(stopped.tags).toBeUndefined();
      expect(stopped.stoppedAt?.getTime()).toBeGreaterThanOrEqual(started?.createdAt?.getTime() ?? Infinity);
      expect(render.invocations).toHaveLength(1);
      expect(render.invocations[0]).toMatchObject({
        family: 'RenderPdf',
        container: 'Main',
        taskArn: started?.taskArn,
        clusterArn: cluster,
        command: ['--order', 'o-1', '--draft'],
        environment: { ORDER_ID: 'o-1' },
        startedBy: 'order-service',
        exitCode: 3,
      });
      const tagged = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [started?.taskArn ?? ''], include: ['TAGS'] }));
      expect(tagged.tasks?.[0]?.tags).toEqual([{ key: 'team', value: 'orders' }]);
    });

    it('runs `count` tasks, and reports every container of a task', async () => {
      await harness.ecs.mockTask('Pipeline', ({ container }) => (container === 'Sidecar' ? 0 : 5));

      const tasks = await runTask({ taskDefinition: 'Pipeline:2', count: 2 });
      await waitUntilTasksStopped({ client: ecs, ...waiter }, { cluster, tasks: tasks.map((task) => task.taskArn ?? '') });
      const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: tasks.map((task) => task.taskArn ?? '') }));

      const firstPage = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED', maxResults: 1 }));
      const secondPage = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED', maxResults: 1, nextToken: firstPage.nextToken }));

      expect(tasks).toHaveLength(2);
      expect(new Set(tasks.map((task) => task.taskArn)).size).toBe(2);
      expect(firstPage.nextToken).toEqual(expect.any(String));
      expect(secondPage.nextToken).toBeUndefined();
      expect([...(firstPage.taskArns ?? []), ...(secondPage.taskArns ?? [])].sort()).toEqual(tasks.map((task) => task.taskArn).sort());
      for (const task of described.tasks ?? []) {
        expect(task.taskDefinitionArn).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/Pipeline:2');
        const main = task.containers?.find((container) => container.name === 'Main');
        const sidecar = task.containers?.find((container) => container.name === 'Sidecar');
        expect(main?.exitCode).toBe(5);
        // The sidecar either answered first (0) or was stopped with the task when Main exited (SIGTERM: 143).
        expect([0, 143]).toContain(sidecar?.exitCode);
      }
    });

    it('answers DescribeTasks with the running task while the handler decides', async () => {
      let release: () => void = () => {};
      const render = await harness.ecs.mockTask('RenderPdf', () => new Promise<number>((resolve) => (release = () => resolve(0))));

      const [started] = await runTask();
      await render.waitForInvocation({ timeoutMs: 10_000 });
      const running = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [started?.taskArn ?? ''] }));
      const listed = await ecs.send(new ListTasksCommand({ cluster, family: 'RenderPdf' }));
      release();
      const stopped = await stoppedTask(started?.taskArn ?? '');
      const listedStopped = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'STOPPED' }));
      const listedRunning = await ecs.send(new ListTasksCommand({ cluster }));

      expect(running.tasks?.[0]).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', containers: [expect.objectContaining({ lastStatus: 'RUNNING' })] });
      expect(running.tasks?.[0]?.containers?.[0]?.exitCode).toBeUndefined();
      expect(listed.taskArns).toEqual([started?.taskArn]);
      expect(stopped.containers?.[0]?.exitCode).toBe(0);
      expect(listedStopped.taskArns).toEqual([started?.taskArn]);
      expect(listedRunning.taskArns).toEqual([]);
    });

    it('finds tasks by id, and only in the cluster the request names (default when none)', async () => {
      await harness.ecs.mockTask('RenderPdf', () => 0);
      const [started] = await runTask();
      const taskArn = started?.taskArn ?? '';
      const taskId = taskArn.slice(taskArn.lastIndexOf('/') + 1);

      const byId = await ecs.send(new DescribeTasksCommand({ cluster: 'orders', tasks: [taskId] }));
      const noCluster = await ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }));
      await stoppedTask(taskArn);

      expect(byId.tasks?.map((task) => task.taskArn)).toEqual([taskArn]);
      expect(noCluster).toMatchObject({ tasks: [], failures: [{ arn: taskArn, reason: 'MISSING' }] });
    });
    it('keeps a task PROVISIONING while the local containers are at HARNESS_ECS_MAX_CONTAINERS, and runs it when one ends', async () => {
      // Arrange: room for one container; the first task holds it until released
      process.env.HARNESS_ECS_MAX_CONTAINERS = '1';
      try {
        const releases: (() => void)[] = [];
        const render = await harness.ecs.mockTask('RenderPdf', () => new Promise<number>((resolve) => releases.push(() => resolve(0))));

        // Act
        const [first] = await runTask();
        await render.waitForInvocation({ timeoutMs: 10_000 });
        const [second] = await runTask();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const waiting = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [second?.taskArn ?? ''] }));
        const invokedWhileFull = render.invocations.length;
        releases[0]?.();
        await stoppedTask(first?.taskArn ?? '');
        await render.waitForInvocation({ where: (invocation) => invocation.taskArn === second?.taskArn, timeoutMs: 10_000 });
        releases[1]?.();
        const done = await stoppedTask(second?.taskArn ?? '');

        // Assert
        expect(waiting.tasks?.[0]).toMatchObject({ lastStatus: 'PROVISIONING', containers: [expect.objectContaining({ lastStatus: 'PENDING' })] });
        expect(invokedWhileFull).toBe(1);
        expect(done.containers?.[0]?.exitCode).toBe(0);
      } finally {
        delete process.env.HARNESS_ECS_MAX_CONTAINERS;
      }
    });

    it('starts nothing of a task stopped while it waits for room', async () => {
      // Arrange
      process.env.HARNESS_ECS_MAX_CONTAINERS = '1';
      try {
        let release: () => void = () => {};
        const render = await harness.ecs.mockTask('RenderPdf', () => new Promise<number>((resolve) => (release = () => resolve(0))));
        const [first] = await runTask();
        await render.waitForInvocation({ timeoutMs: 10_000 });
        const [second] = await runTask();

        // Act
        await ecs.send(new StopTaskCommand({ cluster, task: second?.taskArn ?? '', reason: 'not needed' }));
        const stopped = await stoppedTask(second?.taskArn ?? '');
        release();
        await stoppedTask(first?.taskArn ?? '');

        // Assert
        expect(stopped).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'not needed' });
        expect(render.invocations).toHaveLength(1);
      } finally {
        delete process.env.HARNESS_ECS_MAX_CONTAINERS;
      }
    });
  });

  describe('RunTask of a family nobody mocks', () => {
    it('refuses a family the config does not list as ECS refuses an unknown task definition, and says what to change', async () => {
      const refused = await runTask({ taskDefinition: 'Invoice' }).catch((error: unknown) => error);

      expect(refused).toMatchObject({ name: 'ClientException', $metadata: { httpStatusCode: 400 } });
      expect((refused as Error).message).toMatch(/^Unable to describe task definition\. \(harness: 'Invoice' is not an ECS family of adapters\.ecs\.families \(families: RenderPdf, Pipeline, Unmocked\)/);
    });

    it('starts a configured family that no handler mocks, whose container exits 78 at once, as the deployed double does', async () => {
      const [started] = await runTask({ taskDefinition: 'Unmocked' });
      const stopped = await stoppedTask(started?.taskArn ?? '');

      expect(stopped).toMatchObject({ stopCode: 'EssentialContainerExited', containers: [expect.objectContaining({ exitCode: AGENT_EXIT_CODES.noRoute })] });
    });

    it.each([
      ['an override for a container the family lacks', { overrides: { containerOverrides: [{ name: 'Nope', command: ['x'] }] } }, 'InvalidParameterException', /^Override for container named Nope is not a container in the TaskDefinition\.$/],
      ['no network configuration (the doubles are awsvpc tasks)', { networkConfiguration: undefined }, 'InvalidParameterException', /^Network Configuration must be provided when networkMode 'awsvpc' is specified\.$/],
      ['a count over 10', { count: 11 }, 'InvalidParameterException', /^count must be between 1 and 10\.$/],
    ])('answers %s with ECS’s error, before any container starts', async (_case, input, name, message) => {
      const render = await harness.ecs.mockTask('RenderPdf', () => 0);

      const refused = await runTask(input).catch((error: unknown) => error);

      expect(refused).toMatchObject({ name, message: expect.stringMatching(message) });
      expect(render.invocations).toEqual([]);
    });
  });

  describe('StopTask', () => {
    it('stops a running task: its containers get SIGTERM, DescribeTasks shows UserInitiated with the reason', async () => {
      const render = await harness.ecs.mockTask('RenderPdf', () => new Promise<number>(() => {}));
      const [started] = await runTask();
      const taskArn = started?.taskArn ?? '';
      await render.waitForInvocation({ timeoutMs: 10_000 });

      const answer = await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'order o-1 was cancelled' }));
      const stopped = await stoppedTask(taskArn);
      const again = await ecs.send(new StopTaskCommand({ cluster, task: taskArn }));

      expect(answer.task).toMatchObject({ taskArn, desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'order o-1 was cancelled' });
      expect(stopped).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'UserInitiated',
        stoppedReason: 'order o-1 was cancelled',
        containers: [expect.objectContaining({ exitCode: 143 })],
      });
      expect(again.task).toMatchObject({ taskArn, lastStatus: 'STOPPED', stoppedReason: 'order o-1 was cancelled' });
    });

    it('answers a task it does not know as ECS does', async () => {
      const refused = await ecs
        .send(new StopTaskCommand({ cluster, task: 'arn:aws:ecs:eu-west-1:123456789012:task/orders/0123456789abcdef0123456789abcdef' }))
        .catch((error: unknown) => error);

      expect(refused).toMatchObject({ name: 'InvalidParameterException', message: 'The referenced task was not found.' });
    });
  });

  describe('setEnvironment', () => {
    it('points a plain `new ECSClient({})` at the endpoint until the harness closes', async () => {
      const before = { url: process.env.AWS_ENDPOINT_URL_ECS, region: process.env.AWS_REGION };
      await harness.ecs.mockTask('RenderPdf', () => exit(0));

      await harness.ecs.endpoint({ setEnvironment: true });
      const plain = new ECSClient({});
      const answer = await plain.send(new RunTaskCommand({ cluster: 'orders', taskDefinition: 'RenderPdf', networkConfiguration: network }));
      const taskArn = answer.tasks?.[0]?.taskArn ?? '';
      await waitUntilTasksStopped({ client: plain, ...waiter }, { cluster: 'orders', tasks: [taskArn] });
      plain.destroy();
      const during = process.env.AWS_ENDPOINT_URL_ECS;
      await harness.close();

      expect(during).toBe(endpoint.url);
      expect(taskArn).toMatch(/^arn:aws:ecs:[a-z0-9-]+:000000000000:task\/orders\//);
      expect(process.env.AWS_ENDPOINT_URL_ECS).toBe(before.url);
      expect(process.env.AWS_REGION).toBe(before.region);
    });
  });

  it('is refused on the aws target, with what to do instead', async () => {
    const api = createEcsMockApi(
      { id: 's-aws', stackName: 'hx', target: 'aws', outputs: {}, integrations: () => [], register: async () => {}, unregister: async () => {} },
      new Map(),
    );

    await expect(api.endpoint()).rejects.toThrow(/serves the local target only; this session's target is aws/);
  });
});

describe('The ECS API and Step Functions states share one control plane', () => {
  it('shows a task a .sync state started, and StopTask fails that state as on AWS', async () => {
    const ecsConfig = parseEcsConfig(config.adapters.ecs);
    const local = localSession(ecsConfig);
    const integration = ecsLocalIntegration(ecsConfig, local.context);
    try {
      const render = await local.api.mockTask('RenderPdf', () => new Promise<number>(() => {}));
      const client = new ECSClient({ ...(await integration.endpoint({ region: 'eu-west-1' })).clientConfig, maxAttempts: 1 });

      const state = integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf'))).catch((error: unknown) => error);
      const { taskArn } = await render.waitForInvocation({ timeoutMs: 10_000 });
      const listed = await client.send(new ListTasksCommand({ cluster, startedBy: 'AWS Step Functions' }));
      await client.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'cancelled by an operator' }));
      const failure = await state;
      client.destroy();

      expect(listed.taskArns).toEqual([taskArn]);
      expect(failure).toBeInstanceOf(StatesError);
      expect((failure as StatesError).error).toBe('States.TaskFailed');
      expect(JSON.parse((failure as StatesError).cause ?? '{}')).toMatchObject({
        StopCode: 'UserInitiated',
        StoppedReason: 'cancelled by an operator',
        Containers: [expect.objectContaining({ ExitCode: 143 })],
      });
    } finally {
      await integration.dispose();
    }
  });
});

describe('Function: readRunTaskApiRequest', () => {
  const ecsConfig = parseEcsConfig(config.adapters.ecs);

  it('reads the API request (camelCase) into the shape the Step Functions states use', () => {
    const { request } = readRunTaskApiRequest(ecsConfig, {
      cluster,
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/RenderPdf:7',
      startedBy: 'order-service',
      networkConfiguration: network,
      overrides: { containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'], environment: [{ name: 'ORDER_ID', value: 'o-1' }] }] },
      tags: [{ key: 'team', value: 'orders' }],
    });

    expect(request).toEqual({
      cluster,
      family: 'RenderPdf',
      revision: 7,
      launchType: 'FARGATE',
      startedBy: 'order-service',
      subnets: ['subnet-0abc'],
      containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'], environment: [{ name: 'ORDER_ID', value: 'o-1' }] }],
      tags: [{ key: 'team', value: 'orders' }],
      enableExecuteCommand: false,
    });
  });

  it('names the API’s own fields in its errors', () => {
    const read = (): unknown =>
      readRunTaskApiRequest(ecsConfig, { taskDefinition: 'RenderPdf', networkConfiguration: network, overrides: { containerOverrides: [{ name: 'Main', command: 'render' }] } });

    expect(read).toThrow(EcsApiError);
    expect(read).toThrow('overrides.containerOverrides[0].command must be a list of strings, not "render".');
  });
});
