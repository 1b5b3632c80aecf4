/**
 * Tiny AWS clients over {@link httpFetch} (`node:http`) and the hand-written
 * SigV4 signer: just the calls the container agent and its bootstrap make,
 * with no dependency.
 */
import { isRetryableAnswer } from '@harness/core/protocol';
import { AgentConfigurationError, AwsRequestError, ContainerAgentError, CredentialsError } from './errors.js';
import { httpFetch, type FetchLike, type HttpResponse } from './http.js';
import { encodeRfc3986, signRequest, type AwsCredentials } from './sigv4.js';

export type { FetchLike, HttpRequestInit, HttpResponse } from './http.js';

/** An environment: `process.env`, or a test's own. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The services the agent talks to. */
export type AwsService = 'sqs' | 'dynamodb' | 's3' | 'sfn' | 'ecs';

// JSON-protocol services: `X-Amz-Target` prefix and the JSON version of the
// content type, as each service's API model declares it (awsJson1_0 or
// awsJson1_1); ECS is the odd one out.
const JSON_PROTOCOL: Readonly<Record<Exclude<AwsService, 's3'>, readonly [target: string, version: string]>> = {
  sqs: ['AmazonSQS', '1.0'],
  dynamodb: ['DynamoDB_20120810', '1.0'],
  sfn: ['AWSStepFunctions', '1.0'],
  ecs: ['AmazonEC2ContainerServiceV20141113', '1.1'],
};

/** Where to send a service's requests and how to sign them. */
export interface ResolvedEndpoint {
  /** Base URL without a trailing slash, e.g. `https://sqs.eu-west-1.amazonaws.com` or `http://127.0.0.1:5000`. */
  readonly url: string;
  readonly region: string;
  /** SigV4 signing name, also the host prefix: the service's name, but `states` for Step Functions. */
  readonly signingName: string;
  /** True when set by `AWS_ENDPOINT_URL[_<SERVICE>]` (moto, LocalStack…). */
  readonly custom: boolean;
}

/**
 * Resolves a service's endpoint: `AWS_ENDPOINT_URL_<SERVICE>`, else
 * `AWS_ENDPOINT_URL`, else the regional AWS endpoint.
 *
 * @example
 * resolveEndpoint('sfn', { AWS_REGION: 'eu-west-1' }).url; // 'https://states.eu-west-1.amazonaws.com'
 */
export function resolveEndpoint(service: AwsService, env: Env): ResolvedEndpoint {
  // The SDKs' service ids, upper case, name the variables: AWS_ENDPOINT_URL_SQS … _SFN, _ECS.
  const custom = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] || env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  const signingName = service === 'sfn' ? 'states' : service;
  if (custom) {
    // A custom endpoint still needs a region in the signature; moto and LocalStack accept any.
    return { url: custom.replace(/\/+$/, ''), region: region || 'us-east-1', signingName, custom: true };
  }
  if (!region) {
    throw new AgentConfigurationError('AWS_REGION', `no AWS region for ${service}: set AWS_REGION (ECS does) or AWS_ENDPOINT_URL.`);
  }
  return { url: `https://${signingName}.${region}.${dnsSuffix(region)}`, region, signingName, custom: false };
}

