import { AGENT_EXIT_CODES, ResultTooLargeError, StatesError } from '@harness/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { ecsAdapter, exit, sendTaskFailure, sendTaskSuccess } from '../../src/index.js';
import { RESULT_POLL, ROUTE_WATCH } from '../../../container-agent/src/round-trip.js';
import { ecsLocalIntegration, type EcsLocalIntegration } from '../../src/local/integration.js';
import type { EcsMockApi, TaskMock } from '../../src/mock.js';
import {
  localSession,
  recordingCallbacks,
  RUN_TASK,
  RUN_TASK_SYNC,
  RUN_TASK_WAIT,
  runTaskParameters,
  taskInvocation,
  waitUntil,
} from './support.js';

const config = parseEcsConfig({
  families: {
    RenderPdf: { containers: ['Main'], taskTokenVariable: 'TASK_TOKEN' },
    Pipeline: { containers: ['Main', { name: 'Sidecar', essential: false }] },
    Unmocked: { containers: ['Main'] },
  },
});

let integration: EcsLocalIntegration;
let api: EcsMockApi;

beforeEach(() => {
  const local = localSession(config);
  api = local.api;
  integration = ecsLocalIntegration(config, local.context);
});

afterEach(async () => {
  await integration.dispose();
});

/** Resolves once the sidecar's handler has answered and its agent has had time to read the answer (it polls every 200 ms at most). */
async function sidecarAnswered(pipeline: TaskMock): Promise<void> {
  await waitUntil(() => pipeline.invocationsOf('Sidecar')[0]?.exitCode, (exitCode) => exitCode !== undefined);
  await new Promise((resolve) => setTimeout(resolve, 400));
}

/** Runs a `.sync` state and returns its failure, or throws if it succeeded. */
async function syncFailure(input: unknown): Promise<StatesError> {
  const outcome = await integration.invoke(taskInvocation(RUN_TASK_SYNC, input)).then(
    (output) => new Error(`expected the state to fail, it output ${JSON.stringify(output).slice(0, 300)}`),
    (error: unknown) => error,
  );
  if (!(outcome instanceof StatesError)) throw outcome;
  return outcome;
}

