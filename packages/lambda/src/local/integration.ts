import { randomUUID } from 'node:crypto';
import {
  isRecord,
  type LocalIntegrationContext,
  type LocalServiceIntegration,
  type LocalTaskInvocation,
} from '@harness/core';
import type { LambdaConfig } from '../config.js';
import { LAMBDA_SERVICE_RESOURCES, STEP_FUNCTIONS_LIMITS } from '../constants.js';
import { InvalidLambdaTaskError, LambdaNotSupportedError, LambdaTaskFailedError } from '../errors.js';
import {
  arnParts,
  FUNCTION_NAME_CONSTRAINT,
  functionArn,
  looksLikeFunctionArn,
  parseFunctionArn,
  parseFunctionName,
  type FunctionReference,
} from '../function-reference.js';
import {
  functionErrorCause,
  isFunctionError,
  type LambdaFunctionErrorValue,
  type LambdaInvocationPayload,
} from '../wire.js';
import { applicationEndpoint, endpointRegion, type LambdaEndpoint, type LambdaEndpointOptions } from './app-endpoint.js';
import { configuredFunctionNames, invokeMockedFunction } from './dispatch.js';
import { startLambdaInvokeEndpoint, type LambdaInvokeEndpoint } from './invoke-endpoint.js';
import { dataLimitCause, executedVersion, invokeOutput, serviceExceptionCause } from './responses.js';

/** How a `Task` state reaches Lambda. */
export type LambdaTaskMode = 'invoke' | 'waitForTaskToken' | 'function';

/** The parameters `arn:aws:states:::lambda:invoke[.waitForTaskToken]` takes (Lambda's `Invoke` request). */
const INVOKE_PARAMETERS = ['FunctionName', 'Payload', 'Qualifier', 'InvocationType', 'LogType', 'ClientContext'] as const;

const SERVICE_RESOURCE = /^arn:aws[a-z-]*:states:::(lambda:.+)$/;

/**
 * The mode of a `Resource` this integration owns: the Lambda service
 * integration (`arn:aws:states:::lambda:invoke`, `…:invoke.waitForTaskToken`)
 * or a function ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`).
 * `undefined` for any other resource.
 */
export function lambdaTaskMode(resource: string): LambdaTaskMode | undefined {
  const service = SERVICE_RESOURCE.exec(resource)?.[1];
  if (service === LAMBDA_SERVICE_RESOURCES.invoke) return 'invoke';
  if (service === LAMBDA_SERVICE_RESOURCES.waitForTaskToken) return 'waitForTaskToken';
  if (service === undefined && looksLikeFunctionArn(resource)) return 'function';
  return undefined;
}

/** The Lambda local integration: `Task` states that invoke functions, and the Invoke API for application code. */
export interface LambdaLocalIntegration extends LocalServiceIntegration {
  readonly name: 'lambda';
  /**
   * The Lambda `Invoke` API of the local target, for application code that
   * invokes functions itself (starts the loopback endpoint on first use; the
   * first call's region is the one its function ARNs fall back to).
   * `harness.lambda.endpoint()` calls it.
   */
  endpoint(options?: LambdaEndpointOptions): Promise<LambdaEndpoint>;
  /** Waits (up to 5 s) for the `Event` invocations still running, closes the endpoint and undoes `setEnvironment`. `harness.close()` calls it. */
  dispose(): Promise<void>;
}

/**
 * The local target's Step Functions → Lambda integration: runs the `Task`
 * states whose `Resource` is `lambda:invoke`, `lambda:invoke.waitForTaskToken`
 * or a function ARN, by dispatching each invocation to the function's mock
 * (`harness.lambda.mockFunction`) and answering with what AWS would: the
 * Invoke response, the bare return value, or the state failure.
 *
 * For `.waitForTaskToken`, `invoke` resolves (with `undefined`) once the
 * function has answered; the state's output comes through `task.callbacks`.
 *
 * @example
 * const [lambda] = lambdaAdapter.localIntegrations(config, context);
 * const output = await lambda.invoke(task); // { ExecutedVersion: '$LATEST', Payload: …, StatusCode: 200, … }
 */
