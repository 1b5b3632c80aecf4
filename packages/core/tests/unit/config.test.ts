import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterConfig, adapterPackage, loadConfig, parseHarnessConfig } from '../../src/config.js';
import { ConfigFileNotFoundError, InvalidConfigError } from '../../src/errors-config.js';
import { ConfigError, HarnessError } from '../../src/errors.js';

const SOURCE = 'harness.config.json';

const badConfigs: [string, unknown, string][] = [
  ['an array', [], ''],
  ['null', null, ''],
  ['a misspelt field', { stack: 'harness-dev', adapter: {} }, 'adapter'],
  ['no stack', { adapters: {} }, 'stack'],
  ['a numeric stack', { stack: 42, adapters: {} }, 'stack'],
  ['a stack with underscores', { stack: 'harness_dev', adapters: {} }, 'stack'],
  ['a stack of 41 characters', { stack: `h${'x'.repeat(40)}`, adapters: {} }, 'stack'],
  ['a region that is no region', { stack: 'harness-dev', region: 'Ireland', adapters: {} }, 'region'],
  ['no adapters', { stack: 'harness-dev' }, 'adapters'],
  ['adapters as a list', { stack: 'harness-dev', adapters: ['ecs'] }, 'adapters'],
  ['a scoped adapter name', { stack: 'harness-dev', adapters: { '@harness/ecs': {} } }, 'adapters.@harness/ecs'],
  ['a package name as the adapter name', { stack: 'harness-dev', adapters: { '@acme/harness-dynamodb': {} } }, 'adapters.@acme/harness-dynamodb'],
  ['a numeric package', { stack: 'harness-dev', adapters: { dynamodb: { package: 3 } } }, 'adapters.dynamodb.package'],
  ['a package that is no package name', { stack: 'harness-dev', adapters: { dynamodb: { package: 'Dynamo DB' } } }, 'adapters.dynamodb.package'],
];

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('Function: parseHarnessConfig', () => {
  it('accepts a minimal config and keeps the adapters raw', () => {
    // Arrange
    const raw = { $schema: './schema.json', stack: 'harness-dev', adapters: { ecs: { families: {} } } };

    // Act
    const config = parseHarnessConfig(raw, SOURCE);

    // Assert
    expect(config).toEqual({ stack: 'harness-dev', adapters: { ecs: { families: {} } } });
  });

  it('keeps the region when there is one', () => {
    expect(parseHarnessConfig({ stack: 'h', region: 'eu-west-1', adapters: {} }, SOURCE).region).toBe('eu-west-1');
  });

  it.each(badConfigs)('refuses %s, naming the file and the field', (_, raw, field) => {
    // Act
    let thrown: unknown;
    try {
      parseHarnessConfig(raw, SOURCE);
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(InvalidConfigError);
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toBeInstanceOf(HarnessError);
    expect(thrown).toMatchObject({ name: 'InvalidConfigError', source: SOURCE, field });
    expect((thrown as Error).message).toMatch(/^harness\.config\.json: .*\. To fix this, .*\.$/s);
  });

  it('says what is wrong and how to fix it for each bad config', () => {
    const messages = Object.fromEntries(badConfigs.map(([name, raw]) => [name, messageOf(() => parseHarnessConfig(raw, SOURCE))]));

    expect(messages).toMatchInlineSnapshot(`
      {
        "a misspelt field": "harness.config.json: adapter is not a harness config field. To fix this, remove it, or use one of stack, region, adapters (adapter settings go under adapters.<name>).",
        "a numeric package": "harness.config.json: adapters.dynamodb.package is 3, not a package name or a path. To fix this, write a package name ("package": "@acme/harness-dynamodb") or a path relative to this file's folder ("package": "./adapters/dynamodb").",
        "a numeric stack": "harness.config.json: stack is 42, not a valid harness stack name. To fix this, use 1-40 letters, digits and hyphens, starting with a letter (it prefixes stack, table, queue and bucket names).",
        "a package name as the adapter name": "harness.config.json: adapters.@acme/harness-dynamodb is not a valid adapter name. To fix this, use the adapter's name as the key (lowercase letters, digits and hyphens) and name its module inside: "<name>": {"package": "@acme/harness-dynamodb", …}.",
        "a package that is no package name": "harness.config.json: adapters.dynamodb.package is "Dynamo DB", not a package name or a path. To fix this, write a package name ("package": "@acme/harness-dynamodb") or a path relative to this file's folder ("package": "./adapters/dynamodb").",
        "a region that is no region": "harness.config.json: region is "Ireland", not an AWS region. To fix this, use a region code such as "us-east-1", or remove the field to use AWS_REGION.",
        "a scoped adapter name": "harness.config.json: adapters.@harness/ecs is not a valid adapter name. To fix this, use the adapter's name, "ecs" for @harness/ecs.",
        "a stack of 41 characters": "harness.config.json: stack is "hxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", not a valid harness stack name. To fix this, use 1-40 letters, digits and hyphens, starting with a letter (it prefixes stack, table, queue and bucket names).",
        "a stack with underscores": "harness.config.json: stack is "harness_dev", not a valid harness stack name. To fix this, use 1-40 letters, digits and hyphens, starting with a letter (it prefixes stack, table, queue and bucket names).",
        "adapters as a list": "harness.config.json: adapters must be an object of adapter name to adapter config, not an array. To fix this, write e.g. "adapters": {"ecs": {"families": {"RenderPdf": {"containers": ["Main"]}}}}.",
        "an array": "harness.config.json: must be a JSON object, not an array. To fix this, write {"stack": "harness-dev", "adapters": {}}.",
        "no adapters": "harness.config.json: adapters is missing. To fix this, add "adapters": {} with one entry per adapter, e.g. {"ecs": {"families": {...}}}.",
        "no stack": "harness.config.json: stack is missing. To fix this, add "stack": "harness-dev" (any name of 1-40 letters, digits and hyphens).",
        "null": "harness.config.json: must be a JSON object, not null. To fix this, write {"stack": "harness-dev", "adapters": {}}.",
      }
    `);
  });
});

describe('Function: loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and validates a file', async () => {
    // Arrange
    const path = join(dir, 'good.json');
    await writeFile(path, JSON.stringify({ stack: 'harness-dev', adapters: { ecs: {} } }));

    // Act
    const config = await loadConfig(path);

    // Assert
    expect(config).toEqual({ stack: 'harness-dev', adapters: { ecs: {} } });
  });

  it('says where it looked when the file is missing', async () => {
    const path = join(dir, 'missing.json');

    await expect(loadConfig(path)).rejects.toBeInstanceOf(ConfigFileNotFoundError);
    await expect(loadConfig(path)).rejects.toThrow(`No harness config at ${path}. To fix this, create it`);
  });

  it('names the file when it is not JSON', async () => {
    // Arrange
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"stack": "harness-dev",');

    // Act
    const error = await loadConfig(path).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is not valid JSON \\(.*\\)\\. To fix this, fix the JSON syntax\\.$`));
  });

  it('names the file and the field when the content is wrong', async () => {
    const path = join(dir, 'bad-stack.json');
    await writeFile(path, JSON.stringify({ stack: 'bad name', adapters: {} }));

    await expect(loadConfig(path)).rejects.toMatchObject({ source: path, field: 'stack' });
  });
});

describe('Function: adapterConfig', () => {
  const config = parseHarnessConfig({ stack: 'harness-dev', adapters: { ecs: { families: 3 } } }, SOURCE);

  it('hands the adapter its raw config and returns what it parsed', () => {
    const adapter = { name: 'ecs', parseConfig: (raw: unknown) => ({ parsed: raw }) };

    expect(adapterConfig(config, adapter, SOURCE)).toEqual({ parsed: { families: 3 } });
  });

  it('keeps "package" from the adapter: it names the module, it is not the adapter\'s setting', () => {
    // Arrange
    const withPackage = parseHarnessConfig(
      { stack: 'harness-dev', adapters: { dynamodb: { package: './adapters/dynamodb', tables: ['Orders'] } } },
      SOURCE,
    );
    const adapter = { name: 'dynamodb', parseConfig: (raw: unknown) => raw };

    // Act
    const parsed = adapterConfig(withPackage, adapter, SOURCE);

    // Assert
    expect(parsed).toEqual({ tables: ['Orders'] });
    expect(adapterPackage(withPackage, 'dynamodb')).toBe('./adapters/dynamodb');
    expect(adapterPackage(withPackage, 'ecs')).toBeUndefined();
  });

  it('gives an adapter without an entry an empty object', () => {
    const adapter = { name: 'lambda', parseConfig: (raw: unknown) => raw };

    expect(adapterConfig(config, adapter, SOURCE)).toEqual({});
  });

  it('puts the file and the adapter in front of the adapter\'s error and keeps its fix', () => {
    // Arrange
    const cause = new ConfigError('adapters.ecs.families must be an object, not 3. To fix this, write {"RenderPdf": {...}}.');
    const adapter = {
      name: 'ecs',
      parseConfig: () => {
        throw cause;
      },
    };

    // Act
    const error = (() => {
      try {
        return adapterConfig(config, adapter, SOURCE);
      } catch (thrown) {
        return thrown as InvalidConfigError;
      }
    })();

    // Assert
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).cause).toBe(cause);
    expect((error as Error).message).toMatchInlineSnapshot(`"harness.config.json: adapters.ecs.families must be an object, not 3. To fix this, write {"RenderPdf": {...}}."`);
  });

  it('keeps a field the adapter\'s error carries whole, when a key in it holds a space', () => {
    // Arrange
    const cause = Object.assign(new ConfigError('adapters.ecs.families.Render Pdf is not a family name. To fix this, use letters, digits, - and _.'), {
      field: 'adapters.ecs.families.Render Pdf',
    });
    const adapter = {
      name: 'ecs',
      parseConfig: () => {
        throw cause;
      },
    };

    // Act
    const error = (() => {
      try {
        return adapterConfig(config, adapter, SOURCE);
      } catch (thrown) {
        return thrown as InvalidConfigError;
      }
    })();

    // Assert
    expect((error as InvalidConfigError).field).toBe('adapters.ecs.families.Render Pdf');
    expect((error as Error).message).toBe('harness.config.json: adapters.ecs.families.Render Pdf is not a family name. To fix this, use letters, digits, - and _.');
  });

  it('names the adapter when its error does not name a field', () => {
    const adapter = {
      name: 'lambda',
      parseConfig: () => {
        throw new Error('functions must be a list');
      },
    };

    expect(() => adapterConfig(config, adapter, SOURCE)).toThrow(
      'harness.config.json: adapters.lambda was refused by the lambda adapter: functions must be a list. To fix this, correct adapters.lambda (see the lambda adapter\'s README).',
    );
  });
});
