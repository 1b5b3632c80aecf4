import { HarnessError } from '@harness/core';
import yargs, { type Argv } from 'yargs';
import { describeAwsFailure } from './aws/failures.js';
import { coverageCommand } from './commands/coverage/command-object.js';
import { deployCommand } from './commands/deploy/command-object.js';
import { destroyCommand } from './commands/destroy/command-object.js';
import { doctorCommand } from './commands/doctor/command-object.js';
import { motoCommand } from './commands/moto/command-object.js';
import { newCommand } from './commands/new/command-object.js';
import { outputsCommand } from './commands/outputs/command-object.js';
import { synthCommand } from './commands/synth/command-object.js';
import { HARNESS_COMMAND } from './constants.js';
import { withGlobalOptions, type GlobalArgs } from './options.js';
import { processRuntime, type CliRuntime } from './runtime.js';
import { cliVersion } from './version.js';

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
    .command(newCommand(runtime))
    .command(coverageCommand(runtime))
    .command(motoCommand(runtime))
    .demandCommand(1, 'Name a command: deploy, synth, outputs, destroy, doctor, new, coverage or moto.')
    .recommendCommands()
    .strict()
    .example('$0 deploy --adapters ecs', 'Deploy the core stack and the ECS doubles')
    .example('$0 doctor', 'Check that everything is in place')
    .epilogue('The config is harness.config.json in the working directory. AWS_REGION, AWS_PROFILE and AWS_ENDPOINT_URL apply as usual.')
    .help()
    .alias('help', 'h')
    .version('version', 'Show the version of @harness/cli', cliVersion())
    .alias('version', 'v')
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
    runtime.stderr(`${formatError(error, runtime.env)}\n`);
    runtime.exitCode = Math.max(runtime.exitCode, 1);
  }
  return runtime.exitCode;
}

/**
 * One message per failure, ending with what to do about it. An AWS SDK error
 * says whether AWS answered (and refused) or the call never got there, and
 * why: connection, DNS, credentials, region. `env` names the endpoint.
 *
 * @example
 * formatError(error, process.env);
 * // ✖ Could not connect to the AWS endpoint http://127.0.0.1:5000 (connection refused).
 * // To fix this, start the endpoint or unset AWS_ENDPOINT_URL.
 */
export function formatError(error: unknown, env: Readonly<Record<string, string | undefined>> = {}): string {
  if (!(error instanceof Error)) return `✖ ${String(error)}`;
  if (error instanceof HarnessError || error.message.includes('To fix this')) return `✖ ${error.message}`;
  const failure = describeAwsFailure(error, env);
  if (failure) {
    return [
      `✖ ${failure.summary}.`,
      ...(failure.answer ? [`  The endpoint answered: ${failure.answer}`] : []),
      `To fix this, ${failure.fix}.`,
    ].join('\n');
  }
  // yargs reports bad usage as a plain Error (or YError).
  if (error.name === 'Error' || error.name === 'YError') {
    return `✖ ${error.message}\nTo fix this, see \`${HARNESS_COMMAND} --help\` (or \`${HARNESS_COMMAND} <command> --help\`) for the commands and options.`;
  }
  return `✖ ${error.name}: ${error.message}`;
}
