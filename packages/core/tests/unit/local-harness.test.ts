import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  createHarness,
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
