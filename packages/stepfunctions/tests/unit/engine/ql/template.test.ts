import { describe, expect, it } from 'vitest';
import { QueryEvaluationFailure, type JsonataBindings, type JsonataWhere } from '../../../../src/engine/ql/jsonata.js';
import { evaluateJsonataTemplate, isJsonataExpression } from '../../../../src/engine/ql/template.js';
import type { Json, JsonObject } from '../../../../src/engine/types.js';
import { rejectionOf } from '../helpers.js';

// Sources named below:
// - DOCS: AWS, "Transforming data with JSONata in Step Functions"
//   (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
// - RECORDED: recorded AWS responses in LocalStack's snapshots (tests/aws/services/stepfunctions/v2/…).
// - MEASURED: AWS answers measured with TestState, published in floci-io/floci#2664 (nulls) and #2689 (field paths).

const PREFIX = "An error occurred while executing the state 'Bill' (entered at the event id #4). ";

function whereFor(field: string): JsonataWhere {
  return { location: { stateName: 'Bill', enteredEventId: 4 }, field };
}

function bindingsFor(input: Json, variables: Record<string, Json> = {}): JsonataBindings {
  return { states: { input, context: { State: { Name: 'Bill' } } }, variables, now: () => 0, random: () => 0.5 };
}

const failureOf = (promise: Promise<unknown>): Promise<QueryEvaluationFailure> => rejectionOf(promise, QueryEvaluationFailure);

describe('Function: isJsonataExpression', () => {
  it.each<[unknown, boolean]>([
    ['{% $states.input %}', true],
    ['{%$x%}', true],
    ['{% %}', true],
    ['Hello {% $name %}', false], // DOCS: the whole string is the expression, no interpolation
    ['{% $name %} !', false],
    [' {% $name %}', false],
    ['{%}', false],
    ['$states.input', false],
    [42, false],
    [null, false],
    [{ expression: '{% 1 %}' }, false],
  ])('answers %j with %s', (value, expected) => {
    // Act / Assert
    expect(isJsonataExpression(value)).toBe(expected);
  });
});

