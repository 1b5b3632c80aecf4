import { describe, expect, it } from 'vitest';
import { arnParts, functionArn, looksLikeFunctionArn, parseFunctionArn, parseFunctionName } from '../../src/function-reference.js';

describe('Module: function-reference', () => {
  describe('Function: parseFunctionName', () => {
    it.each([
      ['a name', 'ChargeCard', { functionName: 'ChargeCard' }],
      ['a name with an alias', 'ChargeCard:prod', { functionName: 'ChargeCard', qualifier: 'prod' }],
      ['a name with a version', 'ChargeCard:7', { functionName: 'ChargeCard', qualifier: '7' }],
      ['a name with $LATEST', 'ChargeCard:$LATEST', { functionName: 'ChargeCard', qualifier: '$LATEST' }],
      ['a partial ARN', '123456789012:function:ChargeCard', { functionName: 'ChargeCard', account: '123456789012' }],
      [
        'a partial ARN with an alias',
        '123456789012:function:ChargeCard:prod',
        { functionName: 'ChargeCard', account: '123456789012', qualifier: 'prod' },
      ],
      [
        'a full ARN',
        'arn:aws:lambda:eu-west-1:123456789012:function:charge-card_2',
        { functionName: 'charge-card_2', partition: 'aws', region: 'eu-west-1', account: '123456789012' },
      ],
      [
        'a full ARN with a version, in another partition',
        'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:ChargeCard:3',
        { functionName: 'ChargeCard', partition: 'aws-us-gov', region: 'us-gov-west-1', account: '123456789012', qualifier: '3' },
      ],
    ])('reads %s', (_case, value, expected) => {
      // Act
      const reference = parseFunctionName(value);

      // Assert
      expect(reference).toEqual(expected);
    });

    it.each([
      ['an empty string', ''],
      ['a space', 'Charge Card'],
      ['a 65-character name', 'f'.repeat(65)],
      ['an ARN of another service', 'arn:aws:states:eu-west-1:123456789012:stateMachine:Flow'],
      ['a name with two qualifiers', 'ChargeCard:prod:1'],
    ])('refuses %s', (_case, value) => {
      // Act
      const reference = parseFunctionName(value);

      // Assert
      expect(reference).toBeUndefined();
    });
  });

  describe('Function: parseFunctionArn', () => {
    it('reads a complete function ARN with its qualifier', () => {
      // Act
      const reference = parseFunctionArn('arn:aws:lambda:eu-west-1:123456789012:function:ChargeCard:prod');

      // Assert
      expect(reference).toEqual({ functionName: 'ChargeCard', qualifier: 'prod', partition: 'aws', region: 'eu-west-1', account: '123456789012' });
    });

    it.each([
      ['a bare name', 'ChargeCard'],
      ['a partial ARN', '123456789012:function:ChargeCard'],
      ['an ARN without an account', 'arn:aws:lambda:eu-west-1::function:ChargeCard'],
    ])('refuses %s, which is not a valid Resource', (_case, value) => {
      // Act
      const reference = parseFunctionArn(value);

      // Assert
      expect(reference).toBeUndefined();
    });
  });

  describe('Function: looksLikeFunctionArn', () => {
    it.each([
      ['arn:aws:lambda:eu-west-1:123456789012:function:ChargeCard', true],
      ['arn:aws:lambda:eu-west-1::function:Bad Name', true],
      ['arn:aws:states:::lambda:invoke', false],
      ['arn:aws:lambda:eu-west-1:123456789012:layer:Deps:1', false],
    ])('tells whether %s is meant as a function ARN', (resource, expected) => {
      // Act
      const result = looksLikeFunctionArn(resource);

      // Assert
      expect(result).toBe(expected);
    });
  });

  describe('Function: functionArn', () => {
    it.each([
      ['a name takes the fallback parts', { functionName: 'ChargeCard' }, 'arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard'],
      [
        'a qualified partial ARN keeps its account and qualifier',
        { functionName: 'ChargeCard', account: '123456789012', qualifier: 'prod' },
        'arn:aws:lambda:eu-west-1:123456789012:function:ChargeCard:prod',
      ],
    ])('resolves %s', (_case, reference, expected) => {
      // Act
      const arn = functionArn(reference, arnParts('arn:aws:states:eu-west-1:111122223333:stateMachine:OrderFlow'));

      // Assert
      expect(arn).toBe(expected);
    });

    it('falls back to us-east-1 and a placeholder account when nothing names them', () => {
      // Act
      const arn = functionArn({ functionName: 'ChargeCard' }, arnParts('not-an-arn'));

      // Assert
      expect(arn).toBe('arn:aws:lambda:us-east-1:123456789012:function:ChargeCard');
    });
  });
});
