/**
 * Intrinsic functions of JSONPath states (`"key.$": "States.Format(…)"`):
 * parse once, evaluate the arguments (literals, paths, nested calls), run
 * the function. One module per family, as the AWS developer guide groups
 * them ("Intrinsic functions for JSONPath states in Step Functions").
 */
import type { EvaluationScope, Json, StateLocation } from '../../types.js';
import { NULL_INPUT_MESSAGE, referenceSource, resolveReference, runtimeFailure } from '../jsonpath.js';
import type { IntrinsicImplementation, IntrinsicInvocation, IntrinsicOptions } from './arguments.js';
import { array, arrayContains, arrayGetItem, arrayLength, arrayPartition, arrayRange, arrayUnique } from './arrays.js';
import { base64Decode, base64Encode } from './encoding.js';
import { format } from './generic.js';
import { hash } from './hash.js';
import { jsonMerge, jsonToString, stringToJson } from './json.js';
import { mathAdd, mathRandom } from './math.js';
import { IntrinsicSyntaxError, parseIntrinsic, type FormatPieces, type IntrinsicArgument, type IntrinsicCall, type IntrinsicName } from './parser.js';
import { stringSplit } from './string.js';
import { uuid } from './uuid.js';

export type { IntrinsicOptions } from './arguments.js';
export { INTRINSIC_NAMES, IntrinsicSyntaxError, isIntrinsicCall, parseIntrinsic } from './parser.js';
export type { FormatPieces, IntrinsicArgument, IntrinsicCall, IntrinsicName } from './parser.js';

const IMPLEMENTATIONS: Readonly<Record<IntrinsicName, IntrinsicImplementation>> = {
  'States.Format': format,
  'States.StringToJson': stringToJson,
  'States.JsonToString': jsonToString,
  'States.Array': array,
  'States.ArrayPartition': arrayPartition,
  'States.ArrayContains': arrayContains,
  'States.ArrayRange': arrayRange,
  'States.ArrayGetItem': arrayGetItem,
  'States.ArrayLength': arrayLength,
  'States.ArrayUnique': arrayUnique,
  'States.Base64Encode': base64Encode,
  'States.Base64Decode': base64Decode,
  'States.Hash': hash,
  'States.JsonMerge': jsonMerge,
  'States.MathRandom': mathRandom,
  'States.MathAdd': mathAdd,
  'States.StringSplit': stringSplit,
  'States.UUID': uuid,
};

interface CallSite {
  readonly input: Json;
  readonly scope: EvaluationScope;
  readonly location: StateLocation;
  readonly field: string;
  readonly options: IntrinsicOptions;
}

/**
 * Evaluates an intrinsic call in a JSONPath state. Paths in the arguments
 * read the state's `input`, the context object (`$$`) or variables
 * (`$name`). A path that matches nothing fails as a payload template path
 * does (`States.Runtime`, `The JSONPath '<p>' specified for the field
 * '<field>' could not be found in the input '<json>'`); a bad argument fails
 * with `States.IntrinsicFailure`; a malformed call with `States.Runtime`.
 *
 * @example
 * evaluateIntrinsic("States.Format('Hi {}', $.name)", { name: 'Ana' }, scope, location, 'greeting.$') // 'Hi Ana'
 */
export function evaluateIntrinsic(
  expression: string,
  input: Json,
  scope: EvaluationScope,
  location: StateLocation,
  field: string,
  options: IntrinsicOptions = {},
): Json {
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(expression);
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) {
      throw runtimeFailure(location, `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call: ${error.message}`);
    }
    throw error;
  }
  return invoke(call, { input, scope, location, field, options });
}

function invoke(call: IntrinsicCall, site: CallSite): Json {
  const values: Json[] = [];
  const pieces: (FormatPieces | undefined)[] = [];
  for (const argument of call.args) {
    values.push(argumentValue(argument, site));
    pieces.push(argument.kind === 'literal' ? argument.pieces : undefined);
  }
  const invocation: IntrinsicInvocation = { name: call.name, values, pieces, location: site.location, options: site.options };
  return IMPLEMENTATIONS[call.name](invocation);
}

function argumentValue(argument: IntrinsicArgument, site: CallSite): Json {
  if (argument.kind === 'literal') return argument.value;
  if (argument.kind === 'call') return invoke(argument.call, site);
  if (site.input === null && referenceSource(argument.path) === 'input') throw runtimeFailure(site.location, NULL_INPUT_MESSAGE);
  const result = resolveReference(argument.path, site.input, site.scope);
  if (result.found) return result.value;
  throw runtimeFailure(
    site.location,
    `The JSONPath '${argument.path}' specified for the field '${site.field}' could not be found in the input '${JSON.stringify(site.input)}'`,
  );
}

