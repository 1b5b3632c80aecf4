import { HarnessError } from '@harness/core';
import yargs, { type Argv } from 'yargs';
import { deployCommand } from './commands/deploy/command-object.js';
import { destroyCommand } from './commands/destroy/command-object.js';
import { doctorCommand } from './commands/doctor/command-object.js';
import { outputsCommand } from './commands/outputs/command-object.js';
import { synthCommand } from './commands/synth/command-object.js';
import { withGlobalOptions, type GlobalArgs } from './options.js';
import { processRuntime, type CliRuntime } from './runtime.js';

/**
 * The `harness` command line, without running it: commands, global options,
 * help and examples. Handlers are imported only when their command runs.
 *
 * @example
 * await buildCli().parseAsync(['outputs', '--json', '--stack', 'harness-ci']);
 */
export function buildCli(runtime: CliRuntime = processRuntime()): Argv<GlobalArgs> {
  return withGlobalOptions(yargs().scriptName('harness'))
    .usage('$0 <command> [options]\n\nDeploy and manage the AWS stacks that carry your test doubles.')
    .command(deployCommand(runtime))
    .command(synthCommand(runtime))
    .command(outputsCommand(runtime))
    .command(destroyCommand(runtime))
    .command(doctorCommand(runtime))
    .demandCommand(1, 'Name a command: deploy, synth, outputs, destroy or doctor.')
    .recommendCommands()
    .strict()
    .example('$0 deploy --adapters ecs', 'Deploy the core stack and the ECS doubles')
    .example('$0 doctor', 'Check that everything is in place')
    .epilogue('The config is harness.config.json in the working directory. AWS_REGION, AWS_PROFILE and AWS_ENDPOINT_URL apply as usual.')
    .help()
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail(false);
}

/**
 * Runs the command line with the given arguments; resolves with the exit code.
 * Errors are printed, never thrown.
 *
 * @example
 * process.exitCode = await runCli(['deploy', '--adapters', 'ecs']);
 */
export async function runCli(args: readonly string[], runtime: CliRuntime = processRuntime()): Promise<number> {
  try {
    await buildCli(runtime).parseAsync([...args]);
  } catch (error) {
    runtime.stderr(`${formatError(error)}\n`);
    runtime.exitCode = Math.max(runtime.exitCode, 1);
  }
  return runtime.exitCode;
}

/** One message per failure, ending with what to do about it. */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return `✖ ${String(error)}`;
  if (error instanceof HarnessError || error.message.includes('To fix this')) return `✖ ${error.message}`;
  if ('$metadata' in error || error.name === 'CredentialsProviderError') {
    return `✖ AWS refused the call: ${error.name}: ${error.message}${rawAnswer(error)}\nTo fix this, check the credentials, region and endpoint with \`harness doctor\`.`;
  }
  // yargs reports bad usage as a plain Error (or YError).
  if (error.name === 'Error' || error.name === 'YError') {
    return `✖ ${error.message}\nTo fix this, see \`harness --help\` (or \`harness <command> --help\`) for the commands and options.`;
  }
  return `✖ ${error.name}: ${error.message}`;
}

/** What the endpoint actually said, when the SDK could not read it (an AWS-compatible endpoint's error, say). */
function rawAnswer(error: Error): string {
  const body = (error as { $response?: { body?: unknown } }).$response?.body;
  const text = typeof body === 'string' ? body : body instanceof Uint8Array ? Buffer.from(body).toString('utf8') : undefined;
  return text ? `\n  The endpoint answered: ${text.slice(0, 500)}` : '';
}
