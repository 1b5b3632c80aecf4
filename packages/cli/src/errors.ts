import { HarnessError } from '@harness/core';

/**
 * Errors of the harness CLI. Each says which stack or option failed and how to fix it.
 */

/** A CloudFormation operation ended in a failed state. */
export class StackOperationError extends HarnessError {
  constructor(
    readonly stackName: string,
    readonly operation: 'create' | 'update' | 'delete',
    readonly status: string,
    /** `LogicalId (Type): reason` of each failed resource event seen during the operation. */
    readonly reasons: readonly string[],
    fix: string,
  ) {
    super(
      `Could not ${operation} stack ${stackName}: it ended ${status}.` +
        (reasons.length ? `\n${reasons.map((reason) => `  ${reason}`).join('\n')}\n` : ' ') +
        `To fix this, ${fix}.`,
    );
  }
}

/** A stack did not reach a final state within the wait timeout. */
export class StackWaitTimeoutError extends HarnessError {
  constructor(
    readonly stackName: string,
    readonly lastStatus: string | undefined,
    readonly timeoutMs: number,
  ) {
    super(
      `Stack ${stackName} was still ${lastStatus ?? 'in an unknown state'} after ${formatDuration(timeoutMs)}. ` +
        'To fix this, look at its events in the CloudFormation console (it keeps going without the CLI), then run the command again, or raise --timeout.',
    );
  }
}

/** A command needs confirmation it cannot ask for. */
export class ConfirmationRequiredError extends HarnessError {}

/** An option's value is not usable. */
export class UsageError extends HarnessError {}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}
