import { readFile } from 'node:fs/promises';
import { adapterModuleKind } from './adapter-module.js';
import { describeJsonValue, isRecord } from './validation.js';
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
 *   "adapters": {
 *     "ecs": { "families": { "RenderPdf": { "containers": ["Main"] } } },
 *     "dynamodb": { "package": "./adapters/dynamodb", "tables": ["Orders"] }
 *   }
 * }
 */
export interface HarnessConfig {
  /** Harness stack name: prefixes every stack, table, queue and bucket name. */
  readonly stack: string;
  /** AWS region; when absent, the standard AWS environment decides (`AWS_REGION`, profile). */
  readonly region?: string;
  /**
   * Raw configuration per adapter name, as written in the file; each adapter
   * validates its own. An entry's `"package"` names the adapter's module (see {@link adapterPackage}).
   */
  readonly adapters: Readonly<Record<string, unknown>>;
}

/** Default file name, looked up in the current directory. */
export const DEFAULT_CONFIG_FILE = 'harness.config.json';

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ADAPTER_NAME = /^[a-z][a-z0-9-]{0,49}$/;
const TOP_LEVEL_FIELDS = ['$schema', 'stack', 'region', 'adapters'] as const;

/**
 * The key of an adapter entry that names the adapter's module, a package name
 * or a path relative to the config file's folder, when it is not `@harness/<name>`:
 * `"dynamodb": { "package": "./adapters/dynamodb", … }`.
 */
export const ADAPTER_PACKAGE_FIELD = 'package';

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
  for (const [name, entry] of Object.entries(adapters)) {
    if (!ADAPTER_NAME.test(name)) {
      throw new InvalidConfigError(source, `adapters.${name}`, 'is not a valid adapter name', adapterKeyFix(name));
    }
    const specifier = isRecord(entry) ? entry[ADAPTER_PACKAGE_FIELD] : undefined;
    if (specifier !== undefined && (typeof specifier !== 'string' || adapterModuleKind(specifier) === undefined)) {
      throw new InvalidConfigError(
        source,
        `adapters.${name}.${ADAPTER_PACKAGE_FIELD}`,
        `is ${describeJsonValue(specifier)}, not a package name or a path`,
        `write a package name ("${ADAPTER_PACKAGE_FIELD}": "@acme/harness-${name}") or a path relative to this file's folder ("${ADAPTER_PACKAGE_FIELD}": "./adapters/${name}")`,
      );
    }
  }

  return {
    stack,
    ...(region !== undefined ? { region } : {}),
    adapters: { ...adapters },
  };
}

function adapterKeyFix(key: string): string {
  if (key.startsWith('@harness/')) return `use the adapter's name, "${key.slice('@harness/'.length)}" for ${key}`;
  if (adapterModuleKind(key) !== undefined) {
    return `use the adapter's name as the key (lowercase letters, digits and hyphens) and name its module inside: "<name>": {"${ADAPTER_PACKAGE_FIELD}": "${key}", …}`;
  }
  return 'use the adapter\'s name: lowercase letters, digits and hyphens, e.g. "ecs"';
}

/**
 * The module an adapter entry names with `"package"` (a package name, or a
 * path relative to the config file's folder), or undefined when it names none
 * (the adapter is then `@harness/<name>`).
 *
 * @example
 * adapterPackage({ adapters: { dynamodb: { package: './adapters/dynamodb', tables: [] } } }, 'dynamodb'); // './adapters/dynamodb'
 */
export function adapterPackage(config: Pick<HarnessConfig, 'adapters'>, name: string): string | undefined {
  const entry = config.adapters[name];
  const specifier = isRecord(entry) ? entry[ADAPTER_PACKAGE_FIELD] : undefined;
  return typeof specifier === 'string' ? specifier : undefined;
}

/**
 * The adapter's validated config from a harness config. An adapter without an
 * entry gets `{}` to validate (most adapters then ask for their doubles).
 * The entry's `"package"` is harness's, not the adapter's: the adapter does not see it.
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
  const raw = withoutPackage(config.adapters[adapter.name] ?? {});
  try {
    return adapter.parseConfig(raw);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    // Adapters name their fields from `adapters.<name>`; keep that field and its sentence as they are. A field the
    // error carries wins over the message's first word: a key the user wrote may hold spaces (`families.Render Pdf`).
    const prefix = `adapters.${adapter.name}`;
    const carried = (error as { field?: unknown }).field;
    const space = error.message.indexOf(' ');
    const fieldLength =
      typeof carried === 'string' && carried.startsWith(prefix) && error.message.startsWith(`${carried} `) ? carried.length : space;
    const named = error.message.startsWith(prefix) && fieldLength > 0;
    const field = named ? error.message.slice(0, fieldLength) : prefix;
    const rest = named ? error.message.slice(fieldLength + 1) : `was refused by the ${adapter.name} adapter: ${error.message}`;
    throw new InvalidConfigError(
      source,
      field,
      stripFix(rest),
      fixOf(rest) ?? `correct ${prefix} (see the ${adapter.name} adapter's README)`,
      { cause: error },
    );
  }
}

function withoutPackage(raw: unknown): unknown {
  if (!isRecord(raw) || !Object.hasOwn(raw, ADAPTER_PACKAGE_FIELD)) return raw;
  const { [ADAPTER_PACKAGE_FIELD]: _package, ...settings } = raw;
  return settings;
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

