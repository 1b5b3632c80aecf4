/**
 * The CLI's deploy and destroy as functions, for a test run's global setup: deploy the doubles, deploy the
 * workflow under test wired to their outputs, remove both afterwards. Each runs what the command runs (the same
 * checks, progress and errors) and prints its progress to stderr unless told otherwise.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CloudFormationTemplate } from '@harness/core';
import { runCli } from './cli.js';
import { createAwsClients, destroyAwsClients } from './aws/clients.js';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { deleteStack, deployStack, describeStack, formatStackEvent, MAX_TEMPLATE_BODY_BYTES, stackOutputs } from './aws/stacks.js';
import { HARNESS_COMMAND } from './constants.js';
import { DEFAULT_TIMEOUT_MS } from './options.js';
import type { CliRuntime } from './runtime.js';
import { stackTags } from './stack-plan.js';

export interface CliCallOptions {
  /** The config file (relative to `cwd`). Default `harness.config.json`. */
  readonly config?: string;
  /** Overrides the config's stack name. */
  readonly stack?: string;
  readonly region?: string;
  /** The project directory. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Each line of progress. Default: written to stderr. */
  readonly onProgress?: (line: string) => void;
}

export interface DeployDoublesOptions extends CliCallOptions {
  /** Adapter names, package names or ./paths. Default: every adapter of the config. */
  readonly adapters?: readonly string[];
}

/** What {@link deployDoubles} deployed: each stack's outputs by component (`core`, `ecs`, `lambda`, …). */
export interface DeployedDoubles {
  readonly stack: string;
  readonly region: string;
  readonly outputs: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** One output; throws, naming the outputs there are, when the component or key is missing. */
  output(component: string, key: string): string;
}

/** The `harness` command failed; the message is what it printed (ending with the fix). */
export class HarnessCommandError extends Error {
  override readonly name = 'HarnessCommandError';
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    output: string,
  ) {
    super(`\`${HARNESS_COMMAND} ${args.join(' ')}\` exited with code ${exitCode}:\n${output.trim()}`);
  }
}

async function runHarness(args: readonly string[], options: CliCallOptions): Promise<string> {
  const globals = [
    ...(options.config ? ['--config', options.config] : []),
    ...(options.stack ? ['--stack', options.stack] : []),
    ...(options.region ? ['--region', options.region] : []),
  ];
  const say = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  let stdout = '';
  let stderr = '';
  const runtime: CliRuntime = {
    cwd: options.cwd ?? process.cwd(),
    env: process.env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
      for (const line of text.split('\n')) if (line.trim()) say(line);
    },
    interactive: false,
    confirm: async () => false,
    exitCode: 0,
  };
  const all = [...args, ...globals];
  const code = await runCli(all, runtime);
  if (code !== 0) throw new HarnessCommandError(all, code, stderr || stdout);
  return stdout;
}

/**
 * `harness deploy --json`: the core stack and each adapter's stack; resolves with their outputs.
 *
 * @example
 * const doubles = await deployDoubles({ adapters: ['ecs', 'lambda'] });
 * const cluster = doubles.output('ecs', ECS_OUTPUTS.clusterArn);
 */
export async function deployDoubles(options: DeployDoublesOptions = {}): Promise<DeployedDoubles> {
  const adapters = options.adapters ? ['--adapters', options.adapters.join(',')] : [];
  const printed = JSON.parse(await runHarness(['deploy', '--json', ...adapters], options)) as {
    stack: string;
    region: string;
    stacks: Record<string, { component: string; outputs: Record<string, string> }>;
  };
  const outputs = Object.fromEntries(Object.values(printed.stacks).map(({ component, outputs: values }) => [component, values]));
  return {
    stack: printed.stack,
    region: printed.region,
    outputs,
    output(component, key) {
      const values = outputs[component];
      if (!values) throw new Error(`No ${component} stack was deployed (deployed: ${Object.keys(outputs).join(', ')}). To fix this, add ${component} to the adapters.`);
      const value = values[key];
      if (value === undefined) throw new Error(`The ${component} stack of ${printed.stack} has no output ${key} (outputs: ${Object.keys(values).join(', ') || 'none'}).`);
      return value;
    },
  };
}

/** `harness destroy --yes`: removes the adapters' stacks (every adapter of the config: the core stack too). */
export async function destroyDoubles(options: DeployDoublesOptions = {}): Promise<void> {
  const adapters = options.adapters ? ['--adapters', options.adapters.join(',')] : [];
  await runHarness(['destroy', '--yes', ...adapters], options);
}

