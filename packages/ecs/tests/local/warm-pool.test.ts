import { afterEach, describe, expect, it } from 'vitest';
import { parseEcsConfig } from '../../src/config.js';
import { exit } from '../../src/index.js';
import { ecsLocalIntegration } from '../../src/local/integration.js';
import { runTaskLocally, type LocalTaskDefinition } from '../../src/local/task-runner.js';
import { createWarmProcessPool, sharedWarmProcessPool, type WarmProcessPool } from '../../src/local/warm-pool.js';
import { localSession, RUN_TASK_SYNC, runTaskParameters, taskInvocation, waitUntil } from './support.js';

const credentials = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret', sessionToken: 'local-token' };

// What a container can see of how it was started.
const REPORT = `
const metadata = process.env.ECS_CONTAINER_METADATA_URI_V4;
fetch(metadata).then((response) => response.json()).then((container) => {
  console.log(JSON.stringify({
    env: process.env,
    argv: process.argv,
    execArgv: process.execArgv,
    cwd: process.cwd(),
    filename: __filename,
    dirname: __dirname,
    require: typeof require,
    requireMain: require.main === undefined,
    module: [module.id, module.filename, exports === module.exports],
    container: container.Name,
  }));
  return import('node:os');
}).then(() => process.exit(Number(process.argv[2] ?? 0)));
`;

const definition = (entryPoint: string[], command: string[] = []): LocalTaskDefinition => ({
  family: 'Report',
  containerDefinitions: [{ name: 'Main', entryPoint, command, environment: [{ name: 'ORDER_TABLE', value: 'orders' }] }],
});

