import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { answerInvocation } from './answer.js';
import { adapterConfig, DEFAULT_CONFIG_FILE, loadConfig } from './config.js';
import { ConfigError, HandlersStillRunningError, HarnessError, SessionClosedError, StackNotReadyError } from './errors.js';
import { BREAKING_PROPERTIES, HARNESS_PROPERTIES } from './harness-properties.js';
import type { InvocationMessage, InvocationResult } from './protocol.js';
import type { ResettableMock } from './recording-mock.js';
import { adapterStackName, checkStackOutputs, CORE_OUTPUTS, coreStackName, USABLE_STACK_STATUSES, validateStackName } from './stacks.js';
import { loadAwsSdk, type AwsSdk } from './transport/aws-sdk.js';
import { AwsTransport } from './transport/aws-transport.js';
import { LocalTransport } from './transport/local-transport.js';
import type { DroppedMessage, SessionTransport } from './transport/transport.js';
import type {
  AdapterApis,
  AdapterSession,
  AnyAdapter,
  CoreResources,
  InvocationHandler,
} from './types/adapter.js';
import type { LocalIntegrationContext, LocalServiceIntegration } from './types/local.js';

/** Options of {@link createHarness}. */
export interface CreateHarnessOptions<TAdapters extends readonly AnyAdapter[]> {
  /** The adapters whose mock APIs the harness offers, e.g. `[ecsAdapter]`. */
  readonly adapters: TAdapters;
  /** `local` (the default: no AWS at all) or `aws` (a stack deployed by `harness deploy`). Default: `$HARNESS_TARGET`, else `local`. */
  readonly target?: HarnessTarget;
  /** The harness stack name (aws target); defaults to the config file's `stack`, then `$HARNESS_STACK`. */
  readonly stack?: string;
  /** The AWS region of the stack (aws target); defaults to the config file's `region`, then the standard AWS environment. */
  readonly region?: string;
  /**
   * The harness configuration, or the path of its JSON file.
   * Default: `harness.config.json` in the working directory, when it exists.
   */
  readonly config?: HarnessConfigInput | string;
  /** Clients to use instead of the default ones (which honour `AWS_REGION`, `AWS_ENDPOINT_URL`…). */
  readonly clients?: {
    readonly sqs?: SQSClient;
    readonly dynamodb?: DynamoDBClient;
    readonly cloudformation?: CloudFormationClient;
  };
  /**
   * Lifetime of a route without a heartbeat, in seconds (on AWS's clock). Default 6: a crashed session's
   * waiting tasks see it dead, and another session can take its doubles, within seconds. A test process that
   * blocks its event loop longer than this loses its routes meanwhile.
   */
  readonly routeTtlSeconds?: number;
  /** How often routes are renewed, in milliseconds. Default 1 500. */
  readonly heartbeatIntervalMs?: number;
  /** How long to wait for another session to release a double, in milliseconds. Default 60 000. */
  readonly routeWaitTimeoutMs?: number;
  /**
   * How long `close()` waits for handlers still running, in milliseconds. Default 10 000.
   * It returns as soon as none runs; past this it goes on closing and reports a
   * `HandlersStillRunningError` naming each double to `onError`.
   */
  readonly closeTimeoutMs?: number;
  /** Told about listener problems that do not stop it, and about handlers `close()` gave up on. Default: printed with `console.warn`. */
  readonly onError?: (error: Error) => void;
}

/** The parts of `harness.config.json` the harness itself reads. */
export interface HarnessConfigInput {
  readonly stack?: string;
  readonly region?: string;
  readonly adapters?: Readonly<Record<string, unknown>>;
}

/** What every harness offers, whatever its adapters. */
export interface HarnessBase extends AsyncDisposable {
  /** This session's id: in its queue's name, its routes and every invocation it answers. */
  readonly session: string;
  readonly stack: string;
  readonly target: HarnessTarget;
  /** Messages the listener received and did not dispatch (from dead sessions, malformed…). */
  readonly dropped: readonly DroppedMessage[];
  /**
   * Ends the session: stops listening, waits for the handlers still running
   * (returning as soon as none runs; at most `closeTimeoutMs`, then it reports
   * the doubles whose handlers hang to `onError`), releases its routes, deletes
   * its queue, closes the local endpoints. Safe to call twice.
   */
  close(): Promise<void>;
  /**
   * Resets every mock of this session (`mock.reset()` on each one not
   * restored): forgets what they recorded and their unused `once` / `onCall`
   * answers; their handlers stay, and the doubles stay mocked. For a suite that
   * mocks in `beforeAll` and runs several tests: call it in `afterEach`.
   *
   * @example
   * afterEach(() => harness.resetMocks());
   */
  resetMocks(): void;
}

