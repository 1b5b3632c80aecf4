import type { AdapterNames } from './adapter-names.js';

/**
 * The package `harness new adapter <name>` writes: a working adapter skeleton
 * (config, a template with one resource, a mock API, a local integration), its
 * tests on `@harness/core/testing`, and what builds and checks it. Pure: the
 * handler writes the files.
 */

/** The guide the generated files point to. */
export const ADAPTER_GUIDE_URL = 'https://github.com/harness-dev/harness/blob/main/docs/adapters.md';

/**
 * The generated package's dev tools, as the harness repository pins them (a unit
 * test keeps them in step with its root package.json).
 */
export const SCAFFOLD_DEV_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@types/node': '^20.19.0',
  typescript: '^5.9.3',
  vitest: '^4.1.10',
};

/** One file of the generated package: its path inside the package, with `/`, and its text. */
export interface ScaffoldFile {
  readonly path: string;
  readonly content: string;
}

/** What the package is rendered from. */
export interface AdapterPackageOptions {
  readonly names: AdapterNames;
  /** The `@harness/core` range of its peer and dev dependency, e.g. `^0.1.0`. */
  readonly coreRange: string;
  /** Where it is written, as the user would name it from the project root: `./adapters/widgets`. */
  readonly location: string;
}

/**
 * The files of a new adapter package, in the order they are listed to the user.
 *
 * @example
 * adapterPackageFiles({ names: adapterNames('widgets'), coreRange: '^0.1.0' }).map((file) => file.path);
 * // ['package.json', 'tsconfig.json', 'tsconfig.build.json', '.gitignore', 'README.md', 'src/index.ts', 'tests/adapter.test.ts']
 */
export function adapterPackageFiles(options: AdapterPackageOptions): ScaffoldFile[] {
  const { names } = options;
  return [
    { path: 'package.json', content: packageJson(options) },
    { path: 'tsconfig.json', content: json(TSCONFIG) },
    { path: 'tsconfig.build.json', content: json(TSCONFIG_BUILD) },
    { path: '.gitignore', content: 'node_modules/\ndist/\n' },
    { path: 'README.md', content: readme(names, options.location) },
    { path: 'src/index.ts', content: adapterSource(names) },
    { path: 'tests/adapter.test.ts', content: adapterTests(names) },
  ];
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function packageJson({ names, coreRange }: AdapterPackageOptions): string {
  return json({
    name: names.packageName,
    version: '0.1.0',
    private: true,
    description: `A harness adapter: ${names.name} test doubles.`,
    type: 'module',
    engines: { node: '>=20.19' },
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist'],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc -p tsconfig.json',
      test: 'vitest run',
    },
    peerDependencies: { '@harness/core': coreRange },
    devDependencies: { '@harness/core': coreRange, ...SCAFFOLD_DEV_DEPENDENCIES },
  });
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023', 'ESNext.Disposable'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true,
  },
  include: ['src', 'tests'],
};

const TSCONFIG_BUILD = {
  extends: './tsconfig.json',
  compilerOptions: { noEmit: false, rootDir: 'src', outDir: 'dist', declaration: true, sourceMap: true },
  include: ['src'],
};

