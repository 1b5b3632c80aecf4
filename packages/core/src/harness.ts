import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { adapterConfig, DEFAULT_CONFIG_FILE, loadConfig } from './config.js';
import { ConfigError, HarnessError, SessionClosedError, StackNotReadyError } from './errors.js';
import type { InvocationMessage, InvocationResult } from './protocol.js';
import { adapterStackName, CORE_OUTPUTS, coreStackName, validateStackName } from './stacks.js';
import { AwsTransport } from './transport/aws-transport.js';
import type { DroppedMessage, SessionTransport } from './transport/transport.js';
import type {
  AdapterApis,
  AdapterSession,
  AnyAdapter,
  CoreResources,
  InvocationHandler,
} from './types/adapter.js';

/** Options of {@link createHarness}. */
export interface CreateHarnessOptions<TAdapters extends readonly AnyAdapter[]> {
  /** The adapters whose mock APIs the harness offers, e.g. `[ecsAdapter]`. */
  readonly adapters: TAdapters;
  /** The harness stack name; defaults to the config file's `stack`, then `$HARNESS_STACK`. */
  readonly stack?: string;
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
  /** Lifetime of a route without a heartbeat, in seconds. Default 60. */
  readonly routeTtlSeconds?: number;
  /** How often routes are renewed, in milliseconds. Default 15 000. */
  readonly heartbeatIntervalMs?: number;
  /** How long to wait for another session to release a double, in milliseconds. Default 60 000. */
  readonly routeWaitTimeoutMs?: number;
  /** Told about listener problems that do not stop it. Default: printed with `console.warn`. */
  readonly onError?: (error: Error) => void;
}

/** The parts of `harness.config.json` the harness itself reads. */
export interface HarnessConfigInput {
  readonly stack?: string;
  readonly adapters?: Readonly<Record<string, unknown>>;
}

/** What every harness offers, whatever its adapters. */
export interface HarnessBase extends AsyncDisposable {
  /** This session's id: in its queue's name, its routes and every invocation it answers. */
  readonly session: string;
  readonly stack: string;
  readonly target: 'aws';
  /** Messages the listener received and did not dispatch (from dead sessions, malformed…). */
  readonly dropped: readonly DroppedMessage[];
  /** Ends the session: stops listening, releases its routes, deletes its queue. Safe to call twice. */
  close(): Promise<void>;
}

/** A harness: the base plus one mock API per adapter (`harness.ecs`…). */
export type Harness<TAdapters extends readonly AnyAdapter[]> = HarnessBase & AdapterApis<TAdapters>;

