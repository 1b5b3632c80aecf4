import { ConfigError } from './errors.js';

/**
 * Errors of `harness.config.json`. Each names the file, the field (as a dotted
 * path, e.g. `adapters.ecs`) and the fix.
 */

/** The config file is not there (or cannot be read). */
export class ConfigFileNotFoundError extends ConfigError {
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(
      `No harness config at ${path}. To fix this, create it (for example {"stack": "harness-dev", "adapters": {"ecs": {"families": {"RenderPdf": {"containers": ["Main"]}}}}}) or pass its path with --config.`,
      options,
    );
  }
}

/** The config file was read but its content is not a valid harness config. */
export class InvalidConfigError extends ConfigError {
  constructor(
    /** Where the config came from: a file path, or a description such as `createHarness options`. */
    readonly source: string,
    /** Dotted path of the bad field, e.g. `stack` or `adapters.ecs`; empty for the whole document. */
    readonly field: string,
    problem: string,
    fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${field ? `${field} ` : ''}${problem}. To fix this, ${fix}.`, options);
  }
}