function dnsSuffix(region: string): string {
  return `amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * The URL of an S3 object: path style under a custom endpoint
 * (`<endpoint>/<bucket>/<key>`), virtual-hosted on AWS
 * (`https://<bucket>.s3.<region>.amazonaws.com/<key>`), or path style on AWS
 * for bucket names with dots (a virtual host would not match the TLS certificate).
 */
export function s3ObjectUrl(endpoint: ResolvedEndpoint, bucket: string, key: string): string {
  const path = key.split('/').map(encodeRfc3986).join('/');
  if (endpoint.custom || bucket.includes('.')) return `${endpoint.url}/${encodeRfc3986(bucket)}/${path}`;
  return `https://${bucket}.s3.${endpoint.region}.${dnsSuffix(endpoint.region)}/${path}`;
}

// ----- credentials -----

/** Returns credentials, cached and refreshed as needed. */
export type CredentialProvider = () => Promise<AwsCredentials>;

export interface CredentialProviderOptions {
  readonly env: Env;
  readonly fetch?: FetchLike;
  /** Clock in epoch milliseconds; tests move it. */
  readonly now?: () => number;
}

/** How long before `Expiration` cached credentials are refreshed. */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Resolves credentials, in order, from:
 * 1. `AWS_CONTAINER_CREDENTIALS_FULL_URI`, with `AWS_CONTAINER_AUTHORIZATION_TOKEN` as the `Authorization` header;
 * 2. `http://169.254.170.2` + `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (an ECS task role);
 * 3. `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`.
 *
 * Endpoint credentials are cached until {@link CREDENTIALS_REFRESH_MARGIN_MS} before their `Expiration`.
 *
 * @example
 * const credentials = createCredentialProvider({ env: process.env });
 * signRequest({ ...request, credentials: await credentials() });
 */
export function createCredentialProvider(options: CredentialProviderOptions): CredentialProvider {
  const { env, fetch: fetchImpl = httpFetch, now = Date.now } = options;
  let credentials: Promise<AwsCredentials> | undefined;
  let refreshAt = 0;
  return () => {
    if (!credentials || now() >= refreshAt) {
      // Concurrent callers share the pending load; a failed one is not cached.
      refreshAt = Infinity;
      credentials = loadCredentials(env, fetchImpl).then(
        (loaded) => {
          refreshAt = loaded.expiresAt - CREDENTIALS_REFRESH_MARGIN_MS;
          return loaded.credentials;
        },
        (error: unknown) => {
          credentials = undefined;
          throw error;
        },
      );
    }
    return credentials;
  };
}

/** What the chain found, and when it expires (`Infinity`: kept for the life of the process). */
interface LoadedCredentials {
  readonly credentials: AwsCredentials;
  readonly expiresAt: number;
}

async function loadCredentials(env: Env, fetchImpl: FetchLike): Promise<LoadedCredentials> {
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  let answer: Record<string, unknown>;
  if (full || relative) {
    const token = full && env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
    answer = await getJson(fetchImpl, full ? checkCredentialsUrl(full) : `http://169.254.170.2${relative}`, token ? { authorization: token } : {});
  } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    // Read as an endpoint's answer would be, without Expiration.
    answer = { AccessKeyId: env.AWS_ACCESS_KEY_ID, SecretAccessKey: env.AWS_SECRET_ACCESS_KEY, Token: env.AWS_SESSION_TOKEN };
  } else {
    throw new CredentialsError(
      'no AWS credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, _FULL_URI, AWS_ACCESS_KEY_ID). To fix this, give the task definition a task role.',
    );
  }
  const { AccessKeyId, SecretAccessKey, Token, Expiration } = answer;
  if (typeof AccessKeyId !== 'string' || !AccessKeyId || typeof SecretAccessKey !== 'string' || !SecretAccessKey) {
    throw new CredentialsError('the credentials endpoint answered without AccessKeyId or SecretAccessKey.');
  }
  return {
    credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, ...(typeof Token === 'string' && Token ? { sessionToken: Token } : {}) },
    expiresAt: Date.parse(String(Expiration)) || Infinity,
  };
}

// The authorization token must only go to the container's own credentials
// agent: plain HTTP is accepted for loopback and the ECS/EKS link-local hosts only.
function checkCredentialsUrl(raw: string): string {
  const { protocol, hostname } = new URL(raw);
  if (protocol !== 'https:' && !(protocol === 'http:' && /^(localhost|127(\.\d+){3}|\[::1\]|169\.254\.170\.23?|\[fd00:ec2::23\])$/.test(hostname))) {
    throw new CredentialsError(`AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http on loopback or the ECS host, not ${protocol}//${hostname}.`);
  }
  return raw;
}

/**
 * GETs a JSON document from a local agent endpoint (credentials, task
 * metadata), retrying network errors and 5xx answers. Errors name the URL
 * without its query and never quote the body.
 */
export async function getJson(fetchImpl: FetchLike, url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  let problem = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1) await sleep(100 * attempt);
    try {
      const response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(5_000) });
      // Read in full either way: a real fetch keeps the connection until the body is read.
      const text = await response.text();
      if (response.ok) return JSON.parse(text) as Record<string, unknown>;
      problem = `HTTP ${response.status}`;
      if (response.status < 500) break;
    } catch (error) {
      problem = fetchFailure(error);
    }
  }
  const { origin, pathname } = new URL(url);
  throw new ContainerAgentError(`GET ${origin}${pathname} failed: ${problem}`);
}

// ----- requests -----

/** What every call needs: the environment, a fetch and credentials. */
export interface AwsContext {
  readonly env: Env;
  readonly fetch: FetchLike;
  readonly credentials: CredentialProvider;
}

/** A context over `env` with the credential chain of {@link createCredentialProvider}. */
export function createAwsContext(env: Env, options: { fetch?: FetchLike; credentials?: CredentialProvider } = {}): AwsContext {
  const fetchImpl = options.fetch ?? httpFetch;
  return { env, fetch: fetchImpl, credentials: options.credentials ?? createCredentialProvider({ env, fetch: fetchImpl }) };
}

