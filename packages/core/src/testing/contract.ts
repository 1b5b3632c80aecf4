import { createHash } from 'node:crypto';
import { adapterConfig } from '../config.js';
import { BREAKING_PROPERTIES, HARNESS_PROPERTIES } from '../harness-properties.js';
import { parseDoubleId } from '../protocol.js';
import type { AnyAdapter, Artifact, TemplateContext } from '../types/adapter.js';
import type { LocalServiceIntegration } from '../types/local.js';
import { isRecord } from '../validation.js';
import { AdapterContractError } from './errors.js';
import { createFakeSession, type FakeSession } from './fake-session.js';
import { intrinsicProblems, limitProblems, outputProblems, plainJsonProblems, resourceProblems, sectionProblems } from './template-rules.js';

/**
 * The adapter contract as tests: what every `TestDoubleAdapter` must do for
 * `createHarness`, `harness deploy` and the local target to work with it,
 * checked against the adapter object alone (no AWS, no harness).
 */

/**
 * The two functions of a test runner the contract needs. vitest's, jest's
 * and `node:test`'s `describe` and `it` all fit: the kit imports none of them.
 */
export interface TestFunctions {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>): unknown;
}

/** A raw config the adapter must refuse, and the dotted field its error must name. */
export interface InvalidConfigCase {
  /** What `harness.config.json` would hold under `adapters.<name>`. */
  readonly config: unknown;
  /** The dotted field the error starts with, e.g. `adapters.ecs.families.RenderPdf.cpu`. */
  readonly field: string;
}

/** What the contract checks an adapter with. Only `config` is required. */
export interface AdapterContractOptions<TApi = unknown> {
  /**
   * A raw config the adapter accepts, as `harness.config.json` holds it under
   * `adapters.<name>`; best one that declares a double, so the template has
   * something in it.
   */
  readonly config: unknown;
  /** Configs the adapter must refuse, each with the field its error names (besides a list, and an unknown setting, which every adapter must refuse). */
  readonly invalidConfigs?: readonly InvalidConfigCase[];
  /** `Task` state resources the adapter's local integrations run (e.g. `arn:aws:states:::sqs:sendMessage`): each must be handled by exactly one. */
  readonly resources?: readonly string[];
  /**
   * Mocks one double with the adapter's API, as a test would (on a local fake
   * session). The contract then checks that it went through
   * `session.register`, and, when what it resolves with has `restore()`, that
   * restoring went through `session.unregister`.
   */
  readonly mock?: (api: TApi, session: FakeSession) => Promise<unknown>;
  /** The stack outputs an aws-target session gives `createApi` (what `harness deploy` leaves for `config`). Default `{}`. */
  readonly outputs?: Readonly<Record<string, string>>;
  /** The adapter runs on the local target only: `template()` must refuse with an error that says so and how to fix it. */
  readonly localOnly?: boolean;
}

/** {@link AdapterContractOptions} plus the runner's `describe` and `it`. */
export type DescribeAdapterContractOptions<TApi = unknown> = AdapterContractOptions<TApi> & TestFunctions;

/** One test of the contract: a title and a body that throws an {@link AdapterContractError} when the adapter breaks the rule. */
export interface AdapterContractCheck {
  readonly title: string;
  run(): Promise<void>;
}

/** The mock API an adapter's `createApi` returns. */
export type AdapterApiOf<TAdapter extends AnyAdapter> = ReturnType<TAdapter['createApi']>;

/** The stack name the contract builds templates for. */
export const CONTRACT_STACK = 'harness-contract';

/** A config key that no adapter has: a strict `parseConfig` refuses it (a typo in a setting must not pass silently). */
const UNKNOWN_SETTING = 'harnessContractUnknownSetting';
/** What a config that is not an object looks like: a list, the likely slip (`"ecs": ["RenderPdf"]`). */
const NOT_AN_OBJECT = ['harness-contract'];
const ADAPTER_NAME = /^[a-z][a-z0-9-]{0,49}$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Properties that break the harness object although the harness does not use them. */
/** Resources of a service no adapter owns: an integration that claims them would take other adapters' states. */
const FOREIGN_RESOURCES = [
  'arn:aws:states:::harness-contract:probe',
  'arn:aws:states:::harness-contract:probe.sync',
  'arn:aws:states:::harness-contract:probe.waitForTaskToken',
  'arn:aws:harness-contract:us-east-1:123456789012:probe:Probe',
];
/** Strings a `handles()` must answer without throwing. */
const ODD_RESOURCES = ['', 'not an ARN'];

