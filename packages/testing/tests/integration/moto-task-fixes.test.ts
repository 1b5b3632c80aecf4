import {
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, DescribeVpcAttributeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateStateMachineCommand, DescribeExecutionCommand, SFNClient, StartExecutionCommand, type DescribeExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useStepFunctionsEngine } from '../../src/moto-config.js';
import { startMotoServer, type MotoServer } from '../../src/moto-server.js';
import { createTaskNetwork, type TaskNetwork } from '../../src/moto-network.js';
import { uniqueName } from '../../src/names.js';
import { createClusterAndTaskDefinition, motoClientConfig } from './support.js';

// Fixes that the Step Functions → Step Functions and Step Functions → ECS service tasks need, besides the casing
// (packages/moto/python/fix_sfn_execution_names.py, fix_ec2_eni_private_dns_name.py, fix_ecs_task_lifecycle.py, and the
// ecs:runTask request-response output in fix_sfn_service_task_casing.py). Each is shown twice: on a server with every fix but
// that one, and (as AWS does it) on the run's server, which has all of them.

const ROLE_ARN = 'arn:aws:iam::123456789012:role/harness-task-fixes';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const clients = (endpoint: string) => ({
  sfn: new SFNClient({ ...motoClientConfig(endpoint), maxAttempts: 1 }),
  ecs: new ECSClient({ ...motoClientConfig(endpoint), maxAttempts: 1 }),
  ec2: new EC2Client({ ...motoClientConfig(endpoint), maxAttempts: 1 }),
});