export interface DeployWorkflowOptions {
  /** The CloudFormation stack name for the workflow under test. */
  readonly stackName: string;
  /** The template: an object (a `CloudFormationTemplate` or parsed JSON), or the path of a JSON file (relative to the working directory). */
  readonly template: CloudFormationTemplate | Readonly<Record<string, unknown>> | string;
  /** Parameter values, typically the doubles' outputs ({@link DeployedDoubles.output}). */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly region?: string;
  /** Give up waiting after this many milliseconds. Default 30 minutes. */
  readonly timeoutMs?: number;
  /** Each line of progress (stack events). Default: written to stderr. */
  readonly onProgress?: (line: string) => void;
}

/** What {@link deployWorkflow} left deployed. */
export interface DeployedWorkflow {
  readonly stackName: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly outputs: Readonly<Record<string, string>>;
}

/** A stack of that name exists and {@link deployWorkflow} did not create it: it is left alone. */
export class ForeignWorkflowStackError extends Error {
  override readonly name = 'ForeignWorkflowStackError';
}

/** Refuses a stack that does not carry the tags {@link deployWorkflow} puts on the stacks it creates. */
async function assertWorkflowStack(cloudFormation: CloudFormationClient, stackName: string, doing: string): Promise<void> {
  const existing = await describeStack(cloudFormation, stackName);
  if (!existing || existing.StackStatus === 'DELETE_COMPLETE') return;
  const tags = new Map((existing.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
  if (stackTags(stackName, 'workflow').every((tag) => tags.get(tag.Key) === tag.Value)) return;
  throw new ForeignWorkflowStackError(
    `Stack ${stackName} exists and was not deployed by deployWorkflow (it lacks the tags ${stackTags(stackName, 'workflow')
      .map((tag) => `${tag.Key}=${tag.Value}`)
      .join(', ')}), so ${doing} left it alone. To fix this, give deployWorkflow another stackName, or delete ${stackName} yourself if it is a leftover.`,
  );
}

/**
 * Deploys the workflow under test (your own CloudFormation template, with `IAM` capabilities), wired to the
 * doubles through its parameters; an unchanged template and parameters leave the stack alone, a failed stack is
 * replaced, and a stack of that name that this function did not create is refused. Resolves with its outputs.
 *
 * @example
 * const flow = await deployWorkflow({
 *   stackName: 'orders-test-flow',
 *   template: './template.json',
 *   parameters: { ValidateOrderFunctionArn: doubles.output('lambda', functionArnOutputKey('ValidateOrder')) },
 * });
 */
export async function deployWorkflow(options: DeployWorkflowOptions): Promise<DeployedWorkflow> {
  const template = typeof options.template === 'string' ? (JSON.parse(readFileSync(resolve(options.template), 'utf8')) as unknown) : options.template;
  const body = JSON.stringify(template);
  if (Buffer.byteLength(body) > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(
      `The template of ${options.stackName} is ${Buffer.byteLength(body)} bytes; CloudFormation takes at most ${MAX_TEMPLATE_BODY_BYTES} bytes in a request (TemplateBody). To fix this, make it smaller (shorter definitions, no whitespace), or deploy it with your own tooling through S3 and pass its outputs to your tests.`,
    );
  }
  const say = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clients = createAwsClients({ region: options.region, env: process.env });
  try {
    say(`Deploying workflow stack ${options.stackName}`);
    await assertWorkflowStack(clients.cloudFormation, options.stackName, 'deployWorkflow');
    const result = await deployStack(clients.cloudFormation, {
      stackName: options.stackName,
      templateBody: body,
      tags: stackTags(options.stackName, 'workflow'),
      parameters: Object.entries(options.parameters ?? {}).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      onEvent: (event) => say(formatStackEvent(event)),
      onNote: say,
    });
    say(`✔ ${options.stackName} ${result.action}`);
    return { stackName: options.stackName, action: result.action, outputs: stackOutputs(result.stack) };
  } finally {
    destroyAwsClients(clients);
  }
}

/** Deletes a stack {@link deployWorkflow} created (and waits until it is gone); an absent stack is fine. */
export async function deleteWorkflow(options: Pick<DeployWorkflowOptions, 'stackName' | 'region' | 'timeoutMs' | 'onProgress'>): Promise<void> {
  const say = options.onProgress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clients = createAwsClients({ region: options.region, env: process.env });
  try {
    await assertWorkflowStack(clients.cloudFormation, options.stackName, 'deleteWorkflow');
    await deleteStack(clients.cloudFormation, {
      stackName: options.stackName,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      onEvent: (event) => say(formatStackEvent(event)),
      onNote: say,
    });
  } finally {
    destroyAwsClients(clients);
  }
}
