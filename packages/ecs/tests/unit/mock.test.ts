import { AlreadyMockedError, InvalidAnswerError, InvalidFailureError, InvalidHandlerError, ResultNotSerializableError, ResultTooLargeError, type EcsInvocationPayload } from '@harness/core';
import { createFakeSession, type FakeSession } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { createEcsMockApi } from '../../src/mock.js';
import { EcsHandlerResultError, UnknownEcsDoubleError } from '../../src/mock-errors.js';
import { exit, sendTaskSuccess } from '../../src/results.js';

/** A session of the aws target, as the ECS stack `hx-ecs` gives it. */
const fakeSession = (): FakeSession => createFakeSession({ target: 'aws', stackName: 'hx' });

/** One container of a RenderPdf task reaching the session, as the container agent sends it. */
function invoke(session: FakeSession, container: string, extra: Partial<EcsInvocationPayload> = {}): Promise<unknown> {
  const payload: EcsInvocationPayload = { family: 'RenderPdf', taskArn: 'arn:task/1', container, command: ['--order', 'o-1'], environment: { A: '1' }, ...extra };
  return session.invoke('ecs:RenderPdf', payload, { sentAt: '2026-11-25T00:00:00.000Z' });
}

const known = new Map([['RenderPdf', ['Main', 'Sidecar']]]);

