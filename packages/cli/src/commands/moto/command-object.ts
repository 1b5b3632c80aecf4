import type { Argv, CommandModule } from 'yargs';
import { HARNESS_COMMAND } from '../../constants.js';
import type { GlobalArgs } from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type MotoStartArgs = GlobalArgs & {
  readonly port: number;
  readonly host: string;
  /** false: moto as it is, without harness's fixes. */
  readonly fixes: boolean;
  /** false: moto's canned executions instead of its Step Functions engine. */
  readonly stepFunctionsEngine: boolean;
};

export type MotoInstallArgs = GlobalArgs & { readonly force: boolean };

export function withMotoStartOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & MotoStartArgs> {
  return yargs
    .option('port', { type: 'number', default: 5000, describe: 'The port to listen on', requiresArg: true })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'The address to listen on (loopback by default: moto accepts any credentials)', requiresArg: true })
    .option('fixes', { type: 'boolean', default: true, describe: "Apply harness's fixes to moto (--no-fixes: moto as it is)" })
    .option('step-functions-engine', {
      type: 'boolean',
      default: true,
      describe: "Run state machines' ASL on moto's engine (--no-step-functions-engine: moto's canned executions)",
    })
    .example('$0 moto start', 'moto on http://127.0.0.1:5000 until Ctrl-C; installs it first if needed')
    .example('$0 moto start --port 4566', 'On another port') as unknown as Argv<T & MotoStartArgs>;
}

/** `harness moto start|install`: moto server with harness's fixes, from @harness/moto. */
export function motoCommand(runtime: CliRuntime): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'moto',
    describe: "Run moto server with harness's fixes: the aws target without an AWS account (needs @harness/moto and Python 3.9+)",
    builder: (yargs) =>
      yargs
        .command({
          command: 'start',
          describe: 'Start moto server (installing it on first use) and keep it running until Ctrl-C',
          builder: (inner: Argv<GlobalArgs>) => withMotoStartOptions(inner),
          handler: async (args: MotoStartArgs) => {
            const { motoStartHandler } = await import('./handler.js');
            await motoStartHandler(args, runtime);
          },
        })
        .command({
          command: 'install',
          describe: 'Create the Python environment with the pinned moto server (once per machine)',
          builder: (inner: Argv<GlobalArgs>) =>
            inner.option('force', { type: 'boolean', default: false, describe: 'Install again even when the environment is complete' }) as Argv<MotoInstallArgs>,
          handler: async (args: MotoInstallArgs) => {
            const { motoInstallHandler } = await import('./handler.js');
            await motoInstallHandler(args, runtime);
          },
        })
        .demandCommand(1, `Name what to do: start or install, e.g. \`${HARNESS_COMMAND} moto start\`.`)
        .example('$0 moto start', 'moto with harness\'s fixes on http://127.0.0.1:5000') as Argv<GlobalArgs>,
    handler: () => {},
  };
}
