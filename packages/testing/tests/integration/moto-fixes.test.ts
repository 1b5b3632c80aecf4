import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  StopTaskCommand,
  SubmitContainerStateChangeCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useStepFunctionsEngine } from '../../src/moto-config.js';
import { startMotoServer, type MotoServer } from '../../src/moto-server.js';
import { createTaskNetwork, type TaskNetwork } from '../../src/moto-network.js';
import { uniqueName } from '../../src/names.js';
import { createClusterAndTaskDefinition, motoClientConfig } from './support.js';

// packages/moto/python/fix_sfn_service_task_casing.py: on moto's Step Functions engine, the
// states:startExecution and ecs:runTask service integrations take PascalCase parameters and
// give PascalCase results, as on AWS.

const ROLE_ARN = 'arn:aws:iam::123456789012:role/harness-sfn';

/** Polls DescribeExecution until the execution has ended; on timeout, says the last status seen. */
async function waitForEnd(sfn: SFNClient, executionArn: string, timeoutMs = 30_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not described yet';
  while (Date.now() < deadline) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    last = described.status ?? 'no status';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Execution ${executionArn} was still ${last} after ${timeoutMs} ms.`);
}

/** Creates a state machine (the engine must be on) and returns its ARN. */
async function createMachine(sfn: SFNClient, prefix: string, definition: unknown): Promise<string> {
  const created = await sfn.send(
    new CreateStateMachineCommand({ name: uniqueName(prefix), roleArn: ROLE_ARN, definition: JSON.stringify(definition) }),
  );
  if (!created.stateMachineArn) throw new Error('CreateStateMachine returned no ARN');
  return created.stateMachineArn;
}

/** Starts an execution (named: moto's engine can't be relied on to name it) and returns its ARN. */
async function start(sfn: SFNClient, stateMachineArn: string, input: unknown = {}): Promise<string> {
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: uniqueName('run'), input: JSON.stringify(input) }));
  if (!started.executionArn) throw new Error('StartExecution returned no ARN');
  return started.executionArn;
}

/** A one-state workflow: a Task state with this resource and parameters. */
function oneTask(resource: string, parameters: Record<string, unknown>): unknown {
  return { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } } };
}

const ECHO_CHILD = {
  StartAt: 'Echo',
  States: { Echo: { Type: 'Pass', Parameters: { 'received.$': '$', camelCased: { innerKey: 1 } }, End: true } },
};
const FAILING_CHILD = { StartAt: 'Break', States: { Break: { Type: 'Fail', Error: 'Child.Broke', Cause: 'it broke' } } };
const CHILD_INPUT = { orderId: 'o-1', lineItems: [{ skuCode: 'A-1', qty: 2 }] };

describe('moto fix: Step Functions → Step Functions (states:startExecution) casing', () => {
  let unfixed: MotoServer;

  beforeAll(async () => {
    unfixed = await startMotoServer({ fixes: false });
  });

  afterAll(async () => {
    await unfixed?.stop();
  });

  it('is still needed: on unfixed moto a startExecution.sync:2 task fails with States.Runtime, cause \'StateMachineArn\'', async () => {
    // Arrange
    await useStepFunctionsEngine(unfixed.endpoint);
    const sfn = new SFNClient(motoClientConfig(unfixed.endpoint));
    const child = await createMachine(sfn, 'Child', ECHO_CHILD);
    const parent = await createMachine(sfn, 'Parent', oneTask('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: child, Input: CHILD_INPUT }));

    // Act
    const execution = await waitForEnd(sfn, await start(sfn, parent));

    // Assert
    // If this starts to pass, moto normalises service-task parameters itself: remove fix_sfn_service_task_casing.py's
    // casing patch (and this test), after checking the fixed-server tests below still pass without it.
    expect(
      { status: execution.status, error: execution.error, causeHasKeyError: execution.cause?.includes("'StateMachineArn'") },
      'moto now runs startExecution tasks: remove the casing fix in fix_sfn_service_task_casing.py',
    ).toEqual({ status: 'FAILED', error: 'States.Runtime', causeHasKeyError: true });
  });
});

describe('moto fix: service tasks on the fixed server', () => {
  let endpoint: string;
  let sfn: SFNClient;
  let restoreEngine: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    endpoint = inject('motoEndpoint');
    sfn = new SFNClient({});
    // State machines must be created after the engine is switched on.
    restoreEngine = await useStepFunctionsEngine(endpoint);
  });

  afterAll(async () => {
    await restoreEngine?.();
  });

  describe('states:startExecution', () => {
    let child: string;
    let failingChild: string;

    beforeAll(async () => {
      child = await createMachine(sfn, 'Child', ECHO_CHILD);
      failingChild = await createMachine(sfn, 'FailingChild', FAILING_CHILD);
    });

    it('.sync:2 outputs the child\'s DescribeExecution in PascalCase, with Input and Output as JSON', async () => {
      // Arrange
      const parent = await createMachine(sfn, 'Parent', oneTask('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: child, Input: CHILD_INPUT }));

      // Act
      const execution = await waitForEnd(sfn, await start(sfn, parent));

      // Assert
      expect(execution.status).toBe('SUCCEEDED');
      const output = JSON.parse(execution.output ?? 'null') as Record<string, unknown>;
      expect(output).toMatchObject({
        ExecutionArn: expect.stringMatching(/^arn:aws:states:us-east-1:123456789012:execution:Child-[0-9a-f]{8}:[0-9a-f-]{36}$/),
        StateMachineArn: child,
        Status: 'SUCCEEDED',
        Input: CHILD_INPUT,
        Output: { received: CHILD_INPUT, camelCased: { innerKey: 1 } },
        StartDate: expect.any(Number),
        StopDate: expect.any(Number),
      });
      expect(Object.keys(output).filter((key) => /^[a-z]/.test(key))).toEqual([]);
    });

    it('.sync outputs the same with Input and Output as JSON strings', async () => {
      // Arrange
      const parent = await createMachine(sfn, 'Parent', oneTask('arn:aws:states:::states:startExecution.sync', { StateMachineArn: child, Input: CHILD_INPUT }));

      // Act
      const execution = await waitForEnd(sfn, await start(sfn, parent));

      // Assert
      expect(execution.status).toBe('SUCCEEDED');
      const output = JSON.parse(execution.output ?? 'null') as { Status: string; Input: unknown; Output: unknown };
      expect(output.Status).toBe('SUCCEEDED');
      expect(typeof output.Input).toBe('string');
      expect(typeof output.Output).toBe('string');
      expect(JSON.parse(output.Output as string)).toEqual({ received: CHILD_INPUT, camelCased: { innerKey: 1 } });
    });

    it('request-response outputs { ExecutionArn, StartDate } and does not wait', async () => {
      // Arrange
      const parent = await createMachine(sfn, 'Parent', oneTask('arn:aws:states:::states:startExecution', { StateMachineArn: child, Input: CHILD_INPUT }));

      // Act
      const execution = await waitForEnd(sfn, await start(sfn, parent));

      // Assert
      expect(execution.status).toBe('SUCCEEDED');
      const output = JSON.parse(execution.output ?? 'null') as Record<string, unknown>;
      expect(Object.keys(output).sort()).toEqual(['ExecutionArn', 'StartDate']);
      expect(output.ExecutionArn).toMatch(/^arn:aws:states:us-east-1:123456789012:execution:Child-[0-9a-f]{8}:/);
      expect(output.StartDate).toEqual(expect.any(Number));
    });

    it('starting the same child twice without a Name gives two executions (each named with a UUID)', async () => {
      // Arrange
      const parent = await createMachine(sfn, 'Parent', oneTask('arn:aws:states:::states:startExecution', { StateMachineArn: child, Input: {} }));

      // Act
      const first = await waitForEnd(sfn, await start(sfn, parent));
      const second = await waitForEnd(sfn, await start(sfn, parent));

      // Assert
      expect([first.status, second.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      const arns = [first, second].map((execution) => (JSON.parse(execution.output ?? '{}') as { ExecutionArn: string }).ExecutionArn);
      expect(arns[0]).not.toBe(arns[1]);
      expect(arns[0]).toMatch(/:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('a failing child fails the parent\'s .sync:2 task with States.TaskFailed, the child\'s error in the cause', async () => {
      // Arrange
      const parent = await createMachine(sfn, 'Parent', oneTask('arn:aws:states:::states:startExecution.sync:2', { StateMachineArn: failingChild, Input: CHILD_INPUT }));

      // Act
      const execution = await waitForEnd(sfn, await start(sfn, parent));

      // Assert
      expect(execution).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
      expect(JSON.parse(execution.cause ?? 'null')).toMatchObject({ Status: 'FAILED', Error: 'Child.Broke', Cause: 'it broke', StateMachineArn: failingChild });
    });

    it('.waitForTaskToken resumes on SendTaskSuccess with the token the child was given', async () => {
      // Arrange
      const waitingChild = await createMachine(sfn, 'WaitingChild', ECHO_CHILD);
      const parent = await createMachine(
        sfn,
        'Parent',
        oneTask('arn:aws:states:::states:startExecution.waitForTaskToken', { StateMachineArn: waitingChild, Input: { 'TaskToken.$': '$$.Task.Token' } }),
      );
      const parentExecution = await start(sfn, parent);
      const childExecution = await eventually(async () => {
        const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: waitingChild }));
        return listed.executions?.[0]?.executionArn;
      });
      const childInput = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: childExecution }))).input ?? '{}') as { TaskToken: string };

      // Act
      await sfn.send(new SendTaskSuccessCommand({ taskToken: childInput.TaskToken, output: JSON.stringify({ approved: true }) }));
      const execution = await waitForEnd(sfn, parentExecution);

      // Assert
      expect(childInput.TaskToken).toEqual(expect.any(String));
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? 'null')).toEqual({ approved: true });
    });
  });

  describe('ecs:runTask', () => {
    const ecs = new ECSClient({});
    let cluster = '';
    let family = '';
    let network: TaskNetwork;

    beforeAll(async () => {
      network = await createTaskNetwork();
      ({ cluster, family } = await createClusterAndTaskDefinition(ecs, 'sfn-ecs'));
    });

    /** RunTask parameters as a workflow writes them (PascalCase), with extra environment for the container. */
    function runTaskParameters(environment: Record<string, unknown>[] = []): Record<string, unknown> {
      return {
        Cluster: cluster,
        TaskDefinition: family,
        LaunchType: 'FARGATE',
        NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [network.subnetId], SecurityGroups: [network.securityGroupId], AssignPublicIp: 'DISABLED' } },
        Overrides: {
          ContainerOverrides: [{ Name: 'Main', Command: ['node', 'work.js'], Environment: [{ Name: 'camelCaseVar', Value: 'keepMe' }, ...environment] }],
        },
      };
    }

    /** The task the workflow started (the newest in the cluster that is not stopped yet). */
    async function startedTask(known: ReadonlySet<string> = new Set()): Promise<string> {
      return eventually(async () => {
        const listed = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
        return (listed.taskArns ?? []).find((arn) => !known.has(arn));
      });
    }

    async function runningTasks(): Promise<Set<string>> {
      const listed = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
      return new Set(listed.taskArns ?? []);
    }

    it('request-response outputs the RunTask response in PascalCase', async () => {
      // Arrange
      const workflow = await createMachine(sfn, 'RunTask', oneTask('arn:aws:states:::ecs:runTask', runTaskParameters()));

      // Act
      const execution = await waitForEnd(sfn, await start(sfn, workflow));

      // Assert
      expect(execution.status).toBe('SUCCEEDED');
      const output = JSON.parse(execution.output ?? 'null') as { Tasks: Record<string, unknown>[]; Failures: unknown[] };
      expect(output.Failures).toEqual([]);
      expect(output.Tasks).toHaveLength(1);
      expect(output.Tasks[0]).toMatchObject({
        TaskArn: expect.stringMatching(new RegExp(`^arn:aws:ecs:us-east-1:123456789012:task/${cluster}/`)),
        ClusterArn: `arn:aws:ecs:us-east-1:123456789012:cluster/${cluster}`,
        LaunchType: 'FARGATE',
        Overrides: { ContainerOverrides: [{ Name: 'Main', Command: ['node', 'work.js'], Environment: [{ Name: 'camelCaseVar', Value: 'keepMe' }] }] },
        // The task as RunTask returned it, not as a DescribeTasks after it (containers RUNNING, StartedAt set).
        Containers: [expect.objectContaining({ Name: 'Main', LastStatus: 'PENDING' })],
      });
      expect(output.Tasks[0]).not.toHaveProperty('StartedAt');
      await ecs.send(new StopTaskCommand({ cluster, task: output.Tasks[0]!.TaskArn as string, reason: 'test cleanup' }));
    });

    it('.sync waits until the task is stopped, then outputs the DescribeTasks task in PascalCase', async () => {
      // Arrange
      const workflow = await createMachine(sfn, 'RunTaskSync', oneTask('arn:aws:states:::ecs:runTask.sync', runTaskParameters()));
      const before = await runningTasks();
      const executionArn = await start(sfn, workflow);
      const taskArn = await startedTask(before);
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // moto's .sync resolver polls DescribeTasks every 0.5 s
      const whileRunning = await sfn.send(new DescribeExecutionCommand({ executionArn }));

      // Act: what the ECS agent does when the container exits 0 (the harness task executor does the same).
      await ecs.send(new SubmitContainerStateChangeCommand({ cluster, task: taskArn, containerName: 'Main', status: 'STOPPED', exitCode: 0 }));
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'Essential container in task exited' }));
      const execution = await waitForEnd(sfn, executionArn);

      // Assert
      expect(whileRunning.status).toBe('RUNNING');
      expect(execution.status).toBe('SUCCEEDED');
      const output = JSON.parse(execution.output ?? 'null') as Record<string, unknown>;
      expect(output).toMatchObject({
        TaskArn: taskArn,
        LastStatus: 'STOPPED',
        DesiredStatus: 'STOPPED',
        StartedBy: 'AWS Step Functions',
        StoppedReason: 'Essential container in task exited',
        StopCode: 'EssentialContainerExited',
        StoppedAt: expect.any(Number),
        Containers: [expect.objectContaining({ Name: 'Main', LastStatus: 'STOPPED', ExitCode: 0, Image: 'node:20-slim' })],
        Overrides: { ContainerOverrides: [expect.objectContaining({ Name: 'Main', Command: ['node', 'work.js'] })] },
      });
      expect(Object.keys(output).filter((key) => /^[a-z]/.test(key))).toEqual([]);
    });

    it('.waitForTaskToken resumes on SendTaskSuccess with the token from the task\'s environment override', async () => {
      // Arrange
      const workflow = await createMachine(
        sfn,
        'RunTaskCallback',
        oneTask('arn:aws:states:::ecs:runTask.waitForTaskToken', runTaskParameters([{ Name: 'TASK_TOKEN', 'Value.$': '$$.Task.Token' }])),
      );
      const before = await runningTasks();
      const executionArn = await start(sfn, workflow);
      const taskArn = await startedTask(before);
      const described = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      const environment = described.tasks?.[0]?.overrides?.containerOverrides?.[0]?.environment ?? [];
      const token = environment.find((variable) => variable.name === 'TASK_TOKEN')?.value;

      // Act
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ rendered: 'doc.pdf' }) }));
      const execution = await waitForEnd(sfn, executionArn);
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: 'test cleanup' }));

      // Assert
      expect(token).toEqual(expect.any(String));
      expect(environment.find((variable) => variable.name === 'camelCaseVar')?.value).toBe('keepMe');
      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? 'null')).toEqual({ rendered: 'doc.pdf' });
    });
  });
});

/** Retries `read` until it returns a value (at most 10 s). */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nothing after ${timeoutMs} ms`);
}