describe('Function: createEcsMockApi', () => {
  it('routes each container to its own handler, then to the task handler, and records both', async () => {
    // Arrange
    const session = fakeSession();
    const api = createEcsMockApi(session, known);
    const mock = await api.mockTask('RenderPdf', () => exit(0));
    await api.mockContainer('RenderPdf', 'Sidecar', ({ command }) => (command.includes('o-1') ? 7 : 0));

    // Act
    const main = await invoke(session, 'Main');
    const sidecar = await invoke(session, 'Sidecar', { taskToken: 'tok' });

    // Assert
    expect(main).toEqual({ exitCode: 0 });
    expect(sidecar).toEqual({ exitCode: 7 });
    expect(mock.invocations.map((invocation) => [invocation.container, invocation.exitCode])).toEqual([
      ['Main', 0],
      ['Sidecar', 7],
    ]);
    expect(mock.invocationsOf('Sidecar')[0]).toMatchObject({ taskToken: 'tok', command: ['--order', 'o-1'], environment: { A: '1' } });
    expect(mock.invocationsOf('Sidecar')[0]?.sentAt).toEqual(new Date('2026-11-25T00:00:00.000Z'));
  });

  it('records an invocation as it arrives, and its exit code once the handler answers', async () => {
    const session = fakeSession();
    let answer: (code: number) => void = () => {};
    const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => new Promise<number>((resolve) => (answer = resolve)));

    const pending = invoke(session, 'Main');
    const arrived = await mock.waitForInvocation({ timeoutMs: 1_000 });
    const exitCodeWhileRunning = arrived.exitCode;
    answer(4);
    await pending;

    expect(exitCodeWhileRunning).toBeUndefined();
    expect(mock.invocations[0]?.exitCode).toBe(4);
  });

  it('records a throwing handler as exit code 1 and rethrows for the container', async () => {
    const session = fakeSession();
    const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => {
      throw new TypeError('template missing');
    });

    await expect(invoke(session, 'Main')).rejects.toThrow('template missing');

    expect(mock.errors).toHaveLength(1);
    expect(mock.invocations[0]).toMatchObject({ exitCode: 1, error: expect.any(TypeError) });
  });

  it('says which container has no handler when only other containers are mocked', async () => {
    const session = fakeSession();
    await createEcsMockApi(session, known).mockContainer('RenderPdf', 'Sidecar', () => 0);

    await expect(invoke(session, 'Main')).rejects.toThrow(
      "ECS task double RenderPdf has no handler nor queued answer for container Main (handlers: Sidecar). To fix this, add harness.ecs.mockContainer('RenderPdf', 'Main', handler), a mockTask handler, or mock.once(answer, { container: 'Main' }).",
    );
  });

  it('refuses families and containers the doubles do not have', async () => {
    const api = createEcsMockApi(fakeSession(), known);

    await expect(api.mockTask('Nope', () => 0)).rejects.toThrow(
      "'Nope' is not an ECS task double of stack hx (doubles: RenderPdf). To fix this, add it under adapters.ecs.families in harness.config.json and run `npx harness deploy --adapters ecs`.",
    );
    await expect(api.mockContainer('RenderPdf', 'Main2', () => 0)).rejects.toThrow(
      "ECS task double RenderPdf has no container 'Main2' (its containers: Main, Sidecar).",
    );
  });

  describe('Mocking twice', () => {
    it('refuses a second mockTask of the family, naming the double and the two ways forward, and keeps the first handler', async () => {
      // Arrange
      const session = fakeSession();
      const api = createEcsMockApi(session, known);
      const first = await api.mockTask('RenderPdf', () => exit(0));

      // Act
      const second = api.mockTask('RenderPdf', () => exit(1));

      // Assert
      await expect(second).rejects.toThrow(AlreadyMockedError);
      await expect(second).rejects.toThrow(
        "harness.ecs.mockTask('RenderPdf', handler): ecs:RenderPdf is already mocked in this session. To fix this, change its handler with mock.replaceHandler(handler), or `await mock.restore()` the first mock before mocking it again.",
      );
      await expect(invoke(session, 'Main')).resolves.toEqual({ exitCode: 0 });
      expect(first.invocations).toHaveLength(1);
    });

    it('refuses a second mockContainer of one container, and allows the task handler beside it', async () => {
      const session = fakeSession();
      const api = createEcsMockApi(session, known);
      await api.mockContainer('RenderPdf', 'Sidecar', () => 0);

      await expect(api.mockContainer('RenderPdf', 'Sidecar', () => 1)).rejects.toThrow(
        "ecs:RenderPdf (container Sidecar) is already mocked in this session. To fix this, change its handler with mock.replaceHandler(handler, { container: 'Sidecar' })",
      );
      await expect(api.mockTask('RenderPdf', () => 3)).resolves.toBeDefined();
      await expect(invoke(session, 'Main')).resolves.toEqual({ exitCode: 3 });
    });

    it('replaces a handler explicitly with replaceHandler, and mocks again after restore', async () => {
      const session = fakeSession();
      const api = createEcsMockApi(session, known);
      const mock = await api.mockTask('RenderPdf', () => 0);
      await api.mockContainer('RenderPdf', 'Sidecar', () => 0);

      mock.replaceHandler(() => 5);
      mock.replaceHandler(() => 6, { container: 'Sidecar' });

      await expect(invoke(session, 'Main')).resolves.toEqual({ exitCode: 5 });
      await expect(invoke(session, 'Sidecar')).resolves.toEqual({ exitCode: 6 });
      expect(() => mock.replaceHandler(() => 0, { container: 'Main' })).toThrow(
        "ECS task double RenderPdf has no handler for container 'Main' to replace (containers with their own handler: Sidecar). To fix this, mock it first: harness.ecs.mockContainer('RenderPdf', 'Main', handler).",
      );
      await mock.restore();
      const again = await api.mockTask('RenderPdf', () => 9);
      expect(again).not.toBe(mock);
      await expect(invoke(session, 'Main')).resolves.toEqual({ exitCode: 9 });
    });
  });

  it.each([
    ['mockTask', (api: ReturnType<typeof createEcsMockApi>, handler: unknown) => api.mockTask('RenderPdf', handler as never), "harness.ecs.mockTask('RenderPdf', handler)"],
    ['mockContainer', (api: ReturnType<typeof createEcsMockApi>, handler: unknown) => api.mockContainer('RenderPdf', 'Main', handler as never), "harness.ecs.mockContainer('RenderPdf', 'Main', handler)"],
  ])('%s refuses a handler that is not a function at once, registering nothing', async (_method, mock, call) => {
    const session = fakeSession();

    const refused = mock(createEcsMockApi(session, known), 0);

    await expect(refused).rejects.toThrow(InvalidHandlerError);
    await expect(refused).rejects.toThrow(`${call}: the handler is a number (0), not a function.`);
    expect(session.registrations).toEqual([]);
  });

  describe('Result checks (both targets)', () => {
    it.each([
      ['log lines over the results-table item', () => exit(0, { logs: ['x'.repeat(1_500_000)] }), ResultTooLargeError, /^the result of ecs:RenderPdf is \d+ bytes of JSON, over the 380000 bytes that a results-table item \(DynamoDB allows 400 KB per item; the result gets 380000 bytes of it\) can carry\. To fix this, log less: the container's log lines travel in its result \(1 lines here\)\./],
      ['a sendTaskSuccess output over 256 KiB', () => sendTaskSuccess({ blob: 'x'.repeat(262_144) }), ResultTooLargeError, /^the sendTaskSuccess output of ecs:RenderPdf is 262155 bytes of JSON, over the 262144 bytes that Step Functions' SendTaskSuccess output \(256 KiB\) can carry\./],
      ['a BigInt in the sendTaskSuccess output', () => sendTaskSuccess({ total: 12n }), ResultNotSerializableError, /^the sendTaskSuccess output of ecs:RenderPdf is not JSON: \$\.total is a BigInt \(12n\)\./],
    ])('fails the container with a named error for %s, in mock.errors and the record', async (_case, result, type, message) => {
      // Arrange
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', result);

      // Act
      const answered = invoke(session, 'Main');

      // Assert
      await expect(answered).rejects.toThrow(type);
      expect(mock.errors).toHaveLength(1);
      expect(mock.errors[0]?.message).toMatch(message);
      expect(mock.invocations[0]).toMatchObject({ exitCode: 1, error: expect.any(type) });
    });

    it('passes a result of log lines that fit', async () => {
      const session = fakeSession();
      await createEcsMockApi(session, known).mockTask('RenderPdf', () => exit(0, { logs: ['y'.repeat(300_000)] }));

      await expect(invoke(session, 'Main')).resolves.toMatchObject({ exitCode: 0 });
    });
  });

  describe('Answers in sequence', () => {
    it('answers the next runs with once answers in order, then the handler again', async () => {
      // Arrange
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => exit(0));
      mock.once(exit(1, { logs: ['font missing'] })).once(({ container }) => (container === 'Main' ? 2 : 3));

      // Act
      const answers = [await invoke(session, 'Main'), await invoke(session, 'Main'), await invoke(session, 'Main')];

      // Assert
      expect(answers).toEqual([{ exitCode: 1, logs: ['font missing'] }, { exitCode: 2 }, { exitCode: 0 }]);
      expect(mock.invocations.map((invocation) => invocation.exitCode)).toEqual([1, 2, 0]);
      expect(mock.pendingAnswers).toBe(0);
    });

    it("answers a container's own onCall / once answers before the family's, counting that container's runs", async () => {
      // Arrange
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => 0);
      mock.onCall(1, { container: 'Sidecar' }).answer(exit(137)).once(9);

      // Act: Sidecar's run 0 takes the family's once answer; its run 1 its own onCall(1)
      const answers = [await invoke(session, 'Sidecar'), await invoke(session, 'Sidecar'), await invoke(session, 'Main')];

      // Assert
      expect(answers).toEqual([{ exitCode: 9 }, { exitCode: 137 }, { exitCode: 0 }]);
    });

    it('fails a run answered with an Error as a throwing handler does: exit code 1, in mock.errors', async () => {
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => 0);
      mock.once(new TypeError('disk full'));

      await expect(invoke(session, 'Main')).rejects.toThrow('disk full');

      expect(mock.errors.map((error) => error.message)).toEqual(['disk full']);
      expect(mock.invocations[0]).toMatchObject({ exitCode: 1 });
    });

    it('answers a container that has no handler from its queued answers, and says what is missing when they run out', async () => {
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockContainer('RenderPdf', 'Sidecar', () => 0);
      mock.once(exit(4), { container: 'Main' });

      const first = await invoke(session, 'Main');

      expect(first).toEqual({ exitCode: 4 });
      await expect(invoke(session, 'Main')).rejects.toThrow('ECS task double RenderPdf has no handler nor queued answer for container Main');
    });

    it('refuses, at the once line, an answer for a container the task definition does not have, naming the ones it has', async () => {
      const mock = await createEcsMockApi(fakeSession(), known).mockTask('RenderPdf', () => 0);

      expect(() => mock.once(exit(0), { container: 'Worker' })).toThrow(UnknownEcsDoubleError);
      expect(() => mock.once(exit(0), { container: 'Worker' })).toThrow(
        "ECS task double RenderPdf: once(answer, { container: 'Worker' }) names container 'Worker', which its task definition does not have (its containers: Main, Sidecar).",
      );
      expect(() => mock.onCall(0, { container: 'Worker' }).answer(0)).toThrow(UnknownEcsDoubleError);
      expect(mock.pendingAnswers).toBe(0);
    });

    it.each([
      ['an exit code over 255', 256, EcsHandlerResultError, 'exit code 256 is not an integer from 0 to 255'],
      ['a fractional exit code', { exitCode: 1.5 }, EcsHandlerResultError, 'exit code 1.5 is not an integer from 0 to 255'],
      ['log lines that are not strings', { exitCode: 0, logs: [42] }, EcsHandlerResultError, 'logs must be an array of strings (log lines), but line 0 is number 42'],
      ['a sendTaskFailure error over 256 characters', { exitCode: 0, callback: { type: 'failure', error: 'e'.repeat(257) } }, InvalidFailureError, 'the error of sendTaskFailure is 257 characters'],
    ])('refuses, at the once line, %s', (_name, answer, type, message) => {
      return createEcsMockApi(fakeSession(), known)
        .mockTask('RenderPdf', () => 0)
        .then((mock) => {
          expect(() => mock.once(answer as never)).toThrow(type);
          expect(() => mock.once(answer as never)).toThrow(message);
        });
    });

    it('fails the run, naming the check, when a handler returns what ECS could not report', async () => {
      // Arrange
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => ({ exitCode: 0, callback: { type: 'failure' as const, cause: 'c'.repeat(32_769) } }));

      // Act
      const answered = invoke(session, 'Main', { taskToken: 'tok' });

      // Assert
      await expect(answered).rejects.toThrow(InvalidFailureError);
      expect(mock.errors[0]?.message).toMatch(/^ecs:RenderPdf: the cause of sendTaskFailure is 32769 characters; Step Functions takes a string of at most 32768 characters there/);
      expect(mock.invocations[0]).toMatchObject({ exitCode: 1 });
    });

    it('reset() drops unused answers and recorded runs, keeps the handler; onCall counts again from 0', async () => {
      // Arrange
      const session = fakeSession();
      const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => 0);
      await invoke(session, 'Main');
      mock.once(5).onCall(3).answer(6);

      // Act
      mock.reset();
      mock.onCall(0).answer(7);
      const answers = [await invoke(session, 'Main'), await invoke(session, 'Main')];

      // Assert
      expect(answers).toEqual([{ exitCode: 7 }, { exitCode: 0 }]);
      expect(mock.invocations).toHaveLength(2);
      expect(() => mock.onCall(1)).toThrow(InvalidAnswerError);
      expect(session.handlers.has('ecs:RenderPdf')).toBe(true);
    });
  });

  it('releases the route on restore so another session can take the family', async () => {
    const session = fakeSession();
    const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => 0);

    await mock.restore();

    expect(session.handlers.has('ecs:RenderPdf')).toBe(false);
  });
});
