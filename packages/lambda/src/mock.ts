import {
  endpointIntegration,
  AlreadyMockedError,
  checkCallbackOutput,
  checkFailure,
  checkHandler,
  checkResultValue,
  doubleId,
  RecordingMock,
  ResultNotSerializableError,
  runAnswer,
  type AdapterSession,
  type CallAnswer,
  type MockAnswer,
  type InvocationMessage,
  type Mutable,
  type TaskCallback,
  type WaitForInvocationOptions,
} from '@harness/core';
import { FUNCTION_NAME_PATTERN, type LambdaConfig } from './config.js';
import { LambdaCallbackError, LambdaNotSupportedError, UnknownLambdaFunctionError } from './errors.js';
import type { LambdaEndpoint, LambdaEndpointOptions } from './local/app-endpoint.js';
import type { LambdaLocalIntegration } from './local/integration.js';
import { LambdaFunctionError } from './results.js';
import { functionArnOutputKey } from './template.js';
import { errorDocumentOf, type LambdaInvocationPayload, type LambdaResultValue } from './wire.js';

/** What a Lambda handler is given besides the event. */
export interface LambdaHandlerContext {
  readonly functionName: string;
  /** The invocation's id, which is also its Lambda request id (`SdkResponseMetadata.RequestId`). */
  readonly invocationId: string;
  /** The version or alias the caller named, if any. */
  readonly qualifier?: string;
  /** The token of the `.waitForTaskToken` state that invoked the function, if it was one. */
  readonly taskToken?: string;
  /**
   * Calls `SendTaskSuccess` with this invocation's task token: the waiting
   * state succeeds with `output`. Call it before the handler answers (keep its
   * promise pending to call back later). Throws when there is no task token.
   */
  sendTaskSuccess(output: unknown): void;
  /**
   * Calls `SendTaskFailure` with this invocation's task token: the waiting
   * state fails with `error` and `cause`, verbatim (both may be left out).
   */
  sendTaskFailure(error?: string, cause?: string): void;
}

/** Decides what one invocation of a function returns (or throws: see `fail` and `LambdaFunctionError`). */
export type LambdaHandler<TEvent = unknown, TResult = unknown> = (
  event: TEvent,
  context: LambdaHandlerContext,
) => TResult | Promise<TResult>;

/** One invocation of a function, as its handler receives it. */
export interface LambdaInvocation<TEvent = unknown> {
  readonly invocationId: string;
  readonly functionName: string;
  readonly qualifier?: string;
  readonly event: TEvent;
  readonly taskToken?: string;
  /** When the double sent the invocation. */
  readonly sentAt: Date;
}

/**
 * A recorded invocation. It is recorded when it arrives (so a test can wait
 * for a function to be invoked while its handler still runs); `status` and
 * `result` or `error` are set when the handler answers.
 */
export interface RecordedLambdaInvocation<TEvent = unknown, TResult = unknown> extends LambdaInvocation<TEvent> {
  /** `running` until the handler answers, then `succeeded` (it returned) or `failed` (it threw). */
  readonly status: 'running' | 'succeeded' | 'failed';
  /** What the handler returned. */
  readonly result?: TResult;
  /** What the handler threw (a thrown non-`Error` is wrapped in one). */
  readonly error?: Error;
  /** The `SendTaskSuccess` / `SendTaskFailure` the handler performed, if any. */
  readonly callback?: TaskCallback;
}

