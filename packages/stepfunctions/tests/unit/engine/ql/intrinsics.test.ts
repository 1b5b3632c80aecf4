import { describe, expect, it } from 'vitest';
import { evaluateIntrinsic, IntrinsicSyntaxError, isIntrinsicCall, parseIntrinsic, type IntrinsicOptions } from '../../../../src/engine/ql/intrinsics/index.js';
import { JavaRandom } from '../../../../src/engine/ql/intrinsics/math.js';
import { StateFailure, type EvaluationScope, type Json } from '../../../../src/engine/types.js';

const location = { stateName: 'Compute', enteredEventId: 3 };
const PREFIX = "An error occurred while executing the state 'Compute' (entered at the event id #3). ";

const input = {
  word: 'plum',
  words: ['kiwi', 'fig', 'kiwi'],
  numbers: [4, 8, 15, 16, 23, 42],
  nested: { size: 'L', tags: ['x'] },
  template: 'Order {} of {}',
  nothing: null,
  jsonText: '{"k":[1,2]}',
} satisfies Json;

const scope: EvaluationScope = {
  context: { Execution: { Name: 'run-7', Input: { priority: 2 } }, StateMachine: { Name: 'billing-flow-v2' } },
  variables: { get: (name) => ({ basket: ['a', 'b'], limit: 3 } as Record<string, Json>)[name], all: () => ({}) },
};

function run(expression: string, options?: IntrinsicOptions, data: Json = input): Json {
  return evaluateIntrinsic(expression, data, scope, location, 'result.$', options);
}

function failureOf(expression: string, data: Json = input): StateFailure {
  try {
    run(expression, undefined, data);
  } catch (error) {
    if (error instanceof StateFailure) return error;
    throw error;
  }
  throw new Error(`expected ${expression} to fail`);
}

function expectIntrinsicFailure(expression: string, detail: string): void {
  const failure = failureOf(expression);
  expect(failure.error).toBe('States.IntrinsicFailure');
  expect(failure.failureCause).toBe(`${PREFIX}${detail}`);
}

describe('Function: parseIntrinsic', () => {
  it('parses literals, paths and nested calls into a tree', () => {
    const call = parseIntrinsic("States.Format('a{}b', $.x, -1.5, true, null, States.UUID(), $$.Execution.Id, $item[0])");
    expect(call.name).toBe('States.Format');
    expect(call.args).toEqual([
      { kind: 'literal', value: 'a{}b', pieces: ['a', null, 'b'] },
      { kind: 'path', path: '$.x' },
      { kind: 'literal', value: -1.5 },
      { kind: 'literal', value: true },
      { kind: 'literal', value: null },
      { kind: 'call', call: { name: 'States.UUID', args: [] } },
      { kind: 'path', path: '$$.Execution.Id' },
      { kind: 'path', path: '$item[0]' },
    ]);
  });

  it('resolves the reserved-character escapes and keeps an escaped {} out of the placeholders', () => {
    // AWS developer guide, "Reserved characters in intrinsic functions": \' \{ \} \\ .
    const call = parseIntrinsic("States.Format('it\\'s \\{} and \\\\ {}', $.x)");
    expect(call.args[0]).toEqual({ kind: 'literal', value: "it's {} and \\ {}", pieces: ["it's {} and \\ ", null, ''] });
  });

  it('keeps commas, parentheses and quotes inside a path argument', () => {
    const call = parseIntrinsic("States.Array($['a,b'], $.list[?(@.n == 1)], $.list.length())");
    expect(call.args).toEqual([
      { kind: 'path', path: "$['a,b']" },
      { kind: 'path', path: '$.list[?(@.n == 1)]' },
      { kind: 'path', path: '$.list.length()' },
    ]);
  });

  it('tolerates blanks between tokens', () => {
    expect(parseIntrinsic('  States.MathAdd (  1 ,  $.a  )  ').args).toEqual([
      { kind: 'literal', value: 1 },
      { kind: 'path', path: '$.a' },
    ]);
  });

  it('caches a parsed call by its text', () => {
    expect(parseIntrinsic('States.ArrayLength($.numbers)')).toBe(parseIntrinsic('States.ArrayLength($.numbers)'));
  });

  it.each([
    ['States.Nope(1)', /unknown intrinsic function States\.Nope/],
    ['States.Array(1', /expected ',' or '\)'/],
    ['States.Array(1,)', /expected an argument/],
    ['States.Array(1) extra', /unexpected text after the call/],
    ["States.Format('open)", /unclosed string literal/],
    ["States.Format('a\\nb')", /open escape backslash/],
    ['States.Array($.a[)', /unclosed '\['|not a valid path/],
    ['States.Array($.a.)', /not a valid path/],
    ['States.Array(1 2)', /expected ',' or '\)'/],
    ['$.a', /expected a function name/],
    ['States.Array(#)', /unexpected '#'/],
  ])('refuses %s', (text, message) => {
    expect(() => parseIntrinsic(text)).toThrow(IntrinsicSyntaxError);
    expect(() => parseIntrinsic(text)).toThrow(message);
  });
});

