import { isAbsolute, resolve } from 'node:path';
import {
  adapterConfig,
  ConfigFileNotFoundError,
  loadConfig,
  validateStackName,
  AdapterRegistry,
  type AnyAdapter,
  type HarnessConfig,
} from '@harness/core';
import { UsageError } from './errors.js';
import type { AdaptersArgs, GlobalArgs } from './options.js';
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
  return { configPath, config, stack, region: args.region ?? config?.region };
}

/** The adapters a command acts on: those of --adapters, or every adapter of the config. */
export function selectAdapterNames(args: AdaptersArgs, settings: CommandSettings): string[] {
  if (args.adapters !== undefined) return args.adapters;
  return Object.keys(settings.config?.adapters ?? {});
}

/** An adapter with its validated config. */
export interface LoadedAdapter {
  readonly name: string;
  readonly adapter: AnyAdapter;
  readonly config: unknown;
}

/**
 * Imports each adapter (`@harness/<name>`, its `harnessAdapter`) and validates
 * its config from the config file. Fails before anything touches AWS.
 */
export async function loadAdapters(
  names: readonly string[],
  settings: CommandSettings,
  registry: AdapterRegistry = new AdapterRegistry((specifier) => import(specifier) as Promise<Record<string, unknown>>),
): Promise<LoadedAdapter[]> {
  const loaded: LoadedAdapter[] = [];
  for (const name of names) {
    const adapter = await registry.load(name);
    const config = adapterConfig(settings.config ?? { stack: settings.stack, adapters: {} }, adapter, settings.configPath);
    loaded.push({ name, adapter, config });
  }
  return loaded;
}