/** A mocked Lambda function: what it received, and a bounded wait for more. */
export interface FunctionMock<TEvent = unknown, TResult = unknown> {
  readonly functionName: string;
  /** Every invocation so far, oldest first. */
  readonly invocations: readonly RecordedLambdaInvocation<TEvent, TResult>[];
  /** Errors the handler threw; each also made its invocation fail. */
  readonly errors: readonly Error[];
  /**
   * Resolves with the first invocation that matches, or fails after the
   * timeout listing what it saw.
   *
   * @example
   * const charge = await chargeCard.waitForInvocation({ where: (i) => i.event.orderId === 'o-1', timeoutMs: 5_000 });
   */
  waitForInvocation(
    options?: WaitForInvocationOptions<RecordedLambdaInvocation<TEvent, TResult>>,
  ): Promise<RecordedLambdaInvocation<TEvent, TResult>>;
  /** Forgets recorded invocations and errors; the handler and queued answers stay. */
  clear(): void;
  /** Forgets recorded invocations and errors and drops unused `once` / `onCall` answers; the handler stays, the function stays mocked. */
  reset(): void;
  /** How many `once` / `onCall` answers are still waiting for their invocation. */
  readonly pendingAnswers: number;
  /**
   * Queues the answer of one invocation, used before the handler: the next
   * invocation without an `onCall` answer takes the oldest queued one; when
   * they are used up the handler answers again. The answer is what the handler
   * would return (checked now: it must be JSON), a handler (called with the
   * event and context), or an `Error` (the function fails with it: a
   * `LambdaFunctionError` gives its error type). Returns the mock.
   *
   * @example
   * validate.once(() => fail('ServiceUnavailable', 'try again')); // first call fails, the handler answers the retry
   * validate.once(new LambdaFunctionError('ServiceUnavailable', 'try again')).once({ valid: true });
   */
  once(answer: MockAnswer<LambdaHandler<TEvent, TResult>>): this;
  /**
   * The answer of the invocation at index `call` (0 for the first, over
   * `invocations`): before queued `once` answers and the handler.
   *
   * @example
   * chargeCard.onCall(2).answer(new LambdaFunctionError('CardDeclined', 'limit reached'));
   */
  onCall(call: number): CallAnswer<MockAnswer<LambdaHandler<TEvent, TResult>>, this>;
  /**
   * Replaces the handler: later invocations run `handler` (running ones keep
   * the handler they started with); what was recorded stays.
   *
   * @example
   * const chargeCard = await harness.lambda.mockFunction('ChargeCard', () => ({ charged: true }));
   * chargeCard.replaceHandler(() => fail('CardDeclined', 'insufficient funds'));
   */
  replaceHandler(handler: LambdaHandler<TEvent, TResult>): void;
  /** Stops mocking this function: releases its route, so invoking it fails as an unmocked function does (`Harness.NoRoute`, see the README). */
  restore(): Promise<void>;
}

/** `harness.lambda`: mocks for Lambda function doubles. */
export interface LambdaMockApi {
  /**
   * Mocks a Lambda function: every invocation of it (by name, ARN or
   * qualified name) runs `handler`. A handler that is not a function is refused
   * (`InvalidHandlerError`); mocking the same function again while its mock
   * stands is refused (`AlreadyMockedError`): change the handler with
   * `mock.replaceHandler(handler)`, or `await mock.restore()` first.
   *
   * @example
   * const chargeCard = await harness.lambda.mockFunction('ChargeCard', (event: { amount: number }) => ({ charged: event.amount }));
   * // … run the workflow …
   * expect(chargeCard.invocations[0]?.event).toEqual({ amount: 42 });
   */
  mockFunction<TEvent = unknown, TResult = unknown>(
    functionName: string,
    handler: LambdaHandler<TEvent, TResult>,
  ): Promise<FunctionMock<TEvent, TResult>>;
  /**
   * The local target's Lambda `Invoke` API, for application code that invokes
   * functions itself with `@aws-sdk/client-lambda`: a loopback endpoint whose
   * invocations reach the mocks of this harness. Local target only.
   *
   * @example
   * const lambda = new LambdaClient((await harness.lambda.endpoint()).clientConfig);
   * await harness.lambda.endpoint({ setEnvironment: true }); // or: `new LambdaClient({})` finds it through AWS_ENDPOINT_URL_LAMBDA
   */
  endpoint(options?: LambdaEndpointOptions): Promise<LambdaEndpoint>;
}

class LambdaFunctionMock extends RecordingMock<RecordedLambdaInvocation, LambdaHandler> implements FunctionMock {
  constructor(
    readonly functionName: string,
    public handler: LambdaHandler,
    release: () => Promise<void>,
    session: AdapterSession,
  ) {
    super(`Lambda function double ${functionName}`, release, session);
  }

  /** A value answer becomes Invoke's Payload: refuse, at the test's line, one that is not JSON or too large. */
  protected override checkAnswer(answer: MockAnswer<LambdaHandler>, _where: string): void {
    if (typeof answer === 'function' || answer instanceof Error) return;
    const payload = toJsonPayload(this.functionName, answer);
    checkResultValue({ payload }, doubleId('lambda', this.functionName), 'return less (e.g. a reference to data stored elsewhere, such as an S3 key).');
  }

