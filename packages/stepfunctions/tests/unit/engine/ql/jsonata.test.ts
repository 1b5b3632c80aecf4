import { jsonataLibrary } from '../../../../src/engine/ql/jsonata-library.js';
import { describe, expect, it, vi } from 'vitest';
import {
  JSONATA_CACHE_SIZE,
  QueryEvaluationFailure,
  evaluateJsonata,
  evaluateJsonataAs,
  jsonTypeOf,
  type JsonataBindings,
  type JsonataWhere,
} from '../../../../src/engine/ql/jsonata.js';
import { StateFailure, type Json, type JsonObject } from '../../../../src/engine/types.js';
import { rejectionOf } from '../helpers.js';

// The real library, counted: the caching tests read how often an expression was compiled.
vi.mock('../../../../src/engine/ql/jsonata-library.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../../src/engine/ql/jsonata-library.js')>();
  const counted = vi.fn(actual.jsonataLibrary());
  return { jsonataLibrary: () => counted };
});

// Sources named below:
// - DOCS: AWS, "Transforming data with JSONata in Step Functions"
//   (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
// - RECORDED: recorded AWS responses in LocalStack's snapshots (tests/aws/services/stepfunctions/v2/…).
// - MEASURED: AWS answers measured with TestState and published in public issue threads:
//   floci-io/floci#2662 (the added functions), #2737 (evaluation bounds, $eval), #2736 (cause endings),
//   ministackorg/ministack#1519 ($hash texts).

const PREFIX = "An error occurred while executing the state 'ShipOrder' (entered at the event id #7). ";
const where: JsonataWhere = { location: { stateName: 'ShipOrder', enteredEventId: 7 }, field: 'Output/r' };

function bindingsFor(
  options: { input?: Json; variables?: Record<string, Json>; result?: Json; errorOutput?: Json; now?: number; random?: () => number } = {},
): JsonataBindings {
  const context: JsonObject = { Execution: { Id: 'arn:aws:states:us-east-1:111122223333:execution:orders:run-1' }, State: { Name: 'ShipOrder' } };
  return {
    states: {
      input: options.input ?? {},
      context,
      ...(options.result !== undefined ? { result: options.result } : {}),
      ...(options.errorOutput !== undefined ? { errorOutput: options.errorOutput } : {}),
    },
    variables: options.variables ?? {},
    now: () => options.now ?? Date.UTC(2025, 0, 2, 3, 4, 5, 678),
    random: options.random ?? (() => 0.25),
  };
}

function causeOf(expression: string, ending: string, field = where.field): string {
  return `${PREFIX}The JSONata expression '${expression}' specified for the field '${field}' ${ending}`;
}

const failureOf = (promise: Promise<unknown>): Promise<QueryEvaluationFailure> => rejectionOf(promise, QueryEvaluationFailure);

