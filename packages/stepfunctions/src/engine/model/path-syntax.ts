/**
 * Static syntax checks for the strings of a JSONPath state: Paths, Reference
 * Paths, `.$` values, timestamps and variable names. They say whether a
 * definition can be accepted; evaluating a path is `ql/jsonpath`'s work.
 */
import { isReferencePath, isValidJsonPath } from '../ql/jsonpath.js';
import { IntrinsicSyntaxError, parseIntrinsic } from '../ql/intrinsics/index.js';

/** Which roots a path may start from besides the state input `$`. */
export interface PathRoots {
  /** `$$`, the context object. */
  readonly context: boolean;
  /** `$name`, a workflow variable. */
  readonly variables: boolean;
}

export const INPUT_ONLY: PathRoots = { context: false, variables: false };
export const ANY_ROOT: PathRoots = { context: true, variables: true };
export const NO_CONTEXT: PathRoots = { context: false, variables: true };

// A variable root is `$` and an identifier ("Passing data between states with variables": `$productName`).
const VARIABLE_ROOT = /^\$[\p{ID_Start}_][\p{ID_Continue}]*/u;

/**
 * The path with its root rewritten to `$`, so one JSONPath grammar reads all
 * three roots; `undefined` when the root is not `$`, or is one `roots` forbids.
 */
function rebase(path: string, roots: PathRoots): string | undefined {
  if (!path.startsWith('$')) return undefined;
  if (path.startsWith('$$')) return roots.context ? path.slice(1) : undefined;
  const second = path.charAt(1);
  if (second === '' || second === '.' || second === '[') return path;
  const variable = VARIABLE_ROOT.exec(path);
  if (variable === null || !roots.variables) return undefined;
  return `$${path.slice(variable[0].length)}`;
}

/**
 * Why `path` is not a Reference Path ("Reference Paths" in the developer
 * guide: `.name`, `['name']` and `[n]` steps naming a single node), or
 * `undefined` when it is one. `''` means invalid without a more precise reason.
 */
export function referencePathProblem(path: string, roots: PathRoots): string | undefined {
  // AWS: "Value is not a Reference Path: Reference path didn't start with '$'" (cfn-lint issue #4076).
  if (!path.startsWith('$')) return "Reference path didn't start with '$'";
  const rebased = rebase(path, roots);
  return rebased !== undefined && isReferencePath(rebased) ? undefined : '';
}

/** Whether `path` is a Path (wildcards and filters allowed) from one of `roots`. */
export function isPath(path: string, roots: PathRoots): boolean {
  const rebased = rebase(path, roots);
  return rebased !== undefined && isValidJsonPath(rebased);
}

/** Whether `text` parses as an intrinsic function call (`States.Format(…)`). */
export function isWellFormedIntrinsicCall(text: string): boolean {
  if (!text.startsWith('States.')) return false;
  try {
    parseIntrinsic(text);
    return true;
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) return false;
    throw error;
  }
}

/** A `.$` value: a Path from any root, or an intrinsic function call ("Intrinsic functions"). */
export function isPathOrIntrinsic(value: unknown): boolean {
  return typeof value === 'string' && (isPath(value, ANY_ROOT) || isWellFormedIntrinsicCall(value));
}

// "Timestamps" (ASL specification): RFC 3339, uppercase `T`, and `Z` unless a numeric offset is given.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function isTimestamp(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Variable names follow Unicode Standard Annex #31: an ID_Start character,
 * then ID_Continue characters, at most 80 of them ("Passing data between
 * states with variables", Variable names).
 */
export const MAX_VARIABLE_NAME_LENGTH = 80;
const VARIABLE_NAME = /^\p{ID_Start}\p{ID_Continue}*$/u;

export function isVariableName(name: string): boolean {
  return VARIABLE_NAME.test(name);
}
