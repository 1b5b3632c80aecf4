import { adapterStackName, coreStackName } from '@harness/core';
import { createAwsClients, destroyAwsClients } from '../../aws/clients.js';
import { describeStack, stackOutputs } from '../../aws/stacks.js';
import { HARNESS_COMMAND } from '../../constants.js';
import { formatStackOutputs, writeJson } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import { adapterNames, resolveSettings, selectAdapters } from '../../settings.js';
import type { OutputsArgs } from './command-object.js';

/** Prints the outputs of the core stack and of each adapter stack; a missing stack is listed as such (exit code 1). */
export async function outputsHandler(args: OutputsArgs, runtime: CliRuntime): Promise<void> {
  const settings = await resolveSettings(args, runtime, { configOptional: true });
  const names = [coreStackName(settings.stack), ...(await adapterNames(selectAdapters(args, settings), settings)).map((name) => adapterStackName(settings.stack, name))];
  const clients = createAwsClients({ region: settings.region, env: runtime.env });
  try {
    const stacks = await Promise.all(
      names.map(async (name) => {
        const stack = await describeStack(clients.cloudFormation, name);
        return { name, status: stack?.StackStatus ?? 'NOT_DEPLOYED', outputs: stackOutputs(stack) };
      }),
    );
    const missing = stacks.filter((stack) => stack.status === 'NOT_DEPLOYED');
    if (args.json) {
      writeJson(runtime, {
        stack: settings.stack,
        stacks: Object.fromEntries(stacks.map(({ name, ...rest }) => [name, rest])),
      });
    } else {
      runtime.stdout(`${formatStackOutputs(stacks)}\n`);
    }
    if (missing.length > 0) {
      runtime.stderr(
        `${missing.map((stack) => stack.name).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not deployed. To fix this, run \`${HARNESS_COMMAND} deploy\`.\n`,
      );
      runtime.exitCode = Math.max(runtime.exitCode, 1);
    }
  } finally {
    destroyAwsClients(clients);
  }
}
