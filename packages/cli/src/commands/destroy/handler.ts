import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { adapterStackName, CORE_OUTPUTS, coreStackName, HarnessError } from '@harness/core';
import { emptyBucket } from '../../aws/artifacts.js';
import { createAwsClients, destroyAwsClients, resolveRegion } from '../../aws/clients.js';
import { deleteStack, describeStack, formatStackEvent, stackOutputs } from '../../aws/stacks.js';
import { HARNESS_COMMAND } from '../../constants.js';
import { ConfirmationRequiredError, formatDuration } from '../../errors.js';
import { MARK, progress, writeJson } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import { adapterNames, resolveSettings, selectAdapters } from '../../settings.js';
import { STACK_TAGS } from '../../stack-plan.js';
import type { DestroyArgs } from './command-object.js';

/** Deletes the adapter stacks (last configured first), then — without --adapters — the core stack, emptying its bucket. */
export async function destroyHandler(args: DestroyArgs, runtime: CliRuntime): Promise<void> {
  const started = Date.now();
  const settings = await resolveSettings(args, runtime, { configOptional: true });
  const { stack } = settings;
  const withCore = args.adapters === undefined;
  const adapterStacks = (await adapterNames(selectAdapters(args, settings), settings))
    .map((name) => adapterStackName(stack, name))
    .reverse();
  const targets = [...adapterStacks, ...(withCore ? [coreStackName(stack)] : [])];

  const clients = createAwsClients({ region: settings.region, env: runtime.env });
  try {
    const region = await resolveRegion(clients);
    if (!args.yes) {
      const what = `${targets.join(', ')} in ${region}${runtime.env.AWS_ENDPOINT_URL ? ` (${runtime.env.AWS_ENDPOINT_URL})` : ''}`;
      if (!runtime.interactive) {
        throw new ConfirmationRequiredError(
          `harness destroy would delete ${what}, and stdin is not a terminal to ask on. To fix this, pass --yes to confirm.`,
        );
      }
      if (!(await runtime.confirm(`Delete ${what}${withCore ? ', with every artifact in the bucket' : ''}?`))) {
        progress(runtime, 'Cancelled: nothing was deleted.');
        runtime.exitCode = Math.max(runtime.exitCode, 1);
        return;
      }
    }

    const results: Record<string, 'deleted' | 'absent'> = {};
    const waitOptions = {
      timeoutMs: args.timeout,
      onEvent: (event: Parameters<typeof formatStackEvent>[0]) => progress(runtime, `  ${formatStackEvent(event)}`),
      onNote: (note: string) => progress(runtime, `  ${note}`),
    };
    for (const stackName of adapterStacks) {
      progress(runtime, `${MARK.info} ${stackName}`);
      results[stackName] = await deleteStack(clients.cloudFormation, { stackName, ...waitOptions });
      progress(runtime, `${MARK.ok} ${stackName}: ${results[stackName] === 'deleted' ? 'DELETE_COMPLETE' : 'not deployed'}`);
    }

    if (withCore) {
      const coreName = coreStackName(stack);
      progress(runtime, `${MARK.info} ${coreName}`);
      const core = await describeStack(clients.cloudFormation, coreName);
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
      results[coreName] = await deleteStack(clients.cloudFormation, { stackName: coreName, ...waitOptions });
      progress(runtime, `${MARK.ok} ${coreName}: ${results[coreName] === 'deleted' ? 'DELETE_COMPLETE' : 'not deployed'}`);
    }

    if (args.json) writeJson(runtime, { stack, region, stacks: results });
    progress(runtime, `${MARK.ok} Destroyed ${targets.join(', ')} in ${formatDuration(Date.now() - started)}`);
  } finally {
    destroyAwsClients(clients);
  }
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
