import { existsSync } from 'node:fs';
import { startMotoServer as startServer, type MotoServer } from '@harness/moto';
import { dirname, join } from 'node:path';

export type { MotoServer } from '@harness/moto';

export interface StartMotoServerOptions {
  /**
   * Path to a `moto_server` executable to run as it is. Defaults to `$HARNESS_MOTO_SERVER`; when neither is set,
   * `<repo>/.venv/bin/python` runs @harness/moto's launcher (`packages/moto/python/harness_moto_server.py`: moto with harness's fixes).
   */
  readonly executable?: string;
  /**
   * Whether harness's fixes to moto (`packages/moto/python/fix_*.py`) are applied. Default true.
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

/**
 * Starts moto server (@harness/moto's, with harness's fixes) on a free loopback port, with the repository's
 * `.venv` (made by `npm run setup`), and resolves once it answers. Fails (never skips) when moto is missing or
 * does not come up, saying what it saw.
 */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<MotoServer> {
  const explicit = options.executable ?? process.env.HARNESS_MOTO_SERVER;
  const python = join(findRepoRoot(), '.venv', 'bin', 'python');
  const missing = explicit ?? python;
  if (!existsSync(missing)) {
    throw new Error(
      `moto server was not found at ${missing}. The integration tests need it. To fix this, run \`npm run setup\` at the repository root (it creates .venv with moto[server]), or set HARNESS_MOTO_SERVER to a moto_server executable.`,
    );
  }
  return startServer({
    ...(explicit ? { executable: explicit } : { python }),
    install: false,
    ...(options.fixes !== undefined ? { fixes: options.fixes } : {}),
    ...(options.withoutFixes ? { withoutFixes: options.withoutFixes } : {}),
    ...(options.startTimeoutMs !== undefined ? { startTimeoutMs: options.startTimeoutMs } : {}),
  });
}

export { motoEnvironment, resetMoto } from '@harness/moto';
