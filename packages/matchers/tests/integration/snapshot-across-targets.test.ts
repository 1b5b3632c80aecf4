import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { createHarness } from '@harness/core';
import { executeOnAws, stepFunctionsAdapter, type AslDefinition } from '@harness/stepfunctions';
import { uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseExecution } from '../../src/index.js';

// A workflow moto's engine runs without Docker (no Lambda, no ECS): a Map whose iterations choose, a Parallel,
// and a one-branch Parallel whose branch fails into its Catch, then a Fail. (When one branch fails while another
// still runs, how far the other got depends on timing, on AWS too: such a run has no stable snapshot.)
const definition = {
  StartAt: 'Start',
  States: {
    Start: { Type: 'Pass', Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        StartAt: 'Pick',
        States: {
          Pick: { Type: 'Choice', Choices: [{ Variable: '$.kind', StringEquals: 'big', Next: 'Big' }], Default: 'Small' },
          Big: { Type: 'Pass', Result: { size: 'L' }, End: true },
          Small: { Type: 'Pass', Result: { size: 'S' }, End: true },
        },
      },
      ResultPath: '$.sizes',
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', Next: 'LeftAgain' }, LeftAgain: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
      ],
      ResultPath: '$.both',
      Next: 'Guard',
    },
    Guard: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Check', States: { Check: { Type: 'Fail', Error: 'Boom', Cause: 'the check broke' } } }],
      Catch: [{ ErrorEquals: ['Boom'], ResultPath: '$.error', Next: 'Rejected' }],
      Next: 'Done',
    },
    Rejected: { Type: 'Fail', Error: 'OrderRejected', Cause: 'The order did not pass.' },
    Done: { Type: 'Succeed' },
  },
} as unknown as AslDefinition;
const input = { orderId: 'o-1', items: [{ kind: 'big' }, { kind: 'small' }] };

let restoreEngine: (() => Promise<void>) | undefined;

beforeAll(async () => {
  restoreEngine = await useStepFunctionsEngine();
});

afterAll(async () => {
  await restoreEngine?.();
});

describe('Matcher: toMatchExecutionSnapshot across targets', () => {
  it('gives the same snapshot for a run on the local target and a run on moto', async () => {
    await using harness = await createHarness({ adapters: [stepFunctionsAdapter], target: 'local', config: {} });
    const local = await harness.stepFunctions.execute(definition, input);

    const client = new SFNClient({});
    const { stateMachineArn } = await client.send(
      new CreateStateMachineCommand({ name: uniqueName('snap'), definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::123456789012:role/harness-test' }),
    );
    const aws = await executeOnAws({ client, stateMachineArn: stateMachineArn ?? '', input, timeoutMs: 30_000 });

    expect(aws.executionArn).not.toBe(local.executionArn);
    expect(aws).toHaveFailedWith('OrderRejected');
    expect(aws).toHaveBeenCaughtBy('Guard', 'Rejected');
    expect(aws).toHaveTakenPath([
      'Start',
      { state: 'Each', iterations: [['Pick', 'Big'], ['Pick', 'Small']] },
      { state: 'Both', branches: [['Left', 'LeftAgain'], ['Right']] },
      { state: 'Guard', branches: [['Check']] },
      'Rejected',
    ]);
    expect(normaliseExecution(aws)).toEqual(normaliseExecution(local));
    expect(local).toMatchExecutionSnapshot();
    expect(aws).toMatchExecutionSnapshot();
  });
});
