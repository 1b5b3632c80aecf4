/**
 * The container agent: the program an ECS task double runs. It forwards the
 * task's invocation (command, environment, overrides, task token) to the test
 * session that mocked the task, waits for the session's answer and acts on it.
 *
 * Built as the single file `dist/agent.cjs` (the artifact the bootstrap runs)
 * and as the ES module `dist/agent.mjs`: Node built-ins only, the wire format
 * bundled in.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AGENT_EXIT_CODES,
  HARNESS_ENV,
  parseDoubleId,
  type EcsContainerOverride,
  type EcsInvocationPayload,
  type EcsResultValue,
} from '@harness/core/protocol';
import {
  createAwsContext,
  describeTask,
  getJson,
  type AwsContext,
  type CredentialProvider,
  type DescribedTask,
  type Env,
  type FetchLike,
} from './aws.js';
import { httpFetch } from './http.js';
import { AgentConfigurationError, ContainerAgentError } from './errors.js';
import { awaitResult, lookUpRoute, parseResultItem, performCallback, sendInvocation, sessionLostMessage } from './round-trip.js';

/** How long the agent waits for its result when `HARNESS_TIMEOUT_MS` is not set: 15 minutes. */
export const DEFAULT_TIMEOUT_MS = 900_000;

type Level = 'debug' | 'info' | 'warn' | 'error';

interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Adds fields (`double`, `invocationId`) to every later line. */
  with(fields: Record<string, unknown>): void;
}

