import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's `python/` directory: the launcher, harness's fixes and the pinned requirements (beside `dist/` and `src/`). */
export const PYTHON_DIR = fileURLToPath(new URL('../python/', import.meta.url));

/** The launcher that applies harness's fixes and then runs moto server. */
export const LAUNCHER = join(PYTHON_DIR, 'harness_moto_server.py');

/** The pinned requirements (moto[server] and what the fixes need). */
export const REQUIREMENTS = join(PYTHON_DIR, 'requirements.txt');

/** The first 12 hex digits of the requirements file's SHA-256: a new pin gets a new environment. */
export function requirementsDigest(): string {
  return createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12);
}

/**
 * Where the Python virtual environment with moto lives: `$HARNESS_MOTO_HOME`, else
 * `$XDG_CACHE_HOME/harness/moto-<digest>` (`~/.cache/harness/moto-<digest>`). One per pinned set of
 * requirements, shared by every project on the machine.
 */
export function motoHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HARNESS_MOTO_HOME) return env.HARNESS_MOTO_HOME;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'harness', `moto-${requirementsDigest()}`);
}

/** The environment's Python interpreter. */
export function venvPython(home: string): string {
  return process.platform === 'win32' ? join(home, 'Scripts', 'python.exe') : join(home, 'bin', 'python');
}
