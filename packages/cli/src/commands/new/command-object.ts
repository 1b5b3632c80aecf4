import type { Argv, CommandModule } from 'yargs';
import { HARNESS_COMMAND } from '../../constants.js';
import type { GlobalArgs } from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type NewAdapterArgs = GlobalArgs & {
  /** The adapter's name, e.g. `widgets`. */
  readonly name: string;
  /** The folder to write the package to (relative to the working directory); default `adapters/<name>`. */
  readonly dir: string | undefined;
};

export function withNewAdapterOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & NewAdapterArgs> {
  return yargs
    .positional('name', {
      type: 'string',
      describe: 'The adapter\'s name: the adapters.<name> key of harness.config.json (lowercase letters, digits, hyphens)',
      demandOption: true,
    })
    .option('dir', {
      type: 'string',
      describe: 'The folder to write the package to (default: adapters/<name>); it must not exist, or be empty',
      requiresArg: true,
    })
    .example('$0 new adapter widgets', 'Write the package harness-widgets to adapters/widgets')
    .example('$0 new adapter night-jobs --dir packages/harness-night-jobs', 'Elsewhere; its harness property is harness.nightJobs') as unknown as Argv<T & NewAdapterArgs>;
}

/** `harness new adapter <name>`: a package for a new adapter, whose tests pass as written. */
export function newAdapterCommand(runtime: CliRuntime): CommandModule<GlobalArgs, NewAdapterArgs> {
  return {
    command: 'adapter <name>',
    describe: 'Write a package for a new adapter: a working skeleton, its tests on @harness/core/testing, a README',
    builder: (yargs) => withNewAdapterOptions(yargs),
    handler: async (args) => {
      const { newAdapterHandler } = await import('./handler.js');
      await newAdapterHandler(args, runtime);
    },
  };
}

/** `harness new`: what it can create (an adapter). */
export function newCommand(runtime: CliRuntime): CommandModule<GlobalArgs, GlobalArgs> {
  return {
    command: 'new',
    describe: 'Create a package for your own adapter',
    builder: (yargs) =>
      yargs
        .command(newAdapterCommand(runtime))
        .demandCommand(1, `Name what to create: adapter, e.g. \`${HARNESS_COMMAND} new adapter widgets\`.`)
        .example('$0 new adapter widgets', 'Write the package harness-widgets to adapters/widgets') as Argv<GlobalArgs>,
    handler: () => {},
  };
}
