import { describeJsonValue, isRecord } from './validation.js';
import { readFile } from 'node:fs/promises';
import { ConfigFileNotFoundError, InvalidConfigError } from './errors-config.js';
import type { AnyAdapter } from './types/adapter.js';

/**
 * `harness.config.json`: the stack name, the region (optional) and, per
 * adapter, that adapter's raw configuration (validated by the adapter).
 *
 * @example
 * {
 *   "stack": "harness-dev",
 *   "region": "eu-west-1",
 *   "adapters": { "ecs": { "families": { "RenderPdf": { "containers": ["Main"] } } } }
 * }
 */
export interface HarnessConfig {
  /** Harness stack name: prefixes every stack, table, queue and bucket name. */
  readonly stack: string;
  /** AWS region; when absent, the standard AWS environment decides (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Raw configuration per adapter name, as written in the file; each adapter validates its own. */
  readonly adapters: Readonly<Record<string, unknown>>;
}

/** Default file name, looked up in the current directory. */
export const DEFAULT_CONFIG_FILE = 'harness.config.json';

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ADAPTER_NAME = /^[a-z][a-z0-9-]{0,49}$/;
const TOP_LEVEL_FIELDS = ['$schema', 'stack', 'region', 'adapters'] as const;

/**
 * Reads and validates a harness config file.
 *
 * @throws ConfigFileNotFoundError when the file does not exist
 * @throws InvalidConfigError naming the file and the bad field
 *
 * @example
 * const config = await loadConfig('harness.config.json');
 * console.log(config.stack); // 'harness-dev'
 */
export async function loadConfig(path: string): Promise<HarnessConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new ConfigFileNotFoundError(path, { cause: error });
    throw new InvalidConfigError(path, '', `cannot be read (${(error as Error).message})`, 'check the file\'s permissions', {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidConfigError(path, '', `is not valid JSON (${(error as Error).message})`, 'fix the JSON syntax', {
      cause: error,
    });
  }
  return parseHarnessConfig(raw, path);
}

/**
 * Validates a parsed harness config. `source` names where it came from in errors.
 *
 * @example
 * const config = parseHarnessConfig({ stack: 'harness-dev', adapters: {} }, 'inline config');
 */
export function parseHarnessConfig(raw: unknown, source: string): HarnessConfig {
  if (!isRecord(raw)) {
    throw new InvalidConfigError(
      source,
      '',
      `must be a JSON object, not ${describeJsonValue(raw)}`,
      'write {"stack": "harness-dev", "adapters": {}}',
    );
  }
  for (const key of Object.keys(raw)) {
    if (!(TOP_LEVEL_FIELDS as readonly string[]).includes(key)) {
      throw new InvalidConfigError(
        source,
        key,
        'is not a harness config field',
        `remove it, or use one of ${TOP_LEVEL_FIELDS.filter((field) => field !== '$schema').join(', ')} (adapter settings go under adapters.<name>)`,
      );
    }
  }

  const { stack, region, adapters } = raw;
  if (stack === undefined) {
    throw new InvalidConfigError(source, 'stack', 'is missing', 'add "stack": "harness-dev" (any name of 1-40 letters, digits and hyphens)');
  }
  if (typeof stack !== 'string' || !STACK_NAME.test(stack)) {
    throw new InvalidConfigError(
      source,
      'stack',
      `is ${describeJsonValue(stack)}, not a valid harness stack name`,
      'use 1-40 letters, digits and hyphens, starting with a letter (it prefixes stack, table, queue and bucket names)',
    );
  }

  if (region !== undefined && (typeof region !== 'string' || !REGION.test(region))) {
    throw new InvalidConfigError(
      source,
      'region',
      `is ${describeJsonValue(region)}, not an AWS region`,
      'use a region code such as "us-east-1", or remove the field to use AWS_REGION',
    );
  }

  if (adapters === undefined) {
    throw new InvalidConfigError(source, 'adapters', 'is missing', 'add "adapters": {} with one entry per adapter, e.g. {"ecs": {"families": {...}}}');
  }
  if (!isRecord(adapters)) {
    throw new InvalidConfigError(
      source,
      'adapters',
      `must be an object of adapter name to adapter config, not ${describeJsonValue(adapters)}`,
      'write e.g. "adapters": {"ecs": {"families": {"RenderPdf": {"containers": ["Main"]}}}}',
    );
  }
  for (const name of Object.keys(adapters)) {
    if (!ADAPTER_NAME.test(name)) {
      throw new InvalidConfigError(
        source,
        `adapters.${name}`,
        'is not a valid adapter name',
        'use the adapter\'s package name without the scope, e.g. "ecs" for @harness/ecs (lowercase letters, digits and hyphens)',
      );
    }
  }

  return {
    stack,
    ...(region !== undefined ? { region } : {}),
    adapters: { ...adapters },
  };
}

/**
 * The adapter's validated config from a harness config. An adapter without an
 * entry gets `{}` to validate (most adapters then ask for their doubles).
 * The adapter's error is rethrown with the config's source in front.
 *
 * @example
 * const ecsConfig = adapterConfig(config, ecsAdapter, 'harness.config.json');
 */
export function adapterConfig<TConfig>(
  config: HarnessConfig,
  adapter: Pick<AnyAdapter, 'name'> & { parseConfig(raw: unknown): TConfig },
  source: string,
): TConfig {
  const raw = config.adapters[adapter.name] ?? {};
  try {
    return adapter.parseConfig(raw);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    // Adapters name their fields from `adapters.<name>`; keep that field and its sentence as they are.
    const prefix = `adapters.${adapter.name}`;
    const space = error.message.indexOf(' ');
    const named = error.message.startsWith(prefix) && space > 0;
    const field = named ? error.message.slice(0, space) : prefix;
    const rest = named ? error.message.slice(space + 1) : `was refused by the ${adapter.name} adapter: ${error.message}`;
    throw new InvalidConfigError(
      source,
      field,
      stripFix(rest),
      fixOf(rest) ?? `correct ${prefix} (see the @harness/${adapter.name} README)`,
      { cause: error },
    );
  }
}

const FIX_MARK = ' To fix this, ';

function stripFix(message: string): string {
  const at = message.indexOf(FIX_MARK);
  return (at >= 0 ? message.slice(0, at) : message).replace(/\.$/, '');
}

function fixOf(message: string): string | undefined {
  const at = message.indexOf(FIX_MARK);
  return at >= 0 ? message.slice(at + FIX_MARK.length).replace(/\.$/, '') : undefined;
}

