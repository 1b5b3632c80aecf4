/**
 * The Lambda function double: the code an aws-target Lambda double runs
 * (`Handler: lambda-double.handler`). It forwards the invocation (the event,
 * the qualifier the caller named, a task token found in the event) to the test
 * session that mocked the function, waits for the session's answer and acts on
 * it: returns the handler's value, throws its error, performs its task-token callback.
 *
 * Built as the single-file `dist/lambda-double.mjs` (Node built-ins only, the
 * wire format bundled in) and shipped zipped by {@link readLambdaArtifact}.
 *
 * Errors it throws, by `name` (the Lambda runtime reports it as `errorType`,
 * which Step Functions' `Catch` and `Retry` match on):
 * - the handler's own error name (`fail('InvalidOrder', …)` → `InvalidOrder`);
 * - `Harness.NoRoute`: no live test session has mocked this function;
 * - `Harness.Timeout`: the session did not answer in time;
 * - `Harness.SessionLost`: the session stopped heartbeating (or closed) before it answered;
 * - `Harness.InternalError`: the double is misconfigured or got a malformed answer.
 */
import { HARNESS_ENV, parseDoubleId, type TaskCallback } from '@harness/core/protocol';
import { createAwsContext, type AwsContext, type Env, type FetchLike } from './aws.js';
import { awaitResult, lookUpRoute, parseResultItem, performCallback, sendInvocation, sessionLostMessage } from './round-trip.js';

/** The `name`s of the errors the double throws for its own failures (a handler's error keeps its own name). */
export const LAMBDA_DOUBLE_ERRORS = {
  noRoute: 'Harness.NoRoute',
  timeout: 'Harness.Timeout',
  sessionLost: 'Harness.SessionLost',
  internal: 'Harness.InternalError',
} as const;

/** What the double keeps of its time for itself when it derives its timeout from the function's. */
export const LAMBDA_TIMEOUT_MARGIN_MS = 1_000;

