import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { runCli as harness, stackOutputs, uniqueName } from '@harness/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const cloudFormation = new CloudFormationClient({});

async function exists(stackName: string): Promise<boolean> {
  try {
    const described = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
    return described.Stacks?.[0]?.StackStatus !== 'DELETE_COMPLETE';
  } catch {
    return false;
  }
}

describe('harness CLI with the ECS, Lambda and Step Functions adapters together (moto)', () => {
  const stack = uniqueName('all');
  let dir: string;
  const config = (functions: string[]) =>
    JSON.stringify({
      stack,
      adapters: {
        ecs: { families: { RenderPdf: { containers: ['Main'] } } },
        lambda: { functions: Object.fromEntries(functions.map((name) => [name, {}])) },
        stepfunctions: { stateMachines: { EnrichOrder: {} } },
      },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-cli-all-'));
    await writeFile(join(dir, 'harness.config.json'), config(['ValidateOrder']));
  });

  it('deploys all three, then re-deploys with no changes, then updates one, then destroys all', async () => {
    // Deploy.
    const cold = await harness(dir, 'deploy', '--adapters', 'ecs,lambda,stepfunctions');
    expect(cold.code, cold.stderr).toBe(0);
    expect(Object.keys(await stackOutputs(`${stack}-lambda`))).toContain('FunctionArnValidateOrder');
    expect(Object.keys(await stackOutputs(`${stack}-stepfunctions`))).toContain('StateMachineArnEnrichOrder');
    expect(Object.keys(await stackOutputs(`${stack}-ecs`))).toContain('TaskDefinitionRenderPdf');

    // Again, nothing changed: every stack is left as it is.
    const again = await harness(dir, 'deploy', '--adapters', 'ecs,lambda,stepfunctions');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Deployed ${stack}-core (unchanged), ${stack}-ecs (unchanged), ${stack}-lambda (unchanged), ${stack}-stepfunctions (unchanged)`);

    // A second function: only the Lambda stack is updated.
    await writeFile(join(dir, 'harness.config.json'), config(['ValidateOrder', 'LookUpCustomer']));
    const update = await harness(dir, 'deploy', '--adapters', 'ecs,lambda,stepfunctions');
    expect(update.code, update.stderr).toBe(0);
    expect(update.stderr).toContain(`${stack}-lambda (updated)`);
    expect(update.stderr).toContain(`${stack}-ecs (unchanged)`);
    expect(Object.keys(await stackOutputs(`${stack}-lambda`))).toContain('FunctionArnLookUpCustomer');

    // Destroy everything.
    const destroyed = await harness(dir, 'destroy', '--yes');
    expect(destroyed.code, destroyed.stderr).toBe(0);
    for (const name of ['core', 'ecs', 'lambda', 'stepfunctions']) expect(await exists(`${stack}-${name}`)).toBe(false);

    console.log(`deploy of core + ecs + lambda + stepfunctions on moto: cold ${cold.ms} ms, no-change ${again.ms} ms, update ${update.ms} ms, destroy ${destroyed.ms} ms`);
  });
});
