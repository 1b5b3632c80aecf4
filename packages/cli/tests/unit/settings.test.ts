import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { AdapterNotFoundError, AdapterRegistry, ConfigFileNotFoundError, InvalidConfigError } from '@harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { adapterNames, loadAdapters, resolveSettings, selectAdapters } from '../../src/settings.js';
import { testEcsAdapter } from '../helpers/ecs-adapter.js';
import { QUEUE_ADAPTER_FIXTURE, QUEUE_ADAPTER_PATH, REPO_ROOT } from '../helpers/fixtures.js';

let dir: string;
const config = { stack: 'harness-dev', region: 'eu-west-1', adapters: { ecs: { families: { RenderPdf: { containers: ['Main'] } } } } };
const args = (extra: Partial<{ config: string; stack: string; region: string }> = {}) => ({
  config: 'harness.config.json',
  stack: undefined,
  region: undefined,
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harness-cli-settings-'));
  await writeFile(join(dir, 'harness.config.json'), JSON.stringify(config));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Function: resolveSettings', () => {
  it('reads the config from the working directory', async () => {
    const settings = await resolveSettings(args(), { cwd: dir });

    expect(settings).toMatchObject({ configPath: join(dir, 'harness.config.json'), stack: 'harness-dev', region: 'eu-west-1' });
  });

  it('lets --stack and --region override the config', async () => {
    const settings = await resolveSettings(args({ stack: 'harness-ci', region: 'us-east-1' }), { cwd: dir });

    expect(settings).toMatchObject({ stack: 'harness-ci', region: 'us-east-1' });
  });

  it('refuses an invalid --stack', async () => {
    await expect(resolveSettings(args({ stack: 'no_underscores' }), { cwd: dir })).rejects.toThrow(UsageError);
  });

  it('needs the config file unless told it is optional and --stack is given', async () => {
    await expect(resolveSettings(args({ config: 'missing.json' }), { cwd: dir })).rejects.toBeInstanceOf(ConfigFileNotFoundError);
    await expect(resolveSettings(args({ config: 'missing.json' }), { cwd: dir }, { configOptional: true })).rejects.toBeInstanceOf(
      ConfigFileNotFoundError,
    );
    await expect(
      resolveSettings(args({ config: 'missing.json', stack: 'harness-ci' }), { cwd: dir }, { configOptional: true }),
    ).resolves.toMatchObject({ stack: 'harness-ci', config: undefined });
  });
});

describe('Function: selectAdapters', () => {
  it('takes --adapters, else every adapter of the config', async () => {
    const settings = await resolveSettings(args(), { cwd: dir });

    expect(selectAdapters({ adapters: ['lambda', './adapters/queue'] }, settings)).toEqual(['lambda', './adapters/queue']);
    expect(selectAdapters({ adapters: undefined }, settings)).toEqual(['ecs']);
  });
});

describe('Function: loadAdapters', () => {
  it('validates each adapter\'s config with the adapter', async () => {
    // Arrange
    const settings = await resolveSettings(args(), { cwd: dir });
    const registry = new AdapterRegistry().register(testEcsAdapter);

    // Act
    const [ecs] = await loadAdapters(['ecs'], settings, { registry });

    // Assert
    expect(ecs?.name).toBe('ecs');
    expect(ecs?.config).toMatchObject({ families: { RenderPdf: { cpu: 256, memory: 512 } } });
  });

  it('names the file and the field when the adapter refuses its config', async () => {
    // Arrange
    const settings = { ...(await resolveSettings(args(), { cwd: dir })), config: { stack: 'harness-dev', adapters: { ecs: { families: { RenderPdf: { containers: ['Main'], cpu: 3 } } } } } };
    const registry = new AdapterRegistry().register(testEcsAdapter);

    // Act
    const error = await loadAdapters(['ecs'], settings, { registry }).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toBe(
      `${join(dir, 'harness.config.json')}: adapters.ecs.families.RenderPdf.cpu is 3, which Fargate does not offer. To fix this, use one of 256, 512, 1024, 2048, 4096, 8192, 16384.`,
    );
  });

  it('imports @harness/<name> by default', async () => {
    const settings = await resolveSettings(args(), { cwd: dir });

    const [ecs] = await loadAdapters(['ecs'], settings);

    expect(ecs?.adapter.name).toBe('ecs');
  });
});

