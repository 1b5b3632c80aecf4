/**
 * The JSONata query language as Step Functions runs it: the `jsonata`
 * library (2.x), evaluated with no input document, `$states` and every
 * workflow variable bound as `$name`, the six functions Step Functions adds
 * (`$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`), `$eval`
 * taken away, `$now()` / `$millis()` on the engine's clock, and every
 * failure reported as `States.QueryEvaluationError` with AWS's cause text.
 *
 * Sources: AWS developer guide, "Transforming data with JSONata in Step
 * Functions" (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html);
 * recorded AWS executions (`assign/test_assign_reference_variables`,
 * `scenarios/test_base_scenarios` test_map_state_items_eval_jsonata_*);
 * and AWS answers measured with TestState and published in the public
 * issue threads floci-io/floci#2662, #2665, #2736, #2737 and
 * ministackorg/ministack#1519 (argument handling of the added functions,
 * evaluation bounds, non-finite numbers).
 *
 * Where the library and AWS differ, this module follows AWS:
 * - `$eval` is unbound, so calling it fails with `T1006` as on AWS (the
 *   library would evaluate it).
 * - `$random` takes an optional seed and draws from `java.util.Random`, as
 *   AWS does (the library's takes no argument).
 * - a non-finite number in a result is written as the string JavaScript
 *   names it by (`"Infinity"`, `"NaN"`), as AWS does; the library returns
 *   the number, which JSON cannot carry.
 * - evaluation depth is bounded at 100, which with this library's depth
 *   count refuses exactly the shapes AWS refuses (100-term sums, 99 nested
 *   parentheses / brackets / `~>` stages, a non-tail recursion of 32).
 *
 * Speed: each expression is compiled once (LRU cache). The library costs
 * 3–7 µs per evaluation, about ten times a JSONPath path, so the simple
 * forms most states write (variable paths, literals, arithmetic, `&`,
 * comparisons, `and` / `or`, `? :`, and a few plain calls such as `$count`)
 * are answered directly with the library's own rules, falling back to the
 * library for anything else; they then cost what a JSONPath path costs.
 */
import { createHash, randomUUID } from 'node:crypto';
import type jsonata from 'jsonata';
import { jsonataLibrary } from './jsonata-library.js';
import { STATES_ERRORS, statePrefix } from '../errors/names.js';
import { StateFailure, type Json, type JsonObject, type StateLocation } from '../types.js';

/** What a JSONata expression can see: `$states`, the workflow variables, and the engine's clock and random source. */
export interface JsonataBindings {
  /** `$states`: `input`, `context`, and `result` / `errorOutput` where the field can read them. */
  readonly states: {
    readonly input: Json;
    readonly context: JsonObject;
    readonly result?: Json;
    readonly errorOutput?: Json;
  };
  /** The variables in scope, each bound as `$name`. */
  readonly variables: Readonly<Record<string, Json>>;
  /** Epoch milliseconds, for `$now()` and `$millis()`. */
  readonly now: () => number;
  /** A number in [0, 1), for an unseeded `$random()`. */
  readonly random: () => number;
}

/** Where an expression is written, for the cause text and the EvaluationFailed event's `location`. */
export interface JsonataWhere {
  readonly location: StateLocation;
  /** The field as AWS names it: `Output`, `Output/a/b[0]`, `Arguments/Payload`, `Assign/x`, `Items`, `Condition`. */
  readonly field: string;
}

/** The result types a field can require (Items: array, Seconds: integer, Condition: boolean, Error/Cause: string, …). */
export type JsonataExpectedType = 'array' | 'object' | 'string' | 'number' | 'integer' | 'positive integer' | 'boolean';

interface ExpectedJson {
  array: Json[];
  object: JsonObject;
  string: string;
  number: number;
  integer: number;
  'positive integer': number;
  boolean: boolean;
}

/**
 * A JSONata expression that failed: `States.QueryEvaluationError`, the cause
 * AWS writes, and the field it was written in (the `location` of AWS's
 * EvaluationFailed event).
 */
export class QueryEvaluationFailure extends StateFailure {
  constructor(
    /** The field path, e.g. `Output/result`. */
    readonly location: string,
    cause: string,
  ) {
    super(STATES_ERRORS.QueryEvaluationError, cause);
    this.name = 'QueryEvaluationFailure';
  }
}

