/**
 * JSONPath as Step Functions evaluates it in JSONPath states.
 *
 * AWS's interpreter runs Jayway JsonPath (Java), not the JavaScript
 * `jsonpath-plus` family, and the difference shows in results and errors:
 *
 * - A *definite* path (only single properties, single indexes and a final
 *   `length()`) yields the value itself; an *indefinite* one (wildcard, deep
 *   scan, slice, union, filter) yields an array, `[]` when nothing matches.
 * - A definite path that matches nothing fails with Jayway's text:
 *   `No results for path: $['a']['b']` when the last step is missing,
 *   `Missing property in path $['a']` when an intermediate key is missing
 *   (ENGINE.md §5; recorded AWS causes `Invalid path '$.x' : No results for
 *   path: $['x']`, LocalStack snapshot `scenarios/test_base_scenarios`
 *   test_invalid_jsonpath).
 * - Inside an indefinite path, missing keys and wrong types are skipped
 *   silently, as Jayway does.
 *
 * Paths are compiled once and cached by their text; evaluation walks the
 * compiled tokens without re-parsing.
 */
import { statePrefix } from '../errors/names.js';
import { StateFailure, type EvaluationScope, type Json, type JsonObject, type StateLocation } from '../types.js';

/** The outcome of reading a path: the value, or AWS's text for why nothing matched. */
export type PathResult = { readonly found: true; readonly value: Json } | { readonly found: false; readonly reason: string };

/** A path's text is not JSONPath as Jayway parses it. */
export class JsonPathSyntaxError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`Invalid JSONPath '${path}': ${detail}`);
    this.name = 'JsonPathSyntaxError';
  }
}

// ---------------------------------------------------------------------------
// Java renderings. AWS's engine is Java: messages print values the way Java's
// `toString()` does (a map as `{a=1, b=[]}`), which States.Format also shows
// (recorded AWS response, LocalStack snapshot
// `intrinsic_functions/test_generic` test_format_2: an object argument formats
// as `{Arg1=1, Arg2=[]}`).
// ---------------------------------------------------------------------------

/**
 * A JSON value as Java's `toString()` prints the `Map` / `List` / boxed value
 * Jackson parses it into: strings bare, `null`, `[a, b]`, `{k=v, k2=v2}`.
 *
 * @example
 * javaString({ Arg1: 1, Arg2: [] }) // '{Arg1=1, Arg2=[]}'
 */
