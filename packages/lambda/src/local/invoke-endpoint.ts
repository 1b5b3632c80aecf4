/**
 * A loopback HTTP server that plays Lambda's `Invoke` (REST-JSON protocol, as
 * `@aws-sdk/client-lambda`'s `InvokeCommand` sends it) for application code
 * on the local target, answering through the functions' mocks:
 *
 * | request | answer |
 * | --- | --- |
 * | `POST /2015-03-31/functions/{FunctionName}/invocations`, `X-Amz-Invocation-Type: RequestResponse` (default) | 200, the handler's value as JSON; a handler that throws: `X-Amz-Function-Error: Unhandled` and the error document `{ errorType, errorMessage, trace }` |
 * | … `X-Amz-Invocation-Type: Event` | 202, empty; the handler runs after the answer |
 * | … `X-Amz-Invocation-Type: DryRun` | 204, empty; the handler does not run |
 * | a function of `adapters.lambda.functions` no session mocks | 200, `X-Amz-Function-Error: Unhandled`, `errorType: Harness.NoRoute` (what its deployed double answers) |
 * | a function of `adapters.lambda.functions` by its deployed name `<stack>-<Name>` (or that name's ARN) | as by `<Name>` (see `configuredFunctionNames`) |
 * | any other function no session mocks | 404 `ResourceNotFoundException` (no such function is deployed) |
 *
 * Signatures are not verified: the server listens on 127.0.0.1 only and plays
 * AWS for the process that started it. It never logs or echoes the
 * `Authorization` header (only the region of its credential scope is read).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { doubleId, listenOnLoopback, readRequestBody, signedRegion, type LocalIntegrationContext } from '@harness/core';
import { DEFAULT_ARN_PARTS } from '../constants.js';
import { FUNCTION_NAME_CONSTRAINT, functionArn, parseFunctionName, type FunctionReference } from '../function-reference.js';
import { isFunctionError, type LambdaInvocationPayload, type LambdaResultValue } from '../wire.js';
import { configuredFunctionNames, invokeMockedFunction } from './dispatch.js';
import { executedVersion } from './responses.js';

/**
 * Lambda's payload limits, in bytes: a synchronous request or response (6 MB),
 * an asynchronous (`Event`) request (1 MB since October 2025; 256 KB before).
 */
export const INVOKE_LIMITS = { syncPayloadBytes: 6_291_456, eventPayloadBytes: 1_048_576 } as const;

/** How long `close()` waits for the `Event` invocations still running. */
const CLOSE_WAIT_MS = 5_000;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;
type InvocationType = (typeof INVOCATION_TYPES)[number];

export interface LambdaInvokeEndpointOptions {
  /** The session whose mocks answer. */
  readonly context: LocalIntegrationContext;
  /** The region of the function ARNs in answers when the request's signature names none. Default `us-east-1`. */
  readonly region?: string;
  /** The functions of `adapters.lambda.functions`: deployed as doubles on the aws target, so unmocked they fail with `Harness.NoRoute`, not as missing. */
  readonly functions?: readonly string[];
}

/** A running endpoint. */
export interface LambdaInvokeEndpoint {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Resolves once every `Event` invocation accepted so far has been answered by its handler. */
  idle(): Promise<void>;
  /** Stops accepting requests, waits up to 5 s for the `Event` invocations still running, and closes the server. */
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string;
}

/** An AWS error answer of Lambda's REST-JSON protocol. */
class InvokeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Starts the endpoint on 127.0.0.1 (a free port).
 *
 * @example
 * const endpoint = await startLambdaInvokeEndpoint({ context });
 * const lambda = new LambdaClient({ endpoint: endpoint.url, region: 'us-east-1', credentials });
 */
