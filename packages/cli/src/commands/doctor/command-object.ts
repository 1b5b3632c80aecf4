import type { Argv, CommandModule } from 'yargs';
import { withJsonOption, type GlobalArgs, type JsonArgs } from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type DoctorArgs = GlobalArgs & JsonArgs;

export function withDoctorOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & DoctorArgs> {
  return withJsonOption(yargs)
    .example('$0 doctor', 'Check credentials, region, endpoint, config and stacks')
    .example('$0 doctor --json', 'The same checks as JSON (exit code 1 when one fails)') as Argv<T & DoctorArgs>;
}

/** `harness doctor`: what is wrong with this setup, and how to fix it. */
export function doctorCommand(runtime: CliRuntime): CommandModule<GlobalArgs, DoctorArgs> {
  return {
    command: 'doctor',
    describe: 'Check credentials, region, endpoint, config file and stacks',
    builder: (yargs) => withDoctorOptions(yargs),
    handler: async (args) => {
      const { doctorHandler } = await import('./handler.js');
      await doctorHandler(args, runtime);
    },
  };
}
