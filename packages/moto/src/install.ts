import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { motoHome, REQUIREMENTS, requirementsDigest, venvPython } from './paths.js';

/** moto 5.2.5 needs Python 3.9 or later. */
const MIN_PYTHON: readonly [number, number] = [3, 9];

export interface InstallMotoOptions {
  /** Where the virtual environment goes. Default {@link motoHome}. */
  readonly home?: string;
  /** The Python that creates it. Default `$HARNESS_PYTHON`, else `python3`. */
  readonly python?: string;
  /** Install again even when the environment is complete. */
  readonly force?: boolean;
  /** Told what the installer does (one line per step, and pip's own output). Default: nothing. */
  readonly onProgress?: (line: string) => void;
}

/** What {@link installMoto} left in place. */
export interface MotoInstallation {
  /** The virtual environment. */
  readonly home: string;
  /** Its Python interpreter: what runs the launcher. */
  readonly python: string;
  /** false when it was complete already. */
  readonly installed: boolean;
}

/** Python could not be found or is too old, or pip failed. The message says which, and the fix. */
export class MotoInstallError extends Error {
  override readonly name = 'MotoInstallError';
}

const MARKER = 'harness-moto.json';

/** The environment at `home`, when a previous install completed (its marker names the same requirements). */
export function findMotoInstallation(home: string = motoHome()): MotoInstallation | undefined {
  const python = venvPython(home);
  const marker = join(home, MARKER);
  if (!existsSync(python) || !existsSync(marker)) return undefined;
  try {
    const { digest } = JSON.parse(readFileSync(marker, 'utf8')) as { digest?: string };
    return digest === requirementsDigest() ? { home, python, installed: false } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates a Python virtual environment with the pinned moto server and what harness's fixes need
 * (`python/requirements.txt`), unless one is complete already. Python 3.9+ with `venv` is the one
 * prerequisite; pip downloads from PyPI (or the index pip is configured with) on the first install only.
 */
export async function installMoto(options: InstallMotoOptions = {}): Promise<MotoInstallation> {
  const home = options.home ?? motoHome();
  const say = options.onProgress ?? (() => {});
  if (!options.force) {
    const found = findMotoInstallation(home);
    if (found) return found;
  }
  const python = options.python ?? process.env.HARNESS_PYTHON ?? 'python3';
  const version = await pythonVersion(python);
  if (version[0] < MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] < MIN_PYTHON[1])) {
    throw new MotoInstallError(
      `${python} is Python ${version.join('.')}; moto needs ${MIN_PYTHON.join('.')} or later. To fix this, install a newer Python and set HARNESS_PYTHON to it.`,
    );
  }
  refuseForeignFolder(home);
  mkdirSync(dirname(home), { recursive: true });
  // Built beside its final place and renamed into it, so two installs at once (parallel test projects) never
  // share a half-made environment: the second one to finish takes the first one's.
  const building = `${home}.building-${process.pid}-${Date.now().toString(36)}`;
  say(`Creating a Python ${version.join('.')} environment at ${home}`);
  try {
    await build(building, python, version, say);
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
  if (findMotoInstallation(home) && !options.force) {
    rmSync(building, { recursive: true, force: true });
    say(`moto is installed at ${home} (another install finished first)`);
    return { home, python: venvPython(home), installed: false };
  }
  rmSync(home, { recursive: true, force: true });
  renameSync(building, home);
  say(`moto is installed at ${home}`);
  return { home, python: venvPython(home), installed: true };
}

/** Refuses to replace a folder that is neither missing, empty, nor a Python environment (HARNESS_MOTO_HOME pointed at the wrong place). */
function refuseForeignFolder(home: string): void {
  if (!existsSync(home) || readdirSync(home).length === 0 || existsSync(join(home, 'pyvenv.cfg'))) return;
  throw new MotoInstallError(
    `${home} is not empty and is not a Python environment (no pyvenv.cfg), so harness will not replace it with moto's. To fix this, point HARNESS_MOTO_HOME at a new or empty folder.`,
  );
}

/** The virtual environment with the pinned requirements, at `home`. */
async function build(home: string, python: string, version: readonly [number, number], say: (line: string) => void): Promise<void> {
  await run(python, ['-m', 'venv', home], say, `To fix this, install Python's venv module (Debian: apt-get install python3-venv) or set HARNESS_PYTHON to a Python that has it.`);
  const venv = venvPython(home);
  say(`Installing moto server and its dependencies (${pinned().join(', ')}); the first install takes about a minute`);
  await run(
    venv,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', REQUIREMENTS],
    say,
    'To fix this, check that pip can reach PyPI (or your index: PIP_INDEX_URL), then run `npx harness moto install` again.',
  );
  writeFileSync(join(home, MARKER), `${JSON.stringify({ digest: requirementsDigest(), requirements: pinned(), python: version.join('.') }, null, 2)}\n`);
}

/** The pinned requirements, without comments. */
function pinned(): string[] {
  return readFileSync(REQUIREMENTS, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

async function pythonVersion(python: string): Promise<[number, number]> {
  let output = '';
  try {
    output = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], () => {}, '');
  } catch (error) {
    throw new MotoInstallError(
      `Python was not found (${python}: ${(error as Error).message.split('\n')[0]}). harness runs moto server with Python 3.9 or later. To fix this, install Python 3 with venv (Debian: apt-get install python3 python3-venv), or set HARNESS_PYTHON to its path.`,
    );
  }
  const [major = 0, minor = 0] = output.trim().split('.').map(Number);
  return [major, minor];
}

/** Runs a command; resolves with its stdout, hands each output line to `say`, fails with the last lines and `fix`. */
function run(command: string, args: readonly string[], say: (line: string) => void, fix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let tail = '';
    const take = (chunk: Buffer, keep: boolean): void => {
      const text = chunk.toString();
      if (keep) stdout += text;
      tail = (tail + text).slice(-3000);
      for (const line of text.split('\n')) if (line.trim()) say(`  ${line.trimEnd()}`);
    };
    child.stdout.on('data', (chunk: Buffer) => take(chunk, true));
    child.stderr.on('data', (chunk: Buffer) => take(chunk, false));
    child.once('error', (error) => reject(new MotoInstallError(`${command} could not start: ${error.message}. ${fix}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new MotoInstallError(`\`${command} ${args.join(' ')}\` exited with code ${code}. Its last output:\n${tail}\n${fix}`));
    });
  });
}
