import { AGENT_EXIT_CODES } from '@harness/core/protocol';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as PackageApi from '../../src/index.js';
import {
  AGENT_PATH,
  DIST,
  createStack,
  loadBuiltPackage,
  motoEndpoint,
  putObject,
  runNode,
  startLocalEndpoints,
  type LocalEndpoints,
  type Stack,
} from './support.js';

const sha256 = (body: string | Uint8Array) => createHash('sha256').update(body).digest('hex');

// A stand-in agent, CommonJS as the built one: proves the bootstrap runs what it fetched and passes the command through.
const testAgent = (marker: string) =>
  `exports.main = async function main(command) { console.log(JSON.stringify({ marker: ${JSON.stringify(marker)}, command })); return 5; };\n`;

let pkg: typeof PackageApi;
let stack: Stack;
let endpoints: LocalEndpoints;
let scratch: string;

beforeAll(async () => {
  pkg = await loadBuiltPackage();
  stack = await createStack();
  endpoints = await startLocalEndpoints({
    container: 'renderer',
    taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/harness/abc',
    family: 'RenderPdf',
    revision: 1,
    cluster: 'harness',
  });
});

afterAll(async () => {
  await endpoints?.close();
});

// Only what ECS gives a container with a task role: no static credentials.
function containerEnv(extra: Record<string, string>): Record<string, string> {
  scratch = mkdtempSync(join(tmpdir(), 'harness-bootstrap-test-'));
  return {
    TMPDIR: scratch,
    AWS_ENDPOINT_URL: motoEndpoint(),
    AWS_REGION: 'us-east-1',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoints.credentialsUri,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoints.authorizationToken,
    HARNESS_AGENT_BUCKET: stack.bucket,
    ...extra,
  };
}

