import { readFileSync } from 'node:fs';
import type { CloudFormationResource, CloudFormationTemplate } from '@harness/core';

/** The workflows' ASL files, shipped with this package. */
export const WORKFLOW_FILES = {
  orderFlow: new URL('../workflows/order-flow.asl.json', import.meta.url),
  /** The same flow in JSONata, with workflow variables: same resources, same outcomes. */
  orderFlowJsonata: new URL('../workflows/order-flow-jsonata.asl.json', import.meta.url),
  enrichOrder: new URL('../workflows/enrich-order.asl.json', import.meta.url),
} as const;

/** Logical ids of the order flow stack's state machines. */
export const ORDER_FLOW_RESOURCES = {
  orderFlow: 'OrderFlowStateMachine',
  orderFlowJsonata: 'OrderFlowJsonataStateMachine',
  enrichOrder: 'EnrichOrderStateMachine',
  role: 'OrderFlowRole',
} as const;

/** What the order flow calls: in tests, harness doubles (`harness outputs`); in production, the real things. */
export const ORDER_FLOW_PARAMETERS = [
  'ValidateOrderFunctionArn',
  'LookUpCustomerFunctionArn',
  'ClusterArn',
  'RenderTaskDefinitionArn',
  'FulfilTaskDefinitionArn',
  'NotifyTaskDefinitionArn',
  'TaskRoleArns',
  'SubnetId',
] as const;

// The child's name is fixed, so the role can name its ARN without a Ref to the
// state machine (which uses the role): no dependency cycle.
const ENRICH_ORDER_NAME = { 'Fn::Sub': '${AWS::StackName}-EnrichOrder' };
const ENRICH_ORDER_ARN = {
  'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-EnrichOrder',
};

const parameter = (name: (typeof ORDER_FLOW_PARAMETERS)[number]) => ({ Ref: name });
/**
 * The example's own stack: the order flow, written twice (JSONPath, and its
 * JSONata twin with workflow variables), and its child workflow, with a role
 * that may call exactly what they call. Plain CloudFormation: the ASL files
 * travel as `DefinitionString` with `DefinitionSubstitutions`.
 */
export function orderFlowTemplate(): CloudFormationTemplate {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: 'Example order flow: validate (Lambda), enrich (child workflow), render (ECS per item), fulfil (ECS callback), notify (ECS)',
    Parameters: Object.fromEntries(
      ORDER_FLOW_PARAMETERS.map((name) => [name, { Type: name === 'TaskRoleArns' ? 'CommaDelimitedList' : 'String' }]),
    ),
    Resources: {
      [ORDER_FLOW_RESOURCES.role]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' }],
          },
          Policies: [{ PolicyName: 'order-flow', PolicyDocument: { Version: '2012-10-17', Statement: orderFlowStatements() } }],
        },
      },
      [ORDER_FLOW_RESOURCES.enrichOrder]: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineName: ENRICH_ORDER_NAME,
          StateMachineType: 'STANDARD',
          RoleArn: { 'Fn::GetAtt': [ORDER_FLOW_RESOURCES.role, 'Arn'] },
          DefinitionString: readFileSync(WORKFLOW_FILES.enrichOrder, 'utf8'),
          DefinitionSubstitutions: { LookUpCustomerFunctionArn: parameter('LookUpCustomerFunctionArn') },
        },
      },
      [ORDER_FLOW_RESOURCES.orderFlow]: orderFlowStateMachine('OrderFlow', WORKFLOW_FILES.orderFlow),
      [ORDER_FLOW_RESOURCES.orderFlowJsonata]: orderFlowStateMachine('OrderFlowJsonata', WORKFLOW_FILES.orderFlowJsonata),
    },
    Outputs: {
      OrderFlowStateMachineArn: { Value: { Ref: ORDER_FLOW_RESOURCES.orderFlow } },
      OrderFlowJsonataStateMachineArn: { Value: { Ref: ORDER_FLOW_RESOURCES.orderFlowJsonata } },
      EnrichOrderStateMachineArn: { Value: { Ref: ORDER_FLOW_RESOURCES.enrichOrder } },
    },
  };
}

/** One of the order flow's two definitions (JSONPath, JSONata): same role, same substitutions, named `<stack>-<name>`. */
function orderFlowStateMachine(name: string, file: URL): CloudFormationResource {
  return {
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: {
      StateMachineName: { 'Fn::Sub': `\${AWS::StackName}-${name}` },
      StateMachineType: 'STANDARD',
      RoleArn: { 'Fn::GetAtt': [ORDER_FLOW_RESOURCES.role, 'Arn'] },
      DefinitionString: readFileSync(file, 'utf8'),
      DefinitionSubstitutions: {
        ValidateOrderFunctionArn: parameter('ValidateOrderFunctionArn'),
        EnrichOrderStateMachineArn: ENRICH_ORDER_ARN,
        ClusterArn: parameter('ClusterArn'),
        RenderTaskDefinitionArn: parameter('RenderTaskDefinitionArn'),
        FulfilTaskDefinitionArn: parameter('FulfilTaskDefinitionArn'),
        NotifyTaskDefinitionArn: parameter('NotifyTaskDefinitionArn'),
        SubnetId: parameter('SubnetId'),
      },
    },
  };
}

/** Least privilege for the workflows, including what `.sync` integrations need (managed EventBridge rules). */
function orderFlowStatements(): unknown[] {
  const rule = (name: string) => ({
    'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:rule/${name}`,
  });
  return [
    {
      Sid: 'InvokeFunctions',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: [parameter('ValidateOrderFunctionArn'), parameter('LookUpCustomerFunctionArn')],
    },
    {
      Sid: 'RunChildWorkflow',
      Effect: 'Allow',
      Action: 'states:StartExecution',
      Resource: ENRICH_ORDER_ARN,
    },
    {
      Sid: 'FollowChildWorkflow',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${AWS::StackName}-EnrichOrder:*' },
    },
    {
      Sid: 'RunTasks',
      Effect: 'Allow',
      Action: 'ecs:RunTask',
      // The exact revisions the workflow runs: a new revision needs a stack update, as it should.
      Resource: [parameter('RenderTaskDefinitionArn'), parameter('FulfilTaskDefinitionArn'), parameter('NotifyTaskDefinitionArn')],
      Condition: { ArnEquals: { 'ecs:cluster': parameter('ClusterArn') } },
    },
    {
      Sid: 'FollowTasks',
      Effect: 'Allow',
      Action: ['ecs:StopTask', 'ecs:DescribeTasks'],
      Resource: '*',
      Condition: { ArnEquals: { 'ecs:cluster': parameter('ClusterArn') } },
    },
    {
      Sid: 'PassTaskRoles',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: parameter('TaskRoleArns'),
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    },
    {
      Sid: 'SyncIntegrationRules',
      Effect: 'Allow',
      Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      Resource: [rule('StepFunctionsGetEventsForECSTaskRule'), rule('StepFunctionsGetEventsForStepFunctionsExecutionRule')],
    },
  ];
}
