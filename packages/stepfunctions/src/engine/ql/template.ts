/**
 * JSONata templates: the `Output`, `Arguments`, `Assign`, `ItemSelector`…
 * values of a JSONata state, where any string written as `{% … %}` at any
 * depth is an expression and everything else is kept as written.
 *
 * An expression that returns nothing fails the state, naming its field with
 * `/` before each object key and `[i]` after each array position:
 * `Output/result`, `Arguments/FunctionName` (recorded AWS responses,
 * `assign/test_assign_reference_variables` test_undefined_reference),
 * `Output/values[0]`, `Output/a/b[0][1]`, `Assign/x/y` (measured on AWS,
 * floci-io/floci#2689).
 */
import type { Json, JsonObject } from '../types.js';
import {
  compileJsonata,
  evaluateCompiledJsonata,
  returnedNothing,
  type CompiledJsonata,
  type JsonataBindings,
  type JsonataWhere,
} from './jsonata.js';

/**
 * Whether a value is a JSONata expression: a string that starts with `{%`
 * and ends with `%}` ("Transforming data with JSONata in Step Functions").
 * Text around the delimiters makes it a plain string, not a template.
 *
 * @example
 * isJsonataExpression('{% $states.input.id %}'); // true
 * isJsonataExpression('id: {% $x %}'); // false
 */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/**
 * Evaluates a JSONata template: walks objects and arrays, evaluates each
 * `{% … %}` string, and keeps every other value. Returns new containers;
 * evaluated values may share structure with the bindings (read-only).
 *
 * @throws QueryEvaluationFailure when an expression throws, returns
 *   nothing, or returns something JSON cannot hold; its `location` is the
 *   field path (`Output/result`).
 * @example
 * await evaluateJsonataTemplate({ total: '{% $sum($states.input.prices) %}' }, bindings, { location, field: 'Output' });
 * // { total: 42 }
 */
export async function evaluateJsonataTemplate(template: Json, bindings: JsonataBindings, where: JsonataWhere): Promise<Json> {
  if (typeof template === 'string') {
    return isJsonataExpression(template) ? evaluateDefined(compileJsonata(template), bindings, where) : template;
  }
  if (template === null || typeof template !== 'object') return template;
  return evaluatePlan(planOf(template), bindings, where);
}

/**
 * A template read once: which leaves are expressions (compiled), and the
 * field suffix each one reports, so an evaluation neither rescans strings,
 * nor looks expressions up, nor builds field paths it will not print.
 */
type Plan =
  | { readonly kind: 'constant'; readonly value: Json }
  | { readonly kind: 'expression'; readonly compiled: CompiledJsonata; readonly suffix: string }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly members: readonly Plan[] }
  | { readonly kind: 'array'; readonly members: readonly Plan[] };

// Templates are parts of a parsed definition, so the same object comes back on every evaluation.
const plans = new WeakMap<object, Plan>();

function planOf(template: Json[] | JsonObject): Plan {
  let plan = plans.get(template);
  if (plan === undefined) {
    plan = buildPlan(template, '');
    plans.set(template, plan);
  }
  return plan;
}

function buildPlan(template: Json, suffix: string): Plan {
  if (isJsonataExpression(template)) return { kind: 'expression', compiled: compileJsonata(template), suffix };
  if (Array.isArray(template)) {
    return { kind: 'array', members: template.map((member, index) => buildPlan(member, `${suffix}[${index}]`)) };
  }
  if (template !== null && typeof template === 'object') {
    const keys = Object.keys(template);
    return { kind: 'object', keys, members: keys.map((key) => buildPlan(template[key] as Json, `${suffix}/${key}`)) };
  }
  return { kind: 'constant', value: template };
}

/**
 * Evaluates a template's plan: constants at once, expressions through the
 * library, one member at a time in document order (the first failing field
 * is the one AWS reports).
 */
function evaluatePlan(plan: Plan, bindings: JsonataBindings, where: JsonataWhere): Json | Promise<Json> {
  switch (plan.kind) {
    case 'constant':
      return plan.value;
    case 'expression':
      return evaluateDefined(plan.compiled, bindings, plan.suffix === '' ? where : { location: where.location, field: where.field + plan.suffix });
    case 'array': {
      const result = new Array<Json>(plan.members.length);
      for (let index = 0; index < plan.members.length; index++) {
        const value = evaluatePlan(plan.members[index] as Plan, bindings, where);
        if (value instanceof Promise) return finishArray(plan, bindings, where, result, index, value);
        result[index] = value;
      }
      return result;
    }
    case 'object': {
      const result: JsonObject = {};
      for (let index = 0; index < plan.keys.length; index++) {
        const value = evaluatePlan(plan.members[index] as Plan, bindings, where);
        if (value instanceof Promise) return finishObject(plan, bindings, where, result, index, value);
        setMember(result, plan.keys[index] as string, value);
      }
      return result;
    }
  }
}

// One member at a time, in document order: the first failing field is the one AWS reports.
async function finishArray(
  plan: Extract<Plan, { kind: 'array' }>,
  bindings: JsonataBindings,
  where: JsonataWhere,
  result: Json[],
  from: number,
  pending: Promise<Json>,
): Promise<Json> {
  result[from] = await pending;
  for (let index = from + 1; index < plan.members.length; index++) {
    result[index] = await evaluatePlan(plan.members[index] as Plan, bindings, where);
  }
  return result;
}

async function finishObject(
  plan: Extract<Plan, { kind: 'object' }>,
  bindings: JsonataBindings,
  where: JsonataWhere,
  result: JsonObject,
  from: number,
  pending: Promise<Json>,
): Promise<Json> {
  setMember(result, plan.keys[from] as string, await pending);
  for (let index = from + 1; index < plan.keys.length; index++) {
    setMember(result, plan.keys[index] as string, await evaluatePlan(plan.members[index] as Plan, bindings, where));
  }
  return result;
}

function evaluateDefined(compiled: CompiledJsonata, bindings: JsonataBindings, where: JsonataWhere): Json | Promise<Json> {
  const value = evaluateCompiledJsonata(compiled, bindings, where);
  if (value instanceof Promise) {
    return value.then((settled) => {
      if (settled === undefined) throw returnedNothing(compiled, where);
      return settled;
    });
  }
  if (value === undefined) throw returnedNothing(compiled, where);
  return value;
}

/** Sets a member; a `__proto__` key from parsed JSON stays a member instead of replacing the prototype. */
function setMember(object: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}