  replaceHandler(handler: LambdaHandler): void {
    checkHandler(handler, doubleId('lambda', this.functionName), `mock.replaceHandler(handler) of Lambda function double ${this.functionName}`);
    this.handler = handler;
  }

  /** Runs the handler for one invocation. Never throws for what the handler does: a throw is the function's error. */
  async handle(message: InvocationMessage): Promise<LambdaResultValue> {
    const payload = message.payload as LambdaInvocationPayload;
    const record: Mutable<RecordedLambdaInvocation> = {
      invocationId: message.invocationId,
      functionName: this.functionName,
      ...(payload.qualifier !== undefined ? { qualifier: payload.qualifier } : {}),
      event: payload.event,
      ...(payload.taskToken !== undefined ? { taskToken: payload.taskToken } : {}),
      sentAt: new Date(message.sentAt),
      status: 'running',
    };
    const taken = this.takeAnswer('', this.invocations.length);
    this.log.record(record);

    let answered = false;
    let callback: TaskCallback | undefined;
    const setCallback = (next: TaskCallback, method: string): void => {
      const describe = `Lambda function double ${this.functionName}: context.${method}`;
      if (payload.taskToken === undefined) {
        throw new LambdaCallbackError(
          this.functionName,
          `${describe} was called, but this invocation has no task token. ` +
            'To fix this, invoke the function from a state whose Resource is arn:aws:states:::lambda:invoke.waitForTaskToken (the workflow puts $$.Task.Token in its Payload).',
        );
      }
      if (answered) {
        throw new LambdaCallbackError(
          this.functionName,
          `${describe} was called after the handler had answered. ` +
            'To fix this, call back before the handler returns: to call back later, keep its promise pending until then.',
        );
      }
      if (callback !== undefined) {
        throw new LambdaCallbackError(
          this.functionName,
          `${describe} was called after the handler had already called back (${callback.type}). ` +
            'Step Functions accepts one callback per task token. To fix this, call sendTaskSuccess or sendTaskFailure once.',
        );
      }
      callback = next;
    };

    const context: LambdaHandlerContext = {
      functionName: this.functionName,
      invocationId: message.invocationId,
      ...(payload.qualifier !== undefined ? { qualifier: payload.qualifier } : {}),
      ...(payload.taskToken !== undefined ? { taskToken: payload.taskToken } : {}),
      sendTaskSuccess: (output) => {
        // Not JSON, or over Step Functions' 256 KiB: ResultNotSerializableError / ResultTooLargeError, as for an ECS double.
        setCallback({ type: 'success', output: JSON.parse(checkCallbackOutput(output, doubleId('lambda', this.functionName))) as unknown }, 'sendTaskSuccess');
      },
      sendTaskFailure: (error, cause) => {
        // SendTaskFailure's limits (error ≤ 256, cause ≤ 32,768 characters): InvalidFailureError, as for an ECS double.
        checkFailure({ error, cause }, doubleId('lambda', this.functionName), 'context.sendTaskFailure');
        setCallback(
          { type: 'failure', ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) },
          'sendTaskFailure',
        );
      },
    };

    try {
      const returned = taken ? await runAnswer(taken.answer, [payload.event, context]) : await this.handler(payload.event, context);
      const result = toJsonPayload(this.functionName, returned);
      const answer: LambdaResultValue = callback === undefined ? { payload: result } : { payload: result, callback };
      // It travels in a results-table item on the aws target: the same limit on both targets.
      checkResultValue(answer, doubleId('lambda', this.functionName), 'return less (e.g. a reference to data stored elsewhere, such as an S3 key).');
      record.status = 'succeeded';
      record.result = returned;
      if (callback !== undefined) record.callback = callback;
      return answer;
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.errors.push(error);
      record.status = 'failed';
      record.error = error;
      if (callback !== undefined) record.callback = callback;
      const document = errorDocumentOf(thrown, thrown instanceof LambdaFunctionError ? thrown.stackTrace : undefined);
      return { functionError: 'Unhandled', ...document, ...(callback !== undefined ? { callback } : {}) };
    } finally {
      answered = true;
    }
  }
}