/**
 * Registers the adapter contract's tests with the given test runner, in a
 * `describe('Adapter contract: <name>')` block. Put it in the adapter's own
 * unit suite. Each test fails with an {@link AdapterContractError} that names
 * the member, the rule and the fix.
 *
 * The kit imports no test runner, so it works under vitest, jest and
 * `node:test`: pass that runner's `describe` and `it`.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { describeAdapterContract } from '@harness/core/testing';
 * import { lambdaAdapter } from '@harness/lambda';
 *
 * describeAdapterContract(lambdaAdapter, {
 *   describe,
 *   it,
 *   config: { functions: { ChargeCard: {} } },
 *   invalidConfigs: [{ config: { functions: { ChargeCard: { memoryMb: 1 } } }, field: 'adapters.lambda.functions.ChargeCard.memoryMb' }],
 *   resources: ['arn:aws:states:::lambda:invoke'],
 *   mock: (api) => api.mockFunction('ChargeCard', () => ({ charged: true })),
 * });
 */
export function describeAdapterContract<TAdapter extends AnyAdapter>(
  adapter: TAdapter,
  options: DescribeAdapterContractOptions<AdapterApiOf<TAdapter>>,
): void {
  const { describe, it, ...contract } = options;
  const checks = adapterContractChecks(adapter, contract);
  describe(`Adapter contract: ${nameOf(adapter)}`, () => {
    for (const check of checks) it(check.title, () => check.run());
  });
}

/**
 * The contract's tests as a list, for a runner {@link describeAdapterContract}
 * does not fit: run each `check.run()` and report its title. Which tests
 * there are depends on the adapter (local integrations, `hasDoubles`) and the
 * options (`mock`, `resources`, `localOnly`).
 */
