import {
  CloudFormationClient,
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { stackOutputs, uniqueName } from '@harness/testing';
import { describe, expect, it } from 'vitest';
import { orderFlowTemplate, orderServiceTemplate } from '../../src/index.js';

const cloudformation = new CloudFormationClient({});
const account = 'arn:aws:ecs:us-east-1:123456789012';

async function deploy(name: string, template: object, parameters: Record<string, string> = {}): Promise<Record<string, string>> {
  await cloudformation.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: JSON.stringify(template),
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
  await waitUntilStackCreateComplete({ client: cloudformation, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName: name });
  return stackOutputs(name, cloudformation);
}

describe('The example stacks on CloudFormation (moto)', () => {
  it('deploys the order flow, its JSONata twin and its child workflow', async () => {
    const stack = uniqueName('order-flow');

    const outputs = await deploy(stack, orderFlowTemplate(), {
      ValidateOrderFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder',
      LookUpCustomerFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:LookUpCustomer',
      ClusterArn: `${account}:cluster/doubles`,
      RenderTaskDefinitionArn: `${account}:task-definition/RenderPdf:1`,
      FulfilTaskDefinitionArn: `${account}:task-definition/Fulfil:1`,
      NotifyTaskDefinitionArn: `${account}:task-definition/Notify:1`,
      TaskRoleArns: 'arn:aws:iam::123456789012:role/task,arn:aws:iam::123456789012:role/execution',
      SubnetId: 'subnet-0example',
    });

    expect(outputs.OrderFlowStateMachineArn).toBe(`arn:aws:states:us-east-1:123456789012:stateMachine:${stack}-OrderFlow`);
    expect(outputs.OrderFlowJsonataStateMachineArn).toBe(`arn:aws:states:us-east-1:123456789012:stateMachine:${stack}-OrderFlowJsonata`);
    expect(outputs.EnrichOrderStateMachineArn).toBe(`arn:aws:states:us-east-1:123456789012:stateMachine:${stack}-EnrichOrder`);
  });

  it('deploys the order service stack', async () => {
    const outputs = await deploy(
      uniqueName('order-service'),
      orderServiceTemplate({
        clusterArn: `${account}:cluster/doubles`,
        renderTaskDefinitionArn: `${account}:task-definition/RenderPdf:1`,
        taskRoleArns: ['arn:aws:iam::123456789012:role/task'],
      }),
    );

    expect(outputs.RenderClusterArn).toBe(`${account}:cluster/doubles`);
  });
});
