import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The file npm links as `harness`: what users run. */
export const BUILT_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** One run of the built CLI. */
export interface BuiltCliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node dist/bin.js …` in `cwd` with exactly `env` (plus PATH), so
 * nothing from the developer's AWS setup leaks in. Never rejects.
 */
export function runBuiltCli(args: readonly string[], options: { cwd: string; env: Record<string, string> }): Promise<BuiltCliRun> {
  if (!existsSync(BUILT_BIN)) {
    throw new Error(`${BUILT_BIN} does not exist. To fix this, build the CLI: cd packages/cli && npx tsup (nx does it before \`test\`).`);
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BUILT_BIN, ...args],
      { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', ...options.env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
