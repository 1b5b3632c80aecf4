#!/usr/bin/env node
// Draws the README's pictures from real runs: the example's local workflow suite
// (apps/example/tests/workflow) runs with HARNESS_COVERAGE_DIR set, so every
// execution is recorded; then the coverage renderer of @harness/coverage draws
// the order flow coloured by coverage (docs/order-flow-coverage.svg), and
// describeRunPicture draws one failed run of it (docs/order-flow-failed-run.svg).
//
// Usage, after `npm run build`: node docs/generate-pictures.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeCoverage, coverageMarks, formatTextSummary, readRecordedRuns } from '@harness/coverage';
import { describeRunPicture, renderSvg, workflowGraph } from '@harness/stepfunctions';

const docs = dirname(fileURLToPath(import.meta.url));
const example = join(docs, '..', 'apps', 'example');
const dir = mkdtempSync(join(tmpdir(), 'harness-pictures-'));

try {
  // HARNESS_COVERAGE=off leaves the example's own reporter out: the runs go to this directory only.
  const suite = spawnSync('npx', ['vitest', 'run', 'tests/workflow'], {
    cwd: example,
    env: { ...process.env, HARNESS_COVERAGE: 'off', HARNESS_COVERAGE_DIR: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (suite.status !== 0) throw new Error(`The example's workflow suite failed (exit ${suite.status}); its pictures would not show a passing suite. Run it: cd apps/example && npx vitest run tests/workflow`);

  const runs = readRecordedRuns(dir);
  const report = computeCoverage(runs);
  const flow = report.workflows.find((workflow) => workflow.workflow === 'order-flow');
  if (!flow) throw new Error(`No run of order-flow was recorded in ${dir}; recorded: ${report.workflows.map((workflow) => workflow.workflow).join(', ') || 'none'}.`);
  writeFileSync(join(docs, 'order-flow-coverage.svg'), renderSvg(workflowGraph(flow.definition), coverageMarks(flow)));

  // The run whose render task exits 1 twice: caught by the Map's Catch, it ends in RenderingFailed.
  const failed = runs.find((run) => run.workflow === 'order-flow' && run.error === 'RenderingFailed');
  if (!failed) throw new Error('No order-flow run failed with RenderingFailed; the scenario "retries a render that exits non-zero" should give one.');
  writeFileSync(join(docs, 'order-flow-failed-run.svg'), describeRunPicture(failed, failed.definition).svg);

  process.stdout.write(`${formatTextSummary(report)}\nWrote docs/order-flow-coverage.svg and docs/order-flow-failed-run.svg from ${runs.length} runs.\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
