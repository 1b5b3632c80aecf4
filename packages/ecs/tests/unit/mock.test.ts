import { PROTOCOL_VERSION, type AdapterSession, type InvocationHandler, type InvocationMessage } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { createEcsMockApi } from '../../src/mock.js';
import { exit } from '../../src/results.js';

/** A session that records registrations and lets the test invoke doubles directly. */
function fakeSession(): AdapterSession & { handlers: Map<string, InvocationHandler>; invoke(container: string, extra?: object): Promise<unknown> } {
  const handlers = new Map<string, InvocationHandler>();
  let count = 0;
  return {
    id: 's-test',
    stackName: 'hx',
    target: 'aws',
    outputs: {},
    integrations: () => [],
    handlers,
    async register(double, handle) {
      handlers.set(double, handle);
    },
    async unregister(double) {
      handlers.delete(double);
    },
    async invoke(container, extra = {}) {
      const message: InvocationMessage = {
        v: PROTOCOL_VERSION,
        invocationId: `i-${++count}`,
        double: 'ecs:RenderPdf',
        session: 's-test',
        sentAt: '2026-11-25T00:00:00.000Z',
        payload: { family: 'RenderPdf', taskArn: 'arn:task/1', container, command: ['--order', 'o-1'], environment: { A: '1' }, ...extra },
      };
      const handle = handlers.get('ecs:RenderPdf');
      if (!handle) throw new Error('not registered');
      return handle(message);
    },
  };
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
    const main = await session.invoke('Main');
    const sidecar = await session.invoke('Sidecar', { taskToken: 'tok' });

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

    const pending = session.invoke('Main');
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

    await expect(session.invoke('Main')).rejects.toThrow('template missing');

    expect(mock.errors).toHaveLength(1);
    expect(mock.invocations[0]).toMatchObject({ exitCode: 1, error: expect.any(TypeError) });
  });

  it('says which container has no handler when only other containers are mocked', async () => {
    const session = fakeSession();
    await createEcsMockApi(session, known).mockContainer('RenderPdf', 'Sidecar', () => 0);

    await expect(session.invoke('Main')).rejects.toThrow(
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
