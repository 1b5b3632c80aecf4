import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { readLambdaArtifact } from '@harness/container-agent';
import { createHarness } from '@harness/core';
import { deployWithCli, type MotoServer, runCli, startMotoServer, uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaAdapter } from '../../src/adapter.js';
import { fail } from '../../src/results.js';

// moto accepts any well-formed role ARN for Step Functions; it does not check IAM.
const SFN_ROLE_ARN = 'arn:aws:iam::123456789012:role/harness-moto-runtime-test';

const lambda = new LambdaClient({});
const decode = (payload: Uint8Array | undefined): string => new TextDecoder().decode(payload ?? new Uint8Array());
const payloadOf = (output: InvokeCommandOutput): unknown => JSON.parse(decode(output.Payload));

/** How Invoke (with `qualifier`, if given) answered: status code and function error, or the error it failed with. */
async function invokeOutcome(client: LambdaClient, functionName: string, qualifier?: string): Promise<string> {
  try {
    const output = await client.send(new InvokeCommand({ FunctionName: functionName, Qualifier: qualifier, Payload: '{}' }));
    return `${output.StatusCode} ${output.FunctionError ?? 'no FunctionError'}`;
  } catch (error) {
    const { name, $metadata } = error as Error & { $metadata?: { httpStatusCode?: number } };
    return `Invoke failed: ${$metadata?.httpStatusCode ?? 'no status'} ${name}`;
  }
}