export function createLambdaIntegration(config: LambdaConfig, context: LocalIntegrationContext): LambdaLocalIntegration {
  const known = Object.keys(config.functions);
  const functionNamed = configuredFunctionNames(known, context.stackName);
  let endpoint: Promise<LambdaInvokeEndpoint> | undefined;
  let disposed = false;
  /** Undoes what `setEnvironment` set, when the harness closes. */
  const restoreEnvironment: (() => void)[] = [];
  return {
    name: 'lambda',
    // The whole `lambda:` service namespace is ours, so a misspelt pattern gets an answer naming the ones that exist.
    handles: (resource) => SERVICE_RESOURCE.test(resource) || looksLikeFunctionArn(resource),
    invoke: (task) => runLambdaTask(task, context, known, functionNamed),
    async endpoint(options = {}) {
      if (disposed) {
        throw new LambdaNotSupportedError('harness.lambda.endpoint() was called after the harness closed. To fix this, call it while the harness is open.');
      }
      const started = await (endpoint ??= startLambdaInvokeEndpoint({ context, region: endpointRegion(options), functions: known }));
      return applicationEndpoint(started.url, options, restoreEnvironment);
    },
    async dispose() {
      disposed = true;
      try {
        if (endpoint) await (await endpoint).close();
      } finally {
        restoreEnvironment.splice(0).reverse().forEach((restore) => restore());
      }
    },
  };
}

interface LambdaRequest {
  readonly reference: FunctionReference;
  readonly event: unknown;
  /** The resolved function ARN, as Lambda names it in errors. */
  readonly arn: string;
}

async function runLambdaTask(
  task: LocalTaskInvocation,
  context: LocalIntegrationContext,
  known: readonly string[],
  functionNamed: (name: string) => string,
): Promise<unknown> {
  const mode = lambdaTaskMode(task.resource);
  if (mode === undefined) {
    throw new LambdaNotSupportedError(
      `State '${task.stateName}': Resource ${task.resource} is not a Lambda integration Step Functions offers. ` +
        `To fix this, use arn:aws:states:::${LAMBDA_SERVICE_RESOURCES.invoke}, arn:aws:states:::${LAMBDA_SERVICE_RESOURCES.waitForTaskToken} ` +
        'or a function ARN (arn:aws:lambda:<region>:<account>:function:<name>).',
    );
  }
  const requestId = randomUUID();
  const request = mode === 'function' ? requestFromArn(task) : requestFromParameters(task, mode, requestId);
  // A configured function answers to its deployed name `<stack>-<Name>` too, as on the aws target.
  const functionName = functionNamed(request.reference.functionName);
  const { qualifier } = request.reference;
  const taskToken = mode === 'waitForTaskToken' ? requireTaskToken(task) : undefined;
  const payload: LambdaInvocationPayload = {
    functionName,
    ...(qualifier !== undefined ? { qualifier } : {}),
    event: request.event,
    ...(taskToken !== undefined ? { taskToken } : {}),
  };
  const value = await invokeMockedFunction(context, payload, requestId, known);
  if (value === undefined) throw notFound(request, requestId, known);

  if (taskToken !== undefined) {
    if (task.signal.aborted) return undefined;
    if (value.callback?.type === 'success') {
      task.callbacks.succeed(taskToken, value.callback.output);
      return undefined;
    }
    if (value.callback?.type === 'failure') {
      task.callbacks.fail(taskToken, value.callback.error, value.callback.cause);
      return undefined;
    }
    if (isFunctionError(value)) throw functionFailed(value, functionName);
    task.callbacks.ended(
      taskToken,
      `Lambda function ${functionName} (state '${task.stateName}') returned without calling back: its handler called neither ` +
        'context.sendTaskSuccess nor context.sendTaskFailure. On AWS the state would wait for its HeartbeatSeconds or TimeoutSeconds (or a year). ' +
        'To fix this, call one of them in the handler (keep its promise pending to call back later).',
    );
    return undefined;
  }

  if (isFunctionError(value)) throw functionFailed(value, functionName);
  const payloadJson = JSON.stringify(value.payload ?? null);
  if (mode === 'function') {
    checkResultSize(task, functionName, payloadJson);
    return value.payload ?? null;
  }
  const output = invokeOutput(value.payload ?? null, payloadJson, requestId, executedVersion(qualifier));
  checkResultSize(task, functionName, JSON.stringify(output));
  return output;
}

