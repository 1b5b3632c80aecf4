// What users install: every published package (nx.json `release.projects`)
// packed with `npm pack`, installed from those tarballs alone into fresh
// projects outside the workspace (third-party dependencies come from the npm
// registry), and run there:
// - a project with only @harness/core and @harness/ecs runs an ECS double on
//   the local target: the ECS README's example (application code calling
//   RunTask / DescribeTasks through the AWS SDK), and fixtures/ecs-alone;
// - a project with every package runs the root README's five-minute example
//   (its harness.config.json and test, read from README.md, and the workflow
//   template it names, fixtures/five-minute/template.json) with `npx vitest
//   run`, then `npx harness synth`; then the same test on the aws target as
//   the README's "The aws target in your project" runs it: `npx harness moto
//   install`, its aws-setup.ts and vitest.config.ts, `HARNESS_TARGET=aws npx
//   vitest run` against moto on loopback; and `npx harness moto start`.
//   moto's Python environment is kept in node_modules/.cache/harness-moto
//   (a fresh clone installs it once, about a minute; HARNESS_MOTO_HOME moves it).
// HARNESS_PACKAGING_KEEP=1 keeps the temporary projects (their path is printed).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { readLambdaArtifact } from '@harness/container-agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnvironment, importedPackages, markdownLinkTargets, run, sectionCodeBlocks, succeeded, type CommandResult } from './support.js';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const REPOSITORY = 'https://github.com/harness-dev/harness';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  homepage?: string;
  bugs?: { url?: string };
  repository?: { type?: string; url?: string; directory?: string };
  engines?: { node?: string };
  keywords?: string[];
  author?: string;
  files?: string[];
  publishConfig?: { access?: string };
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The first ```ts block of a Markdown file. */
function firstTypeScriptBlock(path: string): string {
  const match = /^```ts\n([\s\S]*?)^```/m.exec(readFileSync(path, 'utf8'));
  if (!match?.[1]) throw new Error(`${path} has no TypeScript block`);
  return match[1];
}

/** A README example (top-level imports, then statements with top-level await) as one vitest test. */
function asVitestFile(title: string, code: string): string {
  const lines = code.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  return [...imports, "import { expect, it } from 'vitest';", '', `it(${JSON.stringify(title)}, async () => {`, ...body.map((line) => `  ${line}`), '});', ''].join('\n');
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The published packages: what `nx release` versions. */
const published = readJson<{ release: { projects: string[] } }>(join(root, 'nx.json')).release.projects.map((name) => {
  const directory = `packages/${name.replace('@harness/', '')}`;
  return { name, directory, manifest: readJson<Manifest>(join(root, directory, 'package.json')) };
});
const workspacePackages = new Map(
  ['packages', 'apps']
    .flatMap((folder) => readdirSync(join(root, folder)).map((entry) => join(folder, entry)))
    .concat('infrastructure')
    .map((directory) => readJson<Manifest>(join(root, directory, 'package.json')))
    .map((manifest) => [manifest.name, manifest]),
);
const vitestVersion = readJson<{ devDependencies: Record<string, string> }>(join(root, 'package.json')).devDependencies.vitest;

const work = mkdtempSync(join(tmpdir(), 'harness-packaging-'));
const tarballs = join(work, 'tarballs');
const ecsAlone = join(work, 'ecs-alone');
const fiveMinute = join(work, 'five-minute');
const packed = new Map<string, { filename: string; files: string[] }>();
const timings: string[] = [];

function timed(label: string, result: CommandResult): CommandResult {
  timings.push(`${label}: ${(result.ms / 1000).toFixed(1)} s`);
  return result;
}

/** A fresh npm project outside the workspace with `packages` installed from their tarballs (and `extra` from the registry). */
async function freshProject(directory: string, packages: readonly string[], extra: readonly string[]): Promise<void> {
  mkdirSync(directory, { recursive: true });
  succeeded(await run('npm', ['init', '-y'], { cwd: directory }));
  const files = packages.map((name) => join(tarballs, packed.get(name)?.filename ?? `(${name} was not packed)`));
  const install = await run('npm', ['install', '--save-dev', '--prefer-offline', '--no-audit', '--no-fund', ...files, ...extra], {
    cwd: directory,
    timeoutMs: 480_000,
  });
  succeeded(timed(`npm install in ${relative(work, directory)}`, install));
}

beforeAll(async () => {
  mkdirSync(tarballs);
  const workspaces = published.flatMap(({ directory }) => ['--workspace', directory]);
  const pack = succeeded(timed('npm pack', await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...workspaces], { cwd: root })));
  for (const entry of JSON.parse(pack.stdout) as { name: string; filename: string; files: { path: string }[] }[]) {
    packed.set(entry.name, { filename: entry.filename.replace(/^@/, '').replace('/', '-'), files: entry.files.map(({ path }) => path).sort() });
  }
  for (const { filename } of packed.values()) statSync(join(tarballs, filename));

  await Promise.all([
    freshProject(ecsAlone, ['@harness/core', '@harness/ecs'], [`vitest@${vitestVersion}`, `@aws-sdk/client-ecs@${workspacePackages.get('@harness/ecs')?.dependencies?.['@aws-sdk/client-ecs']}`]),
    freshProject(
      fiveMinute,
      published.map(({ name }) => name),
      [`vitest@${vitestVersion}`],
    ),
  ]);
}, 600_000);

afterAll(() => {
  console.log(`packaging: ${timings.join('; ')}`);
  if (process.env.HARNESS_PACKAGING_KEEP === '1') console.log(`packaging: the projects are in ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

describe.each(published)('Package: $name', ({ name, directory, manifest }) => {
  const installed = (...path: string[]): string => join(fiveMinute, 'node_modules', name, ...path);

  it('packs dist, README.md, LICENSE and package.json, and nothing else (@harness/moto: its python/ folder too)', () => {
    const files = packed.get(name)?.files ?? [];
    const shipped = name === '@harness/moto' ? /^(dist\/.+|python\/[a-z0-9_]+\.(py|mjs|txt)|README\.md|LICENSE|package\.json)$/ : /^(dist\/.+|README\.md|LICENSE|package\.json)$/;

    expect(files.filter((file) => !shipped.test(file))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(files.some((file) => file.startsWith('dist/'))).toBe(true);
  });

  it('ships the repository LICENSE, the Apache License 2.0', () => {
    const license = readFileSync(installed('LICENSE'), 'utf8');

    expect(license).toBe(readFileSync(join(root, 'LICENSE'), 'utf8'));
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
  });

  it('describes where it comes from: repository, homepage, bugs, engines, license, keywords, author', () => {
    const shipped = readJson<Manifest>(installed('package.json'));

    expect(shipped).toMatchObject({
      license: 'Apache-2.0',
      repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory },
      homepage: `${REPOSITORY}/tree/main/${directory}#readme`,
      bugs: { url: `${REPOSITORY}/issues` },
      engines: { node: '>=20.19' },
      publishConfig: { access: 'public' },
    });
    expect(shipped.keywords?.length).toBeGreaterThan(0);
    expect(shipped.author).toBeTruthy();
    expect(shipped.private).toBeUndefined();
  });

  it('depends only on published packages, with version ranges; @harness/core as a peer dependency', () => {
    const declared = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
    const unpublished = Object.keys(declared).filter((dependency) => workspacePackages.get(dependency)?.private);
    const loose = Object.entries(declared).filter(([, range]) => /^(\*|latest|workspace:|file:|link:)|^$/.test(range));

    expect(unpublished).toEqual([]);
    expect(loose).toEqual([]);
    // @harness/moto is moto's launcher and harness's fixes to it (Python), with no use for core.
    if (name !== '@harness/core' && name !== '@harness/moto') {
      expect(manifest.peerDependencies?.['@harness/core']).toBe(`^${workspacePackages.get('@harness/core')?.version}`);
      expect(manifest.dependencies?.['@harness/core']).toBeUndefined();
    }
  });

  it('declares every package its built files import', () => {
    const declared = new Set([name, ...Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies })]);
    const undeclared: string[] = [];
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.(c|m)?js$|\.d\.(c|m)?ts$/.test(entry.name)) {
          for (const imported of importedPackages(readFileSync(path, 'utf8'))) {
            if (!declared.has(imported)) undeclared.push(`${relative(installed(), path)} imports ${imported}`);
          }
        }
      }
    };
    walk(installed('dist'));

    expect(undeclared).toEqual([]);
  });

  it('has a README whose links work on the registry: absolute URLs or anchors, no repository paths', () => {
    const targets = markdownLinkTargets(readFileSync(installed('README.md'), 'utf8'));

    expect(targets.filter((target) => !/^(https?:|mailto:|#)/.test(target))).toEqual([]);
  });
});

describe('Install: @harness/core and @harness/ecs alone', () => {
  it('brings no other harness package: the container agent is inside @harness/ecs', () => {
    expect(readdirSync(join(ecsAlone, 'node_modules', '@harness')).sort()).toEqual(['core', 'ecs']);
    expect(packed.get('@harness/ecs')?.files).toContain('dist/agent.cjs');
  });

  it("runs the ECS README's example (RunTask, waitUntilTasksStopped, DescribeTasks through the AWS SDK) and fixtures/ecs-alone with the agent it ships (npx vitest run)", async () => {
    writeFileSync(join(ecsAlone, 'ecs-readme.test.ts'), asVitestFile("the ECS README's example", firstTypeScriptBlock(join(root, 'packages', 'ecs', 'README.md'))));
    copyFileSync(join(here, 'fixtures', 'ecs-alone', 'ecs-alone.test.ts'), join(ecsAlone, 'ecs-alone.test.ts'));

    const result = timed('vitest in ecs-alone', await run('npx', ['--no', 'vitest', 'run', '--testTimeout=60000'], { cwd: ecsAlone, env: cleanEnvironment({ HARNESS_TARGET: 'local' }) }));

    expect(succeeded(result).stdout).toMatch(/Tests\s+2 passed \(2\)/);
  });

  it('loads with require() too, and finds the agent it ships from its CommonJS build', async () => {
    const script = [
      "const { ecsArtifacts, parseEcsConfig } = require('@harness/ecs');",
      "ecsArtifacts(parseEcsConfig({ families: { RenderPdf: { containers: ['Main'] } } })).then((artifacts) => console.log(JSON.stringify(artifacts.map(({ key }) => key))));",
    ].join('\n');
    const agent = readFileSync(join(ecsAlone, 'node_modules', '@harness', 'ecs', 'dist', 'agent.cjs'));

    const result = succeeded(await run(process.execPath, ['-e', script], { cwd: ecsAlone }));

    expect(JSON.parse(result.stdout)).toEqual([`agents/container-agent-${createHash('sha256').update(agent).digest('hex')}.cjs`]);
  });
});

describe("Install: every package, the root README's five-minute example", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = sectionCodeBlocks(readme, '## A five-minute example');

  it('installs one copy of @harness/core and satisfies every peer dependency (npm ls)', async () => {
    const tree = succeeded(await run('npm', ['ls', '--all', '--json'], { cwd: fiveMinute }));
    const cores = succeeded(await run('npm', ['ls', '@harness/core', '--all', '--parseable'], { cwd: fiveMinute }));

    expect(JSON.parse(tree.stdout)).not.toHaveProperty('problems');
    expect(new Set(cores.stdout.trim().split('\n'))).toEqual(new Set([join(fiveMinute, 'node_modules', '@harness', 'core')]));
  });

  it("passes the README's test (npx vitest run)", async () => {
    const config = blocks.find(({ language }) => language === 'json');
    const test = blocks.find(({ language }) => language === 'ts');
    if (!config || !test) throw new Error(`README.md's "A five-minute example" lost its harness.config.json (json) or its test (ts) code block; found: ${blocks.map(({ language }) => language).join(', ')}`);
    writeFileSync(join(fiveMinute, 'harness.config.json'), config.code);
    writeFileSync(join(fiveMinute, 'order-flow.test.ts'), test.code);
    copyFileSync(join(here, 'fixtures', 'five-minute', 'template.json'), join(fiveMinute, 'template.json'));

    const result = timed('vitest in five-minute', await run('npx', ['--no', 'vitest', 'run', '--testTimeout=60000'], { cwd: fiveMinute, env: cleanEnvironment({ HARNESS_TARGET: 'local' }) }));

    expect(succeeded(result).stdout).toMatch(/Tests\s+1 passed \(1\)/);
  });

  it('synthesizes the stacks with the artifacts the packages ship (npx harness synth)', async () => {
    const result = succeeded(timed('harness synth', await run('npx', ['--no', 'harness', 'synth'], { cwd: fiveMinute })));
    const out = join(fiveMinute, 'harness.out');
    const agent = readFileSync(join(fiveMinute, 'node_modules', '@harness', 'ecs', 'dist', 'agent.cjs'));
    const agentSha256 = createHash('sha256').update(agent).digest('hex');

    expect(readdirSync(out).sort()).toEqual(['harness-dev-core.template.json', 'harness-dev-ecs.template.json', 'harness-dev-lambda.template.json']);
    expect(result.stdout).toContain('harness-dev-ecs.template.json');
    // The agent inside @harness/ecs is the one this workspace builds, byte for byte, and the ECS stack pins it.
    expect(agent.equals(readFileSync(join(root, 'packages', 'container-agent', 'dist', 'agent.cjs')))).toBe(true);
    expect(readFileSync(join(out, 'harness-dev-ecs.template.json'), 'utf8')).toContain(`agents/container-agent-${agentSha256}.cjs`);
    // Likewise the Lambda double inside @harness/lambda.
    expect(readFileSync(join(out, 'harness-dev-lambda.template.json'), 'utf8')).toContain(`agents/lambda-double-${readLambdaArtifact().sha256}.zip`);
  });
});

