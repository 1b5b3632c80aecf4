import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildCli, formatError, runCli } from '../../src/cli.js';
import { recordingRuntime } from '../helpers/runtime.js';

const COMMANDS = ['deploy', 'synth', 'outputs', 'destroy', 'doctor'];
const cfnMock = mockClient(CloudFormationClient);
const stsMock = mockClient(STSClient);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harness-cli-'));
  await writeFile(
    join(dir, 'harness.config.json'),
    JSON.stringify({ stack: 'harness-dev', adapters: { ecs: { families: { RenderPdf: { containers: ['Main', 'Sidecar'] } } } } }),
  );
  await writeFile(join(dir, 'core-only.json'), JSON.stringify({ stack: 'harness-dev', adapters: {} }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  cfnMock.reset();
  stsMock.reset();
});

function helpOf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    void buildCli(recordingRuntime()).parse(args, (error: Error | undefined, _argv: unknown, output: string) =>
      error ? reject(error) : resolve(output),
    );
  });
}

describe('Function: buildCli', () => {
  it('lists every command in --help', async () => {
    const help = await helpOf(['--help']);

    for (const command of COMMANDS) expect(help).toContain(`harness ${command}`);
  });

  it.each(COMMANDS)('shows examples in `%s --help`', async (command) => {
    const help = await helpOf([command, '--help']);

    expect(help).toContain('Examples:');
    expect(help).toMatch(new RegExp(`harness ${command}\\b`));
    expect(help).toContain('--config');
  });

  it('parses a command line without running it when asked for help', async () => {
    const help = await helpOf(['deploy', '--adapters', 'ecs', '--help']);

    expect(help).toContain('--adapters');
  });
});