/** Builds `harness.lambda` for one session. */
export function createLambdaMockApi(session: AdapterSession, config: LambdaConfig): LambdaMockApi {
  const mocks = new Map<string, LambdaFunctionMock>();
  const known = Object.keys(config.functions);

  function checkFunction(functionName: string): void {
    if (typeof functionName !== 'string' || !FUNCTION_NAME_PATTERN.test(functionName)) {
      throw new UnknownLambdaFunctionError(
        String(functionName),
        `${JSON.stringify(functionName)} is not a Lambda function name. ` +
          'To fix this, pass the bare name the workflow invokes, e.g. mockFunction(\'ChargeCard\', handler): 1-64 letters, digits, hyphens and underscores ' +
          '(ARNs and qualified names such as ChargeCard:prod reach the mock of ChargeCard).',
      );
    }
    if (known.length > 0 && !known.includes(functionName)) {
      throw new UnknownLambdaFunctionError(
        functionName,
        `'${functionName}' is not a Lambda function double of stack ${session.stackName} (functions: ${known.join(', ')}). ` +
          'To fix this, use one of those names, or add it under adapters.lambda.functions in harness.config.json.',
      );
    }
    if (session.target === 'aws' && session.outputs[functionArnOutputKey(functionName)] === undefined) {
      throw new UnknownLambdaFunctionError(
        functionName,
        `Lambda function double ${functionName} is not deployed in stack ${session.stackName}-lambda (its outputs have no ${functionArnOutputKey(functionName)}). ` +
          `To fix this, list it under adapters.lambda.functions in harness.config.json and run \`npx harness deploy --adapters lambda\`.`,
      );
    }
  }

  return {
    async mockFunction<TEvent, TResult>(functionName: string, handler: LambdaHandler<TEvent, TResult>) {
      checkFunction(functionName);
      const double = doubleId('lambda', functionName);
      const call = `harness.lambda.mockFunction('${functionName}', handler)`;
      checkHandler(handler, double, call);
      // Handlers differ only in the types the test chose for its events and results.
      const untyped = handler as unknown as LambdaHandler;
      const existing = mocks.get(functionName);
      if (existing && !existing.restored) throw new AlreadyMockedError(double, call, 'mock.replaceHandler(handler)');
      const mock = new LambdaFunctionMock(
        functionName,
        untyped,
        async () => {
          mocks.delete(functionName);
          await session.unregister(double);
        },
        session,
      );
      mocks.set(functionName, mock);
      try {
        await session.register(double, (message) => mock.handle(message));
      } catch (error) {
        mocks.delete(functionName);
        throw error;
      }
      return mock as unknown as FunctionMock<TEvent, TResult>;
    },
    async endpoint(options) {
      const integration = endpointIntegration(session, {
        call: 'harness.lambda.endpoint()',
        onAws: 'your code invokes Lambda itself (AWS, or an AWS-compatible endpoint through AWS_ENDPOINT_URL_LAMBDA) and reaches the doubles `harness deploy` created',
        integration: 'Lambda local integration',
        createWith: "createHarness({ adapters: [lambdaAdapter] }) from '@harness/lambda'",
        find: isLambdaLocalIntegration,
        error: (_, message) => new LambdaNotSupportedError(message),
      });
      return integration.endpoint(options);
    },
  };
}

function isLambdaLocalIntegration(integration: { readonly name: string }): integration is LambdaLocalIntegration {
  return integration.name === 'lambda' && typeof (integration as Partial<LambdaLocalIntegration>).endpoint === 'function';
}

/**
 * A handler's return value as the JSON Lambda sends back: `undefined` becomes
 * `null`, as the Node.js runtime sends it. Not JSON (a BigInt, a cycle, a
 * function): `ResultNotSerializableError`, saying where.
 */
function toJsonPayload(functionName: string, returned: unknown): unknown {
  if (returned === undefined) return null;
  const double = doubleId('lambda', functionName);
  let json: string | undefined;
  try {
    json = JSON.stringify(returned);
  } catch {
    // checkResultValue names the path and what is there.
    checkResultValue(returned, double);
  }
  if (json === undefined) throw new ResultNotSerializableError(double, 'the result', '$.value', `a ${typeof returned}`);
  return JSON.parse(json) as unknown;
}

