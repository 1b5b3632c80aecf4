/**
 * Small checks for validating raw JSON configuration, shared by core and
 * adapters so that every config error describes values the same way.
 * Dependency-free: the wire format (and so the container agent) uses them too.
 */

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How an error message names a value it refused: `"text"`, `an array`, `an object`, `null`, `42`. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
