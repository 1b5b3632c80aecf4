import { describe, expect, it } from 'vitest';
import { evaluatePayloadTemplate } from '../../../../src/engine/ql/payload.js';
import { StateFailure, type EvaluationScope, type Json } from '../../../../src/engine/types.js';

const location = { stateName: 'Build', enteredEventId: 9 };
const PREFIX = "An error occurred while executing the state 'Build' (entered at the event id #9). ";

const scope: EvaluationScope = {
  context: { Execution: { Id: 'arn:exec:1', Input: { customer: 'c-9' } }, State: { Name: 'Build', EnteredTime: '2024-01-02T03:04:05Z' }, Map: { Item: { Index: 2 } } },
  variables: { get: (name) => ({ region: 'eu-west-1', retries: { max: 4 } } as Record<string, Json>)[name], all: () => ({}) },
};

const order = { id: 'o-1', lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 0 }], note: null } satisfies Json;

function evaluate(template: Json, input: Json = order, field = 'Parameters'): Json {
  return evaluatePayloadTemplate(template, input, scope, location, field);
}

function failureOf(template: Json, input: Json = order, field = 'Parameters'): StateFailure {
  try {
    evaluate(template, input, field);
  } catch (error) {
    if (error instanceof StateFailure) return error;
    throw error;
  }
  throw new Error('expected a StateFailure');
}

