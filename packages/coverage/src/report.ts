import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  coverageHits,
  coverageItems,
  RECORDED_RUN_FORMAT,
  workflowGraph,
  type AslDefinition,
  type CoverageItem,
  type RecordedRun,
} from '@harness/stepfunctions';
import { CoverageInputError } from './errors.js';

/** One item with how often the runs exercised it. */
export interface CoveredItem extends CoverageItem {
  readonly hits: number;
  /** Set when every hit was credited by the next state only (two Choice rules with one Next that the history cannot tell apart). */
  readonly inferred?: boolean;
}

/** Coverage counts of one kind of item. */
export interface CoverageCount {
  readonly covered: number;
  readonly total: number;
  /** 100 when there is nothing to cover. */
  readonly percent: number;
}

/** The coverage of one workflow (one state machine name and definition) over the runs recorded. */
export interface WorkflowCoverage {
  readonly workflow: string;
  readonly definitionHash: string;
  readonly definition: AslDefinition;
  readonly runs: number;
  readonly targets: readonly ('local' | 'aws')[];
  readonly items: readonly CoveredItem[];
  /** Observable items only (a distributed Map's processor states are listed, not counted). */
  readonly total: CoverageCount;
  readonly byKind: Readonly<Record<'states' | 'choices' | 'retries' | 'catches' | 'branches', CoverageCount>>;
}

/** The coverage of every workflow the runs exercised. */
export interface CoverageReport {
  readonly format: 'harness.coverage/1';
  readonly workflows: readonly WorkflowCoverage[];
  readonly total: CoverageCount;
}

const KIND_GROUPS: Readonly<Record<keyof WorkflowCoverage['byKind'], readonly CoverageItem['kind'][]>> = {
  states: ['state'],
  choices: ['choice-rule', 'choice-default'],
  retries: ['retry'],
  catches: ['catch'],
  branches: ['branch', 'processor'],
};

function count(items: readonly CoveredItem[]): CoverageCount {
  const counted = items.filter((item) => item.observable);
  const covered = counted.filter((item) => item.hits > 0).length;
  return { covered, total: counted.length, percent: counted.length === 0 ? 100 : (covered / counted.length) * 100 };
}

/**
 * The runs recorded in `<dir>/runs` (by `harness.stepFunctions.execute` with
 * `HARNESS_COVERAGE_DIR` set), oldest first.
 *
 * @example
 * const runs = readRecordedRuns('harness-coverage');
 */
export function readRecordedRuns(dir: string): RecordedRun[] {
  const runsDir = join(dir, 'runs');
  let files: string[];
  try {
    files = readdirSync(runsDir).filter((file) => file.endsWith('.json')).sort();
  } catch (error) {
    throw new CoverageInputError(
      `No recorded runs in ${runsDir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
        'To fix this, run the tests with the harness coverage reporter (reporters: [harnessCoverage()]) or with HARNESS_COVERAGE_DIR set, and pass that directory.',
    );
  }
  return files.map((file) => {
    const path = join(runsDir, file);
    let record: RecordedRun;
    try {
      record = JSON.parse(readFileSync(path, 'utf8')) as RecordedRun;
    } catch (error) {
      throw new CoverageInputError(`${path} is not JSON (${(error as Error).message}). To fix this, delete it and run the tests again.`);
    }
    if (record.format !== RECORDED_RUN_FORMAT) {
      throw new CoverageInputError(`${path} is not a recorded run (format ${String(record.format)}, expected ${RECORDED_RUN_FORMAT}). To fix this, delete it and run the tests again.`);
    }
    return record;
  });
}

/**
 * Coverage per workflow (state machine name + definition hash) over recorded runs.
 *
 * @example
 * const report = computeCoverage(readRecordedRuns('harness-coverage'));
 * console.log(formatTextSummary(report));
 */
export function computeCoverage(runs: readonly RecordedRun[]): CoverageReport {
  const groups = new Map<string, RecordedRun[]>();
  for (const run of runs) {
    const key = `${run.workflow}\u0000${run.definitionHash}`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const workflows: WorkflowCoverage[] = [];
  for (const group of groups.values()) {
    const first = group[0] as RecordedRun;
    const graph = workflowGraph(first.definition);
    const hits = new Map<string, { exact: number; inferred: number }>();
    for (const run of group) {
      for (const hit of coverageHits(graph, run.history)) {
        const entry = hits.get(hit.id) ?? { exact: 0, inferred: 0 };
        if (hit.how === 'exact') entry.exact++;
        else entry.inferred++;
        hits.set(hit.id, entry);
      }
    }
    const items: CoveredItem[] = coverageItems(graph).map((item) => {
      const entry = hits.get(item.id);
      const total = (entry?.exact ?? 0) + (entry?.inferred ?? 0);
      return { ...item, hits: total, ...(entry && entry.exact === 0 && entry.inferred > 0 ? { inferred: true } : {}) };
    });
    const byKind = Object.fromEntries(
      Object.entries(KIND_GROUPS).map(([name, kinds]) => [name, count(items.filter((item) => kinds.includes(item.kind)))]),
    ) as unknown as WorkflowCoverage['byKind'];
    workflows.push({
      workflow: first.workflow,
      definitionHash: first.definitionHash,
      definition: first.definition,
      runs: group.length,
      targets: [...new Set(group.map((run) => run.target))].sort(),
      items,
      total: count(items),
      byKind,
    });
  }
  workflows.sort((a, b) => a.workflow.localeCompare(b.workflow) || a.definitionHash.localeCompare(b.definitionHash));
  return { format: 'harness.coverage/1', workflows, total: count(workflows.flatMap((workflow) => workflow.items)) };
}

/** Workflows whose coverage is under `threshold` percent, with what they miss. */
export function belowThreshold(report: CoverageReport, threshold: number): Array<{ workflow: WorkflowCoverage; uncovered: readonly CoveredItem[] }> {
  return report.workflows
    .filter((workflow) => workflow.total.percent < threshold)
    .map((workflow) => ({ workflow, uncovered: workflow.items.filter((item) => item.observable && item.hits === 0) }));
}
