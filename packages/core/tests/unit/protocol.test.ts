import { describe, expect, it } from 'vitest';
import {
  doubleId,
  encodeJson,
  isRetryableAnswer,
  MAX_MESSAGE_BYTES,
  parseDoubleId,
  parseInvocationMessage,
  parseInvocationResult,
  PROTOCOL_VERSION,
} from '../../src/protocol.js';

const valid = { v: PROTOCOL_VERSION, invocationId: 'i-1', double: 'ecs:RenderPdf', session: 's1', payload: {}, sentAt: '2026-01-01T00:00:00Z' };

describe('Module: protocol', () => {
  it('builds and splits double ids', () => {
    expect(doubleId('ecs', 'RenderPdf')).toBe('ecs:RenderPdf');
    expect(parseDoubleId('stepfunctions:Child:v2')).toEqual({ kind: 'stepfunctions', name: 'Child:v2' });
    expect(() => parseDoubleId('RenderPdf')).toThrow(/not a double id/);
  });

  it('parses a valid invocation message', () => {
    expect(parseInvocationMessage(JSON.stringify(valid))).toEqual(valid);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /not an object/],
    ['another version', JSON.stringify({ ...valid, v: 2 }), /protocol version 2, this harness speaks 1/],
    ['no invocation id', JSON.stringify({ ...valid, invocationId: '' }), /has no 'invocationId'/],
    ['no session', JSON.stringify({ ...valid, session: undefined }), /has no 'session'/],
  ])('refuses %s', (_, body, expected) => {
    expect(() => parseInvocationMessage(body)).toThrow(expected);
  });

  it('parses ok and error results and refuses anything else', () => {
    expect(parseInvocationResult('{"status":"ok","value":{"exitCode":0}}')).toEqual({ status: 'ok', value: { exitCode: 0 } });
    expect(parseInvocationResult('{"status":"error","error":{"name":"E","message":"m"}}')).toMatchObject({ status: 'error' });
    expect(() => parseInvocationResult('{"status":"ok"}')).toThrow(/neither/);
  });

  it('counts UTF-8 bytes when enforcing a size limit', () => {
    expect(encodeJson('é', 4, 'x')).toBe('"é"');
    expect(() => encodeJson('éé', 5, 'the payload')).toThrow('the payload is 6 bytes, over the 5-byte limit');
    expect(() => encodeJson('😀', 5, 'x')).toThrow('x is 6 bytes');
  });

  it('names the SQS message limit (1 MiB, the session queue\'s MaximumMessageSize) when an invocation is too large', () => {
    const message = { payload: 'x'.repeat(MAX_MESSAGE_BYTES) };

    expect(() => encodeJson(message, MAX_MESSAGE_BYTES, 'the invocation of ecs:RenderPdf')).toThrow(
      `the invocation of ecs:RenderPdf is ${MAX_MESSAGE_BYTES + 14} bytes, over the 1048576-byte limit of an SQS message (the session queue's MaximumMessageSize, 1048576 bytes = 1 MiB, SQS's largest). Send less data through the double.`,
    );
    expect(MAX_MESSAGE_BYTES).toBe(1_048_576);
  });

  it.each([
    ['a 500', 500, 'InternalFailure', true],
    ['a 503', 503, 'ServiceUnavailable', true],
    ['a 501 (not implemented: no retry helps)', 501, 'NotImplemented', false],
    ['ThrottlingException (400)', 400, 'ThrottlingException', true],
    ['SQS RequestThrottled', 400, 'RequestThrottled', true],
    ['DynamoDB ProvisionedThroughputExceededException', 400, 'ProvisionedThroughputExceededException', true],
    ['DynamoDB RequestLimitExceeded', 400, 'RequestLimitExceeded', true],
    ['TooManyRequestsException (429)', 429, 'TooManyRequestsException', true],
    ['S3 SlowDown (503)', 503, 'SlowDown', true],
    ['a conditional check (400)', 400, 'ConditionalCheckFailedException', false],
    ['Lambda ResourceLimitExceeded, not throttling', 400, 'ResourceLimitExceeded', false],
    ['a 400 without an error code', 400, undefined, false],
  ])('judges %s retryable: %s', (_case, status, errorType, expected) => {
    expect(isRetryableAnswer({ status, errorType })).toBe(expected);
  });
});