describe('Function: evaluateJsonata', () => {
  describe('bindings', () => {
    const input = { order: { id: 'o-17', lines: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 3 }] } };

    it.each<[string, string, Json]>([
      ['$states.input', '$states.input.order.id', 'o-17'],
      ['$states.context', '$states.context.State.Name', 'ShipOrder'],
      ['$states.result', '$states.result.Payload.ok', true],
      ['$states.errorOutput', '$states.errorOutput.Error', 'Billing.Declined'],
      ['a workflow variable', '$customer.tier', 'gold'],
      ['a variable alone', '$total', 42],
      ['a path mapped over an array', '$states.input.order.lines.qty', [2, 3]],
      ['an expression over both', "$customer.tier & '-' & $string($sum($states.input.order.lines.qty))", 'gold-5'],
    ])('reads %s', async (_name, expression, expected) => {
      // Arrange
      const bindings = bindingsFor({
        input,
        variables: { customer: { tier: 'gold' }, total: 42 },
        result: { Payload: { ok: true } },
        errorOutput: { Error: 'Billing.Declined', Cause: 'card expired' },
      });

      // Act / Assert
      expect(await evaluateJsonata(expression, bindings, where)).toEqual(expected);
    });

    it('evaluates with no input document, so a bare field name finds nothing (DOCS: use $states.input)', async () => {
      // Act
      const value = await evaluateJsonata('order', bindingsFor({ input }), where);

      // Assert
      expect(value).toBeUndefined();
    });

    it('accepts the expression with or without its {% %} and trims it', async () => {
      // Act
      const values = await Promise.all(
        ['{% $states.input.order.id %}', '  $states.input.order.id  '].map((text) => evaluateJsonata(text, bindingsFor({ input }), where)),
      );

      // Assert
      expect(values).toEqual(['o-17', 'o-17']);
    });

    it('returns undefined, not null, for a missing field, and null for a JSON null', async () => {
      // Act
      const missing = await evaluateJsonata('$states.input.absent', bindingsFor({ input: { present: null } }), where);
      const present = await evaluateJsonata('$states.input.present', bindingsFor({ input: { present: null } }), where);

      // Assert
      expect(missing).toBeUndefined();
      expect(present).toBeNull();
    });
  });

  describe('results', () => {
    it('turns the library sequences into plain arrays', async () => {
      // Act
      const value = await evaluateJsonata('$states.input.items.n', bindingsFor({ input: { items: [{ n: 1 }, { n: 2 }] } }), where);

      // Assert
      expect(value).toEqual([1, 2]);
      expect(Object.keys(value as Json[])).toEqual(['0', '1']);
    });

    it('turns the library objects (null prototype) into plain objects', async () => {
      // Act
      const value = (await evaluateJsonata('{"a": {"b": [1, {"c": 2}]}}', bindingsFor(), where)) as JsonObject;

      // Assert
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype);
      expect(value).toEqual({ a: { b: [1, { c: 2 }] } });
    });

    it('drops members that evaluate to nothing inside an object the expression builds', async () => {
      // Act
      const value = await evaluateJsonata('{"kept": 1, "dropped": $nothing}', bindingsFor(), where);

      // Assert
      expect(value).toEqual({ kept: 1 });
    });

    // MEASURED (floci-io/floci docs, "JSON has no literal for a non-finite number"): AWS writes each one as the string
    // JavaScript names it by, wherever it lands.
    it.each<[string, Json]>([
      ['1/0', 'Infinity'],
      ['-1/0', '-Infinity'],
      ['0/0', 'NaN'],
      ['[1/0]', ['Infinity']],
      ['{"k": 1/0}', { k: 'Infinity' }],
    ])('writes the non-finite number of %s as a string', async (expression, expected) => {
      // Act / Assert
      expect(await evaluateJsonata(expression, bindingsFor(), where)).toEqual(expected);
    });

    it('fails with "returned an unsupported result type." for a function (RECORDED: test_map_state_items_eval_jsonata_fail[function])', async () => {
      // Act
      const failure = await failureOf(evaluateJsonata('$double := function($x){ $x * 2 }', bindingsFor(), where));

      // Assert
      expect(failure.failureCause).toBe(causeOf('$double := function($x){ $x * 2 }', 'returned an unsupported result type.'));
    });

    it('fails the same way for a function inside an object (not recorded: AWS cannot serialise it either)', async () => {
      // Act
      const failure = await failureOf(evaluateJsonata('{"f": $uppercase}', bindingsFor(), where));

      // Assert
      expect(failure.failureCause).toBe(causeOf('{"f": $uppercase}', 'returned an unsupported result type.'));
    });

    it('returns the same value twice for the same bindings, so callers may cache nothing', async () => {
      // Arrange
      const bindings = bindingsFor({ input: { n: 2 } });

      // Act
      const first = await evaluateJsonata('$states.input.n * 21', bindings, where);
      const second = await evaluateJsonata('$states.input.n * 21', bindings, where);

      // Assert
      expect([first, second]).toEqual([42, 42]);
    });
  });

  describe('failures', () => {
    it('is a StateFailure named States.QueryEvaluationError carrying the field as its location', async () => {
      // Act
      const failure = await failureOf(evaluateJsonata("$states.input.n + 'x'", bindingsFor({ input: { n: 1 } }), where));

      // Assert
      expect(failure).toBeInstanceOf(StateFailure);
      expect(failure.error).toBe('States.QueryEvaluationError');
      expect(failure.location).toBe('Output/r');
    });

    // MEASURED (floci-io/floci#2736): a JSONata error ends ". <CODE>: <message>", with the library's wording
    // (floci-io/floci#2668: AWS and jsonata-js word T0412 alike).
    it.each<[string, string]>([
      ["1 + 'a'", 'T2002: The right side of the "+" operator must evaluate to a number'],
      ['$sum("a")', 'T0412: Argument 1 of function "sum" must be an array of "numbers"'], // the AWS text quoted in floci-io/floci#2668
      ['$formatNumber(1, "x")', 'D3086: The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character'],
    ])('words the error of %s as AWS does', async (expression, tail) => {
      // Act
      const failure = await failureOf(evaluateJsonata(expression, bindingsFor(), where));

      // Assert
      expect(failure.failureCause).toBe(causeOf(expression, `threw an error during evaluation. ${tail}`));
    });

    it('refuses $eval with T1006, as AWS does (DOCS: "$eval is not available"; MEASURED: floci-io/floci#2737)', async () => {
      // Act
      const failure = await failureOf(evaluateJsonata('$eval("1+1")', bindingsFor(), where));

      // Assert
      expect(failure.failureCause).toBe(causeOf('$eval("1+1")', 'threw an error during evaluation. T1006: Attempted to invoke a non-function'));
    });

    it('fails an expression that does not parse when it is evaluated', async () => {
      // Act
      const failure = await failureOf(evaluateJsonata('$states.input.[', bindingsFor(), where));

      // Assert
      expect(failure.failureCause).toMatch(/^.*specified for the field 'Output\/r' threw an error during evaluation\. S0\d{3}: /);
    });

    // MEASURED (floci-io/floci#2737 and its docs): AWS nests at most 100 levels; 100 terms, 99 parentheses and a
    // non-tail recursion of 31 evaluate, one more of each fails with AWS's own text after a colon.
    it.each<[string, string]>([
      ['100 terms', Array.from({ length: 100 }, () => '1').join('+')],
      ['99 parentheses', `${'('.repeat(99)}1${')'.repeat(99)}`],
      ['99 brackets', `${'['.repeat(99)}1${']'.repeat(99)}`],
      ['a recursion of 31', '($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(31))'],
    ])('evaluates %s, inside AWS depth bound', async (_name, expression) => {
      // Act / Assert
      await expect(evaluateJsonata(expression, bindingsFor(), where)).resolves.toBeDefined();
    });

    it.each<[string, string]>([
      ['101 terms', Array.from({ length: 101 }, () => '1').join('+')],
      ['100 parentheses', `${'('.repeat(100)}1${')'.repeat(100)}`],
      ['a recursion of 32', '($f := function($x){ $x <= 0 ? 0 : 1 + $f($x-1) }; $f(32))'],
    ])('fails %s with AWS stack overflow text', async (_name, expression) => {
      // Act
      const failure = await failureOf(evaluateJsonata(expression, bindingsFor(), where));

      // Assert
      expect(failure.failureCause).toBe(
        causeOf(
          expression,
          'threw an error during evaluation: Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive',
        ),
      );
    });
  });

  describe('caching', () => {
    it('compiles an expression once however often it is evaluated', async () => {
      // Arrange
      const text = `$states.input.n + ${Math.random()}`;
      const compiledTimes = (): number => vi.mocked(jsonataLibrary()).mock.calls.filter(([source]) => source === text).length;

      // Act
      for (let n = 0; n < 3; n++) await evaluateJsonata(text, bindingsFor({ input: { n } }), where);

      // Assert
      expect(compiledTimes()).toBe(1);
    });

    it('forgets the least recently used expression first when full', async () => {
      // Arrange
      const kept = `1 + ${Math.random()}`;
      const dropped = `2 + ${Math.random()}`;
      const compiledTimes = (text: string): number => vi.mocked(jsonataLibrary()).mock.calls.filter(([source]) => source === text).length;
      await evaluateJsonata(dropped, bindingsFor(), where);
      await evaluateJsonata(kept, bindingsFor(), where);

      // Act: fill the cache, touching `kept` on the way so it stays recent
      for (let index = 0; index < JSONATA_CACHE_SIZE; index++) {
        await evaluateJsonata(`${index} * ${Math.random()}`, bindingsFor(), where);
        if (index % 100 === 0) await evaluateJsonata(kept, bindingsFor(), where);
      }
      await evaluateJsonata(kept, bindingsFor(), where);
      await evaluateJsonata(dropped, bindingsFor(), where);

      // Assert
      expect(compiledTimes(kept)).toBe(1);
      expect(compiledTimes(dropped)).toBe(2);
    });

    it('keeps no evaluation state in the compiled expression: each evaluation reads its own bindings', async () => {
      // Arrange
      const text = '$states.input.n * 10 + $millis()';

      // Act
      const [first, second] = await Promise.all([
        evaluateJsonata(text, bindingsFor({ input: { n: 1 }, now: 1 }), where),
        evaluateJsonata(text, bindingsFor({ input: { n: 2 }, now: 2 }), where),
      ]);

      // Assert
      expect([first, second]).toEqual([11, 22]);
    });
  });
});

