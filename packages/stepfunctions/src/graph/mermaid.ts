import type { GraphEdge, GraphScope, GraphState, WorkflowGraph } from './model.js';

/** How a state or a transition is drawn: by coverage, or on a run's path. */
export type GraphMark = 'covered' | 'uncovered' | 'partial' | 'visited' | 'failed' | 'unobservable';

/** What to mark on the picture. Everything is optional: without marks it is the bare graph. */
export interface GraphMarks {
  readonly state?: (state: GraphState) => GraphMark | undefined;
  readonly edge?: (edge: GraphEdge) => GraphMark | undefined;
  /** Extra lines under a state's name (`entered 3×`, `✖ States.TaskFailed`). */
  readonly note?: (state: GraphState) => readonly string[] | undefined;
  /** Whether a Retry clause was used (drawn ✓ / ✗ beside it). */
  readonly retry?: (state: GraphState, index: number) => boolean | undefined;
}

export const MARK_COLOURS: Readonly<Record<GraphMark, { fill: string; stroke: string }>> = {
  covered: { fill: '#d9f2d9', stroke: '#2b8a3e' },
  visited: { fill: '#d9f2d9', stroke: '#2b8a3e' },
  partial: { fill: '#fff3bf', stroke: '#e67700' },
  uncovered: { fill: '#ffe3e3', stroke: '#c92a2a' },
  failed: { fill: '#ffc9c9', stroke: '#c92a2a' },
  unobservable: { fill: '#f1f3f5', stroke: '#868e96' },
};

/** The Mermaid node id of a state (Mermaid ids are letters, digits and underscores). */
export function mermaidId(name: string): string {
  return `s_${name.replace(/[^A-Za-z0-9]/g, (char) => `_${char.charCodeAt(0).toString(16)}_`)}`;
}

/** A quoted Mermaid label; lines are joined with `<br/>`, everything else is escaped. */
function label(text: string): string {
  const escape = (line: string): string => line.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  return `"${text.split('\n').map(escape).join('<br/>')}"`;
}

function shape(state: GraphState, text: string): string {
  const id = mermaidId(state.name);
  switch (state.type) {
    case 'Choice':
      return `${id}{${label(text)}}`;
    case 'Succeed':
    case 'Fail':
      return `${id}([${label(text)}])`;
    case 'Pass':
    case 'Wait':
      return `${id}(${label(text)})`;
    default:
      return `${id}[${label(text)}]`;
  }
}

/**
 * The graph as Mermaid `flowchart` text: states (Choice as diamonds, Succeed
 * and Fail as stadiums), Next / Choice rule / Default / Catch transitions
 * with their labels, Retry clauses under the state's name, Parallel branches
 * and Map processors as subgraphs, and the marks given (coverage, a run's path).
 *
 * @example
 * console.log(renderMermaid(workflowGraph(definition)));
 * // flowchart TD
 * //   start_(( )) --> s_ValidateOrder
 * //   …
 */
export function renderMermaid(graph: WorkflowGraph, marks: GraphMarks = {}): string {
  const lines = ['flowchart TD'];
  const classes = new Map<GraphMark, string[]>();
  const mark = (id: string, value: GraphMark | undefined): void => {
    if (value) classes.set(value, [...(classes.get(value) ?? []), id]);
  };

  const writeScope = (scope: GraphScope, indent: string): void => {
    for (const name of scope.states) {
      const state = graph.states.get(name);
      if (!state) continue;
      const text = [
        `${state.name}`,
        ...state.retries.map((retry) => {
          const used = marks.retry?.(state, retry.index);
          return `${used === true ? '✓ ' : used === false ? '✗ ' : ''}${retry.label}`;
        }),
        ...(marks.note?.(state) ?? []),
      ].join('\n');
      if (state.children.length > 0) {
        lines.push(`${indent}subgraph ${mermaidId(name)} [${label(`${state.type}: ${text}`)}]`);
        lines.push(`${indent}  direction TB`);
        for (const childId of state.children) {
          const child = graph.scopes.find((candidate) => candidate.id === childId);
          if (!child) continue;
          if (state.type === 'Parallel') {
            const branchId = `${mermaidId(name)}_b${child.branch}`;
            lines.push(`${indent}  subgraph ${branchId} [${label(`branch ${(child.branch ?? 0) + 1}`)}]`);
            lines.push(`${indent}    direction TB`);
            writeScope(child, `${indent}    `);
            lines.push(`${indent}  end`);
          } else {
            writeScope(child, `${indent}  `);
          }
        }
        lines.push(`${indent}end`);
      } else {
        lines.push(`${indent}${shape(state, text)}`);
      }
      mark(mermaidId(name), marks.state?.(state));
    }
  };

  lines.push(`  start_(( ))`);
  writeScope(graph.scopes[0] as GraphScope, '  ');
  const linkStyles: string[] = [];
  let link = 0;
  lines.push(`  start_ --> ${mermaidId(graph.startAt)}`);
  link++;
  for (const edge of graph.edges) {
    const arrow = edge.kind === 'catch' ? '-.->' : '-->';
    const text = edge.label !== undefined ? `|${label(edge.label)}|` : '';
    lines.push(`  ${mermaidId(edge.from)} ${arrow}${text} ${mermaidId(edge.to)}`);
    const edgeMark = marks.edge?.(edge);
    if (edgeMark) {
      const colour = MARK_COLOURS[edgeMark];
      linkStyles.push(`  linkStyle ${link} stroke:${colour.stroke},stroke-width:${edgeMark === 'uncovered' ? 1 : 3}px`);
    }
    link++;
  }
  lines.push(...linkStyles);
  for (const [value, ids] of classes) {
    const colour = MARK_COLOURS[value];
    lines.push(`  classDef ${value} fill:${colour.fill},stroke:${colour.stroke},stroke-width:2px`);
    lines.push(`  class ${ids.join(',')} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}