function adapterSource(n: AdapterNames): string {
  const typeArguments = `'${n.name}', ${n.pascal}Config, ${n.pascal}MockApi${n.needsApiName ? `, '${n.property}'` : ''}`;
  return `/**
 * The harness adapter ${n.name}, as \`npx harness new adapter ${n.name}\` wrote it: a skeleton
 * whose doubles run on the local target, and whose stack deploys, without a deployed double yet.
 * Make it yours where a comment starts with "Your adapter:".
 * The guide: ${ADAPTER_GUIDE_URL}
 */
import { randomUUID } from 'node:crypto';
import {
  ConfigError,
  describeJsonValue,
  doubleId,
  HarnessError,
  isRecord,
  logGroupResource,
  PROTOCOL_VERSION,
  RecordingMock,
  refOutput,
  StatesError,
  validateStackName,
  type AdapterSession,
  type CloudFormationTemplate,
  type LocalServiceIntegration,
  type LocalIntegrationContext,
  type TemplateContext,
  type TestDoubleAdapter,
} from '@harness/core';

/** The adapter's name: the \`adapters.${n.name}\` key of harness.config.json, the stack \`<stack>-${n.name}\`, the doubles \`${n.name}:<double>\`. */
export const ADAPTER_NAME = '${n.name}';

/**
 * The \`Task\` state resource the local integration runs.
 * Your adapter: the resource your workflows' Task states name (e.g. \`arn:aws:states:::sqs:sendMessage\`).
 */
export const INVOKE_RESOURCE = 'arn:aws:states:::${n.name}:invoke';

/** A double's name: letters, digits, hyphens and underscores. */
const DOUBLE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The validated \`adapters.${n.name}\` of harness.config.json. */
export interface ${n.pascal}Config {
  /** The doubles a deployed stack provides (the local target needs none listed). */
  readonly doubles: readonly string[];
}

/** One invocation of a double: which one, and the Task state's \`Payload\`. */
export interface ${n.pascal}Invocation {
  readonly double: string;
  readonly payload: unknown;
}

/** Decides what a double answers: its value is the Task state's output; a throw fails the state. */
export type ${n.pascal}Handler = (invocation: ${n.pascal}Invocation) => unknown;

/** A mocked double: what it received (\`invocations\`), what its handler threw (\`errors\`), \`waitForInvocation()\`, \`restore()\`. */
export class ${n.pascal}Mock extends RecordingMock<${n.pascal}Invocation> {
  /** Registers the double with the session (which claims its route on the aws target). */
  static async create(session: AdapterSession, double: string, handler: ${n.pascal}Handler): Promise<${n.pascal}Mock> {
    const id = doubleId(ADAPTER_NAME, double);
    const mock = new ${n.pascal}Mock(\`${n.name} double \${double}\`, () => session.unregister(id));
    await session.register(id, async ({ payload }) => mock.answer({ double, payload }, handler));
    return mock;
  }

  private async answer(invocation: ${n.pascal}Invocation, handler: ${n.pascal}Handler): Promise<unknown> {
    this.log.record(invocation);
    try {
      return await handler(invocation);
    } catch (error) {
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }
}

/** What tests reach as \`harness.${n.property}\`. */
export interface ${n.pascal}MockApi {
  /**
   * Mocks the double \`double\`: each invocation goes to \`handler\` (default: answers \`null\`).
   *
   * @example
   * const example = await harness.${n.property}.mock('Example', ({ payload }) => ({ received: payload }));
   * // … run the workflow …
   * expect(example.invocations).toHaveLength(1);
   */
  mock(double: string, handler?: ${n.pascal}Handler): Promise<${n.pascal}Mock>;
}

/** Validates \`adapters.${n.name}\`; each error starts with the field and ends with the fix. */
export function parse${n.pascal}Config(raw: unknown): ${n.pascal}Config {
  if (!isRecord(raw)) {
    throw new ConfigError(\`adapters.${n.name} must be an object, not \${describeJsonValue(raw)}. To fix this, write {"doubles": ["Example"]}.\`);
  }
  // Your adapter: its own settings, each checked here.
  const { doubles = [], ...others } = raw;
  const [unknown] = Object.keys(others);
  if (unknown !== undefined) {
    throw new ConfigError(\`adapters.${n.name}.\${unknown} is not a setting of the ${n.name} adapter. To fix this, remove it (the settings are: doubles).\`);
  }
  if (!Array.isArray(doubles)) {
    throw new ConfigError(\`adapters.${n.name}.doubles must be a list of double names, not \${describeJsonValue(doubles)}. To fix this, write "doubles": ["Example"].\`);
  }
  const names = doubles.map((double: unknown, index) => {
    if (typeof double !== 'string' || !DOUBLE_NAME.test(double)) {
      throw new ConfigError(
        \`adapters.${n.name}.doubles.\${index} is \${describeJsonValue(double)}, not a double name. To fix this, use 1-64 letters, digits, hyphens and underscores.\`,
      );
    }
    return double;
  });
  return { doubles: [...new Set(names)] };
}

/**
 * The adapter's stack. One resource for now, the log group its doubles would write to.
 * Your adapter: add each double's resources (a function, a queue, a task definition…) with
 * what it needs to answer through harness: its code from \`context.artifacts\`, core's tables
 * from \`context.core\`, and an IAM role built with core's template pieces (see the guide).
 */
export function ${n.property}Template(config: ${n.pascal}Config, context: TemplateContext): CloudFormationTemplate {
  const stack = validateStackName(context.stackName);
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: \`The ${n.name} doubles of harness stack \${stack} (\${config.doubles.length})\`,
    Resources: {
      LogGroup: logGroupResource(\`/harness/\${stack}/${n.name}\`, 3),
    },
    Outputs: {
      LogGroupName: refOutput('Log group of the ${n.name} doubles', 'LogGroup'),
    },
  };
}

/** How the local target runs \`INVOKE_RESOURCE\` Task states: \`Parameters\` \`{ "Double": "Example", "Payload.$": "$" }\`. */
export function ${n.property}Integration(context: LocalIntegrationContext): LocalServiceIntegration {
  return {
    name: ADAPTER_NAME,
    handles: (resource) => resource === INVOKE_RESOURCE,
    async invoke(task) {
      const input = isRecord(task.input) ? task.input : {};
      if (typeof input.Double !== 'string') {
        throw new HarnessError(
          \`The Task state \${task.stateName} (\${INVOKE_RESOURCE}) names no double. To fix this, give it "Parameters": {"Double": "Example", "Payload.$": "$"}.\`,
        );
      }
      const double = doubleId(ADAPTER_NAME, input.Double);
      if (!context.isMocked(double)) {
        throw new StatesError('${n.pascal}.NotMocked', \`No test has mocked the ${n.name} double \${input.Double}: call harness.${n.property}.mock('\${input.Double}') first.\`);
      }
      const result = await context.dispatch({
        v: PROTOCOL_VERSION,
        invocationId: randomUUID(),
        double,
        session: context.session,
        payload: input.Payload ?? null,
        sentAt: new Date().toISOString(),
      });
      // The handler's error fails the state, as the double's failure would on AWS: Catch and Retry see its name.
      if (result.status === 'error') throw new StatesError(result.error.name, result.error.message);
      return result.value;
    },
  };
}

export const ${n.adapterExport}: TestDoubleAdapter<${typeArguments}> = {
  name: ADAPTER_NAME,${n.needsApiName ? `\n  apiName: '${n.property}',` : ''}
  parseConfig: parse${n.pascal}Config,
  hasDoubles: (config) => config.doubles.length > 0,
  template: ${n.property}Template,
  // Your adapter: the code its doubles run, uploaded by \`harness deploy\` (key with the SHA-256 in it).
  artifacts: async () => [],
  createApi: (session, config) => ({
    async mock(double, handler = () => null) {
      if (session.target === 'aws' && !config.doubles.includes(double)) {
        throw new ConfigError(
          \`adapters.${n.name}.doubles has no \${double} (it has \${config.doubles.join(', ') || 'none'}), so stack \${session.stackName}-${n.name} has no such double. \` +
            'To fix this, add it and run \`npx harness deploy\`.',
        );
      }
      return ${n.pascal}Mock.create(session, double, handler);
    },
  }),
  localIntegrations: (_config, context) => [${n.property}Integration(context)],
};

/** What harness imports: \`--adapters ./path\`, or \`"package"\` in harness.config.json. */
export const harnessAdapter = ${n.adapterExport};
`;
}

