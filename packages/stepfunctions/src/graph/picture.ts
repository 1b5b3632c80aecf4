import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AslDefinition } from '../definition.js';
import { coverageDirectory } from './record.js';
import type { HistoryEvent } from '../engine/history/events.js';
import { renderMermaid, type GraphMarks } from './mermaid.js';
import { workflowGraph, type GraphEdge, type WorkflowGraph } from './model.js';
import { renderSvg } from './svg.js';
import { traceRun, type RunTrace, type StateVisit } from './trace.js';

/** The parts of an execution a picture needs (an `Execution` from `execute` has them). */
export interface RunForPicture {
  readonly status: string;
  readonly error?: string;
  readonly cause?: string;
  readonly history: readonly HistoryEvent[];
  readonly name?: string;
  readonly executionArn?: string;
}

/** Where a run failed: the innermost state that failed last, what it entered with and its error. */
export interface FailingState {
  readonly name: string;
  readonly type: string;
  readonly input: unknown;
  readonly error?: string;
  readonly cause?: string;
}

/** A run drawn on its workflow's graph. */
export interface RunPicture {
  /** The path as one line: `ValidateOrder → EnrichOrder → RenderDocuments [RenderDocument ×2, 1 ✖] ✖`. */
  readonly path: string;
  readonly failingState?: FailingState;
  /** Mermaid `flowchart` text with the visited states and transitions marked, the failing state in red. */
  readonly mermaid: string;
  /** The same picture as SVG (no script). */
  readonly svg: string;
  /** A standalone HTML page: the picture, the failing state's input and error, the Mermaid text. */
  readonly html: string;
  /** All of it as text for an assertion message: path, failing state, input, error, Mermaid. */
  readonly text: string;
}

/**
 * Draws a run on its definition's graph: the path it took, and where it
 * failed with that state's input and error. For failure messages (the
 * matchers call it) and for an HTML file beside the report.
 *
 * @example
 * const picture = describeRunPicture(run, definition);
 * if (run.status !== 'SUCCEEDED') throw new Error(`run failed\n${picture.text}`);
 * writeFileSync('failed-run.html', picture.html);
 */
