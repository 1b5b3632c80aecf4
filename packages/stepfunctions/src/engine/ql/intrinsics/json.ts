/** Intrinsics for JSON data manipulation: States.StringToJson, States.JsonToString, States.JsonMerge. */
import type { Json, JsonObject } from '../../types.js';
import { booleanArgument, expectCount, intrinsicFailure, objectArgument, stringArgument, type IntrinsicInvocation } from './arguments.js';

/**
 * `States.StringToJson(text)`: the JSON value `text` spells. An empty or
 * blank string gives `null`, and `"-0"` gives `0` (recorded AWS responses,
 * LocalStack snapshot `intrinsic_functions/test_json_manipulation`
 * test_string_to_json).
 */
export function stringToJson(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1);
  const text = stringArgument(invocation, 0);
  if (text.trim() === '') return null;
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    throw intrinsicFailure(invocation, `the string is not valid JSON: ${(error as Error).message}`);
  }
  return Object.is(parsed, -0) ? 0 : parsed;
}

/**
 * `States.JsonToString(value)`: compact JSON text (recorded AWS responses,
 * LocalStack snapshot `intrinsic_functions/test_json_manipulation`
 * test_json_to_string: `[1,2,"HelloWorld"]`, `{"Arg1":1,"Arg2":[]}`).
 */
export function jsonToString(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 1);
  return JSON.stringify(invocation.values[0]);
}

/**
 * `States.JsonMerge(a, b, false)`: a shallow merge, `b`'s keys winning and
 * nested objects replaced, not merged. The third argument is the deep-merge
 * flag; Step Functions supports only shallow mode, so it must be `false`
 * (AWS developer guide, intrinsic functions).
 */
export function jsonMerge(invocation: IntrinsicInvocation): Json {
  expectCount(invocation, 3);
  const first = objectArgument(invocation, 0);
  const second = objectArgument(invocation, 1);
  if (booleanArgument(invocation, 2)) throw intrinsicFailure(invocation, 'deep merge is not supported; the third argument must be false');
  const merged: JsonObject = { ...first };
  for (const key of Object.keys(second)) merged[key] = second[key] as Json;
  return merged;
}