/** A harness: the base plus one mock API per adapter (`harness.ecs`…). */
export type Harness<TAdapters extends readonly AnyAdapter[]> = HarnessBase & AdapterApis<TAdapters>;

/** Where the doubles run. */
export type HarnessTarget = 'local' | 'aws';

/**
 * Starts a test session. On the `local` target (the default) everything runs
 * in this process and its children: no AWS account, no network. On the `aws`
 * target the session talks to a stack deployed by `harness deploy`.
 * `target` comes from the options, else `$HARNESS_TARGET`, else `local`.
 *
 * @example
 * import { createHarness } from '@harness/core';
 * import { ecsAdapter, exit } from '@harness/ecs';
 *
 * await using harness = await createHarness({ adapters: [ecsAdapter] });
 * const render = await harness.ecs.mockTask('RenderPdf', () => exit(0));
 */
export async function createHarness<const TAdapters extends readonly AnyAdapter[]>(
  options: CreateHarnessOptions<TAdapters>,
): Promise<Harness<TAdapters>> {
  const target = resolveTarget(options.target);
  const { config, source } = await readConfig(options.config);
  assertDistinctAdapters(options.adapters);
  const stackOption = options.stack ?? config.stack ?? process.env.HARNESS_STACK;
  if (target === 'local') return createLocalHarness(options, config, source, validateStackName(stackOption ?? 'local'));

  const stack = validateStackName(
    stackOption ??
      fail(
        new ConfigError(
          'No harness stack name for the aws target. To fix this, pass createHarness({ stack }), set "stack" in harness.config.json, or set HARNESS_STACK.',
        ),
      ),
  );
  // The region: the option, else the config file's, else the standard AWS environment.
  const region = options.region ?? config.region;
  const clientConfig = region ? { region } : {};
  const sdk = await loadAwsSdk();
  const cloudformation = options.clients?.cloudformation ?? new sdk.cloudformation.CloudFormationClient(clientConfig);
  const describeStack = (stackName: string): Promise<Record<string, string>> => stackOutputs(cloudformation, sdk, stackName);
  const coreOutputs = await describeStack(coreStackName(stack));
  const core: CoreResources = {
    routesTable: requireOutput(coreOutputs, coreStackName(stack), CORE_OUTPUTS.routesTable),
    resultsTable: requireOutput(coreOutputs, coreStackName(stack), CORE_OUTPUTS.resultsTable),
    artifactsBucket: requireOutput(coreOutputs, coreStackName(stack), CORE_OUTPUTS.artifactsBucket),
  };
  const adapterConfigs: unknown[] = options.adapters.map((adapter) => adapterConfig({ stack, adapters: config.adapters ?? {} }, adapter, source));
  const adapterOutputs = await Promise.all(
    options.adapters.map((adapter, index) =>
      adapter.hasDoubles?.(adapterConfigs[index]) === false
        ? Promise.resolve({})
        : describeStack(adapterStackName(stack, adapter.name)),
    ),
  );

  const sessionId = newSessionId();
  const onError = options.onError ?? ((error: Error) => console.warn(`[harness] session ${sessionId}: ${error.message}`));
  const transport = new AwsTransport({
    stackName: stack,
    session: sessionId,
    core,
    sqs: options.clients?.sqs ?? new sdk.sqs.SQSClient(clientConfig),
    dynamodb: options.clients?.dynamodb ?? new sdk.dynamodb.DynamoDBClient(clientConfig),
    routeTtlSeconds: options.routeTtlSeconds,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    routeWaitTimeoutMs: options.routeWaitTimeoutMs,
    onError,
  });
  const session = new Session(sessionId, stack, 'aws', transport, { closeTimeoutMs: options.closeTimeoutMs, onError });
  await transport.start((message) => session.dispatch(message));

  const apis: Record<string, unknown> = {};
  options.adapters.forEach((adapter, index) => {
    apis[adapter.apiName ?? adapter.name] = adapter.createApi(session.forAdapter(adapterOutputs[index] ?? {}), adapterConfigs[index]);
  });
  return assemble(apis, session, () => transport.dropped);
}

