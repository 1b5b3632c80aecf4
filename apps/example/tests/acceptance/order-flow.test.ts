import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { adapterStackName, createHarness } from '@harness/core';
import { ECS_OUTPUTS, ecsAdapter, startTaskExecutor, taskDefinitionOutputKey, type TaskExecutor } from '@harness/ecs';
import { ORDER_FLOW_PARAMETERS, orderFlowTemplate } from '@harness/infrastructure';
import { functionArnOutputKey, lambdaAdapter } from '@harness/lambda';
import { stepFunctionsAdapter } from '@harness/stepfunctions';
import { createTaskNetwork, runCliOrFail, stackOutputs, uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll } from 'vitest';
import { describeOrderFlow, type OrderFlowDefinition } from '../support/order-flow-scenarios.js';

// The order flow scenarios of tests/workflow, on the aws target against moto server: the harness CLI deploys
// the Lambda and ECS doubles, CloudFormation deploys the order flow (both definitions) wired to them, and
// moto's Step Functions engine runs it (JSONata through packages/testing/moto/fix_sfn_jsonata.py). Each
// double really runs: the Lambda doubles' code in a node process (moto without Docker,
// packages/testing/moto/fix_lambda_node_runtime.py), the ECS doubles' containers (bootstrap + agent from S3)
// as local processes started by startTaskExecutor for every task moto records.
const cloudformation = new CloudFormationClient({});
const stack = uniqueName('flow');
const flowStack = `${stack}-orderflow`;
const configPath = join(mkdtempSync(join(tmpdir(), 'harness-order-flow-')), 'harness.config.json');
writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(new URL('../../harness.config.json', import.meta.url), 'utf8')), stack }));

let executor: TaskExecutor | undefined;
/** Each definition's state machine, from the flow stack's outputs. */
const stateMachineArns: Record<OrderFlowDefinition, string> = { 'order-flow': '', 'order-flow-jsonata': '' };
let restoreEngine: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // moto runs state machines only with its execution engine on; deploy after turning it on.
  restoreEngine = await useStepFunctionsEngine();

  // 1. The doubles, deployed by the harness CLI as a user would.
  await runCliOrFail(dirname(configPath), 'deploy', '--adapters', 'ecs,lambda', '--config', configPath);
  const ecs = await stackOutputs(adapterStackName(stack, 'ecs'));
  const lambda = await stackOutputs(adapterStackName(stack, 'lambda'));

  // 2. The order flow's own stack, its parameters wired to the doubles.
  const network = await createTaskNetwork();
  const parameters: Record<(typeof ORDER_FLOW_PARAMETERS)[number], string> = {
    ValidateOrderFunctionArn: lambda[functionArnOutputKey('ValidateOrder')] ?? '',
    LookUpCustomerFunctionArn: lambda[functionArnOutputKey('LookUpCustomer')] ?? '',
    ClusterArn: ecs[ECS_OUTPUTS.clusterArn] ?? '',
    RenderTaskDefinitionArn: ecs[taskDefinitionOutputKey('RenderPdf')] ?? '',
    FulfilTaskDefinitionArn: ecs[taskDefinitionOutputKey('Fulfil')] ?? '',
    NotifyTaskDefinitionArn: ecs[taskDefinitionOutputKey('Notify')] ?? '',
    TaskRoleArns: [ecs[ECS_OUTPUTS.taskRoleArn], ecs[ECS_OUTPUTS.executionRoleArn]].join(','),
    SubnetId: network.subnetId,
  };
  await cloudformation.send(
    new CreateStackCommand({
      StackName: flowStack,
      Capabilities: ['CAPABILITY_IAM'],
      TemplateBody: JSON.stringify(orderFlowTemplate()),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
  await waitUntilStackCreateComplete({ client: cloudformation, maxWaitTime: 120, minDelay: 1, maxDelay: 2 }, { StackName: flowStack });
  const outputs = await stackOutputs(flowStack);
  stateMachineArns['order-flow'] = outputs.OrderFlowStateMachineArn ?? '';
  stateMachineArns['order-flow-jsonata'] = outputs.OrderFlowJsonataStateMachineArn ?? '';

  // 3. moto records RunTask calls; the executor runs the recorded tasks' containers here.
  executor = startTaskExecutor({
    cluster: parameters.ClusterArn,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    environment: { AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '' },
    onError: (error) => console.warn(`[task executor] ${error.message}`),
  });
});

afterAll(async () => {
  await executor?.stop();
  await cloudformation.send(new DeleteStackCommand({ StackName: flowStack }));
  await runCliOrFail(dirname(configPath), 'destroy', '--adapters', 'ecs,lambda', '--config', configPath, '--yes');
  await restoreEngine?.();
});

describeOrderFlow('Order flow (aws target, deployed to moto)', {
  target: 'aws',
  openSession: () => createHarness({ target: 'aws', adapters: [stepFunctionsAdapter, lambdaAdapter, ecsAdapter], config: configPath }),
  runOrderFlow: (harness, definition, input, waitMs = 60_000) => harness.stepFunctions.execute(stateMachineArns[definition], input, { timeoutMs: waitMs }),
});