describe('Bootstrap (built, run as node -e)', () => {
  it('fetches the agent from S3 with the container credentials, checks its SHA-256 and runs main(command) from memory', async () => {
    // Arrange
    const body = testAgent(randomBytes(8).toString('hex'));
    await putObject(stack.bucket, 'agent/test-agent.cjs', body);
    const env = containerEnv({ HARNESS_AGENT_KEY: 'agent/test-agent.cjs', HARNESS_AGENT_SHA256: sha256(body) });
    const requestsBefore = endpoints.credentialRequests.length;

    // Act
    const run = await runNode(['-e', pkg.BOOTSTRAP_SCRIPT, '--', '--order', 'o 1'], env);

    // Assert
    expect(run.stderr).toBe('');
    expect(run.code).toBe(5);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ command: ['--order', 'o 1'] });
    expect(endpoints.credentialRequests.slice(requestsBefore)).toEqual([endpoints.authorizationToken]);
    // Compiled from the verified bytes in memory: nothing written between the check and the run.
    expect(readdirSync(scratch)).toEqual([]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses an agent whose SHA-256 is not the pinned one: exit 77, nothing written, both hashes and the location logged', async () => {
    // Arrange
    const tampered = testAgent(`tampered-${randomBytes(8).toString('hex')}`);
    const pinned = sha256('the agent that was deployed');
    await putObject(stack.bucket, 'agent/tampered.mjs', tampered);
    const env = containerEnv({ HARNESS_AGENT_KEY: 'agent/tampered.mjs', HARNESS_AGENT_SHA256: pinned });

    // Act
    const run = await runNode(['-e', pkg.BOOTSTRAP_SCRIPT, '--', 'a', 'b'], env);

    // Assert
    expect(run.code).toBe(AGENT_EXIT_CODES.integrityError);
    expect(run.stdout).not.toContain('tampered-');
    expect(readdirSync(scratch)).toEqual([]);
    expect(run.logs).toHaveLength(1);
    expect(run.logs[0]).toMatchObject({
      level: 'error',
      component: 'bootstrap',
      expectedSha256: pinned,
      actualSha256: sha256(tampered),
      bucket: stack.bucket,
      key: 'agent/tampered.mjs',
    });
    expect(run.logs[0]?.message).toContain(`s3://${stack.bucket}/agent/tampered.mjs`);
    expect(run.logs[0]?.message).toContain(pinned);
    expect(run.logs[0]?.message).toContain(sha256(tampered));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('exits 70 with a JSON error naming the S3 location and the AWS error when the agent cannot be fetched', async () => {
    // Arrange
    const env = containerEnv({ HARNESS_AGENT_KEY: 'agent/missing.mjs', HARNESS_AGENT_SHA256: sha256('x') });

    // Act
    const run = await runNode(['-e', pkg.BOOTSTRAP_SCRIPT, '--'], env);

    // Assert
    expect(run.code).toBe(AGENT_EXIT_CODES.internalError);
    expect(run.logs[0]).toMatchObject({ level: 'error', component: 'bootstrap' });
    expect(run.logs[0]?.message).toMatch(new RegExp(`^could not fetch the container agent from s3://${stack.bucket}/agent/missing.mjs: s3 GetObject failed: HTTP 404 NoSuchKey`));
    expect(readdirSync(scratch)).toEqual([]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('exits 70 without fetching anything when the credentials endpoint refuses the token, logging no token', async () => {
    // Arrange
    const env = containerEnv({
      HARNESS_AGENT_KEY: 'agent/test-agent.cjs',
      HARNESS_AGENT_SHA256: sha256('x'),
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong-token-value',
    });

    // Act
    const run = await runNode(['-e', pkg.BOOTSTRAP_SCRIPT, '--'], env);

    // Assert
    expect(run.code).toBe(AGENT_EXIT_CODES.internalError);
    expect(run.logs[0]?.message).toMatch(/could not fetch the container agent .*: GET http:\/\/127\.0\.0\.1:\d+\/credentials failed: HTTP 403/);
    expect(run.stdout).not.toContain('wrong-token-value');
    rmSync(scratch, { recursive: true, force: true });
  });
});

describe('Built package API', () => {
  it('is the same from dist/index.js and dist/index.cjs: entry point, artifact path and hash', async () => {
    // Arrange
    const script = (loader: string) =>
      `${loader}.then((m) => { const a = m.readAgentArtifact(); console.log(JSON.stringify({ path: m.agentArtifactPath(), sha256: a.sha256, size: a.body.byteLength, entryPoint: m.bootstrapEntryPoint() })); })`;

    // Act
    const esm = await runNode(['--input-type=module', '-e', script(`import(${JSON.stringify(join(DIST, 'index.js'))})`)], {});
    const cjs = await runNode(['-e', script(`Promise.resolve(require(${JSON.stringify(join(DIST, 'index.cjs'))}))`)], {});

    // Assert
    const fromEsm = JSON.parse(esm.stdout) as Record<string, unknown>;
    const fromCjs = JSON.parse(cjs.stdout) as Record<string, unknown>;
    expect(fromEsm).toEqual(fromCjs);
    expect(fromEsm.path).toBe(AGENT_PATH);
    expect(fromEsm.sha256).toBe(sha256(readFileSync(AGENT_PATH)));
    expect(fromEsm.entryPoint).toEqual(['node', '-e', pkg.BOOTSTRAP_SCRIPT, '--']);
  });

  it('ships a bootstrap under 8 KiB and an agent that requires nothing but node: built-ins', () => {
    // Arrange
    const agent = readFileSync(AGENT_PATH, 'utf8');

    // Act
    const imports = [...agent.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]);
    const requires = [...pkg.BOOTSTRAP_SCRIPT.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);

    // Assert
    expect(Buffer.byteLength(pkg.BOOTSTRAP_SCRIPT)).toBeLessThan(8_192);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((name) => name?.startsWith('node:'))).toBe(true);
    expect(requires.every((name) => name?.startsWith('node:'))).toBe(true);
    expect(agent).not.toMatch(/from ["']@harness/);
  });
});
