/** Intrinsic for hash calculation: States.Hash. */
import { createHash } from 'node:crypto';
import type { Json } from '../../types.js';
import { expectCount, expectMaxLength, intrinsicFailure, stringArgument, type IntrinsicInvocation } from './arguments.js';

/** The algorithms States.Hash takes, by their AWS names, with Node's digest names. */
export const HASH_ALGORITHMS: Readonly<Record<string, string>> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

/**
 * `States.Hash(data, algorithm)`: the lowercase hex digest of `data`'s UTF-8
 * bytes (recorded AWS response: SHA-256 of "Hash this string" in
 * `assign/test_assign_reference_variables` BASE_ASSIGN_FROM_INTRINSIC_FUNCTION).
 * `data` holds at most 10,000 characters; `algorithm` is one of MD5, SHA-1,
 * SHA-256, SHA-384, SHA-512.
 */
export function hash(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2);
  const data = stringArgument(invocation, 0);
  expectMaxLength(invocation, 0, data);
  const algorithm = stringArgument(invocation, 1);
  const digest = HASH_ALGORITHMS[algorithm];
  if (digest === undefined) {
    throw intrinsicFailure(invocation, `the algorithm '${algorithm}' is not one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
  }
  return createHash(digest).update(data, 'utf8').digest('hex');
}
