import type { AslState } from '../definition.js';
import type { HistoryEvent } from '../engine/history/events.js';
import { firstMatching, type Catcher, type Retrier } from '../engine/errors/retry-catch.js';
import { ruleMatches, type ChoiceRule } from '../engine/states/choice-rules.js';
import type { Json } from '../engine/types.js';
import type { WorkflowGraph } from './model.js';
import { traceRun, type StateVisit } from './trace.js';

/** What a coverage item counts. */
export type CoverageItemKind = 'state' | 'choice-rule' | 'choice-default' | 'retry' | 'catch' | 'branch' | 'processor';

/** One thing a test run can exercise: a state, a Choice rule or Default, a Retry or Catch clause, a Parallel branch, a Map processor. */
export interface CoverageItem {
  /** Stable id: `state:Ship`, `choice:Route#0`, `default:Route`, `retry:Charge#1`, `catch:Charge#0`, `branch:Fan#2`, `processor:Each`. */
  readonly id: string;
  readonly kind: CoverageItemKind;
  readonly state: string;
  /** The rule's or clause's place in `Choices` / `Retry` / `Catch` / `Branches`. */
  readonly index?: number;
  readonly label: string;
  /**
   * `false` for the states of a distributed Map's processor: their events are in
   * the child executions' histories, not the parent's (AWS), so no run of the
   * parent can show them. They are listed, not counted.
   */
  readonly observable: boolean;
}

/** How a run exercised an item. */
export interface CoverageHit {
  readonly id: string;
  /** `'exact'`: the history (or the rule evaluated on the recorded input) says so; `'by-next-state'`: a Choice rule credited because its Next was entered and several rules lead there. */
  readonly how: 'exact' | 'by-next-state';
}

/**
 * Every item of a workflow that coverage counts.
 *
 * @example
 * coverageItems(workflowGraph(definition)).map((item) => item.id); // ['state:ValidateOrder', 'retry:ValidateOrder#0', …]
 */
export function coverageItems(graph: WorkflowGraph): CoverageItem[] {
  const items: CoverageItem[] = [];
  const distributed = new Set(graph.scopes.filter((scope) => scope.distributed).map((scope) => scope.id));
  for (const state of graph.states.values()) {
    const observable = !distributed.has(state.scope);
    items.push({ id: `state:${state.name}`, kind: 'state', state: state.name, label: `${state.name} (${state.type})`, observable });
    for (const edge of graph.edges) {
      if (edge.from !== state.name) continue;
      if (edge.kind === 'choice') items.push({ id: `choice:${state.name}#${edge.index}`, kind: 'choice-rule', state: state.name, index: edge.index!, label: `${state.name} rule ${edge.index! + 1}: ${edge.label} → ${edge.to}`, observable });
      if (edge.kind === 'default') items.push({ id: `default:${state.name}`, kind: 'choice-default', state: state.name, label: `${state.name} Default → ${edge.to}`, observable });
      if (edge.kind === 'catch') items.push({ id: `catch:${state.name}#${edge.index}`, kind: 'catch', state: state.name, index: edge.index!, label: `${state.name} ${edge.label} → ${edge.to}`, observable });
    }
    for (const retry of state.retries) {
      items.push({ id: `retry:${state.name}#${retry.index}`, kind: 'retry', state: state.name, index: retry.index, label: `${state.name} ${retry.label}`, observable });
    }
    for (const child of graph.scopes.filter((scope) => scope.owner === state.name)) {
      if (child.kind === 'branch') items.push({ id: `branch:${state.name}#${child.branch}`, kind: 'branch', state: state.name, index: child.branch!, label: `${state.name} branch ${child.branch! + 1} (${child.startAt}…)`, observable });
      else items.push({ id: `processor:${state.name}`, kind: 'processor', state: state.name, label: `${state.name} processor (${child.startAt}…)`, observable });
    }
  }
  return items;
}

