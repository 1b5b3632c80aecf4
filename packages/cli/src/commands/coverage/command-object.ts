import type { Argv, CommandModule } from 'yargs';
import { withJsonOption, type GlobalArgs, type JsonArgs } from '../../options.js';
import type { CliRuntime } from '../../runtime.js';

export type CoverageArgs = GlobalArgs &
  JsonArgs & {
    /** The directory the runs were recorded in (`<dir>/runs`) and the report is written to. */
    readonly dir: string;
    readonly threshold: number | undefined;
    readonly workflow: string[] | undefined;
  };

export function withCoverageOptions<T extends GlobalArgs>(yargs: Argv<T>): Argv<T & CoverageArgs> {
  return withJsonOption(yargs)
    .positional('dir', { type: 'string', default: 'harness-coverage', describe: 'Where the runs were recorded (HARNESS_COVERAGE_DIR) and the report goes' })
    .option('threshold', { type: 'number', describe: 'Exit with code 1 when a workflow is covered less than this, in percent' })
    .option('workflow', { type: 'string', array: true, describe: 'Count only these workflows (state machine names)' })
    .example('$0 coverage', 'Report the runs recorded in ./harness-coverage')
    .example('$0 coverage reports/sfn --threshold 90', 'Fail when a workflow is under 90 % covered')
    .example('$0 coverage --json', 'The report as JSON') as unknown as Argv<T & CoverageArgs>;
}

/** `harness coverage [dir]`: state coverage over saved runs. */
export function coverageCommand(runtime: CliRuntime): CommandModule<GlobalArgs, CoverageArgs> {
  return {
    command: 'coverage [dir]',
    describe: 'Report which states, Choice rules, Retry and Catch clauses the recorded test runs exercised',
    builder: (yargs) => withCoverageOptions(yargs),
    handler: async (args) => {
      const { coverageHandler } = await import('./handler.js');
      await coverageHandler(args, runtime);
    },
  };
}
