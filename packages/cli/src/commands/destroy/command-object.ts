import type { Argv, CommandModule } from 'yargs';
import {
  withAdaptersOption,
  withJsonOption,
  withTimeoutOption,
  type AdaptersArgs,
  type GlobalArgs,
  type JsonArgs,
  type TimeoutArgs,
} from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type DestroyArgs = GlobalArgs & AdaptersArgs & JsonArgs & TimeoutArgs & { readonly yes: boolean; readonly adopt: boolean };

export function withDestroyOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & DestroyArgs> {
  return withTimeoutOption(
    withJsonOption(withAdaptersOption(yargs, 'Only delete these adapter stacks, keeping the core stack: names, package names or ./paths (default: every adapter of the config, then core)')),
  )
    .option('yes', {
      alias: 'y',
      type: 'boolean',
      default: false,
      describe: 'Delete without asking (required when stdin is not a terminal)',
    })
    .option('adopt', {
      type: 'boolean',
      default: false,
      describe: "Also delete stacks of harness's names that carry no harness tags (deployed without the CLI)",
    })
    .example('$0 destroy', 'Ask, then delete every adapter stack and the core stack (emptying the artifacts bucket)')
    .example('$0 destroy --adapters ecs --yes', 'Delete only the ECS stack, without asking') as Argv<T & DestroyArgs>;
}

/** `harness destroy`: adapter stacks first, then the core stack. */
export function destroyCommand(runtime: CliRuntime): CommandModule<GlobalArgs, DestroyArgs> {
  return {
    command: 'destroy',
    describe: 'Delete the adapter stacks, then the core stack and its artifacts',
    builder: (yargs) => withDestroyOptions(yargs),
    handler: async (args) => {
      const { destroyHandler } = await import('./handler.js');
      await destroyHandler(args, runtime);
    },
  };
}
