import { fileURLToPath } from 'node:url';
import { createHarness, type Harness } from '@harness/core';
import { ecsAdapter, exit, sendTaskFailure, sendTaskSuccess } from '@harness/ecs';
import { fail, lambdaAdapter } from '@harness/lambda';
import { ORDER_FLOW_RESOURCES, orderFlowTemplate } from '@harness/infrastructure';
import { stepFunctionsAdapter } from '@harness/stepfunctions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The order flow of infrastructure/, run from its own CloudFormation template
// on the local target: no AWS, no moto. Its Lambda functions, child workflow
// and ECS tasks are doubles; the ECS ones run the real container agent.
const account = 'arn:aws:ecs:us-east-1:123456789012';
const substitutions = {
  ValidateOrderFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder',
  LookUpCustomerFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:LookUpCustomer',
  EnrichOrderStateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:EnrichOrder',
  ClusterArn: `${account}:cluster/harness-example-doubles`,
  RenderTaskDefinitionArn: `${account}:task-definition/RenderPdf:1`,
  FulfilTaskDefinitionArn: `${account}:task-definition/Fulfil:1`,
  NotifyTaskDefinitionArn: `${account}:task-definition/Notify:1`,
  SubnetId: 'subnet-0example',
};
const config = fileURLToPath(new URL('../../harness.config.json', import.meta.url));
const order = {
  orderId: 'o-1',
  customerId: 'c-7',
  items: [{ sku: 'sku-1' }, { sku: 'sku-2' }],
};
const fast = { retryIntervalMs: 0, callbackTimeoutMs: 1_000 };

let harness: Harness<[typeof stepFunctionsAdapter, typeof lambdaAdapter, typeof ecsAdapter]>;

beforeEach(async () => {
  harness = await createHarness({ adapters: [stepFunctionsAdapter, lambdaAdapter, ecsAdapter], config });
  const template = orderFlowTemplate();
  harness.stepFunctions.registerDefinition('OrderFlow', template, { stateMachine: ORDER_FLOW_RESOURCES.orderFlow, substitutions });
  harness.stepFunctions.registerDefinition('EnrichOrder', template, { stateMachine: ORDER_FLOW_RESOURCES.enrichOrder, substitutions });
});

afterEach(async () => {
  await harness.close();
});

/** The doubles of a run where everything goes well; a test overrides the one it is about. */
async function happyDoubles() {
  return {
    validate: await harness.lambda.mockFunction('ValidateOrder', (event: typeof order) => ({ ...event, valid: true })),
    customer: await harness.lambda.mockFunction('LookUpCustomer', ({ customerId }: { customerId: string }) => ({ customerId, email: 'ada@example.com' })),
    render: await harness.ecs.mockTask('RenderPdf', () => exit(0)),
    fulfil: await harness.ecs.mockTask('Fulfil', () => sendTaskSuccess({ shipment: 'sh-1' })),
    notify: await harness.ecs.mockTask('Notify', () => exit(0)),
  };
}

