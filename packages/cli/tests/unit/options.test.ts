import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { withDeployOptions } from '../../src/commands/deploy/command-object.js';
import { withDestroyOptions } from '../../src/commands/destroy/command-object.js';
import { withSynthOptions } from '../../src/commands/synth/command-object.js';
import {
  DEFAULT_TIMEOUT_MS,
  parseAdapterList,
  parseDuration,
  withAdaptersOption,
  withGlobalOptions,
  withTimeoutOption,
} from '../../src/options.js';

const parser = () => withGlobalOptions(yargs()).exitProcess(false).fail(false).strict();

describe('Function: withGlobalOptions', () => {
  it('defaults the config to harness.config.json and leaves stack and region to the config', () => {
    const argv = parser().parseSync([]);

    expect(argv.config).toBe('harness.config.json');
    expect(argv.stack).toBeUndefined();
    expect(argv.region).toBeUndefined();
  });

  it('takes --config, --stack and --region', () => {
    const argv = parser().parseSync(['--config', 'ci/harness.json', '--stack', 'harness-ci', '--region', 'eu-west-1']);

    expect(argv).toMatchObject({ config: 'ci/harness.json', stack: 'harness-ci', region: 'eu-west-1' });
  });

  it('refuses --stack without a value', () => {
    expect(() => parser().parseSync(['--stack'])).toThrow(/Not enough arguments following: stack/);
  });
});

describe('Function: withAdaptersOption', () => {
  const adapters = () => withAdaptersOption(parser(), 'adapters');

  it.each([
    [['--adapters', 'ecs'], ['ecs']],
    [['--adapters', 'ecs,lambda'], ['ecs', 'lambda']],
    [['--adapters', 'ecs', 'lambda'], ['ecs', 'lambda']],
    [['--adapters', 'ecs', '--adapters', 'lambda,ecs'], ['ecs', 'lambda']],
    [['--adapters', 'ecs,@acme/harness-dynamodb,./adapters/queue'], ['ecs', '@acme/harness-dynamodb', './adapters/queue']],
    [['--adapters', '@harness/ecs', '../shared/queue.mjs', '/opt/adapters/queue'], ['@harness/ecs', '../shared/queue.mjs', '/opt/adapters/queue']],
    [[], undefined],
  ])('parses %j as %j', (args, expected) => {
    expect(adapters().parseSync(args).adapters).toEqual(expected);
  });

  it('refuses what is neither an adapter name, a package name nor a path', () => {
    expect(() => adapters().parseSync(['--adapters', 'ecs,My Adapter'])).toThrow(
      "--adapters: 'My Adapter' is not an adapter name, a package name or a path. To fix this, name each adapter by its name (ecs), its package (@acme/harness-dynamodb) or its path (./adapters/dynamodb), e.g. --adapters ecs,./adapters/dynamodb.",
    );
  });
});

describe('Function: parseAdapterList', () => {
  it('refuses an empty list', () => {
    expect(() => parseAdapterList([','])).toThrow(/--adapters is empty\. To fix this/);
  });
});

describe('Function: parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['30', 1_800_000],
    ['1h', 3_600_000],
    ['1.5m', 90_000],
    ['500ms', 500],
    [45, 2_700_000],
  ])('reads %j as %d ms', (value, expected) => {
    expect(parseDuration(value)).toBe(expected);
  });

  it.each(['', 'soon', '-5m', '0', '5 days'])('refuses %j', (value) => {
    expect(() => parseDuration(value)).toThrow(/is not a duration\. To fix this, write e\.g\. 90s, 30m or 1h\./);
  });

  it('defaults --timeout to 30 minutes', () => {
    expect(withTimeoutOption(parser()).parseSync([]).timeout).toBe(DEFAULT_TIMEOUT_MS);
    expect(DEFAULT_TIMEOUT_MS).toBe(30 * 60_000);
  });
});

describe('Function: withDeployOptions', () => {
  it('parses a full deploy command line', () => {
    const argv = withDeployOptions(parser()).parseSync([
      '--adapters',
      'ecs,lambda',
      '--stack',
      'harness-ci',
      '--json',
      '--timeout',
      '10m',
    ]);

    expect(argv).toMatchObject({ adapters: ['ecs', 'lambda'], stack: 'harness-ci', json: true, timeout: 600_000 });
  });

  it('defaults to every adapter, a table and 30 minutes', () => {
    const argv = withDeployOptions(parser()).parseSync([]);

    expect(argv.adapters).toBeUndefined();
    expect(argv).toMatchObject({ json: false, timeout: 1_800_000 });
  });
});

describe('Function: withDestroyOptions', () => {
  it('asks by default and takes --yes or -y', () => {
    expect(withDestroyOptions(parser()).parseSync([]).yes).toBe(false);
    expect(withDestroyOptions(parser()).parseSync(['--yes']).yes).toBe(true);
    expect(withDestroyOptions(parser()).parseSync(['-y']).yes).toBe(true);
  });
});

describe('Function: withSynthOptions', () => {
  it('writes to harness.out unless told otherwise', () => {
    expect(withSynthOptions(parser()).parseSync([]).out).toBe('harness.out');
    expect(withSynthOptions(parser()).parseSync(['--out', '/tmp/t']).out).toBe('/tmp/t');
  });
});
