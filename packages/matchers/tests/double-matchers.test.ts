import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MatcherUsageError, type DoubleLike } from '../src/index.js';
import { failureMessage, flow, openHarness, type FlowHarness } from './support/runs.js';

let harness: FlowHarness;

// A session per test: each mocks Work its own way.
beforeEach(async () => {
  harness = await openHarness();
});

afterEach(async () => {
  await harness?.close();
});

describe('Matchers: double invocations', () => {
  it('toHaveBeenInvokedTimes counts invocations', async () => {
    let calls = 0;
    const work = await harness.lambda.mockFunction('Work', (event: { step: string }) => {
      calls += 1;
      if (event.step === 'flaky' && calls === 1) throw Object.assign(new Error('again'), { name: 'Flaky' });
      return {};
    });
    await harness.stepFunctions.execute(flow, { order: 'o-1', items: [] });

    expect(work).toHaveBeenInvokedTimes(3);
    expect(work).not.toHaveBeenInvokedTimes(2);
    const message = failureMessage(() => expect(work).toHaveBeenInvokedTimes(1));
    expect(message).toContain('expect(mock).toHaveBeenInvokedTimes(times)');
    expect(message).toContain('Expected Lambda function double Work to be invoked 1 time\nReceived: 3 times');
    expect(message).toContain('It received 3 invocations:\n#1:');
  });

  it('toHaveBeenInvokedWith and toHaveBeenNthInvokedWith match a recursive subset of an invocation', async () => {
    const work = await harness.lambda.mockFunction('Work', () => ({}));
    await harness.stepFunctions.execute(flow, { order: 'o-9', items: [] });

    expect(work).toHaveBeenInvokedWith({ event: { step: 'right' } });
    expect(work).toHaveBeenInvokedWith({ event: { step: 'flaky', order: expect.stringMatching(/^o-/) } });
    expect(work).not.toHaveBeenInvokedWith({ event: { step: 'left' } });
    expect(work).toHaveBeenNthInvokedWith(1, { event: { step: 'flaky', order: 'o-9' } });
    expect(work).toHaveBeenNthInvokedWith(2, { event: { step: 'right' } });
    expect(work).not.toHaveBeenNthInvokedWith(2, { event: { step: 'flaky' } });

    const message = failureMessage(() => expect(work).toHaveBeenInvokedWith({ event: { step: 'left' } }));
    expect(message).toContain('Expected Lambda function double Work to be invoked with an invocation containing:');
    expect(message).toMatch(/-\s+"step": "left",\n\s*\+\s+"step": "flaky",/);
    expect(message).toMatch(/#2:[\s\S]*\+\s+"step": "right",/);

    expect(failureMessage(() => expect(work).toHaveBeenNthInvokedWith(2, { event: { step: 'flaky' } }))).toMatch(/-\s+"step": "flaky",\n\+\s+"step": "right",/);
    expect(failureMessage(() => expect(work).toHaveBeenNthInvokedWith(5, {}))).toContain('Expected invocation #5 of Lambda function double Work, but it received only 2.');
    expect(failureMessage(() => expect(work).not.toHaveBeenInvokedWith({ event: { step: 'right' } }))).toContain('but invocation #2 was:');
  });

  it('says how to fix a matcher given something that is not a mock', () => {
    expect(() => expect({ calls: [] } as unknown as DoubleLike).toHaveBeenInvokedTimes(0)).toThrow(MatcherUsageError);
    expect(() => expect({ calls: [] } as unknown as DoubleLike).toHaveBeenInvokedTimes(0)).toThrow(/expected a harness mock .* but received an object with keys calls\. To fix this, keep the mock/);
  });
});

