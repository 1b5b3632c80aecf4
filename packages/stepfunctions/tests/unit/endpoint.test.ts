import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { createHarness, type Harness } from '@harness/core';
import { createFakeSession } from '@harness/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepFunctionsApi, failExecution, LocalTargetOnlyError, parseStepFunctionsConfig, stepFunctionsAdapter, type StepFunctionsEndpoint } from '../../src/index.js';

// Application code's StartExecution / DescribeExecution on the local target: the
// real @aws-sdk/client-sfn against harness.stepFunctions.endpoint().
const ARN_PREFIX = 'arn:aws:states:eu-west-1:111122223333:stateMachine:';
let harness: Harness<[typeof stepFunctionsAdapter]>;
let endpoint: StepFunctionsEndpoint;
let sfn: SFNClient;

beforeEach(async () => {
  harness = await createHarness({ target: 'local', adapters: [stepFunctionsAdapter] });
  harness.stepFunctions.registerDefinition('OrderFlow', {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Rejected' },
      Done: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'machine.$': '$$.StateMachine.Id' }, End: true },
      Rejected: { Type: 'Fail', Error: 'Order.Rejected', Cause: 'not ok' },
    },
  });
  endpoint = await harness.stepFunctions.endpoint({ region: 'eu-west-1' });
  sfn = new SFNClient({ ...endpoint.clientConfig, maxAttempts: 1 });
});

afterEach(async () => {
  sfn.destroy();
  await harness.close();
});

async function thrownBy(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

/** Polls DescribeExecution until the execution has ended, as application code would. */
async function ended(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') return described;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${executionArn} did not end`);
}

describe('harness.stepFunctions.endpoint() (local target)', () => {
  it('describes the loopback Step Functions API for the AWS SDK', () => {
    // Assert
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoint.clientConfig).toEqual({ endpoint: endpoint.url, region: 'eu-west-1', credentials: endpoint.credentials });
    expect(endpoint.environment).toMatchObject({ AWS_ENDPOINT_URL_SFN: endpoint.url, AWS_REGION: 'eu-west-1' });
  });

  it('runs a registered definition named by the ARN, and DescribeExecution reports its output', async () => {
    // Act
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}OrderFlow`, name: 'run-1', input: JSON.stringify({ ok: true, orderId: 'o-1' }) }),
    );
    const described = await ended(started.executionArn ?? '');

    // Assert
    expect(started.executionArn).toBe('arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:run-1');
    expect(started.startDate).toBeInstanceOf(Date);
    expect(described).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: `${ARN_PREFIX}OrderFlow`,
      name: 'run-1',
      status: 'SUCCEEDED',
      input: JSON.stringify({ ok: true, orderId: 'o-1' }),
    });
    expect(JSON.parse(described.output ?? '')).toEqual({ orderId: 'o-1', machine: `${ARN_PREFIX}OrderFlow` });
    expect(described.stopDate).toBeInstanceOf(Date);
    expect(described.error).toBeUndefined();
  });

  it('reports a failed execution with the error and cause execute() gives', async () => {
    // Arrange
    const expected = await harness.stepFunctions.execute('OrderFlow', { ok: false });

    // Act
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}OrderFlow`, input: '{"ok":false}' }));
    const described = await ended(started.executionArn ?? '');

    // Assert
    expect(described).toMatchObject({ status: expected.status, error: expected.error, cause: expected.cause });
    expect(described.status).toBe('FAILED');
    expect(described.output).toBeUndefined();
    expect(described.name).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('starts a mocked state machine: RUNNING while its handler runs, then as the handler ended it', async () => {
    // Arrange
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const charge = await harness.stepFunctions.mockStateMachine('Charge', async ({ input }) => {
      await finished;
      return (input as { amount: number }).amount > 100 ? failExecution('Card.Declined', 'over the limit') : { charged: true };
    });

    // Act
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}Charge`, input: '{"amount":500}' }));
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    finish();
    const described = await ended(started.executionArn ?? '');

    // Assert
    expect(running.status).toBe('RUNNING');
    expect(running.stopDate).toBeUndefined();
    expect(described).toMatchObject({ status: 'FAILED', error: 'Card.Declined', cause: 'over the limit' });
    expect(charge.invocations).toMatchObject([{ input: { amount: 500 }, executionArn: started.executionArn, pattern: 'request-response' }]);
  });

  it('answers a repeated start of a running execution with the same input as the first, and refuses any other reuse of the name', async () => {
    // Arrange
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    await harness.stepFunctions.mockStateMachine('Charge', () => finished);
    const start = (input: string) => sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}Charge`, name: 'once', input }));

    // Act
    const first = await start('{}');
    const again = await start('{}');
    const otherInput = await thrownBy(() => start('{"a":1}'));
    finish();
    await ended(first.executionArn ?? '');
    const afterEnd = await thrownBy(() => start('{}'));

    // Assert
    expect(again).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
    expect(otherInput).toBeInstanceOf(ExecutionAlreadyExists);
    expect(afterEnd).toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('refuses what Step Functions refuses: an unknown state machine or execution, input that is not JSON', async () => {
    // Act
    const noMachine = await thrownBy(() => sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}Missing` })));
    const noExecution = await thrownBy(() =>
      sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:OrderFlow:nope' })),
    );
    const badInput = await thrownBy(() => sfn.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}OrderFlow`, input: 'hello' })));

    // Assert
    expect(noMachine).toBeInstanceOf(StateMachineDoesNotExist);
    expect(noMachine.message).toBe(`State Machine Does Not Exist: '${ARN_PREFIX}Missing'`);
    expect(noExecution).toBeInstanceOf(ExecutionDoesNotExist);
    expect(badInput).toBeInstanceOf(InvalidExecutionInput);
  });

  it('with setEnvironment, points a new SFNClient({}) at the endpoint until the harness closes', async () => {
    // Arrange
    const before = process.env.AWS_ENDPOINT_URL_SFN;

    // Act
    await harness.stepFunctions.endpoint({ setEnvironment: true });
    const fromEnvironment = new SFNClient({ maxAttempts: 1 });
    const started = await fromEnvironment.send(new StartExecutionCommand({ stateMachineArn: `${ARN_PREFIX}OrderFlow`, input: '{"ok":true,"orderId":"o-2"}' }));
    fromEnvironment.destroy();
    const described = await ended(started.executionArn ?? '');
    await harness.close();

    // Assert
    expect(described.status).toBe('SUCCEEDED');
    expect(process.env.AWS_ENDPOINT_URL_SFN).toBe(before);
  });
});

describe('harness.stepFunctions.endpoint() on the aws target', () => {
  it('is refused, naming the fix', async () => {
    // Arrange
    const api = createStepFunctionsApi(createFakeSession({ target: 'aws' }), parseStepFunctionsConfig({}));

    // Act
    const error = await thrownBy(() => api.endpoint());

    // Assert
    expect(error).toBeInstanceOf(LocalTargetOnlyError);
    expect(error.message).toMatch(/serves the local target only/);
  });
});
