import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { adapterStackName, checkStackOutputs, coreStackName, coreTemplate, type CloudFormationTemplate } from '@harness/core';
import { uploadArtifacts } from '../../aws/artifacts.js';
import { createAwsClients, destroyAwsClients, resolveRegion, type AwsClients } from '../../aws/clients.js';
import {
  assertOwnedStack,
  deployStack,
  describeStack,
  formatStackEvent,
  MAX_TEMPLATE_BODY_BYTES,
  stackOutputs,
  type DeployStackResult,
  type StackOwnership,
} from '../../aws/stacks.js';
import { formatDuration } from '../../errors.js';
import { formatStackOutputs, MARK, progress, writeJson } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import { loadAdapters, resolveSettings, selectAdapters } from '../../settings.js';
import { coreResourcesFromOutputs, stackTags, templateContext, templateUrl } from '../../stack-plan.js';
import type { DeployArgs } from './command-object.js';

/** One deployed stack, as `deploy --json` prints it. */
export interface DeployedStack {
  readonly name: string;
  readonly component: string;
  readonly action: DeployStackResult['action'];
  readonly status: string;
  readonly outputs: Record<string, string>;
}

export async function deployHandler(args: DeployArgs, runtime: CliRuntime): Promise<void> {
  const started = Date.now();
  const settings = await resolveSettings(args, runtime);
  const { stack } = settings;
  // Everything that can fail without AWS fails first: adapters, their config, their artifacts.
  const adapters = await loadAdapters(selectAdapters(args, settings), settings);
  const artifacts = new Map(await Promise.all(adapters.map(async ({ name, adapter, config }) => [name, await adapter.artifacts(config)] as const)));

  const clients = createAwsClients({ region: settings.region, env: runtime.env });
  try {
    const region = await resolveRegion(clients);
    progress(runtime, `Deploying harness stack ${stack} to ${region}${runtime.env.AWS_ENDPOINT_URL ? ` (${runtime.env.AWS_ENDPOINT_URL})` : ''}`);
    // Refuse a stack that is not harness's before deploying anything, so a foreign adapter stack does not leave a half-done deploy.
    const planned = [['core', coreStackName(stack)], ...adapters.map(({ name }) => [name, adapterStackName(stack, name)])] as const;
    for (const [component, stackName] of planned) {
      const existing = await describeStack(clients.cloudFormation, stackName);
      if (existing && existing.StackStatus !== 'DELETE_COMPLETE') assertOwnedStack(existing, ownership(stack, component, args));
    }
    const deployed: DeployedStack[] = [];

    const core = await deploy(clients, runtime, args, coreStackName(stack), 'core', coreTemplate(stack), stack);
    deployed.push(core);
    const coreResources = coreResourcesFromOutputs(stack, core.outputs);

    for (const { name, adapter, config } of adapters) {
      const adapterArtifacts = artifacts.get(name) ?? [];
      await uploadArtifacts(clients.s3, coreResources.artifactsBucket, adapterArtifacts, (artifact) =>
        progress(
          runtime,
          `${MARK.ok} ${artifact.action === 'uploaded' ? 'uploaded' : 'already there:'} s3://${coreResources.artifactsBucket}/${artifact.key}`,
        ),
      );
      const template = adapter.template(config, templateContext(stack, coreResources, adapterArtifacts));
      deployed.push(
        await deploy(clients, runtime, args, adapterStackName(stack, name), name, template, stack, {
          bucket: coreResources.artifactsBucket,
          region,
        }),
      );
    }

    if (args.json) {
      writeJson(runtime, {
        stack,
        region,
        stacks: Object.fromEntries(deployed.map(({ name, ...rest }) => [name, rest])),
      });
    } else {
      runtime.stdout(`${formatStackOutputs(deployed)}\n`);
    }
    progress(runtime, `${MARK.ok} Deployed ${deployed.map((entry) => `${entry.name} (${entry.action})`).join(', ')} in ${formatDuration(Date.now() - started)}`);
  } finally {
    destroyAwsClients(clients);
  }
}

async function deploy(
  clients: AwsClients,
  runtime: CliRuntime,
  args: DeployArgs,
  stackName: string,
  component: string,
  template: CloudFormationTemplate,
  stack: string,
  largeTemplates?: { bucket: string; region: string },
): Promise<DeployedStack> {
  progress(runtime, `${MARK.info} ${stackName}`);
  const templateBody = JSON.stringify(template);
  let url: string | undefined;
  if (Buffer.byteLength(templateBody) > MAX_TEMPLATE_BODY_BYTES) {
    if (!largeTemplates) throw new Error(`The template of ${stackName} is over ${MAX_TEMPLATE_BODY_BYTES} bytes and there is no bucket to put it in.`);
    const key = `templates/${stackName}-${createHash('sha256').update(templateBody).digest('hex')}.json`;
    await clients.s3.send(
      new PutObjectCommand({ Bucket: largeTemplates.bucket, Key: key, Body: templateBody, ContentType: 'application/json' }),
    );
    url = templateUrl(largeTemplates.bucket, key, largeTemplates.region);
  }
  const result = await deployStack(clients.cloudFormation, {
    stackName,
    templateBody,
    ...(url !== undefined ? { templateUrl: url } : {}),
    tags: stackTags(stack, component),
    ownership: ownership(stack, component, args),
    timeoutMs: args.timeout,
    onEvent: (event) => progress(runtime, `  ${formatStackEvent(event)}`),
    onNote: (note) => progress(runtime, `  ${note}`),
  });
  const status = result.stack.StackStatus ?? 'UNKNOWN';
  progress(
    runtime,
    `${MARK.ok} ${stackName}: ${result.action === 'unchanged' ? `no changes (${status})` : status}`,
  );
  // An endpoint that could not resolve an attribute ("unknown") fails the deploy here, not the first test.
  return { name: stackName, component, action: result.action, status, outputs: checkStackOutputs(stackName, stackOutputs(result.stack)) };
}

function ownership(stack: string, component: string, args: DeployArgs): StackOwnership {
  return { tags: stackTags(stack, component), adopt: args.adopt === true, command: 'deploy' };
}
