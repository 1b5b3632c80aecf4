import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { createHarness, CORE_OUTPUTS, coreStackName, type Harness } from '@harness/core';
import { uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecsAdapter, exit, sendTaskFailure, sendTaskSuccess } from '../../src/index.js';
import { deployWithCli, logLines, MotoEcs, startCallbackRecorder } from './support.js';

const stack = uniqueName('hx');
let configPath: string;
let harness: Harness<[typeof ecsAdapter]>;
let ecs: MotoEcs;

beforeAll(async () => {
  configPath = await deployWithCli(stack, {
    ecs: {
      families: {
        RenderPdf: { containers: ['Main'], taskTokenVariable: 'TASK_TOKEN' },
        Pipeline: { containers: ['Main', { name: 'Sidecar', essential: false }] },
        Unmocked: { containers: ['Main'] },
        Tampered: { containers: ['Main'] },
      },
    },
  });
  harness = await createHarness({ target: 'aws', adapters: [ecsAdapter], config: configPath });
  ecs = new MotoEcs(stack);
});

afterAll(async () => {
  await harness?.close();
});

describe('ECS task double over moto (SQS, DynamoDB, S3)', () => {
  it('exits with the exit code the handler chose', async () => {
    // Arrange
    const render = await harness.ecs.mockTask('RenderPdf', ({ command }) => (command.includes('--fail') ? exit(3) : exit(0)));

    // Act
    const ok = await ecs.runTask('RenderPdf', { containerOverrides: [{ name: 'Main', command: ['--order', 'o-1'] }] });
    const failed = await ecs.runTask('RenderPdf', { containerOverrides: [{ name: 'Main', command: ['--fail'] }] });

    // Assert
    expect(ok.containers[0]?.exitCode).toBe(0);
    expect(failed.containers[0]?.exitCode).toBe(3);
    expect(render.invocations.map((invocation) => [invocation.command, invocation.exitCode])).toEqual([
      [['--order', 'o-1'], 0],
      [['--fail'], 3],
    ]);
    expect(render.invocations[0]).toMatchObject({ family: 'RenderPdf', container: 'Main', taskArn: ok.taskArn });
    await render.restore();
  });

  it('forwards command and environment overrides, and the override as ECS recorded it', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', () => 0);

    await ecs.runTask('RenderPdf', {
      containerOverrides: [
        { name: 'Main', command: ['render', '--order', 'o-2'], environment: [{ name: 'ORDER_ID', value: 'o-2' }] },
      ],
    });

    const invocation = await render.waitForInvocation({ timeoutMs: 5_000 });
    expect(invocation.command).toEqual(['render', '--order', 'o-2']);
    expect(invocation.environment.ORDER_ID).toBe('o-2');
    expect(invocation.environment).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(Object.keys(invocation.environment).filter((name) => name.startsWith('HARNESS_'))).toEqual([]);
    expect(invocation.overrides).toMatchObject({ name: 'Main', command: ['render', '--order', 'o-2'] });
    expect(invocation.startedBy).toBe('harness-tests');
    await render.restore();
  });

  it('runs a handler per container of a multi-container task', async () => {
    const pipeline = await harness.ecs.mockContainer('Pipeline', 'Sidecar', () => exit(0));
    await harness.ecs.mockContainer('Pipeline', 'Main', async () => {
      // Main is essential: when it exits, ECS stops the sidecar. Give the sidecar's agent time to
      // read its answer (it polls every 200 ms at most) before Main exits.
      await pipeline.waitForInvocation({ where: (invocation) => invocation.container === 'Sidecar', timeoutMs: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return exit(5);
    });

    const task = await ecs.runTask('Pipeline');

    const byName = Object.fromEntries(task.containers.map((container) => [container.name, container.exitCode]));
    expect(byName).toEqual({ Main: 5, Sidecar: 0 });
    expect(pipeline.invocationsOf('Main')).toHaveLength(1);
    expect(pipeline.invocationsOf('Sidecar')).toHaveLength(1);
    expect(new Set(pipeline.invocations.map((invocation) => invocation.taskArn)).size).toBe(1);
    await pipeline.restore();
  });

  it('stops the other containers when the essential one exits, as ECS does', async () => {
    let release: () => void = () => {};
    const pipeline = await harness.ecs.mockContainer('Pipeline', 'Sidecar', () => new Promise<number>((resolve) => (release = () => resolve(0))));
    await harness.ecs.mockContainer('Pipeline', 'Main', async () => {
      await pipeline.waitForInvocation({ where: (invocation) => invocation.container === 'Sidecar', timeoutMs: 10_000 });
      return exit(0);
    });

    const task = await ecs.runTask('Pipeline');
    release();

    const sidecar = task.containers.find((container) => container.name === 'Sidecar');
    expect(task.containers.find((container) => container.name === 'Main')?.exitCode).toBe(0);
    expect(sidecar).toMatchObject({ exitCode: null, signal: 'SIGTERM', reason: 'Essential container in task exited' });
    expect(task.stopCode).toBe('EssentialContainerExited');
    await pipeline.restore();
  });

  it('makes the container exit 1 when the handler throws, and reports the error to the test', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', () => {
      throw new RangeError('page size A7 is not supported');
    });

    const task = await ecs.runTask('RenderPdf');

    expect(task.containers[0]?.exitCode).toBe(1);
    expect(render.errors.map((error) => error.message)).toEqual(['page size A7 is not supported']);
    expect(task.containers[0]?.stdout).toContain('page size A7 is not supported');
    await render.restore();
  });

  it('refuses 1.5 MiB of log lines as the local target does: ResultTooLargeError in mock.errors, the container logs it and exits 1', async () => {
    const render = await harness.ecs.mockTask('RenderPdf', () => exit(0, { logs: Array.from({ length: 1_536 }, () => 'l'.repeat(1_024)) }));

    const task = await ecs.runTask('RenderPdf');

    expect(task.containers[0]?.exitCode).toBe(1);
    expect(render.errors.map((error) => error.name)).toEqual(['ResultTooLargeError']);
    expect(task.containers[0]?.stdout).toContain('the handler of ecs:RenderPdf threw ResultTooLargeError: the result of ecs:RenderPdf is ');
    expect(task.containers[0]?.stdout).toContain("To fix this, log less: the container's log lines travel in its result (1536 lines here).");
    await render.restore();
  });

  it('fails at once with a clear message when no session mocked the family', async () => {
    const started = Date.now();

    const task = await ecs.runTask('Unmocked');

    expect(task.containers[0]?.exitCode).toBe(78);
    expect(Date.now() - started).toBeLessThan(10_000);
    const messages = logLines(task.containers[0]?.stdout ?? '').map((line) => line.message);
    expect(messages.join('\n')).toContain('no test session has mocked ECS task Unmocked');
  });

  it('times out with a clear message when the result never comes', async () => {
    let release: () => void = () => {};
    const render = await harness.ecs.mockTask('RenderPdf', () => new Promise<number>((resolve) => (release = () => resolve(0))));

    const task = await ecs.runTask('RenderPdf', {
      containerOverrides: [{ name: 'Main', environment: [{ name: 'HARNESS_TIMEOUT_MS', value: '1500' }] }],
    });
    release();

    expect(task.containers[0]?.exitCode).toBe(124);
    expect(task.containers[0]?.stdout).toMatch(/no result for invocation .* of ecs:RenderPdf .* after 1\d{3} ms/);
    await render.restore();
  });

  it('calls SendTaskSuccess / SendTaskFailure with the task token, signed with the task role', async () => {
    const recorder = await startCallbackRecorder();
    const render = await harness.ecs.mockTask('RenderPdf', ({ command, taskToken }) =>
      command[0] === 'ok' ? sendTaskSuccess({ pages: 3 }) : sendTaskFailure({ error: 'OutOfPaper', cause: 'tray 2' }, { exitCode: 2 }),
    );
    const withToken = (command: string, token: string) => ({
      containerOverrides: [{ name: 'Main', command: [command], environment: [{ name: 'TASK_TOKEN', value: token }] }],
    });

    const succeeded = await ecs.runTask('RenderPdf', withToken('ok', 'token-1'), { environment: { AWS_ENDPOINT_URL_SFN: recorder.url } });
    const failed = await ecs.runTask('RenderPdf', withToken('fail', 'token-2'), { environment: { AWS_ENDPOINT_URL_SFN: recorder.url } });
    await recorder.close();

    expect(render.invocations.map((invocation) => invocation.taskToken)).toEqual(['token-1', 'token-2']);
    expect([succeeded.containers[0]?.exitCode, failed.containers[0]?.exitCode]).toEqual([0, 2]);
    expect(recorder.calls.map((call) => [call.target, call.body])).toEqual([
      ['AWSStepFunctions.SendTaskSuccess', { taskToken: 'token-1', output: '{"pages":3}' }],
      ['AWSStepFunctions.SendTaskFailure', { taskToken: 'token-2', error: 'OutOfPaper', cause: 'tray 2' }],
    ]);
    expect(recorder.calls[0]?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/us-east-1\/states\/aws4_request/);
    await render.restore();
  });

  it('refuses to run an agent whose SHA-256 does not match the task definition', async () => {
    const outputs = await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: coreStackName(stack) }));
    const bucket = outputs.Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === CORE_OUTPUTS.artifactsBucket)?.OutputValue;
    const key = (await taskEnvironment('Tampered')).HARNESS_AGENT_KEY;
    const original = await (await import('@harness/container-agent')).readAgentArtifact();
    await new S3Client({ forcePathStyle: true }).send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${new TextDecoder().decode(original.body)}\n// tampered` }),
    );
    const mock = await harness.ecs.mockTask('Tampered', () => 0);

    const task = await ecs.runTask('Tampered');

    expect(task.containers[0]?.exitCode).toBe(77);
    expect(task.containers[0]?.stdout + (task.containers[0]?.stderr ?? '')).toContain(original.sha256);
    expect(mock.invocations).toHaveLength(0);
    // Put the real agent back for the other tests of this stack.
    await new S3Client({ forcePathStyle: true }).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original.body }));
  });
});

async function taskEnvironment(family: string): Promise<Record<string, string>> {
  const { DescribeTaskDefinitionCommand, ECSClient } = await import('@aws-sdk/client-ecs');
  const described = await new ECSClient({}).send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
  const container = described.taskDefinition?.containerDefinitions?.[0];
  return Object.fromEntries((container?.environment ?? []).map((variable) => [variable.name ?? '', variable.value ?? '']));
}