/** A function ARN as `Resource`: the state's input is the event. */
function requestFromArn(task: LocalTaskInvocation): LambdaRequest {
  const reference = parseFunctionArn(task.resource);
  if (!reference) {
    throw new InvalidLambdaTaskError(
      `State '${task.stateName}': Resource ${task.resource} is not a valid function ARN, which AWS refuses when the state machine is created. ` +
        'To fix this, use arn:<partition>:lambda:<region>:<12-digit account>:function:<name>[:<version or alias>].',
    );
  }
  return { reference, event: cloneJson(task.input ?? {}), arn: functionArn(reference) };
}

/** `lambda:invoke[.waitForTaskToken]`: the state's effective parameters are Lambda's Invoke request. */
function requestFromParameters(task: LocalTaskInvocation, mode: LambdaTaskMode, requestId: string): LambdaRequest {
  const resource = mode === 'invoke' ? LAMBDA_SERVICE_RESOURCES.invoke : LAMBDA_SERVICE_RESOURCES.waitForTaskToken;
  const parameters = task.input;
  if (!isRecord(parameters)) {
    throw startFailed(task, parameters, `The value of 'Parameters' must be an object with a 'FunctionName' field`);
  }
  for (const key of Object.keys(parameters)) {
    if (!(INVOKE_PARAMETERS as readonly string[]).includes(key)) {
      throw new InvalidLambdaTaskError(
        `State '${task.stateName}': ${resource} has no parameter '${key}', which AWS refuses when the state machine is created. ` +
          `To fix this, use only ${INVOKE_PARAMETERS.join(', ')} (a path parameter ends in .$, e.g. "Payload.$": "$").`,
      );
    }
  }
  const { FunctionName: name, Qualifier: qualifier, InvocationType: invocationType } = parameters;
  if (name === undefined) throw startFailed(task, parameters, `The field 'FunctionName' is required but was missing`);
  if (typeof name !== 'string') throw startFailed(task, parameters, `The value for the field 'FunctionName' must be a STRING`);
  if (qualifier !== undefined && typeof qualifier !== 'string') {
    throw startFailed(task, parameters, `The value for the field 'Qualifier' must be a STRING`);
  }
  if (invocationType !== undefined && invocationType !== 'RequestResponse') {
    throw new LambdaNotSupportedError(
      `State '${task.stateName}': InvocationType ${JSON.stringify(invocationType)} is not supported by the local Lambda integration yet. ` +
        'To fix this, leave InvocationType out (RequestResponse, the default), or run this workflow on the aws target.',
    );
  }

  const fallback = arnParts(task.execution.stateMachineArn);
  const parsed = parseFunctionName(name);
  if (!parsed) {
    throw new LambdaTaskFailedError(
      'Lambda.AWSLambdaException',
      serviceExceptionCause(
        `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_CONSTRAINT}`,
        400,
        'ValidationException',
        requestId,
      ),
      name,
      `State '${task.stateName}': FunctionName ${JSON.stringify(name)} is neither a function name nor an ARN. To fix this, pass a name such as "ChargeCard" or a function ARN.`,
    );
  }
  if (qualifier !== undefined && parsed.qualifier !== undefined && parsed.qualifier !== qualifier) {
    throw new LambdaTaskFailedError(
      'Lambda.InvalidParameterValueException',
      serviceExceptionCause(
        'The derived qualifier from the function name does not match the specified qualifier.',
        400,
        'InvalidParameterValueException',
        requestId,
      ),
      parsed.functionName,
    );
  }
  const reference: FunctionReference = qualifier === undefined ? parsed : { ...parsed, qualifier };
  return { reference, event: payloadEvent(task, parameters.Payload, requestId, reference, fallback), arn: functionArn(reference, fallback) };
}

