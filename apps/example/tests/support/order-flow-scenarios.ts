import type { Harness } from '@harness/core';
import { exit, sendTaskFailure, sendTaskSuccess, type ecsAdapter } from '@harness/ecs';
import { fail, type lambdaAdapter } from '@harness/lambda';
import {
  ExecutionWaitTimeoutError,
  stateInput,
  statesEntered,
  type Execution,
  type stepFunctionsAdapter,
} from '@harness/stepfunctions';
// The matchers' types (vitest.config.ts and vitest.e2e.config.ts register them in setupFiles).
import type {} from '@harness/matchers/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

export type OrderFlowHarness = Harness<[typeof stepFunctionsAdapter, typeof lambdaAdapter, typeof ecsAdapter]>;

/**
 * The order flow's definitions in infrastructure/workflows: `order-flow` (JSONPath) and
 * `order-flow-jsonata`, its twin in JSONata with workflow variables. Every scenario runs on both.
 */
export const ORDER_FLOW_DEFINITIONS = ['order-flow', 'order-flow-jsonata'] as const;
export type OrderFlowDefinition = (typeof ORDER_FLOW_DEFINITIONS)[number];

/** Where the order flow runs. The scenarios are the same on every target; only this differs. */
export interface OrderFlowTarget {
  /** `local`: the ASL runs in this process. `aws`: the deployed state machine runs on a Step Functions endpoint. */
  readonly target: 'local' | 'aws';
  /** Opens the session of one test: its doubles are its own, and go with it. */
  openSession(): Promise<OrderFlowHarness>;
  /**
   * Runs one definition of the order flow to its end. `waitMs`: how long to wait for the end, when a scenario
   * expects a long wait.
   */
  runOrderFlow(harness: OrderFlowHarness, definition: OrderFlowDefinition, input: unknown, waitMs?: number): Promise<Execution>;
}

export const order = {
  orderId: 'o-1',
  customerId: 'c-7',
  items: [{ sku: 'sku-1' }, { sku: 'sku-2' }],
};

type Caught = { error: { Error: string; Cause: string } };

/**
 * The order flow's acceptance scenarios: the workflow of infrastructure/ with
 * its Lambda functions and ECS tasks replaced by doubles (the ECS ones run the
 * real container agent), once for each of its definitions (`ORDER_FLOW_DEFINITIONS`),
 * with the same expectations. `apps/example/tests/workflow` runs them on the local
 * target, `apps/example/tests/acceptance` against the stacks deployed to moto.
 */