/** How many compiled expressions are kept; the least recently used one goes first. */
export const JSONATA_CACHE_SIZE = 1000;

// AWS's own texts for its evaluation bounds, which carry no JSONata code and
// follow a colon rather than a full stop (floci-io/floci#2737, measured).
const STACK_OVERFLOW = 'Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive';
const MEMORY_LIMIT = 'Expression evaluation memory limit exceeded: Check for excessive memory usage';
const TIMEOUT = 'Expression evaluation timeout: Check for infinite loop';
/** AWS refuses a `$range` of more elements before building it (floci-io/floci#2676, measured). */
const MAX_RANGE_ELEMENTS = 360_145;
/** Runaway expressions (a tail recursion with no base case loops rather than overflowing) stop here. */
const EVALUATION_TIMEOUT_MS = 5_000;
const MAX_DEPTH = 100;
const MEMORY_CODE = 'harness:memory';
/** The key the per-evaluation bindings carry for the added functions; `:` keeps it out of reach of `$name`. */
const RUNTIME_KEY = 'harness:bindings';

type JsonataExpression = ReturnType<typeof jsonata>;
type Focus = jsonata.Focus;

/** A compiled expression: the library's evaluator, or why the text does not parse. */
interface Compiled {
  readonly text: string;
  /** The library's expression; absent when the text does not parse. */
  readonly expression?: JsonataExpression;
  /** Set when the text does not parse. */
  readonly syntaxError?: unknown;
}

const cache = new Map<string, Compiled>();

/**
 * Evaluates one JSONata expression (the text between `{%` and `%}`) as Step
 * Functions does, and returns its result as plain JSON, or `undefined` when
 * it returned nothing (the caller decides whether that fails the field; see
 * {@link evaluateJsonataAs} and `evaluateJsonataTemplate`). The result may
 * share structure with the bindings: treat it as read-only.
 *
 * @throws QueryEvaluationFailure when the expression throws, or returns a
 *   function or anything else JSON cannot hold.
 * @example
 * await evaluateJsonata('$states.input.order.id', bindings, { location, field: 'Output/id' });
 */
export async function evaluateJsonata(expression: string, bindings: JsonataBindings, where: JsonataWhere): Promise<Json | undefined> {
  return evaluateCompiledJsonata(compileJsonata(expression), bindings, where);
}

/**
 * An expression compiled once, for callers that keep it beside the
 * definition (templates do) and so skip the cache lookup. Opaque.
 */
export interface CompiledJsonata {
  /** The expression without its `{% %}`, as AWS quotes it in causes. */
  readonly text: string;
}

/**
 * Compiles an expression (with or without its `{% %}`), or returns the
 * cached compilation of the same text. Never throws: an expression that does
 * not parse fails when evaluated, as a QueryEvaluationFailure.
 */
export function compileJsonata(expression: string): CompiledJsonata {
  return compile(expression);
}

/**
 * {@link evaluateJsonata} for a compiled expression: the `jsonata` library
 * evaluates it, with the functions AWS adds bound.
 *
 * @throws QueryEvaluationFailure as {@link evaluateJsonata} does (as a rejected promise).
 */
export function evaluateCompiledJsonata(compiledJsonata: CompiledJsonata, bindings: JsonataBindings, where: JsonataWhere): Promise<Json | undefined> {
  return runLibrary(compiledJsonata as Compiled, bindings, where);
}

/**
 * Evaluates an expression whose field requires a type, failing as AWS does
 * when it returns nothing or another type: `returned an unexpected result
 * type. Expected 'array', but was 'number' for value: 1` (recorded AWS
 * response, `scenarios/test_base_scenarios` test_map_state_items_eval_jsonata_fail).
 * Ranges (a negative Seconds, a MaxConcurrency out of bounds) are the
 * caller's to check: AWS words them differently.
 *
 * @example
 * const items = await evaluateJsonataAs('$states.input.orders', bindings, { location, field: 'Items' }, 'array');
 */