// One JSON object per line on stdout: CloudWatch Logs and the local runner
// both read stdout, and a JSON line stays one event there.
function createLogger(env: Env): Logger {
  const debug = env[HARNESS_ENV.logLevel] === 'debug';
  const context: Record<string, unknown> = {};
  const write = (level: Level, message: string, fields?: Record<string, unknown>): void => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...context, ...fields })}\n`);
  };
  return {
    debug: (message, fields) => {
      if (debug) write('debug', message, fields);
    },
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    with: (fields) => Object.assign(context, fields),
  };
}

/** How {@link main} reaches the outside world (tests replace both). */
export interface AgentOptions {
  readonly fetch?: FetchLike;
  readonly now?: () => number;
  /**
   * The task role's credentials, when the caller already loaded them (the bootstrap has, to fetch the agent):
   * spares the container a second request to its credentials endpoint. Default: the container's credential chain.
   */
  readonly credentials?: CredentialProvider;
}

/**
 * Runs the agent once: forwards this container's invocation and returns the
 * exit code to exit with (the handler's, or one of `AGENT_EXIT_CODES`).
 * Never calls `process.exit` itself.
 *
 * @param command The container's command (what follows the entry point).
 * @param env The container's environment.
 * @param options `fetch`: the HTTP client for the metadata endpoint and AWS (default {@link httpFetch}; tests pass a fake);
 *   `now`: this machine's clock (route expiries are judged on AWS's, from its answers' `Date`; this is the fallback);
 *   `credentials`: a provider already holding the task role's credentials (the bootstrap passes its own).
 *
 * @example
 * // what `node agent.mjs --order o-1` does
 * process.exit(await main(['--order', 'o-1']));
 */
export async function main(command: readonly string[], env: Env = process.env, options: AgentOptions = {}): Promise<number> {
  const startedAt = Date.now();
  const log = createLogger(env);
  let exitCode: number;
  try {
    exitCode = await run(command, env, log, options);
  } catch (error) {
    log.error(`the container agent failed: ${(error as Error).message}`, { error: describeError(error) });
    exitCode = AGENT_EXIT_CODES.internalError;
  }
  log.debug('agent finished', {
    exitCode,
    durationMs: Date.now() - startedAt,
    maxRssKb: process.resourceUsage().maxRSS,
  });
  return exitCode;
}

async function run(command: readonly string[], env: Env, log: Logger, options: AgentOptions): Promise<number> {
  const fetchImpl = options.fetch ?? httpFetch;
  const now = options.now ?? Date.now;
  const double = required(env, HARNESS_ENV.double);
  log.with({ double });
  const routesTable = required(env, HARNESS_ENV.routesTable);
  const resultsTable = required(env, HARNESS_ENV.resultsTable);
  const timeoutMs = parseTimeout(env[HARNESS_ENV.timeoutMs]);
  const { name } = parseDoubleId(double);
  const aws = createAwsContext(env, { fetch: fetchImpl, ...(options.credentials ? { credentials: options.credentials } : {}) });

  // Metadata and DescribeTasks run while the route is read: a missing route
  // must fail at once, and a found one should not wait for them.
  const metadata = readTaskMetadata(env, fetchImpl);
  const described = metadata.then(
    (task) => describeTaskBestEffort(aws, task, log),
    () => undefined,
  );
  const lookup = await lookUpRoute(aws, routesTable, double, now);
  if (lookup.status === 'none' || lookup.status === 'expired') {
    log.error(
      `no test session has mocked ECS task ${name} (double ${double}); register it with harness.ecs.mockTask('${name}', handler) before the task starts`,
      lookup.status === 'expired'
        ? { routesTable, expiredRoute: { session: lookup.session, expiresAt: new Date(lookup.expiresAt * 1000).toISOString() } }
        : { routesTable },
    );
    return AGENT_EXIT_CODES.noRoute;
  }
  if (lookup.status === 'invalid') {
    log.error(`the route of ${double} in ${routesTable} has no session or queueUrl; it was not written by a harness session`, { routesTable });
    return AGENT_EXIT_CODES.internalError;
  }
  const { route } = lookup;
  const { session } = route;
  log.with({ session });

  const task = await metadata;
  const describedTask = await described;
  log.debug('task metadata read', { taskArn: task.taskArn, family: task.family, container: task.container });
  const payload = buildPayload(command, env, task, describedTask);

  const sent = await sendInvocation(aws, route, double, payload, (id, bytes) => {
    log.with({ invocationId: id });
    log.debug('sending invocation', { queueUrl: route.queueUrl, bytes });
  });
  const { invocationId } = sent;
  if ('tooLarge' in sent) {
    log.with({ invocationId });
    log.error(`${sent.tooLarge.message} (the container's command and environment travel in it)`);
    return AGENT_EXIT_CODES.internalError;
  }
  const { sentAt, sendStartedAt } = sent;
  log.info('invocation sent');

  const wait = await awaitResult(aws, { resultsTable, routesTable }, sent, sentAt + timeoutMs, {
    now,
    onResend: (from, to) => log.info(`invocation sent again, to session ${to}: session ${from} stopped heartbeating and ${to} took ECS task ${name} over`),
  });
  if ('sessionLost' in wait) {
    log.error(`${sessionLostMessage(wait.sessionLost, invocationId, `ECS task ${name}`, 'task')} The task exits without a result.`, { routesTable, polls: wait.polls });
    return AGENT_EXIT_CODES.sessionLost;
  }
  if ('timedOut' in wait) {
    log.error(
      `no result for invocation ${invocationId} of ${double} from session ${session} after ${Date.now() - sentAt} ms (${wait.polls} polls)`,
      { resultsTable, timeoutMs },
    );
    return AGENT_EXIT_CODES.timeout;
  }
  // roundTripMs: invocation sent → handler → result in hand, as the bench reports it.
  log.debug('result received', { polls: wait.polls, resent: wait.resent.length, waitedMs: Date.now() - sentAt, roundTripMs: Date.now() - sendStartedAt });

  const parsed = parseResultItem(wait.item);
  if ('malformed' in parsed) {
    log.error(`the result of invocation ${invocationId} is malformed: ${parsed.malformed}`, { resultsTable });
    return AGENT_EXIT_CODES.internalError;
  }
  const { result } = parsed;
  if (result.status === 'error') {
    const { name: errorName, message: errorMessage, stack } = result.error;
    log.error(`the handler of ${double} threw ${errorName}: ${errorMessage}`, { error: { name: errorName, message: errorMessage } });
    if (stack) log.debug('handler stack', { stack });
    return AGENT_EXIT_CODES.handlerError;
  }
  const value = checkResultValue(result.value);
  if (typeof value === 'string') {
    log.error(`the result of invocation ${invocationId} is not an ECS result: ${value}`);
    return AGENT_EXIT_CODES.internalError;
  }

  for (const line of value.logs ?? []) process.stdout.write(`${line}\n`);

  if (value.callback) {
    const tokenVariable = env[HARNESS_ENV.taskTokenVariable];
    const taskToken = payload.taskToken;
    if (!taskToken) {
      log.error(
        `the handler asked for a task ${value.callback.type} callback, but this task has no task token: ${
          tokenVariable ? `${tokenVariable} (named by ${HARNESS_ENV.taskTokenVariable}) is empty` : `${HARNESS_ENV.taskTokenVariable} is not set`
        }. To fix this, pass $$.Task.Token to the task in a ContainerOverrides environment variable and name it in the double's configuration.`,
      );
      return AGENT_EXIT_CODES.internalError;
    }
    const { warning } = await performCallback(aws, value.callback, taskToken);
    if (warning) log.warn(warning);
    else log.info(`task ${value.callback.type} sent`);
  }
  log.info('invocation answered', { exitCode: value.exitCode });
  return value.exitCode;
}

