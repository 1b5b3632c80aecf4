import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdapterRegistry, ConfigFileNotFoundError, InvalidConfigError } from '@harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { loadAdapters, resolveSettings, selectAdapterNames } from '../../src/settings.js';
import { testEcsAdapter } from '../helpers/ecs-adapter.js';

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

describe('Function: selectAdapterNames', () => {
  it('takes --adapters, else every adapter of the config', async () => {
    const settings = await resolveSettings(args(), { cwd: dir });

    expect(selectAdapterNames({ adapters: ['lambda'] }, settings)).toEqual(['lambda']);
    expect(selectAdapterNames({ adapters: undefined }, settings)).toEqual(['ecs']);
  });
});

describe('Function: loadAdapters', () => {
  it('validates each adapter\'s config with the adapter', async () => {
    // Arrange
    const settings = await resolveSettings(args(), { cwd: dir });
    const registry = new AdapterRegistry().register(testEcsAdapter);

    // Act
    const [ecs] = await loadAdapters(['ecs'], settings, registry);

    // Assert
    expect(ecs?.name).toBe('ecs');
    expect(ecs?.config).toMatchObject({ families: { RenderPdf: { cpu: 256, memory: 512 } } });
  });

  it('names the file and the field when the adapter refuses its config', async () => {
    // Arrange
    const settings = { ...(await resolveSettings(args(), { cwd: dir })), config: { stack: 'harness-dev', adapters: { ecs: { families: { RenderPdf: { containers: ['Main'], cpu: 3 } } } } } };
    const registry = new AdapterRegistry().register(testEcsAdapter);

    // Act
    const error = await loadAdapters(['ecs'], settings, registry).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toBe(
      `${join(dir, 'harness.config.json')}: adapters.ecs.families.RenderPdf.cpu is 3, which Fargate does not offer. To fix this, use one of 256, 512, 1024, 2048, 4096, 8192, 16384.`,
    );
  });

  it('says how to install an adapter that is not installed', async () => {
    // Arrange
    const settings = await resolveSettings(args(), { cwd: dir });
    const registry = new AdapterRegistry(async () => {
      throw Object.assign(new Error("Cannot find package '@harness/lambda'"), { code: 'ERR_MODULE_NOT_FOUND' });
    });

    // Act / Assert
    await expect(loadAdapters(['lambda'], settings, registry)).rejects.toThrow(
      "Adapter 'lambda' is not installed (cannot import @harness/lambda). To fix this, run `npm i -D @harness/lambda`.",
    );
  });

  it('imports @harness/<name> by default', async () => {
    const settings = await resolveSettings(args(), { cwd: dir });

    const [ecs] = await loadAdapters(['ecs'], settings);

    expect(ecs?.adapter.name).toBe('ecs');
  });
});
