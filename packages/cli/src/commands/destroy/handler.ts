import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DeleteQueueCommand, ListQueuesCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { adapterStackName, CORE_OUTPUTS, coreStackName, HarnessError, sessionQueuePrefix } from '@harness/core';
import { emptyBucket } from '../../aws/artifacts.js';
import { createAwsClients, destroyAwsClients, resolveRegion } from '../../aws/clients.js';
import { assertOwnedStack, deleteStack, describeStack, formatStackEvent, stackOutputs, type StackOwnership } from '../../aws/stacks.js';
import { HARNESS_COMMAND } from '../../constants.js';
import { ConfirmationRequiredError, formatDuration } from '../../errors.js';
import { MARK, progress, writeJson } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import { adapterNames, resolveSettings, selectAdapters } from '../../settings.js';
import { STACK_TAGS, stackTags } from '../../stack-plan.js';
import type { DestroyArgs } from './command-object.js';

/** Deletes the adapter stacks (last configured first), then — without --adapters — the core stack, emptying its bucket. */
export async function destroyHandler(args: DestroyArgs, runtime: CliRuntime): Promise<void> {
  const started = Date.now();
  const settings = await resolveSettings(args, runtime, { configOptional: true });
  const { stack } = settings;
  const withCore = args.adapters === undefined;
  const components = (await adapterNames(selectAdapters(args, settings), settings)).reverse();
  const adapterStacks = components.map((name) => adapterStackName(stack, name));
  const targets = [...adapterStacks, ...(withCore ? [coreStackName(stack)] : [])];
  const ownership = (component: string): StackOwnership => ({ tags: stackTags(stack, component), adopt: args.adopt === true, command: 'destroy' });

  const clients = createAwsClients({ region: settings.region, env: runtime.env });
  try {
    const region = await resolveRegion(clients);
    const what = `${targets.join(', ')} in ${region}${runtime.env.AWS_ENDPOINT_URL ? ` (${runtime.env.AWS_ENDPOINT_URL})` : ''}`;
    if (!args.yes && !runtime.interactive) {
      throw new ConfirmationRequiredError(
        `harness destroy would delete ${what}, and stdin is not a terminal to ask on. To fix this, pass --yes to confirm.`,
      );
    }
    // Refuse a stack that is not harness's before asking or deleting anything.
    for (const [index, stackName] of targets.entries()) {
      const existing = await describeStack(clients.cloudFormation, stackName);
      if (existing && existing.StackStatus !== 'DELETE_COMPLETE') assertOwnedStack(existing, ownership(components[index] ?? 'core'));
    }
    if (!args.yes && !(await runtime.confirm(`Delete ${what}${withCore ? ', with every artifact in the bucket' : ''}?`))) {
      progress(runtime, 'Cancelled: nothing was deleted.');
      runtime.exitCode = Math.max(runtime.exitCode, 1);
      return;
    }

    const results: Record<string, DestroyResult> = {};
    const problems: string[] = [];
    const waitOptions = {
      timeoutMs: args.timeout,
      onEvent: (event: Parameters<typeof formatStackEvent>[0]) => progress(runtime, `  ${formatStackEvent(event)}`),
      onNote: (note: string) => progress(runtime, `  ${note}`),
    };
    // A stack that could not be deleted is reported and the others still go; only the core stack waits for all of them.
    const remove = async (stackName: string, component: string) => {
      try {
        results[stackName] = await deleteStack(clients.cloudFormation, { stackName, ...waitOptions, ownership: ownership(component) });
        progress(runtime, `${MARK.ok} ${stackName}: ${results[stackName] === 'deleted' ? 'DELETE_COMPLETE' : 'not deployed'}`);
      } catch (error) {
        if (!(error instanceof HarnessError)) throw error;
        results[stackName] = 'failed';
        problems.push(error.message);
        progress(runtime, `${MARK.fail} ${stackName}: not deleted`);
      }
    };
    for (const [index, stackName] of adapterStacks.entries()) {
      progress(runtime, `${MARK.info} ${stackName}`);
      await remove(stackName, components[index] ?? stackName);
    }

    if (withCore) {
      const coreName = coreStackName(stack);
      progress(runtime, `${MARK.info} ${coreName}`);
      const failed = adapterStacks.filter((name) => results[name] === 'failed');
      const core = await describeStack(clients.cloudFormation, coreName);
      if (failed.length > 0) {
        if (core) {
          results[coreName] = 'kept';
          progress(runtime, `${MARK.fail} ${coreName}: kept, because ${failed.join(', ')} still use${failed.length > 1 ? '' : 's'} it`);
        } else {
          results[coreName] = 'absent';
        }
      } else {
        if (core) {
          const others = (await stacksOf(clients.cloudFormation, stack)).filter((name) => name !== coreName && !adapterStacks.includes(name));
          if (others.length > 0) {
            throw new HarnessError(
              `${coreName} is still used by ${others.join(', ')}, which ${others.length > 1 ? 'are' : 'is'} not in ${settings.configPath}. ` +
                `To fix this, delete ${others.length > 1 ? 'them' : 'it'} first: \`${HARNESS_COMMAND} destroy --adapters ${others.map((name) => name.slice(stack.length + 1)).join(',')} --yes\`.`,
            );
          }
          const bucket = stackOutputs(core)[CORE_OUTPUTS.artifactsBucket];
          if (bucket) {
            const deleted = await emptyBucket(clients.s3, bucket);
            progress(runtime, `  emptied s3://${bucket}: ${deleted} deleted (object versions and delete markers)`);
          }
        }
        await remove(coreName, 'core');
      }
    }

    // The queues of test sessions that never closed (killed, crashed): not stack resources, they outlive
    // the stacks. With the core stack gone, no session of this stack can use one.
    let sessionQueues: number | 'failed' = 0;
    const coreResult = results[coreStackName(stack)];
    if (withCore && (coreResult === 'deleted' || coreResult === 'absent')) {
      const sqs = new SQSClient(settings.region !== undefined ? { region: settings.region } : {});
      try {
        sessionQueues = await deleteSessionQueues(sqs, stack);
        if (sessionQueues > 0) progress(runtime, `${MARK.ok} deleted ${sessionQueues} session queue${sessionQueues > 1 ? 's' : ''} left by test sessions that did not close`);
      } catch (error) {
        sessionQueues = 'failed';
        problems.push(`the session queues ${sessionQueuePrefix(stack)}* could not be listed or deleted: ${(error as Error).message}`);
      } finally {
        sqs.destroy();
      }
    }

    if (args.json) writeJson(runtime, { stack, region, stacks: results, sessionQueues });
    const notDeleted = [
      ...Object.entries(results).filter(([, result]) => result === 'failed' || result === 'kept').map(([name]) => name),
      ...(sessionQueues === 'failed' ? [`${sessionQueuePrefix(stack)}*`] : []),
    ];
    if (notDeleted.length > 0) {
      throw new HarnessError(
        `harness destroy could not delete ${notDeleted.join(', ')}${problems.length ? `:\n${problems.join('\n')}` : '.'}` +
          (problems.length ? '' : ` To fix this, run \`${HARNESS_COMMAND} destroy\` again.`),
      );
    }
    progress(runtime, `${MARK.ok} Destroyed ${targets.join(', ')} in ${formatDuration(Date.now() - started)}`);
  } finally {
    destroyAwsClients(clients);
  }
}

