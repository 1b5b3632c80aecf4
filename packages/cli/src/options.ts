import { adapterModuleKind } from '@harness/core';
import type { Argv } from 'yargs';
import { UsageError } from './errors.js';

/**
 * Option builders shared by the commands. Plain functions over a yargs
 * instance, so each is tested alone with `parseSync`.
 */

/** Options every command accepts. */
export interface GlobalArgs {
  /** Path of harness.config.json (relative to the working directory). */
  readonly config: string;
  /** Overrides the config's `stack`. */
  readonly stack: string | undefined;
  /** Overrides the config's `region` and the AWS environment's. */
  readonly region: string | undefined;
}

export interface AdaptersArgs {
  /**
   * The adapters, each as an adapter name (`ecs`), a package name
   * (`@acme/harness-dynamodb`) or a path (`./adapters/dynamodb`, relative to
   * the working directory); undefined means every adapter of the config.
   */
  readonly adapters: string[] | undefined;
}

export interface JsonArgs {
  readonly json: boolean;
}

export interface TimeoutArgs {
  /** Wait timeout per stack, in milliseconds. */
  readonly timeout: number;
}

/** Default wait for one stack operation: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** An adapter's name: the `adapters.<name>` key of harness.config.json and the `<stack>-<name>` stack suffix. */
export const ADAPTER_NAME = /^[a-z][a-z0-9-]{0,49}$/;

export function withGlobalOptions<T>(yargs: Argv<T>): Argv<T & GlobalArgs> {
  return yargs
    .option('config', {
      type: 'string',
      default: 'harness.config.json',
      describe: 'Path of the harness config file',
      global: true,
      requiresArg: true,
    })
    .option('stack', {
      type: 'string',
      describe: 'Harness stack name (overrides "stack" in the config)',
      global: true,
      requiresArg: true,
    })
    .option('region', {
      type: 'string',
      describe: 'AWS region (overrides the config and AWS_REGION)',
      global: true,
      requiresArg: true,
    }) as unknown as Argv<T & GlobalArgs>;
}

export function withAdaptersOption<T>(yargs: Argv<T>, describe: string): Argv<T & AdaptersArgs> {
  return yargs.option('adapters', {
    type: 'string',
    array: true,
    describe,
    coerce: parseAdapterList,
  }) as unknown as Argv<T & AdaptersArgs>;
}

export function withJsonOption<T>(yargs: Argv<T>): Argv<T & JsonArgs> {
  return yargs.option('json', {
    type: 'boolean',
    default: false,
    describe: 'Print machine-readable JSON on stdout (progress still goes to stderr)',
  }) as unknown as Argv<T & JsonArgs>;
}

export function withTimeoutOption<T>(yargs: Argv<T>): Argv<T & TimeoutArgs> {
  return yargs.option('timeout', {
    type: 'string',
    default: '30m',
    describe: 'How long to wait for each stack: 90s, 30m, 1h (a bare number is minutes)',
    coerce: parseDuration,
    requiresArg: true,
  }) as unknown as Argv<T & TimeoutArgs>;
}

/**
 * `['ecs,lambda', './adapters/queue']` → `['ecs', 'lambda', './adapters/queue']`. Each entry is
 * an adapter name (`ecs`), a package name (`@acme/harness-dynamodb`) or a path
 * (`./adapters/dynamodb`); a word without `/` is always a name. Refuses anything else.
 */
export function parseAdapterList(values: unknown): string[] | undefined {
  if (values === undefined) return undefined;
  const list = (Array.isArray(values) ? values : [values]).flatMap((value) => String(value).split(','));
  const references: string[] = [];
  for (const raw of list) {
    const reference = raw.trim();
    if (reference === '') continue;
    if (!ADAPTER_NAME.test(reference) && adapterModuleKind(reference) === undefined) {
      throw new UsageError(
        `--adapters: '${reference}' is not an adapter name, a package name or a path. ` +
          'To fix this, name each adapter by its name (ecs), its package (@acme/harness-dynamodb) or its path (./adapters/dynamodb), e.g. --adapters ecs,./adapters/dynamodb.',
      );
    }
    if (!references.includes(reference)) references.push(reference);
  }
  if (references.length === 0) {
    throw new UsageError('--adapters is empty. To fix this, name at least one adapter (--adapters ecs), or leave the option out to use every adapter of the config.');
  }
  return references;
}

/** `90s` → 90 000, `30m` / `30` → 1 800 000, `1h` → 3 600 000 (milliseconds). */
export function parseDuration(value: unknown): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(String(value).trim());
  const amount = match ? Number(match[1]) : Number.NaN;
  if (!match || !(amount > 0)) {
    throw new UsageError(`--timeout: '${String(value)}' is not a duration. To fix this, write e.g. 90s, 30m or 1h.`);
  }
  const unit = match[2] ?? 'm';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'h' ? 3_600_000 : 60_000;
  return Math.round(amount * factor);
}
