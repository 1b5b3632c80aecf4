import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deleteWorkflow, deployDoubles, deployWorkflow, destroyDoubles } from '@harness/cli';
import { createHarness } from '@harness/core';
import { ECS_OUTPUTS, ecsAdapter, startTaskExecutor, taskDefinitionOutputKey, type TaskExecutor } from '@harness/ecs';
import { ORDER_FLOW_PARAMETERS, orderFlowTemplate } from '@harness/infrastructure';
import { functionArnOutputKey, lambdaAdapter } from '@harness/lambda';
import { createTaskNetwork, useStepFunctionsEngine } from '@harness/moto';
import { stepFunctionsAdapter } from '@harness/stepfunctions';
import { uniqueName } from '@harness/testing';
import { afterAll, beforeAll } from 'vitest';
import { describeOrderFlow, type OrderFlowDefinition } from '../support/order-flow-scenarios.js';

// The order flow scenarios of tests/workflow, on the aws target against moto server, wired as a user's project
// wires them (README, "The aws target in your project"): @harness/cli's deployDoubles deploys the Lambda and ECS
// doubles, deployWorkflow deploys the order flow (both definitions) wired to their outputs, and moto's Step
// Functions engine runs it (JSONata through packages/moto/python/fix_sfn_jsonata.py). Each double really runs: the
// Lambda doubles' code in a node process (moto without Docker, packages/moto/python/fix_lambda_node_runtime.py),
// the ECS doubles' containers (bootstrap + agent from S3) as local processes started by startTaskExecutor for every
// task moto records.
const stack = uniqueName('flow');
const flowStack = `${stack}-orderflow`;
const configPath = join(mkdtempSync(join(tmpdir(), 'harness-order-flow-')), 'harness.config.json');
writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(new URL('../../harness.config.json', import.meta.url), 'utf8')), stack }));
const quiet = { cwd: dirname(configPath), onProgress: () => {} };

let executor: TaskExecutor | undefined;
/** Each definition's state machine, from the flow stack's outputs. */
const stateMachineArns: Record<OrderFlowDefinition, string> = { 'order-flow': '', 'order-flow-jsonata': '' };
let restoreEngine: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // moto runs state machines only with its execution engine on; deploy after turning it on.
  restoreEngine = await useStepFunctionsEngine();

  // 1. The doubles, deployed as `harness deploy` does.
  const doubles = await deployDoubles({ ...quiet, adapters: ['ecs', 'lambda'] });

  // 2. The order flow's own stack, its parameters wired to the doubles.
  const network = await createTaskNetwork();
  const parameters: Record<(typeof ORDER_FLOW_PARAMETERS)[number], string> = {
    ValidateOrderFunctionArn: doubles.output('lambda', functionArnOutputKey('ValidateOrder')),
    LookUpCustomerFunctionArn: doubles.output('lambda', functionArnOutputKey('LookUpCustomer')),
    ClusterArn: doubles.output('ecs', ECS_OUTPUTS.clusterArn),
    RenderTaskDefinitionArn: doubles.output('ecs', taskDefinitionOutputKey('RenderPdf')),
    FulfilTaskDefinitionArn: doubles.output('ecs', taskDefinitionOutputKey('Fulfil')),
    NotifyTaskDefinitionArn: doubles.output('ecs', taskDefinitionOutputKey('Notify')),
    TaskRoleArns: [doubles.output('ecs', ECS_OUTPUTS.taskRoleArn), doubles.output('ecs', ECS_OUTPUTS.executionRoleArn)].join(','),
    SubnetId: network.subnetId,
  };
  const flow = await deployWorkflow({ stackName: flowStack, template: orderFlowTemplate(), parameters, onProgress: () => {} });
  stateMachineArns['order-flow'] = flow.outputs.OrderFlowStateMachineArn ?? '';
  stateMachineArns['order-flow-jsonata'] = flow.outputs.OrderFlowJsonataStateMachineArn ?? '';

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
  await deleteWorkflow({ stackName: flowStack, onProgress: () => {} });
  await destroyDoubles({ ...quiet, adapters: ['ecs', 'lambda'] });
  await restoreEngine?.();
});

describeOrderFlow('Order flow (aws target, deployed to moto)', {
  target: 'aws',
  openSession: () => createHarness({ target: 'aws', adapters: [stepFunctionsAdapter, lambdaAdapter, ecsAdapter], config: configPath }),
  runOrderFlow: (harness, definition, input, waitMs = 60_000) => harness.stepFunctions.execute(stateMachineArns[definition], input, { timeoutMs: waitMs }),
});
