import { describe, expect, it } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { readRunTaskRequest } from '../../src/local/run-task-request.js';
import {
  describedTaskOutput,
  endedWithoutCallbackReason,
  planTask,
  provisioningTask,
  runTaskOutput,
  stoppedTask,
  taskFailed,
  toEcsJson,
  type LocalTaskPlan,
} from '../../src/local/task-shapes.js';
import type { LocalContainerResult, LocalTaskResult } from '../../src/local/task-runner.js';

const config = parseEcsConfig({ families: { Pipeline: { containers: ['Main', { name: 'Sidecar', essential: false }], cpu: 512 } } });
const account = { region: 'eu-west-1', accountId: '123456789012' };
const createdAt = new Date('2026-11-25T10:00:00.000Z');

function plan(parameters: Record<string, unknown> = {}): LocalTaskPlan {
  const { request, family } = readRunTaskRequest(config, {
    Cluster: 'orders',
    TaskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/Pipeline:7',
    NetworkConfiguration: { AwsvpcConfiguration: { Subnets: ['subnet-0abc'] } },
    Overrides: { ContainerOverrides: [{ Name: 'Main', Command: ['--order', 'o-1'], Environment: [{ Name: 'ORDER_ID', Value: 'o-1' }] }] },
    ...parameters,
  });
  return planTask(request, family, account, createdAt);
}

function container(name: string, exitCode: number | null, extra: Partial<LocalContainerResult> = {}): LocalContainerResult {
  return { name, essential: name === 'Main', exitCode, signal: null, stdout: '', stderr: '', ...extra };
}

function result(containers: LocalContainerResult[], extra: Partial<LocalTaskResult> = {}): LocalTaskResult {
  return {
    taskArn: 'ignored',
    family: 'Pipeline',
    containers,
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    startedAt: new Date('2026-11-25T10:00:00.120Z'),
    stoppedAt: new Date('2026-11-25T10:00:00.480Z'),
    ...extra,
  };
}

describe('Function: planTask', () => {
  it('puts the task in the cluster and revision the request names', () => {
    const { taskArn, clusterArn, taskDefinitionArn, containerArns } = plan();

    expect(clusterArn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/orders');
    expect(taskArn).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:task\/orders\/[0-9a-f]{32}$/);
    expect(taskDefinitionArn).toBe('arn:aws:ecs:eu-west-1:123456789012:task-definition/Pipeline:7');
    expect(containerArns).toHaveLength(2);
    expect(containerArns[0]).toMatch(/^arn:aws:ecs:eu-west-1:123456789012:container\/orders\/[0-9a-f]{32}\/[0-9a-f-]{36}$/);
  });
});

describe('Function: runTaskOutput', () => {
  it('is the RunTask response with the HTTP metadata Step Functions adds', () => {
    // Arrange
    const planned = plan();

    // Act
    const output = runTaskOutput(provisioningTask(planned), 'req-1');

    // Assert
    expect(Object.keys(output)).toEqual(['Failures', 'SdkHttpMetadata', 'SdkResponseMetadata', 'Tasks']);
    expect(output.SdkResponseMetadata).toEqual({ RequestId: 'req-1' });
    expect(output.SdkHttpMetadata).toMatchObject({
      AllHttpHeaders: { 'x-amzn-RequestId': ['req-1'], 'Content-Type': ['application/x-amz-json-1.1'] },
      HttpHeaders: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'req-1' },
      HttpStatusCode: 200,
    });
    expect((output.Tasks as unknown[])[0]).toEqual({
      Attachments: [{ Details: [{ Name: 'subnetId', Value: 'subnet-0abc' }], Id: planned.attachmentId, Status: 'PRECREATED', Type: 'ElasticNetworkInterface' }],
      Attributes: [{ Name: 'ecs.cpu-architecture', Value: 'x86_64' }],
      AvailabilityZone: 'eu-west-1a',
      ClusterArn: planned.clusterArn,
      Containers: ['Main', 'Sidecar'].map((name, index) => ({
        ContainerArn: planned.containerArns[index],
        Cpu: '0',
        GpuIds: [],
        Image: 'node:20-slim',
        LastStatus: 'PENDING',
        ManagedAgents: [],
        MemoryReservation: '512',
        Name: name,
        NetworkBindings: [],
        NetworkInterfaces: [],
        TaskArn: planned.taskArn,
      })),
      Cpu: '512',
      CreatedAt: createdAt.getTime(),
      DesiredStatus: 'RUNNING',
      EnableExecuteCommand: false,
      EphemeralStorage: { SizeInGiB: 20 },
      Group: 'family:Pipeline',
      InferenceAccelerators: [],
      LastStatus: 'PROVISIONING',
      LaunchType: 'FARGATE',
      Memory: '1024',
      Overrides: {
        ContainerOverrides: [
          { Command: ['--order', 'o-1'], Environment: [{ Name: 'ORDER_ID', Value: 'o-1' }], EnvironmentFiles: [], Name: 'Main', ResourceRequirements: [] },
          { Command: [], Environment: [], EnvironmentFiles: [], Name: 'Sidecar', ResourceRequirements: [] },
        ],
        InferenceAcceleratorOverrides: [],
      },
      PlatformFamily: 'Linux',
      PlatformVersion: '1.4.0',
      Tags: [],
      TaskArn: planned.taskArn,
      TaskDefinitionArn: planned.taskDefinitionArn,
      Version: 1,
    });
  });
});