function adapterTests(n: AdapterNames): string {
  return `import type { LocalTaskInvocation } from '@harness/core';
import { createFakeSession, describeAdapterContract } from '@harness/core/testing';
import { describe, expect, it } from 'vitest';
import { INVOKE_RESOURCE, ${n.adapterExport}, ${n.property}Integration } from '../src/index.js';

const config = ${n.adapterExport}.parseConfig({ doubles: ['Example'] });

/** A Task state of \`INVOKE_RESOURCE\` with \`input\` as its effective input, as the workflow driver hands it over. */
function task(input: unknown): LocalTaskInvocation {
  return {
    resource: INVOKE_RESOURCE,
    stateName: 'CallExample',
    input,
    execution: {
      arn: 'arn:aws:states:us-east-1:123456789012:execution:Flow:run-1',
      name: 'run-1',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Flow',
    },
    signal: new AbortController().signal,
    callbacks: { succeed: () => {}, fail: () => {}, ended: () => {} },
  };
}

// Every rule of the adapter contract, one test each: what createHarness, harness deploy and the local target rely on.
describeAdapterContract(${n.adapterExport}, {
  describe,
  it,
  config: { doubles: ['Example'] },
  invalidConfigs: [
    { config: { doubles: 'Example' }, field: 'adapters.${n.name}.doubles' },
    { config: { doubles: ['Example', 'not a name'] }, field: 'adapters.${n.name}.doubles.1' },
  ],
  resources: [INVOKE_RESOURCE],
  mock: (api) => api.mock('Example'),
});

describe('Method: mock', () => {
  it('registers the double ${n.name}:<name> and answers with its handler', async () => {
    // Arrange
    const session = createFakeSession();
    const example = await ${n.adapterExport}.createApi(session, config).mock('Example', ({ payload }) => ({ received: payload }));

    // Act
    const answer = await session.invoke('${n.name}:Example', { orderId: 'o-1' });

    // Assert
    expect(answer).toEqual({ received: { orderId: 'o-1' } });
    expect(session.registrations).toEqual([{ action: 'register', double: '${n.name}:Example' }]);
    expect(example.invocations).toEqual([{ double: 'Example', payload: { orderId: 'o-1' } }]);
  });

  it('refuses, on the aws target, a double the config does not deploy', async () => {
    const api = ${n.adapterExport}.createApi(createFakeSession({ target: 'aws' }), config);

    await expect(api.mock('Other')).rejects.toThrow('adapters.${n.name}.doubles has no Other (it has Example)');
  });
});

describe('Local integration', () => {
  it('gives the Task state the handler\\'s value', async () => {
    // Arrange
    const session = createFakeSession();
    await ${n.adapterExport}.createApi(session, config).mock('Example', ({ payload }) => ({ received: payload }));

    // Act
    const output = await ${n.property}Integration(session.context).invoke(task({ Double: 'Example', Payload: { orderId: 'o-1' } }));

    // Assert
    expect(output).toEqual({ received: { orderId: 'o-1' } });
  });

  it('fails the Task state with the handler\\'s error, and the mock keeps it', async () => {
    // Arrange
    const session = createFakeSession();
    const example = await ${n.adapterExport}.createApi(session, config).mock('Example', () => {
      throw new RangeError('out of stock');
    });

    // Act
    const invoking = ${n.property}Integration(session.context).invoke(task({ Double: 'Example' }));

    // Assert
    await expect(invoking).rejects.toMatchObject({ name: 'StatesError', error: 'RangeError', cause: 'out of stock' });
    expect(example.errors.map((error) => error.message)).toEqual(['out of stock']);
  });

  it('fails the Task state of a double no test has mocked, naming it', async () => {
    const invoking = ${n.property}Integration(createFakeSession().context).invoke(task({ Double: 'Example' }));

    await expect(invoking).rejects.toMatchObject({ error: '${n.pascal}.NotMocked' });
  });
});

describe('Method: template', () => {
  it('names its resources after the stack', () => {
    const template = ${n.adapterExport}.template(config, {
      stackName: 'harness-dev',
      core: { routesTable: 'routes', resultsTable: 'results', artifactsBucket: 'artifacts' },
      artifacts: {},
    });

    expect(template.Resources.LogGroup?.Properties).toEqual({ LogGroupName: '/harness/harness-dev/${n.name}', RetentionInDays: 3 });
  });
});
`;
}

