import { STATES_ERRORS, statePrefix } from '../errors/names.js';
import { evaluateJsonataTemplate } from '../ql/template.js';
import { bindingsOf, effectiveInput, exitState, finishState, jsonTypeName, location, scopeOf, type StateExit, type StateRun } from '../run.js';
import { StateFailure, type Json } from '../types.js';
import { ruleMatches, type ChoiceRule } from './choice-rules.js';

/**
 * Choice: the first rule that matches gives Next (and its own Assign /
 * Output); else Default (with the state's Assign / Output); else
 * States.NoChoiceMatched. JSONPath: InputPath → rules → OutputPath.
 */
export async function runChoice(run: StateRun): Promise<StateExit> {
  const rules = (run.state.Choices as ChoiceRule[] | undefined) ?? [];
  if (run.language === 'JSONata') {
    const bindings = bindingsOf(run);
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index] as ChoiceRule;
      const field = `Choices[${index}]/Condition`;
      const condition = rule.Condition;
      const value =
        typeof condition === 'string' ? await evaluateJsonataTemplate(condition, bindings, { location: location(run), field }) : condition;
      if (typeof value !== 'boolean') {
        throw new StateFailure(
          STATES_ERRORS.QueryEvaluationError,
          `${statePrefix(run.name, run.enteredEventId)}The JSONata expression '${String(condition).replace(/^\{%\s*|\s*%\}$/g, '')}' specified for the field '${field}' returned an unexpected result type. Expected 'boolean', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`,
        );
      }
      if (value) return leave(run, run.input, rule.Next as string, rule.Assign, rule.Output, `Choices[${index}]/`);
    }
    return leaveByDefault(run, run.input);
  }
  const effective = await effectiveInput(run, { parameters: false });
  const scope = scopeOf(run);
  for (const rule of rules) {
    if (ruleMatches(rule, effective, scope, location(run))) return leave(run, effective, rule.Next as string, rule.Assign, undefined, `Choices[${rules.indexOf(rule)}]/`);
  }
  return leaveByDefault(run, effective);
}

async function leave(run: StateRun, data: Json, next: string, assign: unknown, output: unknown, fieldPrefix: string): Promise<StateExit> {
  const finished = await finishState(run, data, { defaultOutputIsResult: false, jsonPathResult: false, assign, output, fieldPrefix });
  return exitState(run, finished.output, finished.assigned, next);
}

async function leaveByDefault(run: StateRun, data: Json): Promise<StateExit> {
  if (typeof run.state.Default !== 'string') {
    throw new StateFailure(STATES_ERRORS.NoChoiceMatched);
  }
  const finished = await finishState(run, data, { defaultOutputIsResult: false, jsonPathResult: false });
  return exitState(run, finished.output, finished.assigned, run.state.Default);
}
