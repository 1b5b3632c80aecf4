import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  arnOutput,
  ConfigError,
  createHarness,
  describeJsonValue,
  doubleId,
  inlinePolicy,
  isRecord,
  PROTOCOL_VERSION,
  roleResource,
  serviceRoleTrust,
  type AnyAdapter,
  type CloudFormationTemplate,
  type LocalIntegrationContext,
  type TestDoubleAdapter,
} from '../../src/index.js';
import {
  AdapterContractError,
  adapterContractChecks,
  createFakeSession,
  describeAdapterContract,
  FakeSessionError,
  type AdapterContractOptions,
} from '../../src/testing/index.js';

// ----- A well-behaved adapter, and broken variants of it -----

interface QueueConfig {
  readonly queues: readonly string[];
}
interface QueueApi {
  mockQueue(queue: string, handler?: (body: unknown) => unknown): Promise<{ restore(): Promise<void> }>;
}

const SEND_MESSAGE = 'arn:aws:states:::sqs:sendMessage';
const AGENT = new TextEncoder().encode('export default "agent";\n');
const AGENT_SHA256 = createHash('sha256').update(AGENT).digest('hex');

function queueAdapter(): TestDoubleAdapter<'queue', QueueConfig, QueueApi, 'queues'> {
  return {
    name: 'queue',
    apiName: 'queues',
    parseConfig(raw) {
      if (!isRecord(raw)) throw new ConfigError(`adapters.queue must be an object, not ${describeJsonValue(raw)}. To fix this, write {"queues": ["orders"]}.`);
      for (const key of Object.keys(raw)) {
        if (key !== 'queues') throw new ConfigError(`adapters.queue.${key} is not a queue adapter setting. To fix this, remove it, or use queues.`);
      }
      const queues = raw.queues ?? [];
      if (!Array.isArray(queues) || !queues.every((queue): queue is string => typeof queue === 'string')) {
        throw new ConfigError(`adapters.queue.queues must be a list of queue names, not ${describeJsonValue(queues)}. To fix this, write "queues": ["orders"].`);
      }
      return { queues };
    },
    template: (config, context) => ({
      AWSTemplateFormatVersion: '2010-09-09',
      Description: `harness ${context.stackName}: queue doubles`,
      Resources: {
        DoubleRole: roleResource('queue doubles', serviceRoleTrust('lambda.amazonaws.com'), [
          inlinePolicy('read-agent', [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:s3:::${context.core.artifactsBucket}/${context.artifacts.agent?.key}` } },
          ]),
        ]),
        ...Object.fromEntries(
          config.queues.map((queue) => [`Queue${queue}`, { Type: 'AWS::SQS::Queue', Properties: { QueueName: { 'Fn::Sub': `\${AWS::StackName}-${queue}` } } }]),
        ),
      },
      Outputs: { DoubleRoleArn: arnOutput('The role of the queue doubles', 'DoubleRole') },
    }),
    artifacts: async () => [{ name: 'agent', key: `agents/queue-agent-${AGENT_SHA256}.mjs`, body: AGENT, sha256: AGENT_SHA256, contentType: 'text/javascript' }],
    hasDoubles: (config) => config.queues.length > 0,
    createApi: (session) => ({
      async mockQueue(queue, handler = () => null) {
        const double = doubleId('queue', queue);
        await session.register(double, async ({ payload }) => handler(payload));
        return { restore: () => session.unregister(double) };
      },
    }),
    localIntegrations: () => [{ name: 'queue', handles: (resource) => resource === SEND_MESSAGE, invoke: async () => ({}) }],
  };
}

const CONTRACT: AdapterContractOptions<QueueApi> = {
  config: { queues: ['orders'] },
  invalidConfigs: [{ config: { queues: 'orders' }, field: 'adapters.queue.queues' }],
  resources: [SEND_MESSAGE],
  mock: (api) => api.mockQueue('orders'),
};

/** A variant of the queue adapter, typed loosely: the broken ones are what a JavaScript adapter, or a cast, could be. */
function broken(changes: Record<string, unknown>): AnyAdapter {
  return { ...queueAdapter(), ...changes } as AnyAdapter;
}

/** A variant whose template is `template` (a function of the good one). */
function withTemplate(change: (template: CloudFormationTemplate) => unknown): AnyAdapter {
  const good = queueAdapter();
  return broken({ template: (config: QueueConfig, context: Parameters<typeof good.template>[1]) => change(good.template(config, context)) });
}

/** The message of the contract check whose title starts with `title`; fails the test when the check passes. */
async function failureOf(adapter: AnyAdapter, title: string, options: AdapterContractOptions<QueueApi> = CONTRACT): Promise<string> {
  const check = adapterContractChecks(adapter, options).find((candidate) => candidate.title.startsWith(title));
  if (!check) throw new Error(`no contract check starts with "${title}"`);
  const error = await check.run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AdapterContractError);
  return (error as AdapterContractError).message;
}

// ----- The fake session -----

describe('Function: createFakeSession', () => {
  it('is a local session named s-test on the stack local, with no outputs and no integrations, by default', () => {
    // Act
    const session = createFakeSession();

    // Assert
    expect({ id: session.id, stackName: session.stackName, target: session.target, outputs: session.outputs }).toEqual({
      id: 's-test',
      stackName: 'local',
      target: 'local',
      outputs: {},
    });
    expect(session.integrations()).toEqual([]);
    expect(createFakeSession({ target: 'aws', outputs: { QueueArn: 'arn' } })).toMatchObject({ stackName: 'harness-test', outputs: { QueueArn: 'arn' } });
  });

  it('keeps the registered handlers and records every register and unregister, in order', async () => {
    // Arrange
    const session = createFakeSession();
    const handle = async () => 1;

    // Act
    await session.register('queue:orders', handle);
    await session.register('queue:refunds', handle);
    await session.unregister('queue:orders');

    // Assert
    expect([...session.handlers.keys()]).toEqual(['queue:refunds']);
    expect(session.registrations).toEqual([
      { action: 'register', double: 'queue:orders' },
      { action: 'register', double: 'queue:refunds' },
      { action: 'unregister', double: 'queue:orders' },
    ]);
    expect(session.isMocked('queue:refunds')).toBe(true);
    expect(session.context.isMocked('queue:orders')).toBe(false);
  });

  it('answers through its context as core\'s local session answers: a value, a thrown error, or NotMockedError', async () => {
    // Arrange
    const session = createFakeSession();
    const probe = await localHarnessContext();
    const message = (double: string) => ({ v: PROTOCOL_VERSION, invocationId: 'i-1', double, session: session.id, payload: { n: 1 }, sentAt: '2026-01-01T00:00:00.000Z' });
    await session.register('queue:orders', async ({ payload }) => payload);
    await session.register('queue:refunds', async () => {
      throw new RangeError('no refunds today');
    });

    // Act
    const ok = await session.context.dispatch(message('queue:orders'));
    const failed = await session.context.dispatch(message('queue:refunds'));
    const unmocked = await session.context.dispatch(message('queue:nobody'));
    const fromCore = await probe.context.dispatch({ ...message('queue:nobody'), session: probe.session });

    // Assert
    expect(ok).toEqual({ status: 'ok', value: { n: 1 } });
    expect(failed).toMatchObject({ status: 'error', error: { name: 'RangeError', message: 'no refunds today', stack: expect.stringContaining('RangeError') } });
    expect(unmocked).toEqual({
      status: 'error',
      error: { name: 'NotMockedError', message: 'session s-test has no mock for queue:nobody (it was unregistered or the session is closing)' },
    });
    expect(fromCore).toEqual({
      status: 'error',
      error: { name: 'NotMockedError', message: `session ${probe.session} has no mock for queue:nobody (it was unregistered or the session is closing)` },
    });
    expect(session.messages.map(({ double }) => double)).toEqual(['queue:orders', 'queue:refunds', 'queue:nobody']);
    await probe.close();
  });

  it('invokes a handler as a double reaches it: resolves with its value, rejects with its error', async () => {
    // Arrange
    const session = createFakeSession({ id: 's-1' });
    await session.register('queue:orders', async (message) => message);
    await session.register('queue:refunds', async () => {
      throw new Error('declined');
    });

    // Act
    const first = await session.invoke('queue:orders', { body: 'a' }, { sentAt: '2026-11-25T00:00:00.000Z' });
    const second = (await session.invoke('queue:orders', null)) as { invocationId: string };
    const rejected = session.invoke('queue:refunds', null);

    // Assert
    expect(first).toEqual({ v: PROTOCOL_VERSION, invocationId: 'i-1', double: 'queue:orders', session: 's-1', payload: { body: 'a' }, sentAt: '2026-11-25T00:00:00.000Z' });
    expect(second.invocationId).toBe('i-2');
    await expect(rejected).rejects.toThrow('declined');
  });

  it('refuses to invoke a double nobody mocked, listing the ones that are', async () => {
    // Arrange
    const session = createFakeSession();
    await session.register('queue:orders', async () => null);

    // Act
    const error = await session.invoke('queue:refunds', null).catch((thrown: unknown) => thrown);

    // Assert
    expect(error).toBeInstanceOf(FakeSessionError);
    expect((error as Error).message).toMatchInlineSnapshot(`"Fake session s-test has no handler for queue:refunds (registered: queue:orders). To fix this, mock the double with the adapter's API before invoking it, and check the double id (<kind>:<name>)."`);
  });

  it('builds integrations from its own context, so they reach its handlers', async () => {
    // Arrange
    let given: LocalIntegrationContext | undefined;
    const session = createFakeSession({
      integrations: (context) => {
        given = context;
        return [{ name: 'queue', handles: () => true, invoke: () => context.dispatch({ v: PROTOCOL_VERSION, invocationId: 'i-9', double: 'queue:orders', session: context.session, payload: 'hi', sentAt: '' }) }];
      },
    });
    await session.register('queue:orders', async ({ payload }) => `got ${String(payload)}`);

    // Act
    const result = await session.integrations()[0]?.invoke({} as never);

    // Assert
    expect(given).toBe(session.context);
    expect(result).toEqual({ status: 'ok', value: 'got hi' });
  });
});

/** A real local harness's integration context (core's own session), to compare the fake's answers with. */
async function localHarnessContext(): Promise<{ context: LocalIntegrationContext; session: string; close(): Promise<void> }> {
  let context: LocalIntegrationContext | undefined;
  const adapter: TestDoubleAdapter<'probe', null, null> = {
    name: 'probe',
    parseConfig: () => null,
    template: () => {
      throw new Error('not deployed in these tests');
    },
    artifacts: async () => [],
    createApi: () => null,
    localIntegrations: (_config, given) => {
      context = given;
      return [];
    },
  };
  const harness = await createHarness({ adapters: [adapter], config: {} });
  if (!context) throw new Error('the harness gave no context');
  return { context, session: harness.session, close: () => harness.close() };
}

// ----- The contract -----

describeAdapterContract(queueAdapter(), { describe, it, ...CONTRACT });

describeAdapterContract(
  { ...queueAdapter(), template: () => { throw new ConfigError('Queue doubles run on the local target only. To fix this, deploy the other adapters.'); } },
  { describe, it, config: { queues: [] }, localOnly: true },
);

describe('Function: describeAdapterContract', () => {
  it('registers one describe named after the adapter, with a test per rule that applies to it', () => {
    // Arrange
    const titles: string[] = [];
    const suites: string[] = [];

    // Act
    describeAdapterContract(queueAdapter(), {
      ...CONTRACT,
      describe: (name, body) => {
        suites.push(name);
        body();
      },
      it: (name) => titles.push(name),
    });

    // Assert
    expect(suites).toEqual(['Adapter contract: queue']);
    expect(titles).toMatchInlineSnapshot(`
      [
        "is a TestDoubleAdapter: name, parseConfig, template, artifacts and createApi (apiName, hasDoubles and localIntegrations optional)",
        "has a name that works as the adapters.<name> key, the <stack>-<name> stack and the @harness/<name> package",
        "adds a harness property (apiName, else name) that is an identifier the harness itself does not use",
        "accepts the config it is given, without changing it",
        "refuses a config that is not an object, naming adapters.queue and the fix",
        "refuses a setting it does not know, naming it and the fix",
        "refuses {"queues":"orders"}, naming adapters.queue.queues and the fix",
        "says with hasDoubles(config) whether the aws target needs its stack (a boolean)",
        "declares artifacts with distinct names and content-addressed keys, whose SHA-256 matches their bytes",
        "builds its template as plain JSON, with only the sections harness deploy can deploy (no Transform, every parameter with a default)",
        "declares resources with alphanumeric logical ids and types CloudFormation creates without a transform or a nested stack",
        "uses only the intrinsic functions harness deploy can deploy, referring to its own resources, parameters and pseudo parameters",
        "declares outputs with alphanumeric keys and string values",
        "stays within CloudFormation's quotas (500 resources, 200 outputs, 1 MB of JSON)",
        "builds the same template for the same config and context (harness deploy leaves an unchanged stack alone)",
        "creates its mock API on the local target without claiming a route",
        "creates its mock API on the aws target, from its stack outputs, without claiming a route",
        "registers each double it mocks through session.register as queue:<name>, and releases it through session.unregister",
        "gives local integrations, each with a distinct name, handles() and invoke(), without dispatching or registering anything",
        "answers handles(resource) with a boolean, the same every time, and claims no other service's resources",
        "runs each of its resources in exactly one integration (1 resource)",
      ]
    `);
  });

  it('leaves out the tests of what the adapter does not have or the options do not give', () => {
    // Arrange
    const { hasDoubles: _hasDoubles, localIntegrations: _localIntegrations, ...awsOnly } = queueAdapter();

    // Act
    const titles = adapterContractChecks(awsOnly, { config: ['not', 'an', 'object'] }).map((check) => check.title);

    // Assert
    const optional = ['says with hasDoubles', 'refuses a setting', 'registers each double', 'gives local integrations', 'answers handles', 'runs each of its resources'];
    expect(titles.filter((title) => optional.some((start) => title.startsWith(start)))).toEqual([]);
    expect(titles).toHaveLength(14);
  });
});

describe('Function: adapterContractChecks', () => {
  describe('Rule: the adapter object', () => {
    it('refuses an object without the members of TestDoubleAdapter, listing each', async () => {
      expect(await failureOf(broken({ template: undefined, localIntegrations: 'queue' }), 'is a TestDoubleAdapter')).toMatchInlineSnapshot(`
        "Adapter queue: the adapter object is not a TestDoubleAdapter (2 problems). To fix this, give it the members of TestDoubleAdapter from @harness/core.
          - template is undefined, not a function
          - localIntegrations is "queue", not a function"
      `);
    });

    it('refuses a name that cannot be the adapters.<name> key', async () => {
      expect(await failureOf(broken({ name: 'Queue' }), 'has a name')).toMatchInlineSnapshot(`"Adapter Queue: its name "Queue" is not 1-50 lowercase letters, digits and hyphens starting with a letter. To fix this, name it as its package is named without the scope, e.g. "sqs" for @harness/sqs (harness.config.json refuses any other adapters.<name> key)."`);
    });

    it.each([
      ['close', /is a property of the harness itself \(session, stack, target, dropped, close, resetMocks\)/],
      ['then', /`await createHarness\(…\)` would wait on the mock API/],
      ['my-queues', /is not a JavaScript identifier/],
    ])('refuses the harness property %s', async (apiName, expected) => {
      expect(await failureOf(broken({ apiName }), 'adds a harness property')).toMatch(expected);
    });
  });

  describe('Rule: parseConfig', () => {
    it('refuses a parseConfig that accepts anything', async () => {
      expect(await failureOf(broken({ parseConfig: () => ({ queues: [] }) }), 'refuses a config that is not an object')).toMatchInlineSnapshot(`"Adapter queue: parseConfig accepted ["harness-contract"], which is not an object. To fix this, refuse it with an error whose message starts with "adapters.queue " and ends with " To fix this, …"."`);
    });

    it('refuses an error that does not start with the field, or says no fix', async () => {
      const unnamed = broken({ parseConfig: () => { throw new Error('bad config. To fix this, fix it.'); } });
      const noFix = broken({ parseConfig: () => { throw new Error('adapters.queue is bad'); } });

      expect(await failureOf(unnamed, 'refuses a config that is not an object')).toMatch(/which does not start with the field adapters.queue/);
      expect(await failureOf(noFix, 'refuses a config that is not an object')).toMatch(/which does not say how to fix it/);
    });

    it('refuses a field path with a space, which createHarness would cut', async () => {
      const spaced = broken({
        parseConfig: (raw: unknown) => {
          if (isRecord(raw) && isRecord(raw.queues)) throw new Error('adapters.queue.queues.Bad Name is not a queue name. To fix this, rename it.');
          return queueAdapter().parseConfig(raw);
        },
      });

      const message = await failureOf(spaced, 'refuses {"queues":{"Bad Name":{}}}', { config: { queues: [] }, invalidConfigs: [{ config: { queues: { 'Bad Name': {} } }, field: 'adapters.queue.queues.Bad Name' }] });

      expect(message).toMatchInlineSnapshot(`"Adapter queue: createHarness would report the bad field of {"queues":{"Bad Name":{}}} as "adapters.queue.queues.Bad", not adapters.queue.queues.Bad Name (it reads the field up to the first space of the message). To fix this, keep spaces out of the field path: name a bad key in the sentence, after the field of its parent."`);
    });

    it('refuses a parseConfig that ignores settings it does not know', async () => {
      const lenient = broken({ parseConfig: (raw: unknown) => (isRecord(raw) ? { queues: raw.queues ?? [] } : queueAdapter().parseConfig(raw)) });

      expect(await failureOf(lenient, 'refuses a setting it does not know')).toMatch(/accepted \{"queues":\["orders"\],"harnessContractUnknownSetting":true\}/);
    });

    it('refuses a parseConfig that changes the raw config', async () => {
      const mutating = broken({
        parseConfig: (raw: { queues: string[] }) => {
          raw.queues.sort().push('dead-letter');
          return raw;
        },
      });

      expect(await failureOf(mutating, 'accepts the config', { config: { queues: ['orders'] } })).toMatch(/parseConfig changed the raw config it was given \(before: \{"queues":\["orders"\]\}, after: \{"queues":\["orders","dead-letter"\]\}\)/);
    });

    it('says so when the config the test gives is refused', async () => {
      expect(await failureOf(queueAdapter(), 'accepts the config', { config: { queues: 'orders' } })).toMatchInlineSnapshot(`"Adapter queue: parseConfig refused the config the contract was given, {"queues":"orders"}, with ConfigError "adapters.queue.queues must be a list of queue names, not "orders". To fix this, write "queues": ["orders"].". To fix this, pass describeAdapterContract a config the adapter accepts, as harness.config.json holds it under adapters.queue."`);
    });
  });

  describe('Rule: artifacts', () => {
    it('lists each artifact that harness deploy would refuse or never update', async () => {
      const artifacts = async () => [
        { name: 'agent', key: 'agents/queue-agent.mjs', body: AGENT, sha256: AGENT_SHA256, contentType: 'text/javascript' },
        { name: 'agent', key: `agents/${'0'.repeat(64)}`, body: AGENT, sha256: '0'.repeat(64), contentType: '' },
      ];

      expect(await failureOf(broken({ artifacts }), 'declares artifacts')).toMatchInlineSnapshot(`
        "Adapter queue: artifacts(config) declares artifacts harness deploy cannot upload (4 problems). To fix this, give each artifact a distinct name, a key that contains its SHA-256, its bytes, their hex SHA-256 and a content type.
          - artifacts[0].key agents/queue-agent.mjs does not contain its SHA-256: harness deploy skips a key already in the bucket, so changed bytes would never be uploaded
          - artifacts[1].name agent is given twice: the template context has one entry per name
          - artifacts[1].sha256 is 0000000000000000000000000000000000000000000000000000000000000000, but its body hashes to 6a7118c08fd5c81f6638c5d155711cddc983288bc696f9fe998835393bf53853 (harness deploy refuses it)
          - artifacts[1].contentType is "", not a media type"
      `);
    });
  });

  describe('Rule: template', () => {
    it('refuses values that are not JSON, and sections harness deploy cannot deploy', async () => {
      const adapter = withTemplate((template) => ({
        ...template,
        Transform: 'AWS::Serverless-2016-10-31',
        Parameters: { Memory: { Type: 'Number' } },
        Outputs: { ...template.Outputs, Created: { Value: new Date(0) }, Size: { Value: Number.NaN }, Note: { Value: undefined } },
      }));

      expect(await failureOf(adapter, 'builds its template as plain JSON')).toMatchInlineSnapshot(`
        "Adapter queue: template(config, context) is not a plain CloudFormation template (5 problems). To fix this, build the template from plain objects and core's template pieces (roleResource, inlinePolicy, refOutput, arnOutput…).
          - Outputs.Created.Value is a Date, not a plain object
          - Outputs.Size.Value is NaN, which JSON writes as null
          - Outputs.Note.Value is undefined, which JSON leaves out
          - Transform is a macro: harness deploy passes no CAPABILITY_AUTO_EXPAND, so CloudFormation refuses the stack
          - Parameters.Memory has no Default: harness deploy passes no parameter values, so the stack would not create"
      `);
    });

    it('refuses resources harness deploy cannot create', async () => {
      const adapter = withTemplate((template) => ({
        ...template,
        Resources: {
          ...template.Resources,
          'Queue-orders': { Type: 'AWS::SQS::Queue' },
          Api: { Type: 'AWS::Serverless::Function', Properties: {} },
          Child: { Type: 'AWS::CloudFormation::Stack', Condition: 'IsProd', DependsOn: ['Nowhere'] },
        },
      }));

      expect(await failureOf(adapter, 'declares resources')).toMatchInlineSnapshot(`
        "Adapter queue: template(config, context) declares resources harness deploy cannot create (5 problems). To fix this, build the template from plain objects and core's template pieces (roleResource, inlinePolicy, refOutput, arnOutput…).
          - Resources.Queue-orders: the logical id is not 1-255 letters and digits
          - Resources.Api.Type is AWS::Serverless::Function, which needs the AWS::Serverless transform (a macro harness deploy cannot run)
          - Resources.Child.Type is a nested stack, whose child template harness deploy does not upload
          - Resources.Child.Condition is not an attribute of CloudFormationResource (Type, Properties, DependsOn, DeletionPolicy, UpdateReplacePolicy)
          - Resources.Child.DependsOn names "Nowhere", which is not a resource of the template"
      `);
    });

    it('refuses intrinsic functions harness deploy cannot deploy, and references to what the template does not have', async () => {
      const adapter = withTemplate((template) => ({
        ...template,
        Resources: {
          ...template.Resources,
          Queue: {
            Type: 'AWS::SQS::Queue',
            Properties: {
              QueueName: { 'Fn::ImportValue': 'routes-table' },
              Tags: [
                { Key: 'a', Value: { Ref: 'Bucket' } },
                { Key: 'b', Value: { 'Fn::GetAtt': ['Bucket', 'Arn'] } },
                { Key: 'c', Value: { 'Fn::Sub': ['${Role.Arn}/${Queue}/${Missing}/${!Literal}/${Name}', { Name: 'x' }] } },
                { Key: 'd', Value: { 'Fn::If': ['IsProd', 'a', 'b'] } },
                { Key: 'e', Value: { Ref: 'AWS::Region', Extra: 1 } },
              ],
            },
          },
        },
      }));

      expect(await failureOf(adapter, 'uses only the intrinsic functions')).toMatchInlineSnapshot(`
        "Adapter queue: template(config, context) uses intrinsic functions harness deploy cannot deploy (7 problems). To fix this, use Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split or Fn::Base64 on this template's own resources, and take core's names from the template context.
          - Resources.Queue.Properties.QueueName uses Fn::ImportValue, which harness deploy cannot deploy: it is a cross-stack import: the core names come in the template context, and an import would pin the exporting stack
          - Resources.Queue.Properties.Tags[0].Value.Ref names Bucket, which is not a resource, parameter or pseudo parameter of the template
          - Resources.Queue.Properties.Tags[1].Value.Fn::GetAtt names Bucket, which is not a resource of the template
          - Resources.Queue.Properties.Tags[2].Value.Fn::Sub refers to \${Role.Arn}, which is not a resource, parameter, pseudo parameter or Fn::Sub variable of the template
          - Resources.Queue.Properties.Tags[2].Value.Fn::Sub refers to \${Missing}, which is not a resource, parameter, pseudo parameter or Fn::Sub variable of the template
          - Resources.Queue.Properties.Tags[3].Value uses Fn::If, which harness deploy cannot deploy: it is a condition, and harness templates have no Conditions section
          - Resources.Queue.Properties.Tags[4].Value has Ref, Extra: an intrinsic function must be the only key of its object"
      `);
    });

    it('refuses outputs the harness cannot read', async () => {
      const adapter = withTemplate((template) => ({
        ...template,
        Outputs: {
          'Role-Arn': { Value: 'x' },
          Names: { Value: ['a', 'b'] },
          Shared: { Value: 'x', Export: { Name: 'harness-routes' } },
        },
      }));

      expect(await failureOf(adapter, 'declares outputs')).toMatchInlineSnapshot(`
        "Adapter queue: template(config, context) declares outputs the harness cannot read (3 problems). To fix this, give each output an alphanumeric key and a Value that is a string, a Ref or an Fn::GetAtt.
          - Outputs.Role-Arn: the output key is not 1-255 letters and digits
          - Outputs.Names.Value is ["a","b"]: an output's value is a string or an intrinsic function
          - Outputs.Shared.Export.Name is "harness-routes": export names are unique per region, so it must include the stack name (two harness stacks would collide)"
      `);
    });

    it('refuses a template over CloudFormation\'s quotas', async () => {
      const adapter = withTemplate((template) => ({
        ...template,
        Resources: Object.fromEntries(Array.from({ length: 501 }, (_, index) => [`Queue${index}`, { Type: 'AWS::SQS::Queue' }])),
      }));

      expect(await failureOf(adapter, 'stays within')).toMatch(/Resources has 501 entries; CloudFormation allows 500/);
    });

    it('refuses a template that changes from one call to the next', async () => {
      let calls = 0;
      const adapter = withTemplate((template) => ({ ...template, Description: `built ${++calls}` }));

      expect(await failureOf(adapter, 'builds the same template')).toMatchInlineSnapshot(`"Adapter queue: template(config, context) built another template the second time (Description was "built 1", then "built 2"). To fix this, build the template from the config and the context alone: no clock, no random ids, no state kept between calls."`);
    });

    it('refuses, for a local-only adapter, a template() that builds a template or says no fix', async () => {
      const options = { config: { queues: [] }, localOnly: true };
      const silent = broken({ template: () => { throw new Error('no'); } });

      expect(await failureOf(queueAdapter(), 'refuses to build a template', options)).toMatch(/localOnly was given, but template\(config, context\) returned a template/);
      expect(await failureOf(silent, 'refuses to build a template', options)).toMatch(/threw Error "no", which does not say how to fix it/);
    });
  });

  describe('Rule: createApi', () => {
    it('refuses an API that claims routes when it is created', async () => {
      const eager = broken({
        createApi: (session: { register(double: string, handle: () => Promise<null>): Promise<void> }) => {
          void session.register('queue:orders', async () => null);
          return {};
        },
      });

      expect(await failureOf(eager, 'creates its mock API on the local target')).toMatchInlineSnapshot(`"Adapter queue: createApi(session, config) registered queue:orders while creating the API. To fix this, register a double only when the test mocks it: routes are exclusive, so claiming them up front blocks other sessions."`);
    });

    it('refuses an asynchronous createApi', async () => {
      expect(await failureOf(broken({ createApi: async () => ({}) }), 'creates its mock API on the aws target')).toMatch(/createApi\(session, config\) returned a promise/);
    });

    it('refuses doubles of another kind, and a restore() that keeps the route', async () => {
      const stray = broken({
        createApi: (session: { register(double: string, handle: () => Promise<null>): Promise<void> }) => ({
          async mockQueue(queue: string) {
            await session.register(`sqs:${queue}`, async () => null);
            return { restore: async () => {} };
          },
        }),
      });
      const leaky = broken({
        createApi: (session: { register(double: string, handle: () => Promise<null>): Promise<void> }) => ({
          async mockQueue(queue: string) {
            await session.register(`queue:${queue}`, async () => null);
            return { restore: async () => {} };
          },
        }),
      });

      expect(await failureOf(stray, 'registers each double')).toMatchInlineSnapshot(`
        "Adapter queue: mocking a double did not register it as the contract expects (1 problem). To fix this, register doubleId('queue', <double name>) with session.register, and nothing else.
          - sqs:orders is not of kind queue: routes of every adapter share one table, so each adapter's doubles start with its own name"
      `);
      expect(await failureOf(leaky, 'registers each double')).toMatchInlineSnapshot(`"Adapter queue: restore() did not release queue:orders through session.unregister. To fix this, call session.unregister(double) in restore() (RecordingMock does it with the release function it is given)."`);
    });
  });

  describe('Rule: localIntegrations', () => {
    it('refuses integrations without a distinct name, handles() or invoke()', async () => {
      const adapter = broken({
        localIntegrations: () => [
          { name: 'queue', handles: () => false, invoke: async () => null },
          { name: 'queue', handles: true },
        ],
      });

      expect(await failureOf(adapter, 'gives local integrations')).toMatchInlineSnapshot(`
        "Adapter queue: localIntegrations(config, context) gives integrations the workflow driver cannot use (3 problems). To fix this, give each integration a distinct name, handles(resource) and invoke(task); start work in invoke(), not on creation.
          - localIntegrations[1].name queue is given twice
          - localIntegrations[1].handles is not a function
          - localIntegrations[1].invoke is not a function"
      `);
    });

    it('refuses a handles() that takes everything, throws, or changes its mind', async () => {
      let flips = 0;
      const adapter = broken({
        localIntegrations: () => [
          { name: 'greedy', handles: () => true, invoke: async () => null },
          {
            name: 'fragile',
            handles: (resource: string) => {
              if (resource === '') throw new TypeError('empty resource');
              return resource === SEND_MESSAGE && ++flips === 1;
            },
            invoke: async () => null,
          },
        ],
      });

      const message = await failureOf(adapter, 'answers handles(resource)');

      expect(message.split('\n').slice(0, 4)).toMatchInlineSnapshot(`
        [
          "Adapter queue: handles(resource) does not answer as the workflow driver needs (8 problems). To fix this, answer true exactly for the resources the adapter runs, without throwing and without state.",
          "  - greedy.handles("arn:aws:states:::harness-contract:probe") is true: the driver gives a state to the first integration that handles it, so this one would take other adapters' states",
          "  - greedy.handles("arn:aws:states:::harness-contract:probe.sync") is true: the driver gives a state to the first integration that handles it, so this one would take other adapters' states",
          "  - greedy.handles("arn:aws:states:::harness-contract:probe.waitForTaskToken") is true: the driver gives a state to the first integration that handles it, so this one would take other adapters' states",
        ]
      `);
      expect(message).toContain('fragile.handles("") gave a throw (TypeError "empty resource"), not a boolean');
      expect(message).toContain('fragile.handles("arn:aws:states:::sqs:sendMessage") answered true, then false');
    });

    it('refuses resources no integration, or two, handle', async () => {
      const adapter = broken({
        localIntegrations: () => [
          { name: 'queue', handles: (resource: string) => resource.startsWith(SEND_MESSAGE), invoke: async () => null },
          { name: 'queue-again', handles: (resource: string) => resource === SEND_MESSAGE, invoke: async () => null },
        ],
      });

      const message = await failureOf(adapter, 'runs each of its resources', { ...CONTRACT, resources: [SEND_MESSAGE, 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'arn:aws:states:::sqs:receiveMessage'] });

      expect(message).toMatchInlineSnapshot(`
        "Adapter queue: the local integrations do not run the resources the test says the adapter owns (2 problems). To fix this, make exactly one integration handle each of them (or fix the resources given to the contract).
          - arn:aws:states:::sqs:sendMessage is handled by queue and queue-again: only the first would ever run it
          - no integration handles arn:aws:states:::sqs:receiveMessage"
      `);
    });

    it('disposes the integrations it creates', async () => {
      let disposed = 0;
      const adapter = broken({ localIntegrations: () => [{ name: 'queue', handles: () => false, invoke: async () => null, dispose: async () => void disposed++ }] });

      for (const check of adapterContractChecks(adapter, { config: { queues: [] } })) await check.run().catch(() => undefined);

      expect(disposed).toBe(2);
    });
  });
});