describe('Function: runCli', () => {
  it('refuses a misspelt command, suggests the right one and says where to look', async () => {
    const runtime = recordingRuntime();

    const code = await runCli(['deplyo'], runtime);

    expect(code).toBe(1);
    expect(runtime.err.join('')).toContain('Did you mean deploy?');
    expect(runtime.err.join('')).toContain('To fix this, see `harness --help`');
  });

  it('refuses an unknown option', async () => {
    const runtime = recordingRuntime();

    expect(await runCli(['deploy', '--adapter', 'ecs'], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain('Unknown argument: adapter');
  });

  it('asks for a command', async () => {
    const runtime = recordingRuntime();

    expect(await runCli([], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain('Name a command: deploy, synth, outputs, destroy or doctor.');
  });

  it('synthesizes the core and adapter templates without AWS', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });

    // Act
    const code = await runCli(['synth', '--out', 'templates'], runtime);

    // Assert
    expect(code).toBe(0);
    expect(runtime.out).toEqual([
      `${join('templates', 'harness-dev-core.template.json')}\n`,
      `${join('templates', 'harness-dev-ecs.template.json')}\n`,
    ]);
    const ecs = JSON.parse(await readFile(join(dir, 'templates', 'harness-dev-ecs.template.json'), 'utf8'));
    const environment = ecs.Resources.TaskDefinitionRenderPdf.Properties.ContainerDefinitions[0].Environment;
    expect(environment).toContainEqual({ Name: 'HARNESS_ROUTES_TABLE', Value: '<harness-dev-core.RoutesTableName>' });
    expect(environment.find((variable: { Name: string }) => variable.Name === 'HARNESS_AGENT_SHA256').Value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the config file when it is missing', async () => {
    const runtime = recordingRuntime({ cwd: dir });

    expect(await runCli(['synth', '--config', 'nope.json'], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain(`✖ No harness config at ${join(dir, 'nope.json')}. To fix this, create it`);
  });

  it('refuses to destroy without --yes when nobody can be asked', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir, interactive: false });

    // Act
    const code = await runCli(['destroy', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.err.join('')).toMatchInlineSnapshot(`
      "✖ harness destroy would delete harness-dev-ecs, harness-dev-core in us-east-1, and stdin is not a terminal to ask on. To fix this, pass --yes to confirm.
      "
    `);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  it('deletes nothing when the person at the terminal says no', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir, interactive: true, answer: false });

    // Act
    const code = await runCli(['destroy', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.questions).toEqual(['Delete harness-dev-ecs, harness-dev-core in us-east-1, with every artifact in the bucket?']);
    expect(runtime.err.join('')).toContain('Cancelled: nothing was deleted.');
    expect(cfnMock.calls()).toHaveLength(0);
  });

  it('keeps the core stack while another stack of this harness stack still uses it', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    cfnMock.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      if (input.StackName === 'harness-dev-ecs') {
        throw Object.assign(new Error('Stack with id harness-dev-ecs does not exist'), { name: 'ValidationError' });
      }
      const tags = [{ Key: 'harness:stack', Value: 'harness-dev' }];
      const core = { StackName: 'harness-dev-core', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Tags: tags };
      if (input.StackName === 'harness-dev-core') return { Stacks: [core] };
      return {
        Stacks: [
          core,
          { StackName: 'harness-dev-lambda', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Tags: tags },
          { StackName: 'unrelated', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() },
        ],
      };
    });

    // Act
    const code = await runCli(['destroy', '--yes', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.err.join('')).toContain(
      `✖ harness-dev-core is still used by harness-dev-lambda, which is not in ${join(dir, 'harness.config.json')}. To fix this, delete it first: \`harness destroy --adapters lambda --yes\`.`,
    );
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('prints the failed resources\' reasons and exits 1 when a deploy fails', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    cfnMock
      .on(DescribeStacksCommand)
      .rejectsOnce(Object.assign(new Error('Stack with id harness-dev-core does not exist'), { name: 'ValidationError' }))
      .resolves({ Stacks: [{ StackName: 'harness-dev-core', StackId: 'id', StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }] });
    cfnMock.on(CreateStackCommand).resolves({ StackId: 'id' });
    cfnMock.on(DescribeStackEventsCommand).resolves({
      StackEvents: [
        { EventId: '3', StackId: 'id', StackName: 'harness-dev-core', LogicalResourceId: 'harness-dev-core', ResourceType: 'AWS::CloudFormation::Stack', ResourceStatus: 'ROLLBACK_COMPLETE', Timestamp: new Date() },
        { EventId: '2', StackId: 'id', StackName: 'harness-dev-core', LogicalResourceId: 'ArtifactsBucket', ResourceType: 'AWS::S3::Bucket', ResourceStatus: 'CREATE_FAILED', ResourceStatusReason: 'API: s3:CreateBucket Access Denied', Timestamp: new Date() },
      ],
    });

    // Act
    const code = await runCli(['deploy', '--config', 'core-only.json', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    const err = runtime.err.join('');
    expect(err).toMatch(/ArtifactsBucket +AWS::S3::Bucket +CREATE_FAILED  API: s3:CreateBucket Access Denied/);
    expect(err).toContain('✖ Could not create stack harness-dev-core: it ended ROLLBACK_COMPLETE.\n  ArtifactsBucket (AWS::S3::Bucket): API: s3:CreateBucket Access Denied\n');
  });

  it('doctor prints the account and ARN, a fix for each problem, and exits 1', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir, env: { AWS_ACCESS_KEY_ID: 'AKIASECRETSHOULDNOTSHOW' } });
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev', UserId: 'AIDA' });
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'harness-dev-core' })
      .resolves({ Stacks: [{ StackName: 'harness-dev-core', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] })
      .on(DescribeStacksCommand, { StackName: 'harness-dev-ecs' })
      .rejects(Object.assign(new Error('Stack with id harness-dev-ecs does not exist'), { name: 'ValidationError' }));

    // Act
    const code = await runCli(['doctor', '--region', 'eu-west-1'], runtime);

    // Assert
    expect(code).toBe(1);
    const out = runtime.out.join('');
    expect(out).toContain('✔ credentials: account 123456789012, arn:aws:iam::123456789012:user/dev');
    expect(out).toContain('✔ region: eu-west-1 (from --region)');
    expect(out).toContain('✔ stack harness-dev-core: CREATE_COMPLETE');
    expect(out).toContain('✖ stack harness-dev-ecs: not deployed\n    To fix this, run `harness deploy`');
    expect(out).not.toContain('AKIASECRETSHOULDNOTSHOW');
  });

  it('doctor --json is parseable and says ok', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev' });
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'x', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });

    // Act
    const code = await runCli(['doctor', '--json', '--region', 'eu-west-1'], runtime);

    // Assert
    expect(code).toBe(0);
    const report = JSON.parse(runtime.out.join(''));
    expect(report.ok).toBe(true);
    expect(report.checks.map((check: { check: string }) => check.check)).toEqual([
      'node',
      'config',
      'adapter ecs',
      'endpoint',
      'region',
      'credentials',
      'stack harness-dev-core',
      'stack harness-dev-ecs',
    ]);
  });

  it('outputs --json lists every stack, and says which are not deployed', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'harness-dev-core' })
      .resolves({
        Stacks: [
          { StackName: 'harness-dev-core', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [{ OutputKey: 'RoutesTableName', OutputValue: 'routes' }] },
        ],
      })
      .on(DescribeStacksCommand, { StackName: 'harness-dev-ecs' })
      .rejects(Object.assign(new Error('Stack with id harness-dev-ecs does not exist'), { name: 'ValidationError' }));

    // Act
    const code = await runCli(['outputs', '--json', '--region', 'eu-west-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(JSON.parse(runtime.out.join(''))).toEqual({
      stack: 'harness-dev',
      stacks: {
        'harness-dev-core': { status: 'CREATE_COMPLETE', outputs: { RoutesTableName: 'routes' } },
        'harness-dev-ecs': { status: 'NOT_DEPLOYED', outputs: {} },
      },
    });
    expect(runtime.err.join('')).toContain('harness-dev-ecs is not deployed. To fix this, run `harness deploy`.');
  });
});

describe('Function: formatError', () => {
  it('shows what an AWS-compatible endpoint said when the SDK could not read it', () => {
    const error = Object.assign(new Error('XML parse error'), {
      name: 'Error',
      $metadata: { httpStatusCode: 400 },
      $response: { body: '{"__type": "ResourceAlreadyExistsException"}' },
    });

    expect(formatError(error)).toMatchInlineSnapshot(`
      "✖ AWS refused the call: Error: XML parse error
        The endpoint answered: {"__type": "ResourceAlreadyExistsException"}
      To fix this, check the credentials, region and endpoint with \`harness doctor\`."
    `);
  });
});
