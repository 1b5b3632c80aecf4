/**
 * A matcher was given something it cannot check (not an execution, not a
 * double, a bad argument). The message names the matcher and the fix.
 */
export class MatcherUsageError extends Error {
  override readonly name = 'MatcherUsageError';

  constructor(
    /** The matcher, e.g. `toHaveRetried`. */
    readonly matcher: string,
    message: string,
  ) {
    super(`${matcher}: ${message}`);
  }
}