describe("The aws target outside the workspace: the README's \"The aws target in your project\", on moto", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const files = sectionCodeBlocks(readme, '## The aws target in your project').filter(({ language }) => language === 'ts');
  const home = process.env.HARNESS_MOTO_HOME ?? join(root, 'node_modules', '.cache', 'harness-moto');
  /** The fresh project's environment with no AWS settings of this machine's: the README's setup then starts moto itself. */
  const withoutAws = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const env = cleanEnvironment({ HARNESS_MOTO_HOME: home, ...extra });
    for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
    return env;
  };

  it('installs moto with its pinned requirements (npx harness moto install; once per machine)', async () => {
    const result = succeeded(timed('harness moto install', await run('npx', ['--no', 'harness', 'moto', 'install'], { cwd: fiveMinute, env: withoutAws(), timeoutMs: 600_000 })));

    expect(result.stdout).toMatch(new RegExp(`✔ moto (installed|is installed) at ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  }, 620_000);

  it("passes the five-minute example's test on the aws target: deployed doubles, the workflow wired to them, moto's engine (HARNESS_TARGET=aws npx vitest run)", async () => {
    const [setup, config] = files;
    if (files.length !== 2 || !setup || !config) throw new Error(`README.md's "The aws target in your project" should have two TypeScript blocks (aws-setup.ts, vitest.config.ts); it has ${files.length}`);
    const fiveMinuteBlocks = sectionCodeBlocks(readme, '## A five-minute example');
    writeFileSync(join(fiveMinute, 'harness.config.json'), fiveMinuteBlocks.find(({ language }) => language === 'json')?.code ?? '');
    writeFileSync(join(fiveMinute, 'order-flow.test.ts'), fiveMinuteBlocks.find(({ language }) => language === 'ts')?.code ?? '');
    copyFileSync(join(here, 'fixtures', 'five-minute', 'template.json'), join(fiveMinute, 'template.json'));
    writeFileSync(join(fiveMinute, 'aws-setup.ts'), setup.code);
    writeFileSync(join(fiveMinute, 'vitest.config.ts'), config.code);

    const result = timed('vitest on the aws target (moto)', await run('npx', ['--no', 'vitest', 'run'], { cwd: fiveMinute, env: withoutAws({ HARNESS_TARGET: 'aws' }), timeoutMs: 300_000 }));

    expect(succeeded(result).stdout).toMatch(/Tests\s+1 passed \(1\)/);
    // The deploys happened (their progress is on stderr) and the Lambda double answered through moto.
    expect(result.stderr).toContain('Deploying workflow stack harness-dev-order-flow');
  }, 320_000);

  it('keeps a moto server running until Ctrl-C and prints the environment that reaches it (npx harness moto start)', async () => {
    const { spawn } = await import('node:child_process');
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // detached: its own process group, which gets the SIGINT as a terminal's Ctrl-C would send it.
    const child = spawn('npx', ['--no', 'harness', 'moto', 'start', '--port', String(port)], { cwd: fiveMinute, env: withoutAws(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<string>((resolveExit) => child.once('close', (code, signal) => resolveExit(signal ?? `exit ${code}`)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('\n') && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 100));

    try {
      expect(stdout).toBe(`export AWS_ENDPOINT_URL=http://127.0.0.1:${port} AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n`);
      expect(stderr).toContain(`moto server with harness's fixes on http://127.0.0.1:${port}, Step Functions engine on`);
      const answer = await fetch(`http://127.0.0.1:${port}/moto-api/data.json`);
      expect(answer.status).toBe(200);
    } finally {
      // Ctrl-C: SIGINT to the whole group (npx, harness, moto).
      process.kill(-(child.pid ?? 0), 'SIGINT');
    }
    // npx itself ends by the signal, as after a Ctrl-C in a terminal; harness stops moto before it exits.
    expect(['exit 0', 'SIGINT']).toContain(await exited);
    let answering = true;
    for (const end = Date.now() + 10_000; answering && Date.now() < end; ) {
      answering = await fetch(`http://127.0.0.1:${port}/moto-api/data.json`).then(
        () => true,
        () => false,
      );
      if (answering) await new Promise((wait) => setTimeout(wait, 200));
    }
    expect(answering, `moto still answered on port ${port} 10 s after Ctrl-C`).toBe(false);
  }, 90_000);
});