/**
 * Starts a test session against a deployed harness stack.
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
  const { config, source } = await readConfig(options.config);
  const stack = validateStackName(
    options.stack ??
      config.stack ??
      process.env.HARNESS_STACK ??
      fail(
        new ConfigError(
          'No harness stack name. To fix this, pass createHarness({ stack }), set "stack" in harness.config.json, or set HARNESS_STACK.',
        ),
      ),
  );
  assertDistinctAdapters(options.adapters);

  const cloudformation = options.clients?.cloudformation ?? new CloudFormationClient({});
  const coreOutputs = await stackOutputs(cloudformation, coreStackName(stack));
  const core: CoreResources = {
    routesTable: requireOutput(coreOutputs, coreStackName(stack), CORE_OUTPUTS.routesTable),
    resultsTable: requireOutput(coreOutputs, coreStackName(stack), CORE_OUTPUTS.resultsTable),
    artifactsBucket: requireOutput(coreOutputs, coreStackName(stack), CORE_OUTPUTS.artifactsBucket),
  };
  const adapterOutputs = await Promise.all(
    options.adapters.map((adapter) => stackOutputs(cloudformation, adapterStackName(stack, adapter.name))),
  );

  const sessionId = newSessionId();
  const onError = options.onError ?? ((error: Error) => console.warn(`[harness] session ${sessionId}: ${error.message}`));
  const transport = new AwsTransport({
    stackName: stack,
    session: sessionId,
    core,
    sqs: options.clients?.sqs ?? new SQSClient({}),
    dynamodb: options.clients?.dynamodb ?? new DynamoDBClient({}),
    routeTtlSeconds: options.routeTtlSeconds,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    routeWaitTimeoutMs: options.routeWaitTimeoutMs,
    onError,
  });
  const session = new Session(sessionId, stack, transport);
  await transport.start((message) => session.dispatch(message));

  const apis: Record<string, unknown> = {};
  options.adapters.forEach((adapter, index) => {
    const parsed: unknown = adapterConfig({ stack, adapters: config.adapters ?? {} }, adapter, source);
    apis[adapter.name] = adapter.createApi(session.forAdapter(adapterOutputs[index] ?? {}), parsed);
  });

  const base: HarnessBase = {
    session: sessionId,
    stack,
    target: 'aws',
    get dropped() {
      return transport.dropped;
    },
    close: () => session.close(),
    [Symbol.asyncDispose]: () => session.close(),
  };
  return Object.assign(Object.create(null) as object, apis, base) as Harness<TAdapters>;
}

/** Routes invocations to the handlers registered for them. */
class Session {
  private readonly handlers = new Map<string, InvocationHandler>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly stackName: string,
    private readonly transport: SessionTransport,
  ) {}

  forAdapter(outputs: Readonly<Record<string, string>>): AdapterSession {
    return {
      id: this.id,
      stackName: this.stackName,
      target: 'aws',
      outputs,
      integrations: () => [],
      register: (double, handle) => this.register(double, handle),
      unregister: (double) => this.unregister(double),
    };
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

  async dispatch(message: InvocationMessage): Promise<InvocationResult> {
    const handle = this.handlers.get(message.double);
    if (!handle) {
      return {
        status: 'error',
        error: {
          name: 'NotMockedError',
          message: `session ${this.id} has no mock for ${message.double} (it was unregistered or the session is closing)`,
        },
      };
    }
    try {
      return { status: 'ok', value: await handle(message) };
    } catch (error) {
      const thrown = error instanceof Error ? error : new Error(String(error));
      return { status: 'error', error: { name: thrown.name, message: thrown.message, stack: thrown.stack } };
    }
  }

  close(): Promise<void> {
    this.closing ??= this.transport.close();
    return this.closing;
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
    if (seen.has(adapter.name)) {
      throw new ConfigError(`Adapter '${adapter.name}' was given twice. To fix this, pass each adapter once.`);
    }
    seen.add(adapter.name);
  }
}

async function stackOutputs(client: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  let stack;
  try {
    const described = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    stack = described.Stacks?.[0];
  } catch (error) {
    if ((error as Error).message?.includes('does not exist')) {
      throw new StackNotReadyError(stackName, 'does not exist', { cause: error });
    }
    throw new HarnessError(`Cannot read stack ${stackName}: ${(error as Error).message}`, { cause: error });
  }
  if (!stack) throw new StackNotReadyError(stackName, 'does not exist');
  if (!/_COMPLETE$/.test(stack.StackStatus ?? '') || /DELETE|ROLLBACK_COMPLETE$/.test(stack.StackStatus ?? '')) {
    if (stack.StackStatus !== 'UPDATE_ROLLBACK_COMPLETE') {
      throw new StackNotReadyError(stackName, `is ${stack.StackStatus ?? 'in an unknown state'}`);
    }
  }
  return Object.fromEntries((stack.Outputs ?? []).flatMap((output) => (output.OutputKey ? [[output.OutputKey, output.OutputValue ?? '']] : [])));
}

function requireOutput(outputs: Record<string, string>, stackName: string, key: string): string {
  const value = outputs[key];
  if (!value) throw new StackNotReadyError(stackName, `has no output ${key} (was it deployed by another harness version?)`);
  return value;
}

function fail(error: Error): never {
  throw error;
}
