import { describe, expect, it, vi } from 'vitest';
import { checkFailure, createHarness, InvalidAnswerError, InvalidFailureError, RecordingMock, runAnswer, untilAborted, type AdapterSession, type TestDoubleAdapter } from '../../src/index.js';

class ProbeMock extends RecordingMock<{ n: number }> {
  constructor(release: () => Promise<void>) {
    super('probe double P', release);
  }

  receive(n: number): void {
    this.log.record({ n });
  }
}

type ProbeHandler = (n: number) => string;

/** A mock that answers as the adapters do: the queued answer for its index, else its handler. */
class AnsweringMock extends RecordingMock<{ n: number; answer?: unknown; error?: Error }, ProbeHandler> {
  constructor(
    private readonly handler: ProbeHandler,
    session?: AdapterSession,
  ) {
    super('answering double A', async () => {}, session);
  }

  async receive(n: number): Promise<unknown> {
    const index = this.invocations.length;
    const record: { n: number; answer?: unknown; error?: Error } = { n };
    this.log.record(record);
    const taken = this.takeAnswer('', index);
    try {
      record.answer = taken ? await runAnswer(taken.answer, [n]) : this.handler(n);
      return record.answer;
    } catch (error) {
      record.error = error as Error;
      this.errors.push(error as Error);
      return undefined;
    }
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

describe('Answers in sequence: RecordingMock once / onCall / reset', () => {
  it('answers with onCall(n) first, then the queued once answers in order, then the handler', async () => {
    // Arrange
    const mock = new AnsweringMock((n) => `handler ${n}`);
    mock.once('first once').once((n) => `second once ${n}`).onCall(2).answer('call 2');

    // Act
    const answers = [];
    for (const n of [10, 11, 12, 13]) answers.push(await mock.receive(n));

    // Assert
    expect(answers).toEqual(['first once', 'second once 11', 'call 2', 'handler 13']);
    expect(mock.pendingAnswers).toBe(0);
  });

  it('fails an invocation answered with an Error, as if the handler had thrown it', async () => {
    const mock = new AnsweringMock(() => 'ok');
    const refusal = new Error('ServiceUnavailable');
    mock.once(refusal);

    const first = await mock.receive(1);
    const second = await mock.receive(2);

    expect(first).toBeUndefined();
    expect(mock.errors).toEqual([refusal]);
    expect(mock.invocations[0]?.error).toBe(refusal);
    expect(second).toBe('ok');
  });

  it('reset() forgets invocations, errors and unused answers but keeps the handler; clear() keeps the answers', async () => {
    // Arrange
    const mock = new AnsweringMock(() => 'handler');
    mock.once(new Error('x'));
    await mock.receive(1);
    mock.once('queued').onCall(5).answer('five');

    // Act
    mock.clear();
    const afterClear = { invocations: mock.invocations.length, errors: mock.errors.length, pending: mock.pendingAnswers };
    mock.reset();
    const answer = await mock.receive(2);

    // Assert
    expect(afterClear).toEqual({ invocations: 0, errors: 0, pending: 2 });
    expect(mock.pendingAnswers).toBe(0);
    expect(answer).toBe('handler');
    expect(mock.restored).toBe(false);
  });

  it('refuses an onCall index that is not a whole number or has already arrived, and answers after restore()', async () => {
    const mock = new AnsweringMock(() => 'handler');
    await mock.receive(1);

    expect(() => mock.onCall(-1)).toThrow(InvalidAnswerError);
    expect(() => mock.onCall(1.5)).toThrow('answering double A: onCall(n) was given 1.5; it takes the index of an invocation, 0 for the first.');
    expect(() => mock.onCall(0)).toThrow(
      'answering double A: onCall(n) was given 0, but invocation 0 has already arrived (1 so far). To fix this, set the answer before the workflow runs, or call mock.reset() first',
    );
    await mock.restore();
    expect(() => mock.once('late')).toThrow('answering double A: once(answer) after restore().');
  });

  it('harness.resetMocks() resets every mock the session tracks, and no longer a restored one', async () => {
    // Arrange: an adapter whose mock API makes AnsweringMocks tracked by the session
    let made: AnsweringMock[] = [];
    const adapter: TestDoubleAdapter<'probe', object, { mock(): AnsweringMock }> = {
      name: 'probe',
      parseConfig: () => ({}),
      template: () => ({ AWSTemplateFormatVersion: '2010-09-09', Resources: {} }),
      artifacts: async () => [],
      createApi: (session) => ({
        mock: () => {
          const mock = new AnsweringMock(() => 'handler', session);
          made = [...made, mock];
          return mock;
        },
      }),
    };
    const harness = await createHarness({ adapters: [adapter], target: 'local', config: {} });
    const kept = harness.probe.mock().once('a');
    const restored = harness.probe.mock().once('b');
    await kept.receive(1);
    await restored.restore();

    // Act
    harness.resetMocks();

    // Assert
    expect(made).toHaveLength(2);
    expect(kept.invocations).toEqual([]);
    expect(kept.pendingAnswers).toBe(0);
    expect(restored.pendingAnswers).toBe(1);
    await harness.close();
  });
});

describe('Function: checkFailure', () => {
  it('takes an error of 256 characters and a cause of 32768, or none', () => {
    expect(() => checkFailure({ error: 'e'.repeat(256), cause: 'c'.repeat(32_768) }, 'ecs:Fulfil', 'sendTaskFailure')).not.toThrow();
    expect(() => checkFailure({}, 'ecs:Fulfil', 'sendTaskFailure')).not.toThrow();
  });

  it.each([
    [{ error: 'e'.repeat(257) }, 'ecs:Fulfil: the error of sendTaskFailure is 257 characters; Step Functions takes a string of at most 256 characters there'],
    [{ cause: 'c'.repeat(32_769) }, 'ecs:Fulfil: the cause of sendTaskFailure is 32769 characters; Step Functions takes a string of at most 32768 characters there'],
    [{ error: 42 }, 'ecs:Fulfil: the error of sendTaskFailure is a number;'],
  ])('refuses %#: what Step Functions would refuse', (failure, message) => {
    expect(() => checkFailure(failure, 'ecs:Fulfil', 'sendTaskFailure')).toThrow(InvalidFailureError);
    expect(() => checkFailure(failure, 'ecs:Fulfil', 'sendTaskFailure')).toThrow(message);
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
