import { HarnessError } from '../errors.js';

/**
 * Errors of the test kit (`@harness/core/testing`). They are thrown inside the
 * tests of an adapter's own suite, so each says what the adapter did, what
 * the contract expects and how to fix it.
 */

/**
 * An adapter does not keep the adapter contract (`TestDoubleAdapter`). The
 * message names the member and the rule, ends with the fix, and lists each
 * problem found on a line of its own after it.
 */
export class AdapterContractError extends HarnessError {
  constructor(
    /** The adapter's name, or `(unnamed)`. */
    readonly adapter: string,
    problem: string,
    fix: string,
    /** Every problem found, e.g. one per offending template value. */
    readonly problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(`Adapter ${adapter}: ${problem}. To fix this, ${fix}.${problems.map((line) => `\n  - ${line}`).join('')}`, options);
  }
}

/** A fake session was asked for something a real one could not answer (an invocation of a double nobody mocked). */
export class FakeSessionError extends HarnessError {}
