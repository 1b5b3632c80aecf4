import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  createHarness,
  HandlersStillRunningError,
  ResultNotSerializableError,
  ResultTooLargeError,
  PROTOCOL_VERSION,
  type AdapterSession,
  type InvocationMessage,
  type LocalIntegrationContext,
  type LocalServiceIntegration,
  type TestDoubleAdapter,
} from '../../src/index.js';

/** An adapter whose local integration answers `probe:*` resources through the session's dispatch. */
function probeAdapter(dispose = vi.fn(async () => {})) {
  let context: LocalIntegrationContext | undefined;
  let session: AdapterSession | undefined;
  const adapter: TestDoubleAdapter<'probe', { greeting: string }, { mock(name: string, handler: (payload: unknown) => unknown): Promise<void> }> = {
    name: 'probe',
    parseConfig: (raw) => ({ greeting: String((raw as { greeting?: string }).greeting ?? 'hi') }),
    template: () => {
      throw new Error('not deployed in these tests');
    },
    artifacts: async () => [],
    createApi: (given) => {
      session = given;
      return { mock: (name, handler) => given.register(`probe:${name}`, async (message) => handler(message.payload)) };
    },
    localIntegrations: (config, given): readonly LocalServiceIntegration[] => {
      context = given;
      return [
        {
          name: 'probe',
          handles: (resource) => resource.startsWith('probe:'),
          invoke: async (task) => {
            const message: InvocationMessage = {
              v: PROTOCOL_VERSION,
              invocationId: 'i-1',
              double: task.resource,
              session: given.session,
              payload: { greeting: config.greeting, input: task.input },
              sentAt: new Date().toISOString(),
            };
            return given.dispatch(message);
          },
          dispose,
        },
      ];
    },
  };
  return { adapter, context: () => context, session: () => session, dispose };
}