export async function evaluateJsonataAs<T extends JsonataExpectedType>(
  expression: string,
  bindings: JsonataBindings,
  where: JsonataWhere,
  expected: T,
): Promise<ExpectedJson[T]> {
  const value = await evaluateJsonata(expression, bindings, where);
  if (value === undefined) throw returnedNothing(expression, where);
  if (!hasType(value, expected)) {
    throw failure(
      expressionText(expression),
      where,
      `returned an unexpected result type. Expected '${expected}', but was '${jsonTypeOf(value)}' for value: ${JSON.stringify(value)}`,
    );
  }
  return value as ExpectedJson[T];
}

/**
 * The failure AWS reports for an expression that returned nothing:
 * `… specified for the field 'Output/result' returned nothing (undefined).`
 * (recorded AWS response, `assign/test_assign_reference_variables` test_undefined_reference).
 */
export function returnedNothing(expression: string | CompiledJsonata, where: JsonataWhere): QueryEvaluationFailure {
  return failure(typeof expression === 'string' ? expressionText(expression) : expression.text, where, 'returned nothing (undefined).');
}

/** The JSON type name AWS prints in its cause texts: `number` for any number, `array`, `object`, `null`, … */
export function jsonTypeOf(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

// ----- compilation -----

function expressionText(expression: string): string {
  const trimmed = expression.trim();
  return trimmed.startsWith('{%') && trimmed.endsWith('%}') && trimmed.length >= 4 ? trimmed.slice(2, -2).trim() : trimmed;
}

function compile(expression: string): Compiled {
  const cached = cache.get(expression);
  if (cached !== undefined) {
    // Re-inserting keeps Map order as recency order, so eviction drops the least recently used.
    cache.delete(expression);
    cache.set(expression, cached);
    return cached;
  }
  const compiled = compileText(expressionText(expression));
  if (cache.size >= JSONATA_CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(expression, compiled);
  return compiled;
}

function compileText(text: string): Compiled {
  let expression: JsonataExpression;
  try {
    expression = jsonataLibrary()(text, { stack: MAX_DEPTH, timeout: EVALUATION_TIMEOUT_MS });
  } catch (syntaxError) {
    return { text, syntaxError };
  }
  for (const [name, definition] of ADDED_FUNCTIONS) expression.assign(name, definition);
  // AWS disables $eval ("Transforming data with JSONata in Step Functions"); unbound, a call fails with T1006 as on AWS.
  expression.assign('eval', undefined);
  return { text, expression };
}

// ----- evaluation -----

async function runLibrary(compiled: Compiled, bindings: JsonataBindings, where: JsonataWhere): Promise<Json | undefined> {
  if (compiled.expression === undefined) throw failureFromThrown(compiled.syntaxError, compiled.text, where);
  // Object.assign, not a spread: a spread object made every later library lookup about 2 µs slower (measured).
  const scope: Record<string, unknown> = Object.assign({}, bindings.variables);
  scope.states = bindings.states;
  scope[RUNTIME_KEY] = bindings;
  let raw: unknown;
  try {
    raw = await compiled.expression.evaluate(undefined, scope);
  } catch (thrown) {
    throw failureFromThrown(thrown, compiled.text, where);
  }
  const json = toJson(raw);
  if (json === UNSUPPORTED) throw failure(compiled.text, where, 'returned an unsupported result type.');
  return json;
}

function failure(text: string, where: JsonataWhere, ending: string): QueryEvaluationFailure {
  const { stateName, enteredEventId } = where.location;
  return new QueryEvaluationFailure(
    where.field,
    `${statePrefix(stateName, enteredEventId)}The JSONata expression '${text}' specified for the field '${where.field}' ${ending}`,
  );
}

/**
 * AWS ends the cause with `. <CODE>: <message>` for a JSONata error and
 * with `: <message>` for its own bounds (floci-io/floci#2736, measured on
 * 101 expressions; `$eval` gives `T1006: Attempted to invoke a non-function`).
 */
function failureFromThrown(thrown: unknown, text: string, where: JsonataWhere): QueryEvaluationFailure {
  const during = 'threw an error during evaluation';
  const code = isRecord(thrown) && typeof thrown.code === 'string' ? thrown.code : undefined;
  const message = isRecord(thrown) && typeof thrown.message === 'string' ? thrown.message : String(thrown);
  if (code === 'D1011' || (thrown instanceof RangeError && /call stack/i.test(thrown.message))) {
    return failure(text, where, `${during}: ${STACK_OVERFLOW}`);
  }
  if (code === 'D1012') return failure(text, where, `${during}: ${TIMEOUT}`);
  // The library's own refusal of a huge `..` range is the same kind of bound as AWS's memory limit.
  if (code === MEMORY_CODE || code === 'D2014') return failure(text, where, `${during}: ${MEMORY_LIMIT}`);
  if (code !== undefined) return failure(text, where, `${during}. ${code}: ${message}`);
  return failure(text, where, `${during}: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

// ----- results -----

const UNSUPPORTED = Symbol('not JSON');
/** Flags the library sets on the arrays it builds; such an array is a sequence, not a JSON array. */
const SEQUENCE_FLAGS = ['sequence', 'keepSingleton', 'outerWrapper', 'tupleStream'] as const;

/**
 * Plain JSON from what the library returned: sequences become arrays,
 * null-prototype objects plain ones, undefined members are dropped, a
 * non-finite number becomes the string AWS writes for it ("Infinity",
 * "-Infinity", "NaN": floci-io/floci docs, measured), and a function
 * anywhere makes the result unsupported. Clean values come back as they are.
 */
function toJson(value: unknown): Json | undefined | typeof UNSUPPORTED {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'object':
      if (value === null) return null;
      return Array.isArray(value) ? arrayToJson(value) : objectToJson(value as Record<string, unknown>);
    default:
      return UNSUPPORTED; // functions, bigint, symbol
  }
}

function arrayToJson(array: unknown[]): Json[] | typeof UNSUPPORTED {
  const flagged = SEQUENCE_FLAGS.some((flag) => Object.prototype.hasOwnProperty.call(array, flag));
  let copy: Json[] | undefined = flagged ? [] : undefined;
  for (let index = 0; index < array.length; index++) {
    const item = array[index];
    const json = toJson(item);
    if (json === UNSUPPORTED) return UNSUPPORTED;
    if (copy === undefined && json !== item) copy = array.slice(0, index) as Json[];
    if (copy !== undefined && json !== undefined) copy.push(json);
  }
  return copy ?? (array as Json[]);
}

function objectToJson(object: Record<string, unknown>): JsonObject | typeof UNSUPPORTED {
  if (object._jsonata_lambda === true || object._jsonata_function === true) return UNSUPPORTED;
  const plain = Object.getPrototypeOf(object) === Object.prototype;
  let copy: JsonObject | undefined = plain ? undefined : {};
  const keys = Object.keys(object);
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    const item = object[key];
    const json = toJson(item);
    if (json === UNSUPPORTED) return UNSUPPORTED;
    if (copy === undefined && json !== item) {
      copy = {};
      for (let before = 0; before < index; before++) {
        const earlier = keys[before] as string;
        setOwn(copy, earlier, object[earlier] as Json);
      }
    }
    if (copy !== undefined && json !== undefined) setOwn(copy, key, json);
  }
  return copy ?? (object as JsonObject);
}

function setOwn(object: JsonObject, key: string, value: Json): void {
  // A `__proto__` member must stay a member, not become the copy's prototype.
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function hasType(value: Json, expected: JsonataExpectedType): boolean {
  switch (expected) {
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'positive integer':
      return typeof value === 'number' && Number.isInteger(value) && value > 0;
    default:
      return typeof value === expected;
  }
}

// ----- the functions Step Functions adds -----

interface NativeFunction {
  readonly _jsonata_function: true;
  readonly implementation: (this: Focus, ...args: unknown[]) => unknown;
}

/** A JSONata error for the library to word: `T0410: Argument 2 of function "random" does not match function signature`. */
function signatureMismatch(name: string, index: number): Record<string, unknown> {
  return { code: 'T0410', index, token: name, stack: new Error().stack };
}

function rejectSurplus(name: string, count: number, allowed: number): void {
  if (count > allowed) throw signatureMismatch(name, allowed + 1);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/** AWS cuts a fractional argument towards zero: `$range(-1.7, 2, 1)` starts at -1 (floci-io/floci#2676, measured). */
function whole(value: number): number {
  return Math.trunc(value);
}

function runtimeOf(focus: Focus): JsonataBindings {
  return focus.environment.lookup(RUNTIME_KEY) as JsonataBindings;
}

/**
 * `$partition(array, size)`: the array in chunks of `size`, the last one
 * shorter. No size makes one chunk; a size that cuts to 0, or no items,
 * returns nothing; a negative size fails with D3137 (measured on AWS,
 * floci-io/floci#2662 and ministackorg/ministack#1519).
 */
function partition(this: Focus, items: unknown, size: unknown): unknown {
  rejectSurplus('partition', arguments.length, 2);
  if (items === undefined) return undefined;
  if (!Array.isArray(items)) throw { code: 'T0412', index: 1, token: 'partition', stack: new Error().stack };
  if (items.length === 0) return undefined;
  if (size === undefined) return [[...items]];
  if (!isNumber(size)) throw signatureMismatch('partition', 2);
  const chunk = whole(size);
  if (chunk < 0) throw { code: 'D3137', message: 'Second argument must be zero or greater', stack: new Error().stack };
  if (chunk === 0) return undefined;
  const chunks: unknown[][] = [];
  for (let start = 0; start < items.length; start += chunk) chunks.push(items.slice(start, start + chunk));
  return chunks;
}

/**
 * `$range(start, end, step)`: from start by step, including end when the
 * step lands on it. No step, a zero step or one pointing away from end
 * returns nothing; one element is that number, not an array (measured on
 * AWS, floci-io/floci#2662).
 */
function range(this: Focus, start: unknown, end: unknown, step: unknown): unknown {
  rejectSurplus('range', arguments.length, 3);
  const bounds = [start, end, step];
  for (let index = 0; index < bounds.length; index++) {
    const bound = bounds[index];
    if (bound !== undefined && !isNumber(bound)) throw signatureMismatch('range', index + 1);
  }
  if (!isNumber(start) || !isNumber(end) || !isNumber(step)) return undefined;
  const [first, last, by] = [whole(start), whole(end), whole(step)];
  if (by === 0 || !Number.isFinite(first) || !Number.isFinite(last) || !Number.isFinite(by)) return undefined;
  const count = Math.floor((last - first) / by) + 1;
  if (count <= 0) return undefined;
  if (count > MAX_RANGE_ELEMENTS) throw { code: MEMORY_CODE, message: MEMORY_LIMIT, stack: new Error().stack };
  if (count === 1) return first;
  const values = new Array<number>(count);
  for (let index = 0; index < count; index++) values[index] = first + index * by;
  return values;
}

/** The algorithms `$hash` takes, spelled only this way (case-sensitive on AWS, measured). */
const HASH_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ['MD5', 'md5'],
  ['SHA-1', 'sha1'],
  ['SHA-256', 'sha256'],
  ['SHA-384', 'sha384'],
  ['SHA-512', 'sha512'],
]);

/**
 * `$hash(text, algorithm)`: the lowercase hex digest of the text's UTF-8
 * bytes. No algorithm returns nothing; an unknown one fails with AWS's
 * D3137 text (ministackorg/ministack#1519, measured).
 */
function hash(this: Focus, text: unknown, algorithm: unknown): unknown {
  rejectSurplus('hash', arguments.length, 2);
  if (arguments.length === 0) throw signatureMismatch('hash', 1);
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw signatureMismatch('hash', 1);
  if (arguments.length === 1) return undefined;
  if (algorithm !== undefined && typeof algorithm !== 'string') throw signatureMismatch('hash', 2);
  const nodeName = algorithm === undefined ? undefined : HASH_ALGORITHMS.get(algorithm);
  if (nodeName === undefined) {
    throw {
      code: 'D3137',
      message: `Hash algorithm '${algorithm ?? 'null'}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5`,
      stack: new Error().stack,
    };
  }
  return createHash(nodeName).update(text, 'utf8').digest('hex');
}

/**
 * `$random([seed])`: a number in [0, 1). Unseeded, it draws from the
 * engine's random source; seeded, it is the first `nextDouble()` of
 * `java.util.Random(seed)`, which is what AWS returns: seed 42 gives
 * 0.7275636800328681 (floci-io/floci#2662, measured).
 */
function random(this: Focus, seed: unknown): unknown {
  rejectSurplus('random', arguments.length, 1);
  if (seed === undefined) return runtimeOf(this).random();
  if (!isNumber(seed)) throw signatureMismatch('random', 1);
  return javaRandomFirstDouble(whole(seed));
}

const JAVA_MULTIPLIER = 0x5deece66dn;
const JAVA_ADDEND = 0xbn;
const JAVA_MASK = (1n << 48n) - 1n;

/** `new java.util.Random(seed).nextDouble()`: the 48-bit LCG the JDK specifies. */
function javaRandomFirstDouble(seed: number): number {
  let state = (BigInt.asIntN(64, BigInt(Number.isFinite(seed) ? seed : 0)) ^ JAVA_MULTIPLIER) & JAVA_MASK;
  const next = (bits: bigint): bigint => {
    state = (state * JAVA_MULTIPLIER + JAVA_ADDEND) & JAVA_MASK;
    return state >> (48n - bits);
  };
  const high = next(26n);
  const low = next(27n);
  return Number((high << 27n) + low) / 2 ** 53;
}

/** `$uuid()`: a random version 4 UUID. It takes no argument (measured on AWS). */
function uuid(this: Focus): unknown {
  rejectSurplus('uuid', arguments.length, 0);
  return randomUUID();
}

/**
 * `$parse(text)`: the JSON the text holds, the documented replacement for
 * `$eval`. Text that is not JSON fails with `D3137: Invalid JSON` (floci-io/floci
 * tests, measured on AWS); nothing in gives nothing out.
 */
function parse(this: Focus, text: unknown): unknown {
  rejectSurplus('parse', arguments.length, 1);
  if (text === undefined) return undefined;
  if (typeof text !== 'string') throw signatureMismatch('parse', 1);
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      // A number too large for a double is not JSON to AWS; JSON.parse would read it as Infinity.
      if (typeof value === 'number' && !Number.isFinite(value)) throw new SyntaxError('number out of range');
      return value;
    });
  } catch {
    throw { code: 'D3137', message: 'Invalid JSON', stack: new Error().stack };
  }
}

