import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ADAPTER_PACKAGE_FIELD,
  adapterConfig,
  AdapterNotFoundError,
  adapterPackage,
  AdapterRegistry,
  ConfigFileNotFoundError,
  loadConfig,
  validateStackName,
  type AnyAdapter,
  type HarnessConfig,
  type ResolvedAdapterModule,
} from '@harness/core';
import { BUILT_IN_ADAPTERS } from './constants.js';
import { UsageError } from './errors.js';
import { ADAPTER_NAME, type AdaptersArgs, type GlobalArgs } from './options.js';
import type { CliRuntime } from './runtime.js';

/** What a command works on: the config, the stack name and the region. */
export interface CommandSettings {
  /** Absolute path of the config file. */
  readonly configPath: string;
  /** Undefined only when the command may run without a config and there is none. */
  readonly config: HarnessConfig | undefined;
  readonly stack: string;
  /** Explicit region (--region or the config); undefined lets the AWS environment decide. */
  readonly region: string | undefined;
  /** The working directory: `--adapters` paths are relative to it. */
  readonly cwd: string;
}

/**
 * Loads the config (when there is one) and applies --stack and --region.
 * With `configOptional`, a missing file is fine as long as --stack names the stack.
 */
export async function resolveSettings(
  args: GlobalArgs,
  runtime: Pick<CliRuntime, 'cwd'>,
  options: { configOptional?: boolean } = {},
): Promise<CommandSettings> {
  const configPath = isAbsolute(args.config) ? args.config : resolve(runtime.cwd, args.config);
  let config: HarnessConfig | undefined;
  try {
    config = await loadConfig(configPath);
  } catch (error) {
    if (!(error instanceof ConfigFileNotFoundError && options.configOptional && args.stack !== undefined)) throw error;
  }
  const stack = args.stack ?? config?.stack;
  if (stack === undefined) {
    throw new UsageError(`No stack name. To fix this, create ${configPath} with a "stack", or pass --stack.`);
  }
  try {
    validateStackName(stack);
  } catch (error) {
    throw new UsageError(`--stack: ${(error as Error).message}`, { cause: error });
  }
  return { configPath, config, stack, region: args.region ?? config?.region, cwd: runtime.cwd };
}

/**
 * The adapters a command acts on, as the user named them: the `--adapters`
 * entries (names, package names, paths), else every adapter of the config (its keys).
 */
export function selectAdapters(args: AdaptersArgs, settings: CommandSettings): string[] {
  if (args.adapters !== undefined) return args.adapters;
  return Object.keys(settings.config?.adapters ?? {});
}

/** An adapter with its validated config. */
export interface LoadedAdapter {
  readonly name: string;
  readonly adapter: AnyAdapter;
  readonly config: unknown;
  /** The module it was imported from: its specifier as written (`@harness/ecs`, `./adapters/queue`) and its file. Undefined for an adapter the registry already had. */
  readonly module?: ResolvedAdapterModule;
}

/** Where a command finds adapters: a fresh registry, and the directories packages are resolved from after the project's. */
export interface AdapterLoading {
  readonly registry?: AdapterRegistry;
  /** Looked in after the config file's folder and the working directory. Default: where this CLI is installed. */
  readonly fallbackFrom?: readonly string[];
}

/** Where this CLI is installed: a last place to find adapter packages (a global install beside global adapters). */
const CLI_DIRECTORY = fileURLToPath(new URL('.', import.meta.url));

/**
 * Imports each adapter and validates its config from the config file. Fails
 * before anything touches AWS. An adapter is found by what `reference` is:
 *
 * - a name (`ecs`, `queue`): the module its config entry names with
 *   `"package"` (a path there is relative to the config file's folder), else
 *   the package `@harness/<name>`;
 * - a package name (`@acme/harness-dynamodb`): that package;
 * - a path (`./adapters/queue`): that file or folder, relative to the working directory.
 *
 * Packages are resolved as an ESM import from the project would: from where
 * they were written first (`--adapters` from the working directory, the config
 * from its folder), then the other of the two, then where the CLI is installed.
 * The module's `harnessAdapter` export is the adapter.
 */
