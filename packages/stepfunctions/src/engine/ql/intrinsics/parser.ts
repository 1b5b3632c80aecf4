/**
 * The intrinsic function call syntax of JSONPath states:
 * `States.Name(arg, …)`, where an argument is a string literal in single
 * quotes, a number, `true` / `false` / `null`, a path (`$…`, `$$…`, `$var…`)
 * or a nested call. A tokenizer feeds a recursive-descent parser; calls are
 * parsed once and cached by their text.
 *
 * String literals take the escapes the AWS developer guide lists ("Reserved
 * characters in intrinsic functions"): `\'`, `\{`, `\}` and `\\`; any other
 * backslash is an error ("If an open escape backslash \ is found in the
 * intrinsic invocation string, the interpreter will throw a runtime error").
 * An escaped `\{}` is literal text, not a States.Format placeholder.
 */
import type { Json } from '../../types.js';
import { isValidReference } from '../jsonpath.js';

/** The 18 intrinsic functions of JSONPath states. */
export const INTRINSIC_NAMES = [
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayPartition',
  'States.ArrayContains',
  'States.ArrayRange',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayUnique',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.JsonMerge',
  'States.MathRandom',
  'States.MathAdd',
  'States.StringSplit',
  'States.UUID',
] as const;

export type IntrinsicName = (typeof INTRINSIC_NAMES)[number];

const KNOWN_NAMES: ReadonlySet<string> = new Set(INTRINSIC_NAMES);

/**
 * A string literal cut at its unescaped `{}` placeholders: `null` marks a
 * placeholder, strings are literal text (escapes already resolved).
 */
export type FormatPieces = readonly (string | null)[];

/** One argument of a call. */
export type IntrinsicArgument =
  | { readonly kind: 'literal'; readonly value: Json; readonly pieces?: FormatPieces }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly call: IntrinsicCall };

/** A parsed `States.Name(…)` call. */
export interface IntrinsicCall {
  readonly name: IntrinsicName;
  readonly args: readonly IntrinsicArgument[];
}

/** The text is not a well-formed intrinsic call. */
export class IntrinsicSyntaxError extends Error {
  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`Invalid intrinsic function call '${expression}': ${detail}`);
    this.name = 'IntrinsicSyntaxError';
  }
}

type Lexeme =
  | { readonly type: '(' | ')' | ',' | 'end'; readonly at: number }
  | { readonly type: 'name'; readonly text: string; readonly at: number }
  | { readonly type: 'string'; readonly value: string; readonly pieces: FormatPieces; readonly at: number }
  | { readonly type: 'number'; readonly value: number; readonly at: number }
  | { readonly type: 'path'; readonly text: string; readonly at: number };

const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/;

function tokenize(expression: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let position = 0;
  const fail = (detail: string): never => {
    throw new IntrinsicSyntaxError(expression, detail);
  };
  while (position < expression.length) {
    const char = expression[position] as string;
    if (/\s/.test(char)) {
      position++;
      continue;
    }
    if (char === '(' || char === ')' || char === ',') {
      lexemes.push({ type: char, at: position });
      position++;
      continue;
    }
    if (char === "'") {
      const literal = readString(expression, position, fail);
      lexemes.push({ type: 'string', value: literal.value, pieces: literal.pieces, at: position });
      position = literal.end;
      continue;
    }
    if (char === '$') {
      const end = pathEnd(expression, position, fail);
      lexemes.push({ type: 'path', text: expression.slice(position, end), at: position });
      position = end;
      continue;
    }
    const rest = expression.slice(position);
    const number = NUMBER.exec(rest);
    if (number) {
      lexemes.push({ type: 'number', value: Number(number[0]), at: position });
      position += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      lexemes.push({ type: 'name', text: name[0], at: position });
      position += name[0].length;
      continue;
    }
    fail(`unexpected '${char}' at position ${position}`);
  }
  lexemes.push({ type: 'end', at: position });
  return lexemes;
}

function readString(expression: string, start: number, fail: (detail: string) => never): { value: string; pieces: FormatPieces; end: number } {
  const pieces: (string | null)[] = [];
  let text = '';
  let value = '';
  let position = start + 1;
  while (position < expression.length) {
    const char = expression[position] as string;
    if (char === '\\') {
      const escaped = expression[position + 1];
      if (escaped !== "'" && escaped !== '{' && escaped !== '}' && escaped !== '\\') {
        fail(`an open escape backslash at position ${position} (only \\', \\{, \\} and \\\\ are escapes)`);
      }
      text += escaped;
      value += escaped;
      position += 2;
      continue;
    }
    if (char === "'") {
      pieces.push(text);
      return { value, pieces, end: position + 1 };
    }
    if (char === '{' && expression[position + 1] === '}') {
      pieces.push(text, null);
      text = '';
      value += '{}';
      position += 2;
      continue;
    }
    text += char;
    value += char;
    position++;
  }
  return fail(`unclosed string literal at position ${start}`);
}

