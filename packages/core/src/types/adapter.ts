import type { InvocationMessage } from '../protocol.js';
import type { ResettableMock } from '../recording-mock.js';
import type { LocalIntegrationContext, LocalServiceIntegration } from './local.js';

/** A CloudFormation template as a plain object: no macros, no transforms. */
export interface CloudFormationTemplate {
  AWSTemplateFormatVersion: '2010-09-09';
  Description?: string;
  Parameters?: Record<string, CloudFormationParameter>;
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, CloudFormationOutput>;
}

export interface CloudFormationParameter {
  Type: string;
  Description?: string;
  Default?: string | number;
}

export interface CloudFormationResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  DeletionPolicy?: 'Delete' | 'Retain' | 'Snapshot';
  UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
}

export interface CloudFormationOutput {
  Description?: string;
  Value: unknown;
  Export?: { Name: unknown };
}

/** A file an adapter needs uploaded to the artifacts bucket before its stack deploys. */
export interface Artifact {
  /** Logical name, e.g. `container-agent`. */
  readonly name: string;
  /** S3 key; content-addressed so a changed artifact never overwrites one in use. */
  readonly key: string;
  readonly body: Uint8Array;
  /** Hex SHA-256 of `body`. */
  readonly sha256: string;
  readonly contentType: string;
}

/** The deployed core resources, as names (not ARNs) where AWS APIs take names. */
export interface CoreResources {
  readonly routesTable: string;
  readonly resultsTable: string;
  readonly artifactsBucket: string;
}

/** What an adapter's `template()` is given. */
export interface TemplateContext {
  /** The harness stack name (the base of every stack and resource name). */
  readonly stackName: string;
  readonly core: CoreResources;
  /** The artifacts this adapter declared, as uploaded (key and SHA-256). */
  readonly artifacts: Readonly<Record<string, Pick<Artifact, 'key' | 'sha256'>>>;
}

/** A registered double's answer to one invocation. */
export type InvocationHandler = (invocation: InvocationMessage) => Promise<unknown>;

/** What the harness gives an adapter's mock API to work with. */
export interface AdapterSession {
  /** This session's id (also in every route it owns). */
  readonly id: string;
  /** The harness stack name. */
  readonly stackName: string;
  /** Where the doubles run: deployed stacks (`aws`) or this process (`local`). */
  readonly target: 'aws' | 'local';
  /** The stack outputs of this adapter's stack (empty on the local target). */
  readonly outputs: Readonly<Record<string, string>>;
  /**
   * Every adapter's local integrations in this harness (empty on the aws
   * target): what the workflow driver routes `Task` states to.
   */
  integrations(): readonly LocalServiceIntegration[];
  /**
   * Routes a double to this session: takes its route (waiting for another
   * live session that holds it) and answers its invocations with `handle`.
   */
  register(double: string, handle: InvocationHandler): Promise<void>;
  /** Releases a double's route. */
  unregister(double: string): Promise<void>;
  /**
   * Adds a mock to what `harness.resetMocks()` resets; returns the function
   * that removes it (its `restore()` calls it). Optional: a session without it
   * (a test's fake) resets nothing. `RecordingMock` calls it when given the session.
   */
  trackMock?(mock: ResettableMock): () => void;
}

/**
 * The contract every adapter implements. Core never lists adapters by name:
 * they are handed to `createHarness` or found in the {@link AdapterRegistry}.
 *
 * @typeParam TName - the adapter's name; also the property of the harness that holds its mock API.
 * @typeParam TConfig - the adapter's validated configuration.
 * @typeParam TApi - the mock API the adapter adds to the harness.
 * @typeParam TApiName - the harness property holding that API (default: the name).
 */
export interface TestDoubleAdapter<TName extends string = string, TConfig = unknown, TApi = unknown, TApiName extends string = TName> {
  readonly name: TName;
  /** The harness property that holds the mock API, when it differs from `name` (e.g. `stepFunctions` for `stepfunctions`). */
  readonly apiName?: TApiName;
  /** Validates raw configuration (from `harness.config.json`); errors name the bad field. */
  parseConfig(raw: unknown): TConfig;
  /** The CloudFormation resources and outputs of this adapter's doubles. */
  template(config: TConfig, context: TemplateContext): CloudFormationTemplate;
  /** Files to upload to the artifacts bucket before deploy. */
  artifacts(config: TConfig): Promise<readonly Artifact[]>;
  /**
   * Whether `config` declares any double, i.e. whether the aws target needs this adapter's stack.
   * Optional; without it the stack is always needed. An adapter useful without doubles (the Step
   * Functions adapter runs deployed workflows) returns false for an empty config, so a session can
   * use it without a deployed stack.
   */
  hasDoubles?(config: TConfig): boolean;
  /** The mock API this adapter adds to the harness (`harness.ecs`, `harness.lambda`…). */
  createApi(session: AdapterSession, config: TConfig): TApi;
  /**
   * How the local target runs the `Task` states this adapter owns (optional:
   * an adapter without it works on the aws target only).
   */
  localIntegrations?(config: TConfig, context: LocalIntegrationContext): readonly LocalServiceIntegration[];
}

/** Any adapter, whatever its config and API types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: adapters differ in config and API types
export type AnyAdapter = TestDoubleAdapter<string, any, any, string>;

/** The harness property of an adapter's API: its `apiName` type, else its name. */
type ApiNameOf<A extends AnyAdapter> = A extends TestDoubleAdapter<string, unknown, unknown, infer K> ? K : A['name'];

/** The mock APIs a list of adapters adds to the harness, keyed by `apiName` (default: the adapter's name). */
export type AdapterApis<TAdapters extends readonly AnyAdapter[]> = {
  readonly [A in TAdapters[number] as ApiNameOf<A>]: ReturnType<A['createApi']>;
};
