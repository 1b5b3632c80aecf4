import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** Runs the built CLI and fails with its exit code and output when it does not exit 0. */
export async function runCliOrFail(cwd: string, ...args: string[]): Promise<CliRun> {
  const run = await runCli(cwd, ...args);
  if (run.code !== 0) {
    throw new Error(`harness ${args.join(' ')} exited ${run.code}.\nstderr:\n${run.stderr}\nstdout:\n${run.stdout}`);
  }
  return run;
}

/**
 * Writes a harness.config.json for `stack` with `adapters` in a new temporary
 * directory and deploys those adapters with the built CLI. Resolves with the
 * config file's path.
 */
export async function deployWithCli(stack: string, adapters: Readonly<Record<string, unknown>>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `harness-${stack}-`));
  const configPath = join(dir, 'harness.config.json');
  writeFileSync(configPath, JSON.stringify({ stack, adapters }, null, 2));
  await runCliOrFail(dir, 'deploy', '--adapters', Object.keys(adapters).join(','), '--config', configPath);
  return configPath;
}