/** A path argument runs to the next `,` or `)` (or blank) outside its own brackets and quotes. */
function pathEnd(expression: string, start: number, fail: (detail: string) => never): number {
  let position = start + 1;
  let depth = 0;
  while (position < expression.length) {
    const char = expression[position] as string;
    if (depth > 0 && (char === "'" || char === '"')) {
      position++;
      while (position < expression.length && expression[position] !== char) {
        position += expression[position] === '\\' ? 2 : 1;
      }
      if (position >= expression.length) fail(`unclosed quote in path at position ${start}`);
      position++;
      continue;
    }
    if (char === '[') depth++;
    else if (char === ']') depth--;
    else if (depth === 0) {
      // `length()` belongs to the path; any other parenthesis ends it.
      if (char === '(' && expression[position + 1] === ')' && /[A-Za-z0-9_]$/.test(expression.slice(start, position))) {
        position += 2;
        continue;
      }
      if (char === ',' || char === ')' || char === '(' || /\s/.test(char)) break;
    }
    position++;
  }
  if (depth !== 0) fail(`unclosed '[' in path at position ${start}`);
  return position;
}

class Parser {
  private index = 0;

  constructor(
    private readonly expression: string,
    private readonly lexemes: readonly Lexeme[],
  ) {}

  private peek(): Lexeme {
    return this.lexemes[this.index] as Lexeme;
  }

  private next(): Lexeme {
    return this.lexemes[this.index++] as Lexeme;
  }

  private fail(detail: string): never {
    throw new IntrinsicSyntaxError(this.expression, detail);
  }

  parseTop(): IntrinsicCall {
    const call = this.parseCall();
    const rest = this.peek();
    if (rest.type !== 'end') this.fail(`unexpected text after the call at position ${rest.at}`);
    return call;
  }

  private parseCall(): IntrinsicCall {
    const name = this.next();
    if (name.type !== 'name') return this.fail(`expected a function name at position ${name.at}`);
    if (!KNOWN_NAMES.has(name.text)) this.fail(`unknown intrinsic function ${name.text}`);
    const open = this.next();
    if (open.type !== '(') this.fail(`expected '(' after ${name.text}`);
    const args: IntrinsicArgument[] = [];
    if (this.peek().type === ')') {
      this.next();
      return { name: name.text as IntrinsicName, args };
    }
    for (;;) {
      args.push(this.parseArgument());
      const separator = this.next();
      if (separator.type === ')') break;
      if (separator.type !== ',') this.fail(`expected ',' or ')' at position ${separator.at}`);
    }
    return { name: name.text as IntrinsicName, args };
  }

  private parseArgument(): IntrinsicArgument {
    const lexeme = this.peek();
    switch (lexeme.type) {
      case 'string':
        this.next();
        return { kind: 'literal', value: lexeme.value, pieces: lexeme.pieces };
      case 'number':
        this.next();
        return { kind: 'literal', value: lexeme.value };
      case 'path':
        this.next();
        if (!isValidReference(lexeme.text)) this.fail(`'${lexeme.text}' is not a valid path`);
        return { kind: 'path', path: lexeme.text };
      case 'name':
        if (lexeme.text === 'true' || lexeme.text === 'false' || lexeme.text === 'null') {
          this.next();
          return { kind: 'literal', value: lexeme.text === 'null' ? null : lexeme.text === 'true' };
        }
        return { kind: 'call', call: this.parseCall() };
      default:
        return this.fail(`expected an argument at position ${lexeme.at}`);
    }
  }
}

const parsedCalls = new Map<string, IntrinsicCall>();
const CACHE_LIMIT = 10_000;

/**
 * Parses an intrinsic call; throws {@link IntrinsicSyntaxError} with a
 * message when it is malformed (unknown function, bad literal, bad path,
 * unbalanced parentheses). Argument counts and types are checked when the
 * call runs, as `States.IntrinsicFailure`.
 *
 * @example
 * parseIntrinsic("States.Format('Hi {}', $.name)").args.length // 2
 */
export function parseIntrinsic(text: string): IntrinsicCall {
  const cached = parsedCalls.get(text);
  if (cached) return cached;
  const call = new Parser(text, tokenize(text)).parseTop();
  if (parsedCalls.size >= CACHE_LIMIT) parsedCalls.clear();
  parsedCalls.set(text, call);
  return call;
}

/**
 * Whether a `.$` field's value is an intrinsic call rather than a path:
 * it starts with `States.<Name>(`. It may still be malformed; see
 * {@link parseIntrinsic}.
 */
export function isIntrinsicCall(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9_]+\s*\(/.test(text);
}
