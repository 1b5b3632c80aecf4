import { describeJsonValue, isRecord } from '@harness/core';
import { LAMBDA_DEFAULTS, LAMBDA_LIMITS, LAMBDA_RUNTIMES } from './constants.js';
import { LambdaConfigError } from './errors.js';

/** A runtime a Lambda double may use (see {@link LAMBDA_RUNTIMES}). */
export type LambdaRuntime = (typeof LAMBDA_RUNTIMES)[number];

/** One Lambda function to double, with every default filled in. */
export interface LambdaFunctionConfig {
  /** The function's name, as the workflow's `FunctionName` or function ARN names it. */
  readonly functionName: string;
  /** The runtime of the aws-target double (the local target runs handlers in this process). */
  readonly runtime: LambdaRuntime;
  /** How long the aws-target double waits for the test's answer, in seconds (Lambda's timeout). */
  readonly timeoutSeconds: number;
  /** The aws-target double's memory, in MB. */
  readonly memoryMb: number;
}

/** The Lambda adapter's validated configuration (`adapters.lambda` in harness.config.json). */
export interface LambdaConfig {
  /**
   * Functions by name, in the order the config lists them. Empty when the
   * config lists none: the local target then lets a test mock any function name.
   */
  readonly functions: Readonly<Record<string, LambdaFunctionConfig>>;
}

const ROOT = 'adapters.lambda';
const CONFIG_FIELDS = ['functions'] as const;
const FUNCTION_FIELDS = ['runtime', 'timeoutSeconds', 'memoryMb'] as const;
const EXAMPLE = '{"functions": {"ChargeCard": {}}}';

/** Lambda's rule for a function name. */
export const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Validates the Lambda adapter's raw configuration and fills in the defaults.
 * Errors name the field (`adapters.lambda.functions.ChargeCard.memoryMb`) and the fix.
 *
 * @example
 * const config = parseLambdaConfig({ functions: { ChargeCard: { timeoutSeconds: 10 } } });
 * config.functions.ChargeCard?.memoryMb; // 256
 */
export function parseLambdaConfig(raw: unknown): LambdaConfig {
  if (!isRecord(raw)) {
    throw new LambdaConfigError(ROOT, `must be an object, not ${describeJsonValue(raw)}`, `write ${EXAMPLE}`);
  }
  for (const key of Object.keys(raw)) {
    if (!(CONFIG_FIELDS as readonly string[]).includes(key)) {
      throw new LambdaConfigError(`${ROOT}.${key}`, 'is not a Lambda adapter setting', `remove it, or use ${CONFIG_FIELDS.join(', ')}`);
    }
  }
  if (raw.functions === undefined) return { functions: {} };
  if (!isRecord(raw.functions)) {
    throw new LambdaConfigError(
      `${ROOT}.functions`,
      `must be an object keyed by function name, not ${describeJsonValue(raw.functions)}`,
      `write ${EXAMPLE} (each key is a function name, each value its settings)`,
    );
  }
  const functions: Record<string, LambdaFunctionConfig> = {};
  for (const [functionName, settings] of Object.entries(raw.functions)) {
    functions[functionName] = parseFunction(functionName, settings);
  }
  return { functions };
}

function parseFunction(functionName: string, raw: unknown): LambdaFunctionConfig {
  const field = `${ROOT}.functions.${functionName}`;
  if (!FUNCTION_NAME_PATTERN.test(functionName)) {
    // The name goes in the sentence, not the field path: a path must not hold the spaces a bad name may have.
    throw new LambdaConfigError(
      `${ROOT}.functions`,
      `has ${JSON.stringify(functionName)}, which ${describeBadName(functionName)}`,
      `use the bare function name, e.g. "ChargeCard": 1-${LAMBDA_LIMITS.maxFunctionNameLength} letters, digits, hyphens and underscores (ARNs and qualifiers the workflow uses are matched to it)`,
      functionName,
    );
  }
  if (!isRecord(raw)) {
    throw new LambdaConfigError(
      field,
      `must be an object, not ${describeJsonValue(raw)}`,
      `write {} for the defaults, or e.g. {"timeoutSeconds": ${LAMBDA_DEFAULTS.timeoutSeconds}, "memoryMb": ${LAMBDA_DEFAULTS.memoryMb}}`,
      functionName,
    );
  }
  for (const key of Object.keys(raw)) {
    if (!(FUNCTION_FIELDS as readonly string[]).includes(key)) {
      throw new LambdaConfigError(`${field}.${key}`, 'is not a Lambda function setting', `remove it, or use one of ${FUNCTION_FIELDS.join(', ')}`, functionName);
    }
  }

  let runtime: LambdaRuntime = LAMBDA_DEFAULTS.runtime;
  if (raw.runtime !== undefined) {
    if (!isRuntime(raw.runtime)) {
      throw new LambdaConfigError(
        `${field}.runtime`,
        `is ${describeJsonValue(raw.runtime)}, which the Lambda double cannot run on`,
        `use one of ${LAMBDA_RUNTIMES.join(', ')} (default ${LAMBDA_DEFAULTS.runtime}): the double runs harness code in Node.js, whatever language the real function is written in`,
        functionName,
      );
    }
    runtime = raw.runtime;
  }

  const timeoutSeconds = parseWholeNumber(
    raw.timeoutSeconds,
    `${field}.timeoutSeconds`,
    functionName,
    LAMBDA_LIMITS.minTimeoutSeconds,
    LAMBDA_LIMITS.maxTimeoutSeconds,
    LAMBDA_DEFAULTS.timeoutSeconds,
    'seconds',
    "Lambda's maximum",
  );
  const memoryMb = parseWholeNumber(
    raw.memoryMb,
    `${field}.memoryMb`,
    functionName,
    LAMBDA_LIMITS.minMemoryMb,
    LAMBDA_LIMITS.maxMemoryMb,
    LAMBDA_DEFAULTS.memoryMb,
    'MB',
    'what Lambda allows',
  );
  return { functionName, runtime, timeoutSeconds, memoryMb };
}

function parseWholeNumber(
  raw: unknown,
  field: string,
  functionName: string,
  min: number,
  max: number,
  fallback: number,
  unit: string,
  bound: string,
): number {
  if (raw === undefined) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new LambdaConfigError(
      field,
      `is ${describeJsonValue(raw)}`,
      `use a whole number of ${unit} from ${min} to ${max} (${bound}; default ${fallback})`,
      functionName,
    );
  }
  return raw;
}

function describeBadName(name: string): string {
  if (name.length === 0) return 'is empty';
  if (name.includes(':')) return 'is an ARN or a qualified name, not a function name';
  if (name.length > LAMBDA_LIMITS.maxFunctionNameLength) return `has ${name.length} characters, over Lambda's ${LAMBDA_LIMITS.maxFunctionNameLength}`;
  const bad = [...new Set(name.replace(/[A-Za-z0-9_-]/g, ''))].map((character) => JSON.stringify(character)).join(', ');
  return `has characters a Lambda function name cannot have (${bad})`;
}

function isRuntime(value: unknown): value is LambdaRuntime {
  return typeof value === 'string' && (LAMBDA_RUNTIMES as readonly string[]).includes(value);
}
