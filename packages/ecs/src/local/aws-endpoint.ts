/**
 * A loopback HTTP server that plays the few AWS APIs the container agent and
 * its bootstrap call, so that they run unchanged on the local target with
 * `AWS_ENDPOINT_URL` pointing at it:
 *
 * | call | what it does here |
 * | --- | --- |
 * | S3 `GetObject` (`GET /<bucket>/<key>`) | the agent artifact's bytes |
 * | DynamoDB `GetItem` on the routes table | a route to this session when the double is mocked, else no item |
 * | SQS `SendMessage` | dispatches the invocation to the session (once per invocation id) |
 * | DynamoDB `GetItem` on the results table | the invocation's result, once the handler has answered |
 * | DynamoDB `BatchGetItem` on both tables | the two reads above in one call: the agent's result poll while it watches its route |
 * | Step Functions `SendTaskSuccess` / `SendTaskFailure` / `SendTaskHeartbeat` | the callbacks of the task that owns the token |
 * | ECS `DescribeTasks`, `ListTasks` | the task records registered here: running tasks, and stopped ones until the endpoint closes |
 * | ECS `RunTask`, `StopTask` | handed to `options.tasks`, which runs and stops tasks (application code's ECS API on the local target) |
 *
 * Requests are dispatched on `X-Amz-Target` (JSON 1.0 / 1.1 protocols) and on
 * the path (S3, path style). Signatures are not verified: the server listens
 * on 127.0.0.1 only and plays AWS for processes this harness started itself.
 * It reads the access key id of the `Authorization` header to know which
 * task a request comes from, and never logs or echoes that header.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Task } from '@aws-sdk/client-ecs';
import { listenOnLoopback, readRequestBody, signedRegion, type InvocationResult, type LocalIntegrationContext, type TaskCallbacks } from '@harness/core';
import { parseInvocationMessage, TABLE_KEYS } from '@harness/core/protocol';
import { readAgentArtifact, type AgentArtifact } from '@harness/container-agent';
import { EcsApiError } from './run-task-request.js';
import { toEcsJson } from './task-shapes.js';

/** The names the local doubles' task definitions use for the core resources. */
export interface LocalAwsNames {
  readonly routesTable: string;
  readonly resultsTable: string;
  readonly artifactsBucket: string;
  /** S3 key of the container agent (content-addressed, as `harness deploy` uploads it). */
  readonly agentKey: string;
  /** Hex SHA-256 of the agent: the value the bootstrap checks. */
  readonly agentSha256: string;
}

export interface LocalAwsEndpointOptions {
  /** The session the invocations go to. */
  readonly context: LocalIntegrationContext;
  /** The agent to serve. Default: the built `@harness/container-agent` (`readAgentArtifact()`). */
  readonly agent?: AgentArtifact;
  /** Table and bucket names. Default: `harness-local-routes`, `harness-local-results`, `harness-local-artifacts`. */
  readonly names?: Partial<Pick<LocalAwsNames, 'routesTable' | 'resultsTable' | 'artifactsBucket'>>;
  /** How long a route read from the routes table lives, in seconds. Default 3600. */
  readonly routeTtlSeconds?: number;
  /** Runs and stops tasks for ECS `RunTask` / `StopTask`. Without it, those two are unknown operations here. */
  readonly tasks?: LocalTaskLauncher;
  /** The region of a request that names none in its signature. Default `us-east-1`. */
  readonly region?: string;
}

/** What runs the tasks of ECS `RunTask` calls made to the endpoint, and stops them for `StopTask`. */
export interface LocalTaskLauncher {
  /**
   * Starts the tasks of a RunTask request (its JSON body, camelCase) and
   * answers them as RunTask does (`PROVISIONING`). Refuses a request with an
   * `EcsApiError`, which the caller gets as ECS's error.
   */
  runTask(input: Readonly<Record<string, unknown>>, scope: { readonly region: string }): Promise<readonly Task[]>;
  /** Stops a running task (`reason`: StopTask's, or ECS's default); false when it does not run here. */
  stopTask(taskArn: string, reason: string): boolean;
}

/** A task the endpoint knows: what DescribeTasks answers, and the access key its containers sign with. */
export interface LocalTaskRegistration {
  readonly task: Task;
  /** The access key id of the task role's credentials given to its containers. */
  readonly accessKeyId: string;
}

