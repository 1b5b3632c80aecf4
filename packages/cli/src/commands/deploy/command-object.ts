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

export type DeployArgs = GlobalArgs & AdaptersArgs & JsonArgs & TimeoutArgs & { readonly adopt: boolean };

export function withDeployOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & DeployArgs> {
  return withTimeoutOption(withJsonOption(withAdaptersOption(yargs, 'Adapters to deploy, comma-separated: names, package names or ./paths (default: every adapter of the config)')))
    .option('adopt', {
      type: 'boolean',
      default: false,
      describe: "Take over stacks of harness's names that carry no harness tags (deployed without the CLI): tag them and replace their templates",
    })
    .example('$0 deploy --adapters ecs', 'Deploy the core stack and the ECS doubles of harness.config.json')
    .example('$0 deploy --adapters ecs,./adapters/queue', 'Also deploy your own adapter, from its folder (or its package name, or "package" in the config)')
    .example('$0 deploy --stack harness-ci --region eu-west-1 --json', 'Deploy another stack and print its outputs as JSON')
    .example('AWS_ENDPOINT_URL=http://127.0.0.1:5000 $0 deploy', 'Deploy to moto or LocalStack')
    .example('$0 deploy --adopt', 'Take over harness stacks created without the CLI (they have no harness:stack tag)') as Argv<T & DeployArgs>;
}

/** `harness deploy`: the core stack, the adapters' artifacts, then each adapter's stack. */
export function deployCommand(runtime: CliRuntime): CommandModule<GlobalArgs, DeployArgs> {
  return {
    command: 'deploy',
    describe: 'Create or update the core stack and the stacks of the test doubles',
    builder: (yargs) => withDeployOptions(yargs),
    handler: async (args) => {
      const { deployHandler } = await import('./handler.js');
      await deployHandler(args, runtime);
    },
  };
}
