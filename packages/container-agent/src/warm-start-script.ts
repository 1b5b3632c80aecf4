import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentArtifactMissingError } from './errors.js';

// Replaced by the build with the minified warm-start script (see tsup.config.ts).
declare const __HARNESS_WARM_START_SCRIPT__: string | undefined;

function readBuiltScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const path = join(basename(here) === 'dist' ? here : join(here, '..', 'dist'), 'warm-start.cjs');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new AgentArtifactMissingError(path, { cause: error });
  }
}

let cached: string | undefined;

/**
 * The script of a process started ahead of its task (`node -e <this script>`,
 * an empty environment, a pipe on fd 3): it boots, loads the built-ins the
 * bootstrap and the agent use, and waits for one task on fd 3, as JSON
 * `{ args: ['-e', script, '--', …command], env }`. It then replaces its whole
 * environment with `env`, sets `process.argv` / `process.execArgv` as
 * `node -e script -- …command` would and runs the script as `-e` code. End of
 * file without a task makes it exit 0. The local ECS runner's process pool
 * (`createWarmProcessPool` in `@harness/ecs`) starts these.
 *
 * @throws {AgentArtifactMissingError} when the package has not been built.
 */
export function warmStartScript(): string {
  return (cached ??= typeof __HARNESS_WARM_START_SCRIPT__ === 'string' ? __HARNESS_WARM_START_SCRIPT__ : readBuiltScript());
}