/** `$millis()`: the engine's clock, in epoch milliseconds. */
function millis(this: Focus): unknown {
  rejectSurplus('millis', arguments.length, 0);
  return runtimeOf(this).now();
}

let fromMillis: ((millis: number, picture?: string, timezone?: string) => string | undefined) | undefined;

/**
 * `$now([picture[, timezone]])`: the engine's clock as an ISO-8601 UTC
 * timestamp (`2024-01-01T00:00:00.000Z`), or formatted as JSONata's
 * `$fromMillis` formats it.
 */
function now(this: Focus, picture: unknown, timezone: unknown): unknown {
  rejectSurplus('now', arguments.length, 2);
  if (picture !== undefined && typeof picture !== 'string') throw signatureMismatch('now', 1);
  if (timezone !== undefined && typeof timezone !== 'string') throw signatureMismatch('now', 2);
  const time = runtimeOf(this).now();
  if (picture === undefined && timezone === undefined) return new Date(time).toISOString();
  return formatMillis(time, picture, timezone);
}

async function formatMillis(time: number, picture: string | undefined, timezone: string | undefined): Promise<unknown> {
  if (fromMillis === undefined) {
    // The library's own formatter, reached through a private expression so a workflow variable named `fromMillis` cannot shadow it.
    const builtIn = (await jsonataLibrary()('$fromMillis').evaluate(undefined)) as { implementation: typeof fromMillis };
    fromMillis = builtIn.implementation;
  }
  return fromMillis?.(time, picture, timezone);
}

function native(implementation: NativeFunction['implementation']): NativeFunction {
  return { _jsonata_function: true, implementation };
}

/**
 * Built once and bound on each compiled expression, so an evaluation binds
 * only `$states` and the variables; passing the functions in every
 * evaluation's bindings instead cost about 0.8 µs more per evaluation
 * (measured). Each evaluation reaches its clock through the bindings.
 */
const ADDED_FUNCTIONS: ReadonlyArray<readonly [string, NativeFunction]> = [
  ['partition', native(partition as NativeFunction['implementation'])],
  ['range', native(range as NativeFunction['implementation'])],
  ['hash', native(hash as NativeFunction['implementation'])],
  ['random', native(random as NativeFunction['implementation'])],
  ['uuid', native(uuid)],
  ['parse', native(parse as NativeFunction['implementation'])],
  ['now', native(now as NativeFunction['implementation'])],
  ['millis', native(millis)],
];
