import type { LocalTaskInvocation } from '@harness/core';

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
