import { renderMermaid, renderSvg, workflowGraph, type GraphMark, type GraphMarks } from '@harness/stepfunctions';
import type { CoverageCount, CoverageReport, CoveredItem, WorkflowCoverage } from './report.js';

function percent(count: CoverageCount): string {
  return `${count.percent.toFixed(1).replace(/\.0$/, '')}% (${count.covered}/${count.total})`;
}

/**
 * The report as text, one block per workflow: totals per kind and each item
 * not covered.
 *
 * @example
 * console.log(formatTextSummary(report));
 * // order-flow (3f2a…, 14 runs, local): 100% (31/31)
 * //   states 100% (13/13) · choices 100% (0/0) · retries 100% (2/2) · catches 100% (4/4) · branches 100% (1/1)
 */
export function formatTextSummary(report: CoverageReport): string {
  if (report.workflows.length === 0) return 'harness coverage: no workflow runs were recorded.\n';
  const lines = [`harness coverage: ${percent(report.total)} of states, Choice rules, Retry / Catch clauses, branches`];
  for (const workflow of report.workflows) {
    lines.push('');
    lines.push(`${workflow.workflow} (${workflow.definitionHash}, ${workflow.runs} run${workflow.runs === 1 ? '' : 's'}, ${workflow.targets.join(' + ')}): ${percent(workflow.total)}`);
    lines.push(`  ${Object.entries(workflow.byKind).map(([kind, count]) => `${kind} ${percent(count)}`).join(' · ')}`);
    const uncovered = workflow.items.filter((item) => item.observable && item.hits === 0);
    for (const item of uncovered) lines.push(`  ✗ ${item.label}`);
    for (const item of workflow.items.filter((candidate) => candidate.inferred)) lines.push(`  ~ ${item.label} (credited by its next state: another rule leads there too)`);
    const hidden = workflow.items.filter((item) => !item.observable);
    if (hidden.length > 0) lines.push(`  (${hidden.length} item(s) in distributed Map processors are not counted: their events are in the child executions' histories)`);
  }
  return `${lines.join('\n')}\n`;
}

/** How one workflow's coverage marks its graph. */
export function coverageMarks(workflow: WorkflowCoverage): GraphMarks {
  const byId = new Map(workflow.items.map((item) => [item.id, item]));
  const markOf = (item: CoveredItem | undefined): GraphMark | undefined => {
    if (!item) return undefined;
    if (!item.observable) return 'unobservable';
    return item.hits > 0 ? 'covered' : 'uncovered';
  };
  return {
    state: (state) => {
      const own = markOf(byId.get(`state:${state.name}`));
      if (own !== 'covered') return own;
      // A state entered but with a clause of its own never used is only partly covered.
      const clauses = workflow.items.filter((item) => item.state === state.name && item.kind !== 'state' && item.observable);
      return clauses.some((item) => item.hits === 0) ? 'partial' : 'covered';
    },
    edge: (edge) => {
      if (edge.kind === 'choice') return markOf(byId.get(`choice:${edge.from}#${edge.index}`));
      if (edge.kind === 'default') return markOf(byId.get(`default:${edge.from}`));
      if (edge.kind === 'catch') return markOf(byId.get(`catch:${edge.from}#${edge.index}`));
      return (byId.get(`state:${edge.to}`)?.hits ?? 0) > 0 && (byId.get(`state:${edge.from}`)?.hits ?? 0) > 0 ? 'covered' : undefined;
    },
    retry: (state, index) => (byId.get(`retry:${state.name}#${index}`)?.hits ?? 0) > 0,
    note: (state) => {
      const hits = byId.get(`state:${state.name}`)?.hits ?? 0;
      return [hits > 0 ? `entered ${hits}×` : 'never entered'];
    },
  };
}

/** One workflow's graph as Mermaid text coloured by coverage (for Markdown, which GitHub renders). */
export function coverageMermaid(workflow: WorkflowCoverage): string {
  return renderMermaid(workflowGraph(workflow.definition), coverageMarks(workflow));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The report as one standalone HTML page: per workflow, its totals, the state
 * graph coloured by coverage (an inline SVG: nothing is fetched, no script
 * runs), the items not covered, and the Mermaid text.
 *
 * @example
 * writeFileSync('harness-coverage/index.html', formatHtmlReport(report));
 */
export function formatHtmlReport(report: CoverageReport): string {
  const sections = report.workflows.map((workflow, index) => {
    const svg = renderSvg(workflowGraph(workflow.definition), coverageMarks(workflow));
    const uncovered = workflow.items.filter((item) => item.observable && item.hits === 0);
    const rows = Object.entries(workflow.byKind)
      .map(([kind, count]) => `<tr><th>${kind}</th><td>${count.covered}/${count.total}</td><td>${count.percent.toFixed(1)}%</td></tr>`)
      .join('');
    return `<section class="workflow" id="workflow-${index}" data-workflow="${escapeHtml(workflow.workflow)}">
<h2>${escapeHtml(workflow.workflow)} <small>${escapeHtml(workflow.definitionHash)} · ${workflow.runs} run(s) · ${escapeHtml(workflow.targets.join(' + '))}</small></h2>
<p class="total ${workflow.total.percent === 100 ? 'full' : 'short'}">${percent(workflow.total)}</p>
<table>${rows}</table>
<figure>${svg}</figure>
${uncovered.length > 0 ? `<h3>Not covered</h3><ul class="uncovered">${uncovered.map((item) => `<li>${escapeHtml(item.label)}</li>`).join('')}</ul>` : '<p class="all-covered">Every state, rule and clause was exercised.</p>'}
<details><summary>Mermaid</summary><pre>${escapeHtml(coverageMermaid(workflow))}</pre></details>
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>harness coverage</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#212529}
small{color:#868e96;font-weight:normal}
table{border-collapse:collapse;margin:8px 0}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #dee2e6}
.total{font-size:1.3em;font-weight:bold}.full{color:#2b8a3e}.short{color:#c92a2a}
figure{margin:12px 0;overflow:auto;border:1px solid #dee2e6;padding:8px}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:2px solid}
pre{background:#f8f9fa;padding:12px;overflow:auto}
</style></head><body>
<h1>harness coverage <small>${percent(report.total)}</small></h1>
<p class="legend"><span style="background:#d9f2d9;border-color:#2b8a3e">covered</span><span style="background:#fff3bf;border-color:#e67700">entered, a clause not used</span><span style="background:#ffe3e3;border-color:#c92a2a">not covered</span><span style="background:#f1f3f5;border-color:#868e96">not observable</span> ✓ / ✗ before a Retry clause: used or not</p>
${sections.join('\n')}
</body></html>
`;
}
