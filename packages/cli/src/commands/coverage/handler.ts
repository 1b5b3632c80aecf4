import { resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { writeJson } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import type { CoverageArgs } from './command-object.js';

type CoverageModule = typeof import('@harness/coverage');

async function loadCoverage(): Promise<CoverageModule> {
  try {
    return await import('@harness/coverage');
  } catch (error) {
    throw new UsageError(
      `harness coverage needs the package @harness/coverage, which could not be loaded (${(error as Error).message}). To fix this, run \`npm install --save-dev @harness/coverage\`.`,
    );
  }
}

/** Reads the recorded runs, writes the report beside them, prints the summary (or JSON) and applies the threshold. */
export async function coverageHandler(args: CoverageArgs, runtime: CliRuntime): Promise<void> {
  const coverage = await loadCoverage();
  const dir = resolve(runtime.cwd, args.dir);
  const runs = coverage.readRecordedRuns(dir);
  const wanted = args.workflow;
  const report = coverage.computeCoverage(wanted ? runs.filter((run) => wanted.includes(run.workflow)) : runs);
  const files = coverage.writeCoverageReport(report, dir);
  if (args.json) {
    writeJson(runtime, { ...report, workflows: report.workflows.map(({ definition: _definition, ...workflow }) => workflow) });
  } else {
    runtime.stdout(`${coverage.formatTextSummary(report)}Report: ${files.html}\n`);
  }
  if (args.threshold === undefined) return;
  for (const { workflow, uncovered } of coverage.belowThreshold(report, args.threshold)) {
    runtime.stderr(
      `✖ ${workflow.workflow} is ${workflow.total.percent.toFixed(1)}% covered, under the threshold of ${args.threshold}%. Not covered: ${uncovered.map((item) => item.label).join('; ')}. ` +
        'To fix this, add tests that take these paths, or lower --threshold.\n',
    );
    runtime.exitCode = Math.max(runtime.exitCode, 1);
  }
}