export async function startLambdaInvokeEndpoint(options: LambdaInvokeEndpointOptions): Promise<LambdaInvokeEndpoint> {
  const { context } = options;
  const configured = options.functions ?? [];
  const functionNamed = configuredFunctionNames(configured, context.stackName);
  const defaultRegion = options.region ?? DEFAULT_ARN_PARTS.region;
  const pending = new Set<Promise<unknown>>();
  let closing = false;

  function reference(request: IncomingMessage, url: URL): { reference: FunctionReference; arn: string } {
    const match = INVOKE_PATH.exec(url.pathname);
    if (!match) throw new InvokeError('UnknownOperationException', `The harness's local Lambda endpoint plays Invoke only, not ${request.method} ${url.pathname}.`, 404);
    let name: string;
    try {
      name = decodeURIComponent(match[1] ?? '');
    } catch {
      throw new InvokeError('ValidationException', 'The function name in the request path is not valid URL encoding.');
    }
    const parsed = parseFunctionName(name);
    if (!parsed) {
      throw new InvokeError(
        'ValidationException',
        `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${FUNCTION_NAME_CONSTRAINT}`,
      );
    }
    const qualifier = url.searchParams.get('Qualifier') ?? undefined;
    if (qualifier !== undefined && parsed.qualifier !== undefined && parsed.qualifier !== qualifier) {
      throw new InvokeError('InvalidParameterValueException', 'The derived qualifier from the function name does not match the specified qualifier.');
    }
    if (qualifier !== undefined && !/^(\$LATEST|[A-Za-z0-9_-]{1,128})$/.test(qualifier)) {
      throw new InvokeError(
        'ValidationException',
        `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
      );
    }
    const resolved: FunctionReference = qualifier === undefined ? parsed : { ...parsed, qualifier };
    return { reference: resolved, arn: functionArn(resolved, { region: signedRegion(request) ?? defaultRegion }) };
  }

  async function invoke(request: IncomingMessage, body: Buffer, requestId: string): Promise<Reply> {
    if (request.method !== 'POST') throw new InvokeError('UnknownOperationException', `The harness's local Lambda endpoint plays Invoke only (POST), not ${request.method}.`, 404);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const { reference: target, arn } = reference(request, url);
    const typeHeader = header(request, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (!(INVOCATION_TYPES as readonly string[]).includes(typeHeader)) {
      throw new InvokeError(
        'ValidationException',
        `1 validation error detected: Value '${typeHeader}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
      );
    }
    const invocationType = typeHeader as InvocationType;
    const logType = header(request, 'x-amz-log-type');
    if (logType !== undefined && logType !== 'None' && logType !== 'Tail') {
      throw new InvokeError(
        'ValidationException',
        `1 validation error detected: Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [Tail, None]`,
      );
    }
    const limit = invocationType === 'Event' ? INVOKE_LIMITS.eventPayloadBytes : INVOKE_LIMITS.syncPayloadBytes;
    if (body.byteLength > limit) {
      throw new InvokeError('RequestTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`, 413);
    }
    const event = parseEvent(body);
    const functionName = functionNamed(target.functionName);
    const payload: LambdaInvocationPayload = {
      functionName,
      ...(target.qualifier !== undefined ? { qualifier: target.qualifier } : {}),
      event,
    };
    const version = executedVersion(target.qualifier);

    if (invocationType !== 'RequestResponse') {
      // A configured function's double exists (and fails with Harness.NoRoute when it runs); any other function does not.
      if (!context.isMocked(doubleId('lambda', functionName)) && !configured.includes(functionName)) throw notFound(arn);
      if (invocationType === 'DryRun') return { status: 204, body: '' };
      // Lambda queues the event and answers at once; the handler runs after the answer.
      // Runs once: a handler's error is recorded by its mock (Lambda would retry it twice, then drop the event).
      const running = invokeMockedFunction(context, payload, requestId, configured).catch(() => undefined);
      pending.add(running);
      void running.finally(() => pending.delete(running));
      return { status: 202, headers: { 'content-type': 'application/json' }, body: '' };
    }

    const value = await invokeMockedFunction(context, payload, requestId, configured);
    if (value === undefined) throw notFound(arn);
    return answer(value, version, requestId, logType === 'Tail');
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let reply: Reply;
    try {
      if (closing) throw new InvokeError('ServiceException', 'The harness that served this Lambda endpoint was closed.', 500);
      const body = await readRequestBody(request, INVOKE_LIMITS.syncPayloadBytes);
      reply = body === undefined
        ? errorReply(new InvokeError('RequestTooLargeException', `Request must be smaller than ${INVOKE_LIMITS.syncPayloadBytes} bytes for the InvokeFunction operation`, 413))
        : await invoke(request, body, requestId);
    } catch (error) {
      reply = error instanceof InvokeError ? errorReply(error) : errorReply(new InvokeError('ServiceException', (error as Error).message, 500));
    }
    response.writeHead(reply.status, {
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString(),
      ...(reply.headers ?? {}),
      'content-length': String(Buffer.byteLength(reply.body)),
    });
    response.end(reply.body);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const url = await listenOnLoopback(server);

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return {
    url,
    idle,
    async close() {
      closing = true;
      // A handler that never answers must not keep the harness from closing.
      await Promise.race([idle(), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The answer of a synchronous invocation: the payload, or the error document of a function error. */
function answer(value: LambdaResultValue, version: string, requestId: string, tail: boolean): Reply {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': version };
  if (tail) headers['x-amz-log-result'] = Buffer.from(logTail(requestId, version)).toString('base64');
  if (isFunctionError(value)) {
    headers['x-amz-function-error'] = 'Unhandled';
    return {
      status: 200,
      headers,
      // The Node.js runtime's error document, in its key order.
      body: JSON.stringify({ errorType: value.errorType, errorMessage: value.errorMessage, trace: value.trace }),
    };
  }
  const body = JSON.stringify(value.payload ?? null);
  if (Buffer.byteLength(body, 'utf8') > INVOKE_LIMITS.syncPayloadBytes) {
    headers['x-amz-function-error'] = 'Unhandled';
    return {
      status: 200,
      headers,
      body: JSON.stringify({
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size exceeded maximum allowed payload size (${INVOKE_LIMITS.syncPayloadBytes} bytes).`,
      }),
    };
  }
  return { status: 200, headers, body };
}

/** What `LogType: Tail` returns: the platform's lines of the invocation (the mock writes no function log). */
function logTail(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}\nEND RequestId: ${requestId}\nREPORT RequestId: ${requestId}\tDuration: 0.00 ms\n`;
}

/** The event the function receives: the request body as JSON, `{}` for an empty one. */
function parseEvent(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvokeError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
  }
}

function notFound(arn: string): InvokeError {
  return new InvokeError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
}

/** Lambda's error answer: the code in `x-amzn-ErrorType`, the body `{ Type, Message }`. */
function errorReply(error: InvokeError): Reply {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ Type: error.status >= 500 ? 'Service' : 'User', Message: error.message }),
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
