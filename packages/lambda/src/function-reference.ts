import { DEFAULT_ARN_PARTS } from './constants.js';

/**
 * A function as a caller names it: Lambda's `Invoke` accepts a name
 * (`ChargeCard`), a name with a qualifier (`ChargeCard:prod`), a partial ARN
 * (`123456789012:function:ChargeCard`) or a full ARN
 * (`arn:aws:lambda:us-east-1:123456789012:function:ChargeCard:1`).
 */
export interface FunctionReference {
  readonly functionName: string;
  /** A version (`1`), an alias (`prod`) or `$LATEST`, when the reference has one. */
  readonly qualifier?: string;
  readonly partition?: string;
  readonly region?: string;
  readonly account?: string;
}

// Lambda's `FunctionName` grammar: every part before the name is optional.
const FUNCTION_NAME =
  /^(?:arn:(aws[a-z-]*):lambda:)?(?:([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

// A `Resource` must be a complete function ARN.
const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** Lambda's pattern for `FunctionName`, as it quotes it in validation errors. */
export const FUNCTION_NAME_CONSTRAINT =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';

/** Parses a `FunctionName` as Lambda's `Invoke` accepts it; `undefined` when Lambda would refuse it. */
export function parseFunctionName(value: string): FunctionReference | undefined {
  const match = FUNCTION_NAME.exec(value);
  if (!match) return undefined;
  return reference(match[4] ?? '', match[5], match[1], match[2], match[3]);
}

/** Parses a function ARN used as a state's `Resource`; `undefined` when it is not a complete one. */
export function parseFunctionArn(value: string): FunctionReference | undefined {
  const match = FUNCTION_ARN.exec(value);
  if (!match) return undefined;
  return reference(match[4] ?? '', match[5], match[1], match[2], match[3]);
}

/** Whether a `Resource` is meant as a function ARN (`arn:<partition>:lambda:…:function:…`), valid or not. */
export function looksLikeFunctionArn(resource: string): boolean {
  return /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:/.test(resource);
}

/**
 * The full ARN Lambda resolves a reference to: parts the reference leaves out
 * come from `fallback` (the state machine's partition, region and account).
 */
export function functionArn(
  reference: FunctionReference,
  fallback: { readonly partition?: string; readonly region?: string; readonly account?: string } = {},
): string {
  const partition = reference.partition ?? fallback.partition ?? DEFAULT_ARN_PARTS.partition;
  const region = reference.region ?? fallback.region ?? DEFAULT_ARN_PARTS.region;
  const account = reference.account ?? fallback.account ?? DEFAULT_ARN_PARTS.account;
  const qualifier = reference.qualifier === undefined ? '' : `:${reference.qualifier}`;
  return `arn:${partition}:lambda:${region}:${account}:function:${reference.functionName}${qualifier}`;
}

/** Partition, region and account of an ARN such as a state machine's (`arn:aws:states:eu-west-1:123456789012:stateMachine:Flow`). */
export function arnParts(arn: string): { partition?: string; region?: string; account?: string } {
  const [prefix, partition, , region, account] = arn.split(':');
  if (prefix !== 'arn') return {};
  return {
    ...(partition ? { partition } : {}),
    ...(region ? { region } : {}),
    ...(account ? { account } : {}),
  };
}

function reference(
  functionName: string,
  qualifier: string | undefined,
  partition: string | undefined,
  region: string | undefined,
  account: string | undefined,
): FunctionReference {
  return {
    functionName,
    ...(qualifier !== undefined ? { qualifier } : {}),
    ...(partition !== undefined ? { partition } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(account !== undefined ? { account } : {}),
  };
}
