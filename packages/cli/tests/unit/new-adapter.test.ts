import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../../src/cli.js';
import { adapterNames } from '../../src/commands/new/adapter-names.js';
import { adapterPackageFiles, SCAFFOLD_DEV_DEPENDENCIES } from '../../src/commands/new/adapter-package.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { recordingRuntime } from '../helpers/runtime.js';

const FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', '.gitignore', 'README.md', 'src/index.ts', 'tests/adapter.test.ts'];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harness-new-adapter-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function helpOf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    void buildCli(recordingRuntime()).parse(args, (error: Error | undefined, _argv: unknown, output: string) => (error ? reject(error) : resolve(output)));
  });
}

describe('Function: adapterNames', () => {
  it.each([
    ['widgets', { property: 'widgets', needsApiName: false, pascal: 'Widgets', adapterExport: 'widgetsAdapter', packageName: 'harness-widgets' }],
    ['night-jobs', { property: 'nightJobs', needsApiName: true, pascal: 'NightJobs', adapterExport: 'nightJobsAdapter', packageName: 'harness-night-jobs' }],
    ['s3-events2', { property: 's3Events2', needsApiName: true, pascal: 'S3Events2', adapterExport: 's3Events2Adapter', packageName: 'harness-s3-events2' }],
  ])('derives the names of %s', (name, expected) => {
    expect(adapterNames(name)).toEqual({ name, ...expected });
  });

  it.each([
    ['Widgets', "'Widgets' is not an adapter name. To fix this, use 1-50 lowercase letters, digits and single hyphens"],
    ['night_jobs', "'night_jobs' is not an adapter name."],
    ['2fa', "'2fa' is not an adapter name."],
    ['night--jobs', "'night--jobs' is not an adapter name."],
    ['jobs-', "'jobs-' is not an adapter name."],
    ['ecs', "'ecs' is the name of harness's own adapter @harness/ecs: the two would share adapters.ecs and the stack <stack>-ecs. To fix this, give yours a name of its own."],
    ['close', "An adapter cannot be named 'close': harness.close() ends the session. To fix this, give it another name."],
    ['then', "An adapter cannot be named 'then': a harness with a `then` would be a thenable"],
    ['core', "An adapter cannot be named 'core': its stack would be <stack>-core, the core stack every adapter shares."],
  ])('refuses %s, with the fix', (name, message) => {
    expect(() => adapterNames(name)).toThrow(message);
  });
});

describe('Function: adapterPackageFiles', () => {
  const files = (name: string) => adapterPackageFiles({ names: adapterNames(name), coreRange: '^1.2.3', location: `./adapters/${name}` });
  const manifest = (name: string) => JSON.parse(files(name).find((file) => file.path === 'package.json')!.content);
  const source = (name: string) => files(name).find((file) => file.path === 'src/index.ts')!.content;

  it('writes the package, its configs, its README, the adapter and its tests', () => {
    expect(files('widgets').map((file) => file.path)).toEqual(FILES);
  });

  it('makes an ES module package with a types export and @harness/core as a peer dependency', () => {
    expect(manifest('widgets')).toMatchObject({
      name: 'harness-widgets',
      type: 'module',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      peerDependencies: { '@harness/core': '^1.2.3' },
      devDependencies: { '@harness/core': '^1.2.3', ...SCAFFOLD_DEV_DEPENDENCIES },
      scripts: { build: 'tsc -p tsconfig.build.json', typecheck: 'tsc -p tsconfig.json', test: 'vitest run' },
    });
  });

  it('gives its dev tools the ranges the harness repository itself uses', async () => {
    const { devDependencies } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };

    for (const [tool, range] of Object.entries(SCAFFOLD_DEV_DEPENDENCIES)) {
      expect(range, `${tool} in the generated package.json`).toBe(`^${devDependencies[tool]?.replace(/^\^/, '')}`);
    }
  });

  it('exports the adapter as harnessAdapter, with an apiName only when its name is not an identifier', () => {
    expect(source('widgets')).toContain('export const harnessAdapter = widgetsAdapter;');
    expect(source('widgets')).not.toContain('apiName');
    expect(source('night-jobs')).toContain("export const nightJobsAdapter: TestDoubleAdapter<'night-jobs', NightJobsConfig, NightJobsMockApi, 'nightJobs'> = {");
    expect(source('night-jobs')).toContain("  apiName: 'nightJobs',");
  });

  it('tells in the README where harness.config.json finds it', () => {
    const readme = files('widgets').find((file) => file.path === 'README.md')!.content;

    expect(readme).toContain('{ "widgets": { "package": "./adapters/widgets", "doubles": ["Example"] } }');
    expect(readme).toContain('npx harness deploy --adapters ./adapters/widgets');
  });
});