function readme(n: AdapterNames, location: string): string {
  const config = `{ "stack": "harness-dev", "adapters": { "${n.name}": { "package": "${location}", "doubles": ["Example"] } } }`;
  return `# ${n.packageName}

A [harness](https://github.com/harness-dev/harness) adapter: \`${n.name}\` test doubles.
Written by \`npx harness new adapter ${n.name}\`: a skeleton to make your own. Its doubles run
on the local target and its stack deploys; the double a deployed stack needs (a function, a
task…) is yours to add. The guide to every part of it, with a complete example that has a
deployed double: [Building an adapter](${ADAPTER_GUIDE_URL}).

| file | what it is |
| --- | --- |
| \`src/index.ts\` | the adapter: \`parse${n.pascal}Config\`, \`${n.property}Template\` (one resource), the mock API \`${n.pascal}MockApi\` (\`mock(double, handler)\`), the local integration of \`arn:aws:states:::${n.name}:invoke\`, and \`harnessAdapter\` |
| \`tests/adapter.test.ts\` | the adapter contract (\`describeAdapterContract\` of \`@harness/core/testing\`) and tests of each part on a fake session |
| \`tsconfig.json\`, \`tsconfig.build.json\` | typecheck (src and tests), build (src to \`dist/\`) |

## Develop

\`\`\`sh
npm install
npm test            # the contract and the skeleton's tests
npm run typecheck
npm run build       # dist/index.js: what harness imports
\`\`\`

## Use it

In a workflow test, hand it to \`createHarness\` beside the other adapters:

\`\`\`ts
import { createHarness } from '@harness/core';
import { stepFunctionsAdapter } from '@harness/stepfunctions';
import { ${n.adapterExport} } from '${n.packageName}';

await using harness = await createHarness({ adapters: [stepFunctionsAdapter, ${n.adapterExport}] });
const example = await harness.${n.property}.mock('Example', ({ payload }) => ({ received: payload }));
\`\`\`

A Task state it runs on the local target:

\`\`\`json
{ "Type": "Task", "Resource": "arn:aws:states:::${n.name}:invoke", "Parameters": { "Double": "Example", "Payload.$": "$" }, "End": true }
\`\`\`

For \`npx harness deploy\`, build it and name it in harness.config.json (a path is relative to the config file's folder):

\`\`\`json
${config}
\`\`\`

or on the command line: \`npx harness deploy --adapters ${location}\`.

Keep one copy of \`@harness/core\`: inside a project, make this folder one of its npm
workspaces (\`"workspaces": ["adapters/*"]\`) and run \`npm install\` at the project root.
A second copy, installed in this folder's own \`node_modules\`, has its own \`StatesError\`,
which the Step Functions engine does not recognise: a state this adapter fails would then
reject \`execute\` instead of reaching the workflow's \`Catch\`.

To publish it, remove \`"private": true\` from package.json.
`;
}