export function javaString(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return javaNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value)) parts.push(`${key}=${javaString(value[key] as Json)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * A number as Java prints it: integral JSON numbers parse to Integer/Long
 * (no fraction), others to Double, whose `toString()` switches to
 * `1.0E7`-style notation outside [1e-3, 1e7).
 */
export function javaNumber(value: number): string {
  if (Object.is(value, -0)) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) return String(value);
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  const withFraction = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${withFraction}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/** The Java class Jackson's `JacksonJsonProvider` holds a value in (named in Jayway's "not a json object" message). */
function javaClassName(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'java.lang.Double';
    return value >= -2_147_483_648 && value <= 2_147_483_647 ? 'java.lang.Integer' : 'java.lang.Long';
  }
  return Array.isArray(value) ? 'java.util.ArrayList' : 'java.util.LinkedHashMap';
}

// Jackson-backed provider: it keeps objects as LinkedHashMap, which is also
// what States.Format's `{k=v}` rendering shows.
const JSON_PROVIDER = 'com.jayway.jsonpath.spi.json.JacksonJsonProvider';

// ---------------------------------------------------------------------------
// Compiled paths
// ---------------------------------------------------------------------------

type Token =
  | { readonly kind: 'property'; readonly names: readonly string[] }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'scan' }
  | { readonly kind: 'index'; readonly indexes: readonly number[] }
  | { readonly kind: 'slice'; readonly from: number | undefined; readonly to: number | undefined }
  | { readonly kind: 'filter'; readonly filter: FilterNode }
  | { readonly kind: 'function'; readonly name: 'length' };

/** A parsed path, ready to evaluate many times. */
export interface CompiledPath {
  readonly text: string;
  readonly tokens: readonly Token[];
  /** Jayway's `isDefinite()`: the path names one node, so it yields a value rather than an array. */
  readonly definite: boolean;
  /** Only single properties and single indexes: evaluated by a plain loop. */
  readonly simple: boolean;
  /** `$..x.length()`: Jayway applies the function to the scan's whole result. */
  readonly scanFunction: boolean;
  /** `upstreamDefinite[i]`: every token before `i` is definite (Jayway reports errors only then). */
  readonly upstreamDefinite: readonly boolean[];
  readonly tokenDefinite: readonly boolean[];
  /** `prefixText[i]`: Jayway's rendering of the path before token `i` (`$['a'][0]`). */
  readonly prefixText: readonly string[];
  /** `suffixText[i]`: the rendering of token `i` and the rest (`[0]['b']`). */
  readonly suffixText: readonly string[];
}

const compiledPaths = new Map<string, CompiledPath>();
const compiledRelativePaths = new Map<string, CompiledPath>();
const CACHE_LIMIT = 10_000;

/**
 * Parses a JSONPath (`$…`, or `@…` inside filters) into a reusable form;
 * cached by text. Throws {@link JsonPathSyntaxError} when Jayway would refuse it.
 *
 * @example
 * compileJsonPath('$.orders[*].id').definite // false
 */
export function compileJsonPath(text: string, root: '$' | '@' = '$'): CompiledPath {
  const cache = root === '$' ? compiledPaths : compiledRelativePaths;
  const cached = cache.get(text);
  if (cached) return cached;
  const compiled = buildPath(text, parseTokens(text, root));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, compiled);
  return compiled;
}

function buildPath(text: string, tokens: Token[]): CompiledPath {
  const count = tokens.length;
  const tokenDefinite = tokens.map((token, index) => isTokenDefinite(token, index === count - 1));
  const upstreamDefinite: boolean[] = [];
  let definiteSoFar = true;
  for (let index = 0; index < count; index++) {
    upstreamDefinite.push(definiteSoFar);
    definiteSoFar = definiteSoFar && (tokenDefinite[index] as boolean);
  }
  const fragments = tokens.map(fragmentOf);
  const prefixText: string[] = [];
  let prefix = '$';
  for (let index = 0; index <= count; index++) {
    prefixText.push(prefix);
    prefix += fragments[index] ?? '';
  }
  const suffixText: string[] = new Array<string>(count + 1).fill('');
  for (let index = count - 1; index >= 0; index--) suffixText[index] = (fragments[index] as string) + suffixText[index + 1];
  const scanFunction = count >= 2 && tokens[0]?.kind === 'scan' && tokens[count - 1]?.kind === 'function';
  const simple = tokens.every((token) => (token.kind === 'property' && token.names.length === 1) || (token.kind === 'index' && token.indexes.length === 1));
  return { text, tokens, definite: scanFunction || definiteSoFar, simple, scanFunction, upstreamDefinite, tokenDefinite, prefixText, suffixText };
}

function isTokenDefinite(token: Token, leaf: boolean): boolean {
  switch (token.kind) {
    case 'property':
      // Jayway merges `['a','b']` into one object when it ends the path.
      return token.names.length === 1 || leaf;
    case 'index':
      return token.indexes.length === 1;
    case 'function':
      return true;
    default:
      return false;
  }
}

/** Jayway's `getPathFragment()` for each token, used in its messages. */
function fragmentOf(token: Token): string {
  switch (token.kind) {
    case 'property':
      return `[${token.names.map((name) => `'${name}'`).join(',')}]`;
    case 'wildcard':
      return '[*]';
    case 'scan':
      return '..';
    case 'index':
      return `[${token.indexes.join(',')}]`;
    case 'slice':
      return `[${token.from ?? ''}:${token.to ?? ''}]`;
    case 'filter':
      return '[?]';
    case 'function':
      return `.${token.name}()`;
  }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

function parseTokens(text: string, root: '$' | '@'): Token[] {
  if (text[0] !== root) throw new JsonPathSyntaxError(text, `a path must start with '${root}'`);
  const tokens: Token[] = [];
  let position = 1;
  const length = text.length;
  while (position < length) {
    const char = text[position];
    if (char === '.') {
      if (text[position + 1] === '.') {
        tokens.push({ kind: 'scan' });
        position += 2;
        if (position >= length) throw new JsonPathSyntaxError(text, "a path must not end with '..'");
        const next = text[position];
        if (next === '[') continue;
        if (next === '*') {
          tokens.push({ kind: 'wildcard' });
          position++;
          continue;
        }
        position = readName(text, position, tokens);
        continue;
      }
      position++;
      if (position >= length) throw new JsonPathSyntaxError(text, "a path must not end with '.'");
      if (text[position] === '*') {
        tokens.push({ kind: 'wildcard' });
        position++;
        continue;
      }
      position = readName(text, position, tokens);
      continue;
    }
    if (char === '[') {
      position = readBracket(text, position, tokens);
      continue;
    }
    throw new JsonPathSyntaxError(text, `unexpected '${char}' at position ${position}, expected '.' or '['`);
  }
  const functionAt = tokens.findIndex((token) => token.kind === 'function');
  if (functionAt !== -1 && functionAt !== tokens.length - 1) throw new JsonPathSyntaxError(text, 'a function must end the path');
  return tokens;
}

/** A dot-notation property (or `length()`), up to the next `.`, `[` or `(`. */
function readName(text: string, start: number, tokens: Token[]): number {
  let position = start;
  while (position < text.length) {
    const char = text[position];
    if (char === '.' || char === '[' || char === '(') break;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      throw new JsonPathSyntaxError(text, `use bracket notation ['my prop'] for a property with blanks (position ${position})`);
    }
    if (char === ']' || char === ')' || char === "'" || char === '"') throw new JsonPathSyntaxError(text, `unexpected '${char}' at position ${position}`);
    position++;
  }
  const name = text.slice(start, position);
  if (name === '') throw new JsonPathSyntaxError(text, `empty property name at position ${start}`);
  if (text[position] === '(') {
    if (text[position + 1] !== ')') throw new JsonPathSyntaxError(text, `functions take no arguments here (position ${position})`);
    if (name !== 'length') throw new JsonPathSyntaxError(text, `unsupported function ${name}()`);
    tokens.push({ kind: 'function', name: 'length' });
    return position + 2;
  }
  tokens.push({ kind: 'property', names: [name] });
  return position;
}

function skipBlanks(text: string, position: number): number {
  let at = position;
  while (at < text.length && /\s/.test(text[at] as string)) at++;
  return at;
}

/** `[...]`: quoted properties, `*`, indexes, a slice, or a filter. */
function readBracket(text: string, start: number, tokens: Token[]): number {
  let position = skipBlanks(text, start + 1);
  const char = text[position];
  if (char === undefined) throw new JsonPathSyntaxError(text, "unclosed '['");
  if (char === '?') {
    position = skipBlanks(text, position + 1);
    if (text[position] !== '(') throw new JsonPathSyntaxError(text, "a filter must be written [?(...)]");
    const close = findClosingParen(text, position);
    const expression = text.slice(position + 1, close);
    position = skipBlanks(text, close + 1);
    if (text[position] !== ']') throw new JsonPathSyntaxError(text, "a filter must be written [?(...)]");
    tokens.push({ kind: 'filter', filter: parseFilter(expression, text) });
    return position + 1;
  }
  if (char === '*') {
    position = skipBlanks(text, position + 1);
    if (text[position] !== ']') throw new JsonPathSyntaxError(text, "expected ']' after '[*'");
    tokens.push({ kind: 'wildcard' });
    return position + 1;
  }
  if (char === "'" || char === '"') {
    const names: string[] = [];
    for (;;) {
      const quote = text[position];
      if (quote !== "'" && quote !== '"') throw new JsonPathSyntaxError(text, `expected a quoted property at position ${position}`);
      const { value, end } = readQuoted(text, position);
      names.push(value);
      position = skipBlanks(text, end);
      if (text[position] === ',') {
        position = skipBlanks(text, position + 1);
        continue;
      }
      if (text[position] === ']') break;
      throw new JsonPathSyntaxError(text, `expected ',' or ']' at position ${position}`);
    }
    tokens.push({ kind: 'property', names });
    return position + 1;
  }
  const close = text.indexOf(']', position);
  if (close === -1) throw new JsonPathSyntaxError(text, "unclosed '['");
  const content = text.slice(position, close).trim();
  if (content.includes(':')) {
    const parts = content.split(':');
    if (parts.length !== 2) throw new JsonPathSyntaxError(text, `a slice takes [from:to], got [${content}]`);
    const from = parseOptionalInteger(parts[0] as string, text);
    const to = parseOptionalInteger(parts[1] as string, text);
    if (from === undefined && to === undefined) throw new JsonPathSyntaxError(text, 'a slice needs a start or an end');
    tokens.push({ kind: 'slice', from, to });
    return close + 1;
  }
  const indexes = content.split(',').map((part) => {
    const index = parseOptionalInteger(part, text);
    if (index === undefined) throw new JsonPathSyntaxError(text, `expected an index in [${content}]`);
    return index;
  });
  tokens.push({ kind: 'index', indexes });
  return close + 1;
}

function parseOptionalInteger(part: string, text: string): number | undefined {
  const trimmed = part.trim();
  if (trimmed === '') return undefined;
  if (!/^-?\d+$/.test(trimmed)) throw new JsonPathSyntaxError(text, `'${trimmed}' is not an array index`);
  return Number(trimmed);
}

/**
 * A '…' or "…" string; `end` is just past the closing quote. Only an escaped
 * closing quote is unescaped: any other backslash stays in the name (recorded
 * AWS: `$['Test\\"\"Name\"']` reads the key `Test\\"\"Name\"`).
 */
function readQuoted(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  let position = start + 1;
  while (position < text.length) {
    const char = text[position] as string;
    if (char === '\\' && text[position + 1] === quote) {
      value += quote;
      position += 2;
      continue;
    }
    if (char === quote) return { value, end: position + 1 };
    value += char;
    position++;
  }
  throw new JsonPathSyntaxError(text, `unclosed quote at position ${start}`);
}

/** The `)` matching the `(` at `open`, skipping quoted strings and regex literals. */
function findClosingParen(text: string, open: number): number {
  let depth = 0;
  let position = open;
  while (position < text.length) {
    const char = text[position] as string;
    if (char === "'" || char === '"') {
      position = readQuoted(text, position).end;
      continue;
    }
    if (char === '/' && /=~\s*$/.test(text.slice(open, position))) {
      position = readRegexEnd(text, position);
      continue;
    }
    if (char === '(') depth++;
    else if (char === ')') {
      depth--;
      if (depth === 0) return position;
    }
    position++;
  }
  throw new JsonPathSyntaxError(text, "unclosed '(' in filter");
}

function readRegexEnd(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length) {
    const char = text[position];
    if (char === '\\') {
      position += 2;
      continue;
    }
    if (char === '/') {
      position++;
      while (position < text.length && /[a-z]/i.test(text[position] as string)) position++;
      return position;
    }
    position++;
  }
  throw new JsonPathSyntaxError(text, 'unclosed regular expression');
}

// ---------------------------------------------------------------------------
// Filters: Jayway's predicate language inside [?( … )]
// ---------------------------------------------------------------------------

type RelationalOperator =
  | '=='
  | '!='
  | '==='
  | '!=='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | 'in'
  | 'nin'
  | 'subsetof'
  | 'anyof'
  | 'noneof'
  | 'size'
  | 'empty'
  | 'contains';

type Operand =
  | { readonly kind: 'path'; readonly path: CompiledPath; readonly root: '$' | '@' }
  | { readonly kind: 'value'; readonly value: Json }
  | { readonly kind: 'regex'; readonly regex: RegExp };

type FilterNode =
  | { readonly kind: 'or' | 'and'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'exists'; readonly operand: Operand & { kind: 'path' } }
  | { readonly kind: 'relation'; readonly left: Operand; readonly operator: RelationalOperator; readonly right: Operand };

const WORD_OPERATORS = new Set<RelationalOperator>(['in', 'nin', 'subsetof', 'anyof', 'noneof', 'size', 'empty', 'contains']);
const SYMBOL_OPERATORS: readonly RelationalOperator[] = ['===', '!==', '==', '!=', '<=', '>=', '=~', '<', '>'];

class FilterParser {
  private position = 0;

  constructor(
    private readonly source: string,
    private readonly path: string,
  ) {}

  parse(): FilterNode {
    const node = this.parseOr();
    this.skip();
    if (this.position < this.source.length) this.fail(`unexpected '${this.source.slice(this.position)}'`);
    return node;
  }

  private fail(detail: string): never {
    throw new JsonPathSyntaxError(this.path, `in filter (${this.source}): ${detail}`);
  }

  private skip(): void {
    while (this.position < this.source.length && /\s/.test(this.source[this.position] as string)) this.position++;
  }

  private take(symbol: string): boolean {
    this.skip();
    if (this.source.startsWith(symbol, this.position)) {
      this.position += symbol.length;
      return true;
    }
    return false;
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.take('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.take('&&')) left = { kind: 'and', left, right: this.parseUnary() };
    return left;
  }

  private parseUnary(): FilterNode {
    this.skip();
    if (this.source[this.position] === '!' && this.source[this.position + 1] !== '=') {
      this.position++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.take('(')) {
      const inner = this.parseOr();
      if (!this.take(')')) this.fail("expected ')'");
      return inner;
    }
    return this.parseRelation();
  }

  private parseRelation(): FilterNode {
    const left = this.parseOperand();
    const operator = this.parseOperator();
    if (operator === undefined) {
      if (left.kind !== 'path') this.fail('a lone value is not a condition');
      return { kind: 'exists', operand: left };
    }
    return { kind: 'relation', left, operator, right: this.parseOperand() };
  }

  private parseOperator(): RelationalOperator | undefined {
    this.skip();
    for (const symbol of SYMBOL_OPERATORS) {
      if (this.source.startsWith(symbol, this.position)) {
        this.position += symbol.length;
        return symbol;
      }
    }
    const word = /^[A-Za-z]+/.exec(this.source.slice(this.position))?.[0]?.toLowerCase();
    if (word !== undefined && WORD_OPERATORS.has(word as RelationalOperator)) {
      this.position += word.length;
      return word as RelationalOperator;
    }
    return undefined;
  }

  private parseOperand(): Operand {
    this.skip();
    const rest = this.source.slice(this.position);
    const char = rest[0];
    if (char === undefined) this.fail('expected a value');
    if (char === '@' || char === '$') {
      const end = this.pathEnd(this.position);
      const text = this.source.slice(this.position, end);
      this.position = end;
      const root = char === '@' ? '@' : '$';
      return { kind: 'path', root, path: compileJsonPath(text, root) };
    }
    if (char === "'" || char === '"') {
      const { value, end } = readQuoted(this.source, this.position);
      this.position = end;
      return { kind: 'value', value };
    }
    if (char === '/') {
      const end = readRegexEnd(this.source, this.position);
      const literal = this.source.slice(this.position, end);
      this.position = end;
      return { kind: 'regex', regex: toRegExp(literal, this.path) };
    }
    if (char === '[' || char === '{') {
      const { value, end } = readLiteral(this.source, this.position, this.path);
      this.position = end;
      return { kind: 'value', value };
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      this.position += number[0].length;
      return { kind: 'value', value: Number(number[0]) };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest[word.length] ?? '')) {
        this.position += word.length;
        return { kind: 'value', value };
      }
    }
    return this.fail(`unexpected '${rest}'`);
  }

  /** Where a path operand ends: at a blank or an operator outside its own brackets. */
  private pathEnd(start: number): number {
    let position = start + 1;
    let depth = 0;
    while (position < this.source.length) {
      const char = this.source[position] as string;
      if (depth > 0) {
        if (char === "'" || char === '"') {
          position = readQuoted(this.source, position).end;
          continue;
        }
        if (char === '[') depth++;
        else if (char === ']') depth--;
        position++;
        continue;
      }
      if (char === '[') {
        depth++;
        position++;
        continue;
      }
      if (char === '(' && this.source[position + 1] === ')') {
        position += 2;
        continue;
      }
      if (/[\s=!<>&|)]/.test(char)) break;
      position++;
    }
    return position;
  }
}