/** Attempts of one call whose failure is transient (no answer, a 5xx but 501, throttling). */
export const ATTEMPTS = 5;
/**
 * How long one attempt may wait for its answer. An answer lost on the way
 * costs this much, then the call is sent again (every call the agent makes is
 * safe to repeat: reads, a send the session deduplicates by invocation id, a
 * task-token callback AWS takes once; a repeat of one that was taken gets
 * `TaskTimedOut`, which `performCallback` recognises as delivered).
 */
export const REQUEST_TIMEOUT_MS = 10_000;

interface SendOptions {
  readonly service: AwsService;
  readonly operation: string;
  readonly method: string;
  readonly url: string;
  readonly endpoint: ResolvedEndpoint;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** How the service's protocol writes errors. */
  readonly readError: ErrorReader;
  /** Attempts (default {@link ATTEMPTS}) and each one's timeout (default {@link REQUEST_TIMEOUT_MS}). */
  readonly attempts?: number | undefined;
  readonly timeoutMs?: number | undefined;
}

async function send(context: AwsContext, options: SendOptions): Promise<HttpResponse> {
  const { service, operation, method, url, body } = options;
  let lastError: AwsRequestError | undefined;
  const attempts = options.attempts ?? ATTEMPTS;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // 50, 200, 800, 2 000 ms, each ± 50 %: doubles that failed together do not retry together.
    if (attempt > 1) await sleep(Math.min(50 * 4 ** (attempt - 2), 2_000) * (0.5 + Math.random()));
    const credentials = await context.credentials();
    const { signingName, region } = options.endpoint;
    const headers = signRequest({ method, url, headers: options.headers, service: signingName, region, credentials, body });
    // The HTTP client derives Host from the URL, as signed.
    delete headers.host;
    let response: HttpResponse;
    try {
      response = await context.fetch(url, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS) });
    } catch (error) {
      lastError = new AwsRequestError(
        { service, operation, status: 0 },
        `${service} ${operation} could not reach ${options.endpoint.url}: ${fetchFailure(error)}`,
        { cause: error },
      );
      continue;
    }
    if (response.ok) return response;
    lastError = await toAwsError(options, response, credentials);
    // A 5xx but 501 (Not Implemented: no retry helps), throttling: core's transport judges by the same rule.
    if (!isRetryableAnswer(lastError)) throw lastError;
  }
  throw lastError as AwsRequestError;
}

