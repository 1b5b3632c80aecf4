import { describe, expect, it } from 'vitest';
import {
  applyPath,
  applyResultPath,
  compileJsonPath,
  isReferencePath,
  isValidJsonPath,
  isValidReference,
  javaNumber,
  javaString,
  readPath,
  resolveReference,
} from '../../../../src/engine/ql/jsonpath.js';
import { StateFailure, type EvaluationScope, type Json } from '../../../../src/engine/types.js';

const location = { stateName: 'Shape', enteredEventId: 5 };
const PREFIX = "An error occurred while executing the state 'Shape' (entered at the event id #5). ";

function scopeOf(context: Record<string, Json> = {}, variables: Record<string, Json> = {}): EvaluationScope {
  return { context, variables: { get: (name) => variables[name], all: () => variables } };
}

function failureOf(run: () => unknown): StateFailure {
  try {
    run();
  } catch (error) {
    if (error instanceof StateFailure) return error;
    throw error;
  }
  throw new Error('expected a StateFailure');
}

const shop = {
  name: 'corner shop',
  owner: null,
  shelves: [
    { label: 'fruit', items: [{ sku: 'f-1', price: 3, tags: ['red'] }, { sku: 'f-2', price: 12, tags: [] }] },
    { label: 'bread', items: [{ sku: 'b-1', price: 5 }] },
    { label: 'empty', items: [] },
  ],
  counts: { open: 2, closed: 1 },
  'odd key': { 'a.b': 'dotted' },
} satisfies Json;

