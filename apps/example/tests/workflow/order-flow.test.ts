import { fileURLToPath } from 'node:url';
import { createHarness } from '@harness/core';
import { ecsAdapter } from '@harness/ecs';
import { lambdaAdapter } from '@harness/lambda';
import { ORDER_FLOW_RESOURCES, orderFlowTemplate } from '@harness/infrastructure';
import { stepFunctionsAdapter } from '@harness/stepfunctions';
import { describeOrderFlow, type OrderFlowDefinition } from '../support/order-flow-scenarios.js';

// The order flow of infrastructure/, run from its own CloudFormation template
// on the local target: no AWS, no moto. Its Lambda functions, child workflow
// and ECS tasks are doubles; the ECS ones run the real container agent.
// The same scenarios run against moto in tests/acceptance/order-flow.test.ts.
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
/** Each definition's state machine in the template. */
const stateMachines: Record<OrderFlowDefinition, string> = {
  'order-flow': ORDER_FLOW_RESOURCES.orderFlow,
  'order-flow-jsonata': ORDER_FLOW_RESOURCES.orderFlowJsonata,
};

describeOrderFlow('Order flow (local target)', {
  target: 'local',
  async openSession() {
    const harness = await createHarness({ adapters: [stepFunctionsAdapter, lambdaAdapter, ecsAdapter], config });
    const template = orderFlowTemplate();
    for (const [definition, stateMachine] of Object.entries(stateMachines)) {
      harness.stepFunctions.registerDefinition(definition, template, { stateMachine, substitutions });
    }
    harness.stepFunctions.registerDefinition('EnrichOrder', template, { stateMachine: ORDER_FLOW_RESOURCES.enrichOrder, substitutions });
    return harness;
  },
  runOrderFlow(harness, definition, input) {
    // Retry intervals and the hour of TimeoutSeconds pass on the virtual clock; a callback that never
    // comes is given up 1 s after its task ended.
    return harness.stepFunctions.execute(definition, input, { callbackTimeoutMs: 1_000 });
  },
});
