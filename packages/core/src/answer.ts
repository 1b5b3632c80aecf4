import type { InvocationMessage, InvocationResult } from './protocol.js';
import { checkResultValue } from './result-limits.js';
import type { InvocationHandler } from './types/adapter.js';

/**
 * How a session answers one invocation with the handler registered for its
 * double: the handler's value becomes `{ status: 'ok', value }`, a throw
 * becomes `{ status: 'error', error: { name, message, stack } }`, and no
 * handler is a `NotMockedError` result (the Lambda integration, for one,
 * turns that name into Lambda's ResourceNotFoundException). A value that is
 * not JSON or does not fit the results table becomes a
 * `ResultNotSerializableError` / `ResultTooLargeError` result (see result-limits.ts).
 *
 * One definition for core's session and the test kit's fake session
 * (`@harness/core/testing`), so an adapter tested against the fake sees the
 * answers the real session gives.
 */
export async function answerInvocation(
  handle: InvocationHandler | undefined,
  message: InvocationMessage,
  session: string,
): Promise<InvocationResult> {
  if (!handle) {
    return {
      status: 'error',
      error: {
        name: 'NotMockedError',
        message: `session ${session} has no mock for ${message.double} (it was unregistered or the session is closing)`,
      },
    };
  }
  try {
    const value = await handle(message);
    // Not JSON, or too large for the results table: a named error, the same on both targets.
    checkResultValue(value, message.double);
    return { status: 'ok', value };
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    return { status: 'error', error: { name: thrown.name, message: thrown.message, stack: thrown.stack } };
  }
}
