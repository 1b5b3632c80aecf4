import { MARK_COLOURS, type GraphMarks } from './mermaid.js';
import type { GraphEdge, GraphScope, GraphState, WorkflowGraph } from './model.js';

// A small layered layout ("Sugiyama" in its simplest form): each scope's states
// are ranked by their longest path from StartAt (back edges ignored), ordered
// in each rank once by their predecessors' places, and drawn top to bottom.
// Map and Parallel states are boxes holding their processor / branches, laid
// out the same way. No dependency and no script: the SVG is the picture.

const CHAR_WIDTH = 7;
const LINE_HEIGHT = 16;
const NODE_PADDING = 12;
const RANK_GAP = 56;
const NODE_GAP = 28;
const CONTAINER_PADDING = 14;
const BACK_EDGE_MARGIN = 36;

interface Box {
  x: number;
  y: number;
  readonly width: number;
  readonly height: number;
}

interface ScopeLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: Map<string, Box>;
  readonly scope: GraphScope;
}

interface NodeLayout {
  readonly width: number;
  readonly height: number;
  readonly lines: readonly string[];
  /** For Map / Parallel: the children's layouts and where they sit inside the box. */
  readonly children: ReadonlyArray<{ readonly layout: ScopeLayout; readonly x: number; readonly y: number; readonly title?: string }>;
  readonly headerHeight: number;
}

