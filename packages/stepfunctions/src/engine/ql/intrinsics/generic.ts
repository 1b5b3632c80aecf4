/** Intrinsic for generic operations: States.Format. */
import type { Json } from '../../types.js';
import { javaString } from '../jsonpath.js';
import { expectCount, intrinsicFailure, stringArgument, type IntrinsicInvocation } from './arguments.js';
import type { FormatPieces } from './parser.js';

/**
 * `States.Format(template, …values)`: each `{}` of the template takes the
 * next value. A literal template's escaped `\{` / `\}` are text, not
 * placeholders; a template read from a path has no escapes. There must be as
 * many values as placeholders (AWS developer guide, intrinsic functions).
 *
 * Values print as AWS's Java engine prints them: strings bare, `null`,
 * numbers, and objects / arrays in Java's `toString()` form, `{a=1, b=[]}`
 * (recorded AWS responses, LocalStack snapshot `intrinsic_functions/test_generic`
 * test_format_2 and test_context_json_path).
 */
export function format(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1, Infinity);
  const template = stringArgument(invocation, 0);
  const pieces: FormatPieces = invocation.pieces[0] ?? splitPlaceholders(template);
  const values = invocation.values.slice(1);
  const placeholders = pieces.filter((piece) => piece === null).length;
  if (placeholders !== values.length) {
    throw intrinsicFailure(invocation, `the format string has ${placeholders} placeholder(s) {} but ${values.length} value(s) were given`);
  }
  let text = '';
  let next = 0;
  for (const piece of pieces) text += piece === null ? javaString(values[next++] as Json) : piece;
  return text;
}

function splitPlaceholders(template: string): FormatPieces {
  const pieces: (string | null)[] = [];
  const parts = template.split('{}');
  parts.forEach((part, index) => {
    if (index > 0) pieces.push(null);
    pieces.push(part);
  });
  return pieces;
}