// harness's moto fix fix_lambda_node_runtime.py runs a nodejs* function's code in a
// child node process, so a deployed Lambda double answers Invoke (and moto's Step
// Functions engine) as it does on AWS, instead of needing Docker.
describe('Lambda doubles run on moto (fix_lambda_node_runtime)', () => {
  const stack = uniqueName('lambda-rt');
  let configPath: string;

  beforeAll(async () => {
    configPath = await deployWithCli(stack, { lambda: { functions: { QuotePrice: { timeoutSeconds: 20 }, ReserveStock: { timeoutSeconds: 20 } } } });
  });

  afterAll(async () => {
    await runCli(dirname(configPath), 'destroy', '--yes', '--config', configPath);
  });

  it('Invoke runs the deployed double, which hands the event to the mock\'s handler and returns its value', async () => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
    const quotePrice = await harness.lambda.mockFunction('QuotePrice', (event: { sku: string; quantity: number }) => ({
      sku: event.sku,
      total: event.quantity * 5,
    }));

    // Act
    const output = await lambda.send(new InvokeCommand({ FunctionName: `${stack}-QuotePrice`, Payload: JSON.stringify({ sku: 'ABC-1', quantity: 3 }) }));

    // Assert
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    expect(payloadOf(output)).toEqual({ sku: 'ABC-1', total: 15 });
    expect(quotePrice.invocations).toMatchObject([{ functionName: 'QuotePrice', event: { sku: 'ABC-1', quantity: 3 }, status: 'succeeded' }]);
  });

  it('gives the qualifier the caller named to the double (context.invokedFunctionArn)', async () => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
    const quotePrice = await harness.lambda.mockFunction('QuotePrice', () => 'ok');

    // Act
    const output = await lambda.send(new InvokeCommand({ FunctionName: `${stack}-QuotePrice`, Qualifier: '$LATEST', Payload: '{}' }));

    // Assert
    expect(payloadOf(output)).toBe('ok');
    expect(quotePrice.invocations).toMatchObject([{ functionName: 'QuotePrice', qualifier: '$LATEST', event: {} }]);
  });

  it('answers ResourceNotFoundException for a Qualifier naming a version that does not exist, running nothing', async () => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
    const quotePrice = await harness.lambda.mockFunction('QuotePrice', () => 'ok');

    // Act
    const outcome = await invokeOutcome(lambda, `${stack}-QuotePrice`, '42');

    // Assert
    expect(outcome).toMatch(/^Invoke failed: 404 ResourceNotFoundException/);
    expect(quotePrice.invocations).toEqual([]);
  });

  it('answers a handler\'s fail() with FunctionError Unhandled and the Node.js runtime\'s error document', async () => {
    // Arrange
    await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
    await harness.lambda.mockFunction('ReserveStock', () => fail('InvalidOrder', 'no items'));

    // Act
    const output = await lambda.send(new InvokeCommand({ FunctionName: `${stack}-ReserveStock`, Payload: JSON.stringify({ orderId: 'o-1' }) }));

    // Assert
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBe('Unhandled');
    const payload = payloadOf(output) as { errorType: string; errorMessage: string; trace: string[] };
    expect(payload).toMatchObject({ errorType: 'InvalidOrder', errorMessage: 'no items' });
    expect(Array.isArray(payload.trace)).toBe(true);
  });

  describe('moto\'s Step Functions engine, arn:aws:states:::lambda:invoke', () => {
    let sfn: SFNClient;
    let restoreEngine: (() => Promise<void>) | undefined;
    let stateMachineArn: string;

    beforeAll(async () => {
      // Before CreateStateMachine: moto keeps executing and non-executing state machines in different backends.
      restoreEngine = await useStepFunctionsEngine();
      sfn = new SFNClient({});
      const created = await sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('lambda-rt'),
          roleArn: SFN_ROLE_ARN,
          definition: JSON.stringify({
            StartAt: 'Reserve',
            States: {
              Reserve: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: `${stack}-ReserveStock`, 'Payload.$': '$' },
                Catch: [{ ErrorEquals: ['InvalidOrder'], ResultPath: '$.error', Next: 'Rejected' }],
                End: true,
              },
              Rejected: { Type: 'Pass', End: true },
            },
          }),
        }),
      );
      stateMachineArn = created.stateMachineArn ?? '';
    });

    afterAll(async () => {
      await restoreEngine?.();
      sfn.destroy();
    });

    async function runToEnd(input: unknown): Promise<{ execution: DescribeExecutionCommandOutput; states: string[] }> {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }));
      const deadline = Date.now() + 30_000;
      for (;;) {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status !== 'RUNNING') {
          const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
          const states = (events ?? []).filter((event) => event.type?.endsWith('StateEntered')).map((event) => event.stateEnteredEventDetails?.name ?? '');
          return { execution, states };
        }
        if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    it('puts the handler\'s value in $.Payload', async () => {
      // Arrange
      await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
      const reserveStock = await harness.lambda.mockFunction('ReserveStock', (event: { orderId: string }) => ({ reserved: true, orderId: event.orderId }));

      // Act
      const { execution, states } = await runToEnd({ orderId: 'o-2' });

      // Assert
      expect(execution.status).toBe('SUCCEEDED');
      expect(states).toEqual(['Reserve']);
      expect(JSON.parse(execution.output ?? 'null')).toMatchObject({ StatusCode: 200, Payload: { reserved: true, orderId: 'o-2' } });
      expect(reserveStock.invocations).toMatchObject([{ functionName: 'ReserveStock', event: { orderId: 'o-2' }, status: 'succeeded' }]);
    });

    it('fails the Task with Error = the thrown errorType, which a Catch on InvalidOrder catches', async () => {
      // Arrange
      await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
      await harness.lambda.mockFunction('ReserveStock', () => fail('InvalidOrder', 'no items'));

      // Act
      const { execution, states } = await runToEnd({ orderId: 'o-3' });

      // Assert
      expect(execution.status).toBe('SUCCEEDED');
      expect(states).toEqual(['Reserve', 'Rejected']);
      const output = JSON.parse(execution.output ?? 'null') as { orderId: string; error: { Error: string; Cause: string } };
      expect(output.orderId).toBe('o-3');
      expect(output.error.Error).toBe('InvalidOrder');
      // On AWS the Cause is the function's error payload, as JSON.
      expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'InvalidOrder', errorMessage: 'no items' });
    });
  });

  describe('on moto without harness\'s fixes', () => {
    let unfixed: MotoServer;

    beforeAll(async () => {
      unfixed = await startMotoServer({ fixes: false });
    });

    afterAll(async () => {
      await unfixed?.stop();
    });

    /** QuotePrice as deployed (code, handler, runtime, environment), created on the unfixed server as `name`; a Lambda client for that server. */
    async function createQuotePriceOnUnfixed(name: string): Promise<LambdaClient> {
      const { Configuration } = await lambda.send(new GetFunctionCommand({ FunctionName: `${stack}-QuotePrice` }));
      const cloudFormation = new CloudFormationClient({ endpoint: unfixed.endpoint });
      const roleStack = uniqueName('lambda-rt-role');
      await cloudFormation.send(
        new CreateStackCommand({
          StackName: roleStack,
          TemplateBody: JSON.stringify({
            Resources: {
              Role: {
                Type: 'AWS::IAM::Role',
                Properties: {
                  AssumeRolePolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
                  },
                },
              },
            },
            Outputs: { RoleArn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
          }),
          Capabilities: ['CAPABILITY_IAM'],
        }),
      );
      const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: roleStack }));
      const roleArn = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'RoleArn')?.OutputValue;
      const unfixedLambda = new LambdaClient({ endpoint: unfixed.endpoint });
      await unfixedLambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: Configuration?.Runtime,
          Handler: Configuration?.Handler,
          Timeout: Configuration?.Timeout,
          Role: roleArn,
          Environment: { Variables: Configuration?.Environment?.Variables ?? {} },
          Code: { ZipFile: readLambdaArtifact().body },
        }),
      );
      cloudFormation.destroy();
      return unfixedLambda;
    }

    it('Invoke does not run the function\'s code (so the fix is needed)', async () => {
      // Arrange: the same function (code, handler, runtime, environment) on a server without the fix.
      const unfixedLambda = await createQuotePriceOnUnfixed('QuotePrice');
      await using harness = await createHarness({ target: 'aws', adapters: [lambdaAdapter], config: configPath });
      const quotePrice = await harness.lambda.mockFunction('QuotePrice', () => ({ ran: true }));

      // Act
      let outcome: string;
      try {
        const output = await unfixedLambda.send(new InvokeCommand({ FunctionName: 'QuotePrice', Payload: JSON.stringify({ sku: 'ABC-1' }) }));
        outcome = `${output.FunctionError ?? 'no FunctionError'}: ${decode(output.Payload)}`;
      } catch (error) {
        outcome = `Invoke failed: ${(error as Error).name}: ${(error as Error).message}`;
      }
      unfixedLambda.destroy();

      // Assert
      const message =
        `moto without harness's fixes ran the Lambda function's code (Invoke answered ${outcome}). ` +
        'If this moto runs nodejs functions without Docker now, remove packages/moto/python/fix_lambda_node_runtime.py and this test.';
      expect(quotePrice.invocations, message).toEqual([]);
      expect(outcome, message).not.toContain('"ran":true');
      expect(outcome, message).toMatch(/^(Handled|Unhandled|Invoke failed)|\{"sku":"ABC-1"\}/);
    });

    it('Invoke ignores the Qualifier, running $LATEST for a version that does not exist (so the fix\'s Qualifier part is needed)', async () => {
      // Arrange
      const unfixedLambda = await createQuotePriceOnUnfixed('QualifierProbe');

      // Act
      const unqualified = await invokeOutcome(unfixedLambda, 'QualifierProbe');
      const missingVersion = await invokeOutcome(unfixedLambda, 'QualifierProbe', '42');
      unfixedLambda.destroy();

      // Assert: on AWS (and with the fix) the second answers ResourceNotFoundException (see the test on the fixed server).
      const message =
        `moto without harness's fixes answered Invoke of version 42 with ${missingVersion} (unqualified: ${unqualified}). ` +
        'If moto reads Invoke\'s Qualifier now, remove response_invoke (the Qualifier part) from packages/moto/python/fix_lambda_node_runtime.py and this test.';
      expect(missingVersion, message).not.toMatch(/ResourceNotFoundException/);
      expect(missingVersion, message).toBe(unqualified);
    });
  });
});