export function describeOrderFlow(title: string, where: OrderFlowTarget): void {
  describe.each(ORDER_FLOW_DEFINITIONS)(`${title}: %s`, (definition) => {
    let harness: OrderFlowHarness;

    beforeEach(async () => {
      harness = await where.openSession();
    });

    afterEach(async () => {
      await harness?.close();
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

    it('validates, enriches, renders one document per item, waits for fulfilment and notifies', async () => {
      const doubles = await happyDoubles();

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveSucceeded();
      expect(run).toHaveTakenPath([
        'ValidateOrder',
        'EnrichOrder',
        { state: 'RenderDocuments', everyIteration: ['RenderDocument'] },
        'FulfilOrder',
        'NotifyCustomer',
        'OrderCompleted',
      ]);
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
      expect(doubles.render).toHaveBeenInvokedWith({ command: ['--order', 'o-1', '--sku', 'sku-2'], startedBy: 'AWS Step Functions' });
      const fulfilment = doubles.fulfil.invocations[0];
      expect(fulfilment?.environment.ORDER_ID).toBe('o-1');
      expect(fulfilment?.taskToken).toEqual(expect.any(String));
      expect(fulfilment?.environment.TASK_TOKEN).toBe(fulfilment?.taskToken);
      expect(doubles.validate.invocations[0]?.event).toEqual(order);
      expect(doubles.customer).toHaveBeenNthInvokedWith(1, { event: { customerId: 'c-7' } });
      // Notify is fire-and-forget: the workflow may finish first; the double still runs.
      const notification = await doubles.notify.waitForInvocation({ timeoutMs: 10_000 });
      expect(notification.command).toEqual(['--order', 'o-1', '--customer', 'ada@example.com']);
    });

    it('rejects an invalid order through its Catch', async () => {
      (await happyDoubles()).validate.replaceHandler(() => fail('InvalidOrder', 'order o-1 has no items'));

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveFailedWith('OrderRejected', 'The order did not pass validation.');
      expect(run).toHaveBeenCaughtBy('ValidateOrder', 'OrderRejected');
      expect(run).toHaveEnteredWith('OrderRejected', {
        error: { Error: 'InvalidOrder', Cause: expect.stringContaining('order o-1 has no items') },
      });
    });

    it('retries a validation that fails with ServiceUnavailable', async () => {
      const doubles = await happyDoubles();
      // The first call fails; the handler answers the retry.
      doubles.validate.once(() => fail('ServiceUnavailable', 'try again'));

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveSucceeded();
      expect(doubles.validate).toHaveBeenInvokedTimes(2);
      expect(doubles.validate.pendingAnswers).toBe(0);
      expect(run).toHaveRetried('ValidateOrder', 1);
      expect(run).toHaveRetried('RenderDocument', 0);
      expect(doubles.render).toHaveBeenInvokedTimes(2);
    });

    it('fails the order when the child workflow fails', async () => {
      (await happyDoubles()).customer.replaceHandler(() => fail('CustomerNotFound', 'no customer c-7'));

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveFailedWith('EnrichmentFailed');
      expect(run).toHaveBeenCaughtBy('EnrichOrder', 'EnrichmentFailed');
      const caught = (stateInput(run.history, 'EnrichmentFailed') as Caught).error;
      expect(caught.Error).toBe('States.TaskFailed');
      expect(JSON.parse(caught.Cause)).toMatchObject({ Status: 'FAILED', Error: 'CustomerNotFound' });
    });

    it('retries a render that exits non-zero, then fails with the stopped task as cause', async () => {
      const doubles = await happyDoubles();
      doubles.render.replaceHandler(({ command }) => (command.includes('sku-2') ? exit(1, { logs: ['font missing'] }) : exit(0)));

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveFailedWith('RenderingFailed');
      expect(run).toHaveBeenCaughtBy('RenderDocuments', 'RenderingFailed');
      const caught = (stateInput(run.history, 'RenderingFailed') as Caught).error;
      expect(caught.Error).toBe('States.TaskFailed');
      expect(JSON.parse(caught.Cause)).toMatchObject({ LastStatus: 'STOPPED', Containers: [{ Name: 'Main', ExitCode: 1 }] });
      // sku-2 ran twice (Retry MaxAttempts 1); sku-1 at least once.
      expect(doubles.render.invocations.filter((invocation) => invocation.command.includes('sku-2'))).toHaveLength(2);
    });

    it('renders a document again when its first container run exits non-zero', async () => {
      const doubles = await happyDoubles();
      // Whichever render container runs first exits 1; RenderDocument's Retry runs it again, and the handler answers.
      doubles.render.once(exit(1, { logs: ['font missing'] }));

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveSucceeded();
      expect(doubles.render).toHaveBeenInvokedTimes(3);
      expect(doubles.render.invocations.map((invocation) => invocation.exitCode).sort()).toEqual([0, 0, 1]);
    });

    it('passes a fulfilment failure from the callback on verbatim', async () => {
      (await happyDoubles()).fulfil.replaceHandler(() => sendTaskFailure({ error: 'OutOfStock', cause: 'sku-2 is sold out' }));

      const run = await where.runOrderFlow(harness, definition, order);

      expect(run).toHaveFailedWith('FulfilmentFailed');
      expect(run).toHaveEnteredWith('FulfilmentFailed', { error: { Error: 'OutOfStock', Cause: 'sku-2 is sold out' } });
    });

    if (where.target === 'local') {
      it('times the fulfilment out at once, instead of after an hour, when its task exits without calling back', async () => {
        const { fulfil } = await happyDoubles();
        fulfil.replaceHandler(() => exit(0));
        const started = Date.now();

        const run = await where.runOrderFlow(harness, definition, order);

        // FulfilOrder has TimeoutSeconds 3600: AWS fails it with States.Timeout after an hour. The local
        // target sees the task stop without a callback, waits callbackTimeoutMs for a late one, then its
        // virtual clock skips the rest of the hour.
        expect(run).toHaveFailedWith('FulfilmentFailed');
        expect(run).toHaveEnteredWith('FulfilmentFailed', { error: { Error: 'States.Timeout' } });
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(fulfil).toHaveBeenInvokedTimes(1);
      });
    } else {
      it('waits at FulfilOrder, as AWS does for up to its hour, when the fulfilment task exits without calling back', async () => {
        const { fulfil } = await happyDoubles();
        fulfil.replaceHandler(() => exit(0));

        const outcome = await where.runOrderFlow(harness, definition, order, 8_000).catch((error: unknown) => error);

        // A deployed workflow has no "the task stopped without calling back" signal: it waits for
        // TimeoutSeconds (3600). The driver's wait ends first, and says where the execution is.
        expect(outcome).toBeInstanceOf(ExecutionWaitTimeoutError);
        const timedOut = outcome as ExecutionWaitTimeoutError;
        expect(timedOut.lastStatus).toBe('RUNNING');
        expect(statesEntered(timedOut.lastEvents).at(-1)).toBe('FulfilOrder');
        expect(fulfil.invocations).toHaveLength(1);
      });
    }
  });
}
