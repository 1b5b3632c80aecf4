import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeClustersCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { bootstrapEntryPoint, readAgentArtifact } from '@harness/container-agent';
import { runCli as harness, uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cloudFormation = new CloudFormationClient({});
const dynamodb = new DynamoDBClient({});
const ecs = new ECSClient({});
const s3 = new S3Client({ forcePathStyle: true });
const sqs = new SQSClient({});

function family(containers: unknown[]) {
  return { containers, taskTokenVariable: 'TASK_TOKEN' };
}

describe('harness CLI against moto', () => {
  const stack = uniqueName('cli');
  let dir: string;
  let coreOutputs: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-cli-it-'));
    await writeFile(
      join(dir, 'harness.config.json'),
      JSON.stringify({
        stack,
        adapters: { ecs: { families: { RenderPdf: family(['Main', { name: 'Sidecar', essential: false }]) } } },
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function stackOf(name: string) {
    const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
    return Stacks?.[0];
  }

  it('deploys the core and ECS stacks', async () => {
    // Act
    const run = await harness(dir, 'deploy', '--adapters', 'ecs');

    // Assert
    expect(run.stderr).toContain(`✔ ${stack}-core: CREATE_COMPLETE`);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/CREATE_IN_PROGRESS/);
    expect(run.stdout).toContain(`${stack}-ecs (CREATE_COMPLETE)`);
    const core = await stackOf(`${stack}-core`);
    const ecsStack = await stackOf(`${stack}-ecs`);
    expect(core?.StackStatus).toBe('CREATE_COMPLETE');
    expect(ecsStack?.StackStatus).toBe('CREATE_COMPLETE');
    coreOutputs = Object.fromEntries((core?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
    console.info(`cold deploy (moto): ${run.ms} ms`);
  });

  it('created the tables, the bucket and the cluster', async () => {
    for (const [output, key] of [
      ['RoutesTableName', 'double'],
      ['ResultsTableName', 'invocationId'],
    ] as const) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: coreOutputs[output] }));
      expect(Table?.KeySchema).toEqual([{ AttributeName: key, KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    }
    await expect(s3.send(new HeadBucketCommand({ Bucket: coreOutputs.ArtifactsBucketName }))).resolves.toBeDefined();
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [`${stack}-doubles`] }));
    expect(clusters?.[0]?.status).toBe('ACTIVE');
  });

  it('registered the task definition with the bootstrap entryPoint, the pinned SHA-256 and the double\'s environment', async () => {
    // Arrange
    const agent = readAgentArtifact();

    // Act
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'RenderPdf' }));

    // Assert
    expect(taskDefinition?.family).toBe('RenderPdf');
    const containers = taskDefinition?.containerDefinitions ?? [];
    expect(containers.map((container) => [container.name, container.essential])).toEqual([
      ['Main', true],
      ['Sidecar', false],
    ]);
    for (const container of containers) {
      expect(container.entryPoint).toEqual(bootstrapEntryPoint());
      const environment = Object.fromEntries((container.environment ?? []).map(({ name, value }) => [name, value]));
      expect(environment).toEqual({
        HARNESS_ROUTES_TABLE: coreOutputs.RoutesTableName,
        HARNESS_RESULTS_TABLE: coreOutputs.ResultsTableName,
        HARNESS_DOUBLE: 'ecs:RenderPdf',
        HARNESS_TIMEOUT_MS: '900000',
        HARNESS_AGENT_BUCKET: coreOutputs.ArtifactsBucketName,
        HARNESS_AGENT_KEY: `agents/container-agent-${agent.sha256}.cjs`,
        HARNESS_AGENT_SHA256: agent.sha256,
        HARNESS_TASK_TOKEN_VARIABLE: 'TASK_TOKEN',
        AWS_REGION: 'us-east-1',
      });
      expect(container.logConfiguration).toEqual({
        logDriver: 'awslogs',
        options: { 'awslogs-group': `/harness/${stack}/ecs`, 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'RenderPdf' },
      });
    }
  });

  it('uploaded the agent whose SHA-256 the task definition pins', async () => {
    // Arrange
    const { sha256 } = readAgentArtifact();

    // Act
    const object = await s3.send(new GetObjectCommand({ Bucket: coreOutputs.ArtifactsBucketName, Key: `agents/container-agent-${sha256}.cjs` }));
    const bytes = await object.Body?.transformToByteArray();

    // Assert
    expect(createHash('sha256').update(bytes ?? new Uint8Array()).digest('hex')).toBe(sha256);
    expect(object.ContentType).toBe('text/javascript');
  });

  it('deploys again with no changes', async () => {
    // Act
    const run = await harness(dir, 'deploy', '--adapters', 'ecs', '--json');

    // Assert
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.stacks[`${stack}-core`].action).toBe('unchanged');
    expect(result.stacks[`${stack}-ecs`].action).toBe('unchanged');
    expect(run.stderr).toContain('already there: s3://');
    expect(run.stderr).not.toContain('UPDATE_IN_PROGRESS');
    expect((await stackOf(`${stack}-ecs`))?.StackStatus).toBe('CREATE_COMPLETE');
    console.info(`no-change deploy (moto): ${run.ms} ms`);
  });

  it('updates the ECS stack through S3 when its template outgrows TemplateBody', async () => {
    // Arrange: enough families to pass CloudFormation's 51 200-byte TemplateBody limit.
    const containers = ['Main', { name: 'Sidecar', essential: false }];
    await writeFile(
      join(dir, 'harness.config.json'),
      JSON.stringify({
        stack,
        adapters: { ecs: { families: { RenderPdf: family(containers), NightlyReport: family(containers), Resize: family(containers) } } },
      }),
    );

    // Act
    const run = await harness(dir, 'deploy');

    // Assert
    expect(run.stderr).toContain(`✔ ${stack}-ecs: UPDATE_COMPLETE`);
    expect(run.code).toBe(0);
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'Resize' }));
    expect(taskDefinition?.containerDefinitions?.[0]?.entryPoint).toEqual(bootstrapEntryPoint());
    const templates = await s3.send(new ListObjectsV2Command({ Bucket: coreOutputs.ArtifactsBucketName, Prefix: 'templates/' }));
    expect(templates.Contents?.map((object) => object.Key)).toEqual([expect.stringMatching(new RegExp(`^templates/${stack}-ecs-[0-9a-f]{64}\\.json$`))]);
  });

  it('prints every stack\'s outputs as JSON', async () => {
    // Act
    const run = await harness(dir, 'outputs', '--json');

    // Assert
    expect(run.code).toBe(0);
    const outputs = JSON.parse(run.stdout);
    expect(outputs.stacks[`${stack}-core`].outputs).toEqual(coreOutputs);
    expect(outputs.stacks[`${stack}-ecs`].outputs).toMatchObject({
      ClusterName: `${stack}-doubles`,
      ContainerNamesRenderPdf: 'Main,Sidecar',
      ContainerNamesResize: 'Main,Sidecar',
    });
    expect(outputs.stacks[`${stack}-ecs`].outputs.TaskDefinitionNightlyReport).toMatch(/:task-definition\/NightlyReport:\d+$/);
  });

  it('passes doctor', async () => {
    const run = await harness(dir, 'doctor');

    expect(run.stdout).toContain('✔ credentials: account 123456789012');
    expect(run.stdout).toContain(`✔ stack ${stack}-ecs: UPDATE_COMPLETE`);
    expect(run.code).toBe(0);
  });

  it('says how to locate an adapter that is neither harness\'s own nor given a "package", without suggesting a made-up package', async () => {
    const run = await harness(dir, 'deploy', '--adapters', 'eventbridge');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `There is no adapter 'eventbridge': harness's own adapters are ecs, lambda, stepfunctions, and ${join(dir, 'harness.config.json')} has no adapters.eventbridge that names its "package". ` +
        'To fix this, if eventbridge is your own adapter, add "package"',
    );
    expect(run.stderr).not.toContain('@harness/eventbridge');
  });

  it('refuses to destroy without --yes when stdin is not a terminal', async () => {
    const run = await harness(dir, 'destroy');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('To fix this, pass --yes to confirm.');
    expect((await stackOf(`${stack}-core`))?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('destroys the stacks, the bucket and the queues of sessions that did not close', async () => {
    // Arrange: the queue a killed test session left (named and tagged as the session makes it), and a
    // queue under the same prefix that another stack's session made
    const leftover = await sqs.send(new CreateQueueCommand({ QueueName: `${stack}-session-killed1`, tags: { 'harness:stack': stack, 'harness:session': 'killed1' } }));
    const foreign = await sqs.send(new CreateQueueCommand({ QueueName: `${stack}-session-x-session-s2`, tags: { 'harness:stack': `${stack}-session-x`, 'harness:session': 's2' } }));

    // Act
    const run = await harness(dir, 'destroy', '--yes');

    // Assert
    const remaining = (await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${stack}-session-` }))).QueueUrls ?? [];
    await sqs.send(new DeleteQueueCommand({ QueueUrl: foreign.QueueUrl }));
    expect(remaining).toEqual([foreign.QueueUrl]);
    expect(remaining).not.toContain(leftover.QueueUrl);
    expect(run.stderr).toContain('✔ deleted 1 session queue left by test sessions that did not close');
    expect(run.stderr).toContain(`✔ ${stack}-core: DELETE_COMPLETE`);
    expect(run.code).toBe(0);
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: `${stack}-core` }))).rejects.toThrow(/does not exist/);
    await expect(cloudFormation.send(new DescribeStacksCommand({ StackName: `${stack}-ecs` }))).rejects.toThrow(/does not exist/);
    await expect(s3.send(new HeadBucketCommand({ Bucket: coreOutputs.ArtifactsBucketName }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('destroys again without complaint when nothing is left', async () => {
    const run = await harness(dir, 'destroy', '--yes', '--json');

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ stacks: { [`${stack}-ecs`]: 'absent', [`${stack}-core`]: 'absent' }, sessionQueues: 0 });
  });
});