export function describeRunPicture(run: RunForPicture, definition: AslDefinition): RunPicture {
  const graph = workflowGraph(definition);
  const trace = traceRun(run.history);
  const failing = run.status === 'SUCCEEDED' ? undefined : failingVisit(trace);
  const failingState: FailingState | undefined = failing
    ? {
        name: failing.visit.name,
        type: failing.visit.type,
        input: failing.visit.input,
        ...(failing.error !== undefined ? { error: failing.error } : {}),
        ...(failing.cause !== undefined ? { cause: failing.cause } : {}),
      }
    : undefined;
  const marks = runMarks(graph, trace, failing?.failedNames ?? new Set(), failingState);
  const mermaid = renderMermaid(graph, marks);
  const svg = renderSvg(graph, marks);
  const path = describePath(trace);
  const lines = [`Path (${run.status}): ${path}`];
  if (failingState) {
    lines.push(`Failed at ${failingState.name} (${failingState.type})${failingState.error !== undefined ? ` with ${failingState.error}` : ''}${failingState.cause !== undefined ? `: ${shorten(failingState.cause, 400)}` : ''}`);
    lines.push(`Its input: ${shorten(JSON.stringify(failingState.input) ?? 'unknown', 800)}`);
  } else if (run.status !== 'SUCCEEDED' && run.error !== undefined) {
    lines.push(`Execution error: ${run.error}${run.cause !== undefined ? `: ${shorten(run.cause, 400)}` : ''}`);
  }
  lines.push('', '```mermaid', mermaid.trimEnd(), '```');
  const text = lines.join('\n');
  return { path, ...(failingState ? { failingState } : {}), mermaid, svg, html: runPage(run, path, failingState, svg, mermaid), text };
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function failingVisit(trace: RunTrace): { visit: StateVisit; error?: string; cause?: string; failedNames: Set<string> } | undefined {
  // Still open when the run ended: a state whose Map / Parallel went on (caught the failure) is not.
  const stillOpen = (visit: StateVisit): boolean => visit.exitedEventId === undefined && (visit.parent === undefined || stillOpen(trace.visits[visit.parent] as StateVisit));
  const open = trace.visits.filter(stillOpen);
  if (open.length === 0) return undefined;
  // A Fail state ends the run itself; else the innermost open state that failed last; else the last open one (a stopped run).
  const failed = open.filter((visit) => visit.endedInFailure);
  const visit = open.find((candidate) => candidate.type === 'Fail') ?? failed.at(-1) ?? (open.at(-1) as StateVisit);
  const own = [...visit.failures].reverse().find((failure) => failure.error !== undefined);
  const source = visit.type === 'Fail' || !own ? trace.executionFailure : own;
  const failedNames = new Set<string>([visit.name]);
  let parent = visit.parent;
  while (parent !== undefined) {
    const container = trace.visits[parent] as StateVisit;
    failedNames.add(container.name);
    parent = container.parent;
  }
  return { visit, ...(source?.error !== undefined ? { error: source.error } : {}), ...(source?.cause !== undefined ? { cause: source.cause } : {}), failedNames };
}

function runMarks(graph: WorkflowGraph, trace: RunTrace, failed: ReadonlySet<string>, failing: FailingState | undefined): GraphMarks {
  const entered = new Map<string, number>();
  const taken = new Set<string>();
  for (const visit of trace.visits) {
    entered.set(visit.name, (entered.get(visit.name) ?? 0) + 1);
    if (visit.next !== undefined) taken.add(`${visit.name}\u0000${visit.next}`);
  }
  const retried = new Map<string, number>();
  for (const visit of trace.visits) if (visit.retries.length > 0) retried.set(visit.name, (retried.get(visit.name) ?? 0) + visit.retries.length);
  return {
    state: (state) => (failed.has(state.name) ? 'failed' : entered.has(state.name) ? 'visited' : undefined),
    edge: (edge: GraphEdge) => (taken.has(`${edge.from}\u0000${edge.to}`) ? 'visited' : undefined),
    note: (state) => {
      const notes: string[] = [];
      const count = entered.get(state.name) ?? 0;
      if (count > 1) notes.push(`entered ${count}×`);
      const retries = retried.get(state.name);
      if (retries !== undefined) notes.push(`retried ${retries}×`);
      if (failing?.name === state.name) {
        // The failing state carries its error and input on the picture itself (short: the page and the message have them in full).
        notes.push(`✖ failed here${failing.error !== undefined ? `: ${shorten(failing.error, 40)}` : ''}`);
        if (failing.cause !== undefined) notes.push(shorten(causeSummary(failing.cause).replace(/\s+/g, ' '), 48));
        notes.push(`input: ${shorten(JSON.stringify(failing.input) ?? 'unknown', 48)}`);
      } else if (failed.has(state.name)) {
        notes.push('✖ failed inside');
      }
      return notes;
    },
  };
}

/** A cause in a few words: a Lambda error's `errorMessage`, a child execution's `Cause`, an ECS task's `StoppedReason`; else the text. */
function causeSummary(cause: string): string {
  if (!cause.trimStart().startsWith('{')) return cause;
  try {
    const parsed = JSON.parse(cause) as Record<string, unknown>;
    const summary = [parsed.errorMessage, parsed.Cause, parsed.StoppedReason].find((value) => typeof value === 'string');
    return typeof summary === 'string' ? summary : cause;
  } catch {
    return cause;
  }
}

/** The states entered, top level first, each Map / Parallel with what ran inside it. */
export function describePath(trace: RunTrace): string {
  const childrenOf = new Map<number | undefined, number[]>();
  trace.visits.forEach((visit, index) => childrenOf.set(visit.parent, [...(childrenOf.get(visit.parent) ?? []), index]));
  const describe = (indexes: readonly number[]): string => {
    const parts: string[] = [];
    for (const index of indexes) {
      const visit = trace.visits[index] as StateVisit;
      let part = visit.name;
      if (visit.retries.length > 0) part += ` (retried ${visit.retries.length}×)`;
      const inner = childrenOf.get(index);
      if (inner && inner.length > 0) {
        // Iterations repeat the same states: count them instead of listing each.
        const counts = new Map<string, { entered: number; failed: number }>();
        for (const child of inner) {
          const visitChild = trace.visits[child] as StateVisit;
          const count = counts.get(visitChild.name) ?? { entered: 0, failed: 0 };
          count.entered++;
          if (visitChild.exitedEventId === undefined && visitChild.endedInFailure) count.failed++;
          counts.set(visitChild.name, count);
        }
        const uniform = [...counts.values()].every((count) => count.entered === 1);
        part += ` [${uniform ? describe(inner) : [...counts].map(([name, count]) => `${name} ×${count.entered}${count.failed > 0 ? `, ${count.failed} ✖` : ''}`).join(', ')}]`;
      }
      if (visit.exitedEventId === undefined && (visit.endedInFailure || visit.type === 'Fail')) part += ' ✖';
      parts.push(part);
    }
    return parts.join(' → ');
  };
  return describe(childrenOf.get(undefined) ?? []);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function runPage(run: RunForPicture, path: string, failing: FailingState | undefined, svg: string, mermaid: string): string {
  const title = `${run.name ?? 'Execution'}: ${run.status}`;
  const details = failing
    ? `<h2>Failed at ${escapeHtml(failing.name)} (${escapeHtml(failing.type)})</h2>
<p class="error">${escapeHtml(failing.error ?? 'no error name')}${failing.cause !== undefined ? `: ${escapeHtml(failing.cause)}` : ''}</p>
<h3>Its input</h3><pre class="input">${escapeHtml(JSON.stringify(failing.input, null, 2) ?? 'unknown')}</pre>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#212529}pre{background:#f8f9fa;padding:12px;overflow:auto;max-height:24em}.error{color:#c92a2a;font-weight:bold}figure{margin:0;overflow:auto}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
${run.executionArn !== undefined ? `<p><code>${escapeHtml(run.executionArn)}</code></p>` : ''}
<p class="path">${escapeHtml(path)}</p>
${details}
<figure>${svg}</figure>
<details><summary>Mermaid</summary><pre>${escapeHtml(mermaid)}</pre></details>
</body></html>
`;
}

/**
 * Writes a run's picture as an HTML file beside the coverage report
 * (`<HARNESS_COVERAGE_DIR>/failed-runs/`), or under the system's temporary
 * directory when coverage is off, and returns its path (for a failure message).
 *
 * @example
 * const file = writeRunPicture(describeRunPicture(run, definition), run.name);
 * throw new Error(`the run failed; its picture: ${file}`);
 */
export function writeRunPicture(picture: RunPicture, name: string, dir?: string): string {
  const target = dir ?? join(coverageDirectory() ?? join(tmpdir(), 'harness'), 'failed-runs');
  mkdirSync(target, { recursive: true });
  const file = join(target, `${name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'run'}.html`);
  writeFileSync(file, picture.html);
  return file;
}
