import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A moto server running on loopback for the duration of a test run. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL` is set to. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the server and waits for its process to exit. */
  stop(): Promise<void>;
}

export interface StartMotoServerOptions {
  /**
   * Path to a `moto_server` executable to run as it is. Defaults to `$HARNESS_MOTO_SERVER`; when neither is set,
   * `<repo>/.venv/bin/python` runs `packages/testing/moto/harness_moto_server.py` (moto with harness's fixes).
   */
  readonly executable?: string;
  /**
   * Whether harness's fixes to moto (`packages/testing/moto/fix_*.py`) are applied. Default true.
   * Tests that show what a fix is for start a server without them.
   */
  readonly fixes?: boolean;
  /** Fixes to leave out (module names, e.g. `fix_sfn_sync_retry`): shows what one fix does on a server with all the others. */
  readonly withoutFixes?: readonly string[];
  /** How long to wait for the server to answer, in milliseconds. Default 30 000. */
  readonly startTimeoutMs?: number;
}

/** Walks up from `start` to the directory that holds `nx.json`. */
export function findRepoRoot(start: string = process.cwd()): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json above ${start}: run this from inside the harness repository.`);
    dir = parent;
  }
}

export function defaultMotoExecutable(): string {
  return process.env.HARNESS_MOTO_SERVER ?? join(findRepoRoot(), '.venv', 'bin', 'moto_server');
}

/** The command that starts moto: the launcher with harness's fixes, or a given executable as it is. */
function motoCommand(options: StartMotoServerOptions): { executable: string; args: string[] } {
  const explicit = options.executable ?? process.env.HARNESS_MOTO_SERVER;
  if (explicit) return { executable: explicit, args: [] };
  const root = findRepoRoot();
  const launcher = join(root, 'packages', 'testing', 'moto', 'harness_moto_server.py');
  return {
    executable: join(root, '.venv', 'bin', 'python'),
    args: [
      launcher,
      ...(options.fixes === false ? ['--no-harness-fixes'] : []),
      ...(options.withoutFixes ?? []).flatMap((name) => ['--without-harness-fix', name]),
    ],
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto server on a free loopback port and resolves once it answers.
 * Fails (never skips) when moto is missing or does not come up, saying what it saw.
 */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<MotoServer> {
  const { executable, args } = motoCommand(options);
  if (!existsSync(executable)) {
    throw new Error(
      `moto server was not found at ${executable}. The integration tests need it. To fix this, run \`npm run setup\` at the repository root (it creates .venv with moto[server]), or set HARNESS_MOTO_SERVER to a moto_server executable.`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(executable, [...args, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // MOTO_PORT: moto's Step Functions engine calls other services at localhost:$MOTO_PORT.
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', MOTO_PORT: String(port) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(`moto server exited with code ${exited} before answering on ${endpoint}. Its stderr:\n${stderr}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) {
        await response.arrayBuffer();
        return {
          endpoint,
          port,
          stop: () => stopChild(child),
        };
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(
    `moto server did not answer on ${endpoint} within ${timeoutMs} ms (last attempt: ${lastError}). Its stderr:\n${stderr}`,
  );
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resets every service in the moto server (between tests that need a clean account). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

/** The environment that points the AWS SDK (and the container agent) at moto. */
export function motoEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
}