/** What destroy did with one stack: `kept` is the core stack left because an adapter stack that uses it could not be deleted. */
export type DestroyResult = 'deleted' | 'absent' | 'failed' | 'kept';

/**
 * Deletes the session queues of `stack` (named `<stack>-session-…`, tagged `harness:stack` = `stack`; a queue
 * of that name tagged for another stack or not at all is left alone) and says how many it deleted.
 */
async function deleteSessionQueues(sqs: SQSClient, stack: string): Promise<number> {
  let deleted = 0;
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: sessionQueuePrefix(stack), NextToken: nextToken, MaxResults: 1000 }));
    for (const QueueUrl of page.QueueUrls ?? []) {
      const { Tags } = await sqs.send(new ListQueueTagsCommand({ QueueUrl }));
      if (Tags?.[STACK_TAGS.stack] !== stack) continue;
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      deleted++;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return deleted;
}

/** Names of the live stacks tagged as part of this harness stack. */
async function stacksOf(cloudFormation: CloudFormationClient, stack: string): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloudFormation.send(new DescribeStacksCommand({ NextToken: nextToken }));
    for (const candidate of page.Stacks ?? []) {
      if (candidate.StackStatus === 'DELETE_COMPLETE' || !candidate.StackName) continue;
      if (candidate.Tags?.some((tag) => tag.Key === STACK_TAGS.stack && tag.Value === stack)) names.push(candidate.StackName);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return names;
}