describe('Order flow (local target)', () => {
  it('validates, enriches, renders one document per item, waits for fulfilment and notifies', async () => {
    const doubles = await happyDoubles();

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({
      enrichment: { customer: { email: 'ada@example.com' } },
      documents: [
        { sku: 'sku-1', exitCode: 0 },
        { sku: 'sku-2', exitCode: 0 },
      ],
      fulfilment: { shipment: 'sh-1' },
      notification: { taskArn: expect.stringMatching(/:task\//) },
    });
    expect(doubles.render.invocations.map((invocation) => invocation.command).sort()).toEqual([
      ['--order', 'o-1', '--sku', 'sku-1'],
      ['--order', 'o-1', '--sku', 'sku-2'],
    ]);
    expect(doubles.render.invocations[0]?.startedBy).toBe('AWS Step Functions');
    const fulfilment = doubles.fulfil.invocations[0];
    expect(fulfilment?.environment.ORDER_ID).toBe('o-1');
    expect(fulfilment?.taskToken).toEqual(expect.any(String));
    expect(fulfilment?.environment.TASK_TOKEN).toBe(fulfilment?.taskToken);
    expect(doubles.customer.invocations[0]?.event).toEqual({ customerId: 'c-7' });
    // Notify is fire-and-forget: the workflow may finish first; the double still runs.
    const notification = await doubles.notify.waitForInvocation({ timeoutMs: 10_000 });
    expect(notification.command).toEqual(['--order', 'o-1', '--customer', 'ada@example.com']);
  });

  it('rejects an invalid order through its Catch', async () => {
    await happyDoubles();
    await harness.lambda.mockFunction('ValidateOrder', () => fail('InvalidOrder', 'order o-1 has no items'));

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    expect(run).toMatchObject({ status: 'FAILED', error: 'OrderRejected', cause: 'The order did not pass validation.' });
    const rejected = run.history.find((event) => event.type === 'StateEntered' && event.stateName === 'OrderRejected');
    expect(rejected?.input).toMatchObject({ error: { Error: 'InvalidOrder', Cause: expect.stringContaining('order o-1 has no items') } });
  });

  it('retries a validation that fails with ServiceUnavailable', async () => {
    const doubles = await happyDoubles();
    let calls = 0;
    await harness.lambda.mockFunction('ValidateOrder', (event: typeof order) => (++calls === 1 ? fail('ServiceUnavailable', 'try again') : event));

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    expect(run.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    expect(run.history.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual(['ValidateOrder']);
    expect(doubles.render.invocations).toHaveLength(2);
  });

  it('fails the order when the child workflow fails', async () => {
    await happyDoubles();
    await harness.lambda.mockFunction('LookUpCustomer', () => fail('CustomerNotFound', 'no customer c-7'));

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    expect(run).toMatchObject({ status: 'FAILED', error: 'EnrichmentFailed' });
    const failed = run.history.find((event) => event.type === 'StateEntered' && event.stateName === 'EnrichmentFailed');
    const caught = (failed?.input as { error: { Error: string; Cause: string } }).error;
    expect(caught.Error).toBe('States.TaskFailed');
    expect(JSON.parse(caught.Cause)).toMatchObject({ Status: 'FAILED', Error: 'CustomerNotFound' });
  });

  it('retries a render that exits non-zero, then fails with the stopped task as cause', async () => {
    const doubles = await happyDoubles();
    await harness.ecs.mockTask('RenderPdf', ({ command }) => (command.includes('sku-2') ? exit(1, { logs: ['font missing'] }) : exit(0)));

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    expect(run).toMatchObject({ status: 'FAILED', error: 'RenderingFailed' });
    const failed = run.history.find((event) => event.type === 'StateEntered' && event.stateName === 'RenderingFailed');
    const caught = (failed?.input as { error: { Error: string; Cause: string } }).error;
    expect(caught.Error).toBe('States.TaskFailed');
    expect(JSON.parse(caught.Cause)).toMatchObject({ LastStatus: 'STOPPED', Containers: [{ Name: 'Main', ExitCode: 1 }] });
    // sku-2 ran twice (Retry MaxAttempts 1); sku-1 at least once.
    expect(doubles.render.invocations.filter((invocation) => invocation.command.includes('sku-2'))).toHaveLength(2);
  });

  it('passes a fulfilment failure from the callback on verbatim', async () => {
    await happyDoubles();
    await harness.ecs.mockTask('Fulfil', () => sendTaskFailure({ error: 'OutOfStock', cause: 'sku-2 is sold out' }));

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    expect(run).toMatchObject({ status: 'FAILED', error: 'FulfilmentFailed' });
    const failed = run.history.find((event) => event.type === 'StateEntered' && event.stateName === 'FulfilmentFailed');
    expect(failed?.input).toMatchObject({ error: { Error: 'OutOfStock', Cause: 'sku-2 is sold out' } });
  });

  it('times the fulfilment out at once, instead of after an hour, when its task exits without calling back', async () => {
    await happyDoubles();
    const fulfil = await harness.ecs.mockTask('Fulfil', () => exit(0));
    const started = Date.now();

    const run = await harness.stepFunctions.execute('OrderFlow', order, fast);

    // FulfilOrder has TimeoutSeconds 3600: AWS would fail it with States.Timeout after an hour;
    // the harness sees the task stop without a callback and fails it after callbackTimeoutMs.
    expect(run).toMatchObject({ status: 'FAILED', error: 'FulfilmentFailed' });
    const failed = run.history.find((event) => event.type === 'StateEntered' && event.stateName === 'FulfilmentFailed');
    expect(failed?.input).toMatchObject({ error: { Error: 'States.Timeout' } });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(fulfil.invocations).toHaveLength(1);
  });
});
