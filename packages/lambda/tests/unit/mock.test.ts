import { AlreadyMockedError, InvalidAnswerError, InvalidFailureError, InvalidHandlerError, ResultNotSerializableError, ResultTooLargeError, WaitTimeoutError } from '@harness/core';
import { createFakeSession, type FakeSession } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { parseLambdaConfig, type LambdaConfig } from '../../src/config.js';
import { UnknownLambdaFunctionError } from '../../src/errors.js';
import { createLambdaMockApi } from '../../src/mock.js';
import { fail, LambdaFunctionError } from '../../src/results.js';
import type { LambdaInvocationPayload } from '../../src/wire.js';
import { thrownBy } from '../helpers/fakes.js';

const anyFunction: LambdaConfig = { functions: {} };
const listed = parseLambdaConfig({ functions: { ChargeCard: {}, ShipOrder: {} } });

let count = 0;

/** Invokes a double as the local integration (or the aws-target double) would: one InvocationMessage. */
function invoke(session: FakeSession, payload: LambdaInvocationPayload): Promise<unknown> {
  return session.invoke(`lambda:${payload.functionName}`, payload, { invocationId: `i-${++count}`, sentAt: '2026-11-25T00:00:00.000Z' });
}

describe('Function: createLambdaMockApi', () => {
  describe('Method: mockFunction', () => {
    it('registers the double lambda:<name> and answers with the return value as { payload }', async () => {
      // Arrange
      const session = createFakeSession();
      const api = createLambdaMockApi(session, anyFunction);

      // Act
      await api.mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));
      const answer = await invoke(session, { functionName: 'ChargeCard', event: { amount: 42 } });

      // Assert
      expect([...session.handlers.keys()]).toEqual(['lambda:ChargeCard']);
      expect(answer).toEqual({ payload: { charged: 42 } });
    });

    it('gives the handler the event and a context with name, invocation id and qualifier', async () => {
      // Arrange
      const session = createFakeSession();
      const seen: unknown[] = [];
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (event, context) => {
        seen.push(event, { ...context });
        return null;
      });

      // Act
      await invoke(session, { functionName: 'ChargeCard', qualifier: 'prod', event: { orderId: 'o-1' } });

      // Assert
      expect(seen[0]).toEqual({ orderId: 'o-1' });
      expect(seen[1]).toEqual({
        functionName: 'ChargeCard',
        invocationId: `i-${count}`,
        qualifier: 'prod',
        sendTaskSuccess: expect.any(Function),
        sendTaskFailure: expect.any(Function),
      });
    });

    it.each([
      ['undefined', undefined, null],
      ['null', null, null],
      ['a string', 'done', 'done'],
      ['zero', 0, 0],
      ['false', false, false],
      ['an array', [1, 'two'], [1, 'two']],
      ['an object with a Date and an undefined field', { at: new Date('2026-01-01T00:00:00.000Z'), gone: undefined }, { at: '2026-01-01T00:00:00.000Z' }],
    ])('sends back %s as the JSON Lambda would', async (_case, returned, payload) => {
      // Arrange
      const session = createFakeSession();
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => returned);

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({ payload });
    });

    it('awaits an async handler', async () => {
      // Arrange
      const session = createFakeSession();
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { late: true };
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({ payload: { late: true } });
    });

    it('refuses to mock the same function twice, naming it and the two ways forward, and keeps the first handler', async () => {
      // Arrange
      const session = createFakeSession();
      const api = createLambdaMockApi(session, anyFunction);
      await api.mockFunction('ChargeCard', () => 'first');

      // Act
      const second = api.mockFunction('ChargeCard', () => 'second');

      // Assert
      await expect(second).rejects.toThrow(AlreadyMockedError);
      await expect(second).rejects.toThrow(
        "harness.lambda.mockFunction('ChargeCard', handler): lambda:ChargeCard is already mocked in this session. To fix this, change its handler with mock.replaceHandler(handler), or `await mock.restore()` the first mock before mocking it again.",
      );
      await expect(invoke(session, { functionName: 'ChargeCard', event: {} })).resolves.toEqual({ payload: 'first' });
    });

    it('replaces the handler explicitly with replaceHandler, keeping what it recorded', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => 'first');
      await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Act
      mock.replaceHandler(() => 'second');
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({ payload: 'second' });
      expect(mock.invocations.map((invocation) => invocation.result)).toEqual(['first', 'second']);
      expect(() => mock.replaceHandler('second' as never)).toThrow(InvalidHandlerError);
    });

    it('refuses a handler that is not a function when it is given, registering nothing', async () => {
      const session = createFakeSession();

      const refused = createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', { charged: true } as never);

      await expect(refused).rejects.toThrow(InvalidHandlerError);
      await expect(refused).rejects.toThrow("harness.lambda.mockFunction('ChargeCard', handler): the handler is an object, not a function.");
      expect(session.registrations).toEqual([]);
    });

    it('accepts any valid name when the config lists no functions', async () => {
      // Arrange
      const session = createFakeSession();

      // Act
      await createLambdaMockApi(session, anyFunction).mockFunction('anything-at_all9', () => 1);

      // Assert
      expect(session.handlers.has('lambda:anything-at_all9')).toBe(true);
    });

    it('refuses a function the config does not list, naming the ones it does', async () => {
      // Arrange
      const api = createLambdaMockApi(createFakeSession({ stackName: 'hx' }), listed);

      // Act
      const error = await thrownBy(() => api.mockFunction('ChargeCrad', () => 1));

      // Assert
      expect(error).toBeInstanceOf(UnknownLambdaFunctionError);
      expect(error.message).toMatchInlineSnapshot(`"'ChargeCrad' is not a Lambda function double of stack hx (functions: ChargeCard, ShipOrder). To fix this, use one of those names, or add it under adapters.lambda.functions in harness.config.json."`);
    });

    it.each([
      ['an ARN', 'arn:aws:lambda:us-east-1:123456789012:function:ChargeCard'],
      ['a qualified name', 'ChargeCard:prod'],
      ['an empty name', ''],
      ['a 65-character name', 'f'.repeat(65)],
    ])('refuses %s as the name', async (_case, name) => {
      // Arrange
      const api = createLambdaMockApi(createFakeSession(), anyFunction);

      // Act
      const error = await thrownBy(() => api.mockFunction(name, () => 1));

      // Assert
      expect(error).toBeInstanceOf(UnknownLambdaFunctionError);
      expect(error.message).toContain('is not a Lambda function name. To fix this, pass the bare name the workflow invokes');
    });

    it('registers the route through the session on the aws target when the function is deployed', async () => {
      // Arrange
      const session = createFakeSession({ target: 'aws', stackName: 'hx', outputs: { FunctionArnChargeCard: 'arn:aws:lambda:us-east-1:123456789012:function:ChargeCard' } });
      const api = createLambdaMockApi(session, listed);

      // Act
      await api.mockFunction('ChargeCard', () => ({ charged: true }));
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect([...session.handlers.keys()]).toEqual(['lambda:ChargeCard']);
      expect(answer).toEqual({ payload: { charged: true } });
    });

    it('refuses, on the aws target, a function the deployed stack has no double of', async () => {
      // Arrange
      const session = createFakeSession({ target: 'aws', stackName: 'hx' });
      const api = createLambdaMockApi(session, listed);

      // Act
      const error = await thrownBy(() => api.mockFunction('ChargeCard', () => 1));

      // Assert
      expect(error).toBeInstanceOf(UnknownLambdaFunctionError);
      expect(error.message).toMatchInlineSnapshot(`"Lambda function double ChargeCard is not deployed in stack hx-lambda (its outputs have no FunctionArnChargeCard). To fix this, list it under adapters.lambda.functions in harness.config.json and run \`npx harness deploy --adapters lambda\`."`);
      expect(session.handlers.size).toBe(0);
    });

    it('forgets the mock when the session refuses the route, so the next mock registers again', async () => {
      // Arrange
      const session = createFakeSession();
      let refuse = true;
      const register = session.register.bind(session);
      session.register = async (double, handle) => {
        if (refuse) throw new Error('route busy');
        await register(double, handle);
      };
      const api = createLambdaMockApi(session, anyFunction);
      await expect(api.mockFunction('ChargeCard', () => 1)).rejects.toThrow('route busy');
      refuse = false;

      // Act
      await api.mockFunction('ChargeCard', () => 2);

      // Assert
      expect(session.handlers.has('lambda:ChargeCard')).toBe(true);
    });
  });

  describe('Class: FunctionMock', () => {
    it('records an invocation as it arrives, and its result once the handler answers', async () => {
      // Arrange
      const session = createFakeSession();
      let answer: (value: { ok: boolean }) => void = () => {};
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction(
        'ChargeCard',
        () => new Promise<{ ok: boolean }>((resolve) => (answer = resolve)),
      );

      // Act
      const pending = invoke(session, { functionName: 'ChargeCard', event: { orderId: 'o-1' }, taskToken: 'tok' });
      const arrived = await mock.waitForInvocation({ timeoutMs: 1_000 });
      const whileRunning = { status: arrived.status, result: arrived.result };
      answer({ ok: true });
      await pending;

      // Assert
      expect(whileRunning).toEqual({ status: 'running', result: undefined });
      expect(mock.invocations[0]).toEqual({
        invocationId: `i-${count}`,
        functionName: 'ChargeCard',
        event: { orderId: 'o-1' },
        taskToken: 'tok',
        sentAt: new Date('2026-11-25T00:00:00.000Z'),
        status: 'succeeded',
        result: { ok: true },
      });
    });

    it('answers a thrown error as an Unhandled function error in the Node.js runtime shape, and records it', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => {
        throw new TypeError('amount is not a number');
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({
        functionError: 'Unhandled',
        errorType: 'TypeError',
        errorMessage: 'amount is not a number',
        trace: expect.arrayContaining(['TypeError: amount is not a number']),
      });
      expect(mock.errors).toEqual([expect.any(TypeError)]);
      expect(mock.invocations[0]).toMatchObject({ status: 'failed', error: expect.any(TypeError) });
    });

    it.each([
      ['fail()', () => fail('CardDeclined', 'insufficient funds', { stackTrace: ['at charge (card.js:3:9)'] }), 'CardDeclined', ['at charge (card.js:3:9)']],
      [
        'a LambdaFunctionError without a trace',
        () => {
          throw new LambdaFunctionError('CardDeclined', 'insufficient funds');
        },
        'CardDeclined',
        expect.arrayContaining(['CardDeclined: insufficient funds']),
      ],
    ])('answers %s with its error type and trace', async (_case, handler, errorType, trace) => {
      // Arrange
      const session = createFakeSession();
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', handler);

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({ functionError: 'Unhandled', errorType, errorMessage: 'insufficient funds', trace });
    });

    it('answers a thrown string as the runtime does, and records it wrapped in an Error', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => {
        throw 'card declined';
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({ functionError: 'Unhandled', errorType: 'string', errorMessage: 'card declined', trace: [] });
      expect(mock.errors[0]?.message).toBe('card declined');
    });

    it.each([
      ['a BigInt', () => ({ amount: 10n }), '$.value.amount is a BigInt (10n)'],
      ['a cycle', () => { const order: Record<string, unknown> = {}; order.self = order; return order; }, '$.value.self is a circular reference (to $.value)'],
      ['a function', () => () => 1, '$.value is a function'],
    ])('turns a return value with %s into a ResultNotSerializableError function error that says where', async (_case, handler, where) => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', handler as () => unknown);

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toMatchObject({ functionError: 'Unhandled', errorType: 'ResultNotSerializableError' });
      expect(mock.errors[0]).toBeInstanceOf(ResultNotSerializableError);
      expect(mock.errors[0]?.message).toContain(`the result of lambda:ChargeCard is not JSON: ${where}.`);
      expect(mock.errors[0]?.message).toContain('To fix this, return plain data');
    });

    it('turns a return value too large for the results table into a ResultTooLargeError function error, as on the aws target', async () => {
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => ({ blob: 'x'.repeat(400_000) }));

      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      expect(answer).toMatchObject({ functionError: 'Unhandled', errorType: 'ResultTooLargeError' });
      expect(mock.errors[0]).toBeInstanceOf(ResultTooLargeError);
      expect(mock.errors[0]?.message).toMatch(
        /^the result of lambda:ChargeCard is 400\d{3} bytes of JSON, over the 380000 bytes that a results-table item \(DynamoDB allows 400 KB per item; the result gets 380000 bytes of it\) can carry\. To fix this, return less/,
      );
    });

    it('waits for a matching invocation and lists what it saw when none comes', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => 1);
      await invoke(session, { functionName: 'ChargeCard', event: { orderId: 'o-1' } });

      // Act
      const error = await thrownBy(() => mock.waitForInvocation({ where: (invocation) => invocation.event === 'never', timeoutMs: 20 }));

      // Assert
      expect(error).toBeInstanceOf(WaitTimeoutError);
      expect(error.message).toContain('Lambda function double ChargeCard: no matching invocation within 20 ms. It received 1, none matching');
      expect(error.message).toContain('"orderId":"o-1"');
    });

    it('forgets invocations and errors on clear, and keeps the handler', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => fail('E', 'm'));
      await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Act
      mock.clear();
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toMatchObject({ functionError: 'Unhandled', errorType: 'E' });
      expect(mock.invocations).toHaveLength(1);
      expect(mock.errors).toHaveLength(1);
    });

    it('releases the route on restore, once, and a new mock registers again', async () => {
      // Arrange
      const session = createFakeSession();
      const api = createLambdaMockApi(session, anyFunction);
      const mock = await api.mockFunction('ChargeCard', () => 1);

      // Act
      await mock.restore();
      await mock.restore();
      const afterRestore = session.handlers.has('lambda:ChargeCard');
      const again = await api.mockFunction('ChargeCard', () => 2);

      // Assert
      expect(afterRestore).toBe(false);
      expect(again).not.toBe(mock);
      expect(session.handlers.has('lambda:ChargeCard')).toBe(true);
    });
  });

  describe('Answers in sequence: once / onCall / reset', () => {
    it('fails the first call with a once answer, then the handler answers the retry', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));
      mock.once(() => fail('ServiceUnavailable', 'try again'));

      // Act
      const first = await invoke(session, { functionName: 'ChargeCard', event: { amount: 5 } });
      const second = await invoke(session, { functionName: 'ChargeCard', event: { amount: 5 } });

      // Assert: Invoke's error shape, then its payload
      expect(first).toMatchObject({ functionError: 'Unhandled', errorType: 'ServiceUnavailable', errorMessage: 'try again' });
      expect(second).toEqual({ payload: { charged: 5 } });
      expect(mock.invocations.map((invocation) => invocation.status)).toEqual(['failed', 'succeeded']);
      expect(mock.errors).toHaveLength(1);
    });

    it('answers onCall(n) first, then once answers in order (values, Errors, functions), then the handler', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction<{ n: number }, { from: string }>('ChargeCard', () => ({ from: 'handler' }));
      mock
        .once({ from: 'once value' })
        .once(new LambdaFunctionError('CardDeclined', 'limit'))
        .once((event) => ({ from: `once function ${event.n}` }))
        .onCall(0)
        .answer({ from: 'onCall(0)' });

      // Act
      const answers = [];
      for (let n = 0; n < 5; n += 1) answers.push(await invoke(session, { functionName: 'ChargeCard', event: { n } }));

      // Assert
      expect(answers).toEqual([
        { payload: { from: 'onCall(0)' } },
        { payload: { from: 'once value' } },
        expect.objectContaining({ functionError: 'Unhandled', errorType: 'CardDeclined', errorMessage: 'limit' }),
        { payload: { from: 'once function 3' } },
        { payload: { from: 'handler' } },
      ]);
      expect(mock.pendingAnswers).toBe(0);
    });

    it('refuses, at the once line, a value answer that cannot be Invoke\'s Payload', async () => {
      const mock = await createLambdaMockApi(createFakeSession(), anyFunction).mockFunction('ChargeCard', () => null);

      // The types refuse these already (the handler returns null); a JavaScript test meets the check.
      expect(() => mock.once({ total: 10n } as never)).toThrow(ResultNotSerializableError);
      expect(() => mock.once({ blob: 'x'.repeat(400_000) } as never)).toThrow(ResultTooLargeError);
      expect(mock.pendingAnswers).toBe(0);
    });

    it('reset() drops unused answers and recorded invocations, keeping the handler', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', () => 'handler');
      await invoke(session, { functionName: 'ChargeCard', event: {} });
      mock.once('queued');

      // Act
      mock.reset();
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {} });

      // Assert
      expect(answer).toEqual({ payload: 'handler' });
      expect(mock.invocations).toHaveLength(1);
      expect(() => mock.onCall(0)).toThrow(InvalidAnswerError);
    });

    it('refuses a LambdaFunctionError whose type or message is not a string, as Invoke carries them', () => {
      expect(() => new LambdaFunctionError(42 as never, 'x')).toThrow('LambdaFunctionError: errorType is a number.');
      expect(() => fail('CardDeclined', { why: 'x' } as never)).toThrow("LambdaFunctionError: the message is an object, but a function's errorMessage is a string.");
    });
  });

  describe('Method: context.sendTaskSuccess / context.sendTaskFailure', () => {
    it('puts a success callback, with the handler token, next to the payload', async () => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        context.sendTaskSuccess({ approved: true, token: context.taskToken });
        return 'sent';
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {}, taskToken: 'tok-1' });

      // Assert
      expect(answer).toEqual({ payload: 'sent', callback: { type: 'success', output: { approved: true, token: 'tok-1' } } });
      expect(mock.invocations[0]?.callback).toEqual({ type: 'success', output: { approved: true, token: 'tok-1' } });
    });

    it.each([
      ['error and cause', ['OutOfStock', 'sku-1'], { type: 'failure', error: 'OutOfStock', cause: 'sku-1' }],
      ['nothing', [], { type: 'failure' }],
    ])('puts a failure callback with %s', async (_case, args, callback) => {
      // Arrange
      const session = createFakeSession();
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        context.sendTaskFailure(...(args as [string?, string?]));
        return null;
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {}, taskToken: 'tok-1' });

      // Assert
      expect(answer).toEqual({ payload: null, callback });
    });

    it('keeps a callback the function made before it threw', async () => {
      // Arrange
      const session = createFakeSession();
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        context.sendTaskSuccess('ok');
        throw new Error('after the callback');
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {}, taskToken: 'tok-1' });

      // Assert
      expect(answer).toMatchObject({ functionError: 'Unhandled', errorMessage: 'after the callback', callback: { type: 'success', output: 'ok' } });
    });

    it.each([
      [
        'without a task token',
        undefined,
        (context: { sendTaskSuccess(output: unknown): void }) => context.sendTaskSuccess(1),
        'was called, but this invocation has no task token',
      ],
      [
        'twice',
        'tok-1',
        (context: { sendTaskSuccess(output: unknown): void; sendTaskFailure(error?: string): void }) => {
          context.sendTaskSuccess(1);
          context.sendTaskFailure('Late');
        },
        'was called after the handler had already called back (success)',
      ],
    ])('refuses a callback %s: the handler sees the error, as it would see the SDK refuse', async (_case, taskToken, call, message) => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        call(context);
        return null;
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {}, ...(taskToken ? { taskToken } : {}) });

      // Assert
      expect(answer).toMatchObject({ functionError: 'Unhandled', errorType: 'LambdaCallbackError' });
      expect(mock.errors[0]?.message).toContain(message);
    });

    it.each([
      ['an error over 256 characters', 'e'.repeat(257), undefined, 'lambda:ChargeCard: the error of context.sendTaskFailure is 257 characters; Step Functions takes a string of at most 256 characters there'],
      ['a cause over 32768 characters', 'E', 'c'.repeat(32_769), 'lambda:ChargeCard: the cause of context.sendTaskFailure is 32769 characters; Step Functions takes a string of at most 32768 characters there'],
    ])('refuses sendTaskFailure with %s as InvalidFailureError, as the ECS double does', async (_case, error, cause, message) => {
      // Arrange
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        context.sendTaskFailure(error, cause);
        return null;
      });

      // Act
      const answer = await invoke(session, { functionName: 'ChargeCard', event: {}, taskToken: 'tok-1' });

      // Assert: the handler saw the error (it threw out of the handler), and the mock names it
      expect(answer).toMatchObject({ functionError: 'Unhandled', errorType: 'InvalidFailureError' });
      expect(mock.errors[0]).toBeInstanceOf(InvalidFailureError);
      expect(mock.errors[0]?.message).toContain(message);
    });

    it.each([
      ['over 256 KiB', 'x'.repeat(262_144), ResultTooLargeError, "the sendTaskSuccess output of lambda:ChargeCard is 262146 bytes of JSON, over the 262144 bytes that Step Functions' SendTaskSuccess output (256 KiB) can carry."],
      ['with a BigInt', { n: 1n }, ResultNotSerializableError, 'the sendTaskSuccess output of lambda:ChargeCard is not JSON: $.n is a BigInt (1n).'],
    ])('refuses sendTaskSuccess output %s with its named error, as the ECS double does', async (_case, output, type, message) => {
      const session = createFakeSession();
      const mock = await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        context.sendTaskSuccess(output);
        return null;
      });

      const answer = await invoke(session, { functionName: 'ChargeCard', event: {}, taskToken: 'tok-1' });

      expect(answer).toMatchObject({ functionError: 'Unhandled', errorType: type.name });
      expect(mock.errors[0]).toBeInstanceOf(type);
      expect(mock.errors[0]?.message).toContain(message);
    });

    it('refuses a callback after the handler answered, saying to keep the promise pending', async () => {
      // Arrange
      const session = createFakeSession();
      let late: (() => void) | undefined;
      await createLambdaMockApi(session, anyFunction).mockFunction('ChargeCard', (_event, context) => {
        late = () => context.sendTaskSuccess('late');
        return null;
      });
      await invoke(session, { functionName: 'ChargeCard', event: {}, taskToken: 'tok-1' });

      // Act
      const error = await thrownBy(() => late?.());

      // Assert
      expect(error.message).toMatchInlineSnapshot(`"Lambda function double ChargeCard: context.sendTaskSuccess was called after the handler had answered. To fix this, call back before the handler returns: to call back later, keep its promise pending until then."`);
    });
  });
});
