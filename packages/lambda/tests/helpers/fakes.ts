import type {
  AdapterSession,
  InvocationHandler,
  InvocationMessage,
  InvocationResult,
  LocalIntegrationContext,
  LocalTaskInvocation,
} from '@harness/core';

/** A session that keeps registered handlers in a map, as core's local session does. */
export interface FakeSession extends AdapterSession {
  readonly handlers: Map<string, InvocationHandler>;
}

export function fakeSession(target: 'local' | 'aws' = 'local'): FakeSession {
  const handlers = new Map<string, InvocationHandler>();
  return {
    id: 's-test',
    stackName: 'hx',
    target,
    outputs: {},
    integrations: () => [],
    handlers,
    async register(double, handle) {
      handlers.set(double, handle);
    },
    async unregister(double) {
      handlers.delete(double);
    },
  };
}

/** A local integration context whose dispatch runs the session's registered handlers, answering as core's session does. */
export function fakeContext(session: FakeSession): LocalIntegrationContext & { readonly messages: InvocationMessage[] } {
  const messages: InvocationMessage[] = [];
  return {
    session: session.id,
    messages,
    isMocked: (double) => session.handlers.has(double),
    async dispatch(message): Promise<InvocationResult> {
      messages.push(message);
      const handle = session.handlers.get(message.double);
      if (!handle) return { status: 'error', error: { name: 'NotMockedError', message: `no mock for ${message.double}` } };
      try {
        return { status: 'ok', value: await handle(message) };
      } catch (error) {
        const thrown = error instanceof Error ? error : new Error(String(error));
        return { status: 'error', error: { name: thrown.name, message: thrown.message, stack: thrown.stack } };
      }
    },
  };
}

/** What a task's callbacks received. */
export type CallbackCall =
  | { readonly type: 'succeed'; readonly taskToken: string; readonly output: unknown }
  | { readonly type: 'fail'; readonly taskToken: string; readonly error?: string; readonly cause?: string }
  | { readonly type: 'ended'; readonly taskToken: string; readonly reason: string };

export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:OrderFlow';

/** A `Task` state as the workflow driver hands it over, with callbacks that record what they receive. */
export function fakeTask(
  resource: string,
  input: unknown,
  extra: Partial<Pick<LocalTaskInvocation, 'taskToken' | 'stateName'>> = {},
): LocalTaskInvocation & { readonly calls: CallbackCall[] } {
  const calls: CallbackCall[] = [];
  return {
    resource,
    stateName: extra.stateName ?? 'Charge',
    input,
    ...(extra.taskToken !== undefined ? { taskToken: extra.taskToken } : {}),
    execution: { arn: 'arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:run-1', name: 'run-1', stateMachineArn: STATE_MACHINE_ARN },
    signal: new AbortController().signal,
    calls,
    callbacks: {
      succeed: (taskToken, output) => calls.push({ type: 'succeed', taskToken, output }),
      fail: (taskToken, error, cause) =>
        calls.push({ type: 'fail', taskToken, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) }),
      ended: (taskToken, reason) => calls.push({ type: 'ended', taskToken, reason }),
    },
  };
}

/** The error an action throws or a promise rejects with; fails the test when there is none. */
export async function thrownBy(action: () => unknown): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but none was thrown');
}