function required(env: Env, variable: string): string {
  const value = env[variable];
  if (!value) {
    throw new AgentConfigurationError(
      variable,
      `${variable} is not set. The task definition of an ECS double sets it; to fix this, run \`npx harness deploy\` again or start the agent through the harness local runner.`,
    );
  }
  return value;
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new AgentConfigurationError(HARNESS_ENV.timeoutMs, `${HARNESS_ENV.timeoutMs} must be a positive whole number of milliseconds, not '${raw}'.`);
  }
  return value;
}

/** What the agent reads from the task metadata endpoint (v4). */
export interface TaskMetadata {
  readonly container: string;
  readonly taskArn: string;
  readonly family: string;
  readonly revision?: number;
  readonly cluster?: string;
}

/** Reads this container's name and its task's ARN, family, revision and cluster from `ECS_CONTAINER_METADATA_URI_V4`. */
export async function readTaskMetadata(env: Env, fetchImpl: FetchLike = httpFetch): Promise<TaskMetadata> {
  const uri = env.ECS_CONTAINER_METADATA_URI_V4;
  if (!uri) {
    throw new AgentConfigurationError(
      'ECS_CONTAINER_METADATA_URI_V4',
      'ECS_CONTAINER_METADATA_URI_V4 is not set: the agent runs inside an ECS task (Fargate, or EC2 with a recent ECS agent) or under the harness local task runner, which set it.',
    );
  }
  const base = uri.replace(/\/+$/, '');
  const [container, task] = await Promise.all([getJson(fetchImpl, base), getJson(fetchImpl, `${base}/task`)]);
  const name = container.Name;
  const { TaskARN, Family, Revision, Cluster } = task;
  if (typeof name !== 'string' || typeof TaskARN !== 'string' || typeof Family !== 'string') {
    throw new ContainerAgentError(`the task metadata endpoint ${base} answered without the container's Name or the task's TaskARN and Family.`);
  }
  const revision = Number(Revision);
  return {
    container: name,
    taskArn: TaskARN,
    family: Family,
    ...(Revision !== undefined && Number.isInteger(revision) ? { revision } : {}),
    ...(typeof Cluster === 'string' && Cluster ? { cluster: Cluster } : {}),
  };
}

// The overrides and startedBy are a convenience for the handler: without the
// ecs:DescribeTasks permission (or on an endpoint that does not know the
// task), the invocation still goes out.
async function describeTaskBestEffort(aws: AwsContext, task: TaskMetadata, log: Logger): Promise<DescribedTask | undefined> {
  if (!task.cluster) return undefined;
  try {
    return await describeTask(aws, task.cluster, task.taskArn);
  } catch (error) {
    log.debug(`DescribeTasks failed, going on without overrides: ${(error as Error).message}`);
    return undefined;
  }
}

