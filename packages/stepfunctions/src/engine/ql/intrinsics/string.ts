/** Intrinsic for string operations: States.StringSplit. */
import type { Json } from '../../types.js';
import { expectCount, stringArgument, type IntrinsicInvocation } from './arguments.js';

/**
 * `States.StringSplit(text, delimiters)`: splits at *each character* of
 * `delimiters` and drops empty pieces, as Java's `StringTokenizer` does:
 * `('This.is+a,test=string', '.+,=')` gives the five words (recorded AWS
 * response, LocalStack snapshot `intrinsic_functions/test_string_operations`
 * test_string_split). An empty `delimiters` leaves `text` whole.
 */
export function stringSplit(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2);
  const text = stringArgument(invocation, 0);
  const delimiters = new Set(stringArgument(invocation, 1));
  const pieces: string[] = [];
  let current = '';
  for (const char of text) {
    if (delimiters.has(char)) {
      if (current !== '') pieces.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