describe('Function: ecsLocalIntegration', () => {
  describe('Method: handles', () => {
    it.each([
      [RUN_TASK, true],
      [RUN_TASK_SYNC, true],
      [RUN_TASK_WAIT, true],
      ['arn:aws-us-gov:states:::ecs:runTask.sync', true],
      ['arn:aws:states:::ecs:runTask.sync:2', false],
      ['arn:aws:states:::lambda:invoke', false],
    ])('owns %s: %s', (resource, owned) => {
      expect(integration.handles(resource)).toBe(owned);
    });

    it('is what the ECS adapter gives the local target', () => {
      const [fromAdapter] = ecsAdapter.localIntegrations?.(config, localSession(config).context) ?? [];
      expect(fromAdapter?.name).toBe('ecs');
      expect(fromAdapter?.handles(RUN_TASK_SYNC)).toBe(true);
      expect(typeof fromAdapter?.dispose).toBe('function');
    });
  });

  describe('Method: invoke (ecs:runTask)', () => {
    it('answers the RunTask response at once, then the task runs to its end', async () => {
      // Arrange
      let release: () => void = () => {};
      const render = await api.mockTask('RenderPdf', () => new Promise<number>((resolve) => (release = () => resolve(0))));

      // Act
      const output = (await integration.invoke(taskInvocation(RUN_TASK, runTaskParameters('RenderPdf')))) as Record<string, unknown>;
      const arrived = await render.waitForInvocation({ timeoutMs: 10_000 });
      release();
      await integration.idle();

      // Assert
      const [task] = output.Tasks as Record<string, unknown>[];
      expect(Object.keys(output)).toEqual(['Failures', 'SdkHttpMetadata', 'SdkResponseMetadata', 'Tasks']);
      expect(output.Failures).toEqual([]);
      expect(output.SdkHttpMetadata).toMatchObject({ HttpStatusCode: 200, HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.1' } });
      expect((output.SdkResponseMetadata as { RequestId: string }).RequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(task).toMatchObject({
        LastStatus: 'PROVISIONING',
        DesiredStatus: 'RUNNING',
        Group: 'family:RenderPdf',
        LaunchType: 'FARGATE',
        ClusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/orders',
        TaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/RenderPdf:1',
        Containers: [expect.objectContaining({ Name: 'Main', LastStatus: 'PENDING', Image: 'node:20-slim' })],
        Overrides: { ContainerOverrides: [expect.objectContaining({ Name: 'Main', Command: [] })], InferenceAcceleratorOverrides: [] },
      });
      expect(task?.StartedBy).toBeUndefined();
      expect(arrived).toMatchObject({ family: 'RenderPdf', container: 'Main', taskArn: task?.TaskArn, revision: 1 });
      expect(render.invocations[0]?.exitCode).toBe(0);
    });
  });

  describe('Method: invoke (ecs:runTask.sync)', () => {
    it('waits for the task and outputs the stopped task, as DescribeTasks has it in PascalCase', async () => {
      const render = await api.mockTask('RenderPdf', () => exit(0));

      const output = (await integration.invoke(
        taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['--order', 'o-1'] }])),
      )) as Record<string, unknown>;

      expect(output).toMatchObject({
        LastStatus: 'STOPPED',
        DesiredStatus: 'STOPPED',
        StartedBy: 'AWS Step Functions',
        StopCode: 'EssentialContainerExited',
        StoppedReason: 'Essential container in task exited',
        Group: 'family:RenderPdf',
        Connectivity: 'CONNECTED',
        Containers: [expect.objectContaining({ Name: 'Main', ExitCode: 0, LastStatus: 'STOPPED', GpuIds: [], ManagedAgents: [] })],
        Overrides: { ContainerOverrides: [{ Name: 'Main', Command: ['--order', 'o-1'], Environment: [], EnvironmentFiles: [], ResourceRequirements: [] }] },
      });
      for (const timestamp of ['CreatedAt', 'StartedAt', 'StoppingAt', 'StoppedAt', 'ExecutionStoppedAt']) {
        expect(Number.isInteger(output[timestamp]), timestamp).toBe(true);
      }
      expect(output.StoppedAt as number).toBeGreaterThanOrEqual(output.CreatedAt as number);
      expect(output).not.toHaveProperty('SdkHttpMetadata');
      expect(Object.keys(output)).toEqual([...Object.keys(output)].sort());
      // The agent read StartedBy and the override from DescribeTasks, as on AWS.
      expect(render.invocations[0]).toMatchObject({ startedBy: 'AWS Step Functions', command: ['--order', 'o-1'], overrides: { name: 'Main' } });
    });

    it('fails with States.TaskFailed, the stopped task as cause, when an essential container exits non-zero', async () => {
      const pipeline = await api.mockContainer('Pipeline', 'Sidecar', () => exit(0));
      await api.mockContainer('Pipeline', 'Main', async () => {
        // Let the sidecar's agent read its answer and exit before the essential container ends the task.
        await sidecarAnswered(pipeline);
        return exit(1);
      });

      const failure = await syncFailure(runTaskParameters('Pipeline'));

      expect(failure.error).toBe('States.TaskFailed');
      const cause = JSON.parse(failure.cause ?? '{}') as Record<string, unknown>;
      expect(cause).toMatchObject({ LastStatus: 'STOPPED', StopCode: 'EssentialContainerExited', StartedBy: 'AWS Step Functions' });
      expect((cause.Containers as { Name: string; ExitCode?: number }[]).map(({ Name, ExitCode }) => [Name, ExitCode])).toEqual([
        ['Main', 1],
        ['Sidecar', 0],
      ]);
    });

    it('runs each container with its own handler, in one task', async () => {
      const pipeline = await api.mockContainer('Pipeline', 'Sidecar', () => exit(0));
      await api.mockContainer('Pipeline', 'Main', async () => {
        await sidecarAnswered(pipeline);
        return exit(0);
      });

      const output = (await integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('Pipeline')))) as { Containers: { Name: string; ExitCode: number }[]; TaskArn: string };

      expect(output.Containers.map(({ Name, ExitCode }) => [Name, ExitCode])).toEqual([
        ['Main', 0],
        ['Sidecar', 0],
      ]);
      expect(pipeline.invocationsOf('Main')).toHaveLength(1);
      expect(pipeline.invocationsOf('Sidecar')).toHaveLength(1);
      expect(new Set(pipeline.invocations.map((invocation) => invocation.taskArn))).toEqual(new Set([output.TaskArn]));
    });

    it('stops the other containers when the essential one exits, as ECS does', async () => {
      const pipeline = await api.mockContainer('Pipeline', 'Sidecar', () => new Promise<number>(() => {}));
      await api.mockContainer('Pipeline', 'Main', async () => {
        await pipeline.waitForInvocation({ where: (invocation) => invocation.container === 'Sidecar' });
        return exit(0);
      });

      const output = (await integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('Pipeline')))) as { Containers: { Name: string; ExitCode: number }[] };

      // Main is the only essential container and exited 0: the task succeeded; the sidecar got SIGTERM (128 + 15).
      expect(output.Containers.map(({ Name, ExitCode }) => [Name, ExitCode])).toEqual([
        ['Main', 0],
        ['Sidecar', 143],
      ]);
    });

    it('hands the command and environment overrides to the handler', async () => {
      const render = await api.mockTask('RenderPdf', () => exit(0));

      await integration.invoke(
        taskInvocation(
          RUN_TASK_SYNC,
          runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['render', '--order', 'o-2'], Environment: [{ Name: 'ORDER_ID', Value: 'o-2' }] }]),
        ),
      );

      const [invocation] = render.invocations;
      expect(invocation?.command).toEqual(['render', '--order', 'o-2']);
      expect(invocation?.environment.ORDER_ID).toBe('o-2');
      expect(invocation?.environment.AWS_REGION).toBe('eu-west-1');
      expect(Object.keys(invocation?.environment ?? {}).filter((name) => /^(HARNESS_|ECS_|AWS_CONTAINER_)/.test(name))).toEqual([]);
      expect(invocation?.environment).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
      expect(invocation?.overrides).toEqual({ name: 'Main', command: ['render', '--order', 'o-2'], environment: [{ name: 'ORDER_ID', value: 'o-2' }] });
    });

    it('waits for a handler that answers after the agent started watching its route (exit 0, not 70)', async () => {
      // Past ROUTE_WATCH.intervalMs the agent polls its result and its route in one BatchGetItem: the loopback
      // endpoint did not play it, and every task whose handler (or a loaded machine) took that long exited 70.
      const slowerThanTheRouteWatch = ROUTE_WATCH.intervalMs + RESULT_POLL.maxMs * 2;
      const render = await api.mockTask('RenderPdf', async () => {
        await new Promise((resolve) => setTimeout(resolve, slowerThanTheRouteWatch));
        return exit(0);
      });

      const output = (await integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf')))) as { Containers: { ExitCode?: number }[] };

      expect(output.Containers[0]?.ExitCode).toBe(0);
      expect(render.invocations.map((invocation) => invocation.exitCode)).toEqual([0]);
    });

    it('fails with States.TaskFailed and exit code 1 when the handler throws, and tells the test', async () => {
      const render = await api.mockTask('RenderPdf', () => {
        throw new RangeError('page size A7 is not supported');
      });

      const failure = await syncFailure(runTaskParameters('RenderPdf'));

      const cause = JSON.parse(failure.cause ?? '{}') as { Containers: { ExitCode: number }[] };
      expect(failure.error).toBe('States.TaskFailed');
      expect(cause.Containers[0]?.ExitCode).toBe(AGENT_EXIT_CODES.handlerError);
      expect(render.errors.map((error) => error.message)).toEqual(['page size A7 is not supported']);
    });

    it('fails fast when no test mocked the family: the agent exits 78', async () => {
      const startedAt = Date.now();

      const failure = await syncFailure(runTaskParameters('Unmocked'));

      const cause = JSON.parse(failure.cause ?? '{}') as { Containers: { ExitCode: number }[] };
      expect(failure.error).toBe('States.TaskFailed');
      expect(cause.Containers[0]?.ExitCode).toBe(AGENT_EXIT_CODES.noRoute);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    });

    it.each([
      ['an unknown family', runTaskParameters('Invoice'), 'ECS.ClientException', /^Unable to describe task definition\. \(Service: AmazonECS; Status Code: 400; Error Code: ClientException;/],
      [
        'an override of a container the family does not have',
        runTaskParameters('RenderPdf', [{ Name: 'Renderer', Command: ['x'] }]),
        'ECS.InvalidParameterException',
        /^Override for container named Renderer is not a container in the TaskDefinition\./,
      ],
      [
        'overrides over 8192 characters',
        runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['x'.repeat(8200)] }]),
        'ECS.InvalidParameterException',
        /^Container Overrides length must be at most 8192 /,
      ],
      [
        'no network configuration',
        { TaskDefinition: 'RenderPdf', LaunchType: 'FARGATE' },
        'ECS.InvalidParameterException',
        /^Network Configuration must be provided when networkMode 'awsvpc' is specified\./,
      ],
    ])('fails like RunTask does for %s, before any container starts', async (_case, input, error, cause) => {
      const render = await api.mockTask('RenderPdf', () => exit(0));

      const failure = await syncFailure(input);

      expect(failure.error).toBe(error);
      expect(failure.cause).toMatch(cause);
      expect(render.invocations).toEqual([]);
    });

    it('stops the task when the execution aborts the state', async () => {
      const render = await api.mockTask('RenderPdf', () => new Promise<number>(() => {}));
      const controller = new AbortController();

      const pending = integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf'), { signal: controller.signal }));
      await render.waitForInvocation({ timeoutMs: 10_000 });
      controller.abort(new Error('the execution timed out'));

      await expect(pending).rejects.toThrow('the execution timed out');
      const stoppedWithin = Date.now();
      await integration.idle();
      expect(Date.now() - stoppedWithin).toBeLessThan(3_000);
    });
  });

  describe('Method: invoke (ecs:runTask.waitForTaskToken)', () => {
    const token = 'AQCEAAAAKgAAAAMAAAAAAAAAAQ-local-token';
    const withToken = runTaskParameters('RenderPdf', [{ Name: 'Main', Environment: [{ Name: 'TASK_TOKEN', Value: token } as const] }]);

    it('hands SendTaskSuccess to the callbacks with its output', async () => {
      const render = await api.mockTask('RenderPdf', ({ taskToken }) => sendTaskSuccess({ shipped: true, token: taskToken === token }));
      const callbacks = recordingCallbacks();

      const output = (await integration.invoke(taskInvocation(RUN_TASK_WAIT, withToken, { taskToken: token, callbacks }))) as { Tasks: unknown[] };
      const call = await callbacks.next();
      await integration.idle();

      expect(output.Tasks).toHaveLength(1);
      expect(call).toEqual({ kind: 'succeed', taskToken: token, output: { shipped: true, token: true } });
      expect(callbacks.calls).toHaveLength(1);
      expect(render.invocations[0]?.taskToken).toBe(token);
    });

    it('hands SendTaskFailure to the callbacks verbatim', async () => {
      await api.mockTask('RenderPdf', () => sendTaskFailure({ error: 'OutOfStock', cause: 'sku-1 is gone' }));
      const callbacks = recordingCallbacks();

      await integration.invoke(taskInvocation(RUN_TASK_WAIT, withToken, { taskToken: token, callbacks }));
      const call = await callbacks.next();
      await integration.idle();

      expect(call).toEqual({ kind: 'fail', taskToken: token, error: 'OutOfStock', cause: 'sku-1 is gone' });
      expect(callbacks.calls).toHaveLength(1);
    });

    it('tells the driver when the task stops without calling back', async () => {
      await api.mockTask('RenderPdf', () => exit(0, { logs: ['rendered without a callback'] }));
      const callbacks = recordingCallbacks();

      await integration.invoke(taskInvocation(RUN_TASK_WAIT, withToken, { taskToken: token, callbacks }));
      const call = await callbacks.next();

      expect(call.kind).toBe('ended');
      const reason = call.kind === 'ended' ? call.reason : '';
      expect(reason).toMatch(/^ECS task RenderPdf \(arn:aws:ecs:eu-west-1:123456789012:task\/orders\/[0-9a-f]{32}\) stopped without calling back on its task token: Main exited 0\./);
      expect(reason).toContain('Last agent log line (Main): invocation answered');
      expect(reason).toContain('sendTaskSuccess(output)');
    });
  });

  describe('Method: invoke (answers the doubles cannot carry: as on the aws target)', () => {
    const token = 'AQCEAAAAKgAAAAMAAAAAAAAAAQ-local-token-2';
    const withToken = runTaskParameters('RenderPdf', [{ Name: 'Main', Environment: [{ Name: 'TASK_TOKEN', Value: token } as const] }]);

    it('fails the container (exit 1) when its 1.5 MiB of log lines do not fit the result, and records ResultTooLargeError', async () => {
      // Arrange
      const render = await api.mockTask('RenderPdf', () => exit(0, { logs: Array.from({ length: 1_536 }, () => 'l'.repeat(1_024)) }));

      // Act
      const failure = await syncFailure(runTaskParameters('RenderPdf'));

      // Assert
      const cause = JSON.parse(failure.cause ?? '{}') as { Containers: { ExitCode: number }[] };
      expect(failure.error).toBe('States.TaskFailed');
      expect(cause.Containers[0]?.ExitCode).toBe(AGENT_EXIT_CODES.handlerError);
      expect(render.errors).toHaveLength(1);
      expect(render.errors[0]).toBeInstanceOf(ResultTooLargeError);
      expect(render.errors[0]?.message).toContain("To fix this, log less: the container's log lines travel in its result (1536 lines here).");
    });

    it('logs the named error in the container and ends the wait when sendTaskSuccess output is over 256 KiB', async () => {
      // Arrange
      const render = await api.mockTask('RenderPdf', () => sendTaskSuccess({ pdf: 'p'.repeat(262_144) }));
      const callbacks = recordingCallbacks();

      // Act
      await integration.invoke(taskInvocation(RUN_TASK_WAIT, withToken, { taskToken: token, callbacks }));
      const call = await callbacks.next();

      // Assert
      expect(call.kind).toBe('ended');
      const reason = call.kind === 'ended' ? call.reason : '';
      expect(reason).toContain('Main exited 1.');
      expect(reason).toContain('Last agent log line (Main): the handler of ecs:RenderPdf threw ResultTooLargeError: the sendTaskSuccess output of ecs:RenderPdf is 262154 bytes of JSON');
      expect(render.errors[0]).toBeInstanceOf(ResultTooLargeError);
    });
  });

  describe('Method: dispose', () => {
    it('stops the tasks still running and refuses new ones', async () => {
      const render = await api.mockTask('RenderPdf', () => new Promise<number>(() => {}));
      await integration.invoke(taskInvocation(RUN_TASK, runTaskParameters('RenderPdf')));
      await render.waitForInvocation({ timeoutMs: 10_000 });

      const startedAt = Date.now();
      await integration.dispose();
      await integration.idle();

      expect(Date.now() - startedAt).toBeLessThan(3_000);
      await expect(integration.invoke(taskInvocation(RUN_TASK, runTaskParameters('RenderPdf')))).rejects.toThrow(/disposed/);
      await waitUntil(() => render.invocations.length, (count) => count === 1);
    });
  });
});
