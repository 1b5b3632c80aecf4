import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Parameter,
  type Stack,
  type StackEvent,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { USABLE_STACK_STATUSES } from '@harness/core';
import { HARNESS_COMMAND } from '../constants.js';
import { ForeignStackError, ResourcesLeftBehindError, StackStateError, StackOperationError, StackWaitTimeoutError } from '../errors.js';

/** What a stack operation reports while it runs. */
export interface StackProgress {
  /** Each new stack event, oldest first, as it happens. */
  readonly onEvent?: (event: StackEvent) => void;
  /** A sentence about what the CLI is doing (waiting for another operation, replacing a failed stack…). */
  readonly onNote?: (note: string) => void;
}

export interface WaitOptions extends StackProgress {
  /** Give up after this many milliseconds (the operation itself goes on in CloudFormation). */
  readonly timeoutMs: number;
  /** First poll interval; it grows to {@link WaitOptions.maxPollMs}. Default 1 000. */
  readonly pollMs?: number;
  /** Default 5 000. */
  readonly maxPollMs?: number;
  /** For tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export type StackOperation = 'create' | 'update' | 'delete';

const EXPECTED_STATUS: Record<StackOperation, string> = {
  create: 'CREATE_COMPLETE',
  update: 'UPDATE_COMPLETE',
  delete: 'DELETE_COMPLETE',
};

/** TemplateBody's limit; larger templates must go through S3 (TemplateURL). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/** The stack, or undefined when there is none of that name (or id). */
export async function describeStack(cloudFormation: CloudFormationClient, nameOrId: string): Promise<Stack | undefined> {
  try {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: nameOrId }));
    return Stacks?.[0];
  } catch (error) {
    if (isStackMissing(error)) return undefined;
    throw error;
  }
}

/** `Outputs` as a plain key → value record. */
export function stackOutputs(stack: Stack | undefined): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const output of stack?.Outputs ?? []) {
    if (output.OutputKey !== undefined) outputs[output.OutputKey] = output.OutputValue ?? '';
  }
  return outputs;
}

