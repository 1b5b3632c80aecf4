import { createHarness, type Harness } from '@harness/core';
import { fail, lambdaAdapter } from '@harness/lambda';
import { stepFunctionsAdapter, type AslDefinition, type Execution } from '@harness/stepfunctions';

export type FlowHarness = Harness<[typeof stepFunctionsAdapter, typeof lambdaAdapter]>;

/** A local harness with one Lambda double, `Work`. */
export function openHarness(): Promise<FlowHarness> {
  return createHarness({ adapters: [stepFunctionsAdapter, lambdaAdapter], target: 'local', config: { adapters: { lambda: { functions: { Work: {} } } } } });
}

const WORK = 'arn:aws:states:::lambda:invoke';

/**
 * A workflow with one of each: a Task whose Retry backs off (1 s, then × 2), a
 * Map whose iterations choose by item, a Parallel whose second branch may fail
 * into a Catch.
 */
export const flow = {
  StartAt: 'Start',
  States: {
    Start: { Type: 'Pass', Next: 'Flaky' },
    Flaky: {
      Type: 'Task',
      Resource: WORK,
      Parameters: { FunctionName: 'Work', Payload: { step: 'flaky', 'order.$': '$.order' } },
      ResultSelector: { 'payload.$': '$.Payload' },
      Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 }],
      ResultPath: '$.flaky',
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Pick',
        States: {
          Pick: { Type: 'Choice', Choices: [{ Variable: '$.kind', StringEquals: 'big', Next: 'Big' }], Default: 'Small' },
          Big: { Type: 'Pass', End: true },
          Small: { Type: 'Pass', End: true },
        },
      },
      ResultPath: '$.each',
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', Next: 'LeftAgain' }, LeftAgain: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: WORK, Parameters: { FunctionName: 'Work', Payload: { step: 'right' } }, End: true } } },
      ],
      Catch: [{ ErrorEquals: ['Boom'], ResultPath: '$.error', Next: 'Recover' }],
      ResultPath: '$.both',
      Next: 'Done',
    },
    Recover: { Type: 'Pass', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
} as unknown as AslDefinition;

export const flowInput = { order: 'o-1', items: [{ kind: 'big' }, { kind: 'small' }] };

/** How the `Work` double behaves in one run. */
export interface WorkPlan {
  /** `flaky` fails with `Flaky` this many times first. */
  readonly flakyFailures?: number;
  /** `right` fails with `Boom` (caught), or `Fatal` (not caught). */
  readonly right?: 'ok' | 'Boom' | 'Fatal';
}

let plan: WorkPlan = {};
let flakyFailed = 0;
const mocked = new WeakSet<FlowHarness>();

/** Runs {@link flow} on the local target with `Work` answering as planned (a session mocks `Work` once). */
export async function runFlow(harness: FlowHarness, workPlan: WorkPlan = {}, input: unknown = flowInput): Promise<Execution> {
  plan = workPlan;
  flakyFailed = 0;
  if (!mocked.has(harness)) {
    mocked.add(harness);
    await harness.lambda.mockFunction('Work', (event: { step: string }) => {
      if (event.step === 'flaky' && flakyFailed < (plan.flakyFailures ?? 0)) fail('Flaky', `attempt ${++flakyFailed} failed`);
      if (event.step === 'right' && plan.right === 'Boom') fail('Boom', 'the right branch broke');
      if (event.step === 'right' && plan.right === 'Fatal') fail('Fatal', 'nothing can catch this');
      return { done: event.step };
    });
  }
  return harness.stepFunctions.execute(flow, input);
}

/** The message of the assertion error `assertion` throws, without colours. */
export function failureMessage(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    // eslint-disable-next-line no-control-regex
    return (error as Error).message.replace(/\u001b\[[0-9;]*m/g, '');
  }
  throw new Error('The assertion passed; the test expected it to fail.');
}
