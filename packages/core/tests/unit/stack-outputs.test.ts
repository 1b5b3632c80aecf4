import { describe, expect, it } from 'vitest';
import { StackOutputError } from '../../src/errors.js';
import { checkStackOutputs, USABLE_STACK_STATUSES } from '../../src/stacks.js';

describe('Constant: USABLE_STACK_STATUSES', () => {
  it('holds the statuses whose resources are all in place, and none that is failed or in progress', () => {
    expect([...USABLE_STACK_STATUSES].sort()).toEqual(['CREATE_COMPLETE', 'IMPORT_COMPLETE', 'IMPORT_ROLLBACK_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE']);
    for (const status of ['CREATE_FAILED', 'ROLLBACK_COMPLETE', 'UPDATE_IN_PROGRESS', 'DELETE_FAILED']) expect(USABLE_STACK_STATUSES.has(status)).toBe(false);
  });
});

describe('Function: checkStackOutputs', () => {
  it('returns outputs of the shapes a template makes, ARNs with an empty region or account included', () => {
    const outputs = {
      ClusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/harness-dev-doubles',
      TaskRoleArn: 'arn:aws:iam::123456789012:role/harness-dev-ecs-TaskRole',
      FunctionArnChargeCard: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:harness-dev-ChargeCard',
      ClusterName: 'harness-dev-doubles',
      ContainerNamesRenderPdf: 'Main,Sidecar',
      RoutesTableName: 'harness-dev-core-RoutesTable-1A2B3C',
    };

    expect(checkStackOutputs('harness-dev-ecs', outputs)).toBe(outputs);
  });

  it('refuses "unknown" as an ARN, a name or any value, and a malformed ARN, listing every one', () => {
    const check = () =>
      checkStackOutputs('harness-dev-ecs', {
        ClusterArn: 'unknown',
        TaskDefinitionRenderPdf: 'arn:aws:ecs:task-definition/x',
        TaskDefinitionLabel: 'unknown',
        LogGroupName: 'unknown',
        Arnold: 'terminator',
      });

    expect(check).toThrow(StackOutputError);
    expect(check).toThrow(
      'Stack harness-dev-ecs has outputs that its template cannot have made: ClusterArn = "unknown" (not an ARN); ' +
        'TaskDefinitionRenderPdf = "arn:aws:ecs:task-definition/x" (not an ARN); TaskDefinitionLabel = "unknown" (a placeholder, not a value); ' +
        'LogGroupName = "unknown" (a placeholder, not a name).',
    );
  });
});
