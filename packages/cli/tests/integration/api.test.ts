import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand, waitUntilStackCreateComplete } from '@aws-sdk/client-cloudformation';
import { ECS_OUTPUTS } from '@harness/ecs';
import { uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteWorkflow, deployDoubles, deployWorkflow, destroyDoubles, ForeignWorkflowStackError, HarnessCommandError } from '../../src/api.js';

const cloudFormation = new CloudFormationClient({});

/** A workflow stack's template: one queue whose name comes from a parameter, and that name as an output. */
const template = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { ClusterArn: { Type: 'String' } },
  Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { Tags: [{ Key: 'cluster', Value: { Ref: 'ClusterArn' } }] } } },
  Outputs: { Cluster: { Value: { Ref: 'ClusterArn' } }, QueueUrl: { Value: { Ref: 'Queue' } } },
};

describe('deployDoubles, deployWorkflow (against moto): a test run wires its workflow to the doubles', () => {
  const stack = uniqueName('api');
  const flowStack = `${stack}-flow`;
  const progress: string[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-cli-api-'));
    await writeFile(join(dir, 'harness.config.json'), JSON.stringify({ stack, adapters: { ecs: { families: { RenderPdf: { containers: ['Main'] } } } } }));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('deploys the doubles and hands back their outputs; a missing output is named with the ones there are', async () => {
    const doubles = await deployDoubles({ cwd: dir, adapters: ['ecs'], onProgress: (line) => progress.push(line) });

    expect(doubles.stack).toBe(stack);
    expect(doubles.output('ecs', ECS_OUTPUTS.clusterArn)).toMatch(/^arn:aws:ecs:us-east-1:\d{12}:cluster\//);
    expect(Object.keys(doubles.outputs).sort()).toEqual(['core', 'ecs']);
    expect(progress.some((line) => line.startsWith(`Deploying harness stack ${stack}`))).toBe(true);
    expect(() => doubles.output('ecs', 'Nope')).toThrow(`The ecs stack of ${stack} has no output Nope (outputs: `);
    expect(() => doubles.output('lambda', 'FunctionArnX')).toThrow('No lambda stack was deployed (deployed: core, ecs). To fix this, add lambda to the adapters.');
  });

  it('deploys the workflow wired to them, leaves it alone when nothing changed, updates it when a parameter did', async () => {
    const doubles = await deployDoubles({ cwd: dir, adapters: ['ecs'], onProgress: () => {} });
    const cluster = doubles.output('ecs', ECS_OUTPUTS.clusterArn);

    const created = await deployWorkflow({ stackName: flowStack, template, parameters: { ClusterArn: cluster }, onProgress: () => {} });
    const again = await deployWorkflow({ stackName: flowStack, template, parameters: { ClusterArn: cluster }, onProgress: () => {} });
    const changed = await deployWorkflow({ stackName: flowStack, template, parameters: { ClusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/other' }, onProgress: () => {} });

    expect([created.action, again.action, changed.action]).toEqual(['created', 'unchanged', 'updated']);
    expect(created.outputs.Cluster).toBe(cluster);
    expect(changed.outputs.Cluster).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/other');
  });

  it('refuses a stack of that name it did not create, and deletes its own', async () => {
    const foreign = `${stack}-theirs`;
    await cloudFormation.send(new CreateStackCommand({ StackName: foreign, TemplateBody: JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }) }));
    await waitUntilStackCreateComplete({ client: cloudFormation, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { StackName: foreign });

    await expect(deployWorkflow({ stackName: foreign, template, parameters: { ClusterArn: 'c' }, onProgress: () => {} })).rejects.toThrow(
      new ForeignWorkflowStackError(
        `Stack ${foreign} exists and was not deployed by deployWorkflow (it lacks the tags harness:stack=${foreign}, harness:component=workflow), so deployWorkflow left it alone. To fix this, give deployWorkflow another stackName, or delete ${foreign} yourself if it is a leftover.`,
      ),
    );
    await expect(deleteWorkflow({ stackName: foreign, onProgress: () => {} })).rejects.toThrow(`so deleteWorkflow left it alone`);
    await deleteWorkflow({ stackName: flowStack, onProgress: () => {} });

    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: foreign }));
    expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: flowStack }))).rejects.toThrow(/does not exist/);
  });

  it('refuses a template larger than CloudFormation takes in a request, before calling it', async () => {
    const large = { ...template, Description: 'x'.repeat(60_000) };

    await expect(deployWorkflow({ stackName: `${stack}-large`, template: large, parameters: { ClusterArn: 'c' }, onProgress: () => {} })).rejects.toThrow(
      /^The template of .*-large is \d+ bytes; CloudFormation takes at most 51200 bytes in a request \(TemplateBody\)\. To fix this, /,
    );
  });

  it('destroys the doubles; a command that fails throws what it printed', async () => {
    await destroyDoubles({ cwd: dir, onProgress: () => {} });

    const failure = await deployDoubles({ cwd: dir, adapters: ['nosuch'], onProgress: () => {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HarnessCommandError);
    expect((failure as HarnessCommandError).message).toMatch(/^`npx harness deploy --json --adapters nosuch` exited with code 1:\n✖ /);
  });
});