describe('Function: evaluateJsonataAs', () => {
  const items: JsonataWhere = { location: { stateName: 'ShipOrder', enteredEventId: 7 }, field: 'Items' };

  // RECORDED: scenarios/test_base_scenarios test_map_state_items_eval_jsonata_fail and
  // test_map_state_items_eval_jsonata_variable_sampling_fail give this wording for Items, per JSON type.
  it.each<[Json, string, string]>([
    [3, 'number', '3'],
    ['three', 'string', '"three"'],
    [false, 'boolean', 'false'],
    [null, 'null', 'null'],
    [{ sku: 'a' }, 'object', '{"sku":"a"}'],
  ])('fails an Items expression that returns %j', async (value, typeName, shown) => {
    // Act
    const failure = await failureOf(evaluateJsonataAs('$picked', bindingsFor({ variables: { picked: value } }), items, 'array'));

    // Assert
    expect(failure.failureCause).toBe(
      causeOf('$picked', `returned an unexpected result type. Expected 'array', but was '${typeName}' for value: ${shown}`, 'Items'),
    );
    expect(failure.location).toBe('Items');
  });

  it('returns a value of the expected type', async () => {
    // Act
    const value = await evaluateJsonataAs('$states.input.orders', bindingsFor({ input: { orders: [1, 2] } }), items, 'array');

    // Assert
    expect(value).toEqual([1, 2]);
  });

  it('fails an expression that returns nothing (RECORDED: assign/test_assign_reference_variables test_undefined_reference)', async () => {
    // Act
    const failure = await failureOf(evaluateJsonataAs('$doesNotExist', bindingsFor(), items, 'array'));

    // Assert
    expect(failure.failureCause).toBe(causeOf('$doesNotExist', 'returned nothing (undefined).', 'Items'));
  });

  // Not recorded for other fields: the same wording with the field's own expectation.
  it.each<[JsonataBindings['variables'][string], 'integer' | 'positive integer' | 'boolean' | 'string' | 'object' | 'number', boolean]>([
    [5, 'integer', true],
    [1.5, 'integer', false],
    ['5', 'integer', false],
    [0, 'positive integer', false],
    [3, 'positive integer', true],
    [true, 'boolean', true],
    ['true', 'boolean', false],
    ['text', 'string', true],
    [{}, 'object', true],
    [[], 'object', false],
    [2.5, 'number', true],
  ])('checks %j against %s', async (value, expected, accepted) => {
    // Act
    const outcome = await evaluateJsonataAs('$v', bindingsFor({ variables: { v: value } }), where, expected).then(
      () => 'accepted',
      (error: unknown) => (error as StateFailure).failureCause,
    );

    // Assert
    expect(outcome).toBe(
      accepted
        ? 'accepted'
        : causeOf('$v', `returned an unexpected result type. Expected '${expected}', but was '${jsonTypeOf(value)}' for value: ${JSON.stringify(value)}`),
    );
  });
});

