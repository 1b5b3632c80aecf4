import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { warmStartScript } from '../../src/index.js';

// These run the built dist/warm-start.cjs (the test target depends on the build).

interface Ended {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A process started as the local runner's pool starts one: `node -e <script>`, no environment, a pipe on fd 3. */
function startWaiting(channel: 'pipe' | Socket = 'pipe'): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, ['-e', warmStartScript()], { env: {}, stdio: ['ignore', 'pipe', 'pipe', channel] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<Ended>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the warm-start process did not exit within 10 s (stdout: ${stdout || 'empty'}, stderr: ${stderr || 'empty'})`));
    }, 10_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, ended };
}

const handOver = (child: ChildProcess, handoff: unknown): void => void (child.stdio[3] as Writable).end(JSON.stringify(handoff));

describe('Script: warm-start', () => {
  it('becomes the handed-over -e script, with only the environment and arguments handed over', async () => {
    const { child, ended } = startWaiting();
    const script =
      'console.log(JSON.stringify({ env: process.env, argv: process.argv.slice(1), execArgv: process.execArgv, filename: __filename, main: require.main === undefined })); import("node:os").then(() => process.exit(Number(process.argv[2])))';

    handOver(child, { args: ['-e', script, '--', '--order', '9'], env: { ORDER_TABLE: 'orders', PATH: '/usr/bin' } });
    const { code, stdout, stderr } = await ended;

    expect({ code, stderr }).toEqual({ code: 9, stderr: '' });
    expect(JSON.parse(stdout)).toEqual({
      env: { ORDER_TABLE: 'orders', PATH: '/usr/bin' },
      argv: ['--order', '9'],
      execArgv: ['-e', script],
      filename: '[eval]',
      main: true,
    });
  });

  it("hands the script node's own process.emitWarning, which prints the script's warnings as node -e does", async () => {
    // Arrange: the pool process spent its own import() warning through a stand-in for process.emitWarning
    const { child, ended } = startWaiting();
    const script = 'console.log(process.emitWarning.name); process.emitWarning("render queues are experimental", "ExperimentalWarning")';

    // Act
    handOver(child, { args: ['-e', script], env: {} });
    const { code, stdout, stderr } = await ended;

    // Assert
    expect(code).toBe(0);
    expect(stdout).toBe('emitWarning\n');
    expect(stderr).toMatch(/^\(node:\d+\) ExperimentalWarning: render queues are experimental\n/);
  });

  it('reports a throw in the script as node -e does: the stack on stderr, exit code 1', async () => {
    const { child, ended } = startWaiting();

    handOver(child, { args: ['-e', 'throw new Error("render failed")'], env: {} });
    const { code, stderr } = await ended;

    expect(code).toBe(1);
    expect(stderr).toContain('Error: render failed');
    expect(stderr).toContain('[eval]:1');
  });

  it('exits 0 when its pipe ends with no task (the pool closing, or its parent gone)', async () => {
    const { child, ended } = startWaiting();

    (child.stdio[3] as Writable).end();

    expect(await ended).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses anything but -e, exit code 70', async () => {
    const { child, ended } = startWaiting();

    handOver(child, { args: ['/app/main.js'], env: {} });
    const { code, stderr } = await ended;

    expect(code).toBe(70);
    expect(stderr).toContain('only `-e <script>` can be handed over');
  });

  it('exits 70, not 0, when its pipe ends after part of a hand-off, saying so', async () => {
    const { child, ended } = startWaiting();

    const part = '{"args":["-e","process.exit(0)"],"en';
    (child.stdio[3] as Writable).end(part);
    const { code, stderr } = await ended;

    expect(code).toBe(70);
    expect(stderr).toMatch(new RegExp(`^warm-start: the hand-off is not JSON \\(.*\\) after ${part.length} bytes of the hand-off; the task did not start\\n$`));
  });

  it('exits 70, not 0, when its channel is reset after part of a hand-off', async () => {
    // Arrange: the channel is a TCP connection; the runner's end writes part of a hand-off, then resets it
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const { port } = server.address() as { port: number };
    const taskEnd = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => taskEnd.once('connect', resolve));
    const runnerEnd = await accepted;
    const { ended } = startWaiting(taskEnd);
    taskEnd.destroy();

    // Act: 16 MiB, more than the kernel's buffers hold, so that once it is written the task's end has read
    // some of it (a reset drops what is still unread); then the reset
    runnerEnd.write(`{"args":["-e","${'x'.repeat(16 * 1024 * 1024)}`, () => runnerEnd.resetAndDestroy());
    const { code, stderr } = await ended;
    server.close();

    // Assert: Node reports the reset as a failed read or, once the reset dropped the unread rest, as an early end
    expect(code).toBe(70);
    expect(stderr).toMatch(/^warm-start: the hand-off (pipe failed \(.*ECONNRESET.*\)|is not JSON \(.*\)) after [1-9]\d* bytes of the hand-off; the task did not start\n$/);
  });
});
