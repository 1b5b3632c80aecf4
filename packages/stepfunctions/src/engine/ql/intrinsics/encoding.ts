/** Intrinsics for data encoding and decoding: States.Base64Encode, States.Base64Decode. */
import { Buffer } from 'node:buffer';
import type { Json } from '../../types.js';
import { expectCount, expectMaxLength, intrinsicFailure, stringArgument, type IntrinsicInvocation } from './arguments.js';

/** `States.Base64Encode(text)`: the UTF-8 bytes of `text` in Base64; at most 10,000 characters in. */
export function base64Encode(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1);
  const text = stringArgument(invocation, 0);
  expectMaxLength(invocation, 0, text);
  return Buffer.from(text, 'utf8').toString('base64');
}

// RFC 4648 alphabet; padding optional, as Java's Base64 decoder accepts.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `States.Base64Decode(text)`: Base64 back to a UTF-8 string; at most 10,000 characters in. */
export function base64Decode(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1);
  const text = stringArgument(invocation, 0);
  expectMaxLength(invocation, 0, text);
  const unpadded = text.replace(/=+$/, '');
  if (!BASE64.test(text) || unpadded.length % 4 === 1 || (text.includes('=') && text.length % 4 !== 0)) {
    throw intrinsicFailure(invocation, `'${text}' is not valid Base64`);
  }
  return Buffer.from(text, 'base64').toString('utf8');
}
