import { ConfigError } from './errors.js';

/**
 * Stack naming: one core stack per harness stack name, one stack per adapter,
 * so adapters deploy, update and destroy independently.
 */

/** Name of the core stack (routes table, results table, artifacts bucket). */
export function coreStackName(stack: string): string {
  return `${stack}-core`;
}

/** Name of an adapter's stack, e.g. `harness-dev-ecs`. */
export function adapterStackName(stack: string, adapter: string): string {
  return `${stack}-${adapter}`;
}

/** Outputs of the core stack, by output key. */
export const CORE_OUTPUTS = {
  routesTable: 'RoutesTableName',
  resultsTable: 'ResultsTableName',
  artifactsBucket: 'ArtifactsBucketName',
} as const;

/** Prefix of every session queue of a stack; the doubles' IAM policies allow sending to it and nothing else. */
export function sessionQueuePrefix(stack: string): string {
  return `${stack}-session-`;
}

const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/** Checks a harness stack name; the error says what is allowed. */
export function validateStackName(stack: string): string {
  if (!STACK_NAME.test(stack)) {
    throw new ConfigError(
      `'${stack}' is not a valid harness stack name. To fix this, use 1-40 letters, digits and hyphens, starting with a letter (it prefixes stack, table, queue and bucket names).`,
    );
  }
  return stack;
}
