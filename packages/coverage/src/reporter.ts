import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { COVERAGE_DIR_ENV } from '@harness/stepfunctions';
import type { Reporter } from 'vitest/reporters';
import { belowThreshold, computeCoverage, readRecordedRuns } from './report.js';
import { formatTextSummary } from './format.js';
import { writeCoverageReport } from './write.js';

/** Options of the coverage reporter. */
export interface HarnessCoverageOptions {
  /** Where runs are recorded and the report is written. Default `harness-coverage` (in the working directory). */
  readonly dir?: string;
  /**
   * Fail the test run (exit code 1) when a workflow's coverage, in percent of its
   * states, Choice rules, Retry / Catch clauses and branches, is under this.
   */
  readonly threshold?: number;
  /** Count only these workflows (state machine names). Default: every workflow a test ran. */
  readonly workflows?: readonly string[];
  /** Print the text summary at the end. Default true. */
  readonly summary?: boolean;
  /** Where the summary and threshold failures go. Default: process.stdout / process.stderr. */
  readonly write?: (text: string, stream: 'stdout' | 'stderr') => void;
}

const defaultWrite = (text: string, stream: 'stdout' | 'stderr'): void => {
  (stream === 'stdout' ? process.stdout : process.stderr).write(text);
};

/**
 * A vitest reporter: turns run recording on for the test workers
 * (`HARNESS_COVERAGE_DIR`), and when the run ends writes the coverage report
 * (text summary, `coverage.json`, `index.html`), failing the run under `threshold`.
 * Put it beside the reporter you already use.
 *
 * @example
 * // vitest.config.ts
 * import { harnessCoverage } from '@harness/coverage';
 * export default defineConfig({ test: { reporters: ['default', harnessCoverage({ threshold: 100 })] } });
 */
export class HarnessCoverageReporter implements Reporter {
  readonly dir: string;
  private readonly options: HarnessCoverageOptions;

  constructor(options: HarnessCoverageOptions = {}) {
    this.options = options;
    this.dir = resolve(options.dir ?? 'harness-coverage');
    // Set as soon as the config is read, so that every worker vitest starts inherits it.
    process.env[COVERAGE_DIR_ENV] = this.dir;
  }

  onInit(): void {
    process.env[COVERAGE_DIR_ENV] = this.dir;
    // Runs of an earlier test run are not this run's coverage.
    rmSync(resolve(this.dir, 'runs'), { recursive: true, force: true });
  }

  onTestRunEnd(): void {
    const write = this.options.write ?? defaultWrite;
    let runs;
    try {
      runs = readRecordedRuns(this.dir);
    } catch {
      write('harness coverage: no workflow runs were recorded (no test called harness.stepFunctions.execute).\n', 'stdout');
      return;
    }
    const wanted = this.options.workflows;
    const report = computeCoverage(wanted ? runs.filter((run) => wanted.includes(run.workflow)) : runs);
    const files = writeCoverageReport(report, this.dir);
    if (this.options.summary !== false) write(`\n${formatTextSummary(report)}harness coverage report: ${files.html}\n`, 'stdout');
    const threshold = this.options.threshold;
    if (threshold === undefined) return;
    const short = belowThreshold(report, threshold);
    if (short.length === 0) return;
    for (const { workflow, uncovered } of short) {
      write(
        `ERROR: harness coverage of ${workflow.workflow} is ${workflow.total.percent.toFixed(1)}%, under the threshold of ${threshold}%. ` +
          `Not covered: ${uncovered.map((item) => item.label).join('; ')}. To fix this, add tests that take these paths, or lower the threshold.\n`,
        'stderr',
      );
    }
    process.exitCode = 1;
  }
}

/**
 * The coverage reporter, for `test.reporters` in a vitest config.
 *
 * @example
 * reporters: ['default', harnessCoverage({ dir: 'harness-coverage', threshold: 90 })]
 */
export function harnessCoverage(options: HarnessCoverageOptions = {}): HarnessCoverageReporter {
  return new HarnessCoverageReporter(options);
}

export default HarnessCoverageReporter;
