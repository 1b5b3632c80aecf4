/**
 * What every intrinsic function gets, and the argument checks they share.
 * A failed check is `States.IntrinsicFailure` with AWS's state prefix.
 * AWS has not been recorded answering a bad argument, so the sentence after
 * the prefix is ours: `Invalid arguments in States.X: <what was wrong>`.
 */
import { statePrefix } from '../../errors/names.js';
import { StateFailure, type Json, type JsonObject, type StateLocation } from '../../types.js';
import type { FormatPieces, IntrinsicName } from './parser.js';

/** Sources of randomness for States.MathRandom and States.UUID (a seeded run passes its own). */
export interface IntrinsicOptions {
  /** A uniform number in [0, 1); default `Math.random`. */
  readonly random?: () => number;
  /** A version-4 UUID; default `crypto.randomUUID`. */
  readonly uuid?: () => string;
}

/** One call's evaluated arguments and where it runs. */
export interface IntrinsicInvocation {
  readonly name: IntrinsicName;
  readonly values: readonly Json[];
  /** For each argument given as a string literal: its text cut at unescaped `{}` (States.Format). */
  readonly pieces: readonly (FormatPieces | undefined)[];
  readonly location: StateLocation;
  readonly options: IntrinsicOptions;
}

/** An intrinsic function's implementation. */
export type IntrinsicImplementation = (invocation: IntrinsicInvocation) => Json;

/** `States.IntrinsicFailure` for this call. */
export function intrinsicFailure(invocation: Pick<IntrinsicInvocation, 'name' | 'location'>, detail: string): StateFailure {
  const { stateName, enteredEventId } = invocation.location;
  return new StateFailure('States.IntrinsicFailure', `${statePrefix(stateName, enteredEventId)}Invalid arguments in ${invocation.name}: ${detail}`);
}

function plural(count: number): string {
  return count === 1 ? '1 argument' : `${count} arguments`;
}

/** Checks the argument count: exactly `min`, or between `min` and `max` (`Infinity` for any number more). */
export function expectCount(invocation: IntrinsicInvocation, min: number, max: number = min): void {
  const count = invocation.values.length;
  if (count >= min && count <= max) return;
  const expected = min === max ? plural(min) : max === Infinity ? `at least ${plural(min)}` : `${min} to ${plural(max)}`;
  throw intrinsicFailure(invocation, `expected ${expected} but got ${count}`);
}

/** A JSON type name for messages. */
export function typeName(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function wrongType(invocation: IntrinsicInvocation, index: number, expected: string): StateFailure {
  const value = invocation.values[index] as Json;
  return intrinsicFailure(invocation, `argument ${index + 1} must be ${expected}, but was ${typeName(value)} ${JSON.stringify(value)}`);
}

/** Argument `index` as a string, or `States.IntrinsicFailure`. */
export function stringArgument(invocation: IntrinsicInvocation, index: number): string {
  const value = invocation.values[index];
  if (typeof value !== 'string') throw wrongType(invocation, index, 'a string');
  return value;
}

/** Argument `index` as an array, or `States.IntrinsicFailure`. */
export function arrayArgument(invocation: IntrinsicInvocation, index: number): readonly Json[] {
  const value = invocation.values[index];
  if (!Array.isArray(value)) throw wrongType(invocation, index, 'an array');
  return value;
}

/** Argument `index` as an object, or `States.IntrinsicFailure`. */
export function objectArgument(invocation: IntrinsicInvocation, index: number): JsonObject {
  const value = invocation.values[index];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw wrongType(invocation, index, 'an object');
  return value;
}

/** Argument `index` as a boolean, or `States.IntrinsicFailure`. */
export function booleanArgument(invocation: IntrinsicInvocation, index: number): boolean {
  const value = invocation.values[index];
  if (typeof value !== 'boolean') throw wrongType(invocation, index, 'a boolean');
  return value;
}

/** Argument `index` as a number, or `States.IntrinsicFailure`. */
export function numberArgument(invocation: IntrinsicInvocation, index: number): number {
  const value = invocation.values[index];
  if (typeof value !== 'number') throw wrongType(invocation, index, 'a number');
  return value;
}

/**
 * Java's `Math.round`: halves go up (`2.5 → 3`, `-2.5 → -2`), which is also
 * JavaScript's `Math.round`; `-0` becomes `0`. AWS rounds non-integer
 * arguments this way (recorded AWS responses, LocalStack snapshot
 * `intrinsic_functions/test_math_operations` test_math_add: `0.5 → 1`,
 * `-0.5 → 0`, `-1.5 → -1`, `2.5 → 3`).
 */
export function javaRound(value: number): number {
  const rounded = Math.round(value);
  return rounded === 0 ? 0 : rounded;
}

/** A number argument rounded as AWS rounds integer parameters (see {@link javaRound}). */
export function roundedIntegerArgument(invocation: IntrinsicInvocation, index: number): number {
  return javaRound(numberArgument(invocation, index));
}

/** An argument that must already be an integer (no rounding). */
export function integerArgument(invocation: IntrinsicInvocation, index: number): number {
  const value = numberArgument(invocation, index);
  if (!Number.isInteger(value)) throw wrongType(invocation, index, 'an integer');
  return value === 0 ? 0 : value;
}

/** Java `int` bounds. */
export const INT_MIN = -2_147_483_648;
export const INT_MAX = 2_147_483_647;

/** Java `int` range, which the math intrinsics require ("integer values in the range of -2147483648 and 2147483647"). */
export function expectIntRange(invocation: IntrinsicInvocation, index: number, value: number): void {
  if (value < INT_MIN || value > INT_MAX) {
    throw intrinsicFailure(invocation, `argument ${index + 1} (${value}) is outside the range ${INT_MIN} to ${INT_MAX}`);
  }
}

/** Inputs of the encoding and hash intrinsics are limited to 10,000 characters (AWS developer guide, intrinsic functions). */
export const MAX_TEXT_INPUT = 10_000;

/** Fails the call when a text argument is longer than {@link MAX_TEXT_INPUT}. */
export function expectMaxLength(invocation: IntrinsicInvocation, index: number, text: string): void {
  if (text.length > MAX_TEXT_INPUT) {
    throw intrinsicFailure(invocation, `argument ${index + 1} has ${text.length} characters; the limit is ${MAX_TEXT_INPUT}`);
  }
}
