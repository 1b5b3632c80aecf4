import { fileURLToPath } from 'node:url';
import { DescribeTasksCommand, ECSClient, waitUntilTasksStopped, type Task } from '@aws-sdk/client-ecs';
import { createHarness, type Harness } from '@harness/core';
import { ecsAdapter, exit } from '@harness/ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderService } from '../../src/index.js';

// The order service on the local target: no AWS, no moto, no deploy. The
// service calls RunTask through its own `new ECSClient({})`, unchanged;
// harness.ecs.endpoint({ setEnvironment: true }) points it (through
// AWS_ENDPOINT_URL_ECS) at the harness's ECS API, whose tasks run as the
// doubles with the real container agent. The same scenarios run against moto
// in tests/acceptance/order-service.test.ts.
const config = fileURLToPath(new URL('../../harness.config.json', import.meta.url));
const cluster = 'arn:aws:ecs:us-east-1:123456789012:cluster/harness-example-doubles';
const settings = {
  cluster,
  renderTaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf:1',
  subnets: ['subnet-0example'],
  securityGroups: ['sg-0example'],
};

let harness: Harness<[typeof ecsAdapter]>;
let orders: OrderService;
/** The test's own view of ECS, to wait for tasks as an operator would. */
let ecs: ECSClient;

beforeAll(async () => {
  harness = await createHarness({ target: 'local', adapters: [ecsAdapter], config });
  const endpoint = await harness.ecs.endpoint({ region: 'us-east-1', setEnvironment: true });
  orders = new OrderService(settings);
  ecs = new ECSClient(endpoint.clientConfig);
});

afterAll(async () => {
  ecs?.destroy();
  await harness?.close();
});

/** Waits for the task to stop (polling DescribeTasks as the SDK's waiter does) and answers it as DescribeTasks has it. */
async function waitForTask(taskArn: string): Promise<Task> {
  await waitUntilTasksStopped({ client: ecs, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 }, { cluster, tasks: [taskArn] });
  const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
  return described.tasks?.[0] ?? {};
}

describe('Order service renders orders with the RenderPdf task (local target)', () => {
  it('passes the order to the render task', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', () => exit(0));

    const taskArn = await orders.requestRender({ id: 'o-1' });
    const task = await waitForTask(taskArn);

    expect(task).toMatchObject({ lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited', startedBy: 'order-service' });
    expect(task.containers?.[0]?.exitCode).toBe(0);
    const invocation = await render.waitForInvocation({ timeoutMs: 5_000 });
    expect(invocation.command).toEqual(['--order', 'o-1']);
    expect(invocation.environment.ORDER_ID).toBe('o-1');
    expect(invocation.startedBy).toBe('order-service');
    await render.restore();
  });

  it('sees a failed render as the task exit code the double chose', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', ({ command }) => (command.includes('--draft') ? exit(3, { logs: ['watermark font missing'] }) : exit(0)));

    const task = await waitForTask(await orders.requestRender({ id: 'o-2', draft: true }));

    expect(task.containers?.[0]?.exitCode).toBe(3);
    expect(render.invocations.map((invocation) => invocation.command)).toEqual([['--order', 'o-2', '--draft']]);
    await render.restore();
  });

  it('gets ECS’s refusal when its render task definition is not a double', async () => {
    const misconfigured = new OrderService({ ...settings, renderTaskDefinition: 'RenderPDF' });

    await expect(misconfigured.requestRender({ id: 'o-3' })).rejects.toMatchObject({
      name: 'ClientException',
      message: expect.stringMatching(/^Unable to describe task definition\./),
    });
  });
});
