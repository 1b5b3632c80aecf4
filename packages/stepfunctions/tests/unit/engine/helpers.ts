import { expect } from 'vitest';

/**
 * What a promise rejected with, checked to be a `type`: the state failure a
 * test then reads (`error`, `failureCause`, `location`…). Fails the test when
 * the promise resolves or rejects with something else.
 */
export async function rejectionOf<T>(promise: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(type);
  return thrown as T;
}
