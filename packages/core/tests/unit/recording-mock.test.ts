import { describe, expect, it, vi } from 'vitest';
import { RecordingMock, untilAborted } from '../../src/index.js';

class ProbeMock extends RecordingMock<{ n: number }> {
  constructor(release: () => Promise<void>) {
    super('probe double P', release);
  }

  receive(n: number): void {
    this.log.record({ n });
  }
}

describe('Class: RecordingMock', () => {
  it('records, waits, clears, and releases its double once', async () => {
    const release = vi.fn(async () => {});
    const mock = new ProbeMock(release);
    mock.receive(1);
    mock.errors.push(new Error('boom'));

    const found = await mock.waitForInvocation({ where: (record) => record.n === 1, timeoutMs: 10 });
    mock.clear();
    await mock.restore();
    await mock.restore();

    expect(found).toEqual({ n: 1 });
    expect(mock.invocations).toEqual([]);
    expect(mock.errors).toEqual([]);
    expect(mock.restored).toBe(true);
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('names the double when a wait times out', async () => {
    const mock = new ProbeMock(async () => {});

    await expect(mock.waitForInvocation({ timeoutMs: 5 })).rejects.toThrow('probe double P: no matching invocation within 5 ms');
  });
});

describe('Function: untilAborted', () => {
  it('settles with the work when the signal stays quiet', async () => {
    await expect(untilAborted(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(untilAborted(Promise.reject(new Error('no')), new AbortController().signal)).rejects.toThrow('no');
  });

  it('rejects with the reason as soon as the signal aborts, or at once when it already has', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => {});

    const waiting = untilAborted(never, controller.signal);
    controller.abort(new Error('execution ended'));

    await expect(waiting).rejects.toThrow('execution ended');
    await expect(untilAborted(never, controller.signal)).rejects.toThrow('execution ended');
  });
});