// AWS_ENDPOINT_URL*: where the harness points doubles (moto, the local target's loopback endpoint), not the workflow's doing.
const HIDDEN_VARIABLES = /^(HARNESS_|AWS_CONTAINER_|ECS_|AWS_ENDPOINT_URL)|^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/;

/** The environment a handler sees: the container's, without harness-internal, ECS-internal and credential variables. */
export function invocationEnvironment(env: Env): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value !== undefined && !HIDDEN_VARIABLES.test(name)) environment[name] = value;
  }
  return environment;
}

function buildPayload(command: readonly string[], env: Env, task: TaskMetadata, described: DescribedTask | undefined): EcsInvocationPayload {
  const tokenVariable = env[HARNESS_ENV.taskTokenVariable];
  const taskToken = tokenVariable ? env[tokenVariable] : undefined;
  const override = described?.overrides?.containerOverrides?.find((candidate) => candidate.name === task.container);
  let overrides: EcsContainerOverride | undefined;
  if (override) {
    overrides = {
      ...(override.name === undefined ? {} : { name: override.name }),
      ...(override.command === undefined ? {} : { command: override.command }),
      ...(override.environment === undefined ? {} : { environment: override.environment }),
      ...(override.cpu === undefined ? {} : { cpu: override.cpu }),
      ...(override.memory === undefined ? {} : { memory: override.memory }),
    };
  }
  return {
    family: task.family,
    ...(task.revision === undefined ? {} : { revision: task.revision }),
    taskArn: task.taskArn,
    ...(task.cluster === undefined ? {} : { clusterArn: task.cluster }),
    container: task.container,
    command: [...command],
    environment: invocationEnvironment(env),
    ...(overrides ? { overrides } : {}),
    ...(taskToken ? { taskToken } : {}),
    ...(described?.startedBy ? { startedBy: described.startedBy } : {}),
  };
}

/** Checks a session's answer against {@link EcsResultValue}; returns what is wrong, as text, when it does not fit. */
export function checkResultValue(value: unknown): EcsResultValue | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the value is not an object';
  const { exitCode, logs, callback } = value as Record<string, unknown>;
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255) {
    return `exitCode must be a whole number from 0 to 255, not ${JSON.stringify(exitCode)}`;
  }
  if (logs !== undefined && (!Array.isArray(logs) || logs.some((line) => typeof line !== 'string'))) {
    return 'logs must be an array of strings';
  }
  if (callback !== undefined) {
    if (typeof callback !== 'object' || callback === null) return 'callback must be an object';
    const { type, error, cause } = callback as Record<string, unknown>;
    if (type !== 'success' && type !== 'failure') return `callback.type must be 'success' or 'failure', not ${JSON.stringify(type)}`;
    if (type === 'failure' && ((error !== undefined && typeof error !== 'string') || (cause !== undefined && typeof cause !== 'string'))) {
      return 'callback.error and callback.cause must be strings';
    }
  }
  return value as EcsResultValue;
}

function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const described: Record<string, unknown> = { name: error.name, message: error.message };
  for (const field of ['service', 'operation', 'status', 'errorType', 'variable'] as const) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (value !== undefined) described[field] = value;
  }
  return described;
}

function isEntryPoint(): boolean {
  // The CommonJS build (dist/agent.cjs): node's main module. The bootstrap compiles it with a module of its
  // own, never node's main one; in the ES module build `module` is not defined.
  if (typeof module !== 'undefined' && typeof require !== 'undefined') return require.main === module;
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// `node agent.mjs a b` (or agent.cjs) runs the agent; loading the module (the bootstrap, a test) does not.
if (isEntryPoint()) {
  void main(process.argv.slice(2)).then((code) => {
    process.stdout.write('', () => process.exit(code));
  });
}