describe('Function: readPath', () => {
  describe('definite paths (Jayway: the value itself)', () => {
    it.each([
      ['$', shop],
      ['$.name', 'corner shop'],
      ["$['name']", 'corner shop'],
      ['$["name"]', 'corner shop'],
      ['$.owner', null],
      ['$.shelves[0].label', 'fruit'],
      ['$.shelves[-1].label', 'empty'],
      ['$.shelves[0].items[1].price', 12],
      ["$['odd key']['a.b']", 'dotted'],
      ['$.counts.open', 2],
    ] as const)('reads %s', (path, expected) => {
      expect(readPath(path, shop)).toEqual({ found: true, value: expected });
    });

    it('unwraps a trailing [n] to the item, not a one-item array', () => {
      // ENGINE.md §2: trailing [n] unwrapped (LocalStack snapshot base/test_base).
      expect(readPath('$.list[1]', { list: ['a', 'b'] })).toEqual({ found: true, value: 'b' });
    });

    it("merges a final ['a','b'] into one object of the keys present", () => {
      expect(readPath("$.counts['open','closed','gone']", shop)).toEqual({ found: true, value: { open: 2, closed: 1 } });
    });
  });

  describe('indefinite paths (Jayway: always an array)', () => {
    it.each([
      ['$.shelves[*].label', ['fruit', 'bread', 'empty']],
      ['$.counts.*', [2, 1]],
      ['$.counts[*]', [2, 1]],
      ['$.shelves[0,2].label', ['fruit', 'empty']],
      ["$.shelves[0]['label','gone'].x", []],
      ['$.shelves[1:3].label', ['bread', 'empty']],
      ['$.shelves[-2:].label', ['bread', 'empty']],
      ['$.shelves[:1].label', ['fruit']],
      ['$.shelves[:-1].label', ['fruit', 'bread']],
      ['$.shelves[5:].label', []],
      ['$..sku', ['f-1', 'f-2', 'b-1']],
      ['$..items[0].sku', ['f-1', 'b-1']],
      ['$.shelves[*].items[*].price', [3, 12, 5]],
      ['$.shelves[*].items[*].missing', []],
      ['$.counts[?(@ > 1)]', []],
    ] as const)('reads %s', (path, expected) => {
      expect(readPath(path, shop)).toEqual({ found: true, value: expected });
    });

    it('gives [] for a wildcard over an empty array, not a failure', () => {
      // ENGINE.md §2: Jayway returns [] for an empty wildcard / slice.
      expect(readPath('$.list[*]', { list: [] })).toEqual({ found: true, value: [] });
      expect(readPath('$.list[0:2]', { list: [] })).toEqual({ found: true, value: [] });
    });

    it('selects nothing for [1:-1], as Jayway compares from and to before wrapping the negative end', () => {
      expect(readPath('$.list[1:-1]', { list: [1, 2, 3, 4] })).toEqual({ found: true, value: [] });
    });

    it('lists every descendant in document order for $..*', () => {
      expect(readPath('$..*', { a: { b: 1 }, c: [2] })).toEqual({ found: true, value: [{ b: 1 }, [2], 1, 2] });
    });

    it('applies [n] to every array under a deep scan', () => {
      expect(readPath('$..[0]', { a: [1, [2, 3]], b: { c: ['x'] } })).toEqual({ found: true, value: [1, 2, 'x'] });
    });
  });

  describe('filters', () => {
    const items: Json = { items: [{ n: 1, s: 'a', t: ['x', 'y'] }, { n: 2, s: 'bb', t: [] }, { n: 3, flag: null }, { n: '2' }], pick: 3 };

    it.each([
      ['$.items[?(@.n == 2)].n', [2, '2']],
      ['$.items[?(@.n === 2)].n', [2]],
      ['$.items[?(@.n != 2)].n', [1, 3]],
      ['$.items[?(@.n < 2)].n', [1]],
      ['$.items[?(@.n >= 2)].n', [2, 3]],
      ['$.items[?(@.s == "bb")].n', [2]],
      ["$.items[?(@.s =~ /b+/)].n", [2]],
      ["$.items[?(@.s =~ /B+/i)].n", [2]],
      // Jayway matches the whole string (Java's Matcher.matches()), not a substring.
      ["$.items[?(@.s =~ /b/)].n", []],
      ['$.items[?(@.n in [1, 3])].n', [1, 3]],
      ['$.items[?(@.n nin [1, 3])].n', [2, '2']],
      ["$.items[?(@.s in ['a'])].n", [1]],
      ['$.items[?(@.s size 2)].n', [2]],
      ['$.items[?(@.t empty true)].n', [2]],
      ["$.items[?(@.t contains 'y')].n", [1]],
      ["$.items[?(@.t subsetof ['x','y','z'])].n", [1, 2]],
      ["$.items[?(@.t anyof ['y'])].n", [1]],
      ["$.items[?(@.t noneof ['y'])].n", [2]],
      ['$.items[?(@.s)].n', [1, 2]],
      ['$.items[?(@.flag)].n', [3]],
      ['$.items[?(!@.s)].n', [3, '2']],
      ['$.items[?(@.n > 1 && @.n < 3)].n', [2]],
      ['$.items[?(@.n == 1 || @.s == "bb")].n', [1, 2]],
      ['$.items[?(!(@.n == 1 || @.n == 3))].n', [2, '2']],
      ['$.items[?(@.n == $.pick)].n', [3]],
      ['$.items[?(@.t.length() > 1)].n', [1]],
    ] as const)('evaluates %s', (path, expected) => {
      expect(readPath(path, items)).toEqual({ found: true, value: expected });
    });

    it('tests an object against the filter itself when the filter follows an object', () => {
      expect(readPath('$.one[?(@.n == 1)]', { one: { n: 1 } })).toEqual({ found: true, value: [{ n: 1 }] });
      expect(readPath('$.one[?(@.n == 2)]', { one: { n: 1 } })).toEqual({ found: true, value: [] });
    });

    it('matches objects at any depth after a deep scan', () => {
      expect(readPath('$..[?(@.price > 4)].sku', shop)).toEqual({ found: true, value: ['f-2', 'b-1'] });
    });
  });

  describe('length()', () => {
    it.each([
      ['$.shelves.length()', 3],
      ['$.counts.length()', 2],
      ['$.name.length()', null],
    ] as const)('reads %s', (path, expected) => {
      expect(readPath(path, shop)).toEqual({ found: true, value: expected });
    });

    it('counts the whole deep-scan result for $..x.length(), as Jayway rewrites it to length($..x.*)', () => {
      expect(readPath('$..items.length()', shop)).toEqual({ found: true, value: 3 });
    });
  });

  describe("AWS's reasons when a definite path matches nothing", () => {
    it.each([
      // Recorded AWS cause: "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
      // (LocalStack snapshot scenarios/test_base_scenarios test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_INPUTPATH]).
      ['$.nothing', {}, "No results for path: $['nothing']"],
      ['$.a.b', { a: {} }, "No results for path: $['a']['b']"],
      ['$.a[3]', { a: [1] }, "No results for path: $['a'][3]"],
      ['$.a[-3]', { a: [1] }, "No results for path: $['a'][-3]"],
      ['$.a[3].b', { a: [1] }, "No results for path: $['a'][3]['b']"],
      // Jayway (the library AWS runs) names the first missing intermediate key.
      ['$.no.deeper', {}, "Missing property in path $['no']"],
      ['$.a.no.deeper', { a: {} }, "Missing property in path $['a']['no']"],
      ['$.a.b', { a: 'text' }, "Expected to find an object with property ['b'] in path $['a'] but found 'java.lang.String'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."],
      ['$.a.b', { a: null }, "Expected to find an object with property ['b'] in path $['a'] but found 'null'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."],
      ['$.a.b', { a: [1] }, "Expected to find an object with property ['b'] in path $['a'] but found 'java.util.ArrayList'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."],
      ['$.a[0].b', { a: { x: 1, y: 'z' } }, "Filter: [0]['b'] can only be applied to arrays. Current context is: {x=1, y=z}"],
      ['$.a[0]', { a: null }, "The path $['a'] is null"],
    ] as const)('reads %s from %j as not found: %s', (path, data, reason) => {
      expect(readPath(path, data as Json)).toEqual({ found: false, reason });
    });

    // Recorded AWS (base/test_base test_json_path_array_wildcard_or_slice_with_no_input): an indefinite path
    // whose head is missing gives an empty array, where Jayway alone would throw.
    it.each([
      ['$.missing[*]', {}],
      ['$.a.items[1:5].value', { a: {} }],
      ['$.a[?(@.x)]', { a: 7 }],
    ] as const)('reads the indefinite %s from %j as []', (path, data) => {
      expect(readPath(path, data as Json)).toEqual({ found: true, value: [] });
    });

    it('finds a key whose value is null', () => {
      expect(readPath('$.a', { a: null })).toEqual({ found: true, value: null });
    });

    it('skips missing keys and wrong types silently once the path is indefinite', () => {
      expect(readPath('$.list[*].a.b', { list: [{ a: { b: 1 } }, { a: 'x' }, {}, 5] })).toEqual({ found: true, value: [1] });
    });

    it('reports an unparsable path as not found with the parse error', () => {
      const result = readPath('$.a[', {});
      expect(result.found).toBe(false);
      expect(result.found ? '' : result.reason).toMatch(/^Invalid JSONPath '\$\.a\['/);
    });
  });
});