describe('Function: evaluatePayloadTemplate', () => {
  it('copies values of plain keys as written', () => {
    const template = { name: 'fixed', count: 3, flag: false, none: null, list: [1, 'two'], deep: { a: { b: '$.id' } } };
    expect(evaluate(template)).toEqual(template);
  });

  it('returns fresh copies of constants, so changing the output leaves the template alone', () => {
    const template = { deep: { list: [1] }, 'id.$': '$.id' };
    const output = evaluate(template) as { deep: { list: number[] } };
    output.deep.list.push(2);
    expect(template.deep.list).toEqual([1]);
    expect((evaluate(template) as { deep: { list: number[] } }).deep.list).toEqual([1]);
  });

  it('takes a .$ key from a path on the input and drops the .$', () => {
    expect(evaluate({ 'orderId.$': '$.id', 'first.$': '$.lines[0].sku', 'all.$': '$', 'note.$': '$.note' })).toEqual({
      orderId: 'o-1',
      first: 'a',
      all: order,
      note: null,
    });
  });

  it('gives an array for an indefinite path, [] when nothing matches', () => {
    expect(evaluate({ 'skus.$': '$.lines[*].sku', 'busy.$': '$.lines[?(@.qty > 0)].sku', 'none.$': '$.lines[?(@.qty > 9)]' })).toEqual({
      skus: ['a', 'b'],
      busy: ['a'],
      none: [],
    });
  });

  it('reads the context object with $$ and variables with $name', () => {
    expect(evaluate({ 'exec.$': '$$.Execution.Id', 'customer.$': '$$.Execution.Input.customer', 'index.$': '$$.Map.Item.Index', 'region.$': '$region', 'max.$': '$retries.max' })).toEqual({
      exec: 'arn:exec:1',
      customer: 'c-9',
      index: 2,
      region: 'eu-west-1',
      max: 4,
    });
  });

  it('evaluates an intrinsic call', () => {
    expect(evaluate({ 'label.$': "States.Format('{}/{}', $$.State.Name, $.id)", 'count.$': 'States.ArrayLength($.lines)' })).toEqual({ label: 'Build/o-1', count: 2 });
  });

  it('walks nested objects and the objects inside arrays', () => {
    const template = {
      request: { 'id.$': '$.id', meta: { 'region.$': '$region' } },
      items: [{ 'sku.$': '$.lines[1].sku' }, 'literal', 7, [{ 'qty.$': '$.lines[0].qty' }]],
    };
    expect(evaluate(template)).toEqual({ request: { id: 'o-1', meta: { region: 'eu-west-1' } }, items: [{ sku: 'b' }, 'literal', 7, [{ qty: 2 }]] });
  });

  it('keeps a $ string literally under a key without .$', () => {
    expect(evaluate({ path: '$.id', call: 'States.UUID()' })).toEqual({ path: '$.id', call: 'States.UUID()' });
  });

  it('returns a template that is not an object as it is', () => {
    expect(evaluate('text')).toBe('text');
    expect(evaluate(5)).toBe(5);
    expect(evaluate([{ 'id.$': '$.id' }])).toEqual([{ id: 'o-1' }]);
  });

  it('evaluates the same template object again against new input (compiled once, not frozen)', () => {
    const template = { 'id.$': '$.id' };
    expect(evaluate(template, { id: 1 })).toEqual({ id: 1 });
    expect(evaluate(template, { id: 2 })).toEqual({ id: 2 });
  });

  it('passes the run\'s random sources to intrinsics', () => {
    const output = evaluatePayloadTemplate({ 'id.$': 'States.UUID()' }, {}, scope, location, 'Parameters', { uuid: () => 'uuid-from-run' });
    expect(output).toEqual({ id: 'uuid-from-run' });
  });

  describe('failures', () => {
    it("fails with AWS's cause when a path matches nothing", () => {
      // Recorded AWS cause, LocalStack snapshot scenarios/test_base_scenarios
      // test_invalid_jsonpath[INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH].
      const failure = failureOf({ 'value.$': '$.missing' }, { n: 0, s: 'x' });
      expect(failure.error).toBe('States.Runtime');
      expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$.missing' specified for the field 'value.$' could not be found in the input '{"n":0,"s":"x"}'`);
    });

    it('prints the state input, not the context object, for a missing $$ path', () => {
      // Recorded AWS cause, test_invalid_jsonpath[INVALID_JSONPATH_IN_STRING_EXPR_CONTEXTPATH].
      const failure = failureOf({ 'value.$': '$$.Execution.Input.missing' }, { n: 0 });
      expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$$.Execution.Input.missing' specified for the field 'value.$' could not be found in the input '{"n":0}'`);
    });

    it('names the nested key that failed', () => {
      const failure = failureOf({ outer: { list: [{ 'deep.$': '$.lines[5].sku' }] } });
      expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$.lines[5].sku' specified for the field 'deep.$' could not be found in the input '${JSON.stringify(order)}'`);
    });

    it('fails the same way for a variable no scope holds', () => {
      const failure = failureOf({ 'v.$': '$notAssigned' }, {});
      expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$notAssigned' specified for the field 'v.$' could not be found in the input '{}'`);
    });

    it('names the field itself for a single "<field>.$" entry, as a Fail state\'s ErrorPath is reported', () => {
      // Recorded AWS cause, test_invalid_jsonpath[INVALID_JSONPATH_IN_ERRORPATH]: "...for the field 'ErrorPath'...".
      const failure = failureOf({ 'ErrorPath.$': '$.ErrorX' }, { n: 0 }, 'ErrorPath');
      expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{"n":0}'`);
    });

    it('fails when a .$ key holds neither a path nor an intrinsic call', () => {
      expect(failureOf({ 'a.$': 'plain' }).failureCause).toBe(`${PREFIX}The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call`);
      expect(failureOf({ 'a.$': 5 }).failureCause).toBe(`${PREFIX}The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call`);
    });

    it('refuses an input path on a null input', () => {
      // A user-reported AWS failure for "Input.$": "$" on a null state input.
      expect(failureOf({ 'Input.$': '$' }, null).failureCause).toBe(`${PREFIX}Unable to apply Path transformation to null or empty input.`);
    });

    it('still reads the context object on a null input', () => {
      expect(evaluate({ 'exec.$': '$$.Execution.Id' }, null)).toEqual({ exec: 'arn:exec:1' });
    });

    it('lets an intrinsic failure through', () => {
      const failure = failureOf({ 'n.$': "States.MathAdd('x', 1)" });
      expect(failure.error).toBe('States.IntrinsicFailure');
      expect(failure.failureCause).toBe(`${PREFIX}Invalid arguments in States.MathAdd: argument 1 must be a number, but was string "x"`);
    });
  });
});
