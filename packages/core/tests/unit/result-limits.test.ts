import { describe, expect, it } from 'vitest';
import {
  checkCallbackOutput,
  checkHandler,
  checkResultValue,
  findNotJson,
  InvalidHandlerError,
  RESULT_LIMITS,
  ResultNotSerializableError,
  ResultTooLargeError,
} from '../../src/index.js';

/** The JSON envelope the results table carries is `{"status":"ok","value":` + value + `}`: 27 bytes around the value. */
const ENVELOPE_BYTES = JSON.stringify({ status: 'ok', value: '' }).length - 2;

describe('Module: result-limits', () => {
  describe('Function: checkResultValue', () => {
    it('returns the results-table JSON of a value that fits, up to the last byte', () => {
      // Arrange: a string whose envelope is exactly the limit (the value's JSON has 2 quote bytes).
      const value = 'x'.repeat(RESULT_LIMITS.resultItemBytes - ENVELOPE_BYTES - 2);

      // Act
      const json = checkResultValue(value, 'ecs:RenderPdf');

      // Assert
      expect(Buffer.byteLength(json)).toBe(RESULT_LIMITS.resultItemBytes);
    });

    it('refuses one byte more with ResultTooLargeError naming the double, the size and the DynamoDB limit', () => {
      const value = 'é'.repeat(Math.ceil((RESULT_LIMITS.resultItemBytes - ENVELOPE_BYTES) / 2));

      const thrown = catchError(() => checkResultValue(value, 'ecs:RenderPdf', 'log less.'));

      expect(thrown).toBeInstanceOf(ResultTooLargeError);
      expect(thrown).toMatchObject({ double: 'ecs:RenderPdf', limitBytes: 380_000 });
      expect(thrown.message).toBe(
        `the result of ecs:RenderPdf is ${(thrown as ResultTooLargeError).bytes} bytes of JSON, over the 380000 bytes that a results-table item ` +
          '(DynamoDB allows 400 KB per item; the result gets 380000 bytes of it) can carry. To fix this, log less.',
      );
      expect((thrown as ResultTooLargeError).bytes).toBeGreaterThan(RESULT_LIMITS.resultItemBytes);
    });

    it.each([
      [{ amount: 1n }, '$.value.amount is a BigInt (1n)'],
      [[1, [2, { 'odd key': 3n }]], '$.value[1][1]["odd key"] is a BigInt (3n)'],
      [(() => { const node: { next?: unknown } = {}; node.next = { back: node }; return node; })(), '$.value.next.back is a circular reference (to $.value)'],
      [{ when: { toJSON: () => { throw new Error('no clock'); } } }, '$.value.when is a value whose toJSON() throws (no clock)'],
    ])('refuses a value that is not JSON, saying where (%#)', (value, where) => {
      const thrown = catchError(() => checkResultValue(value, 'lambda:ChargeCard'));

      expect(thrown).toBeInstanceOf(ResultNotSerializableError);
      expect(thrown.message).toBe(
        `the result of lambda:ChargeCard is not JSON: ${where}. The double carries its answer as JSON (SQS, DynamoDB, Step Functions all take JSON). ` +
          'To fix this, return plain data: objects, arrays, strings, numbers, booleans or null (a BigInt as a string, no cycles).',
      );
    });

    it('takes what JSON.stringify takes: Dates, dropped functions and undefined fields, shared (not circular) objects', () => {
      const shared = { id: 1 };

      const json = checkResultValue({ at: new Date(0), skip: undefined, run: () => 1, a: shared, b: shared }, 'probe:X');

      expect(JSON.parse(json)).toEqual({ status: 'ok', value: { at: '1970-01-01T00:00:00.000Z', a: { id: 1 }, b: { id: 1 } } });
    });
  });

  describe('Function: checkCallbackOutput', () => {
    it('accepts 262144 bytes and refuses 262145 with the Step Functions limit', () => {
      const fits = 'x'.repeat(RESULT_LIMITS.stepFunctionsPayloadBytes - 2);

      expect(Buffer.byteLength(checkCallbackOutput(fits, 'ecs:Fulfil'))).toBe(262_144);
      const thrown = catchError(() => checkCallbackOutput(`${fits}x`, 'ecs:Fulfil'));
      expect(thrown).toBeInstanceOf(ResultTooLargeError);
      expect(thrown.message).toBe(
        "the sendTaskSuccess output of ecs:Fulfil is 262145 bytes of JSON, over the 262144 bytes that Step Functions' SendTaskSuccess output (256 KiB) can carry. " +
          'To fix this, send less (e.g. a reference to data stored elsewhere, such as an S3 key).',
      );
    });

    it('sends undefined as null, and refuses a BigInt output by name', () => {
      expect(checkCallbackOutput(undefined, 'ecs:Fulfil')).toBe('null');
      const thrown = catchError(() => checkCallbackOutput(5n, 'ecs:Fulfil'));
      expect(thrown).toBeInstanceOf(ResultNotSerializableError);
      expect(thrown.message).toMatch(/^the sendTaskSuccess output of ecs:Fulfil is not JSON: \$ is a BigInt \(5n\)\./);
    });
  });

  describe('Function: checkHandler', () => {
    it.each([
      [undefined, 'undefined'],
      [0, 'a number (0)'],
      [{ exitCode: 0 }, 'an object'],
    ])('refuses %j with InvalidHandlerError naming the call and what it got', (handler, found) => {
      const thrown = catchError(() => checkHandler(handler, 'ecs:RenderPdf', "harness.ecs.mockTask('RenderPdf', handler)"));

      expect(thrown).toBeInstanceOf(InvalidHandlerError);
      expect(thrown.message).toBe(
        `harness.ecs.mockTask('RenderPdf', handler): the handler is ${found}, not a function. ` +
          "To fix this, pass a function that decides each invocation, e.g. harness.ecs.mockTask('RenderPdf', () => …).",
      );
    });

    it('accepts a function', () => {
      expect(() => checkHandler(() => 0, 'ecs:RenderPdf', 'call')).not.toThrow();
    });
  });

  describe('Function: findNotJson', () => {
    it('finds nothing in plain data', () => {
      expect(findNotJson({ a: [1, 'b', null, { c: true }] })).toBeUndefined();
    });
  });
});

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw, got none');
}