let pools: WarmProcessPool[] = [];
function pool(size: number): WarmProcessPool {
  const created = createWarmProcessPool({ size });
  pools.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

/** Whether a process with this id still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Each per-task value (the metadata endpoint's port and container id, the credentials token) replaced by its name. */
function withoutPerTaskValues(report: { env: Record<string, string> }): unknown {
  const perTask = /^(ECS_CONTAINER_METADATA_URI(_V4)?|AWS_CONTAINER_CREDENTIALS_FULL_URI|AWS_CONTAINER_AUTHORIZATION_TOKEN)$/;
  return { ...report, env: Object.fromEntries(Object.entries(report.env).map(([name, value]) => [name, perTask.test(name) ? name : value])) };
}

describe('Function: createWarmProcessPool', () => {
  it('hands a node -e container to a waiting process, which sees exactly what a fresh process sees', async () => {
    const warm = pool(1);
    await waitUntil(() => warm.stats.idle, (idle) => idle === 1);
    const task = { taskDefinition: definition(['node', '-e', REPORT, '--'], ['--order', '5']), credentials, environment: { AWS_REGION: 'eu-west-1' } };

    const handed = await runTaskLocally({ ...task, pool: warm });
    const fresh = await runTaskLocally({ ...task, pool: false });

    expect(warm.stats).toMatchObject({ handedOver: 1, startedFresh: 0 });
    expect(handed.containers[0]).toMatchObject({ exitCode: 5, stderr: '' });
    expect(fresh.containers[0]).toMatchObject({ exitCode: 5, stderr: '' });
    const handedReport = JSON.parse(handed.containers[0]?.stdout ?? '') as { env: Record<string, string>; argv: string[] };
    expect(withoutPerTaskValues(handedReport)).toEqual(withoutPerTaskValues(JSON.parse(fresh.containers[0]?.stdout ?? '')));
    // Nothing of the process's own start survives the handover: only what ECS gives a container.
    expect(Object.keys(handedReport.env).sort()).toEqual(
      [
        'AWS_CONTAINER_AUTHORIZATION_TOKEN',
        'AWS_CONTAINER_CREDENTIALS_FULL_URI',
        'AWS_EXECUTION_ENV',
        'AWS_REGION',
        'ECS_CONTAINER_METADATA_URI',
        'ECS_CONTAINER_METADATA_URI_V4',
        'HOME',
        'HOSTNAME',
        'ORDER_TABLE',
        'PATH',
      ].sort(),
    );
    expect(handedReport.argv).toEqual([process.execPath, '--order', '5']);
  });

  it('starts a fresh process when the pool is empty, and refills it in the background', async () => {
    const warm = pool(1);
    await waitUntil(() => warm.stats.idle, (idle) => idle === 1);
    const task = (code: number) => runTaskLocally({ taskDefinition: definition(['node', '-e', 'process.exit(Number(process.argv[1]))', '--'], [String(code)]), credentials, pool: warm });

    const results = await Promise.all([task(3), task(4), task(5)]);

    expect(results.map((result) => result.containers[0]?.exitCode)).toEqual([3, 4, 5]);
    expect(warm.stats).toMatchObject({ handedOver: 1, startedFresh: 2 });
    await waitUntil(() => warm.stats.idle, (idle) => idle === 1);
  });

  it.each([
    ['another program', ['/bin/sh', '-c', 'exit 0'], {}],
    ['a node script file', ['node', '/nonexistent.js'], {}],
    ['node options before -e', ['node', '--no-warnings', '-e', 'process.exit(0)'], {}],
    ['an argument node would read as its option', ['node', '-e', 'process.exit(0)', '--inspect'], {}],
    ['NODE_OPTIONS', ['node', '-e', 'process.exit(0)'], { NODE_OPTIONS: '--max-old-space-size=64' }],
    ['LANG', ['node', '-e', 'process.exit(0)'], { LANG: 'de_DE.UTF-8' }],
  ])('starts %s as a fresh process', (_, entryPoint, environment) => {
    const warm = pool(1);
    const [program, ...args] = entryPoint as [string, ...string[]];

    expect(warm.take(program, args, { PATH: '/bin', ...environment })).toBeUndefined();
    expect(warm.stats).toMatchObject({ handedOver: 0, startedFresh: 1 });
  });

  it('ends its waiting processes on close, without waiting for anything else', async () => {
    const warm = createWarmProcessPool({ size: 2 });
    const pids = await waitUntil(() => warm.idlePids, (idle) => idle.length === 2);
    expect(pids.every(alive)).toBe(true);

    await warm.close();

    expect(warm.stats.idle).toBe(0);
    await waitUntil(() => pids.filter(alive), (left) => left.length === 0, 5_000);
    expect(warm.take('node', ['-e', '0'], {})).toBeUndefined();
  });

  it('starts nothing with size 0', () => {
    const none = pool(0);

    expect(none.stats).toEqual({ size: 0, idle: 0, started: 0, handedOver: 0, startedFresh: 0 });
    expect(none.take('node', ['-e', '0'], {})).toBeUndefined();
  });
});

describe('Function: ecsLocalIntegration with the shared pool', () => {
  const config = parseEcsConfig({ families: { RenderPdf: { containers: ['Main'] } } });

  it('runs tasks in the pool it holds while open, and leaves no process behind at dispose()', async () => {
    const local = localSession(config);
    const render = await local.api.mockTask('RenderPdf', ({ command }) => exit(command[1] === 'o-2' ? 2 : 0));
    const integration = ecsLocalIntegration(config, local.context, { warmProcesses: 2, environment: { HARNESS_LOG_LEVEL: 'info' } });
    try {
      const first = await integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['--order', 'o-1'] }])));
      expect(first).toMatchObject({ LastStatus: 'STOPPED', Containers: [{ ExitCode: 0 }] });
      const shared = sharedWarmProcessPool();
      if (!shared) throw new Error('the integration holds no warm process pool after running a task');
      await waitUntil(() => shared.stats.idle, (idle) => idle === 2);
      const failed = await integration.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['--order', 'o-2'] }]))).catch((error: unknown) => error);
      expect(failed).toMatchObject({ error: 'States.TaskFailed' });
      expect(shared.stats.handedOver).toBeGreaterThanOrEqual(1);
      expect(render.invocations.map((invocation) => invocation.exitCode)).toEqual([0, 2]);
      // The handler sees the container's environment, none of the pool's.
      expect(render.invocations[1]?.environment).toEqual({ AWS_EXECUTION_ENV: 'AWS_ECS_FARGATE', AWS_REGION: 'eu-west-1', HOME: expect.any(String), HOSTNAME: expect.any(String), PATH: expect.any(String) });
      const pids = await waitUntil(() => shared.idlePids, (idle) => idle.length === 2);

      await integration.dispose();

      expect(sharedWarmProcessPool()).toBeUndefined();
      await waitUntil(() => pids.filter(alive), (left) => left.length === 0, 5_000);
    } finally {
      await integration.dispose();
    }
  });

  it('starts every container fresh when configured with warmProcesses: 0, even while another session holds the shared pool', async () => {
    // Arrange: one session holds the shared pool; another is configured without one
    const pooled = localSession(config);
    const holder = ecsLocalIntegration(config, pooled.context, { warmProcesses: 2 });
    const unpooled = localSession(config);
    const render = await unpooled.api.mockTask('RenderPdf', () => exit(0));
    await pooled.api.mockTask('RenderPdf', () => exit(0));
    const without = ecsLocalIntegration(config, unpooled.context, { warmProcesses: 0 });
    try {
      await holder.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['--order', 'o-1'] }])));
      const shared = sharedWarmProcessPool();
      if (!shared) throw new Error('the first session holds no warm process pool after running a task');
      await waitUntil(() => shared.stats.idle, (idle) => idle === 2);
      const before = shared.stats;

      // Act
      const task = await without.invoke(taskInvocation(RUN_TASK_SYNC, runTaskParameters('RenderPdf', [{ Name: 'Main', Command: ['--order', 'o-2'] }])));

      // Assert: the task ran, and the pool neither handed it a process nor saw it
      expect(task).toMatchObject({ LastStatus: 'STOPPED', Containers: [{ ExitCode: 0 }] });
      expect(render.invocations).toHaveLength(1);
      expect({ handedOver: shared.stats.handedOver, startedFresh: shared.stats.startedFresh }).toEqual({ handedOver: before.handedOver, startedFresh: before.startedFresh });
    } finally {
      await without.dispose();
      await holder.dispose();
    }
  });
});