/** One line per event: time, logical id, type, status, reason. */
export function formatStackEvent(event: StackEvent): string {
  const time = event.Timestamp ? timeOfDay(new Date(event.Timestamp)) : '--:--:--';
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${(event.LogicalResourceId ?? '?').padEnd(28)} ${(event.ResourceType ?? '?').padEnd(30)} ${event.ResourceStatus ?? '?'}${reason}`;
}

function timeOfDay(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** Whether two template bodies are the same template (JSON, whatever the key order and spacing). */
export function sameTemplate(deployedBody: string | undefined, body: string): boolean {
  if (deployedBody === undefined) return false;
  try {
    return canonicalJson(JSON.parse(deployedBody)) === canonicalJson(JSON.parse(body));
  } catch {
    return false; // e.g. YAML put there by hand: let CloudFormation compare.
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Which stacks a command may act on: the ones carrying all of `tags` (the
 * tags harness puts on every stack it deploys). A stack with none of their
 * keys is taken over only with `adopt`; a stack whose tags name another
 * harness stack or component never is.
 */
export interface StackOwnership {
  readonly tags: readonly Tag[];
  /** Take over a stack that carries none of the tag keys (deployed by other means). */
  readonly adopt?: boolean;
  /** The command, for the fix: `deploy` or `destroy`. */
  readonly command: 'deploy' | 'destroy';
}

/** Refuses (ForeignStackError) a stack that is not harness's, as {@link StackOwnership} defines it. */
export function assertOwnedStack(stack: Stack, ownership: StackOwnership): void {
  const found = stack.Tags ?? [];
  const value = (key: string | undefined) => found.find((tag) => tag.Key === key)?.Value;
  if (ownership.tags.every((tag) => value(tag.Key) === tag.Value)) return;
  const untagged = ownership.tags.every((tag) => value(tag.Key) === undefined);
  if (untagged && ownership.adopt === true) return;
  throw new ForeignStackError(stack.StackName ?? '?', ownership.command, [...ownership.tags], [...found], untagged);
}

/** What deploy does with a stack in a given status. */
export type StackStatusPlan =
  /** Usable: updated when its template or tags changed. */
  | 'update'
  /** An operation is running: wait for it to end, then look again. */
  | 'wait'
  /** A failed create or a failed delete (nothing worth keeping): delete it, then create it again. */
  | 'replace'
  /** UPDATE_FAILED (rollback disabled): update it again, even with the same template. */
  | 'retry-update'
  /** Needs a step only a person can choose (which resources to skip in a rollback). */
  | 'stuck';

/**
 * Every CloudFormation stack status and what `deploy` does about it; the
 * status meanings are CloudFormation's ("Stack status codes", CloudFormation
 * User Guide): *_FAILED after a create or delete leaves nothing to keep;
 * UPDATE_FAILED is an update with rollback disabled, which may be updated
 * again; UPDATE_ROLLBACK_FAILED and IMPORT_ROLLBACK_FAILED can only go on with
 * ContinueUpdateRollback (possibly skipping resources) or be deleted;
 * REVIEW_IN_PROGRESS is a stack created for a change set that was never
 * executed, which never ends on its own.
 */
export function stackStatusPlan(status: string | undefined): StackStatusPlan {
  // The usable statuses are core's list: the ones createHarness accepts.
  if (status !== undefined && USABLE_STACK_STATUSES.has(status)) return 'update';
  switch (status) {
    case 'CREATE_FAILED':
    case 'ROLLBACK_COMPLETE':
    case 'ROLLBACK_FAILED':
    case 'DELETE_FAILED':
    case 'REVIEW_IN_PROGRESS':
    case 'DELETE_COMPLETE': // gone (some endpoints still describe it by name): created afresh
      return 'replace';
    case 'UPDATE_FAILED':
      return 'retry-update';
    case 'UPDATE_ROLLBACK_FAILED':
    case 'IMPORT_ROLLBACK_FAILED':
      return 'stuck';
    default:
      // Any other *_IN_PROGRESS ends by itself; a status CloudFormation adds later is not guessed at.
      return isInProgress(status) ? 'wait' : 'stuck';
  }
}

/** Whether tests can use the stack as it is (createHarness reads its outputs). */
export function isUsableStatus(status: string | undefined): boolean {
  return stackStatusPlan(status) === 'update';
}

/** The way forward for a stack in a status tests cannot use, completing "To fix this, …". */
export function stackStatusFix(stackName: string, status: string): string {
  switch (stackStatusPlan(status)) {
    case 'update':
      return `nothing: ${stackName} is usable`;
    case 'wait':
      return `wait for ${stackName}'s ${status} to finish (\`${HARNESS_COMMAND} deploy\` waits for it)`;
    case 'replace':
      return `run \`${HARNESS_COMMAND} deploy\`: it deletes ${stackName} (${status}) and creates it again`;
    case 'retry-update':
      return `run \`${HARNESS_COMMAND} deploy\`: it updates ${stackName} again (or roll it back: \`aws cloudformation rollback-stack --stack-name ${stackName}\`)`;
    case 'stuck':
      return status.endsWith('ROLLBACK_FAILED')
        ? `finish the rollback: \`aws cloudformation continue-update-rollback --stack-name ${stackName}\` (add \`--resources-to-skip\` with the logical ids of the resources that cannot be rolled back), ` +
            `then run \`${HARNESS_COMMAND} deploy\` again; or delete the stack with \`${HARNESS_COMMAND} destroy\` and deploy it afresh`
        : `look at ${stackName} in the CloudFormation console; harness does not know the status ${status}`;
  }
}

export interface DeployStackOptions extends WaitOptions {
  readonly stackName: string;
  /** The template as JSON. */
  readonly templateBody: string;
  /** Where the same template was uploaded, when it is too large for TemplateBody. */
  readonly templateUrl?: string;
  readonly tags?: readonly Tag[];
  /** When given, a stack that is not harness's is refused before anything is done to it. */
  readonly ownership?: StackOwnership;
  /** The template's parameters (a workflow stack wired to the doubles); a change of value updates the stack. */
  readonly parameters?: readonly Parameter[];
}

