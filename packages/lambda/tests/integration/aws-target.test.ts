import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaDoublePath, readLambdaArtifact } from '@harness/container-agent';
import { createHarness } from '@harness/core';
import { type CliRun, runCli as harnessCli, stackOutputs, uniqueName } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaAdapter } from '../../src/adapter.js';
import { fail } from '../../src/results.js';

type LambdaDoubleHandler = (event: unknown, context: { getRemainingTimeInMillis(): number; invokedFunctionArn?: string }) => Promise<unknown>;

const lambda = new LambdaClient({});

describe('Lambda doubles on the aws target (moto)', () => {
  const stack = uniqueName('lambda');
  let dir: string;
  let configPath: string;
  let deploy: CliRun;
  let handler: LambdaDoubleHandler;

  /** The environment Lambda gives the function: this process's (moto endpoint, credentials, region) plus the function's own variables. */
  async function withFunctionEnvironment<T>(functionName: string, run: () => Promise<T>): Promise<T> {
    const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: functionName }));
    const variables = Configuration?.Environment?.Variables ?? {};
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
    Object.assign(process.env, variables);
    try {
      return await run();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harness-lambda-it-'));
    configPath = join(dir, 'harness.config.json');
    await writeFile(
      configPath,
      JSON.stringify({ stack, adapters: { lambda: { functions: { ChargeCard: {}, ShipOrder: { timeoutSeconds: 10, memoryMb: 512 } } } } }),
    );
    deploy = await harnessCli(dir, 'deploy', '--adapters', 'lambda', '--config', configPath);
    console.info(`core + lambda deploy (moto): ${deploy.ms} ms`);
    ({ handler } = (await import(pathToFileURL(lambdaDoublePath()).href)) as { handler: LambdaDoubleHandler });
  });

  afterAll(async () => {
    await harnessCli(dir, 'destroy', '--yes', '--config', configPath);
    await rm(dir, { recursive: true, force: true });
  });

  it('deploys the core and Lambda stacks with the built CLI', async () => {
    // Assert
    expect(deploy.stderr).toContain(`✔ ${stack}-lambda: CREATE_COMPLETE`);
    expect(deploy.code).toBe(0);
    const outputs = await stackOutputs(`${stack}-lambda`);
    expect(outputs).toEqual({
      FunctionArnChargeCard: `arn:aws:lambda:us-east-1:123456789012:function:${stack}-ChargeCard`,
      FunctionArnShipOrder: `arn:aws:lambda:us-east-1:123456789012:function:${stack}-ShipOrder`,
    });
  });

  it('created each function with the double\'s handler, runtime, settings, environment and code', async () => {
    // Arrange
    const core = await stackOutputs(`${stack}-core`);
    const artifact = readLambdaArtifact();

    // Act
    const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: `${stack}-ShipOrder` }));

    // Assert
    expect(Configuration).toMatchObject({
      FunctionName: `${stack}-ShipOrder`,
      Handler: 'lambda-double.handler',
      Runtime: 'nodejs22.x',
      Timeout: 10,
      MemorySize: 512,
      Role: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
    });
    expect(Configuration?.Environment?.Variables).toEqual({
      HARNESS_ROUTES_TABLE: core.RoutesTableName,
      HARNESS_RESULTS_TABLE: core.ResultsTableName,
      HARNESS_DOUBLE: 'lambda:ShipOrder',
      HARNESS_TIMEOUT_MS: '10000',
    });
    // Lambda's CodeSha256 is the base64 SHA-256 of the zip it was given: the artifact, byte for byte.
    expect(Configuration?.CodeSha256).toBe(createHash('sha256').update(artifact.body).digest('base64'));
    expect(deploy.stderr).toContain(`uploaded s3://${core.ArtifactsBucketName}/agents/lambda-double-${artifact.sha256}.zip`);
  });

  it('returns what the mock\'s handler returns, and the mock records the event and qualifier', async () => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
    const chargeCard = await harness.lambda.mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));

    // Act
    const result = await withFunctionEnvironment(`${stack}-ChargeCard`, () =>
      handler({ amount: 42 }, { getRemainingTimeInMillis: () => 30_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:ChargeCard:prod' }),
    );

    // Assert
    expect(result).toEqual({ charged: 42 });
    expect(chargeCard.invocations).toMatchObject([{ functionName: 'ChargeCard', qualifier: 'prod', event: { amount: 42 }, status: 'succeeded' }]);
  });

  it('throws an Error named by the handler\'s fail() error type', async () => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
    await harness.lambda.mockFunction('ShipOrder', () => fail('InvalidOrder', 'order o-1 has no items'));

    // Act
    let thrown: unknown;
    try {
      await withFunctionEnvironment(`${stack}-ShipOrder`, () => handler({ orderId: 'o-1' }, { getRemainingTimeInMillis: () => 10_000 }));
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('InvalidOrder');
    expect((thrown as Error).message).toBe('order o-1 has no items');
  });

  it('fails at once with Harness.NoRoute when no session mocked the function', async () => {
    // Arrange
    const started = Date.now();

    // Act
    let thrown: unknown;
    try {
      await withFunctionEnvironment(`${stack}-ChargeCard`, () => handler({}, { getRemainingTimeInMillis: () => 30_000 }));
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect((thrown as Error).name).toBe('Harness.NoRoute');
    expect((thrown as Error).message).toContain('no test session has mocked Lambda function ChargeCard');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
