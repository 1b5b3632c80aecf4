import type { Argv, CommandModule } from 'yargs';
import { withAdaptersOption, withJsonOption, type AdaptersArgs, type GlobalArgs, type JsonArgs } from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type OutputsArgs = GlobalArgs & AdaptersArgs & JsonArgs;

export function withOutputsOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & OutputsArgs> {
  return withJsonOption(withAdaptersOption(yargs, 'Adapters whose stacks to show: names, package names or ./paths (default: every adapter of the config)'))
    .example('$0 outputs', 'Show the outputs of the core stack and every adapter stack')
    .example('$0 outputs --adapters ecs --json', 'The ECS stack\'s outputs as JSON') as Argv<T & OutputsArgs>;
}

/** `harness outputs`: every stack's outputs. */
export function outputsCommand(runtime: CliRuntime): CommandModule<GlobalArgs, OutputsArgs> {
  return {
    command: 'outputs',
    describe: 'Show the outputs of the deployed stacks',
    builder: (yargs) => withOutputsOptions(yargs),
    handler: async (args) => {
      const { outputsHandler } = await import('./handler.js');
      await outputsHandler(args, runtime);
    },
  };
}