describe('Function: loadAdapters, for adapters that are not @harness/<name>', () => {
  let project: string;
  const configIn = async (folder: string, adapters: Record<string, unknown>) => {
    const path = join(project, folder, 'harness.config.json');
    await mkdir(join(project, folder), { recursive: true });
    await writeFile(path, JSON.stringify({ stack: 'harness-dev', adapters }));
    return path;
  };
  const settingsFor = (configPath: string, cwd: string) => resolveSettings(args({ config: configPath }), { cwd });

  beforeAll(async () => {
    project = await realpath(await mkdtemp(join(tmpdir(), 'harness-cli-adapters-')));
    const notes = join(project, 'node_modules', '@acme', 'harness-notes');
    await mkdir(notes, { recursive: true });
    await writeFile(join(notes, 'package.json'), JSON.stringify({ name: '@acme/harness-notes', type: 'module', exports: { '.': { import: './index.js' } } }));
    await writeFile(
      join(notes, 'index.js'),
      "export const harnessAdapter = { name: 'notes', parseConfig: (raw) => raw, template: () => ({ AWSTemplateFormatVersion: '2010-09-09', Resources: {} }), artifacts: async () => [], createApi: () => ({}) };\n",
    );
  });
  afterAll(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it('loads a path in --adapters from the working directory', async () => {
    // Arrange
    const settings = await settingsFor(await configIn('by-path', { queue: { queues: ['orders'] } }), REPO_ROOT);

    // Act
    const [queue] = await loadAdapters([QUEUE_ADAPTER_PATH], settings);

    // Assert
    expect(queue).toMatchObject({ name: 'queue', config: { queues: ['orders'] } });
    expect(queue?.module).toMatchObject({ kind: 'path', specifier: QUEUE_ADAPTER_PATH, file: join(QUEUE_ADAPTER_FIXTURE, 'index.js') });
  });

  it('loads the "package" of a config entry from the config file\'s folder, and does not hand it to the adapter', async () => {
    // Arrange: the fixture refuses settings it does not know.
    const configPath = await configIn('config/nested', { queue: { package: relative(join(project, 'config/nested'), QUEUE_ADAPTER_FIXTURE), queues: ['orders'] } });
    const settings = await settingsFor(configPath, project);

    // Act
    const [queue] = await loadAdapters(['queue'], settings);

    // Assert
    expect(queue).toMatchObject({ name: 'queue', config: { queues: ['orders'] } });
  });

  it('loads a package named in --adapters from the project\'s node_modules', async () => {
    // Arrange
    const settings = await settingsFor(await configIn('by-package', { notes: { pages: 2 } }), project);

    // Act
    const [notes] = await loadAdapters(['@acme/harness-notes'], settings);

    // Assert
    expect(notes).toMatchObject({ name: 'notes', config: { pages: 2 }, module: { kind: 'package', file: join(project, 'node_modules/@acme/harness-notes/index.js') } });
  });

  it('takes an adapter named twice once', async () => {
    // Arrange
    const configPath = await configIn('twice', { queue: { package: QUEUE_ADAPTER_FIXTURE, queues: [] } });
    const settings = await settingsFor(configPath, REPO_ROOT);

    // Act
    const loaded = await loadAdapters(['queue', QUEUE_ADAPTER_PATH], settings);

    // Assert
    expect(loaded.map((entry) => entry.name)).toEqual(['queue']);
  });

  it('says how to locate an adapter of its own name, and never to install a made-up @harness/<name>', async () => {
    // Arrange
    const configPath = await configIn('unknown', { dynamodb: { tables: ['Orders'] } });
    const settings = await settingsFor(configPath, project);

    // Act
    const error = (await loadAdapters(['dynamodb'], settings, { fallbackFrom: [] }).catch((thrown: Error) => thrown)) as Error;

    // Assert
    expect(error).toBeInstanceOf(AdapterNotFoundError);
    expect(error.message).toBe(
      `There is no adapter 'dynamodb': harness's own adapters are ecs, lambda, stepfunctions, and adapters.dynamodb in ${configPath} names no "package". ` +
        'To fix this, if dynamodb is your own adapter, add "package": "<its package name, or its path from the config file\'s folder>" to adapters.dynamodb, ' +
        'or name it by package or path: --adapters ./adapters/dynamodb. Otherwise, check the name.',
    );
    expect(error.message).not.toContain('@harness/dynamodb');
  });

  it('says how to install one of harness\'s own adapters that is not installed', async () => {
    // Arrange
    const settings = await settingsFor(await configIn('not-installed', {}), project);

    // Act / Assert
    await expect(loadAdapters(['lambda'], settings, { fallbackFrom: [] })).rejects.toThrow(
      `Cannot find the adapter package @harness/lambda: there is no node_modules/@harness/lambda in ${join(project, 'not-installed')}, ${project} or any folder above them. ` +
        'To fix this, install it: `npm i -D @harness/lambda`.',
    );
  });

  it('refuses a "package" whose adapter has another name than its entry', async () => {
    // Arrange
    const configPath = await configIn('other-name', { dynamodb: { package: QUEUE_ADAPTER_FIXTURE } });
    const settings = await settingsFor(configPath, project);

    // Act / Assert
    await expect(loadAdapters(['dynamodb'], settings)).rejects.toThrow(
      `${QUEUE_ADAPTER_FIXTURE} (adapters.dynamodb.package in ${configPath}) exports the adapter 'queue', not 'dynamodb'. To fix this,`,
    );
  });
});

describe('Function: adapterNames', () => {
  it('takes a name as it is, and imports a package or a path to read its adapter\'s name', async () => {
    // Arrange
    const settings = await resolveSettings(args(), { cwd: dir });

    // Act
    const names = await adapterNames(['ecs', 'not-installed', join(QUEUE_ADAPTER_FIXTURE, 'index.js'), 'ecs'], settings);

    // Assert
    expect(names).toEqual(['ecs', 'not-installed', 'queue']);
  });
});