describe('Function: describedTaskOutput', () => {
  it('is the stopped task in PascalCase, timestamps as epoch milliseconds', () => {
    const planned = plan({ StartedBy: 'AWS Step Functions' });

    const output = describedTaskOutput(stoppedTask(planned, result([container('Main', 0), container('Sidecar', null, { signal: 'SIGTERM' })])));

    expect(output).toMatchObject({
      Connectivity: 'CONNECTED',
      ConnectivityAt: Date.parse('2026-11-25T10:00:00.120Z'),
      CreatedAt: createdAt.getTime(),
      DesiredStatus: 'STOPPED',
      ExecutionStoppedAt: Date.parse('2026-11-25T10:00:00.480Z'),
      LastStatus: 'STOPPED',
      StartedAt: Date.parse('2026-11-25T10:00:00.120Z'),
      StartedBy: 'AWS Step Functions',
      StopCode: 'EssentialContainerExited',
      StoppedAt: Date.parse('2026-11-25T10:00:00.480Z'),
      StoppedReason: 'Essential container in task exited',
      StoppingAt: Date.parse('2026-11-25T10:00:00.480Z'),
      Version: 5,
    });
    expect(output).not.toHaveProperty('PlatformFamily');
    expect(output).not.toHaveProperty('SdkHttpMetadata');
    const containers = output.Containers as Record<string, unknown>[];
    // SIGTERM is reported as Docker does: 128 + 15.
    expect(containers.map((entry) => [entry.Name, entry.ExitCode, entry.LastStatus])).toEqual([
      ['Main', 0, 'STOPPED'],
      ['Sidecar', 143, 'STOPPED'],
    ]);
    expect(containers[0]?.NetworkInterfaces).toEqual([{ AttachmentId: planned.attachmentId, PrivateIpv4Address: expect.stringMatching(/^10\.0\.\d+\.\d+$/) }]);
    expect(output.Attachments).toEqual([
      expect.objectContaining({ Status: 'DELETED', Type: 'eni', Details: expect.arrayContaining([{ Name: 'subnetId', Value: 'subnet-0abc' }]) }),
    ]);
    expect(Object.keys(output)).toEqual([...Object.keys(output)].sort());
  });

  it('reports a container that never started with a reason and no exit code, and the task as failed to start', () => {
    const task = stoppedTask(plan(), result([container('Main', null, { stderr: 'spawn node ENOENT\n' }), container('Sidecar', null)]));

    const output = describedTaskOutput(task);

    expect(output).toMatchObject({ StopCode: 'TaskFailedToStart', StoppedReason: 'Task failed to start' });
    expect((output.Containers as Record<string, unknown>[])[0]).toMatchObject({ Reason: 'CannotStartContainerError: spawn node ENOENT' });
    expect((output.Containers as Record<string, unknown>[])[0]).not.toHaveProperty('ExitCode');
  });
});

describe('Function: taskFailed', () => {
  it.each([
    ['every essential container exited 0', [container('Main', 0), container('Sidecar', 1)], false],
    ['an essential container exited non-zero', [container('Main', 2), container('Sidecar', 0)], true],
    ['an essential container was killed', [container('Main', null, { signal: 'SIGKILL' }), container('Sidecar', 0)], true],
    ['an essential container did not start', [container('Main', null), container('Sidecar', 0)], true],
  ])('is %s: %s', (_case, containers, failed) => {
    const planned = plan();

    expect(taskFailed(planned, stoppedTask(planned, result(containers)))).toBe(failed);
  });
});

describe('Function: endedWithoutCallbackReason', () => {
  it('names the family, every exit code and the last agent log line', () => {
    const planned = plan();
    const ran = result([
      container('Main', 78, { stdout: '{"level":"info","message":"starting"}\n{"level":"error","message":"no test session has mocked ECS task Pipeline"}\n' }),
      container('Sidecar', null, { signal: 'SIGTERM' }),
    ]);

    const reason = endedWithoutCallbackReason(planned, stoppedTask(planned, ran), ran);

    expect(reason).toContain(`ECS task Pipeline (${planned.taskArn}) stopped without calling back on its task token: Main exited 78, Sidecar exited 143.`);
    expect(reason).toContain('Last agent log line (Main): no test session has mocked ECS task Pipeline.');
    expect(reason).toContain('adapters.ecs.families.Pipeline.taskTokenVariable');
  });
});

describe('Function: toEcsJson', () => {
  it('writes timestamps as epoch seconds, as ECS\'s JSON protocol does', () => {
    expect(toEcsJson({ createdAt: new Date('2026-11-25T10:00:00.250Z'), skipped: undefined })).toEqual({ createdAt: 1795600800.25 });
  });
});