export interface DeployStackResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly stack: Stack;
}

/**
 * Creates the stack, or updates it when its template changed; a template
 * already deployed is left alone ("unchanged"), so re-running is safe.
 * Every other status leads somewhere ({@link stackStatusPlan}): a running
 * operation is waited for; a failed create or delete (CREATE_FAILED,
 * ROLLBACK_COMPLETE, ROLLBACK_FAILED, DELETE_FAILED, REVIEW_IN_PROGRESS) is
 * deleted and created again; UPDATE_FAILED is updated again; a failed
 * rollback throws {@link StackStateError} with its reason and the way forward.
 */
export async function deployStack(cloudFormation: CloudFormationClient, options: DeployStackOptions): Promise<DeployStackResult> {
  const { stackName } = options;
  let existing = await describeStack(cloudFormation, stackName);
  if (existing?.StackStatus === 'DELETE_COMPLETE') existing = undefined;
  if (existing && options.ownership) assertOwnedStack(existing, options.ownership);

  if (existing && stackStatusPlan(existing.StackStatus) === 'wait') {
    options.onNote?.(`${stackName} is ${existing.StackStatus}; waiting for that to finish first.`);
    const stackId = existing.StackId ?? stackName;
    const since = await latestEventId(cloudFormation, stackId);
    existing = await waitForStack(cloudFormation, stackId, stackName, undefined, { ...options, since });
    if (existing.StackStatus === 'DELETE_COMPLETE') existing = undefined;
  }
  const plan = existing ? stackStatusPlan(existing.StackStatus) : undefined;
  if (existing && plan === 'stuck') {
    const status = existing.StackStatus ?? 'UNKNOWN';
    throw new StackStateError(stackName, status, existing.StackStatusReason, stackStatusFix(stackName, status));
  }
  if (existing && plan === 'replace') {
    options.onNote?.(`${stackName} is ${existing.StackStatus}${existing.StackStatusReason ? ` (${existing.StackStatusReason})` : ''}; deleting it to create it again.`);
    await deleteStack(cloudFormation, { ...options, stackName: existing.StackId ?? stackName });
    existing = undefined;
  }

  const template = options.templateUrl !== undefined ? { TemplateURL: options.templateUrl } : { TemplateBody: options.templateBody };
  const common = {
    ...template,
    Capabilities: ['CAPABILITY_NAMED_IAM' as const],
    ...(options.tags ? { Tags: [...options.tags] } : {}),
    ...(options.parameters ? { Parameters: [...options.parameters] } : {}),
  };

  if (!existing) {
    const { StackId } = await cloudFormation.send(new CreateStackCommand({ StackName: stackName, ...common }));
    const stack = await waitForStack(cloudFormation, StackId ?? stackName, stackName, 'create', options);
    return { action: 'created', stack };
  }

  const stackId = existing.StackId ?? stackName;
  const retry = plan === 'retry-update';
  if (!retry) {
    const deployed = await cloudFormation.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' }));
    if (sameTemplate(deployed.TemplateBody, options.templateBody) && sameTags(existing.Tags, options.tags) && sameParameters(existing.Parameters, options.parameters)) {
      return { action: 'unchanged', stack: existing };
    }
  }
  const since = await latestEventId(cloudFormation, stackId);
  try {
    await cloudFormation.send(new UpdateStackCommand({ StackName: stackId, ...common }));
  } catch (error) {
    if (isNoUpdates(error)) {
      // UPDATE_FAILED with the same template: only a rollback brings the stack back to a known state.
      if (retry) throw new StackStateError(stackName, existing.StackStatus ?? 'UPDATE_FAILED', existing.StackStatusReason, `roll it back: \`aws cloudformation rollback-stack --stack-name ${stackName}\`, then run \`${HARNESS_COMMAND} deploy\` again`);
      return { action: 'unchanged', stack: existing };
    }
    throw error;
  }
  const stack = await waitForStack(cloudFormation, stackId, stackName, 'update', { ...options, since });
  return { action: 'updated', stack };
}

