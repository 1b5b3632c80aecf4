// What `harness new adapter` promises: a package whose tests pass and whose
// typecheck is clean as written. The built CLI writes two of them (a plain name and
// a hyphenated one, which needs an apiName) into a temporary folder; the workspace's
// built @harness/core, vitest, typescript and @types/node are linked into its
// node_modules, as `npm install` would put them there; then the packages' own tests
// run, and tsc checks them with the generated compiler options (one vitest run and
// one tsc program for both packages: each tool's start-up is most of its time).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/built-cli.js';

const require = createRequire(import.meta.url);
/** The folder of an installed package of this workspace (its real path, not the workspace link). */
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
const LINKED = ['@harness/core', 'vitest', 'typescript', '@types/node'];
const ADAPTERS = [
  { name: 'widgets', dir: 'widgets' },
  { name: 'night-jobs', dir: join('adapters', 'night-jobs') },
];

interface Run {
  readonly code: number;
  readonly output: string;
}

/** Runs `node <args>` in `cwd` with a clean environment (no VITEST_* of this run leaks into the child). */
function node(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd, env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1', CI: 'true', NO_COLOR: '1' }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('A package written by the built CLI: `harness new adapter`', () => {
  let root: string;
  const timings: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'harness-new-adapter-package-'));
    for (const name of LINKED) {
      await mkdir(dirname(join(root, 'node_modules', name)), { recursive: true });
      await symlink(packageDir(name), join(root, 'node_modules', name), 'dir');
    }
  });
  afterAll(async () => {
    console.info(`harness new adapter: ${timings.join(', ')}`);
    await rm(root, { recursive: true, force: true });
  });

  it('is written for a plain and a hyphenated name', async () => {
    const started = Date.now();
    for (const { name, dir } of ADAPTERS) {
      const run = await runBuiltCli(['new', 'adapter', name, '--dir', dir], { cwd: root, env: {} });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`✔ Created the adapter ${name} (package harness-${name})`);
    }
    timings.push(`generate ${Date.now() - started} ms`);
    const manifest = JSON.parse(await readFile(join(root, 'widgets', 'package.json'), 'utf8'));
    expect(manifest.peerDependencies['@harness/core']).toBe(`^${JSON.parse(await readFile(join(packageDir('@harness/core'), 'package.json'), 'utf8')).version}`);
  }, 30_000);

  it('passes its own tests, the adapter contract included', async () => {
    const started = Date.now();

    const run = await node([join(packageDir('vitest'), 'vitest.mjs'), 'run', '--reporter=dot'], root);

    timings.push(`vitest ${Date.now() - started} ms`);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/Test Files +2 passed \(2\)/);
  }, 60_000);

  it('typechecks cleanly against the built @harness/core, with its own tsconfig.json', async () => {
    // Arrange: the generated tsconfig.json, over both packages' src and tests (every package gets the same one)
    const [first] = ADAPTERS;
    const generated = JSON.parse(await readFile(join(root, first!.dir, 'tsconfig.json'), 'utf8'));
    expect(JSON.parse(await readFile(join(root, ADAPTERS[1]!.dir, 'tsconfig.json'), 'utf8'))).toEqual(generated);
    const include = ADAPTERS.flatMap(({ dir }) => generated.include.map((folder: string) => `${dir.split('\\').join('/')}/${folder}`));
    await writeFile(join(root, 'tsconfig.json'), JSON.stringify({ extends: `./${first!.dir}/tsconfig.json`, include }));
    const started = Date.now();

    // Act
    const run = await node([join(packageDir('typescript'), 'bin', 'tsc'), '-p', 'tsconfig.json', '--listFiles'], root);

    // Assert
    timings.push(`tsc ${Date.now() - started} ms`);
    expect(run.output).not.toMatch(/error TS\d+/);
    expect(run.code, run.output).toBe(0);
    const listed = run.output.split(/\r?\n/).filter((file) => /[\\/](src[\\/]index|tests[\\/]adapter\.test)\.ts$/.test(file));
    expect(listed).toHaveLength(ADAPTERS.length * 2);
  }, 60_000);
});
