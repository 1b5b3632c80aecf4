import { InvalidFailureError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { exit, sendTaskFailure, sendTaskSuccess, toResultValue } from '../../src/results.js';

describe('Module: results', () => {
  describe('Function: exit', () => {
    it('builds an exit code result with optional log lines', () => {
      expect(exit(0)).toEqual({ exitCode: 0 });
      expect(exit(3, { logs: ['rendering'] })).toEqual({ exitCode: 3, logs: ['rendering'] });
    });

    it.each([-1, 256, 1.5, Number.NaN])('refuses exit code %s', (code) => {
      expect(() => exit(code)).toThrow(`exit code ${code} is not an integer from 0 to 255`);
    });
  });

  describe('Function: sendTaskSuccess / sendTaskFailure', () => {
    it('asks for a success callback and exits 0 unless told otherwise', () => {
      expect(sendTaskSuccess({ shipped: true })).toEqual({ exitCode: 0, callback: { type: 'success', output: { shipped: true } } });
      expect(sendTaskSuccess('x', { exitCode: 2 }).exitCode).toBe(2);
    });

    it('passes error and cause verbatim and leaves out what was not given', () => {
      expect(sendTaskFailure({ error: 'OutOfStock', cause: 'sku-1' }).callback).toEqual({ type: 'failure', error: 'OutOfStock', cause: 'sku-1' });
      expect(sendTaskFailure().callback).toEqual({ type: 'failure' });
    });

    it('enforces the AWS limits on error and cause', () => {
      // SendTaskFailure's length constraints: https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
      expect(() => sendTaskFailure({ error: 'e'.repeat(257) })).toThrow(InvalidFailureError);
      expect(() => sendTaskFailure({ error: 'e'.repeat(257) })).toThrow('the error of sendTaskFailure is 257 characters; Step Functions takes a string of at most 256 characters there');
      expect(() => sendTaskFailure({ cause: 'c'.repeat(32_769) })).toThrow('the cause of sendTaskFailure is 32769 characters; Step Functions takes a string of at most 32768 characters there');
    });
  });

  describe('Function: toResultValue', () => {
    it('accepts a bare number and a built result', () => {
      expect(toResultValue(4, 'd')).toEqual({ exitCode: 4 });
      expect(toResultValue(sendTaskSuccess(1, { logs: ['a'] }), 'd')).toEqual({ exitCode: 0, callback: { type: 'success', output: 1 }, logs: ['a'] });
    });

    it.each([
      [undefined, 'nothing'],
      ['0', 'string "0"'],
      [{ code: 0 }, 'object {"code":0}'],
    ])('refuses %j, saying what came back and how to fix it', (returned, described) => {
      expect(() => toResultValue(returned, 'ECS task double RenderPdf')).toThrow(
        `The handler of ECS task double RenderPdf returned ${described}, which is not a result. To fix this, return an exit code: \`exit(0)\`, a number, \`sendTaskSuccess(output)\` or \`sendTaskFailure({ error, cause })\`.`,
      );
    });
  });
});