describe('Step Functions functions (DOCS: "JSONata functions provided by Step Functions")', () => {
  const run = (expression: string, bindings = bindingsFor()): Promise<Json | undefined> => evaluateJsonata(expression, bindings, where);
  const causeTail = async (expression: string): Promise<string> => {
    const failure = await failureOf(run(expression));
    return (failure.failureCause ?? '').slice(causeOf(expression, '').length);
  };

  describe('$partition', () => {
    it.each<[string, Json | undefined]>([
      ['$partition([1,2,3,4], 2)', [[1, 2], [3, 4]]], // MEASURED (floci-io/floci#2662)
      ['$partition([1,2,3,4,5,6,7,8,9], 3)', [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
      ['$partition([1,2,3,4,5], 2)', [[1, 2], [3, 4], [5]]], // the last chunk holds the remainder
      ['$partition([1,2,3,4,5], 2.9)', [[1, 2], [3, 4], [5]]], // MEASURED: fractions are cut towards zero
      ['$partition([1,2,3], 5)', [[1, 2, 3]]],
      ['$partition([1,2,3])', [[1, 2, 3]]], // no size: one chunk
      ['$partition([1,2,3], 0)', undefined], // MEASURED: a size of 0 returns nothing
      ['$partition([], 2)', undefined], // MEASURED: no items return nothing
    ])('%s', async (expression, expected) => {
      // Act / Assert
      expect(await run(expression)).toEqual(expected);
    });

    it.each<[string, string]>([
      ['$partition([1,2,3], -1)', 'D3137: Second argument must be zero or greater'],
      ['$partition(null, 2)', 'T0412: Argument 1 of function "partition" must be an array of undefined'],
      ["$partition([1,2,3], '2')", 'T0410: Argument 2 of function "partition" does not match function signature'],
      ['$partition([1,2,3], 2, 9)', 'T0410: Argument 3 of function "partition" does not match function signature'],
    ])('refuses %s as AWS does (MEASURED)', async (expression, tail) => {
      // Act / Assert
      expect(await causeTail(expression)).toBe(`threw an error during evaluation. ${tail}`);
    });
  });

  describe('$range', () => {
    it.each<[string, Json | undefined]>([
      ['$range(0, 10, 2)', [0, 2, 4, 6, 8, 10]],
      ['$range(0, 6, 2)', [0, 2, 4, 6]], // MEASURED (floci-io/floci#2662): end included when the step lands on it
      ['$range(0, 5, 2)', [0, 2, 4]],
      ['$range(10, 0, -2)', [10, 8, 6, 4, 2, 0]],
      ['$range(-1.7, 2, 1)', [-1, 0, 1, 2]], // MEASURED: cut towards zero, not floored
      ['$range(5, 1, -1.5)', [5, 4, 3, 2, 1]],
      ['$range(3, 3, 1)', 3], // MEASURED: one element is the number itself
      ['$range(5, 1, 1)', undefined], // MEASURED: a step pointing away from the end
      ['$range(1, 5, 0)', undefined],
      ['$range(1, 5)', undefined], // MEASURED: no step
      ['$count($range(1, 360145, 1))', 360_145], // MEASURED: the largest $range AWS builds
    ])('%s', async (expression, expected) => {
      // Act / Assert
      expect(await run(expression)).toEqual(expected);
    });

    it('refuses one element more than AWS builds, with AWS memory-limit text (MEASURED: floci-io/floci tests)', async () => {
      // Act / Assert
      expect(await causeTail('$range(1, 360146, 1)')).toBe(
        'threw an error during evaluation: Expression evaluation memory limit exceeded: Check for excessive memory usage',
      );
    });

    it('refuses a step that is not a number', async () => {
      // Act / Assert
      expect(await causeTail("$range(1, 5, 'x')")).toBe(
        'threw an error during evaluation. T0410: Argument 3 of function "range" does not match function signature',
      );
    });
  });

  describe('$hash', () => {
    it.each<[string, string]>([
      ["$hash('input', 'SHA-1')", '140f86aae51ab9e1cda9b4254fe98a74eb54c1a1'], // MEASURED (floci-io/floci#2662)
      ["$hash('Hello', 'MD5')", '8b1a9953c4611296a827abf8c47804d7'],
      ["$hash('Hello', 'SHA-256')", '185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969'],
      ["$hash('Hello', 'SHA-384')", '3519fe5ad2c596efe3e276a6f351b8fc0b03db861782490d45f7598ebd0ab5fd5520ed102f38c4a5ec834e98668035fc'],
      [
        "$hash('Hello', 'SHA-512')",
        '3615f80c9d293ed7402687f94b22d58e529b8cc7916f8fac7fddf7fbd5af4cf777d3d795a7a00a16bf7e7f3fb9561ee9baae480da9fe7a18769e71886b03f315',
      ],
      ["$hash('ñ', 'MD5')", '94e9342ecbb1458b6043ecd3bfcbc192'], // UTF-8 bytes
    ])('%s is the real digest', async (expression, digest) => {
      // Act / Assert
      expect(await run(expression)).toBe(digest);
    });

    it('returns nothing without an algorithm (MEASURED)', async () => {
      // Act / Assert
      expect(await run("$hash('Hello')")).toBeUndefined();
    });

    it.each<[string, string]>([
      ["$hash('Hello', 'sha-256')", "D3137: Hash algorithm 'sha-256' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"],
      ["$hash('Hello', 'SHA3-256')", "D3137: Hash algorithm 'SHA3-256' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5"],
      ["$hash(42, 'MD5')", 'T0410: Argument 1 of function "hash" does not match function signature'],
      ["$hash('a', 'MD5', 'x')", 'T0410: Argument 3 of function "hash" does not match function signature'],
    ])('refuses %s as AWS does (MEASURED: names are case-sensitive)', async (expression, tail) => {
      // Act / Assert
      expect(await causeTail(expression)).toBe(`threw an error during evaluation. ${tail}`);
    });
  });

  describe('$random', () => {
    // MEASURED (floci-io/floci#2662): a seeded $random is java.util.Random's first nextDouble(); seed 42 on AWS.
    it.each<[string, number]>([
      ['$random(42)', 0.7275636800328681],
      ['$random(0)', 0.730967787376657],
      ['$random(7)', 0.7306990420600421],
      ['$random(0.9)', 0.730967787376657], // the seed is cut towards zero
    ])('%s is reproducible', async (expression, expected) => {
      // Act / Assert
      expect(await run(expression)).toBe(expected);
    });

    it('draws an unseeded number from the engine random source', async () => {
      // Arrange
      const random = vi.fn(() => 0.125);

      // Act
      const value = await run('$random()', bindingsFor({ random }));

      // Assert
      expect(value).toBe(0.125);
      expect(random).toHaveBeenCalledOnce();
    });

    it.each<[string, string]>([
      ["$random('seed')", 'T0410: Argument 1 of function "random" does not match function signature'],
      ['$random(1, 2)', 'T0410: Argument 2 of function "random" does not match function signature'],
    ])('refuses %s (MEASURED)', async (expression, tail) => {
      // Act / Assert
      expect(await causeTail(expression)).toBe(`threw an error during evaluation. ${tail}`);
    });
  });

  describe('$uuid', () => {
    it('returns a fresh version 4 UUID each call', async () => {
      // Act
      const value = (await run('[$uuid(), $uuid()]')) as string[];

      // Assert
      expect(value).toHaveLength(2);
      for (const id of value) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(value[0]).not.toBe(value[1]);
    });

    it('takes no argument (MEASURED)', async () => {
      // Act / Assert
      expect(await causeTail("$uuid('x')")).toBe(
        'threw an error during evaluation. T0410: Argument 1 of function "uuid" does not match function signature',
      );
    });
  });

  describe('$parse', () => {
    it('reads JSON text, the documented replacement for $eval', async () => {
      // Act
      const value = await run('$parse($states.input.body).detail.amount', bindingsFor({ input: { body: '{"detail":{"amount":12.5}}' } }));

      // Assert
      expect(value).toBe(12.5);
    });

    it('works as a function value in a higher-order call', async () => {
      // Act / Assert
      expect(await run('$map([\'{"a":1}\', \'{"a":2}\'], $parse).a')).toEqual([1, 2]);
    });

    it.each<[string, string]>([
      ["$parse('not json')", 'D3137: Invalid JSON'],
      ["$parse('1e400')", 'D3137: Invalid JSON'],
      ["$parse('')", 'D3137: Invalid JSON'],
      ['$parse(123)', 'T0410: Argument 1 of function "parse" does not match function signature'],
      ["$parse('{}', 1)", 'T0410: Argument 2 of function "parse" does not match function signature'],
    ])('refuses %s (MEASURED)', async (expression, tail) => {
      // Act / Assert
      expect(await causeTail(expression)).toBe(`threw an error during evaluation. ${tail}`);
    });
  });

  describe('$now and $millis', () => {
    it('read the engine clock, not the machine clock', async () => {
      // Arrange
      const bindings = bindingsFor({ now: Date.UTC(2031, 5, 7, 8, 9, 10, 11) });

      // Act
      const value = await run('{"now": $now(), "millis": $millis()}', bindings);

      // Assert
      expect(value).toEqual({ now: '2031-06-07T08:09:10.011Z', millis: Date.UTC(2031, 5, 7, 8, 9, 10, 11) });
    });

    it('format the engine clock with a picture and timezone, as $fromMillis does', async () => {
      // Arrange
      const bindings = bindingsFor({ now: Date.UTC(2031, 5, 7, 23, 30) });

      // Act
      const value = await run("$now('[Y0001]-[M01]-[D01] [H01]:[m01]', '+0100')", bindings);

      // Assert
      expect(value).toBe('2031-06-08 00:30');
    });

    it('follow the clock as it moves', async () => {
      // Arrange
      let clock = 1_000;
      const bindings: JsonataBindings = { ...bindingsFor(), now: () => clock };

      // Act
      const before = await run('$millis()', bindings);
      clock += 60_000;
      const after = await run('$millis()', bindings);

      // Assert
      expect([before, after]).toEqual([1_000, 61_000]);
    });
  });
});