export async function loadAdapters(
  references: readonly string[],
  settings: CommandSettings,
  loading: AdapterLoading = {},
): Promise<LoadedAdapter[]> {
  const registry = loading.registry ?? new AdapterRegistry();
  const loaded: LoadedAdapter[] = [];
  for (const reference of references) {
    const adapter = await loadAdapter(reference, settings, registry, loading.fallbackFrom ?? [CLI_DIRECTORY]);
    if (loaded.some((entry) => entry.name === adapter.name)) continue;
    const config = adapterConfig(settings.config ?? { stack: settings.stack, adapters: {} }, adapter, settings.configPath);
    const module = registry.moduleOf(adapter.name);
    loaded.push({ name: adapter.name, adapter, config, ...(module ? { module } : {}) });
  }
  return loaded;
}

/**
 * The adapter names of `references`, for commands that only need stack names
 * (destroy, outputs): a name is taken as it is; a package or a path is imported
 * to read its adapter's name.
 */
export async function adapterNames(references: readonly string[], settings: CommandSettings, loading: AdapterLoading = {}): Promise<string[]> {
  const registry = loading.registry ?? new AdapterRegistry();
  const names: string[] = [];
  for (const reference of references) {
    const name = ADAPTER_NAME.test(reference)
      ? reference
      : (await loadAdapter(reference, settings, registry, loading.fallbackFrom ?? [CLI_DIRECTORY])).name;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

async function loadAdapter(reference: string, settings: CommandSettings, registry: AdapterRegistry, fallbackFrom: readonly string[]): Promise<AnyAdapter> {
  const configDirectory = dirname(settings.configPath);
  // What the user wrote is resolved from where it was written first: --adapters from the working directory, "package" from the config's folder.
  const from = (first: string) => [...new Set([first, configDirectory, settings.cwd, ...fallbackFrom])];
  if (!ADAPTER_NAME.test(reference)) {
    return registry.loadModule(reference, { from: from(settings.cwd), origin: '--adapters' });
  }
  const configured = settings.config ? adapterPackage(settings.config, reference) : undefined;
  if (configured !== undefined) {
    return registry.loadModule(configured, {
      from: from(configDirectory),
      origin: `adapters.${reference}.${ADAPTER_PACKAGE_FIELD} in ${settings.configPath}`,
      name: reference,
    });
  }
  try {
    return await registry.load(reference, `@harness/${reference}`, { from: from(configDirectory) });
  } catch (error) {
    if (!(error instanceof AdapterNotFoundError) || BUILT_IN_ADAPTERS.includes(reference)) throw error;
    throw unknownAdapter(reference, settings, error);
  }
}

/** A short name that is neither one of harness's adapters nor given a "package": the user's own adapter, not yet located. */
function unknownAdapter(name: string, settings: CommandSettings, cause: AdapterNotFoundError): AdapterNotFoundError {
  const entry = settings.config?.adapters[name] !== undefined;
  return new AdapterNotFoundError(
    cause.specifier,
    cause.tried,
    `There is no adapter '${name}': harness's own adapters are ${BUILT_IN_ADAPTERS.join(', ')}, ` +
      `and ${entry ? `adapters.${name} in ${settings.configPath} names no "${ADAPTER_PACKAGE_FIELD}"` : `${settings.configPath} has no adapters.${name} that names its "${ADAPTER_PACKAGE_FIELD}"`}. ` +
      `To fix this, if ${name} is your own adapter, add "${ADAPTER_PACKAGE_FIELD}": "<its package name, or its path from the config file's folder>" to adapters.${name}, ` +
      `or name it by package or path: --adapters ./adapters/${name}. Otherwise, check the name.`,
    { cause },
  );
}
