import { spawn, type ChildProcess } from 'node:child_process';
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
function startWaiting(): { child: ChildProcess; ended: Promise<Ended> } {
  const child = spawn(process.execPath, ['-e', warmStartScript()], { env: {}, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
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
});