/** A task token the endpoint accepts callbacks for. */
export interface RegisteredTaskToken {
  /** Whether `SendTaskSuccess` or `SendTaskFailure` was called with it. */
  readonly answered: boolean;
  /** Stops accepting callbacks: later ones get `TaskTimedOut`, as for a closed task on AWS. */
  close(): void;
}

/** A running endpoint. */
export interface LocalAwsEndpoint {
  /** `http://127.0.0.1:<port>`: the containers' `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly names: LocalAwsNames;
  /** Makes DescribeTasks answer with this task (registering it again replaces its record). */
  registerTask(registration: LocalTaskRegistration): void;
  /**
   * Refuses every later request signed with the task's credentials, so that
   * its agents exit (code 70) at their next AWS call: how a task is stopped
   * without a handle on its processes.
   */
  revokeTask(taskArn: string, reason: string): void;
  /** Forgets a stopped task: its record and its invocations' results. */
  forgetTask(taskArn: string): void;
  /**
   * Records that a task stopped: DescribeTasks and ListTasks answer `stopped`
   * from now on (ECS shows stopped tasks for an hour; here until the endpoint
   * closes, the latest 1000), and its invocations' results are forgotten.
   */
  endTask(stopped: Task): void;
  /** The record DescribeTasks answers for a task, if any. */
  task(taskArn: string): Task | undefined;
  /** Accepts callbacks for a task token and hands them to `callbacks`. */
  registerTaskToken(taskToken: string, callbacks: TaskCallbacks): RegisteredTaskToken;
  close(): Promise<void>;
}

/** Default names of the local core resources. */
export const LOCAL_AWS_NAMES = {
  routesTable: 'harness-local-routes',
  resultsTable: 'harness-local-results',
  artifactsBucket: 'harness-local-artifacts',
} as const;

/** Step Functions' limits on callbacks (SendTaskSuccess / SendTaskFailure). */
const CALLBACK_LIMITS = { token: 2048, error: 256, cause: 32_768, output: 262_144 } as const;
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;
/** DynamoDB's limit on the keys of one BatchGetItem (API_BatchGetItem: "as many as 100 items"). */
const BATCH_GET_LIMIT = 100;
/** Stopped task records kept for DescribeTasks / ListTasks. */
const MAX_STOPPED_TASKS = 1000;
/** ECS's limits: tasks per DescribeTasks, results per ListTasks page, characters of a StopTask reason. */
const ECS_LIMITS = { describeTasks: 100, listTasks: 100, stopReason: 255 } as const;

// JSON-protocol error namespaces, as each service writes `__type`.
const NAMESPACE = {
  dynamodb: 'com.amazonaws.dynamodb.v20120810#',
  sqs: 'com.amazonaws.sqs#',
  sfn: 'com.amazonaws.swf.service.v2.model#',
  ecs: '',
} as const;
type JsonService = keyof typeof NAMESPACE;

const TARGETS: Readonly<Record<string, { service: JsonService; version: '1.0' | '1.1' }>> = {
  DynamoDB_20120810: { service: 'dynamodb', version: '1.0' },
  AmazonSQS: { service: 'sqs', version: '1.0' },
  AWSStepFunctions: { service: 'sfn', version: '1.0' },
  AmazonEC2ContainerServiceV20141113: { service: 'ecs', version: '1.1' },
};

interface Reply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: string | Uint8Array;
}

/** An AWS error answer of a JSON-protocol service. */
class JsonError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface TokenState {
  readonly callbacks: TaskCallbacks;
  answered: boolean;
  closed: boolean;
}

interface DispatchedInvocation {
  readonly taskArn: string;
  result?: InvocationResult;
}

/**
 * Starts the endpoint on 127.0.0.1 (a free port).
 *
 * @example
 * const endpoint = await startLocalAwsEndpoint({ context });
 * spawn(node, [agent], { env: { AWS_ENDPOINT_URL: endpoint.url, HARNESS_ROUTES_TABLE: endpoint.names.routesTable, … } });
 * await endpoint.close();
 */
