import type { CloudFormationTemplate } from '@harness/core';

/** What the order service's stack is wired to: in tests, the harness doubles (`harness outputs`). */
export interface OrderServiceStackProps {
  /** The cluster the render tasks run in. */
  readonly clusterArn: string;
  /** The RenderPdf task definition (a harness double in tests, the real one in production). */
  readonly renderTaskDefinitionArn: string;
  /** Roles the task definition uses; the service must be allowed to pass them to ECS. */
  readonly taskRoleArns: readonly string[];
}

export const ORDER_SERVICE_OUTPUTS = {
  roleArn: 'OrderServiceRoleArn',
  clusterArn: 'RenderClusterArn',
  renderTaskDefinitionArn: 'RenderTaskDefinitionArn',
} as const;

/**
 * The example order service's own stack: the role it runs with, allowed to
 * start exactly one task definition in one cluster and nothing else.
 */
export function orderServiceTemplate(props: OrderServiceStackProps): CloudFormationTemplate {
  const familyArn = props.renderTaskDefinitionArn.replace(/:\d+$/, ':*');
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Example order service: starts RenderPdf tasks for orders',
    Resources: {
      OrderServiceRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [
            {
              PolicyName: 'run-render-tasks',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'RunRenderTasks',
                    Effect: 'Allow',
                    Action: 'ecs:RunTask',
                    Resource: familyArn,
                    Condition: { ArnEquals: { 'ecs:cluster': props.clusterArn } },
                  },
                  {
                    Sid: 'PassTaskRoles',
                    Effect: 'Allow',
                    Action: 'iam:PassRole',
                    Resource: [...props.taskRoleArns],
                    Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
                  },
                ],
              },
            },
          ],
        },
      },
    },
    Outputs: {
      [ORDER_SERVICE_OUTPUTS.roleArn]: { Value: { 'Fn::GetAtt': ['OrderServiceRole', 'Arn'] } },
      [ORDER_SERVICE_OUTPUTS.clusterArn]: { Value: props.clusterArn },
      [ORDER_SERVICE_OUTPUTS.renderTaskDefinitionArn]: { Value: props.renderTaskDefinitionArn },
    },
  };
}
