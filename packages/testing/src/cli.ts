import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { findRepoRoot } from './moto-server.js';

/** One run of the built `harness` CLI. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs the built CLI (`packages/cli/dist/bin.js`) as a user would, in `cwd`,
 * with this process's environment (so against the suite's moto server).
 * Never rejects: the exit code, output and duration come back for the test to assert on.
 */
export function runCli(cwd: string, ...args: string[]): Promise<CliRun> {
  const bin = join(findRepoRoot(), 'packages', 'cli', 'dist', 'bin.js');
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, NODE_NO_WARNINGS: '1' }, timeout: 120_000, maxBuffer: 20_000_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}