export async function startLocalAwsEndpoint(options: LocalAwsEndpointOptions): Promise<LocalAwsEndpoint> {
  const { context } = options;
  const agent = options.agent ?? readAgentArtifact();
  const names: LocalAwsNames = {
    ...LOCAL_AWS_NAMES,
    ...options.names,
    agentKey: `agents/container-agent-${agent.sha256}.cjs`,
    agentSha256: agent.sha256,
  };
  const routeTtlSeconds = options.routeTtlSeconds ?? 3600;
  const defaultRegion = options.region ?? 'us-east-1';
  const agentEtag = `"${createHash('md5').update(agent.body).digest('hex')}"`;
  const lastModified = new Date().toUTCString();

  const tasks = new Map<string, LocalTaskRegistration>();
  /** Stopped tasks, oldest first (a Map keeps insertion order). */
  const stoppedTasks = new Map<string, Task>();
  const revoked = new Map<string, { taskArn: string; reason: string }>();
  const tokens = new Map<string, TokenState>();
  const invocations = new Map<string, DispatchedInvocation>();
  let url = '';

  // ----- DynamoDB -----

  /** The key attribute of one of the two tables, or undefined for any other table. */
  function keyNameOf(table: unknown): string | undefined {
    return table === names.routesTable ? TABLE_KEYS.routes : table === names.resultsTable ? TABLE_KEYS.results : undefined;
  }

  /** The string value of a table's single key attribute, as GetItem and BatchGetItem take it. */
  function keyValueOf(keyName: string, rawKey: unknown): string {
    const key = isObject(rawKey) ? rawKey : {};
    const attribute = key[keyName];
    const value = isObject(attribute) ? attribute.S : undefined;
    if (typeof value !== 'string' || Object.keys(key).length !== 1) {
      throw new JsonError('ValidationException', 'The provided key element does not match the schema');
    }
    return value;
  }

  /** The item under a key of the routes or results table, as DynamoDB's JSON carries it; undefined when there is none. */
  function readTableItem(table: string, value: string): Record<string, unknown> | undefined {
    if (table === names.routesTable) {
      if (!context.isMocked(value)) return undefined;
      return {
        [TABLE_KEYS.routes]: { S: value },
        session: { S: context.session },
        queueUrl: { S: `${url}/queue` },
        [TABLE_KEYS.ttl]: { N: String(Math.floor(Date.now() / 1000) + routeTtlSeconds) },
      };
    }
    const result = invocations.get(value)?.result;
    if (!result) return undefined;
    return {
      [TABLE_KEYS.results]: { S: value },
      session: { S: context.session },
      result: { S: JSON.stringify(result) },
      [TABLE_KEYS.ttl]: { N: String(Math.floor(Date.now() / 1000) + routeTtlSeconds) },
    };
  }

  function getItem(input: Record<string, unknown>): unknown {
    const table = input.TableName;
    const keyName = keyNameOf(table);
    if (keyName === undefined) throw new JsonError('ResourceNotFoundException', 'Requested resource not found');
    const item = readTableItem(table as string, keyValueOf(keyName, input.Key));
    return item ? { Item: item } : {};
  }

  /**
   * BatchGetItem, as DynamoDB answers it: `Responses` maps each requested table to the items found (missing keys
   * are left out), `UnprocessedKeys` is empty (nothing here is throttled). What the agent polls while it also
   * watches its route. DynamoDB refuses more than 100 keys and a key asked twice (ValidationException).
   */
  function batchGetItem(input: Record<string, unknown>): unknown {
    const requestItems = isObject(input.RequestItems) ? input.RequestItems : {};
    const tables = Object.keys(requestItems);
    if (tables.length === 0) {
      throw new JsonError('ValidationException', "1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
    }
    const reads: [table: string, keys: string[]][] = [];
    let count = 0;
    for (const table of tables) {
      const keyName = keyNameOf(table);
      if (keyName === undefined) throw new JsonError('ResourceNotFoundException', 'Requested resource not found');
      const entry = requestItems[table];
      const rawKeys = isObject(entry) && Array.isArray(entry.Keys) ? entry.Keys : [];
      const keys = rawKeys.map((key) => keyValueOf(keyName, key));
      if (new Set(keys).size !== keys.length) throw new JsonError('ValidationException', 'Provided list of item keys contains duplicates');
      count += keys.length;
      reads.push([table, keys]);
    }
    if (count > BATCH_GET_LIMIT) throw new JsonError('ValidationException', 'Too many items requested for the BatchGetItem call');
    const responses: Record<string, unknown[]> = {};
    for (const [table, keys] of reads) {
      responses[table] = keys.map((key) => readTableItem(table, key)).filter((item) => item !== undefined);
    }
    return { Responses: responses, UnprocessedKeys: {} };
  }

  // ----- SQS -----

  function sendMessage(input: Record<string, unknown>): unknown {
    const queueUrl = input.QueueUrl;
    if (typeof queueUrl !== 'string' || queueUrl.replace(/\/+$/, '') !== `${url}/queue`) {
      throw new JsonError('QueueDoesNotExist', 'The specified queue does not exist.', 400, {
        'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
      });
    }
    const body = input.MessageBody;
    if (typeof body !== 'string' || body === '') throw new JsonError('MissingParameter', 'The request must contain the parameter MessageBody.');
    let message;
    try {
      message = parseInvocationMessage(body);
    } catch (error) {
      // SQS would accept it and the session's listener drop it; here the sender learns at once.
      throw new JsonError('InvalidMessageContents', `The harness cannot read this invocation: ${(error as Error).message}`);
    }
    // Exactly once per invocation id, as the results table's conditional put guarantees on AWS.
    if (!invocations.has(message.invocationId)) {
      const payload = message.payload as { taskArn?: unknown } | undefined;
      const dispatched: DispatchedInvocation = { taskArn: typeof payload?.taskArn === 'string' ? payload.taskArn : '' };
      invocations.set(message.invocationId, dispatched);
      void context.dispatch(message).then(
        (result) => {
          dispatched.result = result;
        },
        (error: unknown) => {
          const { name, message: text } = error instanceof Error ? error : new Error(String(error));
          dispatched.result = { status: 'error', error: { name, message: text } };
        },
      );
    }
    return { MD5OfMessageBody: createHash('md5').update(body).digest('hex'), MessageId: randomUUID() };
  }

  // ----- Step Functions -----

  function taskCallback(operation: string, input: Record<string, unknown>): unknown {
    const token = input.taskToken;
    if (typeof token !== 'string' || token.length === 0 || token.length > CALLBACK_LIMITS.token) {
      throw new JsonError('InvalidToken', `Invalid Token: the task token must have 1 to ${CALLBACK_LIMITS.token} characters.`);
    }
    const state = tokens.get(token);
    if (!state) throw new JsonError('TaskDoesNotExist', 'Task does not exist: no running task of this harness has that task token.');
    if (state.closed || state.answered) throw new JsonError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    if (operation === 'SendTaskHeartbeat') return {};
    if (operation === 'SendTaskSuccess') {
      const output = input.output;
      if (typeof output !== 'string' || output.length > CALLBACK_LIMITS.output) {
        throw new JsonError('InvalidOutput', `Invalid Output: output must be a JSON string of at most ${CALLBACK_LIMITS.output} characters.`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(output);
      } catch {
        throw new JsonError('InvalidOutput', 'Invalid Output: output is not valid JSON.');
      }
      state.answered = true;
      state.callbacks.succeed(token, parsed);
      return {};
    }
    const error = optionalString(input.error);
    const cause = optionalString(input.cause);
    if (error === null || cause === null) throw new JsonError('ValidationException', 'error and cause must be strings.');
    if ((error?.length ?? 0) > CALLBACK_LIMITS.error || (cause?.length ?? 0) > CALLBACK_LIMITS.cause) {
      throw new JsonError(
        'ValidationException',
        `1 validation error detected: error must have at most ${CALLBACK_LIMITS.error} characters and cause at most ${CALLBACK_LIMITS.cause}.`,
      );
    }
    state.answered = true;
    state.callbacks.fail(token, error, cause);
    return {};
  }

  // ----- ECS -----

  /** Every task the endpoint knows, running ones first. */
  function allTasks(): Task[] {
    return [...[...tasks.values()].map(({ task }) => task), ...[...stoppedTasks.values()].reverse()];
  }

  function findTask(cluster: string | undefined, wanted: string): Task | undefined {
    return allTasks().find((task) => inCluster(task, cluster) && (task.taskArn === wanted || (!wanted.startsWith('arn:') && task.taskArn?.endsWith(`/${wanted}`))));
  }

  function describeTasks(input: Record<string, unknown>): unknown {
    const requested = Array.isArray(input.tasks) ? input.tasks.filter((entry): entry is string => typeof entry === 'string') : [];
    if (requested.length === 0) throw new JsonError('InvalidParameterException', 'Tasks cannot be empty.');
    if (requested.length > ECS_LIMITS.describeTasks) {
      throw new JsonError('InvalidParameterException', `Tasks must contain at most ${ECS_LIMITS.describeTasks} items.`);
    }
    const cluster = optionalString(input.cluster) ?? undefined;
    const withTags = Array.isArray(input.include) && input.include.includes('TAGS');
    const found: unknown[] = [];
    const failures: unknown[] = [];
    for (const wanted of requested) {
      const task = findTask(cluster, wanted);
      // ECS leaves the tags out unless asked for them.
      if (task) found.push(toEcsJson(withTags ? task : { ...task, tags: undefined }));
      else failures.push({ arn: wanted, reason: 'MISSING' });
    }
    return { failures, tasks: found };
  }

  function listTasks(input: Record<string, unknown>): unknown {
    const cluster = optionalString(input.cluster) ?? undefined;
    const family = optionalString(input.family);
    const startedBy = optionalString(input.startedBy);
    const launchType = optionalString(input.launchType);
    const desiredStatus = optionalString(input.desiredStatus) ?? 'RUNNING';
    if (desiredStatus !== 'RUNNING' && desiredStatus !== 'STOPPED' && desiredStatus !== 'PENDING') {
      throw new JsonError('InvalidParameterException', `desiredStatus must be RUNNING, PENDING or STOPPED, not ${desiredStatus}.`);
    }
    const maxResults = typeof input.maxResults === 'number' ? input.maxResults : ECS_LIMITS.listTasks;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > ECS_LIMITS.listTasks) {
      throw new JsonError('InvalidParameterException', `maxResults must be between 1 and ${ECS_LIMITS.listTasks}.`);
    }
    const arns = allTasks()
      .filter(
        (task) =>
          inCluster(task, cluster) &&
          // PENDING tasks are RUNNING ones here: they start at once.
          (task.desiredStatus ?? 'RUNNING') === (desiredStatus === 'PENDING' ? 'RUNNING' : desiredStatus) &&
          (family === undefined || familyOf(task) === family) &&
          (startedBy === undefined || task.startedBy === startedBy) &&
          (launchType === undefined || task.launchType === launchType),
      )
      .map((task) => task.taskArn ?? '');
    const start = readNextToken(input.nextToken);
    const page = arns.slice(start, start + maxResults);
    const next = start + maxResults < arns.length ? Buffer.from(JSON.stringify({ offset: start + maxResults })).toString('base64') : undefined;
    return { taskArns: page, ...(next ? { nextToken: next } : {}) };
  }

  async function runTask(input: Record<string, unknown>, region: string): Promise<unknown> {
    if (!options.tasks) throw new JsonError('UnknownOperationException', "The harness's local AWS endpoint does not play ecs RunTask here.");
    const started = await options.tasks.runTask(input, { region });
    return { failures: [], tasks: started.map((task) => toEcsJson(task)) };
  }

  function stopTask(input: Record<string, unknown>): unknown {
    if (!options.tasks) throw new JsonError('UnknownOperationException', "The harness's local AWS endpoint does not play ecs StopTask here.");
    const wanted = optionalString(input.task);
    if (typeof wanted !== 'string' || wanted === '') throw new JsonError('InvalidParameterException', 'Task cannot be empty.');
    const reason = optionalString(input.reason);
    if (reason === null || (reason?.length ?? 0) > ECS_LIMITS.stopReason) {
      throw new JsonError('InvalidParameterException', `Reason must be a string of at most ${ECS_LIMITS.stopReason} characters.`);
    }
    const task = findTask(optionalString(input.cluster) ?? undefined, wanted);
    if (!task?.taskArn) throw new JsonError('InvalidParameterException', 'The referenced task was not found.');
    // A task that already stopped is answered as it is.
    if (task.lastStatus !== 'STOPPED' && task.desiredStatus !== 'STOPPED') options.tasks.stopTask(task.taskArn, reason || 'Task stopped by user');
    return { task: toEcsJson({ ...(tasks.get(task.taskArn)?.task ?? stoppedTasks.get(task.taskArn) ?? task), tags: undefined }) };
  }

  async function callJsonOperation(service: JsonService, operation: string, input: Record<string, unknown>, region: string): Promise<unknown> {
    if (service === 'dynamodb' && operation === 'GetItem') return getItem(input);
    if (service === 'dynamodb' && operation === 'BatchGetItem') return batchGetItem(input);
    if (service === 'sqs' && operation === 'SendMessage') return sendMessage(input);
    if (service === 'sfn' && ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat'].includes(operation)) return taskCallback(operation, input);
    if (service === 'ecs' && operation === 'DescribeTasks') return describeTasks(input);
    if (service === 'ecs' && operation === 'ListTasks') return listTasks(input);
    if (service === 'ecs' && operation === 'RunTask') return runTask(input, region);
    if (service === 'ecs' && operation === 'StopTask') return stopTask(input);
    throw new JsonError('UnknownOperationException', `The harness's local AWS endpoint does not play ${service} ${operation}.`);
  }

  // ----- HTTP -----

  function revokedFor(request: IncomingMessage): { taskArn: string; reason: string } | undefined {
    // `AWS4-HMAC-SHA256 Credential=<access key id>/<date>/…`: only the key id is read.
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? '')?.[1];
    return accessKeyId === undefined ? undefined : revoked.get(accessKeyId);
  }

  async function handleJson(request: IncomingMessage, body: string, target: string): Promise<Reply> {
    const dot = target.lastIndexOf('.');
    const protocol = TARGETS[target.slice(0, dot)];
    const operation = target.slice(dot + 1);
    const service = protocol?.service ?? 'ecs';
    const respond = (status: number, payload: unknown, headers: Record<string, string> = {}): Reply => ({
      status,
      headers: { 'content-type': `application/x-amz-json-${protocol?.version ?? '1.0'}`, ...headers },
      body: JSON.stringify(payload),
    });
    try {
      if (!protocol) throw new JsonError('UnknownOperationException', `Unknown X-Amz-Target ${target}.`);
      const stopped = revokedFor(request);
      if (stopped) throw new JsonError('ExpiredTokenException', stoppedMessage(stopped));
      let input: unknown;
      try {
        input = body ? JSON.parse(body) : {};
      } catch {
        throw new JsonError('SerializationException', 'The request body is not JSON.');
      }
      return respond(200, await callJsonOperation(service, operation, isObject(input) ? input : {}, signedRegion(request) ?? defaultRegion));
    } catch (error) {
      if (error instanceof EcsApiError) return respond(400, { __type: `${NAMESPACE[service]}${error.code}`, message: error.message });
      if (!(error instanceof JsonError)) throw error;
      return respond(error.status, { __type: `${NAMESPACE[service]}${error.code}`, message: error.message }, error.headers);
    }
  }

  function handleS3(request: IncomingMessage): Reply {
    const xmlError = (status: number, code: string, message: string, extra = ''): Reply => ({
      status,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${extra}<RequestId>${randomUUID()}</RequestId></Error>`,
    });
    const stopped = revokedFor(request);
    if (stopped) return xmlError(400, 'ExpiredToken', stoppedMessage(stopped));
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let bucket: string;
    let key: string;
    try {
      const [first = '', ...segments] = path.replace(/^\/+/, '').split('/').map(decodeURIComponent);
      bucket = first;
      key = segments.join('/');
    } catch {
      return xmlError(400, 'InvalidURI', 'Could not parse the specified URI.');
    }
    if (bucket !== names.artifactsBucket) {
      return xmlError(404, 'NoSuchBucket', 'The specified bucket does not exist', `<BucketName>${escapeXml(bucket)}</BucketName>`);
    }
    if (key !== names.agentKey) return xmlError(404, 'NoSuchKey', 'The specified key does not exist.', `<Key>${escapeXml(key)}</Key>`);
    return {
      status: 200,
      headers: {
        'content-type': 'text/javascript',
        'content-length': String(agent.body.byteLength),
        etag: agentEtag,
        'last-modified': lastModified,
        'accept-ranges': 'bytes',
      },
      body: request.method === 'HEAD' ? new Uint8Array() : agent.body,
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let reply: Reply;
    try {
      const bytes = await readRequestBody(request, MAX_REQUEST_BYTES);
      if (bytes === undefined) throw new Error(`request body over ${MAX_REQUEST_BYTES} bytes`);
      const body = bytes.toString('utf8');
      const target = request.headers['x-amz-target'];
      if (request.method === 'POST' && typeof target === 'string') reply = await handleJson(request, body, target);
      else if (request.method === 'GET' || request.method === 'HEAD') reply = handleS3(request);
      else reply = { status: 400, headers: { 'content-type': 'text/plain' }, body: `The harness's local AWS endpoint does not play ${request.method} ${request.url}.` };
    } catch (error) {
      reply = { status: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ __type: 'InternalFailure', message: (error as Error).message }) };
    }
    const requestId = randomUUID();
    response.writeHead(reply.status, {
      'x-amzn-requestid': requestId,
      'x-amz-request-id': requestId,
      date: new Date().toUTCString(),
      ...(reply.headers ?? {}),
      ...(reply.headers?.['content-length'] ? {} : { 'content-length': String(Buffer.byteLength(reply.body)) }),
    });
    response.end(reply.body);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  url = await listenOnLoopback(server);

  const endpoint: LocalAwsEndpoint = {
    url,
    names,
    registerTask(registration) {
      if (!registration.task.taskArn) throw new Error('a task registered with the local AWS endpoint needs a taskArn');
      tasks.set(registration.task.taskArn, registration);
    },
    revokeTask(taskArn, reason) {
      const registration = tasks.get(taskArn);
      if (registration) revoked.set(registration.accessKeyId, { taskArn, reason });
    },
    forgetTask(taskArn) {
      const registration = tasks.get(taskArn);
      tasks.delete(taskArn);
      stoppedTasks.delete(taskArn);
      if (registration) revoked.delete(registration.accessKeyId);
      for (const [invocationId, invocation] of invocations) {
        if (invocation.taskArn === taskArn) invocations.delete(invocationId);
      }
    },
    endTask(stopped) {
      const taskArn = stopped.taskArn;
      if (!taskArn) throw new Error('a task the local AWS endpoint records as stopped needs a taskArn');
      endpoint.forgetTask(taskArn);
      stoppedTasks.set(taskArn, stopped);
      for (const oldest of stoppedTasks.keys()) {
        if (stoppedTasks.size <= MAX_STOPPED_TASKS) break;
        stoppedTasks.delete(oldest);
      }
    },
    task(taskArn) {
      return tasks.get(taskArn)?.task ?? stoppedTasks.get(taskArn);
    },
    registerTaskToken(taskToken, callbacks) {
      const state: TokenState = { callbacks, answered: false, closed: false };
      tokens.set(taskToken, state);
      return {
        get answered() {
          return state.answered;
        },
        close() {
          state.closed = true;
          // Kept as closed (not deleted) for a late callback to get TaskTimedOut, not TaskDoesNotExist; tokens are small.
        },
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return endpoint;
}

/** Whether a task is in the cluster a request names (name or ARN; ECS assumes `default` when it names none). */
function inCluster(task: Task, cluster: string | undefined): boolean {
  // A record without a cluster (a partial one, registered by hand) is in every cluster.
  if (!task.clusterArn) return true;
  const wanted = cluster ?? 'default';
  if (wanted.startsWith('arn:')) return task.clusterArn === wanted;
  return task.clusterArn.slice(task.clusterArn.lastIndexOf('/') + 1) === wanted;
}

/** The family of a task: from its task definition ARN (`…:task-definition/<family>:<revision>`), else its `family:` group. */
function familyOf(task: Task): string | undefined {
  return /:task-definition\/([^:]+)/.exec(task.taskDefinitionArn ?? '')?.[1] ?? /^family:(.+)$/.exec(task.group ?? '')?.[1];
}

function readNextToken(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(String(raw), 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the error.
  }
  throw new JsonError('InvalidParameterException', 'Invalid nextToken.');
}

function stoppedMessage(stopped: { taskArn: string; reason: string }): string {
  return `The security token included in the request is expired: task ${stopped.taskArn} was stopped (${stopped.reason}).`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string, undefined when absent, null when of another type. */
function optionalString(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