/** The local target: handlers in this process, each adapter's local integrations beside them. */
async function createLocalHarness<const TAdapters extends readonly AnyAdapter[]>(
  options: CreateHarnessOptions<TAdapters>,
  config: HarnessConfigInput,
  source: string,
  stack: string,
): Promise<Harness<TAdapters>> {
  const sessionId = newSessionId();
  const onError = options.onError ?? ((error: Error) => console.warn(`[harness] session ${sessionId}: ${error.message}`));
  const session = new Session(sessionId, stack, 'local', new LocalTransport(), { closeTimeoutMs: options.closeTimeoutMs, onError });
  const context: LocalIntegrationContext = {
    session: sessionId,
    stackName: stack,
    dispatch: (message) => session.dispatch(message),
    isMocked: (double) => session.isMocked(double),
  };
  const apis: Record<string, unknown> = {};
  for (const adapter of options.adapters) {
    const parsed: unknown = adapterConfig({ stack, adapters: config.adapters ?? {} }, adapter, source);
    apis[adapter.apiName ?? adapter.name] = adapter.createApi(session.forAdapter({}), parsed);
    session.addIntegrations(adapter.localIntegrations?.(parsed, context) ?? []);
  }
  return assemble(apis, session, () => []);
}

function assemble<TAdapters extends readonly AnyAdapter[]>(
  apis: Record<string, unknown>,
  session: Session,
  dropped: () => readonly DroppedMessage[],
): Harness<TAdapters> {
  const base: HarnessBase = {
    session: session.id,
    stack: session.stackName,
    target: session.target,
    get dropped() {
      return dropped();
    },
    close: () => session.close(),
    resetMocks: () => session.resetMocks(),
    [Symbol.asyncDispose]: () => session.close(),
  };
  return Object.assign(Object.create(null) as object, apis, base) as Harness<TAdapters>;
}

function resolveTarget(option: HarnessTarget | undefined): HarnessTarget {
  const target = option ?? process.env.HARNESS_TARGET ?? 'local';
  if (target !== 'local' && target !== 'aws') {
    throw new ConfigError(`HARNESS_TARGET is '${target}'. To fix this, set it to 'local' (the default) or 'aws'.`);
  }
  return target;
}

/** A handler the session runs now: what `close()` waits for and names when it hangs. */
interface RunningHandler {
  readonly double: string;
  readonly invocationId: string;
  readonly startedAt: number;
  readonly answered: Promise<unknown>;
}

/** Routes invocations to the handlers registered for them. */
class Session {
  private readonly handlers = new Map<string, InvocationHandler>();
  private readonly localIntegrations: LocalServiceIntegration[] = [];
  /** The mocks adapters made in this session and have not restored: what `resetMocks()` resets. */
  private readonly mocks = new Set<ResettableMock>();
  /** Handlers running now, each removed when it answers (so the map holds only what runs). */
  private readonly running = new Map<number, RunningHandler>();
  private runs = 0;
  private closing: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly stackName: string,
    readonly target: HarnessTarget,
    private readonly transport: SessionTransport,
    private readonly options: { readonly closeTimeoutMs?: number | undefined; readonly onError: (error: Error) => void },
  ) {}

  addIntegrations(integrations: readonly LocalServiceIntegration[]): void {
    this.localIntegrations.push(...integrations);
  }

  isMocked(double: string): boolean {
    return this.handlers.has(double);
  }

  forAdapter(outputs: Readonly<Record<string, string>>): AdapterSession {
    return {
      id: this.id,
      stackName: this.stackName,
      target: this.target,
      outputs,
      integrations: () => this.localIntegrations,
      register: (double, handle) => this.register(double, handle),
      unregister: (double) => this.unregister(double),
      trackMock: (mock) => {
        this.mocks.add(mock);
        return () => this.mocks.delete(mock);
      },
    };
  }

  resetMocks(): void {
    for (const mock of this.mocks) mock.reset();
  }

  async register(double: string, handle: InvocationHandler): Promise<void> {
    if (this.closing) throw new SessionClosedError(this.id, `mock ${double}`);
    // The handler goes in first: an invocation may arrive as soon as the route exists.
    this.handlers.set(double, handle);
    try {
      await this.transport.claimRoute(double);
    } catch (error) {
      this.handlers.delete(double);
      throw error;
    }
  }

  async unregister(double: string): Promise<void> {
    this.handlers.delete(double);
    await this.transport.releaseRoute(double);
  }

  dispatch(message: InvocationMessage): Promise<InvocationResult> {
    const answered = answerInvocation(this.handlers.get(message.double), message, this.id);
    const run = ++this.runs;
    this.running.set(run, { double: message.double, invocationId: message.invocationId, startedAt: Date.now(), answered });
    const forget = (): void => {
      this.running.delete(run);
    };
    answered.then(forget, forget);
    return answered;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const started = Date.now();
      const deadline = started + (this.options.closeTimeoutMs ?? 10_000);
      // No new invocation after this; the handlers running now answer (bounded), and the transport writes
      // their answers before it releases the routes and removes the queue.
      await this.transport.stop();
      const hung = await this.handlersSettled(deadline);
      await this.transport.close();
      const disposals = await Promise.allSettled(this.localIntegrations.map((integration) => integration.dispose?.()));
      if (hung.length > 0) {
        const now = Date.now();
        this.options.onError(
          new HandlersStillRunningError(
            this.id,
            hung.map(({ double, invocationId, startedAt }) => ({ double, invocationId, runningMs: now - startedAt })),
            now - started,
          ),
        );
      }
      const failed = disposals.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
    })();
    return this.closing;
  }

  /** Resolves as soon as no handler runs (new ones included), or at `deadline` with those still running. */
  private async handlersSettled(deadline: number): Promise<RunningHandler[]> {
    while (this.running.size > 0) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [...this.running.values()];
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running.values()].map((handler) => handler.answered)),
        new Promise((resolve) => {
          timer = setTimeout(resolve, remaining);
        }),
      ]);
      clearTimeout(timer);
    }
    return [];
  }
}