describe('Function: compileJsonPath', () => {
  it('compiles a path once and serves it from the cache afterwards', () => {
    expect(compileJsonPath('$.cached.path[0]')).toBe(compileJsonPath('$.cached.path[0]'));
  });

  it.each([
    ['$.a.b[0]', true],
    ["$['a','b']", true],
    ['$.a.length()', true],
    ['$.a[*]', false],
    ['$..a', false],
    ['$.a[0,1]', false],
    ['$.a[1:2]', false],
    ['$.a[?(@.b)]', false],
    ["$['a','b'].c", false],
  ] as const)('marks %s as definite: %s', (path, definite) => {
    expect(compileJsonPath(path).definite).toBe(definite);
  });
});

describe('Function: isValidJsonPath', () => {
  it.each(['$', '$.a', '$.a.b', "$['a b']", '$.a[0]', '$.a[-1]', '$.a[*]', '$.*', '$..a', '$..[0]', '$.a[1:2]', '$.a[:2]', '$.a[0,1]', '$.a[?(@.b == 1)]', '$.a.length()', '$.a-b', '$.a[ 0 ]'])(
    'accepts %s',
    (path) => {
      expect(isValidJsonPath(path)).toBe(true);
    },
  );

  it.each(['', 'a.b', '$.', '$..', '$.a.', '$[', '$.a[', '$.a b', '$a', '$.a[x]', '$.a[1:2:3]', '$.a[:]', '$.a.max()', '$.a.length().b', '$.a[?(@.b ==)]', "$['a", '$.a[?(@.b =~ /x/q)]', '$.a[?(@.b =~ /(/)]'])(
    'refuses %s',
    (path) => {
      expect(isValidJsonPath(path)).toBe(false);
    },
  );
});

describe('Function: isReferencePath', () => {
  it.each(['$', '$.a', "$['a']", '$.a[0].b', '$$.Execution.Id', '$var', '$var.a'])('accepts %s', (path) => {
    expect(isReferencePath(path)).toBe(true);
  });

  // AWS developer guide, "Reference Paths": the operators @ .. , : ? * and functions are not supported.
  it.each(['$.a[*]', '$..a', '$.a[0,1]', '$.a[1:]', '$.a[?(@.b)]', '$.a.length()', 'a'])('refuses %s', (path) => {
    expect(isReferencePath(path)).toBe(false);
  });
});

