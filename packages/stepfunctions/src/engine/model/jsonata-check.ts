/**
 * Definition-time checks of the `{% %}` expressions of a JSONata state, with
 * the codes and texts AWS's ValidateStateMachineDefinition returns for them
 * (measured on AWS and quoted in floci issue #2745 / PR #2786): the parser's
 * message without its `S0xxx: ` code, `$$`, and `$states.errorOutput` outside a
 * catcher.
 */
import { jsonataLibrary } from '../ql/jsonata-library.js';

export interface ExpressionProblem {
  readonly code: 'INVALID_JSONATA_EXPRESSION' | 'UNSUPPORTED_JSONATA_EXPRESSION';
  readonly message: string;
}

/** The expression inside a `{% … %}` string, or `undefined` for any other value. */
export function jsonataExpression(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 4 || !value.startsWith('{%') || !value.endsWith('%}')) return undefined;
  return value.slice(2, -2);
}

/**
 * What AWS refuses in one expression, or `undefined`. `inCatcher`: the
 * expression is a catcher's `Output` or `Assign`, the one place
 * `$states.errorOutput` exists.
 */
export function expressionProblem(expression: string, inCatcher: boolean): ExpressionProblem | undefined {
  let ast: unknown;
  try {
    ast = jsonataLibrary()(expression).ast();
  } catch (error) {
    // jsonata throws plain objects `{ code: 'S0202', message, position, token }`; AWS shows the message alone.
    const message = isNode(error) && typeof error.message === 'string' ? error.message : String(error);
    return { code: 'INVALID_JSONATA_EXPRESSION', message };
  }
  if (refersToRoot(ast)) return { code: 'UNSUPPORTED_JSONATA_EXPRESSION', message: "Reference to '$$' is not supported." };
  if (!inCatcher && readsErrorOutput(ast)) {
    return { code: 'UNSUPPORTED_JSONATA_EXPRESSION', message: "Field '$states.errorOutput' does not exist." };
  }
  return undefined;
}

type Node = { readonly [key: string]: unknown };

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null;
}

/** Depth-first search of the parser's AST (its children sit under various keys: steps, arguments, lhs, rhs…). */
function someNode(value: unknown, test: (node: Node) => boolean): boolean {
  if (Array.isArray(value)) return value.some((item) => someNode(item, test));
  if (!isNode(value)) return false;
  if (test(value)) return true;
  for (const key in value) {
    if (key !== 'position' && someNode(value[key], test)) return true;
  }
  return false;
}

// jsonata parses `$$` as the variable named `$`.
function refersToRoot(ast: unknown): boolean {
  return someNode(ast, (node) => node.type === 'variable' && node.value === '$');
}

function readsErrorOutput(ast: unknown): boolean {
  return someNode(ast, (node) => {
    if (node.type !== 'path' || !Array.isArray(node.steps)) return false;
    const [first, second] = node.steps as unknown[];
    return isNode(first) && first.type === 'variable' && first.value === 'states' && isNode(second) && second.type === 'name' && second.value === 'errorOutput';
  });
}
