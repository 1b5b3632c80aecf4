import { HarnessError, StatesError, type LocalServiceIntegration } from '@harness/core';
import { createFakeSession } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { parseLambdaConfig, type LambdaConfig } from '../../src/config.js';
import { InvalidLambdaTaskError, LambdaNotSupportedError, LambdaTaskFailedError } from '../../src/errors.js';
import { createLambdaIntegration, lambdaTaskMode } from '../../src/local/integration.js';
import { createLambdaMockApi, type LambdaHandler } from '../../src/mock.js';
import { fail } from '../../src/results.js';
import { fakeTask, thrownBy } from '../helpers/fakes.js';

const INVOKE = 'arn:aws:states:::lambda:invoke';
const WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A local session with the Lambda mock API and the integration wired to it, as core's local harness wires them (handlers pick their own event types). */
async function setUp(handlers: Record<string, LambdaHandler<never>> = {}, config: LambdaConfig = { functions: {} }) {
  const session = createFakeSession();
  const { context } = session;
  const api = createLambdaMockApi(session, config);
  const mocks = Object.fromEntries(
    await Promise.all(Object.entries(handlers).map(async ([name, handler]) => [name, await api.mockFunction(name, handler)] as const)),
  );
  const integration: LocalServiceIntegration = createLambdaIntegration(config, context);
  return { session, context, api, mocks, integration };
}

async function statesErrorOf(action: () => Promise<unknown>): Promise<StatesError> {
  const error = await thrownBy(action);
  expect(error).toBeInstanceOf(StatesError);
  return error as StatesError;
}