/**
 * The items one run exercised, read from its history (the same on either target):
 * - a state: entered;
 * - a Choice rule: the state entered after the Choice is its Next. When several rules
 *   lead there, the JSONPath rules are evaluated again, with the engine's own
 *   evaluator, on the input the Choice entered with; when that cannot decide
 *   (JSONata conditions, variables) the first of them is credited, marked `by-next-state`;
 * - Retry: each new attempt, credited to the first retrier whose ErrorEquals takes the
 *   error of the failure before it (as Step Functions picks it);
 * - Catch: the state failed and left for a catcher's Next: the first catcher that takes the error;
 * - a Parallel branch / Map processor: its first state was entered (a distributed Map: a map run started).
 *
 * @example
 * const hits = coverageHits(workflowGraph(definition), run.history);
 */
export function coverageHits(graph: WorkflowGraph, history: readonly HistoryEvent[]): CoverageHit[] {
  const trace = traceRun(history);
  const hits: CoverageHit[] = [];
  const exact = (id: string): void => void hits.push({ id, how: 'exact' });
  for (const visit of trace.visits) {
    const state = graph.states.get(visit.name);
    if (!state) continue;
    exact(`state:${visit.name}`);
    const definition = state.definition;
    for (const failure of visit.retries) {
      const retry = firstMatching(definition.Retry as Retrier[] | undefined, failure?.error);
      if (retry) exact(`retry:${visit.name}#${retry.index}`);
    }
    if (visit.next !== undefined) {
      if (state.type === 'Choice') hits.push(...choiceHits(visit, definition));
      else if (visit.endedInFailure || (visit.next !== definition.Next && Array.isArray(definition.Catch))) {
        const caught = catcherTaken(visit, definition);
        if (caught !== undefined) exact(`catch:${visit.name}#${caught}`);
      }
    }
  }
  for (const scope of graph.scopes) {
    if (scope.owner === undefined) continue;
    const entered = trace.visits.some((visit) => visit.name === scope.startAt);
    const started = scope.distributed ? trace.mapRuns.has(scope.owner) : entered;
    if (!started && !entered) continue;
    exact(scope.kind === 'branch' ? `branch:${scope.owner}#${scope.branch}` : `processor:${scope.owner}`);
  }
  return hits;
}

function catcherTaken(visit: StateVisit, state: AslState): number | undefined {
  const catchers = (state.Catch as Catcher[] | undefined) ?? [];
  const error = visit.failures.at(-1)?.error;
  const matched = firstMatching(catchers, error);
  if (matched && matched.clause.Next === visit.next) return matched.index;
  // The failure left no event with its error (a caught QueryEvaluationError): the catcher is the first that leads where the run went.
  const byNext = catchers.findIndex((catcher) => catcher.Next === visit.next);
  return byNext >= 0 ? byNext : undefined;
}

const NO_VARIABLES = { get: () => undefined, all: () => ({}) };

function choiceHits(visit: StateVisit, state: AslState): CoverageHit[] {
  const rules = (state.Choices as ChoiceRule[] | undefined) ?? [];
  const candidates = rules.flatMap((rule, index) => (rule.Next === visit.next ? [index] : []));
  const byDefault = state.Default === visit.next;
  if (candidates.length === 0) return byDefault ? [{ id: `default:${visit.name}`, how: 'exact' }] : [];
  if (candidates.length === 1 && !byDefault) return [{ id: `choice:${visit.name}#${candidates[0]}`, how: 'exact' }];
  const evaluated = evaluateRules(rules, state, visit.input);
  if (evaluated !== undefined) return [{ id: evaluated >= 0 ? `choice:${visit.name}#${evaluated}` : `default:${visit.name}`, how: 'exact' }];
  return [{ id: `choice:${visit.name}#${candidates[0]}`, how: 'by-next-state' }];
}

/** The first JSONPath rule that matches the recorded input (-1: none, so Default), or `undefined` when it cannot be told from the history. */
function evaluateRules(rules: readonly ChoiceRule[], state: AslState, input: unknown): number | undefined {
  if (input === undefined || rules.some((rule) => 'Condition' in rule) || typeof state.InputPath === 'string' && state.InputPath !== '$') return undefined;
  try {
    const location = { stateName: '', enteredEventId: 0 };
    const scope = { context: {}, variables: NO_VARIABLES };
    return rules.findIndex((rule) => ruleMatches(rule, input as Json, scope, location));
  } catch {
    return undefined;
  }
}