/** The part of the Lambda context object the double reads. */
export interface LambdaDoubleContext {
  readonly functionName?: string;
  readonly invokedFunctionArn?: string;
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

// The wire values of @harness/lambda (src/wire.ts), restated: this package
// depends on nothing, and @harness/lambda depends on it.
interface LambdaInvocationPayload {
  readonly functionName: string;
  readonly qualifier?: string;
  readonly event: unknown;
  readonly taskToken?: string;
}
interface LambdaAnswer {
  readonly payload?: unknown;
  readonly functionError?: 'Unhandled';
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly trace?: readonly string[];
  readonly callback?: TaskCallback;
}

/** An error the double throws: `name` is what Lambda reports as `errorType`. */
class LambdaDoubleError extends Error {
  constructor(name: string, message: string, stack?: string) {
    super(message);
    this.name = name;
    if (stack !== undefined) this.stack = stack;
  }
}

type Logger = (level: 'info' | 'warn' | 'error' | 'debug', message: string, fields?: Record<string, unknown>) => void;

// One JSON object per line on stdout, like the agent: CloudWatch Logs keeps a line as one event.
function createLogger(env: Env, context: Record<string, unknown>): Logger {
  const debug = env[HARNESS_ENV.logLevel] === 'debug';
  return (level, message, fields) => {
    if (level === 'debug' && !debug) return;
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...context, ...fields })}\n`);
  };
}

/**
 * The Lambda entry point: `Handler: lambda-double.handler`. Reads its
 * configuration and credentials from `process.env`, as Lambda sets it.
 *
 * @example
 * // Lambda calls it; a test can too, with the function's environment in process.env:
 * const result = await handler({ orderId: 'o-1' }, { getRemainingTimeInMillis: () => 30_000 });
 */
export async function handler(event: unknown, context: LambdaDoubleContext = {}): Promise<unknown> {
  return invokeDouble(event, context, process.env);
}

/**
 * What {@link handler} does, with the environment (and the HTTP client) given
 * rather than taken from the process.
 */
export async function invokeDouble(
  event: unknown,
  context: LambdaDoubleContext,
  env: Env,
  options: { fetch?: FetchLike; now?: () => number } = {},
): Promise<unknown> {
  const now = options.now ?? Date.now;
  const fields: Record<string, unknown> = {};
  const log = createLogger(env, fields);
  const double = required(env, HARNESS_ENV.double);
  const routesTable = required(env, HARNESS_ENV.routesTable);
  const resultsTable = required(env, HARNESS_ENV.resultsTable);
  const { name: functionName } = parseDoubleId(double);
  const timeoutMs = resolveTimeout(env[HARNESS_ENV.timeoutMs], context);
  Object.assign(fields, { double, ...(context.awsRequestId ? { requestId: context.awsRequestId } : {}) });
  const aws: AwsContext = createAwsContext(env, options.fetch ? { fetch: options.fetch } : {});

  const lookup = await lookUpRoute(aws, routesTable, double, now);
  if (lookup.status === 'none' || lookup.status === 'expired') {
    const message =
      `no test session has mocked Lambda function ${functionName} (double ${double}): ` +
      `register it with harness.lambda.mockFunction('${functionName}', handler) before the workflow invokes it` +
      (lookup.status === 'expired'
        ? ` (the last session's route, ${String(lookup.session)}, expired at ${new Date(lookup.expiresAt * 1000).toISOString()})`
        : '');
    log('error', message, { routesTable });
    throw new LambdaDoubleError(LAMBDA_DOUBLE_ERRORS.noRoute, message);
  }
  if (lookup.status === 'invalid') {
    throw internal(log, `the route of ${double} in ${routesTable} has no session or queueUrl; it was not written by a harness session`);
  }
  const { route } = lookup;
  const { session } = route;
  fields.session = session;

  const qualifier = qualifierOf(context.invokedFunctionArn);
  const taskToken = findTaskToken(event);
  const payload: LambdaInvocationPayload = {
    functionName,
    ...(qualifier !== undefined ? { qualifier } : {}),
    // Lambda gives a handler `null` for an empty payload; JSON has no undefined.
    event: event === undefined ? null : event,
    ...(taskToken !== undefined ? { taskToken } : {}),
  };
  const sent = await sendInvocation(aws, route, double, payload);
  const { invocationId } = sent;
  fields.invocationId = invocationId;
  if ('tooLarge' in sent) throw internal(log, `${sent.tooLarge.message} (the event travels in it)`);
  const { sentAt } = sent;
  log('info', 'invocation sent');

  const wait = await awaitResult(aws, { resultsTable, routesTable }, sent, sentAt + timeoutMs, {
    now,
    onResend: (from, to) => log('info', `invocation sent again, to session ${to}: session ${from} stopped heartbeating and ${to} took ${double} over`),
  });
  if ('sessionLost' in wait) {
    const text = sessionLostMessage(wait.sessionLost, invocationId, `Lambda function double ${functionName} (${double})`, 'function');
    log('error', text, { routesTable, polls: wait.polls });
    throw new LambdaDoubleError(LAMBDA_DOUBLE_ERRORS.sessionLost, text);
  }
  if ('timedOut' in wait) {
    const text =
      `no result for invocation ${invocationId} of Lambda function double ${functionName} (${double}) from session ${session} ` +
      `after ${Date.now() - sentAt} ms (${wait.polls} polls of ${resultsTable}). ` +
      'To fix this, check that the test process is still running and its handler answers, or give the function a longer timeoutSeconds.';
    log('error', text, { timeoutMs });
    throw new LambdaDoubleError(LAMBDA_DOUBLE_ERRORS.timeout, text);
  }
  log('debug', 'result received', { polls: wait.polls, waitedMs: Date.now() - sentAt });

  const parsed = parseResultItem(wait.item);
  if ('malformed' in parsed) throw internal(log, `the result of invocation ${invocationId} is malformed: ${parsed.malformed}`);
  const { result } = parsed;
  if (result.status === 'error') {
    const { name, message: errorMessage, stack } = result.error;
    log('error', `the session failed to answer ${double}: ${name}: ${errorMessage}`);
    throw new LambdaDoubleError(name, errorMessage, stack);
  }
  const answer = checkAnswer(result.value);
  if (typeof answer === 'string') throw internal(log, `the result of invocation ${invocationId} is not a Lambda result: ${answer}`);

  if (answer.callback) {
    if (taskToken === undefined) {
      throw internal(log, `the handler asked for a task ${answer.callback.type} callback, but the event has no task token (a top-level taskToken field)`);
    }
    const { warning } = await performCallback(aws, answer.callback, taskToken);
    if (warning) log('warn', warning);
    else log('info', `task ${answer.callback.type} sent`);
  }
  if (answer.functionError === 'Unhandled') {
    const errorType = answer.errorType as string;
    log('info', `invocation answered with ${errorType}`);
    throw new LambdaDoubleError(errorType, answer.errorMessage as string, answer.trace?.join('\n'));
  }
  log('info', 'invocation answered');
  return answer.payload;
}

