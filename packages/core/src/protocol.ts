/**
 * The wire format between test doubles (the container agent, Lambda doubles,
 * state machine doubles) and the harness session that answers them.
 *
 * This module is the single definition both sides import. It must stay free
 * of dependencies (Node built-ins are not needed either): the container agent
 * bundles it and still has no dependencies.
 *
 * Flow (see ARCHITECTURE.md, "The invocation protocol"):
 * 1. a session writes a {@link RouteItem} per mocked double to the routes table;
 * 2. an invoked double reads its route (consistent read) and sends an
 *    {@link InvocationMessage} to the session's queue;
 * 3. the session runs the handler and writes one {@link ResultItem} to the
 *    results table (conditional put on the invocation id);
 * 4. the double polls for that result and acts on it.
 */

import { isRecord } from './validation.js';

/** Version of this wire format. A message of another version is refused, never guessed at. */
export const PROTOCOL_VERSION = 1 as const;

/**
 * Environment variable names read by doubles. One prefix, one place.
 * Values are set by the adapter templates (or the local runner).
 */
export const HARNESS_ENV = {
  /** DynamoDB table of routes: which session answers which double. */
  routesTable: 'HARNESS_ROUTES_TABLE',
  /** DynamoDB table of results, keyed by invocation id. */
  resultsTable: 'HARNESS_RESULTS_TABLE',
  /** The double's id, e.g. `ecs:RenderPdf` (see {@link doubleId}). */
  double: 'HARNESS_DOUBLE',
  /** How long a double waits for its result, in milliseconds. */
  timeoutMs: 'HARNESS_TIMEOUT_MS',
  /** S3 bucket holding the container agent. */
  agentBucket: 'HARNESS_AGENT_BUCKET',
  /** S3 key of the container agent. */
  agentKey: 'HARNESS_AGENT_KEY',
  /** Hex SHA-256 the agent's bytes must have; the bootstrap refuses anything else. */
  agentSha256: 'HARNESS_AGENT_SHA256',
  /** Name of the environment variable that carries a Step Functions task token, if any. */
  taskTokenVariable: 'HARNESS_TASK_TOKEN_VARIABLE',
  /** `debug` for verbose structured logs. */
  logLevel: 'HARNESS_LOG_LEVEL',
} as const;

/** The kinds of double the built-in adapters define. Other adapters may use their own. */
export type DoubleKind = 'ecs' | 'lambda' | 'stepfunctions' | (string & {});

/** The id of a double in routes and messages: `<kind>:<name>`, e.g. `ecs:RenderPdf`. */
export function doubleId(kind: DoubleKind, name: string): string {
  return `${kind}:${name}`;
}

/** Splits a double id into kind and name. */
export function parseDoubleId(id: string): { kind: string; name: string } {
  const colon = id.indexOf(':');
  if (colon <= 0) throw new Error(`'${id}' is not a double id (expected '<kind>:<name>', e.g. 'ecs:RenderPdf').`);
  return { kind: id.slice(0, colon), name: id.slice(colon + 1) };
}

/**
 * An item of the routes table. Key: `double`.
 *
 * `expiresAt` is on AWS's clock: the session learns it from the `Date` of DynamoDB's answers, and a double
 * compares it with the `Date` of the answer that carried the route (a state machine double, with
 * `$$.State.EnteredTime`, Step Functions' clock), so two machines' clocks are never compared.
 */
export interface RouteItem {
  readonly double: string;
  readonly session: string;
  readonly queueUrl: string;
  /** Epoch seconds after which the route is dead (also the table's TTL attribute). */
  readonly expiresAt: number;
  /**
   * The same instant as `expiresAt`, ISO-8601 in UTC (`2026-11-25T19:20:00.000Z`): what a state machine double
   * compares with `$$.State.EnteredTime`, since Amazon States Language has no clock in epoch seconds.
   */
  readonly expiresAtIso: string;
}

/** The `expiresAtIso` of a route that expires at `expiresAt` (epoch seconds). */
export function routeExpiryIso(expiresAt: number): string {
  return new Date(expiresAt * 1000).toISOString();
}

/** What a double sends to the session's queue. */
export interface InvocationMessage<TPayload = unknown> {
  readonly v: typeof PROTOCOL_VERSION;
  readonly invocationId: string;
  readonly double: string;
  readonly session: string;
  readonly payload: TPayload;
  /** ISO-8601 time the double sent it. */
  readonly sentAt: string;
}

/** A handler's error as it travels back to the double. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** What the session answers: the adapter's value, or the error the handler threw. */
export type InvocationResult<TValue = unknown> =
  | { readonly status: 'ok'; readonly value: TValue }
  | { readonly status: 'error'; readonly error: WireError };

/** An item of the results table. Key: `invocationId`. `result` is the JSON of an {@link InvocationResult}. */
export interface ResultItem {
  readonly invocationId: string;
  readonly session: string;
  readonly result: string;
  /** Epoch seconds; the table's TTL attribute. */
  readonly expiresAt: number;
}

/** Attribute names of the two tables, as the templates declare them. */
export const TABLE_KEYS = {
  routes: 'double',
  results: 'invocationId',
  ttl: 'expiresAt',
  /** Of routes only: the expiry as an ISO-8601 string (see {@link RouteItem.expiresAtIso}). */
  routeExpiryIso: 'expiresAtIso',
} as const;

