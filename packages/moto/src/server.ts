import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { findMotoInstallation, installMoto } from './install.js';
import { LAUNCHER, motoHome } from './paths.js';

/** A moto server running for the duration of a test run. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL` is set to. */
  readonly endpoint: string;
  readonly port: number;
  /** Resolves when the server's process ends, however it ends: how (`code 1`, `signal SIGKILL`) and the end of its stderr. */
  readonly exited: Promise<{ readonly how: string; readonly stderr: string }>;
  /** Stops the server and waits for its process to exit. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMotoServerOptions {
  /**
   * The Python that runs moto (a virtual environment's, with the pinned requirements installed).
   * Default: the environment {@link installMoto} made, installed first when missing (unless `install` is false).
   */
  readonly python?: string;
  /** Install moto when it is not installed yet. Default true. */
  readonly install?: boolean;
  /**
   * A `moto_server` executable to run as it is, without harness's fixes. Default `$HARNESS_MOTO_SERVER`;
   * when neither is set, the launcher applies harness's fixes and runs moto.
   */
  readonly executable?: string;
  /** Whether harness's fixes (`python/fix_*.py`) are applied. Default true. */
  readonly fixes?: boolean;
  /** Fixes to leave out (module names, e.g. `fix_sfn_sync_retry`). */
  readonly withoutFixes?: readonly string[];
  /** Default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** Default: a free port. */
  readonly port?: number;
  /** How long to wait for the server to answer, in milliseconds. Default 30 000. */
  readonly startTimeoutMs?: number;
  /** Told about a first install (see {@link installMoto}). */
  readonly onProgress?: (line: string) => void;
}

/** moto could not be found or did not come up. The message says what was seen and the fix. */
export class MotoStartError extends Error {
  override readonly name = 'MotoStartError';
}

async function motoCommand(options: StartMotoServerOptions): Promise<{ executable: string; args: string[] }> {
  const explicit = options.executable ?? process.env.HARNESS_MOTO_SERVER;
  if (explicit) return { executable: explicit, args: [] };
  const fixArgs = [
    ...(options.fixes === false ? ['--no-harness-fixes'] : []),
    ...(options.withoutFixes ?? []).flatMap((name) => ['--without-harness-fix', name]),
  ];
  if (options.python) return { executable: options.python, args: [LAUNCHER, ...fixArgs] };
  const found = findMotoInstallation();
  if (found) return { executable: found.python, args: [LAUNCHER, ...fixArgs] };
  if (options.install === false) {
    throw new MotoStartError(`moto is not installed at ${motoHome()}. To fix this, run \`npx harness moto install\` (Python 3.9+ is the one prerequisite).`);
  }
  const installed = await installMoto(options.onProgress ? { onProgress: options.onProgress } : {});
  return { executable: installed.python, args: [LAUNCHER, ...fixArgs] };
}

/** Whether something already listens on `port` (binding it fails with EADDRINUSE). */
async function portInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
}

/** A free TCP port on loopback. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto server (with harness's fixes) and resolves once it answers. Fails, saying what it saw,
 * when moto is missing, exits, or does not answer within the start timeout.
 */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<MotoServer> {
  const { executable, args } = await motoCommand(options);
  if (executable.includes('/') && !existsSync(executable)) {
    throw new MotoStartError(
      `moto server was not found at ${executable}. To fix this, run \`npx harness moto install\` (or, in the harness repository, \`npm run setup\`), or set HARNESS_MOTO_SERVER to a moto_server executable.`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  // Another server on the port would answer the health check in this one's place.
  if (options.port !== undefined && (await portInUse(host, port))) {
    throw new MotoStartError(
      `Port ${port} on ${host} is in use (another moto server? On macOS, port 5000 is the AirPlay receiver's). To fix this, stop what listens there or choose another port (\`--port\`, or the port option).`,
    );
  }
  const endpoint = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const child: ChildProcess = spawn(executable, [...args, '-H', host, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // MOTO_PORT: moto's Step Functions engine calls other services at localhost:$MOTO_PORT.
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: 'true', MOTO_PORT: String(port) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited: string | undefined;
  const ended = new Promise<{ how: string; stderr: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = code === null ? `signal ${signal}` : `code ${code}`;
      resolve({ how: exited, stderr });
    });
    child.once('error', (error) => {
      exited = `an error (${error.message})`;
      resolve({ how: exited, stderr });
    });
  });

  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new MotoStartError(`moto server exited with ${exited} before answering on ${endpoint}. Its stderr:\n${stderr}`);
    }
    try {
      // Each attempt is bounded too: a port that accepts and never answers must not hold the start past its timeout.
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(Math.max(1, Math.min(5_000, deadline - Date.now()))) });
      await response.arrayBuffer();
      if (response.ok && exited === undefined) return { endpoint, port, exited: ended, stop: () => stopChild(child) };
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new MotoStartError(`moto server did not answer on ${endpoint} within ${timeoutMs} ms (last attempt: ${lastError}). Its stderr:\n${stderr}`);
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

/** The environment that points the AWS SDK (and the doubles' agents) at moto, with moto's dummy credentials. */
export function motoEnvironment(endpoint: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
}
