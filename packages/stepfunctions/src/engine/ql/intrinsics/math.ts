/** Intrinsics for math operations: States.MathRandom, States.MathAdd. */
import type { Json } from '../../types.js';
import { expectCount, expectIntRange, intrinsicFailure, roundedIntegerArgument, type IntrinsicInvocation } from './arguments.js';

/**
 * `States.MathAdd(a, b)`: the sum of the two arguments, each first rounded
 * to an integer as Java's `Math.round` does (halves up: `1.49 + 1.5` gives
 * `1 + 2 = 3`, `-1.5` counts as `-1`; recorded AWS responses, LocalStack
 * snapshot `intrinsic_functions/test_math_operations` test_math_add). Both
 * must lie in the Java `int` range (AWS developer guide).
 */
export function mathAdd(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2);
  const first = roundedIntegerArgument(invocation, 0);
  expectIntRange(invocation, 0, first);
  const second = roundedIntegerArgument(invocation, 1);
  expectIntRange(invocation, 1, second);
  const sum = first + second;
  return sum === 0 ? 0 : sum;
}

/**
 * `States.MathRandom(start, end[, seed])`: an integer from `start`
 * (inclusive) to `end` (exclusive); arguments rounded to integers. With a
 * seed the number is repeatable: we draw it as `java.util.Random(seed)
 * .nextInt(end - start) + start`, the Java idiom; AWS's exact generator is
 * not recorded (its snapshots mask the value), so a seeded number may differ
 * from AWS's.
 */
export function mathRandom(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 2, 3);
  const start = roundedIntegerArgument(invocation, 0);
  expectIntRange(invocation, 0, start);
  const end = roundedIntegerArgument(invocation, 1);
  expectIntRange(invocation, 1, end);
  if (end <= start) throw intrinsicFailure(invocation, `the end (${end}) must be greater than the start (${start})`);
  const bound = end - start;
  if (invocation.values.length === 3) {
    const seed = roundedIntegerArgument(invocation, 2);
    return start + new JavaRandom(seed).nextInt(bound);
  }
  const random = invocation.options.random ?? Math.random;
  return start + Math.min(bound - 1, Math.floor(random() * bound));
}

const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

/** `java.util.Random`'s 48-bit linear congruential generator, enough of it for `nextInt(bound)`. */
export class JavaRandom {
  private seed: bigint;

  constructor(seed: number) {
    this.seed = (BigInt(seed) ^ MULTIPLIER) & MASK;
  }

  private next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  /** A uniform integer in [0, bound), exactly as Java computes it. */
  nextInt(bound: number): number {
    if (bound <= 0) throw new RangeError('bound must be positive');
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Number((BigInt(bound) * BigInt(r)) >> 31n);
    for (let u = r; ((u - (r = u % bound) + m) | 0) < 0; u = this.next(31));
    return r;
  }
}
