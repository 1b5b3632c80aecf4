import { describe, expect, it } from 'vitest';
import { orderServiceTemplate, ORDER_SERVICE_OUTPUTS } from '../../src/index.js';

const props = {
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/hx-doubles',
  renderTaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf:7',
  taskRoleArns: ['arn:aws:iam::123456789012:role/task', 'arn:aws:iam::123456789012:role/execution'],
};

describe('Function: orderServiceTemplate', () => {
  it('lets the service run only the render family, only in the given cluster', () => {
    const template = orderServiceTemplate(props);

    const statements = (template.Resources.OrderServiceRole?.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] })
      .Policies[0]?.PolicyDocument.Statement;
    expect(statements).toEqual([
      {
        Sid: 'RunRenderTasks',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf:*',
        Condition: { ArnEquals: { 'ecs:cluster': props.clusterArn } },
      },
      {
        Sid: 'PassTaskRoles',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: props.taskRoleArns,
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
  });

  it('outputs what the service is wired to', () => {
    const outputs = orderServiceTemplate(props).Outputs ?? {};

    expect(outputs[ORDER_SERVICE_OUTPUTS.clusterArn]?.Value).toBe(props.clusterArn);
    expect(outputs[ORDER_SERVICE_OUTPUTS.renderTaskDefinitionArn]?.Value).toBe(props.renderTaskDefinitionArn);
  });
});