describe('Function: isValidReference', () => {
  it.each([
    ['$.a', true],
    ['$$.Execution.Input.a', true],
    ['$item.id', true],
    ['$item[0]', true],
    ['$$.[', false],
    ['plain', false],
  ] as const)('judges %s: %s', (text, valid) => {
    expect(isValidReference(text)).toBe(valid);
  });
});

describe('Function: resolveReference', () => {
  const scope = scopeOf({ Execution: { Name: 'exec-1', Input: { n: 1 } } }, { order: { id: 'o-1', lines: ['l1', 'l2'] }, count: 0, nothing: null });

  it.each([
    ['$', { x: 1 }],
    ['$.x', 1],
    ['$$', { Execution: { Name: 'exec-1', Input: { n: 1 } } }],
    ['$$.Execution.Name', 'exec-1'],
    ['$$.Execution.Input.n', 1],
    ['$order', { id: 'o-1', lines: ['l1', 'l2'] }],
    ['$order.id', 'o-1'],
    ['$order.lines[1]', 'l2'],
    ['$order.lines[*]', ['l1', 'l2']],
    ['$count', 0],
    ['$nothing', null],
  ] as const)('resolves %s', (path, expected) => {
    expect(resolveReference(path, { x: 1 }, scope)).toEqual({ found: true, value: expected });
  });

  it('reports a missing context field like any path', () => {
    expect(resolveReference('$$.Task.Token', {}, scope)).toEqual({ found: false, reason: "Missing property in path $['Task']" });
    expect(resolveReference('$$.Execution.RoleArn', {}, scope)).toEqual({ found: false, reason: "No results for path: $['Execution']['RoleArn']" });
  });

  it('reports a variable no scope holds', () => {
    expect(resolveReference('$unknown.a', {}, scope)).toEqual({ found: false, reason: 'No results for path: $unknown' });
  });

  it('reports a missing field of a variable', () => {
    expect(resolveReference('$order.total', {}, scope)).toEqual({ found: false, reason: "No results for path: $['total']" });
  });
});

describe('Function: applyPath', () => {
  const scope = scopeOf({ State: { Name: 'Shape' } }, { picked: { v: 1 } });

  it('leaves the data as is without a path or with $', () => {
    const data = { a: 1 };
    expect(applyPath('InputPath', undefined, data, scope, location)).toBe(data);
    expect(applyPath('InputPath', '$', data, scope, location)).toBe(data);
  });

  it('gives {} for a null path', () => {
    // AWS developer guide, "InputPath": null discards the input, the state gets {}.
    expect(applyPath('InputPath', null, { a: 1 }, scope, location)).toEqual({});
    expect(applyPath('OutputPath', null, { a: 1 }, scope, location)).toEqual({});
  });

  it('selects from the data, the context object or a variable', () => {
    expect(applyPath('InputPath', '$.a.b', { a: { b: [1] } }, scope, location)).toEqual([1]);
    expect(applyPath('OutputPath', '$$.State.Name', {}, scope, location)).toBe('Shape');
    expect(applyPath('OutputPath', '$picked.v', {}, scope, location)).toBe(1);
    expect(applyPath('ItemsPath', '$.list[*].id', { list: [{ id: 1 }, { id: 2 }] }, scope, location)).toEqual([1, 2]);
  });

  it("fails with AWS's States.Runtime cause when the path matches nothing", () => {
    // Recorded AWS cause (LocalStack snapshot scenarios/test_base_scenarios test_invalid_jsonpath[ST.INVALID_JSONPATH_IN_OUTPUTPATH]).
    const failure = failureOf(() => applyPath('OutputPath', '$.NoSuchOutputPath', { a: 1 }, scope, location));
    expect(failure.error).toBe('States.Runtime');
    expect(failure.failureCause).toBe(`${PREFIX}Invalid path '$.NoSuchOutputPath' : No results for path: $['NoSuchOutputPath']`);
  });

  it('names the first missing intermediate key', () => {
    const failure = failureOf(() => applyPath('InputPath', '$.no.deeper', {}, scope, location));
    expect(failure.failureCause).toBe(`${PREFIX}Invalid path '$.no.deeper' : Missing property in path $['no']`);
  });

  it('words ErrorPath and CausePath failures as AWS does for them', () => {
    // Recorded AWS cause (LocalStack snapshot scenarios/test_base_scenarios test_invalid_jsonpath[INVALID_JSONPATH_IN_ERRORPATH]).
    const failure = failureOf(() => applyPath('ErrorPath', '$.ErrorX', { int: 0 }, scope, location));
    expect(failure.failureCause).toBe(`${PREFIX}The JSONPath '$.ErrorX' specified for the field 'ErrorPath' could not be found in the input '{"int":0}'`);
  });

  it('refuses a path into a null input', () => {
    const failure = failureOf(() => applyPath('InputPath', '$.a', null, scope, location));
    expect(failure.failureCause).toBe(`${PREFIX}Unable to apply Path transformation to null or empty input.`);
  });
});

