import type { SFNClient } from '@aws-sdk/client-sfn';
import { checkCallbackOutput } from '@harness/core';
import { StepFunctionsError } from './errors.js';
import { loadSfnSdk } from './sfn-sdk.js';

/** What a worker sends for a `.waitForTaskToken` state. */
export type TaskCallback =
  | { readonly kind: 'success'; readonly output: unknown }
  | { readonly kind: 'failure'; readonly error?: string; readonly cause?: string }
  | { readonly kind: 'heartbeat' };

/** A callback Step Functions refused: the token is unknown, already used, or its state timed out. */
export class TaskCallbackError extends StepFunctionsError {
  constructor(
    readonly kind: TaskCallback['kind'],
    readonly taskToken: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `SendTask${kind[0]?.toUpperCase()}${kind.slice(1)} for task token ${taskToken.slice(0, 16)}… was refused: ${reason}. ` +
        'To fix this, send it while the state still waits (before its TimeoutSeconds / HeartbeatSeconds), once per token, with the token the state passed on.',
      options,
    );
  }
}

/**
 * Sends a `.waitForTaskToken` callback to Step Functions (the aws target):
 * `SendTaskSuccess` (the output as JSON), `SendTaskFailure` or `SendTaskHeartbeat`.
 *
 * @example
 * await sendTaskCallbackOnAws('AQB8…', { kind: 'success', output: { shipment: 'sh-1' } });
 */
export async function sendTaskCallbackOnAws(taskToken: string, callback: TaskCallback, given?: SFNClient): Promise<void> {
  // The local target's check (task-tokens.ts), so both targets refuse the same output the same way; AWS would answer InvalidOutput.
  if (callback.kind === 'success') checkCallbackOutput(callback.output, `task token ${taskToken.slice(0, 12)}…`);
  const { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } = await loadSfnSdk();
  const client = given ?? new SFNClient({});
  try {
    if (callback.kind === 'success') {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(callback.output ?? null) }));
    } else if (callback.kind === 'failure') {
      await client.send(new SendTaskFailureCommand({ taskToken, error: callback.error, cause: callback.cause }));
    } else {
      await client.send(new SendTaskHeartbeatCommand({ taskToken }));
    }
  } catch (error) {
    const { name, message } = error as Error;
    throw new TaskCallbackError(callback.kind, taskToken, `${name}: ${message}`, { cause: error });
  }
}