/** Whether the deployed stack's parameter values are the ones given (none given: any). */
function sameParameters(deployed: readonly Parameter[] | undefined, wanted: readonly Parameter[] | undefined): boolean {
  if (!wanted) return true;
  const values = new Map((deployed ?? []).map((parameter) => [parameter.ParameterKey, parameter.ParameterValue]));
  return wanted.length === values.size && wanted.every((parameter) => values.get(parameter.ParameterKey) === parameter.ParameterValue);
}

export interface DeleteStackOptions extends WaitOptions {
  /** Name or id. */
  readonly stackName: string;
  /** When given, a stack that is not harness's is refused before anything is done to it. */
  readonly ownership?: StackOwnership;
}

/** Deletes the stack and waits until it is gone; a stack that is not there is "absent". */
export async function deleteStack(cloudFormation: CloudFormationClient, options: DeleteStackOptions): Promise<'deleted' | 'absent'> {
  const existing = await describeStack(cloudFormation, options.stackName);
  if (!existing || existing.StackStatus === 'DELETE_COMPLETE') return 'absent';
  if (options.ownership) assertOwnedStack(existing, options.ownership);
  const stackId = existing.StackId ?? options.stackName;
  const name = existing.StackName ?? options.stackName;
  if (existing.StackStatus !== 'DELETE_IN_PROGRESS') {
    if (stackStatusPlan(existing.StackStatus) === 'wait') {
      options.onNote?.(`${name} is ${existing.StackStatus}; waiting for that to finish before deleting it.`);
      await waitForStack(cloudFormation, stackId, name, undefined, { ...options, since: await latestEventId(cloudFormation, stackId) });
    }
    const since = await latestEventId(cloudFormation, stackId);
    await cloudFormation.send(new DeleteStackCommand({ StackName: stackId }));
    await waitForStack(cloudFormation, stackId, name, 'delete', { ...options, since });
  } else {
    options.onNote?.(`${name} is already being deleted; waiting for it.`);
    await waitForStack(cloudFormation, stackId, name, 'delete', { ...options, since: await latestEventId(cloudFormation, stackId) });
  }
  return 'deleted';
}

/** The newest event of the stack: events after it belong to the next operation. */
export async function latestEventId(cloudFormation: CloudFormationClient, stackId: string): Promise<string | undefined> {
  const { StackEvents } = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackId }));
  return StackEvents?.[0]?.EventId;
}

/**
 * Polls the stack until it leaves every *_IN_PROGRESS state, reporting each
 * new event. Resolves with the stack when it ends in the operation's expected
 * status (any final status when `operation` is undefined); otherwise throws
 * with the failed resources' reasons.
 */
