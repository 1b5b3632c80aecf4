import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatHtmlReport, formatTextSummary } from './format.js';
import type { CoverageReport } from './report.js';

/** The files a report is written to. */
export interface WrittenReport {
  readonly json: string;
  readonly html: string;
  readonly text: string;
}

/**
 * Writes `coverage.json`, `index.html` and `summary.txt` into `dir`.
 *
 * @example
 * const files = writeCoverageReport(report, 'harness-coverage');
 * console.log(`open ${files.html}`);
 */
export function writeCoverageReport(report: CoverageReport, dir: string): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const files = { json: join(dir, 'coverage.json'), html: join(dir, 'index.html'), text: join(dir, 'summary.txt') };
  // The JSON leaves out each workflow's definition (it is in the runs) to keep the file small to diff.
  const json = { ...report, workflows: report.workflows.map(({ definition: _definition, ...workflow }) => workflow) };
  writeFileSync(files.json, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(files.html, formatHtmlReport(report));
  writeFileSync(files.text, formatTextSummary(report));
  return files;
}
