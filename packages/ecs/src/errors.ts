import { ConfigError } from '@harness/core';

/**
 * `adapters.ecs` in harness.config.json is not usable. The message names the
 * field as a dotted path (`adapters.ecs.families.RenderPdf.cpu`) and the fix.
 */
export class EcsConfigError extends ConfigError {
  constructor(
    /** Dotted path of the bad field, from `adapters.ecs`. */
    readonly field: string,
    problem: string,
    fix: string,
    /** The family the field belongs to, when it belongs to one. */
    readonly family?: string,
  ) {
    super(`${field} ${problem}. To fix this, ${fix}.`);
  }
}
