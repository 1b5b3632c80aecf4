import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deleteWorkflow, deployDoubles, deployWorkflow, destroyDoubles } from '@harness/cli';
import { createHarness, type Harness } from '@harness/core';
import { ECS_OUTPUTS, ecsAdapter, exit, startTaskExecutor, taskDefinitionOutputKey, type TaskExecutor } from '@harness/ecs';
import { orderServiceTemplate, ORDER_SERVICE_OUTPUTS } from '@harness/infrastructure';
import { createTaskNetwork } from '@harness/moto';
import { uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderService } from '../../src/index.js';

// The example's own harness.config.json, deployed under a stack name of this run.
const stack = uniqueName('example');
const configPath = join(mkdtempSync(join(tmpdir(), 'harness-example-')), 'harness.config.json');
writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(new URL('../../harness.config.json', import.meta.url), 'utf8')), stack }));

const appStack = `${stack}-app`;
const quiet = { cwd: dirname(configPath), onProgress: () => {} };

let harness: Harness<[typeof ecsAdapter]>;
let executor: TaskExecutor;
let orders: OrderService;

beforeAll(async () => {
  // 1. The doubles, deployed as `harness deploy` does.
  const doubles = await deployDoubles({ ...quiet, adapters: ['ecs'] });

  // 2. The app's own stack, wired to the doubles.
  const app = (
    await deployWorkflow({
      stackName: appStack,
      template: orderServiceTemplate({
        clusterArn: doubles.output('ecs', ECS_OUTPUTS.clusterArn),
        renderTaskDefinitionArn: doubles.output('ecs', taskDefinitionOutputKey('RenderPdf')),
        taskRoleArns: [doubles.output('ecs', ECS_OUTPUTS.taskRoleArn), doubles.output('ecs', ECS_OUTPUTS.executionRoleArn)],
      }),
      onProgress: () => {},
    })
  ).outputs;

  // 3. moto records RunTask calls; the executor runs the recorded tasks' containers here.
  executor = startTaskExecutor({
    cluster: app[ORDER_SERVICE_OUTPUTS.clusterArn] ?? '',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    environment: { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '' },
  });
  const network = await createTaskNetwork();
  orders = new OrderService({
    cluster: app[ORDER_SERVICE_OUTPUTS.clusterArn] ?? '',
    renderTaskDefinition: app[ORDER_SERVICE_OUTPUTS.renderTaskDefinitionArn] ?? '',
    subnets: [network.subnetId],
    securityGroups: [network.securityGroupId],
  });
  harness = await createHarness({ target: 'aws', adapters: [ecsAdapter], config: configPath });
});

afterAll(async () => {
  await executor?.stop();
  await harness?.close();
  await deleteWorkflow({ stackName: appStack, onProgress: () => {} });
  await destroyDoubles({ ...quiet, adapters: ['ecs'] });
});

describe('Order service renders orders with the RenderPdf task', () => {
  it('passes the order to the render task', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', () => exit(0));

    const taskArn = await orders.requestRender({ id: 'o-1' });
    const task = await executor.waitForTask(taskArn);

    expect(task.containers[0]?.exitCode).toBe(0);
    const invocation = await render.waitForInvocation({ timeoutMs: 5_000 });
    expect(invocation.command).toEqual(['--order', 'o-1']);
    expect(invocation.environment.ORDER_ID).toBe('o-1');
    expect(invocation.startedBy).toBe('order-service');
    await render.restore();
  });

  it('sees a failed render as the task exit code the double chose', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', ({ command }) => (command.includes('--draft') ? exit(3, { logs: ['watermark font missing'] }) : exit(0)));

    const task = await executor.waitForTask(await orders.requestRender({ id: 'o-2', draft: true }));

    expect(task.containers[0]?.exitCode).toBe(3);
    expect(task.containers[0]?.stdout).toContain('watermark font missing');
    expect(render.invocations.map((invocation) => invocation.command)).toEqual([['--order', 'o-2', '--draft']]);
    await render.restore();
  });
});
