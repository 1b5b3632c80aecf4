import type { AslDefinition, AslState } from '../definition.js';

/** How one state leads to another. */
export type GraphEdgeKind = 'next' | 'choice' | 'default' | 'catch';

/** A transition of the definition: `Next`, a Choice rule or `Default`, a `Catch` clause. */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: GraphEdgeKind;
  /** The rule's or clause's place in `Choices` / `Catch`. */
  readonly index?: number;
  /** What the picture writes on the edge: the rule (`$.total > 100`), the caught errors. */
  readonly label?: string;
}

/** One `Retry` clause of a state, drawn on the state itself. */
export interface GraphRetry {
  readonly index: number;
  readonly errorEquals: readonly string[];
  readonly maxAttempts: number;
  readonly label: string;
}

/**
 * A group of states: the definition's top level, one `Parallel` branch, or a
 * `Map` state's `ItemProcessor` (`Iterator`).
 */
export interface GraphScope {
  readonly id: string;
  readonly kind: 'root' | 'branch' | 'processor';
  /** The Parallel or Map state that holds it (absent for the root). */
  readonly owner?: string;
  /** The branch's place in `Branches`. */
  readonly branch?: number;
  readonly startAt: string;
  /** Its states, in the definition's order. */
  readonly states: readonly string[];
  /**
   * A distributed Map's processor: its child executions' events are not in the
   * parent's history (AWS), so a run of the parent cannot show its states.
   */
  readonly distributed: boolean;
}

/** A state of the graph. State names are unique across a whole state machine (AWS refuses duplicates), so they are the ids. */
export interface GraphState {
  readonly name: string;
  readonly type: string;
  /** The {@link GraphScope.id} it belongs to. */
  readonly scope: string;
  readonly end: boolean;
  readonly retries: readonly GraphRetry[];
  /** For Map: its processor scope; for Parallel: one scope per branch. */
  readonly children: readonly string[];
  readonly definition: AslState;
}

/**
 * A state machine as a graph: its states, the transitions between them, the
 * Retry clauses on each state, and Parallel branches and Map processors as
 * nested scopes. Build it with {@link workflowGraph}.
 */
export interface WorkflowGraph {
  readonly startAt: string;
  readonly states: ReadonlyMap<string, GraphState>;
  readonly edges: readonly GraphEdge[];
  /** The root first, then nested scopes in the order they were found. */
  readonly scopes: readonly GraphScope[];
}

export const ROOT_SCOPE = 'root';

/**
 * The graph of an ASL definition: states, `Next` / Choice / `Default` /
 * `Catch` transitions, Retry clauses, Parallel branches and Map processors.
 *
 * @example
 * const graph = workflowGraph(definition);
 * graph.edges.filter((edge) => edge.kind === 'catch'); // every Catch clause
 */
export function workflowGraph(definition: AslDefinition): WorkflowGraph {
  const states = new Map<string, GraphState>();
  const edges: GraphEdge[] = [];
  const scopes: GraphScope[] = [];

  function addScope(machine: AslDefinition, scope: Omit<GraphScope, 'startAt' | 'states'>): void {
    const names = Object.keys(machine.States ?? {});
    scopes.push({ ...scope, startAt: machine.StartAt, states: names });
    for (const name of names) {
      const state = (machine.States as Record<string, AslState>)[name] as AslState;
      const children: string[] = [];
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        (state.Branches as AslDefinition[]).forEach((branch, index) => {
          const id = `${name}/branch ${index + 1}`;
          children.push(id);
          addScope(branch, { id, kind: 'branch', owner: name, branch: index, distributed: scope.distributed });
        });
      }
      const processor = (state.ItemProcessor ?? state.Iterator) as (AslDefinition & { ProcessorConfig?: { Mode?: string } }) | undefined;
      if (state.Type === 'Map' && processor && typeof processor === 'object') {
        const id = `${name}/processor`;
        children.push(id);
        addScope(processor, { id, kind: 'processor', owner: name, distributed: scope.distributed || processor.ProcessorConfig?.Mode === 'DISTRIBUTED' });
      }
      states.set(name, {
        name,
        type: state.Type,
        scope: scope.id,
        end: state.End === true || state.Type === 'Succeed' || state.Type === 'Fail',
        retries: retriesOf(state),
        children,
        definition: state,
      });
      edges.push(...edgesOf(name, state));
    }
  }

  addScope(definition, { id: ROOT_SCOPE, kind: 'root', distributed: false });
  return { startAt: definition.StartAt, states, edges, scopes };
}

function edgesOf(name: string, state: AslState): GraphEdge[] {
  const edges: GraphEdge[] = [];
  if (state.Type === 'Choice') {
    const rules = Array.isArray(state.Choices) ? (state.Choices as Record<string, unknown>[]) : [];
    rules.forEach((rule, index) => {
      if (typeof rule.Next === 'string') edges.push({ from: name, to: rule.Next, kind: 'choice', index, label: describeRule(rule) });
    });
    if (typeof state.Default === 'string') edges.push({ from: name, to: state.Default, kind: 'default', label: 'Default' });
  } else if (typeof state.Next === 'string') {
    edges.push({ from: name, to: state.Next, kind: 'next' });
  }
  const catchers = Array.isArray(state.Catch) ? (state.Catch as Record<string, unknown>[]) : [];
  catchers.forEach((catcher, index) => {
    if (typeof catcher.Next === 'string') edges.push({ from: name, to: catcher.Next, kind: 'catch', index, label: `Catch ${errorList(catcher.ErrorEquals)}` });
  });
  return edges;
}

function retriesOf(state: AslState): GraphRetry[] {
  const retriers = Array.isArray(state.Retry) ? (state.Retry as Record<string, unknown>[]) : [];
  return retriers.map((retrier, index) => {
    const errorEquals = Array.isArray(retrier.ErrorEquals) ? (retrier.ErrorEquals as string[]) : [];
    const maxAttempts = typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3;
    return { index, errorEquals, maxAttempts, label: `Retry ${errorList(errorEquals)} ×${maxAttempts}` };
  });
}

function errorList(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : '?';
}

const OPERATOR_SYMBOLS: Readonly<Record<string, string>> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
  Matches: 'matches',
};

/** A short text for a Choice rule: `$.total > 100`, `not ($.vip == true)`, the JSONata condition. */
export function describeRule(rule: Record<string, unknown>): string {
  if (typeof rule.Condition === 'string') return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, '');
  if (typeof rule.Condition === 'boolean') return String(rule.Condition);
  if (Array.isArray(rule.And)) return (rule.And as Record<string, unknown>[]).map((inner) => `(${describeRule(inner)})`).join(' and ');
  if (Array.isArray(rule.Or)) return (rule.Or as Record<string, unknown>[]).map((inner) => `(${describeRule(inner)})`).join(' or ');
  if (rule.Not !== null && typeof rule.Not === 'object') return `not (${describeRule(rule.Not as Record<string, unknown>)})`;
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    if (key === 'Variable' || key === 'Next' || key === 'Assign' || key === 'Output' || key === 'Comment') continue;
    if (key.startsWith('Is')) return `${variable} ${key}${value === true ? '' : ' false'}`;
    const operator = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThanEquals|GreaterThanEquals|LessThan|GreaterThan|Matches)(Path)?$/.exec(key);
    if (operator) {
      const symbol = OPERATOR_SYMBOLS[operator[2] as string] ?? key;
      return `${variable} ${symbol} ${operator[3] ? String(value) : JSON.stringify(value)}`;
    }
  }
  return variable;
}
