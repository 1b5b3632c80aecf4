import { resolveReference } from '../ql/jsonpath.js';
import { StateFailure, type EvaluationScope, type Json, type StateLocation } from '../types.js';
import { statePrefix } from '../errors/names.js';

/**
 * The comparison operators of a JSONPath `Choice` rule ("Choice workflow
 * state", AWS developer guide). A value of the wrong type never matches; a
 * missing `Variable` or `…Path` operand fails the state with States.Runtime,
 * except under `IsPresent`.
 */
type Comparison = (actual: Json, expected: Json) => boolean;

const isString = (value: Json): value is string => typeof value === 'string';
const isNumber = (value: Json): value is number => typeof value === 'number';

/** RFC 3339 timestamps, as Step Functions accepts them (`2024-01-01T00:00:00Z`, fractions, offsets). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export function timestampMs(value: Json): number | undefined {
  if (!isString(value) || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function strings(compare: (a: string, b: string) => boolean): Comparison {
  return (actual, expected) => isString(actual) && isString(expected) && compare(actual, expected);
}
function numbers(compare: (a: number, b: number) => boolean): Comparison {
  return (actual, expected) => isNumber(actual) && isNumber(expected) && compare(actual, expected);
}
function timestamps(compare: (a: number, b: number) => boolean): Comparison {
  return (actual, expected) => {
    const a = timestampMs(actual);
    const b = timestampMs(expected);
    return a !== undefined && b !== undefined && compare(a, b);
  };
}

/** Step Functions orders strings by code point. */
const lt = (a: string, b: string): boolean => a < b;

const COMPARISONS: Readonly<Record<string, Comparison>> = {
  StringEquals: strings((a, b) => a === b),
  StringLessThan: strings(lt),
  StringGreaterThan: strings((a, b) => a > b),
  StringLessThanEquals: strings((a, b) => a <= b),
  StringGreaterThanEquals: strings((a, b) => a >= b),
  StringMatches: strings((a, pattern) => wildcard(pattern).test(a)),
  NumericEquals: numbers((a, b) => a === b),
  NumericLessThan: numbers((a, b) => a < b),
  NumericGreaterThan: numbers((a, b) => a > b),
  NumericLessThanEquals: numbers((a, b) => a <= b),
  NumericGreaterThanEquals: numbers((a, b) => a >= b),
  BooleanEquals: (a, b) => typeof a === 'boolean' && a === b,
  TimestampEquals: timestamps((a, b) => a === b),
  TimestampLessThan: timestamps((a, b) => a < b),
  TimestampGreaterThan: timestamps((a, b) => a > b),
  TimestampLessThanEquals: timestamps((a, b) => a <= b),
  TimestampGreaterThanEquals: timestamps((a, b) => a >= b),
};

const TYPE_TESTS: Readonly<Record<string, (value: Json) => boolean>> = {
  IsNull: (value) => value === null,
  IsNumeric: (value) => isNumber(value),
  IsString: (value) => isString(value),
  IsBoolean: (value) => typeof value === 'boolean',
  IsTimestamp: (value) => timestampMs(value) !== undefined,
};

/** Every operator name a rule may use (the validator reads this too). */
export const CHOICE_OPERATORS: readonly string[] = [
  ...Object.keys(COMPARISONS),
  ...Object.keys(COMPARISONS)
    .filter((name) => name !== 'StringMatches')
    .map((name) => `${name}Path`),
  ...Object.keys(TYPE_TESTS),
  'IsPresent',
];

const wildcards = new Map<string, RegExp>();

/** `StringMatches`: `*` matches any run of characters; `\*` and `\\` are literal. */
function wildcard(pattern: string): RegExp {
  let compiled = wildcards.get(pattern);
  if (compiled) return compiled;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] as string);
    } else if (char === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(char);
    }
  }
  compiled = new RegExp(`^${source}$`);
  if (wildcards.size > 1_000) wildcards.clear();
  wildcards.set(pattern, compiled);
  return compiled;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export type ChoiceRule = Readonly<Record<string, unknown>>;

/** Whether a JSONPath rule (with And / Or / Not) matches the state's input. */
export function ruleMatches(rule: ChoiceRule, input: Json, scope: EvaluationScope, location: StateLocation): boolean {
  if (Array.isArray(rule.And)) return (rule.And as ChoiceRule[]).every((inner) => ruleMatches(inner, input, scope, location));
  if (Array.isArray(rule.Or)) return (rule.Or as ChoiceRule[]).some((inner) => ruleMatches(inner, input, scope, location));
  if (rule.Not !== undefined && typeof rule.Not === 'object' && rule.Not !== null) {
    return !ruleMatches(rule.Not as ChoiceRule, input, scope, location);
  }
  const variable = rule.Variable;
  if (typeof variable !== 'string') return false;
  const read = resolveReference(variable, input, scope);

  if ('IsPresent' in rule) return read.found === (rule.IsPresent === true);
  if (!read.found) {
    throw new StateFailure('States.Runtime', `${statePrefix(location.stateName, location.enteredEventId)}Invalid path '${variable}' : ${read.reason}`);
  }
  const actual = read.value;
  for (const [operator, test] of Object.entries(TYPE_TESTS)) {
    if (operator in rule) return test(actual) === (rule[operator] === true);
  }
  for (const [operator, compare] of Object.entries(COMPARISONS)) {
    if (operator in rule) return compare(actual, rule[operator] as Json);
    const pathOperator = `${operator}Path`;
    if (pathOperator in rule) {
      const path = rule[pathOperator];
      const expected = typeof path === 'string' ? resolveReference(path, input, scope) : undefined;
      if (!expected?.found) {
        throw new StateFailure(
          'States.Runtime',
          `${statePrefix(location.stateName, location.enteredEventId)}Invalid path '${String(path)}' : ${expected?.reason ?? 'not a path'}`,
        );
      }
      return compare(actual, expected.value);
    }
  }
  return false;
}