function parseFilter(expression: string, path: string): FilterNode {
  return new FilterParser(expression, path).parse();
}

function toRegExp(literal: string, path: string): RegExp {
  const last = literal.lastIndexOf('/');
  const body = literal.slice(1, last);
  const javaFlags = literal.slice(last + 1);
  let flags = '';
  for (const flag of javaFlags) {
    if (flag === 'i' || flag === 'm' || flag === 's' || flag === 'u') flags += flag;
    else throw new JsonPathSyntaxError(path, `unsupported regular expression flag '${flag}'`);
  }
  try {
    // Jayway matches with Java's Matcher.matches(): the whole input, not a substring.
    return new RegExp(`^(?:${body})$`, flags);
  } catch (error) {
    throw new JsonPathSyntaxError(path, `invalid regular expression ${literal}: ${(error as Error).message}`);
  }
}

/** A JSON array/object literal in a filter; Jayway (json-smart) also takes single-quoted strings. */
function readLiteral(source: string, start: number, path: string): { value: Json; end: number } {
  let depth = 0;
  let position = start;
  let json = '';
  while (position < source.length) {
    const char = source[position] as string;
    if (char === "'" || char === '"') {
      const { value, end } = readQuoted(source, position);
      json += JSON.stringify(value);
      position = end;
      continue;
    }
    if (char === '[' || char === '{') depth++;
    if (char === ']' || char === '}') depth--;
    json += char;
    position++;
    if (depth === 0) {
      try {
        return { value: JSON.parse(json) as Json, end: position };
      } catch {
        throw new JsonPathSyntaxError(path, `invalid literal ${source.slice(start, position)}`);
      }
    }
  }
  throw new JsonPathSyntaxError(path, 'unclosed literal in filter');
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/** Jayway's PathNotFoundException / InvalidPathException: a definite path cannot be followed. */
class PathNotFound extends Error {}

interface Evaluation {
  readonly path: CompiledPath;
  readonly root: Json;
  readonly results: Json[];
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const hasOwn = (object: JsonObject, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Reads a compiled path from `data`: `$` is `data`. Never throws for a
 * missing match; returns AWS's reason instead.
 */
export function evaluateCompiled(path: CompiledPath, data: Json, root: Json = data): PathResult {
  if (path.simple) return evaluateSimple(path, data);
  const evaluation: Evaluation = { path, root, results: [] };
  try {
    if (path.scanFunction) {
      // Jayway rewrites `$..x.length()` as `length($..x.*)`.
      const inner = buildPath(path.text, [...path.tokens.slice(0, -1), { kind: 'wildcard' }]);
      const listed = evaluateCompiled(inner, data, root);
      const list = listed.found ? listed.value : [];
      return { found: true, value: Array.isArray(list) ? list.length : null };
    }
    step(evaluation, 0, data);
  } catch (error) {
    // Recorded AWS: an indefinite path whose definite head is missing (`$.items[*]` on `{}`) gives `[]`, not an error.
    if (error instanceof PathNotFound) return path.definite ? { found: false, reason: error.message } : { found: true, value: [] };
    throw error;
  }
  if (!path.definite) return { found: true, value: evaluation.results };
  if (evaluation.results.length === 0) return { found: false, reason: `No results for path: ${path.prefixText[path.tokens.length]}` };
  return { found: true, value: evaluation.results[0] as Json };
}

function evaluateSimple(path: CompiledPath, data: Json): PathResult {
  const tokens = path.tokens;
  const last = tokens.length - 1;
  let model: Json = data;
  for (let index = 0; index <= last; index++) {
    const token = tokens[index] as Token;
    if (token.kind === 'property') {
      const name = token.names[0] as string;
      if (!isObject(model)) return { found: false, reason: notAnObject(path, index, model) };
      if (!hasOwn(model, name)) {
        if (index === last) return { found: false, reason: `No results for path: ${path.prefixText[tokens.length]}` };
        return { found: false, reason: `Missing property in path ${path.prefixText[index + 1]}` };
      }
      model = model[name] as Json;
    } else if (token.kind === 'index') {
      if (!Array.isArray(model)) return { found: false, reason: notAnArray(path, index, model) };
      const requested = token.indexes[0] as number;
      const effective = requested < 0 ? model.length + requested : requested;
      if (effective < 0 || effective >= model.length) return { found: false, reason: `No results for path: ${path.prefixText[tokens.length]}` };
      model = model[effective] as Json;
    }
  }
  return { found: true, value: model };
}

function notAnObject(path: CompiledPath, index: number, model: Json): string {
  return `Expected to find an object with property ${fragmentOf(path.tokens[index] as Token)} in path ${path.prefixText[index]} but found '${javaClassName(model)}'. This is not a json object according to the JsonProvider: '${JSON_PROVIDER}'.`;
}

function notAnArray(path: CompiledPath, index: number, model: Json): string {
  if (model === null) return `The path ${path.prefixText[index]} is null`;
  return `Filter: ${path.suffixText[index]} can only be applied to arrays. Current context is: ${javaString(model)}`;
}

function step(evaluation: Evaluation, index: number, model: Json): void {
  const { path } = evaluation;
  const token = path.tokens[index];
  if (token === undefined) {
    evaluation.results.push(model);
    return;
  }
  const next = index + 1;
  switch (token.kind) {
    case 'property': {
      if (!isObject(model)) {
        if (path.upstreamDefinite[index]) throw new PathNotFound(notAnObject(path, index, model));
        return;
      }
      const leaf = next === path.tokens.length;
      if (token.names.length > 1 && leaf) {
        const merged: JsonObject = {};
        for (const name of token.names) if (hasOwn(model, name)) merged[name] = model[name] as Json;
        evaluation.results.push(merged);
        return;
      }
      for (const name of token.names) {
        if (!hasOwn(model, name)) {
          if (leaf) continue;
          if (path.upstreamDefinite[index] && path.tokenDefinite[index]) {
            throw new PathNotFound(`Missing property in path ${path.prefixText[index]}['${name}']`);
          }
          continue;
        }
        step(evaluation, next, model[name] as Json);
      }
      return;
    }
    case 'wildcard': {
      if (Array.isArray(model)) for (const item of model) step(evaluation, next, item);
      else if (isObject(model)) for (const key of Object.keys(model)) step(evaluation, next, model[key] as Json);
      return;
    }
    case 'index': {
      if (!Array.isArray(model)) {
        if (path.upstreamDefinite[index]) throw new PathNotFound(notAnArray(path, index, model));
        return;
      }
      for (const requested of token.indexes) stepIndex(evaluation, next, model, requested);
      return;
    }
    case 'slice': {
      if (!Array.isArray(model)) {
        if (path.upstreamDefinite[index]) throw new PathNotFound(notAnArray(path, index, model));
        return;
      }
      slice(evaluation, next, model, token.from, token.to);
      return;
    }
    case 'filter': {
      if (isObject(model)) {
        if (accepts(token.filter, model, evaluation.root)) step(evaluation, next, model);
      } else if (Array.isArray(model)) {
        for (const item of model) if (accepts(token.filter, item, evaluation.root)) step(evaluation, next, item);
      } else if (path.upstreamDefinite[index]) {
        throw new PathNotFound(`Filter: ${path.suffixText[index]} can not be applied to primitives. Current context is: ${javaString(model)}`);
      }
      return;
    }
    case 'scan': {
      scan(evaluation, next, model);
      return;
    }
    case 'function': {
      evaluation.results.push(Array.isArray(model) ? model.length : isObject(model) ? Object.keys(model).length : null);
      return;
    }
  }
}

function stepIndex(evaluation: Evaluation, next: number, array: readonly Json[], requested: number): void {
  const effective = requested < 0 ? array.length + requested : requested;
  if (effective < 0 || effective >= array.length) return;
  step(evaluation, next, array[effective] as Json);
}

/** Jayway's ArraySliceToken, including its quirk that `[1:-1]` (from ≥ to before wrapping) selects nothing. */
function slice(evaluation: Evaluation, next: number, array: readonly Json[], from: number | undefined, to: number | undefined): void {
  const length = array.length;
  if (length === 0) return;
  if (to === undefined) {
    let start = from as number;
    if (start < 0) start = length + start;
    start = Math.max(0, start);
    for (let index = start; index < length; index++) stepIndex(evaluation, next, array, index);
    return;
  }
  if (from === undefined) {
    let end = to < 0 ? length + to : to;
    end = Math.min(length, end);
    for (let index = 0; index < end; index++) stepIndex(evaluation, next, array, index);
    return;
  }
  const end = Math.min(length, to);
  for (let index = from; index < end; index++) stepIndex(evaluation, next, array, index);
}

/** `..`: applies the following token to every object and array below (and including) `model`, in document order. */
function scan(evaluation: Evaluation, next: number, model: Json): void {
  const token = evaluation.path.tokens[next] as Token;
  const visit = (node: Json): void => {
    if (isObject(node)) {
      if (scanMatches(token, node, evaluation.root)) step(evaluation, next, node);
      for (const key of Object.keys(node)) visit(node[key] as Json);
    } else if (Array.isArray(node)) {
      if (scanMatches(token, node, evaluation.root)) step(evaluation, next, node);
      for (const item of node) visit(item);
    }
  };
  visit(model);
}

function scanMatches(token: Token, node: Json, root: Json): boolean {
  switch (token.kind) {
    case 'property':
      return isObject(node) && token.names.every((name) => hasOwn(node, name));
    case 'index':
    case 'slice':
      return Array.isArray(node);
    case 'filter':
      return accepts(token.filter, node, root);
    default:
      return true;
  }
}

// Jayway's ValueNode.UNDEFINED: a filter path that matched nothing.
const UNDEFINED = Symbol('undefined');
type FilterValue = Json | typeof UNDEFINED | RegExp;

function accepts(filter: FilterNode, current: Json, root: Json): boolean {
  switch (filter.kind) {
    case 'or':
      return accepts(filter.left, current, root) || accepts(filter.right, current, root);
    case 'and':
      return accepts(filter.left, current, root) && accepts(filter.right, current, root);
    case 'not':
      return !accepts(filter.operand, current, root);
    case 'exists':
      return operandValue(filter.operand, current, root) !== UNDEFINED;
    case 'relation':
      return relate(filter.operator, operandValue(filter.left, current, root), operandValue(filter.right, current, root));
  }
}

function operandValue(operand: Operand, current: Json, root: Json): FilterValue {
  if (operand.kind === 'value') return operand.value;
  if (operand.kind === 'regex') return operand.regex;
  const result = evaluateCompiled(operand.path, operand.root === '@' ? current : root, root);
  return result.found ? result.value : UNDEFINED;
}

function isJson(value: FilterValue): value is Json {
  return value !== UNDEFINED && !(value instanceof RegExp);
}

/** Jayway's NumberNode/StringNode equality: a numeric string equals the number it spells. */
function looseEquals(left: FilterValue, right: FilterValue): boolean {
  if (!isJson(left) || !isJson(right)) return false;
  if (typeof left === 'number' && typeof right === 'string') return numericString(right) === left;
  if (typeof left === 'string' && typeof right === 'number') return numericString(left) === right;
  return jsonEquals(left, right);
}

function numericString(text: string): number | undefined {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) ? Number(text) : undefined;
}

function relate(operator: RelationalOperator, left: FilterValue, right: FilterValue): boolean {
  switch (operator) {
    case '==':
      return looseEquals(left, right);
    case '!=':
      return !looseEquals(left, right);
    case '===':
      return isJson(left) && isJson(right) && jsonEquals(left, right);
    case '!==':
      return !(isJson(left) && isJson(right) && jsonEquals(left, right));
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const bothNumbers = typeof left === 'number' && typeof right === 'number';
      const bothStrings = typeof left === 'string' && typeof right === 'string';
      if (!bothNumbers && !bothStrings) return false;
      const l = left as number | string;
      const r = right as number | string;
      if (operator === '<') return l < r;
      if (operator === '<=') return l <= r;
      if (operator === '>') return l > r;
      return l >= r;
    }
    case '=~': {
      const regex = left instanceof RegExp ? left : right instanceof RegExp ? right : undefined;
      const subject = left instanceof RegExp ? right : left;
      if (regex === undefined || subject instanceof RegExp) return false;
      const input = typeof subject === 'string' ? subject : typeof subject === 'number' ? javaNumber(subject) : typeof subject === 'boolean' ? String(subject) : '';
      return regex.test(input);
    }
    case 'in':
      return Array.isArray(right) && right.some((item) => looseEquals(left, item));
    case 'nin':
      return !(Array.isArray(right) && right.some((item) => looseEquals(left, item)));
    case 'subsetof':
      return Array.isArray(left) && Array.isArray(right) && left.every((item) => right.some((other) => looseEquals(item, other)));
    case 'anyof':
      return Array.isArray(left) && Array.isArray(right) && left.some((item) => right.some((other) => looseEquals(item, other)));
    case 'noneof':
      return Array.isArray(left) && Array.isArray(right) && !left.some((item) => right.some((other) => looseEquals(item, other)));
    case 'size': {
      if (typeof right !== 'number') return false;
      if (typeof left === 'string' || Array.isArray(left)) return left.length === Math.trunc(right);
      if (isObject(left as Json)) return Object.keys(left as JsonObject).length === Math.trunc(right);
      return false;
    }
    case 'empty': {
      if (typeof right !== 'boolean') return false;
      if (typeof left === 'string' || Array.isArray(left)) return (left.length === 0) === right;
      if (isObject(left as Json)) return (Object.keys(left as JsonObject).length === 0) === right;
      return false;
    }
    case 'contains': {
      if (typeof left === 'string' && typeof right === 'string') return left.includes(right);
      if (Array.isArray(left)) return left.some((item) => looseEquals(item, right));
      return false;
    }
  }
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEquals(left: Json, right: Json): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false;
    for (let index = 0; index < left.length; index++) if (!jsonEquals(left[index] as Json, right[index] as Json)) return false;
    return true;
  }
  if (Array.isArray(right)) return false;
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  for (const key of leftKeys) {
    if (!hasOwn(right, key) || !jsonEquals(left[key] as Json, right[key] as Json)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Public reading API
// ---------------------------------------------------------------------------

/**
 * Reads a JSONPath (`$…`) from `data` with Jayway's semantics: a definite
 * path gives the value, an indefinite one an array (`[]` when nothing
 * matches). `reason` is the text AWS puts after `Invalid path '<p>' : `.
 * A path that does not parse is not found either (the reason says why);
 * definitions are validated before they run, so that only shows for paths
 * built at run time.
 *
 * @example
 * readPath('$.a[0]', { a: [7] })   // { found: true, value: 7 }
 * readPath('$.a[*]', { a: [] })    // { found: true, value: [] }
 * readPath('$.x', {})              // { found: false, reason: "No results for path: $['x']" }
 */
export function readPath(path: string, data: Json): PathResult {
  let compiled: CompiledPath;
  try {
    compiled = compileJsonPath(path);
  } catch (error) {
    if (error instanceof JsonPathSyntaxError) return { found: false, reason: error.message };
    throw error;
  }
  return evaluateCompiled(compiled, data);
}

/**
 * Whether Jayway (as Step Functions uses it) parses the path: `$`, `.key`,
 * `['key']`, indexes, `*`, `..`, slices, unions, filters, `length()`.
 * Variable (`$name`) and context (`$$`) references are not plain paths; see
 * {@link isValidReference}.
 */
export function isValidJsonPath(path: string): boolean {
  try {
    compileJsonPath(path);
    return true;
  } catch (error) {
    if (error instanceof JsonPathSyntaxError) return false;
    throw error;
  }
}

/**
 * Whether the path is a *reference path* (ResultPath, Choice `Variable`,
 * the `*Path` settings): only `.key`, `['key']` and `[n]`, naming one node.
 * Source: AWS developer guide, "Reference Paths" ("The operators `@ .. , : ? *`
 * aren't supported. Functions such as `length()` aren't supported.").
 */
export function isReferencePath(path: string): boolean {
  const target = referenceTarget(path);
  if (target === undefined) return false;
  try {
    return compileJsonPath(target.path).simple;
  } catch (error) {
    if (error instanceof JsonPathSyntaxError) return false;
    throw error;
  }
}

/**
 * Whether `text` is something a JSONPath state may reference: a path on the
 * input (`$…`), on the context object (`$$…`) or on a variable (`$name…`).
 */
export function isValidReference(text: string): boolean {
  const target = referenceTarget(text);
  return target !== undefined && isValidJsonPath(target.path);
}

const VARIABLE_REFERENCE = /^\$([A-Za-z_][A-Za-z0-9_]*)/;

type ReferenceTarget =
  | { readonly source: 'input'; readonly path: string }
  | { readonly source: 'context'; readonly path: string }
  | { readonly source: 'variable'; readonly name: string; readonly path: string };

function referenceTarget(text: string): ReferenceTarget | undefined {
  if (!text.startsWith('$')) return undefined;
  if (text.startsWith('$$')) return { source: 'context', path: `$${text.slice(2)}` };
  const variable = VARIABLE_REFERENCE.exec(text);
  if (variable) {
    const name = variable[1] as string;
    return { source: 'variable', name, path: `$${text.slice(name.length + 1)}` };
  }
  return { source: 'input', path: text };
}

/** Where a reference reads from, for callers that word errors differently per source. */
export function referenceSource(text: string): 'input' | 'context' | 'variable' | undefined {
  return referenceTarget(text)?.source;
}

/**
 * Resolves a reference as JSONPath states allow it: `$`/`$.x` on `input`,
 * `$$`/`$$.x` on the context object, `$name`/`$name.field[0]` on a variable.
 *
 * @example
 * resolveReference('$$.Execution.Name', input, scope) // { found: true, value: 'exec-1' }
 * resolveReference('$order.id', input, scope)         // reads variable `order`
 */
export function resolveReference(path: string, input: Json, scope: EvaluationScope): PathResult {
  const target = referenceTarget(path);
  if (target === undefined) return { found: false, reason: `The path '${path}' does not start with '$'` };
  if (target.source === 'input') return readPath(path, input);
  if (target.source === 'context') return readPath(target.path, scope.context);
  const value = scope.variables.get(target.name);
  if (value === undefined) return { found: false, reason: `No results for path: $${target.name}` };
  return readPath(target.path, value);
}

// ---------------------------------------------------------------------------
// Input and output processing
// ---------------------------------------------------------------------------

/**
 * A `States.Runtime` failure with AWS's prefix: `An error occurred while
 * executing the state '<S>' (entered at the event id #<n>). <message>`.
 */
export function runtimeFailure(location: StateLocation, message: string): StateFailure {
  return new StateFailure('States.Runtime', `${statePrefix(location.stateName, location.enteredEventId)}${message}`);
}

/**
 * What AWS says when a path is applied to a `null` state input. Source: a
 * user-reported AWS execution (Stack Overflow, "AWS Step function parameters
 * are not moving to the next step": `States.Runtime` … `Unable to apply Path
 * transformation to null or empty input.` for `"Input.$": "$"` on a null input).
 */
export const NULL_INPUT_MESSAGE = 'Unable to apply Path transformation to null or empty input.';

/** Fields whose unresolved path AWS reports as "The JSONPath … could not be found in the input …". */
const TEMPLATE_STYLE_FIELDS = new Set(['ErrorPath', 'CausePath']);

/**
 * InputPath / OutputPath (and ItemsPath, the `*Path` settings, …): `null`
 * gives `{}`, `undefined` (absent) leaves `data` as is, a path selects from
 * `data`, the context object or a variable. A path that matches nothing fails
 * the state with `States.Runtime`, worded as AWS does:
 * `Invalid path '$.x' : No results for path: $['x']` (recorded AWS response,
 * LocalStack snapshot `scenarios/test_base_scenarios` test_invalid_jsonpath,
 * ST.INVALID_JSONPATH_IN_INPUTPATH / _OUTPUTPATH / _TIMEOUTSECONDSPATH), and
 * for ErrorPath / CausePath `The JSONPath '$.x' specified for the field
 * 'ErrorPath' could not be found in the input '<json>'`.
 *
 * @example
 * applyPath('InputPath', '$.order', { order: { id: 1 } }, scope, location) // { id: 1 }
 * applyPath('OutputPath', null, { a: 1 }, scope, location)                 // {}
 */
export function applyPath(field: string, path: string | null | undefined, data: Json, scope: EvaluationScope, location: StateLocation): Json {
  if (path === undefined || path === '$') return data;
  if (path === null) return {};
  if (data === null && referenceSource(path) === 'input') throw runtimeFailure(location, NULL_INPUT_MESSAGE);
  const result = resolveReference(path, data, scope);
  if (result.found) return result.value;
  if (TEMPLATE_STYLE_FIELDS.has(field)) {
    throw runtimeFailure(location, `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(data)}'`);
  }
  throw runtimeFailure(location, `Invalid path '${path}' : ${result.reason}`);
}

/**
 * ResultPath: `undefined` (absent) means `$` — the result replaces the
 * input; `null` keeps the input and drops the result; a reference path
 * (`$.a.b`, `$['a']`) writes the result into a copy of the input, creating
 * objects on the way. Unchanged branches are shared with `input`; `input` is
 * never modified. The input (or a node on the way) that is not an object
 * fails the state with `States.Runtime`.
 *
 * @example
 * applyResultPath({ a: 1 }, '$.r.x', 2, location) // { a: 1, r: { x: 2 } }
 */
export function applyResultPath(input: Json, resultPath: string | null | undefined, result: Json, location: StateLocation): Json {
  if (resultPath === undefined || resultPath === '$') return result;
  if (resultPath === null) return input;
  let compiled: CompiledPath;
  try {
    compiled = compileJsonPath(resultPath);
  } catch (error) {
    if (error instanceof JsonPathSyntaxError) throw runtimeFailure(location, `Invalid path '${resultPath}' : ${error.message}`);
    throw error;
  }
  if (!compiled.simple) throw runtimeFailure(location, `Invalid path '${resultPath}' : a ResultPath must be a reference path`);
  if (input === null) throw runtimeFailure(location, NULL_INPUT_MESSAGE);
  return writeAt(input, compiled.tokens, 0, result, () => resultPathFailure(location, resultPath, input));
}

// Not recorded on AWS: the wording is ours, shaped like AWS's other path causes.
function resultPathFailure(location: StateLocation, path: string, input: Json): StateFailure {
  return runtimeFailure(location, `Unable to apply ResultPath '${path}' to input '${JSON.stringify(input)}'`);
}

function writeAt(node: Json | undefined, tokens: readonly Token[], index: number, value: Json, fail: () => StateFailure): Json {
  const token = tokens[index];
  if (token === undefined) return value;
  if (token.kind === 'property') {
    const name = token.names[0] as string;
    if (node === undefined) return { [name]: writeAt(undefined, tokens, index + 1, value, fail) };
    if (!isObject(node)) throw fail();
    const copy: JsonObject = { ...node };
    copy[name] = writeAt(hasOwn(node, name) ? (node[name] as Json) : undefined, tokens, index + 1, value, fail);
    return copy;
  }
  if (token.kind === 'index' && Array.isArray(node)) {
    const requested = token.indexes[0] as number;
    const effective = requested < 0 ? node.length + requested : requested;
    if (effective < 0 || effective >= node.length) throw fail();
    const copy = node.slice();
    copy[effective] = writeAt(node[effective] as Json, tokens, index + 1, value, fail);
    return copy;
  }
  throw fail();
}