export function adapterContractChecks<TAdapter extends AnyAdapter>(
  adapter: TAdapter,
  options: AdapterContractOptions<AdapterApiOf<TAdapter>>,
): readonly AdapterContractCheck[] {
  const name = nameOf(adapter);
  const fail = (problem: string, fix: string, details: readonly string[] = [], cause?: unknown): never => {
    throw new AdapterContractError(name, problem, fix, details, cause === undefined ? undefined : { cause });
  };
  const call = <T>(what: string, action: () => T): T => {
    try {
      return action();
    } catch (error) {
      if (error instanceof AdapterContractError) throw error;
      return fail(`${what} threw ${describeError(error)}`, `make ${what} succeed for the config the contract is given`, [], error);
    }
  };
  const callAsync = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (error instanceof AdapterContractError) throw error;
      return fail(`${what} rejected with ${describeError(error)}`, `make ${what} succeed for the config the contract is given`, [], error);
    }
  };
  const checkProblems = (problems: readonly string[], what: string, fix: string): void => {
    if (problems.length > 0) fail(`${what} (${problems.length} problem${problems.length > 1 ? 's' : ''})`, fix, problems);
  };

  const parsed = once(() => {
    try {
      return adapter.parseConfig(options.config) as unknown;
    } catch (error) {
      return fail(
        `parseConfig refused the config the contract was given, ${show(options.config)}, with ${describeError(error)}`,
        `pass describeAdapterContract a config the adapter accepts, as harness.config.json holds it under adapters.${name}`,
        [],
        error,
      );
    }
  });
  const artifacts = once(async () => {
    const list: unknown = await callAsync('artifacts(config)', async () => adapter.artifacts(parsed()));
    if (!Array.isArray(list)) fail(`artifacts(config) resolved with ${show(list)}, not a list`, 'resolve with a list of artifacts ([] when there is nothing to upload)');
    return list as readonly Artifact[];
  });
  const templateContext = once(async (): Promise<TemplateContext> => {
    const list = await artifacts();
    return {
      stackName: CONTRACT_STACK,
      core: {
        routesTable: `${CONTRACT_STACK}-core-RoutesTable-1CONTRACT`,
        resultsTable: `${CONTRACT_STACK}-core-ResultsTable-2CONTRACT`,
        artifactsBucket: `${CONTRACT_STACK}-core-artifactsbucket-3contract`,
      },
      artifacts: Object.fromEntries(list.map((artifact) => [artifact.name, { key: artifact.key, sha256: artifact.sha256 }])),
    };
  });
  const template = once(async (): Promise<Record<string, unknown>> => {
    const context = await templateContext();
    const built: unknown = call('template(config, context)', () => adapter.template(parsed(), context));
    if (!isRecord(built)) fail(`template(config, context) returned ${show(built)}, not an object`, 'return the stack as a plain CloudFormationTemplate object');
    return built as Record<string, unknown>;
  });
  const withIntegrations = async (use: (integrations: readonly LocalServiceIntegration[], session: FakeSession) => void | Promise<void>): Promise<void> => {
    const session = createFakeSession();
    const created: unknown = call('localIntegrations(config, context)', () => adapter.localIntegrations?.(parsed(), session.context));
    if (!Array.isArray(created)) {
      fail(`localIntegrations(config, context) returned ${show(created)}, not a list`, 'return a list of LocalServiceIntegration objects');
    }
    const integrations = created as readonly LocalServiceIntegration[];
    try {
      await use(integrations, session);
    } finally {
      await Promise.allSettled(integrations.map((integration) => (typeof integration?.dispose === 'function' ? integration.dispose() : undefined)));
    }
  };

  const checks: AdapterContractCheck[] = [];
  const check = (title: string, run: () => void | Promise<void>): void => {
    checks.push({ title, run: async () => run() });
  };

  // ----- The adapter object -----

  check('is a TestDoubleAdapter: name, parseConfig, template, artifacts and createApi (apiName, hasDoubles and localIntegrations optional)', () => {
    const value = adapter as unknown;
    if (!isRecord(value)) return fail(`the adapter is ${show(value)}, not an object`, 'export the adapter object itself (the CLI looks for `harnessAdapter`)');
    const problems: string[] = [];
    if (typeof value.name !== 'string') problems.push(`name is ${show(value.name)}, not a string`);
    if (value.apiName !== undefined && typeof value.apiName !== 'string') problems.push(`apiName is ${show(value.apiName)}, not a string`);
    for (const member of ['parseConfig', 'template', 'artifacts', 'createApi']) {
      if (typeof value[member] !== 'function') problems.push(`${member} is ${show(value[member])}, not a function`);
    }
    for (const member of ['hasDoubles', 'localIntegrations']) {
      if (value[member] !== undefined && typeof value[member] !== 'function') problems.push(`${member} is ${show(value[member])}, not a function`);
    }
    if (options.localOnly && value.localIntegrations === undefined) {
      problems.push('localOnly was given, but the adapter has no localIntegrations: on the local target it would do nothing');
    }
    checkProblems(problems, 'the adapter object is not a TestDoubleAdapter', 'give it the members of TestDoubleAdapter from @harness/core');
  });

  check('has a name that works as the adapters.<name> key, the <stack>-<name> stack and the @harness/<name> package', () => {
    if (!ADAPTER_NAME.test(String(adapter.name))) {
      fail(
        `its name ${show(adapter.name)} is not 1-50 lowercase letters, digits and hyphens starting with a letter`,
        'name it as its package is named without the scope, e.g. "sqs" for @harness/sqs (harness.config.json refuses any other adapters.<name> key)',
      );
    }
  });

  check('adds a harness property (apiName, else name) that is an identifier the harness itself does not use', () => {
    const property = String(adapter.apiName ?? adapter.name);
    const source = adapter.apiName === undefined ? 'its name' : 'its apiName';
    if (HARNESS_PROPERTIES.has(property)) {
      fail(
        `${source} ${show(property)} is a property of the harness itself (${[...HARNESS_PROPERTIES].join(', ')}): createHarness refuses the adapter`,
        'give the adapter an apiName the harness does not use',
      );
    }
    const breaking = BREAKING_PROPERTIES.get(property);
    if (breaking !== undefined) fail(`${source} ${show(property)} cannot be a harness property: ${breaking}`, 'give the adapter another apiName');
    if (!IDENTIFIER.test(property)) {
      fail(
        `${source} ${show(property)} is not a JavaScript identifier, so tests could not write harness.${property}`,
        `give the adapter an apiName in camelCase (as stepFunctions is for stepfunctions)`,
      );
    }
  });

  // ----- parseConfig -----

  check('accepts the config it is given, without changing it', () => {
    const before = JSON.stringify(options.config);
    parsed();
    const after = JSON.stringify(options.config);
    if (before !== after) {
      fail(
        `parseConfig changed the raw config it was given (before: ${truncate(before ?? 'undefined')}, after: ${truncate(after ?? 'undefined')})`,
        'build a new object for the parsed config: the raw one belongs to harness.config.json, which every adapter and the CLI read',
      );
    }
  });

  const refuses = (raw: unknown, field: string, why: string): void => {
    let thrown: unknown;
    let accepted = false;
    try {
      adapter.parseConfig(raw);
      accepted = true;
    } catch (error) {
      thrown = error;
    }
    if (accepted) fail(`parseConfig accepted ${show(raw)}, ${why}`, `refuse it with an error whose message starts with "${field} " and ends with " To fix this, …"`);
    if (!(thrown instanceof Error)) return fail(`parseConfig(${show(raw)}) threw ${show(thrown)}, not an Error`, 'throw an Error (a ConfigError subclass is best)');
    if (!thrown.message.startsWith(`${field} `)) {
      fail(
        `parseConfig(${show(raw)}) refused it with "${thrown.message}", which does not start with the field ${field}`,
        `start the message with the dotted field and a space ("${field} must be …"): createHarness reports the field from there`,
      );
    }
    if (!thrown.message.includes(' To fix this, ')) {
      fail(`parseConfig(${show(raw)}) refused it with "${thrown.message}", which does not say how to fix it`, 'end the message with " To fix this, …"');
    }
    // What the user sees: core's adapterConfig rethrows it as an InvalidConfigError with the field it reads from the message.
    try {
      adapterConfig({ stack: CONTRACT_STACK, adapters: { [String(adapter.name)]: raw } }, adapter, 'the contract config');
    } catch (error) {
      const reported = (error as { field?: unknown }).field;
      if (reported !== field) {
        fail(
          `createHarness would report the bad field of ${show(raw)} as ${show(reported)}, not ${field} (it reads the field up to the first space of the message)`,
          'keep spaces out of the field path: name a bad key in the sentence, after the field of its parent',
        );
      }
    }
  };

  check(`refuses a config that is not an object, naming adapters.${name} and the fix`, () =>
    refuses(NOT_AN_OBJECT, `adapters.${name}`, 'which is not an object'),
  );

  if (isRecord(options.config)) {
    check('refuses a setting it does not know, naming it and the fix', () =>
      refuses({ ...options.config as Record<string, unknown>, [UNKNOWN_SETTING]: true }, `adapters.${name}.${UNKNOWN_SETTING}`, 'whose setting is not one of its own (a typo would pass silently)'),
    );
  }

  for (const invalid of options.invalidConfigs ?? []) {
    check(`refuses ${show(invalid.config)}, naming ${invalid.field} and the fix`, () => refuses(invalid.config, invalid.field, `which the test says it must refuse (naming ${invalid.field})`));
  }

  if (adapter.hasDoubles !== undefined) {
    check('says with hasDoubles(config) whether the aws target needs its stack (a boolean)', () => {
      const answer: unknown = call('hasDoubles(config)', () => adapter.hasDoubles?.(parsed()));
      if (typeof answer !== 'boolean') fail(`hasDoubles(config) returned ${show(answer)}, not a boolean`, 'return true when the config declares a double');
    });
  }

  // ----- artifacts -----

  check('declares artifacts with distinct names and content-addressed keys, whose SHA-256 matches their bytes', async () => {
    const list = await artifacts();
    const problems: string[] = [];
    const names = new Set<string>();
    const keys = new Set<string>();
    list.forEach((artifact, index) => {
      const at = `artifacts[${index}]`;
      if (!isRecord(artifact)) return void problems.push(`${at} is ${show(artifact)}, not an object`);
      const { name: artifactName, key, body, sha256, contentType } = artifact as Record<string, unknown>;
      if (typeof artifactName !== 'string' || artifactName === '') problems.push(`${at}.name is ${show(artifactName)}, not a name`);
      else if (names.has(artifactName)) problems.push(`${at}.name ${artifactName} is given twice: the template context has one entry per name`);
      else names.add(artifactName);
      if (typeof key !== 'string' || key === '' || key.startsWith('/')) problems.push(`${at}.key is ${show(key)}, not an S3 key`);
      else if (keys.has(key)) problems.push(`${at}.key ${key} is given twice`);
      else keys.add(key);
      if (!(body instanceof Uint8Array)) problems.push(`${at}.body is ${show(body)}, not bytes (a Uint8Array or Buffer)`);
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) problems.push(`${at}.sha256 is ${show(sha256)}, not a hex SHA-256`);
      else {
        if (body instanceof Uint8Array) {
          const actual = createHash('sha256').update(body).digest('hex');
          if (actual !== sha256) problems.push(`${at}.sha256 is ${sha256}, but its body hashes to ${actual} (harness deploy refuses it)`);
        }
        if (typeof key === 'string' && !key.includes(sha256)) {
          problems.push(`${at}.key ${key} does not contain its SHA-256: harness deploy skips a key already in the bucket, so changed bytes would never be uploaded`);
        }
      }
      if (typeof contentType !== 'string' || contentType === '') problems.push(`${at}.contentType is ${show(contentType)}, not a media type`);
    });
    checkProblems(problems, 'artifacts(config) declares artifacts harness deploy cannot upload', 'give each artifact a distinct name, a key that contains its SHA-256, its bytes, their hex SHA-256 and a content type');
  });

  // ----- template -----

  const templateFix = 'build the template from plain objects and core\'s template pieces (roleResource, inlinePolicy, refOutput, arnOutput…)';
  if (options.localOnly) {
    check('refuses to build a template, saying that it runs on the local target only and how to fix it', async () => {
      const context = await templateContext();
      let thrown: unknown;
      try {
        adapter.template(parsed(), context);
      } catch (error) {
        thrown = error;
      }
      if (thrown === undefined) fail('localOnly was given, but template(config, context) returned a template', 'drop localOnly, or throw an error that says the adapter runs on the local target only');
      if (!(thrown instanceof Error) || !thrown.message.includes(' To fix this, ')) {
        fail(`template(config, context) threw ${describeError(thrown)}, which does not say how to fix it`, 'throw a HarnessError that ends with " To fix this, …" (e.g. deploy the other adapters only)');
      }
    });
  } else {
    check('builds its template as plain JSON, with only the sections harness deploy can deploy (no Transform, every parameter with a default)', async () => {
      const built = await template();
      const problems = Object.entries(built).flatMap(([key, value]) => plainJsonProblems(value, key));
      problems.push(...sectionProblems(built));
      checkProblems(problems, 'template(config, context) is not a plain CloudFormation template', templateFix);
    });

    check('declares resources with alphanumeric logical ids and types CloudFormation creates without a transform or a nested stack', async () => {
      checkProblems(resourceProblems(await template()), 'template(config, context) declares resources harness deploy cannot create', templateFix);
    });

    check('uses only the intrinsic functions harness deploy can deploy, referring to its own resources, parameters and pseudo parameters', async () => {
      checkProblems(
        intrinsicProblems(await template()),
        'template(config, context) uses intrinsic functions harness deploy cannot deploy',
        'use Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split or Fn::Base64 on this template\'s own resources, and take core\'s names from the template context',
      );
    });

    check('declares outputs with alphanumeric keys and string values', async () => {
      checkProblems(
        outputProblems(await template(), CONTRACT_STACK),
        'template(config, context) declares outputs the harness cannot read',
        'give each output an alphanumeric key and a Value that is a string, a Ref or an Fn::GetAtt',
      );
    });

    check('stays within CloudFormation\'s quotas (500 resources, 200 outputs, 1 MB of JSON)', async () => {
      checkProblems(limitProblems(await template()), 'template(config, context) is over CloudFormation\'s quotas', 'split the doubles over fewer, shared resources');
    });

    check('builds the same template for the same config and context (harness deploy leaves an unchanged stack alone)', async () => {
      const first = await template();
      const context = await templateContext();
      const second: unknown = call('template(config, context)', () => adapter.template(parsed(), context));
      const difference = firstDifference(first, second, '');
      if (difference !== undefined) {
        fail(
          `template(config, context) built another template the second time (${difference})`,
          'build the template from the config and the context alone: no clock, no random ids, no state kept between calls',
        );
      }
    });
  }

  // ----- createApi -----

  const createdApi = (session: FakeSession): unknown => {
    const api: unknown = call(`createApi(session, config) on the ${session.target} target`, () => adapter.createApi(session, parsed()));
    if ((typeof api !== 'object' && typeof api !== 'function') || api === null) {
      fail(`createApi(session, config) returned ${show(api)}, not a mock API object`, `return the object tests reach as harness.${String(adapter.apiName ?? adapter.name)}`);
    }
    if (typeof (api as { then?: unknown }).then === 'function') {
      fail('createApi(session, config) returned a promise', 'return the mock API itself: createHarness puts the value on the harness as it is (do asynchronous work in the API\'s methods)');
    }
    if (session.registrations.length > 0 || session.messages.length > 0) {
      fail(
        `createApi(session, config) registered ${session.registrations.map((registration) => registration.double).join(', ')} while creating the API`,
        'register a double only when the test mocks it: routes are exclusive, so claiming them up front blocks other sessions',
      );
    }
    return api;
  };

  check('creates its mock API on the local target without claiming a route', () => {
    createdApi(createFakeSession());
  });

  if (!options.localOnly) {
    check('creates its mock API on the aws target, from its stack outputs, without claiming a route', () => {
      createdApi(createFakeSession({ target: 'aws', stackName: CONTRACT_STACK, outputs: options.outputs ?? {} }));
    });
  }

  const mock = options.mock;
  if (mock) {
    check(`registers each double it mocks through session.register as ${name}:<name>, and releases it through session.unregister`, async () => {
      const session = createFakeSession();
      const api = createdApi(session) as AdapterApiOf<TAdapter>;
      let result: unknown;
      try {
        result = await mock(api, session);
      } catch (error) {
        fail(`the mock function given to the contract threw ${describeError(error)}`, 'make it mock one double with the adapter\'s API', [], error);
      }
      const registered = session.registrations.filter((registration) => registration.action === 'register').map((registration) => registration.double);
      if (registered.length === 0) {
        fail('mocking a double registered nothing through session.register', 'register each mocked double with session.register(doubleId(name, double), handler): that is how invocations reach the test on either target');
      }
      const problems: string[] = [];
      for (const double of registered) {
        let kind: string | undefined;
        try {
          kind = parseDoubleId(double).kind;
        } catch {
          problems.push(`${show(double)} is not a double id (<kind>:<name>)`);
          continue;
        }
        if (kind !== name) problems.push(`${double} is not of kind ${name}: routes of every adapter share one table, so each adapter's doubles start with its own name`);
        if (parseDoubleId(double).name === '') problems.push(`${double} has no name after the kind`);
      }
      if (session.registrations.some((registration) => registration.action === 'unregister')) {
        problems.push(`mocking unregistered ${session.registrations.filter((r) => r.action === 'unregister').map((r) => r.double).join(', ')}`);
      }
      if (session.messages.length > 0) problems.push(`mocking dispatched ${session.messages.length} invocation(s): mocking only registers handlers`);
      checkProblems(problems, 'mocking a double did not register it as the contract expects', `register doubleId('${name}', <double name>) with session.register, and nothing else`);

      const restore = isRecord(result) || typeof result === 'function' ? (result as { restore?: unknown }).restore : undefined;
      if (typeof restore === 'function') {
        await (restore as () => Promise<void>).call(result);
        const released = session.registrations.filter((registration) => registration.action === 'unregister').map((registration) => registration.double);
        const kept = registered.filter((double) => !released.includes(double));
        if (kept.length > 0) {
          fail(`restore() did not release ${kept.join(', ')} through session.unregister`, 'call session.unregister(double) in restore() (RecordingMock does it with the release function it is given)');
        }
      }
    });
  }

  // ----- localIntegrations -----

  if (adapter.localIntegrations !== undefined) {
    check('gives local integrations, each with a distinct name, handles() and invoke(), without dispatching or registering anything', () =>
      withIntegrations((integrations, session) => {
        const problems: string[] = [];
        const names = new Set<string>();
        integrations.forEach((integration, index) => {
          const at = `localIntegrations[${index}]`;
          if (!isRecord(integration)) return void problems.push(`${at} is ${show(integration)}, not an object`);
          const integrationName = integration.name;
          if (typeof integrationName !== 'string' || integrationName === '') problems.push(`${at}.name is ${show(integrationName)}, not a name (errors name the integration)`);
          else if (names.has(integrationName)) problems.push(`${at}.name ${integrationName} is given twice`);
          else names.add(integrationName);
          if (typeof integration.handles !== 'function') problems.push(`${at}.handles is not a function`);
          if (typeof integration.invoke !== 'function') problems.push(`${at}.invoke is not a function`);
          if (integration.dispose !== undefined && typeof integration.dispose !== 'function') problems.push(`${at}.dispose is ${show(integration.dispose)}, not a function`);
        });
        if (session.messages.length > 0) problems.push(`creating them dispatched ${session.messages.length} invocation(s)`);
        if (session.registrations.length > 0) problems.push('creating them registered doubles');
        checkProblems(problems, 'localIntegrations(config, context) gives integrations the workflow driver cannot use', 'give each integration a distinct name, handles(resource) and invoke(task); start work in invoke(), not on creation');
      }),
    );

    check('answers handles(resource) with a boolean, the same every time, and claims no other service\'s resources', () =>
      withIntegrations((integrations) => {
        const problems: string[] = [];
        const probes = [...(options.resources ?? []), ...FOREIGN_RESOURCES, ...ODD_RESOURCES];
        for (const integration of integrations) {
          for (const resource of probes) {
            const answers: unknown[] = [];
            for (let round = 0; round < 2; round++) {
              try {
                answers.push(integration.handles(resource));
              } catch (error) {
                answers.push(`a throw (${describeError(error)})`);
              }
            }
            const [first, second] = answers;
            const probe = `${integration.name}.handles(${JSON.stringify(resource)})`;
            if (typeof first !== 'boolean') problems.push(`${probe} gave ${typeof first === 'string' ? first : show(first)}, not a boolean`);
            else if (first !== second) problems.push(`${probe} answered ${String(first)}, then ${String(second)}`);
            else if (first && (FOREIGN_RESOURCES.includes(resource) || ODD_RESOURCES.includes(resource))) {
              problems.push(`${probe} is true: the driver gives a state to the first integration that handles it, so this one would take other adapters' states`);
            }
          }
        }
        checkProblems(problems, 'handles(resource) does not answer as the workflow driver needs', 'answer true exactly for the resources the adapter runs, without throwing and without state');
      }),
    );

    const resources = options.resources ?? [];
    if (resources.length > 0) {
      check(`runs each of its resources in exactly one integration (${resources.length} resource${resources.length > 1 ? 's' : ''})`, () =>
        withIntegrations((integrations) => {
          const problems: string[] = [];
          for (const resource of resources) {
            const owners = integrations.filter((integration) => safely(() => integration.handles(resource)) === true).map((integration) => integration.name);
            if (owners.length === 0) problems.push(`no integration handles ${resource}`);
            else if (owners.length > 1) problems.push(`${resource} is handled by ${owners.join(' and ')}: only the first would ever run it`);
          }
          checkProblems(problems, 'the local integrations do not run the resources the test says the adapter owns', 'make exactly one integration handle each of them (or fix the resources given to the contract)');
        }),
      );
    }
  }

  return checks;
}

function nameOf(adapter: unknown): string {
  const name = isRecord(adapter) ? adapter.name : undefined;
  return typeof name === 'string' && name !== '' ? name : '(unnamed)';
}

/** Where two JSON values first differ, as a path and the two values; undefined when they are the same. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  const at = path === '' ? 'the template' : path;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${at} has ${a.length} entries, then ${b.length}`;
    for (let index = 0; index < a.length; index++) {
      const found = firstDifference(a[index], b[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(a[key], b[key], path === '' ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${at} was ${show(a)}, then ${show(b)}`;
}

function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}

/** A value as an error message names it: JSON when it has one, cut at 100 characters. */
function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (value instanceof Uint8Array) return `${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'bigint' || typeof value === 'symbol') return String(value);
  try {
    return truncate(JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

function truncate(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name} "${error.message}"` : show(error);
}
