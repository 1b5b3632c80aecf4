// One step of `npm run setup`: runs a command with its output shown, and on failure says what failed and how to
// fix it (`fix`), then exits 1. Shared by scripts/setup-python.mjs and scripts/setup-browser.mjs.
import { spawnSync } from 'node:child_process';

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ fix: string, cwd?: string, env?: NodeJS.ProcessEnv }} options
 */
export function runSetupStep(command, args, { fix, cwd, env }) {
  console.log(`[setup] ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', ...(cwd ? { cwd } : {}), ...(env ? { env } : {}) });
  if (result.error || result.status !== 0) {
    const reason = result.error ? result.error.message : `exit code ${result.status}`;
    console.error(`[setup] '${command} ${args.join(' ')}' failed (${reason}). ${fix}`);
    process.exit(1);
  }
}
