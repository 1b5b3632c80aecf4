import { adapterConfig, ConfigError, InvalidConfigError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { parseLambdaConfig } from '../../src/config.js';
import { LAMBDA_DEFAULTS, LAMBDA_RUNTIMES } from '../../src/constants.js';
import { LambdaConfigError } from '../../src/errors.js';
import { lambdaAdapter } from '../../src/adapter.js';

const withFunction = (settings: unknown) => ({ functions: { ChargeCard: settings } });

function errorOf(raw: unknown): LambdaConfigError {
  try {
    parseLambdaConfig(raw);
  } catch (error) {
    return error as LambdaConfigError;
  }
  throw new Error('expected parseLambdaConfig to refuse the config');
}

describe('Function: parseLambdaConfig', () => {
  it('fills in every default', () => {
    // Act
    const config = parseLambdaConfig({ functions: { ChargeCard: {}, 'ship-order_v2': {} } });

    // Assert
    expect(config).toEqual({
      functions: {
        ChargeCard: { functionName: 'ChargeCard', runtime: 'nodejs22.x', timeoutSeconds: 30, memoryMb: 256 },
        'ship-order_v2': { functionName: 'ship-order_v2', runtime: 'nodejs22.x', timeoutSeconds: 30, memoryMb: 256 },
      },
    });
    expect(LAMBDA_DEFAULTS).toEqual({ runtime: 'nodejs22.x', timeoutSeconds: 30, memoryMb: 256 });
  });

  it('keeps every setting it is given', () => {
    // Act
    const config = parseLambdaConfig(withFunction({ runtime: 'nodejs20.x', timeoutSeconds: 900, memoryMb: 10_240 }));

    // Assert
    expect(config.functions.ChargeCard).toEqual({ functionName: 'ChargeCard', runtime: 'nodejs20.x', timeoutSeconds: 900, memoryMb: 10_240 });
  });

  it.each([
    ['no adapters.lambda section (the harness passes {})', {}],
    ['an empty functions object', { functions: {} }],
  ])('accepts %s and lists no functions', (_case, raw) => {
    // Act
    const config = parseLambdaConfig(raw);

    // Assert
    expect(config).toEqual({ functions: {} });
  });

  it.each(LAMBDA_RUNTIMES)('accepts runtime %s', (runtime) => {
    // Act
    const config = parseLambdaConfig(withFunction({ runtime }));

    // Assert
    expect(config.functions.ChargeCard?.runtime).toBe(runtime);
  });

  it.each([
    ['the shortest name', 'a'],
    ['a 64-character name', 'f'.repeat(64)],
    ['hyphens, underscores and digits', 'charge-card_2'],
  ])('accepts %s', (_case, name) => {
    // Act
    const config = parseLambdaConfig({ functions: { [name]: {} } });

    // Assert
    expect(Object.keys(config.functions)).toEqual([name]);
  });

  const refused: [string, unknown, string][] = [
    ['not an object', 'ChargeCard', 'adapters.lambda'],
    ['a list', [], 'adapters.lambda'],
    ['an unknown setting', { functions: {}, funtions: {} }, 'adapters.lambda.funtions'],
    ['functions as a list', { functions: ['ChargeCard'] }, 'adapters.lambda.functions'],
    ['a name with a space', { functions: { 'Charge Card': {} } }, 'adapters.lambda.functions'],
    ['a name with a dot', { functions: { 'charge.card': {} } }, 'adapters.lambda.functions'],
    ['a 65-character name', { functions: { [`F${'x'.repeat(64)}`]: {} } }, 'adapters.lambda.functions'],
    ['an empty name', { functions: { '': {} } }, 'adapters.lambda.functions'],
    ['a function ARN as the name', { functions: { 'arn:aws:lambda:us-east-1:123456789012:function:ChargeCard': {} } }, 'adapters.lambda.functions'],
    ['a qualified name', { functions: { 'ChargeCard:prod': {} } }, 'adapters.lambda.functions'],
    ['settings that are a number', withFunction(7), 'adapters.lambda.functions.ChargeCard'],
    ['settings that are null', withFunction(null), 'adapters.lambda.functions.ChargeCard'],
    ['an unknown function setting', withFunction({ memorySize: 512 }), 'adapters.lambda.functions.ChargeCard.memorySize'],
    ['a Python runtime', withFunction({ runtime: 'python3.12' }), 'adapters.lambda.functions.ChargeCard.runtime'],
    ['a retired Node.js runtime', withFunction({ runtime: 'nodejs18.x' }), 'adapters.lambda.functions.ChargeCard.runtime'],
    ['a timeout of zero', withFunction({ timeoutSeconds: 0 }), 'adapters.lambda.functions.ChargeCard.timeoutSeconds'],
    ['a timeout over 15 minutes', withFunction({ timeoutSeconds: 901 }), 'adapters.lambda.functions.ChargeCard.timeoutSeconds'],
    ['a fractional timeout', withFunction({ timeoutSeconds: 2.5 }), 'adapters.lambda.functions.ChargeCard.timeoutSeconds'],
    ['a timeout as a string', withFunction({ timeoutSeconds: '30' }), 'adapters.lambda.functions.ChargeCard.timeoutSeconds'],
    ['memory under 128 MB', withFunction({ memoryMb: 64 }), 'adapters.lambda.functions.ChargeCard.memoryMb'],
    ['memory over 10240 MB', withFunction({ memoryMb: 10_241 }), 'adapters.lambda.functions.ChargeCard.memoryMb'],
  ];

  it.each(refused)('refuses %s, naming the field %#', (_case, raw, field) => {
    // Act
    const error = errorOf(raw);

    // Assert
    expect(error).toBeInstanceOf(LambdaConfigError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field} `)).toBe(true);
    expect(error.message).toContain('. To fix this, ');
  });

  it('says what is wrong and how to fix it, in words locked here', () => {
    // Act
    const messages = [
      errorOf('ChargeCard'),
      errorOf({ funtions: {} }),
      errorOf({ functions: ['ChargeCard'] }),
      errorOf({ functions: { 'Charge Card': {} } }),
      errorOf({ functions: { [`F${'x'.repeat(64)}`]: {} } }),
      errorOf({ functions: { 'arn:aws:lambda:us-east-1:123456789012:function:ChargeCard': {} } }),
      errorOf(withFunction(7)),
      errorOf(withFunction({ memorySize: 512 })),
      errorOf(withFunction({ runtime: 'python3.12' })),
      errorOf(withFunction({ timeoutSeconds: 901 })),
      errorOf(withFunction({ memoryMb: 64 })),
    ].map((error) => error.message);

    // Assert
    expect(messages).toMatchInlineSnapshot(`
      [
        "adapters.lambda must be an object, not "ChargeCard". To fix this, write {"functions": {"ChargeCard": {}}}.",
        "adapters.lambda.funtions is not a Lambda adapter setting. To fix this, remove it, or use functions.",
        "adapters.lambda.functions must be an object keyed by function name, not an array. To fix this, write {"functions": {"ChargeCard": {}}} (each key is a function name, each value its settings).",
        "adapters.lambda.functions has "Charge Card", which has characters a Lambda function name cannot have (" "). To fix this, use the bare function name, e.g. "ChargeCard": 1-64 letters, digits, hyphens and underscores (ARNs and qualifiers the workflow uses are matched to it).",
        "adapters.lambda.functions has "Fxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", which has 65 characters, over Lambda's 64. To fix this, use the bare function name, e.g. "ChargeCard": 1-64 letters, digits, hyphens and underscores (ARNs and qualifiers the workflow uses are matched to it).",
        "adapters.lambda.functions has "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard", which is an ARN or a qualified name, not a function name. To fix this, use the bare function name, e.g. "ChargeCard": 1-64 letters, digits, hyphens and underscores (ARNs and qualifiers the workflow uses are matched to it).",
        "adapters.lambda.functions.ChargeCard must be an object, not 7. To fix this, write {} for the defaults, or e.g. {"timeoutSeconds": 30, "memoryMb": 256}.",
        "adapters.lambda.functions.ChargeCard.memorySize is not a Lambda function setting. To fix this, remove it, or use one of runtime, timeoutSeconds, memoryMb.",
        "adapters.lambda.functions.ChargeCard.runtime is "python3.12", which the Lambda double cannot run on. To fix this, use one of nodejs20.x, nodejs22.x, nodejs24.x (default nodejs22.x): the double runs harness code in Node.js, whatever language the real function is written in.",
        "adapters.lambda.functions.ChargeCard.timeoutSeconds is 901. To fix this, use a whole number of seconds from 1 to 900 (Lambda's maximum; default 30).",
        "adapters.lambda.functions.ChargeCard.memoryMb is 64. To fix this, use a whole number of MB from 128 to 10240 (what Lambda allows; default 256).",
      ]
    `);
  });

  it('names the function a bad setting belongs to', () => {
    // Act
    const error = errorOf(withFunction({ memoryMb: 64 }));

    // Assert
    expect(error.functionName).toBe('ChargeCard');
  });

  it('keeps its field and fix when core reports it for a config file', () => {
    // Act
    let reported: unknown;
    try {
      adapterConfig({ stack: 'hx', adapters: { lambda: withFunction({ timeoutSeconds: 0 }) } }, lambdaAdapter, 'harness.config.json');
    } catch (error) {
      reported = error;
    }

    // Assert
    expect(reported).toBeInstanceOf(InvalidConfigError);
    expect((reported as InvalidConfigError).field).toBe('adapters.lambda.functions.ChargeCard.timeoutSeconds');
    expect((reported as Error).message).toMatchInlineSnapshot(`"harness.config.json: adapters.lambda.functions.ChargeCard.timeoutSeconds is 0. To fix this, use a whole number of seconds from 1 to 900 (Lambda's maximum; default 30)."`);
  });
});