function textWidth(lines: readonly string[]): number {
  return Math.max(...lines.map((line) => line.length)) * CHAR_WIDTH + 2 * NODE_PADDING;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The graph as a standalone SVG picture (no script, no fonts to fetch),
 * marked like {@link renderMermaid}: each state is a `<g class="state …"
 * data-state="Name">`, each transition a `<path class="edge …" data-from data-to>`.
 *
 * @example
 * writeFileSync('order-flow.svg', renderSvg(workflowGraph(definition)));
 */
export function renderSvg(graph: WorkflowGraph, marks: GraphMarks = {}): string {
  const nodes = new Map<string, NodeLayout>();
  const layouts = new Map<string, ScopeLayout>();

  const nodeLayout = (state: GraphState): NodeLayout => {
    const retries = state.retries.map((retry) => {
      const used = marks.retry?.(state, retry.index);
      return `${used === true ? '✓ ' : used === false ? '✗ ' : '↻ '}${retry.label}`;
    });
    const lines = [state.children.length > 0 ? `${state.name} (${state.type})` : state.name, ...(state.children.length > 0 ? [] : [state.type]), ...retries, ...(marks.note?.(state) ?? [])];
    const headerHeight = lines.length * LINE_HEIGHT + NODE_PADDING;
    if (state.children.length === 0) return { width: Math.max(110, textWidth(lines)), height: headerHeight, lines, children: [], headerHeight };
    const children: Array<{ layout: ScopeLayout; x: number; y: number; title?: string }> = [];
    let x = CONTAINER_PADDING;
    let height = 0;
    for (const childId of state.children) {
      const scope = graph.scopes.find((candidate) => candidate.id === childId);
      if (!scope) continue;
      const layout = layoutScope(scope);
      const titled = scope.kind === 'branch';
      const top = headerHeight + (titled ? LINE_HEIGHT + 6 : 0);
      children.push({ layout, x: x + (titled ? 8 : 0), y: top, ...(titled ? { title: `branch ${(scope.branch ?? 0) + 1}` } : {}) });
      x += layout.width + (titled ? 16 : 0) + CONTAINER_PADDING;
      height = Math.max(height, top + layout.height + (titled ? 8 : 0));
    }
    return { width: Math.max(textWidth(lines), x), height: height + CONTAINER_PADDING, lines, children, headerHeight };
  };

  const layoutScope = (scope: GraphScope): ScopeLayout => {
    const cached = layouts.get(scope.id);
    if (cached) return cached;
    const members = new Set(scope.states);
    for (const name of scope.states) {
      const state = graph.states.get(name);
      if (state) nodes.set(name, nodeLayout(state));
    }
    const outgoing = new Map<string, string[]>();
    for (const edge of graph.edges) {
      if (!members.has(edge.from) || !members.has(edge.to)) continue;
      outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge.to]);
    }
    // Depth-first from StartAt, then from any state not reached: back edges are those to a state on the stack.
    const order: string[] = [];
    const finished: string[] = [];
    const onStack = new Set<string>();
    const seen = new Set<string>();
    const back = new Set<string>();
    const visit = (name: string): void => {
      seen.add(name);
      onStack.add(name);
      order.push(name);
      for (const to of outgoing.get(name) ?? []) {
        if (onStack.has(to)) back.add(`${name}\u0000${to}`);
        else if (!seen.has(to)) visit(to);
      }
      onStack.delete(name);
      finished.push(name);
    };
    if (members.has(scope.startAt)) visit(scope.startAt);
    for (const name of scope.states) if (!seen.has(name)) visit(name);
    const rank = new Map<string, number>(scope.states.map((name) => [name, 0]));
    for (const name of [...finished].reverse()) {
      for (const to of outgoing.get(name) ?? []) {
        if (!back.has(`${name}\u0000${to}`)) rank.set(to, Math.max(rank.get(to) ?? 0, (rank.get(name) ?? 0) + 1));
      }
    }
    const ranks: string[][] = [];
    for (const name of order) (ranks[rank.get(name) ?? 0] ??= []).push(name);
    const place = new Map<string, number>();
    ranks.forEach((names, index) => {
      if (index > 0) {
        const weight = (name: string): number => {
          const from = [...outgoing.entries()].filter(([source, targets]) => targets.includes(name) && (rank.get(source) ?? 0) < index).map(([source]) => place.get(source) ?? 0);
          return from.length === 0 ? Number.MAX_SAFE_INTEGER : from.reduce((a, b) => a + b, 0) / from.length;
        };
        const weights = new Map(names.map((name) => [name, weight(name)]));
        names.sort((a, b) => (weights.get(a) ?? 0) - (weights.get(b) ?? 0));
      }
      names.forEach((name, position) => place.set(name, position));
    });
    const rowWidths = ranks.map((names) => names.reduce((sum, name) => sum + (nodes.get(name)?.width ?? 0), 0) + NODE_GAP * Math.max(0, (names?.length ?? 1) - 1));
    const hasBackEdges = back.size > 0;
    const width = Math.max(0, ...rowWidths) + (hasBackEdges ? BACK_EDGE_MARGIN * 2 : 0);
    const boxes = new Map<string, Box>();
    let y = scope.kind === 'root' ? 34 : 0;
    ranks.forEach((names, index) => {
      let x = (width - (rowWidths[index] ?? 0)) / 2;
      const rowHeight = Math.max(...names.map((name) => nodes.get(name)?.height ?? 0));
      for (const name of names) {
        const node = nodes.get(name) as NodeLayout;
        boxes.set(name, { x, y, width: node.width, height: node.height });
        x += node.width + NODE_GAP;
      }
      y += rowHeight + RANK_GAP;
    });
    const layout: ScopeLayout = { width, height: Math.max(0, y - RANK_GAP), boxes, scope };
    layouts.set(scope.id, layout);
    return layout;
  };

  const root = layoutScope(graph.scopes[0] as GraphScope);
  const parts: string[] = [];

  const drawScope = (layout: ScopeLayout, ox: number, oy: number): void => {
    const members = new Set(layout.scope.states);
    for (const edge of graph.edges) {
      if (!members.has(edge.from) || !members.has(edge.to)) continue;
      drawEdge(edge, layout, ox, oy);
    }
    for (const name of layout.scope.states) {
      const box = layout.boxes.get(name);
      const node = nodes.get(name);
      const state = graph.states.get(name);
      if (!box || !node || !state) continue;
      const mark = marks.state?.(state);
      const colour = mark ? MARK_COLOURS[mark] : { fill: '#ffffff', stroke: '#495057' };
      const x = ox + box.x;
      const y = oy + box.y;
      const rx = state.type === 'Choice' ? 14 : state.type === 'Succeed' || state.type === 'Fail' ? box.height / 2 : 4;
      parts.push(`<g class="state${mark ? ` ${mark}` : ''}" data-state="${escapeXml(name)}" data-type="${escapeXml(state.type)}">`);
      parts.push(
        `<rect x="${x}" y="${y}" width="${box.width}" height="${box.height}" rx="${Math.min(rx, 22)}" fill="${colour.fill}" stroke="${colour.stroke}" stroke-width="${mark ? 2 : 1}"${node.children.length > 0 ? ' fill-opacity="0.55"' : ''}/>`,
      );
      node.lines.forEach((line, index) => {
        const weight = index === 0 ? ' font-weight="bold"' : '';
        parts.push(`<text x="${x + box.width / 2}" y="${y + NODE_PADDING / 2 + LINE_HEIGHT * (index + 1) - 4}" text-anchor="middle"${weight}>${escapeXml(line)}</text>`);
      });
      parts.push('</g>');
      for (const child of node.children) {
        if (child.title !== undefined) {
          parts.push(`<rect class="branch" x="${x + child.x - 8}" y="${y + child.y - LINE_HEIGHT - 4}" width="${child.layout.width + 16}" height="${child.layout.height + LINE_HEIGHT + 12}" fill="none" stroke="#868e96" stroke-dasharray="4 3"/>`);
          parts.push(`<text x="${x + child.x}" y="${y + child.y - 8}" class="small">${escapeXml(child.title)}</text>`);
        }
        drawScope(child.layout, x + child.x, y + child.y);
      }
    }
  };

  const drawEdge = (edge: GraphEdge, layout: ScopeLayout, ox: number, oy: number): void => {
    const from = layout.boxes.get(edge.from);
    const to = layout.boxes.get(edge.to);
    if (!from || !to) return;
    const mark = marks.edge?.(edge);
    const colour = mark ? MARK_COLOURS[mark].stroke : '#495057';
    const width = mark && mark !== 'uncovered' && mark !== 'unobservable' ? 2.5 : 1.2;
    const dash = edge.kind === 'catch' ? ' stroke-dasharray="6 4"' : '';
    let path: string;
    let labelX: number;
    let labelY: number;
    if (to.y > from.y) {
      const x1 = ox + from.x + from.width / 2;
      const y1 = oy + from.y + from.height;
      const x2 = ox + to.x + to.width / 2;
      const y2 = oy + to.y;
      const bend = (y2 - y1) / 2;
      path = `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`;
      labelX = (x1 + x2) / 2;
      labelY = (y1 + y2) / 2;
    } else {
      const x1 = ox + from.x + from.width;
      const y1 = oy + from.y + from.height / 2;
      const x2 = ox + to.x + to.width;
      const y2 = oy + to.y + to.height / 2;
      const side = Math.max(x1, x2) + BACK_EDGE_MARGIN;
      path = `M${x1},${y1} C${side},${y1} ${side},${y2} ${x2},${y2}`;
      labelX = side - 4;
      labelY = (y1 + y2) / 2;
    }
    parts.push(
      `<path class="edge ${edge.kind}${mark ? ` ${mark}` : ''}" data-from="${escapeXml(edge.from)}" data-to="${escapeXml(edge.to)}" d="${path}" fill="none" stroke="${colour}" stroke-width="${width}"${dash} marker-end="url(#arrow)"/>`,
    );
    if (edge.label !== undefined) {
      const text = edge.label.length > 48 ? `${edge.label.slice(0, 47)}…` : edge.label;
      parts.push(`<text class="small edge-label" x="${labelX}" y="${labelY}" text-anchor="middle" fill="${colour}">${escapeXml(text)}</text>`);
    }
  };

  const margin = 16;
  const start = root.boxes.get(graph.startAt);
  if (start) {
    const cx = margin + start.x + start.width / 2;
    parts.push(`<circle class="start" cx="${cx}" cy="${margin + 8}" r="7" fill="#495057"/>`);
    parts.push(`<path d="M${cx},${margin + 15} L${cx},${margin + start.y}" stroke="#495057" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  }
  drawScope(root, margin, margin);
  const width = root.width + 2 * margin + BACK_EDGE_MARGIN;
  const height = root.height + 2 * margin;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="workflow-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#495057"/></marker></defs>',
    '<style>.small{font-size:10px}.edge-label{paint-order:stroke;stroke:#fff;stroke-width:3px}</style>',
    ...parts,
    '</svg>',
  ].join('\n');
}
