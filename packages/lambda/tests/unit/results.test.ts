import { describe, expect, it } from 'vitest';
import { fail, LambdaFunctionError } from '../../src/results.js';
import { errorDocumentOf, functionErrorCause, isLambdaResultValue } from '../../src/wire.js';

describe('Module: results', () => {
  describe('Class: LambdaFunctionError', () => {
    it('carries the error type as its name, and the message', () => {
      // Act
      const error = new LambdaFunctionError('CardDeclined', 'insufficient funds');

      // Assert
      expect(error).toBeInstanceOf(Error);
      expect(error.errorType).toBe('CardDeclined');
      expect(error.name).toBe('CardDeclined');
      expect(error.message).toBe('insufficient funds');
      expect(error.stackTrace).toBeUndefined();
      expect(error.stack?.split('\n')[0]).toBe('CardDeclined: insufficient funds');
    });

    it('keeps a stack trace the thrower chose', () => {
      // Act
      const error = new LambdaFunctionError('CardDeclined', 'no', { stackTrace: ['at charge (card.js:1:1)'] });

      // Assert
      expect(error.stackTrace).toEqual(['at charge (card.js:1:1)']);
    });

    it('refuses an empty error type, which no Catch could match', () => {
      // Act + Assert
      expect(() => new LambdaFunctionError('', 'no')).toThrow('LambdaFunctionError: errorType is empty');
    });
  });

  describe('Function: fail', () => {
    it('throws a LambdaFunctionError with the type and message', () => {
      // Act
      let thrown: unknown;
      try {
        fail('OutOfStock', 'sku-1 is gone', { stackTrace: ['line'] });
      } catch (error) {
        thrown = error;
      }

      // Assert
      expect(thrown).toBeInstanceOf(LambdaFunctionError);
      expect(thrown).toMatchObject({ errorType: 'OutOfStock', message: 'sku-1 is gone', stackTrace: ['line'] });
    });
  });

  describe('Function: errorDocumentOf', () => {
    it.each([
      ['a string', 'boom', { errorType: 'string', errorMessage: 'boom', trace: [] }],
      ['a number', 42, { errorType: 'number', errorMessage: '42', trace: [] }],
      ['undefined', undefined, { errorType: 'undefined', errorMessage: 'undefined', trace: [] }],
    ])('reports a thrown %s as the Node.js runtime does', (_case, thrown, expected) => {
      // Act
      const document = errorDocumentOf(thrown);

      // Assert
      expect(document).toEqual(expected);
    });

    it('reports an Error by name, message and stack lines', () => {
      // Arrange
      const error = new TypeError('amount is not a number');

      // Act
      const document = errorDocumentOf(error);

      // Assert
      expect(document.errorType).toBe('TypeError');
      expect(document.errorMessage).toBe('amount is not a number');
      expect(document.trace[0]).toBe('TypeError: amount is not a number');
      expect(document.trace).toEqual(error.stack?.split('\n'));
    });
  });

  describe('Function: functionErrorCause', () => {
    it('serialises compactly in the runtime key order: errorType, errorMessage, trace', () => {
      // Act
      const cause = functionErrorCause({ trace: ['a', 'b'], errorMessage: 'no', errorType: 'CardDeclined' });

      // Assert
      expect(cause).toBe('{"errorType":"CardDeclined","errorMessage":"no","trace":["a","b"]}');
    });
  });

  describe('Function: isLambdaResultValue', () => {
    it.each([
      [{ payload: null }, true],
      [{ payload: { ok: true }, callback: { type: 'success', output: 1 } }, true],
      [{ functionError: 'Unhandled', errorType: 'E', errorMessage: 'm', trace: [] }, true],
      [{ functionError: 'Unhandled', errorType: 'E' }, false],
      [{ exitCode: 0 }, false],
      [null, false],
      [[], false],
    ])('tells whether %j is a Lambda result', (value, expected) => {
      // Act
      const result = isLambdaResultValue(value);

      // Assert
      expect(result).toBe(expected);
    });
  });
});