describe('Command: new adapter', () => {
  it.each([['new'], ['new', 'adapter']])('shows examples in `%s --help`', async (...args) => {
    const help = await helpOf([...args, '--help']);

    expect(help).toContain('Examples:');
    expect(help).toContain('harness new adapter widgets');
  });

  it('writes the package to adapters/<name>, then lists the files and the next commands', async () => {
    // Arrange
    const cwd = join(dir, 'project');
    await mkdir(cwd);
    const runtime = recordingRuntime({ cwd });

    // Act
    const code = await runCli(['new', 'adapter', 'widgets'], runtime);

    // Assert
    expect(runtime.err).toEqual([]);
    expect(code).toBe(0);
    const output = runtime.out.join('');
    expect(output).toContain(`✔ Created the adapter widgets (package harness-widgets) in adapters/widgets:\n${FILES.map((file) => `  ${file}\n`).join('')}`);
    expect(output).toContain('Next:\n  cd adapters/widgets\n  npm install');
    expect(output).toContain('  npm test ');
    expect(output).toContain('"widgets": { "package": "./adapters/widgets", "doubles": ["Example"] } in harness.config.json');
    expect((await readdir(join(cwd, 'adapters', 'widgets'))).sort()).toEqual(['.gitignore', 'README.md', 'package.json', 'src', 'tests', 'tsconfig.build.json', 'tsconfig.json']);
    const manifest = JSON.parse(await readFile(join(cwd, 'adapters', 'widgets', 'package.json'), 'utf8'));
    const core = JSON.parse(await readFile(join(REPO_ROOT, 'packages', 'core', 'package.json'), 'utf8'));
    expect(manifest.peerDependencies).toEqual({ '@harness/core': `^${core.version}` });
  });

  it('writes into an empty folder given with --dir', async () => {
    // Arrange
    const target = join(dir, 'empty');
    await mkdir(target);
    const runtime = recordingRuntime({ cwd: dir });

    // Act
    const code = await runCli(['new', 'adapter', 'night-jobs', '--dir', 'empty'], runtime);

    // Assert
    expect(code).toBe(0);
    expect(await readFile(join(target, 'src', 'index.ts'), 'utf8')).toContain("apiName: 'nightJobs'");
  });

  it('refuses a folder that is not empty, touches nothing in it, and says how to fix it', async () => {
    // Arrange
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'package.json'), '{"name":"mine"}');
    const runtime = recordingRuntime({ cwd: dir });

    // Act
    const code = await runCli(['new', 'adapter', 'widgets', '--dir', 'taken'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.err.join('')).toBe(
      '✖ Cannot write the adapter package to taken: the folder is not empty (it has package.json), and nothing in it is overwritten. ' +
        'To fix this, choose another --dir, or move its files away first.\n',
    );
    expect(await readdir(target)).toEqual(['package.json']);
    expect(await readFile(join(target, 'package.json'), 'utf8')).toBe('{"name":"mine"}');
  });

  it('refuses a file where the folder would be', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const runtime = recordingRuntime({ cwd: dir });

    expect(await runCli(['new', 'adapter', 'widgets', '--dir', 'a-file'], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain('✖ Cannot write the adapter package to a-file: it is a file. To fix this, choose another --dir.');
  });

  it('refuses a name that is not an adapter name before writing anything', async () => {
    const runtime = recordingRuntime({ cwd: dir });

    expect(await runCli(['new', 'adapter', 'My Adapter', '--dir', 'never'], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain("✖ 'My Adapter' is not an adapter name. To fix this,");
    await expect(readdir(join(dir, 'never'))).rejects.toThrow('ENOENT');
  });

  it('asks what to create', async () => {
    const runtime = recordingRuntime({ cwd: dir });

    expect(await runCli(['new'], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain('✖ Name what to create: adapter, e.g. `npx harness new adapter widgets`.');
  });
});