/** What a failed SDK call threw, for comparing outcomes. */
function describeError(error: unknown): string {
  const { name, message, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
  return `${$metadata?.httpStatusCode ?? 'no status'} ${name}: ${message}`.slice(0, 300);
}

function awsvpc(network: TaskNetwork) {
  return { awsvpcConfiguration: { subnets: [network.subnetId], securityGroups: [network.securityGroupId], assignPublicIp: 'DISABLED' as const } };
}

/** Polls DescribeExecution until the execution has ended. */
async function waitForEnd(sfn: SFNClient, executionArn: string | undefined, timeoutMs = 30_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('moto fixes for service tasks (execution names, network interfaces, ECS task lifecycle, runTask output)', () => {
  const fixed = (): string => inject('motoEndpoint');
  const unfixed: MotoServer[] = [];

  /** A server with every fix except `fix`. */
  async function serverWithout(fix: string): Promise<string> {
    const server = await startMotoServer({ withoutFixes: [fix] });
    unfixed.push(server);
    return server.endpoint;
  }

  afterAll(async () => {
    await Promise.all(unfixed.map((server) => server.stop()));
  });

  describe('fix_sfn_execution_names: StartExecution without a name gets a UUID name', () => {
    /** Two StartExecution calls without a name (different inputs) of one state machine, on the engine. */
    async function startTwiceWithoutName(endpoint: string): Promise<{ names: string[]; secondError?: string }> {
      const restoreEngine = await useStepFunctionsEngine(endpoint);
      try {
        const { sfn } = clients(endpoint);
        const created = await sfn.send(
          new CreateStateMachineCommand({
            name: uniqueName('Unnamed'),
            roleArn: ROLE_ARN,
            definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
          }),
        );
        const names: string[] = [];
        const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: JSON.stringify({ n: 1 }) }));
        names.push(first.executionArn?.split(':').pop() ?? '');
        try {
          const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, input: JSON.stringify({ n: 2 }) }));
          names.push(second.executionArn?.split(':').pop() ?? '');
          return { names };
        } catch (error) {
          return { names, secondError: (error as Error).name };
        }
      } finally {
        await restoreEngine();
      }
    }

    it('is still needed: without it, an unnamed execution is named "None" and a second one fails with ExecutionAlreadyExists', async () => {
      const outcome = await startTwiceWithoutName(await serverWithout('fix_sfn_execution_names'));

      expect(
        outcome,
        'moto now names unnamed executions itself: delete packages/moto/python/fix_sfn_execution_names.py and this test',
      ).toEqual({ names: ['None'], secondError: 'ExecutionAlreadyExists' });
    });

    it('gives each unnamed execution its own UUID name', async () => {
      const outcome = await startTwiceWithoutName(fixed());

      expect(outcome.secondError).toBeUndefined();
      expect(outcome.names).toHaveLength(2);
      expect(outcome.names[0]).toMatch(UUID);
      expect(outcome.names[1]).toMatch(UUID);
      expect(outcome.names[0]).not.toBe(outcome.names[1]);
    });
  });

  describe('fix_ec2_eni_private_dns_name: every network interface has a private DNS name', () => {
    /** RunTask (FARGATE, awsvpc) in a VPC made by createTaskNetwork; that VPC's enableDnsHostnames, and the task's ENI details or the error. */
    async function runTaskInNewVpc(endpoint: string): Promise<{ dnsHostnames?: boolean; details?: Record<string, string>; error?: string }> {
      const { ecs, ec2 } = clients(endpoint);
      const network = await createTaskNetwork(ec2);
      const subnet = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [network.subnetId] }));
      const attribute = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: subnet.Subnets?.[0]?.VpcId, Attribute: 'enableDnsHostnames' }));
      const dnsHostnames = attribute.EnableDnsHostnames?.Value;
      const { cluster, family } = await createClusterAndTaskDefinition(ecs, 'task-fixes');
      try {
        const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, launchType: 'FARGATE', networkConfiguration: awsvpc(network) }));
        const task = run.tasks?.[0];
        await ecs.send(new StopTaskCommand({ cluster, task: task?.taskArn, reason: 'test cleanup' }));
        const details = Object.fromEntries((task?.attachments?.[0]?.details ?? []).map((detail) => [detail.name ?? '', detail.value ?? '']));
        return { dnsHostnames, details };
      } catch (error) {
        return { dnsHostnames, error: describeError(error) };
      }
    }

    it('is still needed: without it, RunTask with awsvpc in a VPC without DNS hostnames fails with HTTP 500', async () => {
      const outcome = await runTaskInNewVpc(await serverWithout('fix_ec2_eni_private_dns_name'));

      const message = `RunTask answered ${JSON.stringify(outcome)}. If moto now gives every network interface a private DNS name, delete packages/moto/python/fix_ec2_eni_private_dns_name.py and this test`;
      expect(outcome.dnsHostnames, 'createTaskNetwork\'s VPC must have DNS hostnames off for this test').toBe(false);
      expect(outcome.details, message).toBeUndefined();
      expect(outcome.error, message).toMatch(/^500 /);
    });

    it('runs the task, its network interface attachment naming the interface\'s private DNS name', async () => {
      const outcome = await runTaskInNewVpc(fixed());

      expect(outcome.dnsHostnames).toBe(false);
      expect(outcome.error).toBeUndefined();
      const ip = outcome.details?.privateIPv4Address ?? '';
      expect(ip).toMatch(/^\d{1,3}(\.\d{1,3}){3}$/); // moto picks the address (not from the subnet's range)
      expect(outcome.details?.privateDnsName).toBe(`ip-${ip.replaceAll('.', '-')}.ec2.internal`);
    });
  });

  describe('fix_ecs_task_lifecycle: a task keeps its status until StopTask', () => {
    /** RunTask, then lastStatus as each of five DescribeTasks calls sees it, then StopTask. */
    async function statusesOverDescribes(endpoint: string): Promise<string[]> {
      const { ecs, ec2 } = clients(endpoint);
      const network = await createTaskNetwork(ec2);
      const { cluster, family } = await createClusterAndTaskDefinition(ecs, 'task-fixes');
      const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: family, launchType: 'FARGATE', networkConfiguration: awsvpc(network) }));
      const taskArn = run.tasks?.[0]?.taskArn;
      const statuses = [run.tasks?.[0]?.lastStatus ?? 'none'];
      for (let call = 0; call < 5; call += 1) {
        const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn ?? ''] }));
        statuses.push(described.tasks?.[0]?.lastStatus ?? 'none');
      }
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'test cleanup' }));
      return statuses;
    }

    it('is still needed: without it, every DescribeTasks moves the task one status on, to STOPPED', async () => {
      const statuses = await statusesOverDescribes(await serverWithout('fix_ecs_task_lifecycle'));

      expect(
        statuses,
        'moto no longer advances a task on DescribeTasks: delete packages/moto/python/fix_ecs_task_lifecycle.py and this test',
      ).toEqual(['RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED', 'STOPPED']);
    });

    it('keeps the task RUNNING however often it is described', async () => {
      const statuses = await statusesOverDescribes(fixed());

      expect(statuses).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    });
  });

  describe('fix_sfn_ecs_run_task_output: request-response ecs:runTask outputs the RunTask response', () => {
    // moto's StateTaskServiceEcs._eval_service_task outputs a DescribeTasks of the task instead.
    it('is still needed: without it, a request-response ecs:runTask task does not output the RunTask response', async () => {
      // Arrange
      const endpoint = await serverWithout('fix_sfn_ecs_run_task_output');
      const restoreEngine = await useStepFunctionsEngine(endpoint);
      const { sfn, ecs, ec2 } = clients(endpoint);
      const network = await createTaskNetwork(ec2);
      const { cluster, family } = await createClusterAndTaskDefinition(ecs, 'task-fixes');
      const created = await sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('RunTask'),
          roleArn: ROLE_ARN,
          definition: JSON.stringify({
            StartAt: 'Run',
            States: {
              Run: {
                Type: 'Task',
                Resource: 'arn:aws:states:::ecs:runTask',
                Parameters: {
                  Cluster: cluster,
                  TaskDefinition: family,
                  LaunchType: 'FARGATE',
                  NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [network.subnetId], SecurityGroups: [network.securityGroupId] } },
                },
                End: true,
              },
            },
          }),
        }),
      );

      // Act
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: uniqueName('run') }));
      const execution = await waitForEnd(sfn, started.executionArn);
      await restoreEngine();

      // Assert: the RunTask response has the task as it was started: containers PENDING, no StartedAt (what the fixed
      // server outputs, see moto-fixes.test.ts); a DescribeTasks shows them RUNNING, with StartedAt.
      const output = JSON.parse(execution.output ?? 'null') as { Tasks?: { StartedAt?: unknown; Containers?: { LastStatus?: string }[] }[] } | null;
      const task = output?.Tasks?.[0];
      const isRunTaskResponse =
        execution.status === 'SUCCEEDED' && task?.StartedAt === undefined && (task?.Containers ?? []).every((container) => container.LastStatus === 'PENDING');
      expect(
        isRunTaskResponse,
        `the execution ended ${JSON.stringify({ status: execution.status, error: execution.error, cause: execution.cause?.slice(0, 200), output })}. ` +
          'If moto now outputs the RunTask response, delete packages/moto/python/fix_sfn_ecs_run_task_output.py and this test',
      ).toBe(false);
    });
  });
});