async function toAwsError(options: SendOptions, response: HttpResponse, credentials: AwsCredentials): Promise<AwsRequestError> {
  const { service, operation } = options;
  // A signature mismatch answer can quote the canonical request, signed
  // session token included: neither may reach a log.
  let text = (await response.text().catch(() => '')).replace(/The Canonical String[^"<]*/, '(canonical request not shown)');
  for (const secret of [credentials.sessionToken, credentials.secretAccessKey]) {
    if (secret) text = text.replaceAll(secret, '<redacted>');
  }
  const { errorType, awsMessage } = options.readError(text, response);
  const details = `HTTP ${response.status}${errorType ? ` ${errorType}` : ''}${awsMessage ? `: ${awsMessage}` : ''}`;
  return new AwsRequestError(
    { service, operation, status: response.status, ...(errorType ? { errorType } : {}), ...(awsMessage ? { awsMessage } : {}) },
    `${service} ${operation} failed: ${details}`,
  );
}

/**
 * Reads the AWS error code and message of a failed answer from its body
 * (scrubbed of secrets). One per protocol, passed by the caller: the bootstrap
 * only talks to S3 and bundles only the XML one.
 */
type ErrorReader = (text: string, response: HttpResponse) => { errorType?: string | undefined; awsMessage?: string | undefined };

// awsJson: {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"…"},
// or only an x-amzn-ErrorType header (`Name:http://…`); either way, the bare name.
const readJsonError: ErrorReader = (text, response) => {
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): no code, no message.
  }
  const type = body?.__type;
  const message = body?.message ?? body?.Message;
  return {
    errorType: (typeof type === 'string' ? type : response.headers.get('x-amzn-errortype'))?.replace(/^.*#|:.*$/g, '') || undefined,
    awsMessage: typeof message === 'string' ? message : undefined,
  };
};

// REST-XML (S3): <Error><Code>NoSuchKey</Code><Message>…</Message></Error>
const readXmlError: ErrorReader = (text) => ({
  errorType: /<Code>([^<]*)<\/Code>/.exec(text)?.[1],
  awsMessage: /<Message>([^<]*)<\/Message>/.exec(text)?.[1],
});

/**
 * Calls an operation of a JSON-protocol service (`POST /` with `X-Amz-Target`)
 * and returns the parsed answer.
 *
 * @example
 * await callJson(context, 'sfn', 'SendTaskSuccess', { taskToken, output: '{}' });
 */
export async function callJson<T = Record<string, unknown>>(
  context: AwsContext,
  service: Exclude<AwsService, 's3'>,
  operation: string,
  input: unknown,
  options: CallOptions = {},
): Promise<T> {
  return (await callJsonAnswer<T>(context, service, operation, input, options)).body;
}

/** How one call is made: attempts, and each attempt's timeout in ms. */
export interface CallOptions {
  readonly attempts?: number;
  readonly timeoutMs?: number;
}

/** A JSON answer and when AWS sent it: its `Date` header in epoch ms (whole seconds), when it has one. */
export interface JsonAnswer<T> {
  readonly body: T;
  readonly date?: number;
}

/** {@link callJson}, with the answer's `Date`: AWS's clock, which the agent compares route expiries with. */
export async function callJsonAnswer<T = Record<string, unknown>>(
  context: AwsContext,
  service: Exclude<AwsService, 's3'>,
  operation: string,
  input: unknown,
  options: CallOptions = {},
): Promise<JsonAnswer<T>> {
  const [target, version] = JSON_PROTOCOL[service];
  const endpoint = resolveEndpoint(service, context.env);
  const response = await send(context, {
    service,
    operation,
    method: 'POST',
    url: `${endpoint.url}/`,
    endpoint,
    headers: {
      'content-type': `application/x-amz-json-${version}`,
      'x-amz-target': `${target}.${operation}`,
    },
    body: JSON.stringify(input),
    readError: readJsonError,
    attempts: options.attempts,
    timeoutMs: options.timeoutMs,
  });
  const text = await response.text();
  const date = Date.parse(response.headers.get('date') ?? '');
  return { body: (text ? JSON.parse(text) : {}) as T, ...(Number.isFinite(date) ? { date } : {}) };
}

/** S3 GetObject: the object's bytes. */
export async function s3GetObject(context: AwsContext, bucket: string, key: string): Promise<Uint8Array> {
  const endpoint = resolveEndpoint('s3', context.env);
  // No body: the signer sends and signs `x-amz-content-sha256` = the empty payload's hash (S3 requires it).
  const response = await send(context, {
    service: 's3',
    operation: 'GetObject',
    method: 'GET',
    url: s3ObjectUrl(endpoint, bucket, key),
    endpoint,
    readError: readXmlError,
  });
  return new Uint8Array(await response.arrayBuffer());
}

// ----- DynamoDB -----

/** A DynamoDB attribute value, as the JSON protocol carries it. */
export interface AttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly M?: Readonly<Record<string, AttributeValue>>;
  readonly L?: readonly AttributeValue[];
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly B?: string;
}

/** Converts an attribute value to plain JSON (numbers as numbers, binary as its base64 string). */
export function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return fromItem(value.M);
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  return value.B;
}

function fromItem(item: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) result[name] = fromAttributeValue(value);
  return result;
}

/** DynamoDB GetItem with a consistent read on a key of string attributes; `undefined` when there is no item. */
export async function getItem(
  context: AwsContext,
  table: string,
  key: Readonly<Record<string, string>>,
  options: CallOptions = {},
): Promise<Record<string, unknown> | undefined> {
  return (await readItem(context, table, key, options)).item;
}

function keyOf(key: Readonly<Record<string, string>>): Record<string, AttributeValue> {
  const keyAttributes: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(key)) keyAttributes[name] = { S: value };
  return keyAttributes;
}

/** An item as read (`undefined`: none), and the answer's `Date` (AWS's clock, epoch ms) when it had one. */
export interface ItemRead {
  readonly item: Record<string, unknown> | undefined;
  readonly date?: number;
}

/** {@link getItem}, with the answer's `Date`. */
export async function readItem(context: AwsContext, table: string, key: Readonly<Record<string, string>>, options: CallOptions = {}): Promise<ItemRead> {
  const answer = await callJsonAnswer<{ Item?: Record<string, AttributeValue> }>(
    context,
    'dynamodb',
    'GetItem',
    { TableName: table, Key: keyOf(key), ConsistentRead: true },
    options,
  );
  const item = answer.body.Item ? fromItem(answer.body.Item) : undefined;
  return answer.date === undefined ? { item } : { item, date: answer.date };
}

