import type { Argv, CommandModule } from 'yargs';
import { withAdaptersOption, type AdaptersArgs, type GlobalArgs } from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type SynthArgs = GlobalArgs & AdaptersArgs & { readonly out: string };

export function withSynthOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & SynthArgs> {
  return withAdaptersOption(yargs, 'Adapters to synthesize, comma-separated: names, package names or ./paths (default: every adapter of the config)')
    .option('out', {
      type: 'string',
      default: 'harness.out',
      describe: 'Directory to write the templates to',
      requiresArg: true,
    })
    .example('$0 synth', 'Write harness.out/<stack>-core.template.json and one template per adapter')
    .example('$0 synth --adapters ecs --out /tmp/templates', 'Only the ECS template, elsewhere') as unknown as Argv<T & SynthArgs>;
}

/** `harness synth`: the templates deploy would send, without calling AWS. */
export function synthCommand(runtime: CliRuntime): CommandModule<GlobalArgs, SynthArgs> {
  return {
    command: 'synth',
    describe: 'Write the CloudFormation templates to files without deploying them',
    builder: (yargs) => withSynthOptions(yargs),
    handler: async (args) => {
      const { synthHandler } = await import('./handler.js');
      await synthHandler(args, runtime);
    },
  };
}
