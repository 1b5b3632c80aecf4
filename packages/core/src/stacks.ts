import { ConfigError, StackOutputError } from './errors.js';

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

/** ARN: `arn:partition:service:region:account:resource`; region and account may be empty (IAM, S3). */
const ARN = /^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/;
/** An output key that names an ARN: `ClusterArn`, `FunctionArnChargeCard` (not `Arnold`). */
const ARN_KEY = /Arn(?=[A-Z0-9_]|$)/;
/** What AWS-compatible endpoints put in an output they could not resolve. */
const PLACEHOLDERS = new Set(['unknown', 'undefined', 'null', 'none', 'nan']);
/** Of those, the ones no output of any key holds on purpose (LocalStack's, for an attribute it could not resolve). */
const UNRESOLVED = new Set(['unknown', 'undefined']);
/** DynamoDB table names (3–255 of letters, digits, `_ . -`). */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** S3 bucket names (3–63 of lower-case letters, digits, `.` and `-`, starting and ending with a letter or digit). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Checks a stack's outputs for shape and returns them: an output key that
 * names an ARN (`…Arn`, `…Arn<Name>`) must hold an ARN, any value starting
 * with `arn:` must be a whole ARN, a `…Name` output must not be a placeholder
 * (`unknown`, `none`…), no output may be `unknown` or `undefined` (an ECS
 * `TaskDefinition<Family>` holds an ARN under a key without `Arn`), and the core stack's table and bucket names must be valid
 * names. Throws {@link StackOutputError} listing every output refused.
 *
 * @example
 * const outputs = checkStackOutputs('harness-dev-ecs', { ClusterArn: 'unknown' }); // throws StackOutputError
 */
export function checkStackOutputs<T extends Readonly<Record<string, string>>>(stackName: string, outputs: T): T {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(outputs)) {
    const shown = `${key} = ${JSON.stringify(value)}`;
    if ((ARN_KEY.test(key) || value.startsWith('arn:')) && !ARN.test(value)) problems.push(`${shown} (not an ARN)`);
    else if (key.endsWith('Name') && PLACEHOLDERS.has(value.trim().toLowerCase())) problems.push(`${shown} (a placeholder, not a name)`);
    else if (UNRESOLVED.has(value.trim().toLowerCase())) problems.push(`${shown} (a placeholder, not a value)`);
    else if ((key === CORE_OUTPUTS.routesTable || key === CORE_OUTPUTS.resultsTable) && !TABLE_NAME.test(value)) problems.push(`${shown} (not a DynamoDB table name)`);
    else if (key === CORE_OUTPUTS.artifactsBucket && !BUCKET_NAME.test(value)) problems.push(`${shown} (not an S3 bucket name)`);
  }
  if (problems.length > 0) throw new StackOutputError(stackName, problems);
  return outputs;
}

/**
 * The CloudFormation stack statuses whose resources are all in place, so tests can use the stack as it is
 * ("Stack status codes", CloudFormation User Guide). `createHarness` reads the outputs of a stack only in one
 * of these; `harness deploy` updates such a stack and takes every other status somewhere first.
 */
export const USABLE_STACK_STATUSES: ReadonlySet<string> = new Set([
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
]);

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
