import { ResultNotSerializableError, ResultTooLargeError } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { TaskTokenError } from '../../src/errors.js';
import { issueTaskToken, releaseTaskToken, sendTaskSuccess, tokenPrefix } from '../../src/task-tokens.js';

function waiter() {
  const outputs: unknown[] = [];
  return {
    outputs,
    stateName: 'WaitForApproval',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Flow:e-1',
    succeed: (output: unknown) => outputs.push(output),
    fail: () => {},
    ended: () => {},
    heartbeat: () => {},
  };
}

describe('Function: sendTaskSuccess (local task tokens)', () => {
  it('takes an output of exactly 256 KiB of JSON', () => {
    // Arrange
    const state = waiter();
    const token = issueTaskToken(state);
    const output = 'x'.repeat(262_144 - 2);

    // Act
    sendTaskSuccess(token, output);

    // Assert
    expect(state.outputs).toEqual([output]);
    releaseTaskToken(token);
  });

  it('refuses one byte more with ResultTooLargeError naming the Step Functions limit, and leaves the state waiting', () => {
    const state = waiter();
    const token = issueTaskToken(state);

    expect(() => sendTaskSuccess(token, 'x'.repeat(262_144 - 1))).toThrow(ResultTooLargeError);
    expect(() => sendTaskSuccess(token, 'x'.repeat(262_144 - 1))).toThrow(
      `the sendTaskSuccess output of task token ${tokenPrefix(token)}… is 262145 bytes of JSON, over the 262144 bytes that Step Functions' SendTaskSuccess output (256 KiB) can carry.`,
    );
    expect(state.outputs).toEqual([]);
    releaseTaskToken(token);
  });

  it('refuses an output that is not JSON, saying where', () => {
    const state = waiter();
    const token = issueTaskToken(state);

    expect(() => sendTaskSuccess(token, { approvedAt: 1n })).toThrow(ResultNotSerializableError);
    expect(() => sendTaskSuccess(token, { approvedAt: 1n })).toThrow('is not JSON: $.approvedAt is a BigInt (1n).');
    releaseTaskToken(token);
  });

  it('still refuses a token no state waits on', () => {
    expect(() => sendTaskSuccess('no-such-token', {})).toThrow(TaskTokenError);
  });
});
