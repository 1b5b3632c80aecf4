import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
import { QUEUE_ADAPTER_FIXTURE } from '../helpers/fixtures.js';
import { recordingRuntime } from '../helpers/runtime.js';
import { hostNotFound, noCredentials, refusedConnection } from '../helpers/sdk-errors.js';

const COMMANDS = ['deploy', 'synth', 'outputs', 'destroy', 'doctor', 'new'];
const MOTO = { AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
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

  it.each(['--version', '-v'])('prints the version of its package.json for %s', async (flag) => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

    const output = await helpOf([flag]);

    expect(output).toBe(version);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('lists --version and -v in --help', async () => {
    expect(await helpOf(['--help'])).toMatch(/-v, --version +Show the version of @harness\/cli/);
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
    expect(runtime.err.join('')).toContain('To fix this, see `npx harness --help`');
  });

  it('refuses an unknown option', async () => {
    const runtime = recordingRuntime();

    expect(await runCli(['deploy', '--adapter', 'ecs'], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain('Unknown argument: adapter');
  });

  it('asks for a command', async () => {
    const runtime = recordingRuntime();

    expect(await runCli([], runtime)).toBe(1);
    expect(runtime.err.join('')).toContain('Name a command: deploy, synth, outputs, destroy, doctor, new, coverage or moto.');
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
    const tags = (component: string) => [
      { Key: 'harness:stack', Value: 'harness-dev' },
      { Key: 'harness:component', Value: component },
    ];
    cfnMock.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => ({
      Stacks: [{ StackName: input.StackName, StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Tags: tags(input.StackName === 'harness-dev-ecs' ? 'ecs' : 'core') }],
    }));

    // Act
    const code = await runCli(['destroy', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.questions).toEqual(['Delete harness-dev-ecs, harness-dev-core in us-east-1, with every artifact in the bucket?']);
    expect(runtime.err.join('')).toContain('Cancelled: nothing was deleted.');
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('keeps the core stack while another stack of this harness stack still uses it', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    cfnMock.on(DescribeStacksCommand).callsFake((input: { StackName?: string }) => {
      if (input.StackName === 'harness-dev-ecs') {
        throw Object.assign(new Error('Stack with id harness-dev-ecs does not exist'), { name: 'ValidationError' });
      }
      const tags = [{ Key: 'harness:stack', Value: 'harness-dev' }];
      const core = { StackName: 'harness-dev-core', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Tags: [...tags, { Key: 'harness:component', Value: 'core' }] };
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
      `✖ harness-dev-core is still used by harness-dev-lambda, which is not in ${join(dir, 'harness.config.json')}. To fix this, delete it first: \`npx harness destroy --adapters lambda --yes\`.`,
    );
    expect(cfnMock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it('prints the failed resources\' reasons and exits 1 when a deploy fails', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    cfnMock
      .on(DescribeStacksCommand)
      // Not there when deploy checks who owns it, nor when it decides to create it.
      .rejectsOnce(Object.assign(new Error('Stack with id harness-dev-core does not exist'), { name: 'ValidationError' }))
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
    expect(out).toContain('✖ stack harness-dev-ecs: not deployed\n    To fix this, run `npx harness deploy`');
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

  it('doctor loads an adapter of the user\'s own by its "package", and never suggests a made-up @harness/<name>', async () => {
    // Arrange
    const configPath = join(dir, 'own-adapters.json');
    await writeFile(
      configPath,
      JSON.stringify({ stack: 'harness-dev', adapters: { queue: { package: QUEUE_ADAPTER_FIXTURE, queues: ['orders'] }, dynamodb: { tables: ['Orders'] } } }),
    );
    const runtime = recordingRuntime({ cwd: dir });
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev' });
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'x', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }] });

    // Act
    const code = await runCli(['doctor', '--config', configPath, '--region', 'eu-west-1'], runtime);

    // Assert
    expect(code).toBe(1);
    const out = runtime.out.join('');
    expect(out).toContain(`✔ adapter queue: ${QUEUE_ADAPTER_FIXTURE} (${join(QUEUE_ADAPTER_FIXTURE, 'index.js')}) loads and its config is valid\n`);
    expect(out).toContain(
      `✖ adapter dynamodb: There is no adapter 'dynamodb': harness's own adapters are ecs, lambda, stepfunctions, and adapters.dynamodb in ${configPath} names no "package".\n` +
        '    To fix this, if dynamodb is your own adapter, add "package"',
    );
    expect(out).not.toContain('@harness/dynamodb');
  });

  it('doctor gives a failed stack its own way forward, and an HTTP 500 no permissions hint', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev' });
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'harness-dev-core' })
      .resolves({ Stacks: [{ StackName: 'harness-dev-core', StackStatus: 'UPDATE_ROLLBACK_FAILED', StackStatusReason: 'Table: not stabilized', CreationTime: new Date() }] })
      .on(DescribeStacksCommand, { StackName: 'harness-dev-ecs' })
      .rejects(Object.assign(new Error('Internal Server Error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500, attempts: 3 } }));

    // Act
    const code = await runCli(['doctor', '--region', 'eu-west-1'], runtime);

    // Assert
    expect(code).toBe(1);
    const out = runtime.out.join('');
    expect(out).toContain(
      '✖ stack harness-dev-core: UPDATE_ROLLBACK_FAILED (Table: not stabilized)\n    To fix this, finish the rollback: `aws cloudformation continue-update-rollback --stack-name harness-dev-core`',
    );
    expect(out).toContain('✖ stack harness-dev-ecs: AWS failed the call (HTTP 500): InternalFailure: Internal Server Error\n    To fix this, run the command again;');
    expect(out).not.toContain('permission');
  });

  it('doctor says a stopped endpoint is the endpoint\'s problem, not the credentials\'', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir, env: MOTO });
    stsMock.on(GetCallerIdentityCommand).rejects(refusedConnection('127.0.0.1', 5000));

    // Act
    const code = await runCli(['doctor', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    const out = runtime.out.join('');
    expect(out).toContain(
      '✖ endpoint: Could not connect to the AWS endpoint http://127.0.0.1:5000 (connection refused)\n    To fix this, start the endpoint or unset AWS_ENDPOINT_URL.\n',
    );
    expect(out).not.toContain('credentials');
    expect(out).not.toContain('refused the call');
    expect(cfnMock.calls()).toHaveLength(0);
  });

  it('doctor says missing credentials are missing, and how to configure them', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    stsMock.on(GetCallerIdentityCommand).rejects(noCredentials());

    // Act
    const code = await runCli(['doctor', '--region', 'eu-west-1'], runtime);

    // Assert
    expect(code).toBe(1);
    const out = runtime.out.join('');
    expect(out).toContain('✔ endpoint: AWS (no AWS_ENDPOINT_URL)');
    expect(out).toContain(
      '✖ credentials: Could not load AWS credentials: Could not load credentials from any providers\n' +
        '    To fix this, configure credentials: `aws configure`, `aws sso login`, AWS_PROFILE, or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.',
    );
  });

  it('doctor says which region to check when the AWS host name does not resolve', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    stsMock.on(GetCallerIdentityCommand).rejects(hostNotFound('sts.eu-wset-1.amazonaws.com'));

    // Act
    const code = await runCli(['doctor', '--region', 'eu-wset-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.out.join('')).toContain(
      '✖ endpoint: Could not connect to the AWS endpoint sts.eu-wset-1.amazonaws.com (host name not found)\n    To fix this, check that eu-wset-1 is an AWS region',
    );
  });

  it('doctor names the credentials when AWS refuses them', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir });
    stsMock
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId', $metadata: { httpStatusCode: 403 } }));

    // Act
    await runCli(['doctor', '--region', 'eu-west-1'], runtime);

    // Assert
    expect(runtime.out.join('')).toContain(
      '✖ credentials: sts:GetCallerIdentity: AWS refused the call: InvalidClientTokenId: The security token included in the request is invalid\n    To fix this, configure credentials:',
    );
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
    expect(runtime.err.join('')).toContain('harness-dev-ecs is not deployed. To fix this, run `npx harness deploy`.');
  });
});

