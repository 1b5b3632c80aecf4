import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { HARNESS_COMMAND } from '../constants.js';
import { StackOperationError, StackWaitTimeoutError } from '../errors.js';

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

export interface DeployStackOptions extends WaitOptions {
  readonly stackName: string;
  /** The template as JSON. */
  readonly templateBody: string;
  /** Where the same template was uploaded, when it is too large for TemplateBody. */
  readonly templateUrl?: string;
  readonly tags?: readonly Tag[];
}

export interface DeployStackResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly stack: Stack;
}

/**
 * Creates the stack, or updates it when its template changed; a template
 * already deployed is left alone ("unchanged"), so re-running is safe.
 * A stack left in ROLLBACK_COMPLETE by a failed create is deleted and
 * created again (CloudFormation cannot update it).
 */
export async function deployStack(cloudFormation: CloudFormationClient, options: DeployStackOptions): Promise<DeployStackResult> {
  const { stackName } = options;
  let existing = await describeStack(cloudFormation, stackName);

  if (existing && isInProgress(existing.StackStatus)) {
    options.onNote?.(`${stackName} is ${existing.StackStatus}; waiting for that to finish first.`);
    const stackId = existing.StackId ?? stackName;
    const since = await latestEventId(cloudFormation, stackId);
    existing = await waitForStack(cloudFormation, stackId, stackName, undefined, { ...options, since });
    if (existing.StackStatus === 'DELETE_COMPLETE') existing = undefined;
  }
  if (existing?.StackStatus === 'ROLLBACK_COMPLETE' || existing?.StackStatus === 'ROLLBACK_FAILED') {
    options.onNote?.(`${stackName} is ${existing.StackStatus} after a failed create; deleting it to create it again.`);
    await deleteStack(cloudFormation, { ...options, stackName: existing.StackId ?? stackName });
    existing = undefined;
  }

  const template = options.templateUrl !== undefined ? { TemplateURL: options.templateUrl } : { TemplateBody: options.templateBody };
  const common = {
    ...template,
    Capabilities: ['CAPABILITY_NAMED_IAM' as const],
    ...(options.tags ? { Tags: [...options.tags] } : {}),
  };

  if (!existing) {
    const { StackId } = await cloudFormation.send(new CreateStackCommand({ StackName: stackName, ...common }));
    const stack = await waitForStack(cloudFormation, StackId ?? stackName, stackName, 'create', options);
    return { action: 'created', stack };
  }

  const stackId = existing.StackId ?? stackName;
  const deployed = await cloudFormation.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Original' }));
  if (sameTemplate(deployed.TemplateBody, options.templateBody) && sameTags(existing.Tags, options.tags)) {
    return { action: 'unchanged', stack: existing };
  }
  const since = await latestEventId(cloudFormation, stackId);
  try {
    await cloudFormation.send(new UpdateStackCommand({ StackName: stackId, ...common }));
  } catch (error) {
    if (isNoUpdates(error)) return { action: 'unchanged', stack: existing };
    throw error;
  }
  const stack = await waitForStack(cloudFormation, stackId, stackName, 'update', { ...options, since });
  return { action: 'updated', stack };
}

export interface DeleteStackOptions extends WaitOptions {
  /** Name or id. */
  readonly stackName: string;
}

/** Deletes the stack and waits until it is gone; a stack that is not there is "absent". */
export async function deleteStack(cloudFormation: CloudFormationClient, options: DeleteStackOptions): Promise<'deleted' | 'absent'> {
  const existing = await describeStack(cloudFormation, options.stackName);
  if (!existing || existing.StackStatus === 'DELETE_COMPLETE') return 'absent';
  const stackId = existing.StackId ?? options.stackName;
  const name = existing.StackName ?? options.stackName;
  if (existing.StackStatus !== 'DELETE_IN_PROGRESS') {
    if (isInProgress(existing.StackStatus)) {
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
  let pollMs = options.pollMs ?? 1000;
  let lastStatus: string | undefined;

  for (;;) {
    const stack = await describeStack(cloudFormation, stackId);
    for (const event of await newEvents(cloudFormation, stackId, options.since, seen)) {
      if (event.ResourceStatus?.endsWith('_FAILED') && event.ResourceStatusReason) {
        failures.push(`${event.LogicalResourceId} (${event.ResourceType}): ${event.ResourceStatusReason}`);
      }
      options.onEvent?.(event);
    }
    // Deleted stacks stay describable by id; by name they vanish, which also means deleted.
    const status = stack?.StackStatus ?? (operation === 'delete' ? 'DELETE_COMPLETE' : undefined);
    lastStatus = status ?? lastStatus;
    if (status !== undefined && !isInProgress(status)) {
      const expected = operation ? EXPECTED_STATUS[operation] : undefined;
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
    return `remove or empty what the reasons above name (e.g. a non-empty bucket), then run \`${HARNESS_COMMAND} destroy\` again`;
  }
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