/**
 * Two items of two tables in one DynamoDB BatchGetItem, consistent reads: what the agent polls once it also
 * watches its route. A key DynamoDB left unprocessed (it may, under load) reads as `unread`.
 */
export async function readTwoItems(
  context: AwsContext,
  first: { readonly table: string; readonly key: Readonly<Record<string, string>> },
  second: { readonly table: string; readonly key: Readonly<Record<string, string>> },
  options: CallOptions = {},
): Promise<{ readonly first: ItemRead | 'unread'; readonly second: ItemRead | 'unread' }> {
  const answer = await callJsonAnswer<{
    Responses?: Record<string, Record<string, AttributeValue>[]>;
    UnprocessedKeys?: Record<string, { Keys?: Record<string, AttributeValue>[] }>;
  }>(
    context,
    'dynamodb',
    'BatchGetItem',
    {
      RequestItems: {
        [first.table]: { Keys: [keyOf(first.key)], ConsistentRead: true },
        [second.table]: { Keys: [keyOf(second.key)], ConsistentRead: true },
      },
    },
    options,
  );
  const pick = (wanted: { table: string; key: Readonly<Record<string, string>> }): ItemRead | 'unread' => {
    if ((answer.body.UnprocessedKeys?.[wanted.table]?.Keys?.length ?? 0) > 0) return 'unread';
    const [name, value] = Object.entries(wanted.key)[0] ?? ['', ''];
    const found = answer.body.Responses?.[wanted.table]?.find((candidate) => candidate[name]?.S === value);
    const item = found ? fromItem(found) : undefined;
    return answer.date === undefined ? { item } : { item, date: answer.date };
  };
  return { first: pick(first), second: pick(second) };
}

// ----- SQS, Step Functions, ECS -----

/** SQS SendMessage; FIFO queues get a group id and a deduplication id. Returns the message id. */
export async function sendMessage(
  context: AwsContext,
  queueUrl: string,
  body: string,
  fifo?: { groupId: string; deduplicationId: string },
): Promise<string | undefined> {
  const input: Record<string, string> = { QueueUrl: queueUrl, MessageBody: body };
  if (fifo && queueUrl.endsWith('.fifo')) {
    input.MessageGroupId = fifo.groupId;
    input.MessageDeduplicationId = fifo.deduplicationId;
  }
  const answer = await callJson<{ MessageId?: string }>(context, 'sqs', 'SendMessage', input);
  return answer.MessageId;
}

/** Step Functions SendTaskSuccess; `output` is the JSON text the state outputs. */
export async function sendTaskSuccess(context: AwsContext, taskToken: string, output: string): Promise<void> {
  await callJson(context, 'sfn', 'SendTaskSuccess', { taskToken, output });
}

/** Step Functions SendTaskFailure; absent `error` / `cause` are left out of the request. */
export async function sendTaskFailure(context: AwsContext, taskToken: string, error?: string, cause?: string): Promise<void> {
  await callJson(context, 'sfn', 'SendTaskFailure', {
    taskToken,
    ...(error === undefined ? {} : { error }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The parts of an ECS DescribeTasks task the agent reads. */
export interface DescribedTask {
  readonly taskArn?: string;
  readonly startedBy?: string;
  readonly overrides?: {
    readonly containerOverrides?: readonly {
      readonly name?: string;
      readonly command?: readonly string[];
      readonly environment?: readonly { readonly name?: string; readonly value?: string }[];
      readonly cpu?: number;
      readonly memory?: number;
    }[];
  };
}

/** ECS DescribeTasks for one task; `undefined` when ECS does not know it. */
export async function describeTask(context: AwsContext, cluster: string, taskArn: string): Promise<DescribedTask | undefined> {
  const answer = await callJson<{ tasks?: DescribedTask[] }>(context, 'ecs', 'DescribeTasks', { cluster, tasks: [taskArn] });
  return answer.tasks?.[0];
}

/**
 * A network failure as text: `connect ECONNREFUSED 127.0.0.1:9`, or its
 * `cause` when it has one (`The operation was aborted due to timeout`; a
 * `fetch` passed as {@link FetchLike} says `fetch failed` and puts the useful part there).
 */
export function fetchFailure(error: unknown): string {
  const { message, cause } = error as { message?: string; cause?: { message?: string } };
  return String(cause?.message ?? message);
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a failed call may succeed if made again: no answer, a 5xx but 501, throttling. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof AwsRequestError && (error.status === 0 || isRetryableAnswer(error));
}
