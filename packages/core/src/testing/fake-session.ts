import { answerInvocation } from '../answer.js';
import { PROTOCOL_VERSION, type InvocationMessage, type InvocationResult } from '../protocol.js';
import type { AdapterSession, InvocationHandler } from '../types/adapter.js';
import type { LocalIntegrationContext, LocalServiceIntegration } from '../types/local.js';
import { FakeSessionError } from './errors.js';

/** Options of {@link createFakeSession}; every one has a default. */
export interface FakeSessionOptions {
  /** The session id. Default `s-test`. */
  readonly id?: string;
  /** The harness stack name. Default `local` on the local target (as `createHarness` has it), `harness-test` on the aws target. */
  readonly stackName?: string;
  /** Default `local`. */
  readonly target?: 'local' | 'aws';
  /** This adapter's stack outputs, as `harness deploy` left them. Default `{}` (what the local target gives). */
  readonly outputs?: Readonly<Record<string, string>>;
  /**
   * What `integrations()` returns: the local integrations of every adapter of
   * the harness. A function is given the session's {@link FakeSession.context},
   * so an adapter's own integrations reach this session's handlers:
   * `(context) => stepFunctionsAdapter.localIntegrations(config, context)`.
   * Default: none.
   */
  readonly integrations?:
    | readonly LocalServiceIntegration[]
    | ((context: LocalIntegrationContext) => readonly LocalServiceIntegration[]);
}

/** One call of `register` or `unregister`, in the order the adapter made them. */
export interface FakeRegistration {
  readonly action: 'register' | 'unregister';
  readonly double: string;
}

/** Overrides of the message {@link FakeSession.invoke} builds. */
export type FakeInvocationFields = Partial<Pick<InvocationMessage, 'invocationId' | 'sentAt' | 'session'>>;

/**
 * An {@link AdapterSession} for an adapter's unit tests: it keeps the
 * handlers the adapter registers, records every registration, and answers
 * invocations exactly as core's session does (same result shapes, same
 * `NotMockedError`). No AWS, no harness, no test runner.
 */
export interface FakeSession extends AdapterSession {
  /** The handlers registered now, by double id (`ecs:RenderPdf`). */
  readonly handlers: ReadonlyMap<string, InvocationHandler>;
  /** Every `register` and `unregister` call, in order (including ones for doubles already registered). */
  readonly registrations: readonly FakeRegistration[];
  /** Every message dispatched to this session (through `context`, `dispatch` or `invoke`), in order. */
  readonly messages: readonly InvocationMessage[];
  /**
   * What core gives an adapter's `localIntegrations`: `dispatch` answers with
   * this session's handlers, `isMocked` reads them. Its `dispatch` may be
   * replaced by a test to interfere with one round trip.
   */
  readonly context: LocalIntegrationContext;
  /** Whether a handler is registered for `double`. */
  isMocked(double: string): boolean;
  /** Answers a message as core's session does: `{ status: 'ok', value }`, or `{ status: 'error', error }`. */
  dispatch(message: InvocationMessage): Promise<InvocationResult>;
  /**
   * Calls the handler registered for `double` with a message carrying
   * `payload`, as a double reaches it: resolves with what the handler returns,
   * rejects with what it throws. Rejects with a {@link FakeSessionError}
   * naming the registered doubles when `double` has no handler.
   */
  invoke(double: string, payload: unknown, fields?: FakeInvocationFields): Promise<unknown>;
}

/**
 * A fake {@link AdapterSession}: what an adapter's mock API and local
 * integrations are given, without `createHarness`. Framework-free: it works
 * under vitest, jest or `node:test`.
 *
 * @example
 * import { createFakeSession } from '@harness/core/testing';
 * import { lambdaAdapter, parseLambdaConfig } from '@harness/lambda';
 *
 * const session = createFakeSession();
 * const api = lambdaAdapter.createApi(session, parseLambdaConfig({}));
 * await api.mockFunction('ChargeCard', () => ({ charged: true }));
 * session.registrations; // [{ action: 'register', double: 'lambda:ChargeCard' }]
 * await session.invoke('lambda:ChargeCard', { functionName: 'ChargeCard', event: {} }); // { payload: { charged: true } }
 */
export function createFakeSession(options: FakeSessionOptions = {}): FakeSession {
  const target = options.target ?? 'local';
  const id = options.id ?? 's-test';
  const handlers = new Map<string, InvocationHandler>();
  const registrations: FakeRegistration[] = [];
  const messages: InvocationMessage[] = [];
  let invocations = 0;
  let integrations: readonly LocalServiceIntegration[] = [];

  const stackName = options.stackName ?? (target === 'local' ? 'local' : 'harness-test');
  const session: FakeSession = {
    id,
    stackName,
    target,
    outputs: { ...options.outputs },
    handlers,
    registrations,
    messages,
    context: {
      session: id,
      stackName,
      dispatch: (message) => session.dispatch(message),
      isMocked: (double) => session.isMocked(double),
    },
    integrations: () => integrations,
    async register(double, handle) {
      registrations.push({ action: 'register', double });
      handlers.set(double, handle);
    },
    async unregister(double) {
      registrations.push({ action: 'unregister', double });
      handlers.delete(double);
    },
    isMocked: (double) => handlers.has(double),
    dispatch(message) {
      messages.push(message);
      return answerInvocation(handlers.get(message.double), message, id);
    },
    async invoke(double, payload, fields = {}) {
      const message: InvocationMessage = {
        v: PROTOCOL_VERSION,
        invocationId: fields.invocationId ?? `i-${++invocations}`,
        double,
        session: fields.session ?? id,
        payload,
        sentAt: fields.sentAt ?? new Date().toISOString(),
      };
      messages.push(message);
      const handle = handlers.get(double);
      if (!handle) {
        const registered = [...handlers.keys()];
        throw new FakeSessionError(
          `Fake session ${id} has no handler for ${double} (registered: ${registered.length > 0 ? registered.join(', ') : 'none'}). ` +
            'To fix this, mock the double with the adapter\'s API before invoking it, and check the double id (<kind>:<name>).',
        );
      }
      return handle(message);
    },
  };
  const given = options.integrations ?? [];
  integrations = typeof given === 'function' ? given(session.context) : given;
  return session;
}
