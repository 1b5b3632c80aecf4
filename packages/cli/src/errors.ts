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

/**
 * A stack of the name harness would use is not harness's: it lacks the
 * ownership tags (`harness:stack`, `harness:component`) or they name another
 * harness stack. Nothing was done to it.
 */
export class ForeignStackError extends HarnessError {
  constructor(
    readonly stackName: string,
    readonly command: 'deploy' | 'destroy',
    /** The tags a stack of this harness stack carries. */
    readonly expectedTags: readonly { Key?: string | undefined; Value?: string | undefined }[],
    /** The tags the stack carries. */
    readonly foundTags: readonly { Key?: string | undefined; Value?: string | undefined }[],
    /** Whether it carries none of harness's tag keys (so --adopt may take it over). */
    readonly untagged: boolean,
  ) {
    const format = (tags: readonly { Key?: string | undefined; Value?: string | undefined }[]) =>
      tags.length ? tags.map((tag) => `${tag.Key}=${tag.Value}`).join(', ') : 'none';
    super(
      `Stack ${stackName} was not deployed by harness for this stack: it should carry the tags ${format(expectedTags)}, and its tags are ${format(foundTags)}. ` +
        `harness ${command} left it alone${command === 'deploy' ? '' : ' and deleted nothing'}. ` +
        (untagged
          ? `To fix this, choose another harness stack name (--stack, or "stack" in harness.config.json); or, if ${stackName} is a harness stack deployed without the CLI, ` +
            `pass --adopt to let harness ${command === 'deploy' ? 'tag it and take it over (its template is replaced by harness\'s)' : 'delete it'}.`
          : `To fix this, choose another harness stack name (--stack, or "stack" in harness.config.json): ${stackName} belongs to another harness stack.`),
    );
  }
}

/** A stack is in a status deploy cannot act on by itself (a failed rollback). */
export class StackStateError extends HarnessError {
  constructor(
    readonly stackName: string,
    readonly status: string,
    readonly statusReason: string | undefined,
    fix: string,
  ) {
    super(`Stack ${stackName} is ${status}${statusReason ? ` (${statusReason})` : ''}, so harness cannot deploy it. To fix this, ${fix}.`);
  }
}

/** A stack was deleted, but some of its resources were not (the endpoint said so in their events). */
export class ResourcesLeftBehindError extends HarnessError {
  constructor(
    readonly stackName: string,
    /** `LogicalId (Type): reason` of each resource whose delete failed. */
    readonly resources: readonly string[],
  ) {
    super(
      `Stack ${stackName} is deleted, but ${resources.length} of its resource${resources.length > 1 ? 's were' : ' was'} not:\n` +
        `${resources.map((resource) => `  ${resource}`).join('\n')}\n` +
        'To fix this, delete what is listed by hand (it no longer belongs to any stack), e.g. with the AWS CLI or the console.',
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
