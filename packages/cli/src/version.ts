import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = '@harness/cli';

/**
 * The version of @harness/cli, read from its package.json when asked, so it is
 * never out of step with what npm installed. tsup bundles this module into a
 * file of `dist/`, and tests run it from `src/`: both are one level below the
 * package root, and npm always ships package.json.
 *
 * @example
 * cliVersion(); // '0.1.0'
 */
export function cliVersion(): string {
  const url = new URL('../package.json', import.meta.url);
  try {
    const manifest = JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown };
    // Bundled into another program, ../package.json is that program's: its version would be a lie.
    if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
  } catch {
    // Reported below: --version must answer even without its package.json.
  }
  return `unknown (no ${PACKAGE_NAME} package.json at ${fileURLToPath(url)})`;
}