/**
 * The event Lambda hands the function: an absent or null `Payload` arrives as
 * `{}`; a string is sent as the request body as it is, so it must itself be
 * JSON (`"{\"a\":1}"` arrives as `{a: 1}`, `"hello"` is refused); anything
 * else arrives as the JSON it is.
 */
function payloadEvent(
  task: LocalTaskInvocation,
  payload: unknown,
  requestId: string,
  reference: FunctionReference,
  fallback: ReturnType<typeof arnParts>,
): unknown {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== 'string') return cloneJson(payload);
  try {
    return JSON.parse(payload) as unknown;
  } catch (error) {
    throw new LambdaTaskFailedError(
      'Lambda.InvalidRequestContentException',
      serviceExceptionCause(
        `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
        400,
        'InvalidRequestContentException',
        requestId,
      ),
      reference.functionName,
      `State '${task.stateName}': a string Payload is sent to ${functionArn(reference, fallback)} as raw JSON text, and ${JSON.stringify(payload.slice(0, 80))} is not JSON. ` +
        'To fix this, pass an object (e.g. "Payload.$": "$"), or a string holding JSON.',
    );
  }
}

function requireTaskToken(task: LocalTaskInvocation): string {
  if (task.taskToken === undefined) {
    throw new LambdaNotSupportedError(
      `State '${task.stateName}': ${task.resource} was run without a task token. ` +
        'To fix this, the workflow driver must give .waitForTaskToken states a taskToken (this is a harness bug: please report it).',
    );
  }
  return task.taskToken;
}

function notFound(request: LambdaRequest, requestId: string, known: readonly string[]): LambdaTaskFailedError {
  const { functionName } = request.reference;
  const listed = known.length > 0 && !known.includes(functionName);
  return new LambdaTaskFailedError(
    'Lambda.ResourceNotFoundException',
    serviceExceptionCause(`Function not found: ${request.arn}`, 404, 'ResourceNotFoundException', requestId),
    functionName,
    `No test session has mocked Lambda function ${functionName}. To fix this, call harness.lambda.mockFunction('${functionName}', handler) before the workflow invokes it` +
      (listed ? `, and add it under adapters.lambda.functions in harness.config.json (which lists ${known.join(', ')}).` : '.'),
  );
}

function functionFailed(value: LambdaFunctionErrorValue, functionName: string): LambdaTaskFailedError {
  return new LambdaTaskFailedError(value.errorType, functionErrorCause(value), functionName);
}

function startFailed(task: LocalTaskInvocation, parameters: unknown, detail: string): LambdaTaskFailedError {
  const json = JSON.stringify(parameters) ?? 'undefined';
  const name = isRecord(parameters) && typeof parameters.FunctionName === 'string' ? parameters.FunctionName : '';
  return new LambdaTaskFailedError(
    'States.Runtime',
    `An error occurred while executing the state '${task.stateName}'. The Parameters '${json}' could not be used to start the Task: [${detail}]`,
    name,
  );
}

function checkResultSize(task: LocalTaskInvocation, functionName: string, json: string): void {
  // A UTF-8 string is never shorter in bytes than in UTF-16 units: measure only when it may be too large.
  if (json.length * 3 <= STEP_FUNCTIONS_LIMITS.maxPayloadBytes) return;
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= STEP_FUNCTIONS_LIMITS.maxPayloadBytes) return;
  throw new LambdaTaskFailedError(
    'States.DataLimitExceeded',
    dataLimitCause(task.stateName),
    functionName,
    `The result of Lambda function ${functionName} is ${bytes} bytes; Step Functions allows ${STEP_FUNCTIONS_LIMITS.maxPayloadBytes}. ` +
      'To fix this, return less from the handler (e.g. a reference to data stored elsewhere).',
  );
}

function cloneJson(value: unknown): unknown {
  const json = JSON.stringify(value);
  return json === undefined ? null : (JSON.parse(json) as unknown);
}