/** Exit codes a container agent uses for its own failures (a handler's code is passed through as is). */
export const AGENT_EXIT_CODES = {
  /** The handler threw: like an uncaught exception in Node. */
  handlerError: 1,
  /** The agent itself failed: bad configuration, AWS call refused, malformed result. */
  internalError: 70,
  /** No live test session has mocked this double. */
  noRoute: 78,
  /** The bootstrap refused the agent: its SHA-256 did not match the pinned value. */
  integrityError: 77,
  /**
   * The session the invocation was sent to stopped answering before it answered: its route expired without a
   * heartbeat and no other session took it over (the test process was killed or crashed), or it removed its route.
   */
  sessionLost: 69,
  /** The result did not arrive within the timeout. */
  timeout: 124,
} as const;

/**
 * Error codes of AWS throttling answers: `ThrottlingException`, `RequestThrottled`, `Throttling`… (all match
 * `Throttl`), DynamoDB's `ProvisionedThroughputExceededException` and `RequestLimitExceeded`, `TooManyRequestsException`,
 * S3's `SlowDown`. (Short: the container agent's bootstrap carries it, in every task definition.)
 */
export const THROTTLING_ERROR_CODES = /Throttl|(RequestLimit|Throughput)Exceeded|TooManyRequests|SlowDown/;

/**
 * Whether an AWS error answer may succeed if the call is sent again: an HTTP 5xx but 501 (Not Implemented: the
 * endpoint lacks the operation, so no retry helps), or throttling (by its error code, {@link THROTTLING_ERROR_CODES}).
 * One rule for core's transport (SDK errors: `$metadata.httpStatusCode`, `name`) and the container agent (its own
 * HTTP client). A call that got no answer at all (lost, reset, timed out) is transient as well: each caller knows
 * how its client says so.
 */
export function isRetryableAnswer({ status, errorType = '' }: { readonly status: number; readonly errorType?: string | undefined }): boolean {
  // 5xx but 501, written short for the bootstrap.
  return status === 500 || status > 501 || THROTTLING_ERROR_CODES.test(errorType);
}

/**
 * Largest invocation message harness sends over SQS: 1 MiB (1,048,576 bytes), SQS's largest message. A queue's
 * default `MaximumMessageSize` is 256 KiB, so the session queue is created with this value
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html).
 * The container agent refuses a larger invocation before sending it.
 */
export const MAX_MESSAGE_BYTES = 1_048_576;

/**
 * What {@link MAX_MESSAGE_BYTES} is, for error messages. A function, not a constant: a bundler keeps a template
 * constant even where nothing uses it, and the container agent's bootstrap imports this module.
 */
const messageLimit = (): string => `an SQS message (the session queue's MaximumMessageSize, ${MAX_MESSAGE_BYTES} bytes = 1 MiB, SQS's largest)`;

// ----- ECS -----

/** What the container agent forwards for one container of one task. */
export interface EcsInvocationPayload {
  readonly family: string;
  readonly revision?: number;
  readonly taskArn: string;
  readonly clusterArn?: string;
  /** The container's name in the task definition. */
  readonly container: string;
  /** The container's command: the task definition's, or RunTask's override. */
  readonly command: readonly string[];
  /** The container's environment, without harness-internal and credential variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** This container's entry of RunTask's `overrides.containerOverrides`, when the agent could read it. */
  readonly overrides?: EcsContainerOverride;
  /** The Step Functions task token, when the workflow passed one (`.waitForTaskToken`). */
  readonly taskToken?: string;
  readonly startedBy?: string;
}

export interface EcsContainerOverride {
  readonly name?: string;
  readonly command?: readonly string[];
  readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
  readonly cpu?: number;
  readonly memory?: number;
}

/** The callback the agent performs for a `.waitForTaskToken` state, with the task role. */
export type TaskCallback =
  | { readonly type: 'success'; readonly output: unknown }
  | { readonly type: 'failure'; readonly error?: string; readonly cause?: string };

/** The value the session answers an ECS invocation with. */
export interface EcsResultValue {
  readonly exitCode: number;
  readonly callback?: TaskCallback;
  /** Lines the agent writes to its log before exiting (they land in CloudWatch Logs). */
  readonly logs?: readonly string[];
}

/**
 * Serialises a value for a queue message; refuses what would not fit, naming the limit.
 *
 * @param limit - what carries it, for the error message; default: an SQS message ({@link MAX_MESSAGE_BYTES})
 */
export function encodeJson(value: unknown, limitBytes: number, what: string, limit = messageLimit()): string {
  const body = JSON.stringify(value);
  const size = byteLength(body);
  if (size > limitBytes) {
    throw new Error(`${what} is ${size} bytes, over the ${limitBytes}-byte limit of ${limit}. Send less data through the double.`);
  }
  return body;
}

function byteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Parses and checks an invocation message; throws a readable error for anything else. */
export function parseInvocationMessage(body: string): InvocationMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error(`invocation message is not JSON: ${body.slice(0, 200)}`);
  }
  if (!isRecord(parsed)) throw new Error('invocation message is not an object');
  if (parsed.v !== PROTOCOL_VERSION) {
    throw new Error(`invocation message has protocol version ${String(parsed.v)}, this harness speaks ${PROTOCOL_VERSION}`);
  }
  for (const field of ['invocationId', 'double', 'session', 'sentAt'] as const) {
    if (typeof parsed[field] !== 'string' || parsed[field] === '') {
      throw new Error(`invocation message has no '${field}'`);
    }
  }
  return parsed as unknown as InvocationMessage;
}

/** Parses the `result` attribute of a results item. */
export function parseInvocationResult(json: string): InvocationResult {
  const parsed: unknown = JSON.parse(json);
  if (isRecord(parsed) && parsed.status === 'ok' && 'value' in parsed) return parsed as InvocationResult;
  if (isRecord(parsed) && parsed.status === 'error' && isRecord(parsed.error)) return parsed as InvocationResult;
  throw new Error(`result is neither {status:'ok',value} nor {status:'error',error}: ${json.slice(0, 200)}`);
}