describe('Function: createHarness (local target)', () => {
  afterEach(() => {
    delete process.env.HARNESS_TARGET;
  });

  it('is the default: no stack, no AWS, and the adapters see the local session', async () => {
    const probe = probeAdapter();

    const harness = await createHarness({ adapters: [probe.adapter], config: { adapters: { probe: { greeting: 'hello' } } } });

    expect(harness.target).toBe('local');
    expect(harness.stack).toBe('local');
    expect(probe.session()?.target).toBe('local');
    expect(probe.session()?.integrations().map((integration) => integration.name)).toEqual(['probe']);
    await harness.close();
  });

  it("routes a local integration's invocation to the registered handler, and knows what is mocked", async () => {
    const probe = probeAdapter();
    const harness = await createHarness({ adapters: [probe.adapter], config: { adapters: { probe: { greeting: 'hello' } } } });
    await harness.probe.mock('Echo', (payload) => payload);
    const [integration] = probe.session()?.integrations() ?? [];

    const result = await integration?.invoke({
      resource: 'probe:Echo',
      stateName: 'Echo',
      input: { n: 1 },
      execution: { arn: 'arn:exec', name: 'exec', stateMachineArn: 'arn:sm' },
      signal: new AbortController().signal,
      callbacks: { succeed: () => {}, fail: () => {}, ended: () => {} },
    });

    expect(result).toEqual({ status: 'ok', value: { greeting: 'hello', input: { n: 1 } } });
    expect(probe.context()?.isMocked('probe:Echo')).toBe(true);
    expect(probe.context()?.isMocked('probe:Other')).toBe(false);
    await harness.close();
  });

  it('answers an unmocked double with an error that names it', async () => {
    const probe = probeAdapter();
    const harness = await createHarness({ adapters: [probe.adapter], config: {} });

    const result = await probe.context()?.dispatch({
      v: PROTOCOL_VERSION,
      invocationId: 'i-2',
      double: 'probe:Nobody',
      session: harness.session,
      payload: null,
      sentAt: new Date().toISOString(),
    });

    expect(result).toMatchObject({ status: 'error', error: { name: 'NotMockedError', message: expect.stringContaining('has no mock for probe:Nobody') } });
    await harness.close();
  });

  it('disposes the local integrations on close, once', async () => {
    const probe = probeAdapter();
    const harness = await createHarness({ adapters: [probe.adapter], config: {} });

    await harness.close();
    await harness.close();

    expect(probe.dispose).toHaveBeenCalledTimes(1);
  });

  describe('Method: close', () => {
    function invocation(double: string, session: string): InvocationMessage {
      return { v: PROTOCOL_VERSION, invocationId: `i-${double}`, double, session, payload: null, sentAt: new Date().toISOString() };
    }

    it('returns as soon as the running handlers answer, without waiting its time-out', async () => {
      // Arrange
      const probe = probeAdapter();
      const onError = vi.fn();
      const harness = await createHarness({ adapters: [probe.adapter], config: {}, closeTimeoutMs: 60_000, onError });
      let finish: (value: string) => void = () => {};
      await harness.probe.mock('Slow', () => new Promise<string>((resolve) => (finish = resolve)));
      const answer = probe.context()?.dispatch(invocation('probe:Slow', harness.session));

      // Act
      const closed = harness.close();
      let closedYet = false;
      void closed.then(() => (closedYet = true));
      await new Promise((resolve) => setImmediate(resolve));
      const closedBeforeAnswer = closedYet;
      finish('done');
      await closed;

      // Assert
      expect(closedBeforeAnswer).toBe(false);
      await expect(answer).resolves.toEqual({ status: 'ok', value: 'done' });
      expect(onError).not.toHaveBeenCalled();
    });

    it('gives up on a hung handler after closeTimeoutMs and reports the double by name', async () => {
      // Arrange
      const probe = probeAdapter();
      const onError = vi.fn();
      const harness = await createHarness({ adapters: [probe.adapter], config: {}, closeTimeoutMs: 50, onError });
      await harness.probe.mock('Hung', () => new Promise(() => {}));
      void probe.context()?.dispatch(invocation('probe:Hung', harness.session));

      // Act
      await harness.close();

      // Assert
      expect(onError).toHaveBeenCalledTimes(1);
      const reported = onError.mock.calls[0]?.[0] as Error;
      expect(reported).toBeInstanceOf(HandlersStillRunningError);
      expect(reported.message).toMatch(/^Session s\w+ closed after waiting \d+ ms for 1 handler still running: probe:Hung \(invocation i-probe:Hung, running \d+ ms\)\./);
      expect(reported.message).toContain('raise `closeTimeoutMs` in createHarness()');
      expect(probe.dispose).toHaveBeenCalledTimes(1);
    });
  });

  describe('Method: dispatch (result checks)', () => {
    it.each([
      ['a BigInt', () => ({ total: 10n }), ResultNotSerializableError, '$.value.total is a BigInt (10n)'],
      ['a cycle', () => { const order: Record<string, unknown> = { id: 'o-1' }; order.self = order; return { order }; }, ResultNotSerializableError, '$.value.order.self is a circular reference (to $.value.order)'],
      ['too large', () => 'x'.repeat(400_000), ResultTooLargeError, 'over the 380000 bytes that a results-table item (DynamoDB allows 400 KB per item'],
    ])('answers a result that is %s with its named error, the same as the aws target', async (_case, returned, type, text) => {
      // Arrange
      const probe = probeAdapter();
      const harness = await createHarness({ adapters: [probe.adapter], config: {} });
      await harness.probe.mock('Odd', returned);

      // Act
      const result = await probe.context()?.dispatch({ v: PROTOCOL_VERSION, invocationId: 'i-3', double: 'probe:Odd', session: harness.session, payload: null, sentAt: new Date().toISOString() });

      // Assert
      expect(result).toMatchObject({ status: 'error', error: { name: type.name, message: expect.stringContaining(text) } });
      await harness.close();
    });
  });

  it('refuses an unknown HARNESS_TARGET, naming the values it takes', async () => {
    process.env.HARNESS_TARGET = 'cloud';

    await expect(createHarness({ adapters: [probeAdapter().adapter], config: {} })).rejects.toThrow(ConfigError);
    await expect(createHarness({ adapters: [probeAdapter().adapter], config: {} })).rejects.toThrow(
      "HARNESS_TARGET is 'cloud'. To fix this, set it to 'local' (the default) or 'aws'.",
    );
  });

  it.each([
    ['close', 'which the harness itself uses'],
    ['then', 'a harness with a `then` is a thenable'],
  ])('refuses an adapter whose mock API would be harness.%s, saying why', async (apiName, why) => {
    const adapter = { ...probeAdapter().adapter, apiName };

    await expect(createHarness({ adapters: [adapter], config: {} })).rejects.toThrow(ConfigError);
    await expect(createHarness({ adapters: [adapter], config: {} })).rejects.toThrow(why);
  });
});
