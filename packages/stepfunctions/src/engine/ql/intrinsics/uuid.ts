/** Intrinsic for unique identifier generation: States.UUID. */
import { randomUUID } from 'node:crypto';
import type { Json } from '../../types.js';
import { expectCount, type IntrinsicInvocation } from './arguments.js';

/** `States.UUID()`: a version-4 UUID, from `options.uuid` when the run supplies one. */
export function uuid(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 0);
  return invocation.options.uuid ? invocation.options.uuid() : randomUUID();
}