describe('Function: evaluateJsonataTemplate', () => {
  const input: JsonObject = { order: { id: 'o-9', lines: [{ price: 5 }, { price: 7 }] }, bar: null };

  it('evaluates every expression at any depth and keeps every other value as written (DOCS)', async () => {
    // Arrange
    const template: Json = {
      static: 'Hello',
      notEvaluated: '$customer',
      id: '{% $states.input.order.id %}',
      total: '{% $sum($states.input.order.lines.price) %}',
      nested: { flags: [true, '{% $customer %}', 3, null], text: 'id: {% $states.input.order.id %}' },
    };

    // Act
    const value = await evaluateJsonataTemplate(template, bindingsFor(input, { customer: 'María' }), whereFor('Arguments'));

    // Assert
    expect(value).toEqual({
      static: 'Hello',
      notEvaluated: '$customer',
      id: 'o-9',
      total: 12,
      nested: { flags: [true, 'María', 3, null], text: 'id: {% $states.input.order.id %}' },
    });
  });

  it('evaluates a whole-field expression to any JSON value', async () => {
    // Act
    const value = await evaluateJsonataTemplate('{% $states.input.order.lines %}', bindingsFor(input), whereFor('Output'));

    // Assert
    expect(value).toEqual([{ price: 5 }, { price: 7 }]);
  });

  it.each<[Json]>([[42], [true], [null], ['plain text']])('returns the literal %j as it is', async (literal) => {
    // Act / Assert
    expect(await evaluateJsonataTemplate(literal, bindingsFor(input), whereFor('Output'))).toBe(literal);
  });

  it('builds new containers and leaves the template untouched', async () => {
    // Arrange
    const template: JsonObject = { a: { b: ['{% 1 + 1 %}', 'x'] }, c: { d: 1 } };
    const before = structuredClone(template);

    // Act
    const value = (await evaluateJsonataTemplate(template, bindingsFor(input), whereFor('Output'))) as JsonObject;

    // Assert
    expect(template).toEqual(before);
    expect(value).toEqual({ a: { b: [2, 'x'] }, c: { d: 1 } });
    expect(value.c).not.toBe(template.c);
  });

  it('evaluates the same template afresh for each bindings', async () => {
    // Arrange
    const template: Json = { id: '{% $states.input.id %}', upper: '{% $uppercase($states.input.id) %}' };

    // Act
    const first = await evaluateJsonataTemplate(template, bindingsFor({ id: 'a' }), whereFor('Output'));
    const second = await evaluateJsonataTemplate(template, bindingsFor({ id: 'b' }), whereFor('Output'));

    // Assert
    expect([first, second]).toEqual([
      { id: 'a', upper: 'A' },
      { id: 'b', upper: 'B' },
    ]);
  });

  it('keeps members in order when plain paths and library expressions are mixed', async () => {
    // Arrange
    const template: Json = ['{% $states.input.order.id %}', '{% $count($states.input.order.lines) %}', '{% $states.input.order.id %}', 'x'];

    // Act
    const value = await evaluateJsonataTemplate(template, bindingsFor(input), whereFor('Output'));

    // Assert
    expect(value).toEqual(['o-9', 2, 'o-9', 'x']);
  });

  it('keeps a key whose expression evaluates to null (MEASURED: floci-io/floci#2664)', async () => {
    // Act
    const value = await evaluateJsonataTemplate({ v: '{% $states.input.bar %}', w: '{% null %}' }, bindingsFor(input), whereFor('Output'));

    // Assert
    expect(value).toEqual({ v: null, w: null });
  });

  it('keeps a "__proto__" key as a member', async () => {
    // Arrange
    const template = JSON.parse('{"__proto__": "{% 1 %}", "a": 2}') as Json;

    // Act
    const value = (await evaluateJsonataTemplate(template, bindingsFor(input), whereFor('Output'))) as JsonObject;

    // Assert
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(value['__proto__']).toBe(1);
  });

  describe('an expression that returns nothing', () => {
    // RECORDED: assign/test_assign_reference_variables test_undefined_reference (Output/result, Arguments,
    // Arguments/FunctionName). MEASURED (floci-io/floci#2689): `/` before each key, `[i]` after each position.
    it.each<[string, string, Json]>([
      ['the whole field', 'Arguments', '{% $doesNotExist %}'],
      ['a member', 'Output/result', { result: '{% $doesNotExist %}' }],
      ['a member of a member', 'Assign/x/y', { x: { y: '{% $doesNotExist %}' } }],
      ['an array position', 'Output/values[0]', { values: ['{% $doesNotExist %}', 1] }],
      ['nested positions', 'Output/a/b[0][1]', { a: { b: [[1, '{% $doesNotExist %}']] } }],
      ['a position of the field itself', 'Output[1]', ['x', '{% $doesNotExist %}']],
    ])('fails the state naming %s', async (_name, field, template) => {
      // Arrange
      const base = field.split(/[/[]/)[0] as string;

      // Act
      const failure = await failureOf(evaluateJsonataTemplate(template, bindingsFor(input), whereFor(base)));

      // Assert
      expect(failure.error).toBe('States.QueryEvaluationError');
      expect(failure.location).toBe(field);
      expect(failure.failureCause).toBe(
        `${PREFIX}The JSONata expression '$doesNotExist' specified for the field '${field}' returned nothing (undefined).`,
      );
    });

    it.each<[string, JsonObject, string]>([
      ['after a library expression', { ok: '{% $states.input.order.id %}', first: '{% $count($states.input.order.lines) %}', second: '{% $second %}', third: '{% $third %}' }, 'Output/second'],
      ['when a library expression fails before a plain path', { first: '{% $number("x") %}', second: '{% $second %}' }, 'Output/first'],
      ['when a plain path fails before a library expression', { first: '{% $first %}', second: '{% $number("x") %}' }, 'Output/first'],
    ])('is reported for the first failing field in document order, %s', async (_name, template, field) => {
      // Act
      const failure = await failureOf(evaluateJsonataTemplate(template, bindingsFor(input), whereFor('Output')));

      // Assert
      expect(failure.location).toBe(field);
    });
  });

  it('names the nested field in the cause of an expression that throws', async () => {
    // Act
    const failure = await failureOf(
      evaluateJsonataTemplate({ Payload: { amount: "{% $states.input.order.id * 2 %}" } }, bindingsFor(input), whereFor('Arguments')),
    );

    // Assert
    expect(failure.location).toBe('Arguments/Payload/amount');
    expect(failure.failureCause).toBe(
      `${PREFIX}The JSONata expression '$states.input.order.id * 2' specified for the field 'Arguments/Payload/amount' threw an error during evaluation. T2001: The left side of the "*" operator must evaluate to a number`,
    );
  });
});