describe('Function: applyResultPath', () => {
  it('replaces the input with the result when ResultPath is absent or $', () => {
    // AWS developer guide, "ResultPath": no ResultPath behaves as "$".
    expect(applyResultPath({ a: 1 }, undefined, 'result', location)).toBe('result');
    expect(applyResultPath({ a: 1 }, '$', { r: 1 }, location)).toEqual({ r: 1 });
  });

  it('keeps the input and drops the result for null', () => {
    const input = { a: 1 };
    expect(applyResultPath(input, null, 'result', location)).toBe(input);
  });

  it('adds the result at a path, creating objects on the way', () => {
    expect(applyResultPath({ a: 1 }, '$.r', 'x', location)).toEqual({ a: 1, r: 'x' });
    expect(applyResultPath({ a: 1 }, '$.r.s.t', [1], location)).toEqual({ a: 1, r: { s: { t: [1] } } });
    expect(applyResultPath({ a: { keep: true } }, "$.a['new key']", 2, location)).toEqual({ a: { keep: true, 'new key': 2 } });
  });

  it('overwrites an existing value at the path', () => {
    expect(applyResultPath({ a: { b: 'old', c: 1 } }, '$.a.b', 'new', location)).toEqual({ a: { b: 'new', c: 1 } });
  });

  it('writes into an existing array slot', () => {
    expect(applyResultPath({ list: [1, 2] }, '$.list[1]', 'two', location)).toEqual({ list: [1, 'two'] });
  });

  it('leaves the input untouched and shares the branches it did not change', () => {
    const input = { a: { b: 1 }, other: { big: [1, 2, 3] } };
    const output = applyResultPath(input, '$.a.c', 2, location) as { a: Json; other: Json };
    expect(input).toEqual({ a: { b: 1 }, other: { big: [1, 2, 3] } });
    expect(output.other).toBe(input.other);
    expect(output.a).not.toBe(input.a);
  });

  it.each([
    ['a string input', 'text', '$.r', '"text"'],
    ['an array input', [1], '$.r', '[1]'],
    ['a string on the way', { a: 'x' }, '$.a.b', '{"a":"x"}'],
    ['an index past the end', { list: [] }, '$.list[0]', '{"list":[]}'],
  ] as const)('fails with States.Runtime for %s', (_case, input, path, inputText) => {
    const failure = failureOf(() => applyResultPath(input as Json, path, 1, location));
    expect(failure.error).toBe('States.Runtime');
    expect(failure.failureCause).toBe(`${PREFIX}Unable to apply ResultPath '${path}' to input '${inputText}'`);
  });

  it('refuses a path that is not a reference path', () => {
    const failure = failureOf(() => applyResultPath({}, '$.a[*]', 1, location));
    expect(failure.failureCause).toBe(`${PREFIX}Invalid path '$.a[*]' : a ResultPath must be a reference path`);
  });
});

describe('Function: javaString', () => {
  it.each([
    [{ Arg1: 1, Arg2: [] }, '{Arg1=1, Arg2=[]}'],
    [[1, 'a', null, true], '[1, a, null, true]'],
    ['plain', 'plain'],
    [null, 'null'],
    [1.5, '1.5'],
  ] as const)('prints %j as %s', (value, text) => {
    expect(javaString(value as Json)).toBe(text);
  });
});

describe('Function: javaNumber', () => {
  it.each([
    [42, '42'],
    [-0, '0'],
    [0.001, '0.001'],
    [1234567.5, '1234567.5'],
    [12345678.9, '1.23456789E7'],
    [0.0001, '1.0E-4'],
    [1e21, '1.0E21'],
  ] as const)('prints %d as Java does: %s', (value, text) => {
    expect(javaNumber(value)).toBe(text);
  });
});