describe('Function: formatError', () => {
  it('says a refused connection is one, naming the endpoint and the fix, not that AWS refused', async () => {
    // Arrange
    const runtime = recordingRuntime({ cwd: dir, env: MOTO });
    cfnMock.on(DescribeStacksCommand).rejects(refusedConnection('127.0.0.1', 5000));

    // Act
    const code = await runCli(['outputs', '--region', 'us-east-1'], runtime);

    // Assert
    expect(code).toBe(1);
    expect(runtime.err.join('')).toMatchInlineSnapshot(`
      "✖ Could not connect to the AWS endpoint http://127.0.0.1:5000 (connection refused).
      To fix this, start the endpoint or unset AWS_ENDPOINT_URL.
      "
    `);
  });

  it.each([
    ['missing credentials', noCredentials(), {}, '✖ Could not load AWS credentials: Could not load credentials from any providers.\nTo fix this, configure credentials:'],
    ['a missing region', new Error('Region is missing'), {}, '✖ No AWS region is configured.\nTo fix this, set AWS_REGION, add "region" to harness.config.json, or pass --region.'],
    ['a host name that does not resolve', hostNotFound('moto'), { AWS_ENDPOINT_URL: 'http://moto:5000' }, '✖ Could not connect to the AWS endpoint http://moto:5000 (host name not found).\nTo fix this, correct the host name in AWS_ENDPOINT_URL'],
  ])('says what %s is, and the fix', (_case, error, env, message) => {
    const formatted = formatError(error, env);

    expect(formatted.startsWith(message)).toBe(true);
    expect(formatted).not.toContain('refused the call');
  });

  it('says AWS refused the call when AWS answered with an error', () => {
    const error = Object.assign(new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudformation:CreateStack'), {
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 },
    });

    expect(formatError(error, {})).toMatchInlineSnapshot(`
      "✖ AWS refused the call: AccessDenied: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: cloudformation:CreateStack.
      To fix this, check the credentials, region and endpoint with \`npx harness doctor\`."
    `);
  });

  it('shows what an AWS-compatible endpoint said when the SDK could not read it', () => {
    const error = Object.assign(new Error('XML parse error'), {
      name: 'Error',
      $metadata: { httpStatusCode: 400 },
      $response: { body: '{"__type": "ResourceAlreadyExistsException"}' },
    });

    expect(formatError(error, MOTO)).toMatchInlineSnapshot(`
      "✖ The endpoint http://127.0.0.1:5000 refused the call: Error: XML parse error.
        The endpoint answered: {"__type": "ResourceAlreadyExistsException"}
      To fix this, check the credentials, region and endpoint with \`npx harness doctor\`."
    `);
  });
});

describe('Suggestions', () => {
  // `npx harness` runs the project's own install or else the global one; a bare `harness` needs a global install on PATH.
  it('never tell the user to run a bare `harness` command', async () => {
    const source = new URL('../../src/', import.meta.url);
    const files = (await readdir(source, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const bare: string[] = [];
    for (const file of files) {
      const lines = (await readFile(new URL(file, source), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        const comment = /^\s*(\/\/|\/\*|\*)/.test(line);
        // A code span in a template literal (\`harness) or in a quoted string ('… `harness').
        const suggestion = /\\`harness\b/.test(line) || /'[^']*`harness\b/.test(line);
        if (!comment && suggestion) bare.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }

    expect(files.length).toBeGreaterThan(10);
    expect(bare).toEqual([]);
  });
});
