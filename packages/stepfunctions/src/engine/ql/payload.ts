/**
 * Payload templates of JSONPath states: Parameters, ResultSelector,
 * ItemSelector, ItemReader's Parameters and Assign. A key ending in `.$`
 * takes its value from a path (`$…` on the input, `$$…` on the context
 * object, `$name…` on a variable) or an intrinsic call, and loses the `.$`;
 * other values are copied as written. Objects nested in objects and arrays
 * are walked too.
 *
 * Templates come from the definition and are walked many times, so each is
 * compiled once (keyed by object identity) into a tree that only evaluates
 * its dynamic leaves.
 */
import type { EvaluationScope, Json, JsonObject, StateLocation } from '../types.js';
import { evaluateIntrinsic, isIntrinsicCall, type IntrinsicOptions } from './intrinsics/index.js';
import { NULL_INPUT_MESSAGE, referenceSource, resolveReference, runtimeFailure } from './jsonpath.js';

type TemplateNode =
  | { readonly kind: 'constant'; readonly value: Json; readonly shared: boolean }
  | { readonly kind: 'object'; readonly entries: readonly TemplateEntry[] }
  | { readonly kind: 'array'; readonly items: readonly TemplateNode[] }
  | { readonly kind: 'path'; readonly key: string; readonly path: string }
  | { readonly kind: 'intrinsic'; readonly key: string; readonly expression: string }
  | { readonly kind: 'invalid'; readonly key: string; readonly value: Json };

interface TemplateEntry {
  /** The output key (without `.$`). */
  readonly name: string;
  readonly node: TemplateNode;
}

const compiledTemplates = new WeakMap<object, TemplateNode>();

function compile(template: Json): TemplateNode {
  if (template === null || typeof template !== 'object') return { kind: 'constant', value: template, shared: true };
  const cached = compiledTemplates.get(template);
  if (cached) return cached;
  let node: TemplateNode;
  if (Array.isArray(template)) {
    const items = template.map(compile);
    node = items.every((item) => item.kind === 'constant') ? { kind: 'constant', value: template, shared: false } : { kind: 'array', items };
  } else {
    const entries: TemplateEntry[] = [];
    let dynamic = false;
    for (const key of Object.keys(template)) {
      const value = template[key] as Json;
      if (key.endsWith('.$')) {
        dynamic = true;
        entries.push({ name: key.slice(0, -2), node: compileReference(key, value) });
      } else {
        const child = compile(value);
        if (child.kind !== 'constant') dynamic = true;
        entries.push({ name: key, node: child });
      }
    }
    node = dynamic ? { kind: 'object', entries } : { kind: 'constant', value: template, shared: false };
  }
  compiledTemplates.set(template, node);
  return node;
}

function compileReference(key: string, value: Json): TemplateNode {
  if (typeof value !== 'string') return { kind: 'invalid', key, value };
  if (isIntrinsicCall(value)) return { kind: 'intrinsic', key, expression: value.trim() };
  if (value.startsWith('$')) return { kind: 'path', key, path: value };
  return { kind: 'invalid', key, value };
}

interface Site {
  readonly input: Json;
  readonly scope: EvaluationScope;
  readonly location: StateLocation;
  readonly field: string;
  readonly options: IntrinsicOptions;
}

/**
 * Evaluates a payload template against the state's (effective) input.
 * `field` names the template (`Parameters`, `ResultSelector`, `ItemSelector`,
 * `Assign`, …); when the template is a single `"<field>.$"` entry (how a Fail
 * state's ErrorPath / CausePath is evaluated) errors name the field itself,
 * as AWS does (`…specified for the field 'ErrorPath'…`).
 *
 * A path that matches nothing fails the state with `States.Runtime`: `The
 * JSONPath '<p>' specified for the field '<key.$>' could not be found in the
 * input '<compact JSON input>'`, for `$$` paths too (recorded AWS responses,
 * LocalStack snapshot `scenarios/test_base_scenarios` test_invalid_jsonpath,
 * INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH / _CONTEXTPATH / _ERRORPATH).
 * Constants are copied from the template on every call; values read from
 * the input are the input's own (treat them as read-only).
 *
 * @example
 * evaluatePayloadTemplate({ 'id.$': '$.order.id', fixed: 1 }, { order: { id: 7 } }, scope, location, 'Parameters')
 * // { id: 7, fixed: 1 }
 */
export function evaluatePayloadTemplate(
  template: Json,
  input: Json,
  scope: EvaluationScope,
  location: StateLocation,
  field: string,
  options: IntrinsicOptions = {},
): Json {
  return evaluate(compile(template), { input, scope, location, field, options }, true);
}

function evaluate(node: TemplateNode, site: Site, top: boolean): Json {
  switch (node.kind) {
    case 'constant':
      return node.shared ? node.value : cloneJson(node.value);
    case 'array':
      return node.items.map((item) => evaluate(item, site, false));
    case 'object': {
      const output: JsonObject = {};
      for (const entry of node.entries) output[entry.name] = evaluate(entry.node, site, top && node.entries.length === 1);
      return output;
    }
    case 'path':
      return readReference(node.path, reportedField(node.key, site, top), site);
    case 'intrinsic':
      return evaluateIntrinsic(node.expression, site.input, site.scope, site.location, reportedField(node.key, site, top), site.options);
    case 'invalid':
      throw runtimeFailure(
        site.location,
        `The value for the field '${reportedField(node.key, site, top)}' must be a valid JSONPath or a valid intrinsic function call`,
      );
  }
}

function reportedField(key: string, site: Site, top: boolean): string {
  return top && key === `${site.field}.$` ? site.field : key;
}

function readReference(path: string, field: string, site: Site): Json {
  if (site.input === null && referenceSource(path) === 'input') throw runtimeFailure(site.location, NULL_INPUT_MESSAGE);
  const result = resolveReference(path, site.input, site.scope);
  if (result.found) return result.value;
  throw runtimeFailure(site.location, `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(site.input)}'`);
}

function cloneJson(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const copy: JsonObject = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson(value[key] as Json);
  return copy;
}