describe('Function: createLambdaIntegration', () => {
  describe('Method: handles', () => {
    it.each([
      [INVOKE, true],
      [WAIT, true],
      ['arn:aws-cn:states:::lambda:invoke', true],
      [ARN, true],
      [`${ARN}:prod`, true],
      ['arn:aws:states:::lambda:invoke.sync', true],
      ['arn:aws:states:::ecs:runTask.sync', false],
      ['arn:aws:states:::states:startExecution', false],
      ['arn:aws:lambda:eu-west-1:111122223333:layer:Deps:1', false],
    ])('owns %s: %s', async (resource, expected) => {
      // Arrange
      const { integration } = await setUp();

      // Act
      const owned = integration.handles(resource);

      // Assert
      expect(owned).toBe(expected);
      expect(integration.name).toBe('lambda');
    });

    it.each([
      [INVOKE, 'invoke'],
      [WAIT, 'waitForTaskToken'],
      [ARN, 'function'],
      ['arn:aws:states:::lambda:invoke.sync', undefined],
    ])('reads %s as mode %s', (resource, mode) => {
      // Act + Assert
      expect(lambdaTaskMode(resource)).toBe(mode);
    });
  });

  describe('Method: invoke (lambda:invoke)', () => {
    it('outputs the Invoke response with the return value as Payload, as AWS records it', async () => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: (event: { amount: number }) => ({ charged: event.amount }) });
      const task = fakeTask(INVOKE, { FunctionName: 'ChargeCard', Payload: { amount: 42 } });

      // Act
      const output = await integration.invoke(task);

      // Assert
      const requestId = mocks.ChargeCard?.invocations[0]?.invocationId;
      expect(requestId).toMatch(UUID);
      expect(output).toEqual({
        ExecutedVersion: '$LATEST',
        Payload: { charged: 42 },
        SdkHttpMetadata: {
          AllHttpHeaders: {
            'X-Amz-Executed-Version': ['$LATEST'],
            'x-amzn-Remapped-Content-Length': ['0'],
            Connection: ['keep-alive'],
            'x-amzn-RequestId': [requestId],
            'Content-Length': ['14'],
            Date: [expect.stringMatching(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/)],
            'X-Amzn-Trace-Id': [expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=0$/)],
            'Content-Type': ['application/json'],
          },
          HttpHeaders: {
            Connection: 'keep-alive',
            'Content-Length': '14',
            'Content-Type': 'application/json',
            Date: expect.any(String),
            'X-Amz-Executed-Version': '$LATEST',
            'x-amzn-Remapped-Content-Length': '0',
            'x-amzn-RequestId': requestId,
            'X-Amzn-Trace-Id': expect.any(String),
          },
          HttpStatusCode: 200,
        },
        SdkResponseMetadata: { RequestId: requestId },
        StatusCode: 200,
      });
      expect(Object.keys(output as object)).toEqual(['ExecutedVersion', 'Payload', 'SdkHttpMetadata', 'SdkResponseMetadata', 'StatusCode']);
    });

    it('sends an InvocationMessage for double lambda:<name> with the wire payload', async () => {
      // Arrange
      const { integration, session } = await setUp({ ChargeCard: () => null });

      // Act
      await integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard:prod', Payload: { amount: 1 } }));

      // Assert
      expect(session.messages).toEqual([
        {
          v: 1,
          invocationId: expect.stringMatching(UUID),
          double: 'lambda:ChargeCard',
          session: 's-test',
          payload: { functionName: 'ChargeCard', qualifier: 'prod', event: { amount: 1 } },
          sentAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        },
      ]);
    });

    it.each([
      ['a name', 'ChargeCard', undefined],
      ['a name with an alias', 'ChargeCard:prod', 'prod'],
      ['a partial ARN', '111122223333:function:ChargeCard', undefined],
      ['a full ARN', ARN, undefined],
      ['a full ARN with a version', `${ARN}:7`, '7'],
    ])('reaches the mock of ChargeCard from FunctionName as %s', async (_case, functionName, qualifier) => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: (_event, context) => context.qualifier ?? 'none' });

      // Act
      const output = (await integration.invoke(fakeTask(INVOKE, { FunctionName: functionName }))) as { Payload: unknown };

      // Assert
      expect(mocks.ChargeCard?.invocations[0]?.qualifier).toBe(qualifier);
      expect(output.Payload).toBe(qualifier ?? 'none');
    });

    it.each([
      ['a version', '7', '7'],
      ['an alias', 'prod', '$LATEST'],
      ['$LATEST', '$LATEST', '$LATEST'],
    ])('reports ExecutedVersion for a Qualifier that is %s', async (_case, qualifier, version) => {
      // Arrange
      const { integration } = await setUp({ ChargeCard: () => 1 });

      // Act
      const output = (await integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard', Qualifier: qualifier }))) as Record<string, unknown>;

      // Assert
      expect(output.ExecutedVersion).toBe(version);
    });

    it.each([
      ['absent', undefined, {}],
      ['null (AWS invokes with an empty body, which arrives as {})', null, {}],
      ['an object', { orderId: 'o-1', items: [1, 2] }, { orderId: 'o-1', items: [1, 2] }],
      ['a string holding a JSON string', '"HelloWorld"', 'HelloWorld'],
      ['a string holding null', 'null', null],
      ['a string holding an object', '{"orderId":"o-1"}', { orderId: 'o-1' }],
      ['a number', 0, 0],
      ['an array', [], []],
    ])('hands the function the event Lambda would for a Payload that is %s', async (_case, payload, event) => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: (received) => received });
      const parameters = payload === undefined ? { FunctionName: 'ChargeCard' } : { FunctionName: 'ChargeCard', Payload: payload };

      // Act
      const output = (await integration.invoke(fakeTask(INVOKE, parameters))) as { Payload: unknown };

      // Assert
      expect(mocks.ChargeCard?.invocations[0]?.event).toEqual(event);
      expect(output.Payload).toEqual(event);
    });

    it('hands the function a copy of the state data, not the interpreter\'s own objects', async () => {
      // Arrange
      const { integration } = await setUp({
        ChargeCard: (event: { items: number[] }) => {
          event.items.push(99);
          return event.items.length;
        },
      });
      const state = { items: [1] };

      // Act
      await integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard', Payload: state }));

      // Assert
      expect(state.items).toEqual([1]);
    });

    it('fails with Lambda.InvalidRequestContentException for a string Payload that is not JSON', async () => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: () => 1 });

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard', Payload: 'hello' })));

      // Assert
      expect(error.error).toBe('Lambda.InvalidRequestContentException');
      expect(error.cause).toMatch(
        /^Could not parse request body into json: Could not parse payload into json: .+ \(Service: AWSLambda; Status Code: 400; Error Code: InvalidRequestContentException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
      );
      expect(error.message).toContain('a string Payload is sent to arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard as raw JSON text');
      expect(mocks.ChargeCard?.invocations).toHaveLength(0);
    });
  });

  describe('Method: invoke (function ARN)', () => {
    it('outputs the return value alone, with the state input as the event', async () => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: (event: { amount: number }) => ({ charged: event.amount }) });

      // Act
      const output = await integration.invoke(fakeTask(ARN, { amount: 42 }));

      // Assert
      expect(output).toEqual({ charged: 42 });
      expect(mocks.ChargeCard?.invocations[0]).toMatchObject({ functionName: 'ChargeCard', event: { amount: 42 }, status: 'succeeded' });
    });

    it.each([
      ['nothing', undefined, null],
      ['a string', 'HelloWorld', 'HelloWorld'],
      ['false', false, false],
    ])('outputs %s as the JSON the function returned', async (_case, returned, output) => {
      // Arrange
      const { integration } = await setUp({ ChargeCard: () => returned });

      // Act
      const result = await integration.invoke(fakeTask(`${ARN}:3`, {}));

      // Assert
      expect(result).toEqual(output);
    });

    it('passes the ARN qualifier to the handler', async () => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: () => 1 });

      // Act
      await integration.invoke(fakeTask(`${ARN}:prod`, {}));

      // Assert
      expect(mocks.ChargeCard?.invocations[0]?.qualifier).toBe('prod');
    });
  });

  describe('Method: invoke (the function throws)', () => {
    it.each([
      [INVOKE, { FunctionName: 'ChargeCard', Payload: {} }],
      [ARN, {}],
    ])('%s: fails the state with the error type as Error and the runtime error document as Cause', async (resource, input) => {
      // Arrange
      const { integration, mocks } = await setUp({
        ChargeCard: () => fail('CardDeclined', 'insufficient funds', { stackTrace: ['CardDeclined: insufficient funds', '    at charge (card.js:3:9)'] }),
      });

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(resource, input)));

      // Assert
      expect(error).toBeInstanceOf(LambdaTaskFailedError);
      expect(error.error).toBe('CardDeclined');
      expect(error.cause).toBe(
        '{"errorType":"CardDeclined","errorMessage":"insufficient funds","trace":["CardDeclined: insufficient funds","    at charge (card.js:3:9)"]}',
      );
      expect(JSON.parse(error.cause ?? '')).toEqual({
        errorType: 'CardDeclined',
        errorMessage: 'insufficient funds',
        trace: ['CardDeclined: insufficient funds', '    at charge (card.js:3:9)'],
      });
      expect(mocks.ChargeCard?.errors).toHaveLength(1);
    });

    it('uses a plain Error\'s name, message and stack', async () => {
      // Arrange
      const { integration } = await setUp({
        ChargeCard: () => {
          throw new RangeError('amount must be positive');
        },
      });

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard' })));

      // Assert
      expect(error.error).toBe('RangeError');
      const cause = JSON.parse(error.cause ?? '') as { errorType: string; errorMessage: string; trace: string[] };
      expect(Object.keys(cause)).toEqual(['errorType', 'errorMessage', 'trace']);
      expect(cause.errorMessage).toBe('amount must be positive');
      expect(cause.trace[0]).toBe('RangeError: amount must be positive');
    });
  });

  describe('Method: invoke (no session mocked the function)', () => {
    it.each([
      [INVOKE, { FunctionName: 'ChargeCard' }, 'arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard'],
      [INVOKE, { FunctionName: 'ChargeCard', Qualifier: 'prod' }, 'arn:aws:lambda:eu-west-1:111122223333:function:ChargeCard:prod'],
      [INVOKE, { FunctionName: 'arn:aws:lambda:us-west-2:999988887777:function:ChargeCard' }, 'arn:aws:lambda:us-west-2:999988887777:function:ChargeCard'],
      [ARN, {}, ARN],
    ])('%s %j: fails with Lambda.ResourceNotFoundException and AWS\'s cause', async (resource, input, arn) => {
      // Arrange
      const { integration } = await setUp();

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(resource, input)));

      // Assert
      expect(error.error).toBe('Lambda.ResourceNotFoundException');
      expect(error.cause).toMatch(
        new RegExp(
          `^Function not found: ${arn.replace(/[$:]/g, '\\$&')} \\(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\\)$`,
        ),
      );
    });

    it('tells the reader which mock is missing and how to add it', async () => {
      // Arrange
      const { integration } = await setUp({}, parseLambdaConfig({ functions: { ShipOrder: {} } }));

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard' })));

      // Assert
      expect(error.message.split('\n')[1]).toMatchInlineSnapshot(`"No test session has mocked Lambda function ChargeCard. To fix this, call harness.lambda.mockFunction('ChargeCard', handler) before the workflow invokes it, and add it under adapters.lambda.functions in harness.config.json (which lists ShipOrder)."`);
    });

    it.each([
      ['listed, never mocked', async (api: Awaited<ReturnType<typeof setUp>>) => api],
      ['listed, mocked then restored', async (api: Awaited<ReturnType<typeof setUp>>) => { await api.mocks.ChargeCard?.restore(); return api; }],
    ])('fails a function of adapters.lambda.functions (%s) with Harness.NoRoute, as its deployed double does', async (_case, prepare) => {
      // Arrange
      const listedHandlers: Record<string, LambdaHandler<never>> = _case.includes('restored') ? { ChargeCard: () => 1 } : {};
      const { integration } = await prepare(await setUp(listedHandlers, parseLambdaConfig({ functions: { ChargeCard: {} } })));

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard' })));

      // Assert: the error and message lambda-double.ts (@harness/container-agent) throws on the aws target.
      expect(error.error).toBe('Harness.NoRoute');
      const cause = JSON.parse(error.cause ?? '') as { errorType: string; errorMessage: string; trace: string[] };
      expect(cause).toEqual({
        errorType: 'Harness.NoRoute',
        errorMessage: "no test session has mocked Lambda function ChargeCard (double lambda:ChargeCard): register it with harness.lambda.mockFunction('ChargeCard', handler) before the workflow invokes it",
        trace: [expect.stringMatching(/^Harness\.NoRoute: no test session has mocked Lambda function ChargeCard/)],
      });
    });

    it('fails the same way when the mock is restored between the route check and the dispatch', async () => {
      // Arrange
      const { integration, mocks, context } = await setUp({ ChargeCard: () => 1 });
      const dispatch = context.dispatch.bind(context);
      context.dispatch = async (message) => {
        await mocks.ChargeCard?.restore();
        return dispatch(message);
      };

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard' })));

      // Assert
      expect(error.error).toBe('Lambda.ResourceNotFoundException');
    });
  });

  describe('Method: invoke (result over 256 KiB)', () => {
    it.each([
      [INVOKE, { FunctionName: 'ChargeCard' }, 'x'.repeat(262_000)],
      [ARN, {}, 'x'.repeat(262_143)],
      [ARN, {}, 'é'.repeat(131_072)],
    ])('%s: fails with States.DataLimitExceeded when the result is over 262144 bytes (case %#)', async (resource, input, returned) => {
      // Arrange
      const { integration } = await setUp({ ChargeCard: () => returned });

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(resource, input, { stateName: 'ChargeTheCard' })));

      // Assert
      expect(error.error).toBe('States.DataLimitExceeded');
      expect(error.cause).toBe("The state/task 'ChargeTheCard' returned a result with a size exceeding the maximum number of bytes service limit.");
      expect(error.message).toContain('bytes; Step Functions allows 262144. To fix this, return less from the handler');
    });

    it('passes a result of exactly 262144 bytes', async () => {
      // Arrange: a JSON string of 262142 characters plus its two quotes
      const { integration } = await setUp({ ChargeCard: () => 'x'.repeat(262_142) });

      // Act
      const output = await integration.invoke(fakeTask(ARN, {}));

      // Assert
      expect((output as string).length).toBe(262_142);
    });
  });

  describe('Method: invoke (lambda:invoke.waitForTaskToken)', () => {
    it('gives the handler the token from its Payload and context, and sends its SendTaskSuccess to the state', async () => {
      // Arrange
      const { integration, mocks } = await setUp({
        ApproveOrder: (event: { token: string; orderId: string }, context) => {
          context.sendTaskSuccess({ approved: event.orderId, sameToken: event.token === context.taskToken });
          return 'queued';
        },
      });
      const task = fakeTask(WAIT, { FunctionName: 'ApproveOrder', Payload: { token: 'tok-1', orderId: 'o-1' } }, { taskToken: 'tok-1' });

      // Act
      const result = await integration.invoke(task);

      // Assert
      expect(result).toBeUndefined();
      expect(task.calls).toEqual([{ type: 'succeed', taskToken: 'tok-1', output: { approved: 'o-1', sameToken: true } }]);
      expect(mocks.ApproveOrder?.invocations[0]).toMatchObject({ taskToken: 'tok-1', status: 'succeeded', callback: { type: 'success' } });
    });

    it.each([
      [['Rejected', 'too expensive'], { type: 'fail', taskToken: 'tok-1', error: 'Rejected', cause: 'too expensive' }],
      [[], { type: 'fail', taskToken: 'tok-1' }],
    ])('sends SendTaskFailure(%j) to the state verbatim', async (args, call) => {
      // Arrange
      const { integration } = await setUp({
        ApproveOrder: (_event, context) => {
          context.sendTaskFailure(...(args as [string?, string?]));
        },
      });
      const task = fakeTask(WAIT, { FunctionName: 'ApproveOrder', Payload: { token: 'tok-1' } }, { taskToken: 'tok-1' });

      // Act
      await integration.invoke(task);

      // Assert
      expect(task.calls).toEqual([call]);
    });

    it('lets the handler call back later by keeping its promise pending', async () => {
      // Arrange
      let approve: () => void = () => {};
      const { integration, mocks } = await setUp({
        ApproveOrder: (_event, context) =>
          new Promise<void>((resolve) => {
            approve = () => {
              context.sendTaskSuccess({ approved: true });
              resolve();
            };
          }),
      });
      const task = fakeTask(WAIT, { FunctionName: 'ApproveOrder', Payload: {} }, { taskToken: 'tok-1' });

      // Act
      const running = integration.invoke(task);
      await mocks.ApproveOrder?.waitForInvocation({ timeoutMs: 1_000 });
      const before = [...task.calls];
      approve();
      await running;

      // Assert
      expect(before).toEqual([]);
      expect(task.calls).toEqual([{ type: 'succeed', taskToken: 'tok-1', output: { approved: true } }]);
    });

    it('tells the driver the work ended when the handler returns without calling back', async () => {
      // Arrange
      const { integration } = await setUp({ ApproveOrder: () => 'forgot' });
      const task = fakeTask(WAIT, { FunctionName: 'ApproveOrder', Payload: {} }, { taskToken: 'tok-1', stateName: 'WaitForApproval' });

      // Act
      await integration.invoke(task);

      // Assert
      expect(task.calls).toHaveLength(1);
      expect(task.calls[0]).toMatchObject({ type: 'ended', taskToken: 'tok-1' });
      expect(task.calls[0]?.type === 'ended' ? task.calls[0].reason : '').toMatchInlineSnapshot(`"Lambda function ApproveOrder (state 'WaitForApproval') returned without calling back: its handler called neither context.sendTaskSuccess nor context.sendTaskFailure. On AWS the state would wait for its HeartbeatSeconds or TimeoutSeconds (or a year). To fix this, call one of them in the handler (keep its promise pending to call back later)."`);
    });

    it('fails the state with the function error when the handler throws without calling back', async () => {
      // Arrange
      const { integration } = await setUp({ ApproveOrder: () => fail('QueueDown', 'cannot enqueue') });
      const task = fakeTask(WAIT, { FunctionName: 'ApproveOrder', Payload: {} }, { taskToken: 'tok-1' });

      // Act
      const error = await statesErrorOf(() => integration.invoke(task));

      // Assert
      expect(error.error).toBe('QueueDown');
      expect(JSON.parse(error.cause ?? '')).toMatchObject({ errorType: 'QueueDown', errorMessage: 'cannot enqueue' });
      expect(task.calls).toEqual([]);
    });

    it('delivers a callback made before the handler threw: the state already had its answer', async () => {
      // Arrange
      const { integration } = await setUp({
        ApproveOrder: (_event, context) => {
          context.sendTaskSuccess('approved');
          throw new Error('cleanup failed');
        },
      });
      const task = fakeTask(WAIT, { FunctionName: 'ApproveOrder', Payload: {} }, { taskToken: 'tok-1' });

      // Act
      await integration.invoke(task);

      // Assert
      expect(task.calls).toEqual([{ type: 'succeed', taskToken: 'tok-1', output: 'approved' }]);
    });

    it('still fails with Lambda.ResourceNotFoundException when nothing mocked the function', async () => {
      // Arrange
      const { integration } = await setUp();

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(WAIT, { FunctionName: 'ApproveOrder' }, { taskToken: 'tok-1' })));

      // Assert
      expect(error.error).toBe('Lambda.ResourceNotFoundException');
    });
  });

  describe('Method: invoke (requests AWS would refuse)', () => {
    it.each([
      ['no FunctionName', {}, "[The field 'FunctionName' is required but was missing]"],
      ['a FunctionName that is a number', { FunctionName: 7 }, "[The value for the field 'FunctionName' must be a STRING]"],
      ['a Qualifier that is a number', { FunctionName: 'ChargeCard', Qualifier: 1 }, "[The value for the field 'Qualifier' must be a STRING]"],
      ['parameters that are not an object', 'ChargeCard', "[The value of 'Parameters' must be an object with a 'FunctionName' field]"],
    ])('fails with States.Runtime for %s', async (_case, input, detail) => {
      // Arrange
      const { integration } = await setUp({ ChargeCard: () => 1 });

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, input)));

      // Assert
      expect(error.error).toBe('States.Runtime');
      expect(error.cause).toContain("An error occurred while executing the state 'Charge'. The Parameters '");
      expect(error.cause?.endsWith(`could not be used to start the Task: ${detail}`)).toBe(true);
    });

    it('fails with Lambda.AWSLambdaException for a FunctionName Lambda\'s pattern refuses', async () => {
      // Arrange
      const { integration } = await setUp();

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'Charge Card' })));

      // Assert
      expect(error.error).toBe('Lambda.AWSLambdaException');
      expect(error.cause).toContain("1 validation error detected: Value 'Charge Card' at 'functionName' failed to satisfy constraint");
      expect(error.cause).toContain('Error Code: ValidationException');
    });

    it('fails with Lambda.InvalidParameterValueException when FunctionName and Qualifier name different qualifiers', async () => {
      // Arrange
      const { integration } = await setUp({ ChargeCard: () => 1 });

      // Act
      const error = await statesErrorOf(() => integration.invoke(fakeTask(INVOKE, { FunctionName: 'ChargeCard:prod', Qualifier: 'dev' })));

      // Assert
      expect(error.error).toBe('Lambda.InvalidParameterValueException');
      expect(error.cause).toMatch(/^The derived qualifier from the function name does not match the specified qualifier\. \(Service: AWSLambda; Status Code: 400;/);
    });

    it.each([
      ['an unknown parameter', INVOKE, { FunctionName: 'ChargeCard', Paylod: {} }, InvalidLambdaTaskError, "lambda:invoke has no parameter 'Paylod'"],
      ['a function ARN without an account', 'arn:aws:lambda:eu-west-1::function:ChargeCard', {}, InvalidLambdaTaskError, 'is not a valid function ARN'],
      ['InvocationType Event', INVOKE, { FunctionName: 'ChargeCard', InvocationType: 'Event' }, LambdaNotSupportedError, 'InvocationType "Event" is not supported'],
      ['a .sync resource', 'arn:aws:states:::lambda:invoke.sync', { FunctionName: 'ChargeCard' }, LambdaNotSupportedError, 'is not a Lambda integration Step Functions offers'],
      ['a .waitForTaskToken state without a token', WAIT, { FunctionName: 'ChargeCard' }, LambdaNotSupportedError, 'was run without a task token'],
    ])('refuses %s with a harness error that says how to fix it', async (_case, resource, input, type, message) => {
      // Arrange
      const { integration, mocks } = await setUp({ ChargeCard: () => 1 });

      // Act
      const error = await thrownBy(() => integration.invoke(fakeTask(resource, input)));

      // Assert
      expect(error).toBeInstanceOf(type);
      expect(error).toBeInstanceOf(HarnessError);
      expect(error).not.toBeInstanceOf(StatesError);
      expect(error.message).toContain(message);
      expect(error.message).toContain('To fix this, ');
      expect(mocks.ChargeCard?.invocations).toHaveLength(0);
    });
  });
});
