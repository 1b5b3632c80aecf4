export { CoverageError, CoverageInputError } from './errors.js';
export { coverageMarks, coverageMermaid, formatHtmlReport, formatTextSummary } from './format.js';
export { belowThreshold, computeCoverage, readRecordedRuns } from './report.js';
export type { CoverageCount, CoverageReport, CoveredItem, WorkflowCoverage } from './report.js';
export { harnessCoverage, HarnessCoverageReporter } from './reporter.js';
export type { HarnessCoverageOptions } from './reporter.js';
export { writeCoverageReport } from './write.js';
export type { WrittenReport } from './write.js';