export async function waitForStack(
  cloudFormation: CloudFormationClient,
  stackId: string,
  stackName: string,
  operation: StackOperation | undefined,
  options: WaitOptions & { readonly since?: string | undefined },
): Promise<Stack> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  const seen = new Set<string>();
  const failures: string[] = [];
  /** Each resource's last status in this operation, to tell what a delete left behind. */
  const resourceStatus = new Map<string, { status: string; line: string }>();
  let pollMs = options.pollMs ?? 1000;
  let lastStatus: string | undefined;

  for (;;) {
    const stack = await describeStack(cloudFormation, stackId);
    for (const event of await newEvents(cloudFormation, stackId, options.since, seen)) {
      const line = `${event.LogicalResourceId} (${event.ResourceType}): ${event.ResourceStatusReason ?? event.ResourceStatus}`;
      if (event.ResourceStatus?.endsWith('_FAILED') && event.ResourceStatusReason) failures.push(line);
      if (event.LogicalResourceId !== undefined && event.ResourceType !== 'AWS::CloudFormation::Stack' && event.ResourceStatus !== undefined) {
        resourceStatus.set(event.LogicalResourceId, { status: event.ResourceStatus, line });
      }
      options.onEvent?.(event);
    }
    // Deleted stacks stay describable by id; by name they vanish, which also means deleted.
    const status = stack?.StackStatus ?? (operation === 'delete' ? 'DELETE_COMPLETE' : undefined);
    lastStatus = status ?? lastStatus;
    if (status !== undefined && !isInProgress(status)) {
      const expected = operation ? EXPECTED_STATUS[operation] : undefined;
      if (operation === 'delete' && status === expected) {
        // Some AWS-compatible endpoints (LocalStack) end DELETE_COMPLETE although a resource failed to delete.
        const leftBehind = [...resourceStatus.values()].filter((resource) => resource.status === 'DELETE_FAILED').map((resource) => resource.line);
        if (leftBehind.length > 0) throw new ResourcesLeftBehindError(stackName, leftBehind);
      }
      if (expected === undefined || status === expected) return stack ?? ({ StackName: stackName, StackStatus: status } as Stack);
      if (failures.length === 0 && stack?.StackStatusReason) failures.push(stack.StackStatusReason);
      throw new StackOperationError(stackName, operation ?? 'update', status, failures, fixFor(operation ?? 'update', status, stackName));
    }
    if (status === undefined) {
      throw new StackOperationError(stackName, operation ?? 'update', 'missing', failures, `run the command again; if it keeps failing, check the stack in the CloudFormation console`);
    }
    if (now() >= deadline) throw new StackWaitTimeoutError(stackName, lastStatus, options.timeoutMs);
    await sleep(Math.min(pollMs, Math.max(0, deadline - now())));
    pollMs = Math.min(Math.round(pollMs * 1.5), options.maxPollMs ?? 5000);
  }
}

function fixFor(operation: StackOperation, status: string, stackName: string): string {
  if (operation === 'delete') {
    return (
      `remove or empty what the reasons above name (e.g. a non-empty bucket), then run \`${HARNESS_COMMAND} destroy\` again; ` +
      `or, to leave those resources behind, \`aws cloudformation delete-stack --stack-name ${stackName} --retain-resources <their logical ids>\``
    );
  }
  if (status === 'UPDATE_ROLLBACK_FAILED') return stackStatusFix(stackName, status);
  if (status === 'ROLLBACK_COMPLETE') {
    return `correct what the reasons above name and run \`${HARNESS_COMMAND} deploy\` again (it replaces the rolled-back stack ${stackName})`;
  }
  return `correct what the reasons above name and run \`${HARNESS_COMMAND} deploy\` again`;
}

async function newEvents(
  cloudFormation: CloudFormationClient,
  stackId: string,
  since: string | undefined,
  seen: Set<string>,
): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let nextToken: string | undefined;
  pages: do {
    let page;
    try {
      page = await cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }));
    } catch (error) {
      if (isStackMissing(error)) break;
      throw error;
    }
    for (const event of page.StackEvents ?? []) {
      if (event.EventId === undefined) continue;
      if (event.EventId === since || seen.has(event.EventId)) break pages;
      fresh.push(event);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  for (const event of fresh) if (event.EventId) seen.add(event.EventId);
  return fresh.reverse();
}

function sameTags(deployed: readonly Tag[] | undefined, wanted: readonly Tag[] | undefined): boolean {
  const normalise = (tags: readonly Tag[] | undefined) =>
    JSON.stringify([...(tags ?? [])].map((tag) => [tag.Key, tag.Value]).sort());
  return normalise(deployed) === normalise(wanted);
}

function isInProgress(status: string | undefined): boolean {
  return status === undefined ? false : status.endsWith('_IN_PROGRESS');
}

function isStackMissing(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return name === 'ValidationError' && /does not exist/.test(message ?? '');
}

function isNoUpdates(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return name === 'ValidationError' && /No updates are to be performed/.test(message ?? '');
}