function newSessionId(): string {
  return `s${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

async function readConfig(
  input: HarnessConfigInput | string | undefined,
): Promise<{ config: HarnessConfigInput; source: string }> {
  if (typeof input === 'object') return { config: input, source: 'the config passed to createHarness' };
  const path = resolve(input ?? DEFAULT_CONFIG_FILE);
  if (input === undefined && !existsSync(path)) return { config: {}, source: 'the default config (no harness.config.json)' };
  return { config: await loadConfig(path), source: path };
}

function assertDistinctAdapters(adapters: readonly AnyAdapter[]): void {
  const seen = new Set<string>();
  for (const adapter of adapters) {
    const property = adapter.apiName ?? adapter.name;
    if (seen.has(adapter.name) || seen.has(property)) {
      throw new ConfigError(`Adapter '${adapter.name}' was given twice. To fix this, pass each adapter once.`);
    }
    if (HARNESS_PROPERTIES.has(property)) {
      throw new ConfigError(`Adapter '${adapter.name}' wants the harness property '${property}', which the harness itself uses. To fix this, give the adapter another apiName.`);
    }
    const breaking = BREAKING_PROPERTIES.get(property);
    if (breaking !== undefined) {
      throw new ConfigError(`Adapter '${adapter.name}' wants the harness property '${property}': ${breaking}. To fix this, give the adapter another apiName.`);
    }
    seen.add(adapter.name).add(property);
  }
}

async function stackOutputs(client: CloudFormationClient, sdk: AwsSdk, stackName: string): Promise<Record<string, string>> {
  let stack;
  try {
    const described = await client.send(new sdk.cloudformation.DescribeStacksCommand({ StackName: stackName }));
    stack = described.Stacks?.[0];
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) {
      throw new StackNotReadyError(stackName, 'does not exist', { cause: error });
    }
    throw new HarnessError(`Cannot read stack ${stackName}: ${(error as Error).message}`, { cause: error });
  }
  if (!stack) throw new StackNotReadyError(stackName, 'does not exist');
  // The statuses whose resources are all in place (harness deploy takes every other one somewhere: see its README).
  if (!USABLE_STACK_STATUSES.has(stack.StackStatus ?? '')) {
    const reason = stack.StackStatusReason ? ` (${stack.StackStatusReason})` : '';
    throw new StackNotReadyError(stackName, `is ${stack.StackStatus ?? 'in an unknown state'}${reason}`);
  }
  return checkStackOutputs(
    stackName,
    Object.fromEntries((stack.Outputs ?? []).flatMap((output) => (output.OutputKey ? [[output.OutputKey, output.OutputValue ?? '']] : []))),
  );
}

function requireOutput(outputs: Record<string, string>, stackName: string, key: string): string {
  const value = outputs[key];
  if (!value) throw new StackNotReadyError(stackName, `has no output ${key} (was it deployed by another harness version?)`);
  return value;
}

function fail(error: Error): never {
  throw error;
}
