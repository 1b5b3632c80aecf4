import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../helpers/built-cli.js';
import { QUEUE_ADAPTER_PATH, REPO_ROOT } from '../helpers/fixtures.js';

/** A loopback port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  if (address === null || typeof address === 'string') throw new Error(`Expected a TCP address, got ${String(address)}`);
  return address.port;
}

describe('The built CLI (dist/bin.js)', () => {
  let dir: string;
  let env: Record<string, string>;
  let endpoint: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-bin-'));
    await writeFile(join(dir, 'harness.config.json'), JSON.stringify({ stack: 'harness-dev', adapters: {} }));
    endpoint = `http://127.0.0.1:${await closedPort()}`;
    // HOME and the AWS file variables point into the empty directory: no profile of the developer's applies.
    env = {
      HOME: dir,
      USERPROFILE: dir,
      AWS_CONFIG_FILE: join(dir, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_ENDPOINT_URL: endpoint,
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['--version', '-v'])('prints the version of its package.json for %s', async (flag) => {
    // Arrange
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

    // Act
    const run = await runBuiltCli([flag], { cwd: dir, env });

    // Assert
    expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('doctor says the endpoint refused the connection, not that AWS refused the call', async () => {
    const run = await runBuiltCli(['doctor'], { cwd: dir, env });

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`✖ endpoint: Could not connect to the AWS endpoint ${endpoint} (connection refused)\n`);
    expect(run.stdout).toContain('To fix this, start the endpoint or unset AWS_ENDPOINT_URL.');
    expect(run.stdout).not.toContain('refused the call');
  });

  it('a command that calls AWS says the same, with the fix', async () => {
    const run = await runBuiltCli(['outputs'], { cwd: dir, env });

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `✖ Could not connect to the AWS endpoint ${endpoint} (connection refused).\nTo fix this, start the endpoint or unset AWS_ENDPOINT_URL.\n`,
    );
  });

  it('synthesises an adapter named by its path from the working directory, without AWS', async () => {
    // Arrange
    const configPath = join(dir, 'queue.config.json');
    await writeFile(configPath, JSON.stringify({ stack: 'harness-dev', adapters: { queue: { queues: ['orders'] } } }));

    // Act
    const run = await runBuiltCli(['synth', '--config', configPath, '--adapters', QUEUE_ADAPTER_PATH, '--out', join(dir, 'out')], { cwd: REPO_ROOT, env });

    // Assert
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const template = JSON.parse(await readFile(join(dir, 'out', 'harness-dev-queue.template.json'), 'utf8'));
    expect(template.Resources.QueueOrders).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { QueueName: 'harness-dev-orders' } });
  });
});