describe('Function: isIntrinsicCall', () => {
  it.each([
    ['States.Format(1)', true],
    ['States.UUID()', true],
    ['  States.Array ()', true],
    ['$.States.Format', false],
    ['States.Format', false],
    ['Format(1)', false],
  ] as const)('judges %s: %s', (text, expected) => {
    expect(isIntrinsicCall(text)).toBe(expected);
  });
});

describe('Function: evaluateIntrinsic', () => {
  describe('arguments', () => {
    it('reads paths on the input, the context object and variables', () => {
      expect(run('States.Array($.word, $$.Execution.Name, $$.Execution.Input.priority, $basket, $limit)')).toEqual(['plum', 'run-7', 2, ['a', 'b'], 3]);
    });

    it('passes an indefinite path as the array it matches', () => {
      expect(run('States.ArrayLength($.numbers[?(@ > 10)])')).toBe(4);
    });

    it('evaluates nested calls inside out', () => {
      // AWS developer guide: calls nest, e.g. States.ArrayGetItem(States.StringSplit(...), n).
      expect(run("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))")).toBe('v2');
    });

    it('fails like a payload path when a path argument matches nothing', () => {
      // Same wording as a missing payload path (recorded AWS cause, LocalStack snapshot
      // scenarios/test_base_scenarios test_invalid_jsonpath[INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH]).
      const failure = failureOf("States.Format('{}', $.absent)", { a: 1 });
      expect(failure.error).toBe('States.Runtime');
      expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$.absent' specified for the field 'result.$' could not be found in the input '{"a":1}'`);
    });

    it('fails for a missing variable or context field the same way', () => {
      expect(failureOf('States.Array($unset)', {}).failureCause).toBe(
        `${PREFIX}The JSONPath '$unset' specified for the field 'result.$' could not be found in the input '{}'`,
      );
      expect(failureOf('States.Array($$.Task.Token)', {}).failureCause).toBe(
        `${PREFIX}The JSONPath '$$.Task.Token' specified for the field 'result.$' could not be found in the input '{}'`,
      );
    });

    it('fails with States.Runtime for a malformed call', () => {
      const failure = failureOf('States.Array(1');
      expect(failure.error).toBe('States.Runtime');
      expect(failure.failureCause).toMatch(/^An error occurred .*The value for the field 'result\.\$' must be a valid JSONPath or a valid intrinsic function call: /);
    });
  });

  describe('States.Format', () => {
    it.each([
      ["States.Format('Hello, {}!', $.word)", 'Hello, plum!'],
      ["States.Format('{} + {} = {}', 1, 2.5, true)", '1 + 2.5 = true'],
      ["States.Format('none: {}', $.nothing)", 'none: null'],
      ["States.Format('no placeholders')", 'no placeholders'],
      ["States.Format('{}{}', '', '')", ''],
      ['States.Format($.template, 3, $.word)', 'Order 3 of plum'],
      ["States.Format('literal \\{} then {}', $.word)", 'literal {} then plum'],
      ["States.Format('back\\\\slash {}', 'x')", 'back\\slash x'],
      ["States.Format('quote \\' {}', 'x')", "quote ' x"],
    ])('formats %s', (expression, expected) => {
      expect(run(expression)).toBe(expected);
    });

    it("prints objects and arrays the way AWS's Java engine does, not as JSON", () => {
      // Recorded AWS response: an object argument formats as {Key=value, List=[]}
      // (LocalStack snapshot intrinsic_functions/test_generic test_format_2).
      expect(run("States.Format('{} / {}', $.nested, $.words)")).toBe('{size=L, tags=[x]} / [kiwi, fig, kiwi]');
    });

    it('prints large and small doubles in Java notation', () => {
      expect(run("States.Format('{} {}', 12345678.5, 0.00025)")).toBe('1.23456785E7 2.5E-4');
    });

    it.each([
      ["States.Format('{} {}', 1)", 'Invalid arguments in States.Format: the format string has 2 placeholder(s) {} but 1 value(s) were given'],
      ["States.Format('{}', 1, 2)", 'Invalid arguments in States.Format: the format string has 1 placeholder(s) {} but 2 value(s) were given'],
      ['States.Format(1)', 'Invalid arguments in States.Format: argument 1 must be a string, but was number 1'],
      ['States.Format()', 'Invalid arguments in States.Format: expected at least 1 argument but got 0'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.StringToJson', () => {
    it.each([
      ['States.StringToJson($.jsonText)', { k: [1, 2] }],
      ["States.StringToJson('[true, null]')", [true, null]],
      ["States.StringToJson('\"s\"')", 's'],
      ["States.StringToJson('7.25')", 7.25],
    ] as const)('parses %s', (expression, expected) => {
      expect(run(expression)).toEqual(expected);
    });

    it('gives null for an empty or blank string', () => {
      // Recorded AWS responses, LocalStack snapshot intrinsic_functions/test_json_manipulation test_string_to_json.
      expect(run("States.StringToJson('')")).toBeNull();
      expect(run("States.StringToJson('   ')")).toBeNull();
    });

    it('gives 0, not -0, for "-0"', () => {
      expect(Object.is(run("States.StringToJson('-0')"), 0)).toBe(true);
    });

    it('fails for text that is not JSON, or for a non-string', () => {
      expect(failureOf("States.StringToJson('{oops')").failureCause).toMatch(/^An error .*Invalid arguments in States\.StringToJson: the string is not valid JSON: /);
      expectIntrinsicFailure('States.StringToJson($.nested)', 'Invalid arguments in States.StringToJson: argument 1 must be a string, but was object {"size":"L","tags":["x"]}');
    });
  });

  describe('States.JsonToString', () => {
    it.each([
      ['States.JsonToString($.nested)', '{"size":"L","tags":["x"]}'],
      ['States.JsonToString($.words)', '["kiwi","fig","kiwi"]'],
      ['States.JsonToString($.word)', '"plum"'],
      ['States.JsonToString($.nothing)', 'null'],
      ['States.JsonToString(2.5)', '2.5'],
    ])('serialises %s as compact JSON', (expression, expected) => {
      expect(run(expression)).toBe(expected);
    });

    it('takes exactly one argument', () => {
      expectIntrinsicFailure('States.JsonToString(1, 2)', 'Invalid arguments in States.JsonToString: expected 1 argument but got 2');
    });
  });

  describe('States.JsonMerge', () => {
    it('merges shallowly, the second object winning and nested objects replaced', () => {
      const data = { left: { shared: { a: 1 }, onlyLeft: 1, both: 'l' }, right: { shared: { b: 2 }, both: 'r', onlyRight: true } };
      expect(run('States.JsonMerge($.left, $.right, false)', undefined, data)).toEqual({ shared: { b: 2 }, onlyLeft: 1, both: 'r', onlyRight: true });
    });

    it('accepts a merged object built by another call', () => {
      expect(run("States.JsonMerge(States.StringToJson('{\"a\":1}'), $.nested, false)")).toEqual({ a: 1, size: 'L', tags: ['x'] });
    });

    it.each([
      ['States.JsonMerge($.nested, $.nested, true)', 'Invalid arguments in States.JsonMerge: deep merge is not supported; the third argument must be false'],
      ['States.JsonMerge($.nested, $.words, false)', 'Invalid arguments in States.JsonMerge: argument 2 must be an object, but was array ["kiwi","fig","kiwi"]'],
      ["States.JsonMerge($.nested, $.nested, 'false')", 'Invalid arguments in States.JsonMerge: argument 3 must be a boolean, but was string "false"'],
      ['States.JsonMerge($.nested, $.nested)', 'Invalid arguments in States.JsonMerge: expected 3 arguments but got 2'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.Array', () => {
    it('collects its arguments, of any type, in order', () => {
      expect(run("States.Array('x', 9, false, null, $.nested, States.Array())")).toEqual(['x', 9, false, null, { size: 'L', tags: ['x'] }, []]);
    });

    it('gives [] without arguments', () => {
      expect(run('States.Array()')).toEqual([]);
    });
  });

  describe('States.ArrayPartition', () => {
    it.each([
      ['States.ArrayPartition($.numbers, 4)', [[4, 8, 15, 16], [23, 42]]],
      ['States.ArrayPartition($.numbers, 6)', [[4, 8, 15, 16, 23, 42]]],
      ['States.ArrayPartition($.numbers, 10)', [[4, 8, 15, 16, 23, 42]]],
      ['States.ArrayPartition(States.Array(), 2)', []],
      // AWS developer guide: a non-integer chunk size is rounded to the nearest integer.
      ['States.ArrayPartition($.numbers, 2.6)', [[4, 8, 15], [16, 23, 42]]],
    ] as const)('partitions %s', (expression, expected) => {
      expect(run(expression)).toEqual(expected);
    });

    it.each([
      ['States.ArrayPartition($.numbers, 0)', 'Invalid arguments in States.ArrayPartition: the chunk size must be a positive integer, but was 0'],
      ['States.ArrayPartition($.numbers, -2)', 'Invalid arguments in States.ArrayPartition: the chunk size must be a positive integer, but was -2'],
      ['States.ArrayPartition($.word, 2)', 'Invalid arguments in States.ArrayPartition: argument 1 must be an array, but was string "plum"'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.ArrayContains', () => {
    it.each([
      ['States.ArrayContains($.numbers, 15)', true],
      ['States.ArrayContains($.numbers, 14)', false],
      ["States.ArrayContains($.numbers, '15')", false],
      ["States.ArrayContains(States.Array($.nested), States.StringToJson('{\"tags\":[\"x\"],\"size\":\"L\"}'))", true],
      ['States.ArrayContains(States.Array(), $.nothing)', false],
      ['States.ArrayContains(States.Array(null), $.nothing)', true],
    ] as const)('answers %s', (expression, expected) => {
      expect(run(expression)).toBe(expected);
    });

    it('needs an array first', () => {
      expectIntrinsicFailure('States.ArrayContains($.nested, 1)', 'Invalid arguments in States.ArrayContains: argument 1 must be an array, but was object {"size":"L","tags":["x"]}');
    });
  });

  describe('States.ArrayRange', () => {
    it.each([
      ['States.ArrayRange(2, 11, 4)', [2, 6, 10]],
      ['States.ArrayRange(2, 10, 4)', [2, 6, 10]],
      ['States.ArrayRange(5, 5, 3)', [5]],
      ['States.ArrayRange(5, 1, -2)', [5, 3, 1]],
      ['States.ArrayRange(1, 5, -1)', []],
      ['States.ArrayRange(-3, 0, 1)', [-3, -2, -1, 0]],
      // AWS developer guide: non-integer arguments are rounded to the nearest integer.
      ['States.ArrayRange(0.6, 3.4, 1)', [1, 2, 3]],
    ] as const)('counts %s', (expression, expected) => {
      expect(run(expression)).toEqual(expected);
    });

    it('allows 1000 items and no more', () => {
      // AWS developer guide: the new array can't contain more than 1000 items.
      expect((run('States.ArrayRange(1, 1000, 1)') as Json[]).length).toBe(1000);
      expectIntrinsicFailure('States.ArrayRange(1, 1001, 1)', 'Invalid arguments in States.ArrayRange: the range has 1001 items; the limit is 1000');
    });

    it.each([
      ['States.ArrayRange(1, 5, 0)', 'Invalid arguments in States.ArrayRange: the step must not be 0'],
      ["States.ArrayRange('1', 5, 1)", 'Invalid arguments in States.ArrayRange: argument 1 must be a number, but was string "1"'],
      ['States.ArrayRange(1, 5)', 'Invalid arguments in States.ArrayRange: expected 3 arguments but got 2'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.ArrayGetItem', () => {
    it.each([
      ['States.ArrayGetItem($.numbers, 0)', 4],
      ['States.ArrayGetItem($.numbers, 5)', 42],
      ['States.ArrayGetItem($.words, 1)', 'fig'],
    ] as const)('reads %s', (expression, expected) => {
      expect(run(expression)).toBe(expected);
    });

    it.each([
      ['States.ArrayGetItem($.numbers, 6)', 'Invalid arguments in States.ArrayGetItem: the index 6 is out of bounds for an array of length 6'],
      ['States.ArrayGetItem($.numbers, -1)', 'Invalid arguments in States.ArrayGetItem: the index -1 is out of bounds for an array of length 6'],
      ['States.ArrayGetItem($.numbers, 1.5)', 'Invalid arguments in States.ArrayGetItem: argument 2 must be an integer, but was number 1.5'],
      ['States.ArrayGetItem($.word, 0)', 'Invalid arguments in States.ArrayGetItem: argument 1 must be an array, but was string "plum"'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.ArrayLength', () => {
    it('counts the items', () => {
      expect(run('States.ArrayLength($.numbers)')).toBe(6);
      expect(run('States.ArrayLength(States.Array())')).toBe(0);
    });

    it('needs an array', () => {
      expectIntrinsicFailure('States.ArrayLength($.word)', 'Invalid arguments in States.ArrayLength: argument 1 must be an array, but was string "plum"');
    });
  });

  describe('States.ArrayUnique', () => {
    it('drops repeats and keeps first occurrences in order', () => {
      expect(run('States.ArrayUnique($.words)')).toEqual(['kiwi', 'fig']);
    });

    it('compares objects by content, whatever their key order', () => {
      const data = { list: [{ a: 1, b: [2] }, 1, { b: [2], a: 1 }, '1', null, null, [1], [1]] };
      expect(run('States.ArrayUnique($.list)', undefined, data)).toEqual([{ a: 1, b: [2] }, 1, '1', null, [1]]);
    });

    it('needs an array', () => {
      expectIntrinsicFailure('States.ArrayUnique($.nothing)', 'Invalid arguments in States.ArrayUnique: argument 1 must be an array, but was null null');
    });
  });

  describe('States.Base64Encode and States.Base64Decode', () => {
    it.each([
      ['plain ascii', 'cGxhaW4gYXNjaWk='],
      ['héllo ✓', 'aMOpbGxvIOKckw=='],
      ['', ''],
    ])('encodes %j as UTF-8 Base64 and decodes it back', (text, encoded) => {
      const data = { text, encoded };
      expect(run('States.Base64Encode($.text)', undefined, data)).toBe(encoded);
      expect(run('States.Base64Decode($.encoded)', undefined, data)).toBe(text);
    });

    it('decodes unpadded Base64 too', () => {
      expect(run("States.Base64Decode('aGk')")).toBe('hi');
    });

    it.each(["States.Base64Decode('not base64!')", "States.Base64Decode('abcde')", "States.Base64Decode('ab=c')"])('refuses %s', (expression) => {
      expect(failureOf(expression).failureCause).toMatch(/Invalid arguments in States\.Base64Decode: '.*' is not valid Base64$/);
    });

    it('limits the input to 10,000 characters', () => {
      // AWS developer guide: "You must specify an input string of up to 10,000 characters".
      const data = { ok: 'a'.repeat(10_000), long: 'a'.repeat(10_001) };
      expect(typeof run('States.Base64Encode($.ok)', undefined, data)).toBe('string');
      expect(failureOf('States.Base64Encode($.long)', data).failureCause).toBe(
        `${PREFIX}Invalid arguments in States.Base64Encode: argument 1 has 10001 characters; the limit is 10000`,
      );
    });

    it('needs a string', () => {
      expectIntrinsicFailure('States.Base64Encode(5)', 'Invalid arguments in States.Base64Encode: argument 1 must be a string, but was number 5');
    });
  });

  describe('States.Hash', () => {
    // Standard "abc" test vectors (FIPS 180 / RFC 1321).
    it.each([
      ['MD5', '900150983cd24fb0d6963f7d28e17f72'],
      ['SHA-1', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
      ['SHA-256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
      ['SHA-384', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
      ['SHA-512', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
    ])('hashes with %s as lowercase hex', (algorithm, digest) => {
      expect(run(`States.Hash('abc', '${algorithm}')`)).toBe(digest);
    });

    it.each([
      ["States.Hash('abc', 'sha-256')", "Invalid arguments in States.Hash: the algorithm 'sha-256' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"],
      ["States.Hash('abc', 'SHA-224')", "Invalid arguments in States.Hash: the algorithm 'SHA-224' is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512"],
      ["States.Hash($.nested, 'MD5')", 'Invalid arguments in States.Hash: argument 1 must be a string, but was object {"size":"L","tags":["x"]}'],
      ["States.Hash('abc')", 'Invalid arguments in States.Hash: expected 2 arguments but got 1'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.MathAdd', () => {
    it.each([
      ['States.MathAdd(19, 23)', 42],
      ['States.MathAdd(-19, 4)', -15],
      ['States.MathAdd(2147483000, 647)', 2147483647],
      // Each argument rounds half up first, as Java's Math.round (recorded AWS responses,
      // LocalStack snapshot intrinsic_functions/test_math_operations test_math_add).
      ['States.MathAdd(3.49, 3.5)', 7],
      ['States.MathAdd(6.5, 0)', 7],
      ['States.MathAdd(-6.5, 0)', -6],
      ['States.MathAdd(-3.5, -3.51)', -7],
      ['States.MathAdd(-0.5, 0)', 0],
      ['States.MathAdd(4.5, -4.5)', 1],
    ] as const)('adds %s', (expression, expected) => {
      expect(run(expression)).toBe(expected);
    });

    it('never answers -0', () => {
      expect(Object.is(run('States.MathAdd(-0.4, -0.3)'), 0)).toBe(true);
    });

    it.each([
      ['States.MathAdd(2147483648, 0)', 'Invalid arguments in States.MathAdd: argument 1 (2147483648) is outside the range -2147483648 to 2147483647'],
      ['States.MathAdd(0, -2147483649)', 'Invalid arguments in States.MathAdd: argument 2 (-2147483649) is outside the range -2147483648 to 2147483647'],
      ["States.MathAdd('1', 2)", 'Invalid arguments in States.MathAdd: argument 1 must be a number, but was string "1"'],
      ['States.MathAdd(1)', 'Invalid arguments in States.MathAdd: expected 2 arguments but got 1'],
      ['States.MathAdd(1, 2, 3)', 'Invalid arguments in States.MathAdd: expected 2 arguments but got 3'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.MathRandom', () => {
    it('draws from the run\'s random source, start inclusive and end exclusive', () => {
      expect(run('States.MathRandom(10, 20)', { random: () => 0 })).toBe(10);
      expect(run('States.MathRandom(10, 20)', { random: () => 0.999999 })).toBe(19);
      expect(run('States.MathRandom(-5, -3)', { random: () => 0.5 })).toBe(-4);
    });

    it('rounds non-integer bounds', () => {
      expect(run('States.MathRandom(1.6, 4.4)', { random: () => 0.6 })).toBe(3);
    });

    it('repeats a seeded number and stays inside the bounds', () => {
      const first = run('States.MathRandom(100, 200, 77)');
      expect(run('States.MathRandom(100, 200, 77)')).toBe(first);
      expect(first).toBeGreaterThanOrEqual(100);
      expect(first).toBeLessThan(200);
    });

    it('draws a seeded number as java.util.Random(seed).nextInt(end - start) + start', () => {
      expect(run('States.MathRandom(0, 100, 0)')).toBe(new JavaRandom(0).nextInt(100));
      expect(run('States.MathRandom(1000, 1010, 42)')).toBe(1000 + new JavaRandom(42).nextInt(10));
    });

    it.each([
      ['States.MathRandom(5, 5)', 'Invalid arguments in States.MathRandom: the end (5) must be greater than the start (5)'],
      ["States.MathRandom(1, 'x')", 'Invalid arguments in States.MathRandom: argument 2 must be a number, but was string "x"'],
      ['States.MathRandom(1)', 'Invalid arguments in States.MathRandom: expected 2 to 3 arguments but got 1'],
    ])('fails %s', (expression, detail) => {
      expectIntrinsicFailure(expression, detail);
    });
  });

  describe('States.StringSplit', () => {
    it.each([
      ["States.StringSplit('a,b,c', ',')", ['a', 'b', 'c']],
      // Splits on each character of the delimiter and drops empty pieces (recorded AWS response,
      // LocalStack snapshot intrinsic_functions/test_string_operations test_string_split).
      ["States.StringSplit('2024-05-17T10:00', '-T:')", ['2024', '05', '17', '10', '00']],
      ["States.StringSplit(',,a,,b,', ',')", ['a', 'b']],
      ["States.StringSplit('a--b', '--')", ['a', 'b']],
      ["States.StringSplit('', ',')", []],
      ["States.StringSplit('whole', '')", ['whole']],
      ["States.StringSplit('line one\nline two', '\n')", ['line one', 'line two']],
    ] as const)('splits %s', (expression, expected) => {
      expect(run(expression)).toEqual(expected);
    });

    it('needs two strings', () => {
      expectIntrinsicFailure("States.StringSplit($.words, ',')", 'Invalid arguments in States.StringSplit: argument 1 must be a string, but was array ["kiwi","fig","kiwi"]');
      expectIntrinsicFailure("States.StringSplit('a', 1)", 'Invalid arguments in States.StringSplit: argument 2 must be a string, but was number 1');
    });
  });

  describe('States.UUID', () => {
    it('makes a version-4 UUID', () => {
      const value = run('States.UUID()');
      expect(value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(run('States.UUID()')).not.toBe(value);
    });

    it("uses the run's UUID source when given", () => {
      expect(run('States.UUID()', { uuid: () => 'fixed-id' })).toBe('fixed-id');
    });

    it('takes no arguments', () => {
      expectIntrinsicFailure("States.UUID('x')", 'Invalid arguments in States.UUID: expected 0 arguments but got 1');
    });
  });
});
