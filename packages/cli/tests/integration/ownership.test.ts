import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { runCli as harness, uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cloudFormation = new CloudFormationClient({});
/** Someone else's stack: a queue, nothing of harness's. */
const FOREIGN_TEMPLATE = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Queue: { Type: 'AWS::SQS::Queue' } } });

async function createForeignStack(name: string): Promise<void> {
  await cloudFormation.send(new CreateStackCommand({ StackName: name, TemplateBody: FOREIGN_TEMPLATE, Tags: [{ Key: 'team', Value: 'payments' }] }));
  await waitUntilStackCreateComplete({ client: cloudFormation, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StackName: name });
}

async function stackOf(name: string) {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
  return Stacks?.[0];
}

async function templateOf(name: string): Promise<unknown> {
  const { TemplateBody } = await cloudFormation.send(new GetTemplateCommand({ StackName: name }));
  return JSON.parse(TemplateBody ?? 'null');
}

describe('harness CLI against moto: only its own stacks', () => {
  const stack = uniqueName('own');
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-cli-own-'));
    await writeFile(
      join(dir, 'harness.config.json'),
      JSON.stringify({ stack, adapters: { ecs: { families: { RenderPdf: { containers: ['Main'], taskTokenVariable: 'TASK_TOKEN' } } } } }),
    );
    await writeFile(join(dir, 'core-only.json'), JSON.stringify({ stack, adapters: {} }));
    await createForeignStack(`${stack}-core`);
    await createForeignStack(`${stack}-ecs`);
  });

  afterAll(async () => {
    for (const name of [`${stack}-ecs`, `${stack}-core`]) await cloudFormation.send(new DeleteStackCommand({ StackName: name })).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('deploy refuses a foreign core stack of the same name, names it and the way forward, and leaves it intact', async () => {
    // Act
    const run = await harness(dir, 'deploy');

    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `✖ Stack ${stack}-core was not deployed by harness for this stack: it should carry the tags harness:stack=${stack}, harness:component=core, and its tags are team=payments. harness deploy left it alone. ` +
        'To fix this, choose another harness stack name (--stack, or "stack" in harness.config.json); or',
    );
    expect(run.stderr).toContain('pass --adopt');
    const core = await stackOf(`${stack}-core`);
    expect(core?.StackStatus).toBe('CREATE_COMPLETE');
    expect(core?.Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
    expect(await templateOf(`${stack}-core`)).toEqual(JSON.parse(FOREIGN_TEMPLATE));
  });

  it('destroy --adapters ecs refuses a foreign ECS stack of the same name and deletes nothing', async () => {
    // Act
    const run = await harness(dir, 'destroy', '--yes', '--adapters', 'ecs');

    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✖ Stack ${stack}-ecs was not deployed by harness for this stack`);
    expect(run.stderr).toContain('harness destroy left it alone and deleted nothing');
    expect((await stackOf(`${stack}-ecs`))?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('destroy refuses before deleting any stack when one of them is foreign', async () => {
    // Act
    const run = await harness(dir, 'destroy', '--yes');

    // Assert
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`✖ Stack ${stack}-ecs was not deployed by harness`);
    expect((await stackOf(`${stack}-ecs`))?.StackStatus).toBe('CREATE_COMPLETE');
    expect((await stackOf(`${stack}-core`))?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('deploy --adopt takes over an untagged stack: tags it and deploys harness\'s template', async () => {
    // Act
    const run = await harness(dir, 'deploy', '--adopt', '--config', 'core-only.json');

    // Assert
    expect(run.stderr).toContain(`✔ ${stack}-core: UPDATE_COMPLETE`);
    expect(run.code).toBe(0);
    const core = await stackOf(`${stack}-core`);
    expect(core?.Tags).toEqual(expect.arrayContaining([{ Key: 'harness:stack', Value: stack }, { Key: 'harness:component', Value: 'core' }]));
    expect(core?.Outputs?.map((output) => output.OutputKey).sort()).toEqual(['ArtifactsBucketName', 'ResultsTableName', 'RoutesTableName']);
  });

  it('destroy --adopt deletes the untagged ECS stack and the adopted core stack', async () => {
    // Act
    const run = await harness(dir, 'destroy', '--yes', '--adopt');

    // Assert
    expect(run.stderr).toContain(`✔ Destroyed ${stack}-ecs, ${stack}-core`);
    expect(run.code).toBe(0);
    expect(await stackOf(`${stack}-ecs`).catch((error: Error) => error.message)).toMatch(/does not exist/);
  });
});