function required(env: Env, variable: string): string {
  const value = env[variable];
  if (!value) {
    throw new LambdaDoubleError(
      LAMBDA_DOUBLE_ERRORS.internal,
      `${variable} is not set. The harness template sets it on every Lambda function double; to fix this, run \`npx harness deploy\` again.`,
    );
  }
  return value;
}

function internal(log: Logger, message: string): LambdaDoubleError {
  log('error', message);
  return new LambdaDoubleError(LAMBDA_DOUBLE_ERRORS.internal, message);
}

/** `HARNESS_TIMEOUT_MS`, but never past the function's own end (less a margin to report the timeout). */
function resolveTimeout(raw: string | undefined, context: LambdaDoubleContext): number {
  const remaining = context.getRemainingTimeInMillis?.();
  const fromContext = typeof remaining === 'number' ? Math.max(remaining - LAMBDA_TIMEOUT_MARGIN_MS, 0) : undefined;
  if (raw === undefined || raw === '') return fromContext ?? 900_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new LambdaDoubleError(LAMBDA_DOUBLE_ERRORS.internal, `${HARNESS_ENV.timeoutMs} must be a positive whole number of milliseconds, not '${raw}'.`);
  }
  return fromContext === undefined ? value : Math.min(value, fromContext);
}

/** The qualifier of `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`, if the caller named one. */
export function qualifierOf(invokedFunctionArn: string | undefined): string | undefined {
  const parts = invokedFunctionArn?.split(':') ?? [];
  return parts.length === 8 && parts[7] ? parts[7] : undefined;
}

/**
 * The task token of a `lambda:invoke.waitForTaskToken` state: Lambda does not
 * pass it apart from the event, so the double takes it from a top-level string
 * field named `taskToken`, `TaskToken`, `task_token` or `token` (any case).
 */
export function findTaskToken(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return undefined;
  for (const [key, value] of Object.entries(event)) {
    if (/^(task_?)?token$/i.test(key) && typeof value === 'string' && value) return value;
  }
  return undefined;
}

function checkAnswer(value: unknown): LambdaAnswer | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the value is not an object';
  const answer = value as LambdaAnswer;
  if (answer.functionError !== undefined) {
    if (answer.functionError !== 'Unhandled') return `functionError must be 'Unhandled', not ${JSON.stringify(answer.functionError)}`;
    if (typeof answer.errorType !== 'string' || typeof answer.errorMessage !== 'string') return 'a function error needs errorType and errorMessage strings';
  } else if (!('payload' in answer)) {
    return 'the value has neither payload nor functionError';
  }
  if (answer.callback !== undefined && answer.callback.type !== 'success' && answer.callback.type !== 'failure') {
    return `callback.type must be 'success' or 'failure', not ${JSON.stringify((answer.callback as { type?: unknown }).type)}`;
  }
  return answer;
}
