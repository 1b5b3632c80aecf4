import type { EcsInvocationPayload } from '@harness/core';
import { createFakeSession, type FakeSession } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { createEcsMockApi } from '../../src/mock.js';
import { exit } from '../../src/results.js';

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
      "ECS task double RenderPdf has no handler for container Main (handlers: Sidecar). To fix this, add harness.ecs.mockContainer('RenderPdf', 'Main', handler) or a mockTask handler.",
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

  it('releases the route on restore so another session can take the family', async () => {
    const session = fakeSession();
    const mock = await createEcsMockApi(session, known).mockTask('RenderPdf', () => 0);

    await mock.restore();

    expect(session.handlers.has('ecs:RenderPdf')).toBe(false);
  });
});
