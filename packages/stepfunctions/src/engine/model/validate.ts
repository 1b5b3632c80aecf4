/**
 * Definition checks with Step Functions' own rules and words: what
 * ValidateStateMachineDefinition returns as diagnostics and CreateStateMachine
 * folds into `InvalidDefinition`. The engine runs a definition only after it
 * passes (callers cache the verdict per definition).
 *
 * Each message names its source: "recorded" = an AWS response in LocalStack's
 * snapshot files (the test is named); "measured" = an AWS response quoted in a
 * public issue (named); "unverified" = AWS's message family, wording not seen
 * for that exact case. Locations are AWS's JSON-pointer-like paths:
 * `/States/Check/Next`, `/States/P/Branches[0]/States/Inner`,
 * `/States/C/Choices[0]/Next`.
 */
import type { QueryLanguage } from '../types.js';
import {
  BRANCH_FIELDS,
  CATCHER_FIELDS,
  CHOICE_COMBINATORS,
  CHOICE_OPERATORS,
  DISTRIBUTED_ONLY_MAP_FIELDS,
  JSONATA_ONLY_FIELDS,
  JSONPATH_ONLY_FIELDS,
  PROCESSOR_FIELDS,
  RETRIER_FIELDS,
  STATE_FIELDS,
  STATE_TYPES,
  TOP_LEVEL_FIELDS,
  TRANSITIONING_TYPES,
  type OperatorOperand,
  type StateType,
} from './asl-fields.js';
import { expressionProblem, jsonataExpression } from './jsonata-check.js';
import {
  ANY_ROOT,
  INPUT_ONLY,
  MAX_VARIABLE_NAME_LENGTH,
  NO_CONTEXT,
  isWellFormedIntrinsicCall,
  isPath,
  isPathOrIntrinsic,
  isTimestamp,
  isVariableName,
  referencePathProblem,
  type PathRoots,
} from './path-syntax.js';

export type ValidationSeverity = 'ERROR' | 'WARNING';

/** One problem, shaped as ValidateStateMachineDefinition's `diagnostics[]` entries. */
export interface ValidationDiagnostic {
  readonly severity: ValidationSeverity;
  /** AWS's code: `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, `MISSING_END_STATE`… */
  readonly code: string;
  /** AWS's wording. */
  readonly message: string;
  /** Where, as AWS writes it (`/States/Check/Next`); `''` where AWS gives none (`MISSING_END_STATE`). */
  readonly location: string;
  /** The state the problem is in, when there is one. */
  readonly state?: string;
  /** The field, relative to the state (`Retry[0].BackoffRate`) or to the definition when `state` is absent. */
  readonly field?: string;
}

const SCHEMA = 'SCHEMA_VALIDATION_FAILED';

/** AWS's texts, with where each was seen. */
const MESSAGE = {
  // recorded: test_sfn_api_validation::test_validate_state_machine_definition_not_a_definition[EMPTY_STRING]
  notAnObject: 'Definition must be a valid JSON object',
  // recorded: test_sfn_api_validation …[EMPTY_DICT] ("[States, StartAt]" at "/"); measured: cfn-lint #4077 ("[Next]" at a choice rule)
  required: (fields: readonly string[]) => `These fields are required: [${fields.join(', ')}]`,
  // measured: floci #2735 (TimeoutSeconds/Catch/Retry on the wrong type, at the state), #2968 (QueryLanguage on ItemProcessor); functionless #308 (ResultPath on Wait)
  notSupported: (field: string) => `Field '${field}' is not supported`,
  // measured: floci #3733 ("[MaxItems, MaxItemsPath]")
  onlyOne: (fields: readonly string[]) => `There should only be one of the following fields: [${fields.join(', ')}]`,
  // unverified: the wording cdk-preflight's rules quote for a state with neither Next nor End
  exactlyOne: (fields: readonly string[]) => `This object should have only one of the following fields: [${fields.join(', ')}]`,
  // measured: floci #2968 ("[STRING]" for QueryLanguage); other type names unverified
  type: (type: string) => `Expected value of type [${type}]`,
  // measured: floci #2968 ("[JSONPath, JSONata]"); other lists unverified
  oneOf: (values: readonly string[]) => `Value should be one of the following: [${values.join(', ')}]`,
  // measured: cfn-lint #4075 ("Maximum value is 99999999" for Wait Seconds), floci #3733 ("Minimum value is 0", "0.0", "Maximum value is 100.0")
  minimum: (bound: string) => `Minimum value is ${bound}`,
  maximum: (bound: string) => `Maximum value is ${bound}`,
  // measured: cfn-lint #4078 (OutputPath "Test")
  notPath: 'Value must be a valid JSONPath.',
  // measured: cfn-lint #4076 (Choice Variable "Test"); the reason-less form is unverified
  notReferencePath: (reason: string) => (reason === '' ? 'Value is not a Reference Path' : `Value is not a Reference Path: ${reason}`),
  // measured: cfn-lint #4085 ("Variable.$": "Test" in Assign, at /States/Pass/Assign)
  dollarValue: (key: string) => `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`,
  // measured: floci #2968
  wrongLanguage: (language: QueryLanguage, field: string) =>
    `The QueryLanguage is set to '${language}', but field '${field}' is only supported for the '${language === 'JSONata' ? 'JSONPath' : 'JSONata'}' QueryLanguage`,
  // recorded: test_sfn_api_validation …[INVALID_DOWNGRADE_QUERY_LANGUAGE]
  downgrade: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
  // unverified: the wording cdk-preflight's rules quote for an empty ErrorEquals
  empty: 'Value cannot be empty',
  // measured: LocalStack PR #12487 (AWS reproduction), cfn-lint #4074, floci #2786 (same word 'Next' for Default and Catch)
  missingTarget: (target: string) => `Missing 'Next' target: ${target}`,
  // measured: LocalStack PR #12487, cfn-lint #4073, floci #2786
  unreachable: (state: string) => `State "${state}" is not reachable.`,
  // measured: floci #2786 (no location)
  noTerminal: 'Workflow has no terminal state',
  // Step Functions Local's answer, quoted in LocalStack's tests/aws/services/stepfunctions/legacy (DUPLICATE_STATE_NAME)
  duplicate: (state: string) => `Duplicate State name: ${state}`,
  // unverified: the code is AWS's (API reference, ValidateStateMachineDefinitionDiagnostic); the wording is ours
  stateNameTooLong: (state: string) => `State name '${state}' is longer than 80 characters`,
  stateNameEmpty: 'State name must not be empty',
  labelName: (label: string) => `Invalid label name: '${label}'`,
  heartbeat: "The value of 'HeartbeatSeconds' must be smaller than the value of 'TimeoutSeconds'",
  // unverified: the wordings cdk-preflight's rules quote
  statesAll: 'States.ALL must appear alone and at end of list',
  timestamp: 'String does not match RFC3339 timestamp',
  reservedVariable: "Cannot assign to reserved variable '$states'.",
  variableName: (name: string) => `Invalid variable name '${name}': the variable name contains invalid characters.`,
  variableNameLength: (name: string) => `Invalid variable name '${name}': the variable name is longer than ${MAX_VARIABLE_NAME_LENGTH} characters.`,
} as const;

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function has(object: JsonRecord, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** A numeric field's rule: `decimal` fields print bounds as AWS does for them (`0.0`). */
interface NumberRule {
  readonly integer: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly decimal?: boolean;
}

// "Task workflow state": TimeoutSeconds/HeartbeatSeconds are positive integers; the ceiling is the one cfn-lint #4075 measured for Wait.
const MAX_SECONDS = 99_999_999;
const POSITIVE_SECONDS: NumberRule = { integer: true, min: 1, max: MAX_SECONDS };
const WAIT_SECONDS: NumberRule = { integer: true, min: 0, max: MAX_SECONDS };
const NON_NEGATIVE: NumberRule = { integer: true, min: 0 };
// "Handling errors in Step Functions workflows", Retrier fields.
const INTERVAL_SECONDS: NumberRule = { integer: true, min: 1, max: MAX_SECONDS };
const MAX_ATTEMPTS: NumberRule = { integer: true, min: 0, max: MAX_SECONDS };
const BACKOFF_RATE: NumberRule = { integer: false, min: 1, decimal: true };
const MAX_DELAY_SECONDS: NumberRule = { integer: true, min: 1, max: 31_622_400 };
// floci #3733 (measured): percentages 0.0–100.0, ReaderConfig.MaxItems at most 100000000.
const PERCENTAGE: NumberRule = { integer: false, min: 0, max: 100, decimal: true };
const READER_MAX_ITEMS: NumberRule = { integer: true, min: 0, max: 100_000_000 };
// "ItemBatcher (Map)": a batch is at most 256 KiB.
const BATCH_BYTES: NumberRule = { integer: true, min: 0, max: 262_144 };

/** Where a check is: the state (if any), the AWS location, and the field path inside the state. */
interface Place {
  readonly state?: string;
  readonly location: string;
  readonly field?: string;
}

function child(place: Place, segment: string): Place {
  const field = place.field === undefined ? segment : segment.startsWith('[') ? `${place.field}${segment}` : `${place.field}.${segment}`;
  const location = segment.startsWith('[') ? `${place.location}${segment}` : `${place.location}/${segment}`;
  return { state: place.state, location, field };
}

/** One state as the field checks see it. */
interface StateView {
  readonly name: string;
  readonly state: JsonRecord;
  readonly type: StateType;
  readonly place: Place;
  readonly language: QueryLanguage;
  /** Fields reported as belonging to the other language: their values are not checked further. */
  readonly foreign: ReadonlySet<string>;
}

type MachineKind = 'top' | 'branch' | 'processor';

class Validation {
  readonly diagnostics: ValidationDiagnostic[] = [];
  /** AWS resolves every state's language against the machine's, even inside a Map or Parallel that declares its own (floci #2968, measured). */
  machineLanguage: QueryLanguage = 'JSONPath';
  private readonly stateNames = new Set<string>();

  report(code: string, message: string, place: Place): void {
    const diagnostic: { -readonly [K in keyof ValidationDiagnostic]: ValidationDiagnostic[K] } = { severity: 'ERROR', code, message, location: place.location };
    if (place.state !== undefined) diagnostic.state = place.state;
    if (place.field !== undefined) diagnostic.field = place.field;
    this.diagnostics.push(diagnostic);
  }

  schema(message: string, place: Place): void {
    this.report(SCHEMA, message, place);
  }

  // ---- machines: the top level, Parallel branches, Map processors ----

  machine(value: unknown, place: Place, kind: MachineKind): void {
    const here = place.location === '' ? { ...place, location: '/' } : place;
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), here);
      return;
    }
    const allowed = kind === 'top' ? TOP_LEVEL_FIELDS : kind === 'branch' ? BRANCH_FIELDS : PROCESSOR_FIELDS;
    for (const key of Object.keys(value)) {
      if (!allowed.has(key)) this.schema(MESSAGE.notSupported(key), { ...here, field: fieldOf(place, key) });
    }
    // AWS lists States before StartAt (recorded: …not_a_definition[EMPTY_DICT]).
    const missing = ['States', 'StartAt'].filter((key) => !has(value, key));
    if (missing.length > 0) this.schema(MESSAGE.required(missing), here);
    if (kind === 'top') this.topLevel(value);
    this.string(value, 'Comment', child(place, 'Comment'));
    this.string(value, 'StartAt', child(place, 'StartAt'));

    const states = value.States;
    const statesPlace = child(place, 'States');
    if (has(value, 'States') && !isRecord(states)) this.schema(MESSAGE.type('OBJECT'), statesPlace);
    if (!isRecord(states)) return;
    const names = Object.keys(states);
    if (names.length === 0) this.schema(MESSAGE.empty, statesPlace);
    for (const name of names) this.state(name, states[name], { state: name, location: `${statesPlace.location}/${name}` });
    this.transitions(value, states, place, kind === 'top');
  }

  private topLevel(machine: JsonRecord): void {
    const language = machine.QueryLanguage;
    if (has(machine, 'QueryLanguage')) {
      this.queryLanguageValue(language, { location: '/QueryLanguage', field: 'QueryLanguage' });
      // Only the exact string "JSONPath" is JSONPath; any other value present is JSONata (floci #2968, measured).
      this.machineLanguage = language === 'JSONPath' ? 'JSONPath' : 'JSONata';
    }
    this.number(machine, 'TimeoutSeconds', NON_NEGATIVE, { location: '/TimeoutSeconds', field: 'TimeoutSeconds' });
    this.string(machine, 'Version', { location: '/Version', field: 'Version' });
  }

  private queryLanguageValue(value: unknown, place: Place): void {
    if (typeof value !== 'string') this.schema(MESSAGE.type('STRING'), place);
    else if (value !== 'JSONPath' && value !== 'JSONata') this.schema(MESSAGE.oneOf(['JSONPath', 'JSONata']), place);
  }

  /** Next/Default/Catch targets exist in the same `States`, every state is reachable, the top level can end. */
  private transitions(machine: JsonRecord, states: JsonRecord, place: Place, top: boolean): void {
    const edges = new Map<string, string[]>();
    const target = (from: string | undefined, value: unknown, at: Place): void => {
      if (typeof value !== 'string') return;
      if (!has(states, value)) {
        this.report('MISSING_TRANSITION_TARGET', MESSAGE.missingTarget(value), at);
        return;
      }
      if (from !== undefined) {
        const list = edges.get(from);
        if (list === undefined) edges.set(from, [value]);
        else list.push(value);
      }
    };
    target(undefined, machine.StartAt, child(place, 'StartAt'));
    let terminal = false;
    for (const [name, state] of Object.entries(states)) {
      if (!isRecord(state)) continue;
      const at: Place = { state: name, location: `${place.location}/States/${name}` };
      if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') terminal = true;
      if (has(state, 'Next')) target(name, state.Next, child(at, 'Next'));
      if (has(state, 'Default')) target(name, state.Default, child(at, 'Default'));
      if (Array.isArray(state.Choices)) {
        state.Choices.forEach((rule, index) => {
          if (isRecord(rule) && has(rule, 'Next')) target(name, rule.Next, child(child(child(at, 'Choices'), `[${index}]`), 'Next'));
        });
      }
      if (Array.isArray(state.Catch)) {
        state.Catch.forEach((catcher, index) => {
          if (isRecord(catcher) && has(catcher, 'Next')) target(name, catcher.Next, child(child(child(at, 'Catch'), `[${index}]`), 'Next'));
        });
      }
    }
    // Only the top level must be able to end; a loop inside a branch is accepted (floci #2786, measured).
    // AWS then skips the reachability walk.
    if (top && !terminal) {
      this.report('MISSING_END_STATE', MESSAGE.noTerminal, { location: '' });
      return;
    }
    // Without a StartAt (already reported) there is nothing to walk from.
    if (typeof machine.StartAt !== 'string') return;
    const reached = new Set<string>();
    const queue: string[] = has(states, machine.StartAt) ? [machine.StartAt] : [];
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      if (reached.has(next)) continue;
      reached.add(next);
      for (const to of edges.get(next) ?? []) if (!reached.has(to)) queue.push(to);
    }
    for (const name of Object.keys(states)) {
      if (!reached.has(name)) this.report('MISSING_TRANSITION_TARGET', MESSAGE.unreachable(name), { state: name, location: `${place.location}/States/${name}` });
    }
  }

  // ---- states ----

  private state(name: string, value: unknown, place: Place): void {
    this.stateName(name, place);
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return;
    }
    if (!has(value, 'Type')) {
      this.schema(MESSAGE.required(['Type']), place);
      return;
    }
    const type = value.Type;
    if (typeof type !== 'string') {
      this.schema(MESSAGE.type('STRING'), child(place, 'Type'));
      return;
    }
    if (!(STATE_TYPES as readonly string[]).includes(type)) {
      this.schema(MESSAGE.oneOf(STATE_TYPES), child(place, 'Type'));
      return;
    }
    const stateType = type as StateType;

    const declared = value.QueryLanguage;
    const downgraded = declared === 'JSONPath' && this.machineLanguage === 'JSONata';
    // A declared value other than the exact "JSONPath" is JSONata (floci #2968, measured).
    const language: QueryLanguage = !has(value, 'QueryLanguage') ? this.machineLanguage : declared === 'JSONPath' ? 'JSONPath' : 'JSONata';
    // The downgrade is the whole answer for the state's fields: the other-language field check is skipped (floci #2968, measured).
    if (downgraded) this.schema(MESSAGE.downgrade, place);

    const allowed = STATE_FIELDS[stateType];
    const foreign = new Set<string>();
    for (const key of Object.keys(value)) {
      const field = { ...place, field: key };
      if (!allowed.has(key)) {
        this.schema(MESSAGE.notSupported(key), field);
        foreign.add(key);
      } else if (!downgraded && this.foreignField(key, language)) {
        this.schema(MESSAGE.wrongLanguage(language, key), field);
        foreign.add(key);
      }
    }
    const view: StateView = { name, state: value, type: stateType, place, language, foreign };
    this.transition(view);
    this.string(value, 'Comment', child(place, 'Comment'));
    if (language === 'JSONPath') this.jsonPathIo(view);
    if (this.uses(view, 'Assign')) this.assign(value.Assign, child(place, 'Assign'), language);
    switch (stateType) {
      case 'Task':
        this.task(view);
        break;
      case 'Pass':
        break;
      case 'Choice':
        this.choice(view);
        break;
      case 'Wait':
        this.wait(view);
        break;
      case 'Succeed':
        break;
      case 'Fail':
        this.fail(view);
        break;
      case 'Parallel':
        this.parallel(view);
        break;
      case 'Map':
        this.map(view);
        break;
    }
    if (this.uses(view, 'Retry')) this.retry(view);
    if (this.uses(view, 'Catch')) this.catchers(view);
    if (language === 'JSONata') this.expressions(view);
    // AWS reports the spelling after the state's field problems (floci #2968, measured order).
    if (has(value, 'QueryLanguage')) this.queryLanguageValue(declared, child(place, 'QueryLanguage'));
  }

  private foreignField(key: string, language: QueryLanguage): boolean {
    return language === 'JSONata' ? JSONPATH_ONLY_FIELDS.has(key) : JSONATA_ONLY_FIELDS.has(key);
  }

  /** The field is present and was not already refused for this state. */
  private uses(view: StateView, key: string): boolean {
    return has(view.state, key) && !view.foreign.has(key);
  }

  private stateName(name: string, place: Place): void {
    // "State machine structure": names are unique in the whole machine, branches and processors included.
    if (this.stateNames.has(name)) this.report('DUPLICATE_STATE_NAME', MESSAGE.duplicate(name), place);
    this.stateNames.add(name);
    // "States": a name is at most 80 Unicode characters.
    if (name === '') this.report('INVALID_STATE_NAME', MESSAGE.stateNameEmpty, place);
    else if (codePoints(name) > 80) this.report('INVALID_STATE_NAME', MESSAGE.stateNameTooLong(name), place);
  }

  private transition(view: StateView): void {
    const { state, place } = view;
    if (!TRANSITIONING_TYPES.has(view.type)) return;
    const next = has(state, 'Next');
    const end = has(state, 'End');
    // unverified wordings (cdk-preflight); "Common state fields": only one of Next or End.
    if (next && end) this.schema(MESSAGE.onlyOne(['Next', 'End']), place);
    else if (!next && state.End !== true) this.schema(MESSAGE.exactlyOne(['Next', 'End']), place);
    this.string(state, 'Next', child(place, 'Next'));
    if (end && typeof state.End !== 'boolean') this.schema(MESSAGE.type('BOOLEAN'), child(place, 'End'));
  }

  private jsonPathIo(view: StateView): void {
    for (const key of ['InputPath', 'OutputPath'] as const) {
      if (this.uses(view, key)) this.path(view.state[key], child(view.place, key));
    }
    if (this.uses(view, 'ResultPath')) this.referencePath(view.state.ResultPath, child(view.place, 'ResultPath'), INPUT_ONLY, true);
    for (const key of ['Parameters', 'ResultSelector'] as const) {
      if (this.uses(view, key)) this.template(view.state[key], child(view.place, key));
    }
  }

  // ---- Task ----

  private task(view: StateView): void {
    const { state, place } = view;
    if (!has(state, 'Resource')) this.schema(MESSAGE.required(['Resource']), place);
    else this.string(state, 'Resource', child(place, 'Resource'));
    const timeout = this.secondsPair(view, 'TimeoutSeconds');
    const heartbeat = this.secondsPair(view, 'HeartbeatSeconds');
    // "Task workflow state": HeartbeatSeconds must be smaller than TimeoutSeconds.
    if (timeout !== undefined && heartbeat !== undefined && heartbeat >= timeout) this.schema(MESSAGE.heartbeat, child(place, 'HeartbeatSeconds'));
    if (this.uses(view, 'Credentials')) this.credentials(state.Credentials, child(place, 'Credentials'), view.language);
  }

  /** `X` and `XPath`: at most one, the value a positive integer, the path a reference path. Returns a literal value. */
  private secondsPair(view: StateView, key: 'TimeoutSeconds' | 'HeartbeatSeconds'): number | undefined {
    const { state, place } = view;
    const pathKey = `${key}Path`;
    if (has(state, key) && has(state, pathKey)) this.schema(MESSAGE.onlyOne([key, pathKey]), place);
    if (this.uses(view, pathKey)) this.referencePath(state[pathKey], child(place, pathKey), ANY_ROOT, false);
    if (!this.uses(view, key)) return undefined;
    return this.numberOrExpression(state[key], POSITIVE_SECONDS, child(place, key), view.language);
  }

  private credentials(value: unknown, place: Place, language: QueryLanguage): void {
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return;
    }
    const allowed = language === 'JSONPath' ? ['RoleArn', 'RoleArn.$'] : ['RoleArn'];
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
    if (!allowed.some((key) => has(value, key))) this.schema(MESSAGE.required(['RoleArn']), place);
    if (has(value, 'RoleArn')) this.string(value, 'RoleArn', child(place, 'RoleArn'));
    if (language === 'JSONPath') this.template(value, place);
  }

  // ---- Wait ----

  private wait(view: StateView): void {
    const { state, place } = view;
    // unverified: the field order cdk-preflight's rules quote.
    const timing = ['SecondsPath', 'Seconds', 'TimestampPath', 'Timestamp'];
    const present = timing.filter((key) => has(state, key));
    if (present.length > 1) this.schema(MESSAGE.onlyOne(timing), place);
    else if (present.length === 0) this.schema(MESSAGE.exactlyOne(timing), place);
    if (this.uses(view, 'Seconds')) this.numberOrExpression(state.Seconds, WAIT_SECONDS, child(place, 'Seconds'), view.language);
    if (this.uses(view, 'Timestamp')) this.timestamp(state.Timestamp, child(place, 'Timestamp'), view.language);
    if (this.uses(view, 'SecondsPath')) this.referencePath(state.SecondsPath, child(place, 'SecondsPath'), ANY_ROOT, false);
    if (this.uses(view, 'TimestampPath')) this.referencePath(state.TimestampPath, child(place, 'TimestampPath'), ANY_ROOT, false);
  }

  private timestamp(value: unknown, place: Place, language: QueryLanguage): void {
    if (language === 'JSONata' && jsonataExpression(value) !== undefined) return;
    if (typeof value !== 'string') this.schema(MESSAGE.type('STRING'), place);
    else if (!isTimestamp(value)) this.schema(MESSAGE.timestamp, place);
  }

  // ---- Fail ----

  private fail(view: StateView): void {
    const { state, place } = view;
    for (const [key, pathKey] of [
      ['Error', 'ErrorPath'],
      ['Cause', 'CausePath'],
    ] as const) {
      if (has(state, key) && has(state, pathKey)) this.schema(MESSAGE.onlyOne([key, pathKey]), place);
      if (this.uses(view, key)) this.string(state, key, child(place, key));
      // "Fail workflow state": ErrorPath/CausePath take a reference path or an intrinsic function.
      if (this.uses(view, pathKey)) {
        const value = state[pathKey];
        if (typeof value !== 'string' || !isWellFormedIntrinsicCall(value)) this.referencePath(value, child(place, pathKey), ANY_ROOT, false);
      }
    }
  }

  // ---- Choice ----

  private choice(view: StateView): void {
    const { state, place } = view;
    if (!has(state, 'Choices')) this.schema(MESSAGE.required(['Choices']), place);
    else {
      const choices = state.Choices;
      const at = child(place, 'Choices');
      if (!Array.isArray(choices)) this.schema(MESSAGE.type('ARRAY'), at);
      else if (choices.length === 0) this.schema(MESSAGE.empty, at);
      else choices.forEach((rule, index) => this.rule(rule, child(at, `[${index}]`), view.language, true));
    }
    this.string(state, 'Default', child(place, 'Default'));
  }

  private rule(rule: unknown, place: Place, language: QueryLanguage, top: boolean): void {
    if (!isRecord(rule)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return;
    }
    if (language === 'JSONata') {
      this.jsonataRule(rule, place);
      return;
    }
    const ruleFields = top ? ['Next', 'Comment', 'Assign'] : ['Comment'];
    const operators: string[] = [];
    for (const key of Object.keys(rule)) {
      if (CHOICE_OPERATORS.has(key) || CHOICE_COMBINATORS.has(key)) operators.push(key);
      else if (key === 'Condition' || key === 'Output') this.schema(MESSAGE.wrongLanguage('JSONPath', key), place);
      else if (key !== 'Variable' && !ruleFields.includes(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
    }
    // Only the rules directly in Choices transition (measured: cfn-lint #4077).
    if (top && !has(rule, 'Next')) this.schema(MESSAGE.required(['Next']), place);
    if (top) this.string(rule, 'Next', child(place, 'Next'));
    this.string(rule, 'Comment', child(place, 'Comment'));
    if (top && has(rule, 'Assign')) this.assign(rule.Assign, child(place, 'Assign'), 'JSONPath');

    const combined = operators.some((key) => CHOICE_COMBINATORS.has(key));
    // A Boolean combination has no Variable of its own ("Choice workflow state", Choice Rules).
    if (combined && has(rule, 'Variable')) this.schema(MESSAGE.notSupported('Variable'), { ...place, field: `${place.field}.Variable` });
    if (!combined && operators.length > 0) {
      if (!has(rule, 'Variable')) this.schema(MESSAGE.required(['Variable']), place);
      else this.referencePath(rule.Variable, child(place, 'Variable'), ANY_ROOT, false);
    }
    const [operator, extra] = operators;
    if (extra !== undefined) {
      this.schema(MESSAGE.onlyOne(operators), place);
      return;
    }
    if (operator === undefined) {
      this.schema(MESSAGE.exactlyOne([...CHOICE_COMBINATORS, ...CHOICE_OPERATORS.keys()]), place);
      return;
    }
    const at = child(place, operator);
    const value = rule[operator];
    if (operator === 'Not') this.rule(value, at, language, false);
    else if (operator === 'And' || operator === 'Or') {
      if (!Array.isArray(value)) this.schema(MESSAGE.type('ARRAY'), at);
      else if (value.length === 0) this.schema(MESSAGE.empty, at);
      else value.forEach((inner, index) => this.rule(inner, child(at, `[${index}]`), language, false));
    } else this.operand(CHOICE_OPERATORS.get(operator) ?? 'string', value, at);
  }

  private operand(kind: OperatorOperand, value: unknown, place: Place): void {
    switch (kind) {
      case 'string':
        if (typeof value !== 'string') this.schema(MESSAGE.type('STRING'), place);
        break;
      case 'number':
        if (typeof value !== 'number') this.schema(MESSAGE.type('NUMBER'), place);
        break;
      case 'boolean':
      case 'test':
        if (typeof value !== 'boolean') this.schema(MESSAGE.type('BOOLEAN'), place);
        break;
      case 'timestamp':
        this.timestamp(value, place, 'JSONPath');
        break;
      case 'path':
        this.referencePath(value, place, ANY_ROOT, false);
        break;
    }
  }

  private jsonataRule(rule: JsonRecord, place: Place): void {
    for (const key of Object.keys(rule)) {
      if (key === 'Variable' || CHOICE_OPERATORS.has(key) || CHOICE_COMBINATORS.has(key)) this.schema(MESSAGE.wrongLanguage('JSONata', key), place);
      else if (!['Condition', 'Next', 'Comment', 'Assign', 'Output'].includes(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
    }
    const missing = ['Condition', 'Next'].filter((key) => !has(rule, key));
    if (missing.length > 0) this.schema(MESSAGE.required(missing), place);
    if (has(rule, 'Condition') && typeof rule.Condition !== 'boolean' && jsonataExpression(rule.Condition) === undefined) {
      this.schema(MESSAGE.type('BOOLEAN'), child(place, 'Condition'));
    }
    this.string(rule, 'Next', child(place, 'Next'));
    this.string(rule, 'Comment', child(place, 'Comment'));
    if (has(rule, 'Assign')) this.assign(rule.Assign, child(place, 'Assign'), 'JSONata');
    for (const key of ['Condition', 'Output', 'Assign']) if (has(rule, key)) this.expressionsIn(rule[key], child(place, key), false);
  }

  // ---- Parallel ----

  private parallel(view: StateView): void {
    const { state, place } = view;
    if (!has(state, 'Branches')) {
      this.schema(MESSAGE.required(['Branches']), place);
      return;
    }
    const branches = state.Branches;
    const at = child(place, 'Branches');
    if (!Array.isArray(branches)) this.schema(MESSAGE.type('ARRAY'), at);
    else if (branches.length === 0) this.schema(MESSAGE.empty, at);
    else branches.forEach((branch, index) => this.machine(branch, { location: `${at.location}[${index}]`, state: view.name, field: `Branches[${index}]` }, 'branch'));
  }

  // ---- Map ----

  private map(view: StateView): void {
    const { state, place, language } = view;
    const processor = has(state, 'ItemProcessor');
    const iterator = has(state, 'Iterator');
    // unverified wordings: "Map state" requires one of ItemProcessor or its older name Iterator.
    if (processor && iterator) this.schema(MESSAGE.onlyOne(['Iterator', 'ItemProcessor']), place);
    else if (!processor && !iterator) this.schema(MESSAGE.required(['ItemProcessor']), place);
    let mode: unknown;
    if (processor) {
      const at = child(place, 'ItemProcessor');
      this.machine(state.ItemProcessor, at, 'processor');
      if (isRecord(state.ItemProcessor) && has(state.ItemProcessor, 'ProcessorConfig')) mode = this.processorConfig(state.ItemProcessor.ProcessorConfig, child(at, 'ProcessorConfig'));
    }
    if (iterator) {
      const at = child(place, 'Iterator');
      this.machine(state.Iterator, at, 'processor');
      if (isRecord(state.Iterator) && has(state.Iterator, 'ProcessorConfig')) mode = this.processorConfig(state.Iterator.ProcessorConfig, child(at, 'ProcessorConfig'));
    }
    // unverified: an explicitly INLINE Map refuses the fields only a distributed Map runs ("Map state", Inline mode).
    if (mode === 'INLINE') {
      for (const key of DISTRIBUTED_ONLY_MAP_FIELDS) if (has(state, key)) this.schema(MESSAGE.notSupported(key), { ...place, field: key });
    }

    this.pair(view, 'MaxConcurrency', NON_NEGATIVE);
    this.pair(view, 'ToleratedFailureCount', NON_NEGATIVE);
    this.pair(view, 'ToleratedFailurePercentage', PERCENTAGE);
    // Only ItemsPath may read the context object (floci #3733, measured).
    if (this.uses(view, 'ItemsPath')) this.referencePath(state.ItemsPath, child(place, 'ItemsPath'), ANY_ROOT, false);
    // "Map state": Items is an array, an object (iterated as key/value pairs) or an expression.
    const items = state.Items;
    if (this.uses(view, 'Items') && !Array.isArray(items) && !isRecord(items) && jsonataExpression(items) === undefined) this.schema(MESSAGE.type('ARRAY'), child(place, 'Items'));
    if (language === 'JSONPath' && this.uses(view, 'ItemSelector')) this.template(state.ItemSelector, child(place, 'ItemSelector'));
    if (this.uses(view, 'ItemReader')) this.itemReader(state.ItemReader, child(place, 'ItemReader'), language);
    if (this.uses(view, 'ItemBatcher')) this.itemBatcher(state.ItemBatcher, child(place, 'ItemBatcher'), language);
    if (this.uses(view, 'ResultWriter')) this.resultWriter(state.ResultWriter, child(place, 'ResultWriter'), language);
    if (this.uses(view, 'Label')) this.label(state.Label, child(place, 'Label'));
  }

  /** Checks a ProcessorConfig and returns its Mode. */
  private processorConfig(value: unknown, place: Place): unknown {
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return undefined;
    }
    for (const key of Object.keys(value)) if (key !== 'Mode' && key !== 'ExecutionType') this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
    this.enumeration(value, 'Mode', ['INLINE', 'DISTRIBUTED'], child(place, 'Mode'));
    this.enumeration(value, 'ExecutionType', ['STANDARD', 'EXPRESS'], child(place, 'ExecutionType'));
    // "Map state", ItemProcessor: ExecutionType is required when Mode is DISTRIBUTED.
    if (value.Mode === 'DISTRIBUTED' && !has(value, 'ExecutionType')) this.schema(MESSAGE.required(['ExecutionType']), place);
    return value.Mode;
  }

  /** `X` / `XPath` on a Map: one of them, a bounded number (or `{% %}`), a reference path without `$$` (floci #3733, measured). */
  private pair(view: StateView, key: string, rule: NumberRule): void {
    const { state, place } = view;
    const pathKey = `${key}Path`;
    if (has(state, key) && has(state, pathKey)) this.schema(MESSAGE.onlyOne([key, pathKey]), place);
    if (this.uses(view, key)) this.numberOrExpression(state[key], rule, child(place, key), view.language);
    if (this.uses(view, pathKey)) this.referencePath(state[pathKey], child(place, pathKey), NO_CONTEXT, false);
  }

  /** The same rules inside ItemReader.ReaderConfig and ItemBatcher, whose fields are nested one level down. */
  private nestedPair(object: JsonRecord, key: string, rule: NumberRule, place: Place, language: QueryLanguage): void {
    const pathKey = `${key}Path`;
    if (has(object, key) && has(object, pathKey)) this.schema(MESSAGE.onlyOne([key, pathKey]), place);
    if (has(object, key)) this.numberOrExpression(object[key], rule, child(place, key), language);
    if (has(object, pathKey)) {
      if (language === 'JSONata') this.schema(MESSAGE.wrongLanguage('JSONata', pathKey), place);
      else this.referencePath(object[pathKey], child(place, pathKey), NO_CONTEXT, false);
    }
  }

  private itemReader(value: unknown, place: Place, language: QueryLanguage): void {
    if (!this.resourceObject(value, place, language, ['ReaderConfig'])) return;
    const reader = value as JsonRecord;
    if (!has(reader, 'Resource')) this.schema(MESSAGE.required(['Resource']), place);
    if (!has(reader, 'ReaderConfig')) return;
    const config = reader.ReaderConfig;
    const at = child(place, 'ReaderConfig');
    if (!isRecord(config)) {
      this.schema(MESSAGE.type('OBJECT'), at);
      return;
    }
    // "ItemReader (Map)", ReaderConfig.
    this.enumeration(config, 'InputType', ['CSV', 'JSON', 'JSONL', 'MANIFEST', 'PARQUET'], child(at, 'InputType'));
    this.enumeration(config, 'CSVHeaderLocation', ['FIRST_ROW', 'GIVEN'], child(at, 'CSVHeaderLocation'));
    this.enumeration(config, 'CSVDelimiter', ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'], child(at, 'CSVDelimiter'));
    if (has(config, 'CSVHeaders') && !(Array.isArray(config.CSVHeaders) && config.CSVHeaders.every((header) => typeof header === 'string'))) {
      this.schema(MESSAGE.type('ARRAY'), child(at, 'CSVHeaders'));
    }
    this.nestedPair(config, 'MaxItems', READER_MAX_ITEMS, at, language);
  }

  private itemBatcher(value: unknown, place: Place, language: QueryLanguage): void {
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return;
    }
    const fields = ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', 'BatchInput'];
    for (const key of Object.keys(value)) if (!fields.includes(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
    this.nestedPair(value, 'MaxItemsPerBatch', NON_NEGATIVE, place, language);
    this.nestedPair(value, 'MaxInputBytesPerBatch', BATCH_BYTES, place, language);
    if (language === 'JSONPath' && has(value, 'BatchInput')) this.template(value.BatchInput, child(place, 'BatchInput'));
  }

  private resultWriter(value: unknown, place: Place, language: QueryLanguage): void {
    if (!this.resourceObject(value, place, language, ['WriterConfig'])) return;
    const writer = value as JsonRecord;
    if (!has(writer, 'WriterConfig')) return;
    const config = writer.WriterConfig;
    const at = child(place, 'WriterConfig');
    if (!isRecord(config)) {
      this.schema(MESSAGE.type('OBJECT'), at);
      return;
    }
    // "ResultWriter (Map)", WriterConfig.
    this.enumeration(config, 'Transformation', ['NONE', 'COMPACT', 'FLATTEN'], child(at, 'Transformation'));
    this.enumeration(config, 'OutputType', ['JSON', 'JSONL'], child(at, 'OutputType'));
  }

  /** ItemReader and ResultWriter: a Resource with Parameters (JSONPath) or Arguments (JSONata), plus `extra` fields. */
  private resourceObject(value: unknown, place: Place, language: QueryLanguage, extra: readonly string[]): value is JsonRecord {
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return false;
    }
    for (const key of Object.keys(value)) {
      if (key === 'Parameters' && language === 'JSONata') this.schema(MESSAGE.wrongLanguage('JSONata', key), place);
      else if (key === 'Arguments' && language === 'JSONPath') this.schema(MESSAGE.wrongLanguage('JSONPath', key), place);
      else if (!['Resource', 'Parameters', 'Arguments', ...extra].includes(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
    }
    this.string(value, 'Resource', child(place, 'Resource'));
    if (language === 'JSONPath' && has(value, 'Parameters')) this.template(value.Parameters, child(place, 'Parameters'));
    return true;
  }

  private label(value: unknown, place: Place): void {
    if (typeof value !== 'string') {
      this.schema(MESSAGE.type('STRING'), place);
      return;
    }
    // "Map state", Label: at most 40 characters, none of whitespace, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : / or control characters.
    if (value === '' || codePoints(value) > 40 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u.test(value)) {
      this.report('INVALID_LABEL_NAME', MESSAGE.labelName(value), place);
    }
  }

  // ---- Retry and Catch ----

  private retry(view: StateView): void {
    const at = child(view.place, 'Retry');
    const retriers = view.state.Retry;
    if (!Array.isArray(retriers)) {
      this.schema(MESSAGE.type('ARRAY'), at);
      return;
    }
    retriers.forEach((retrier, index) => {
      const place = child(at, `[${index}]`);
      if (!isRecord(retrier)) {
        this.schema(MESSAGE.type('OBJECT'), place);
        return;
      }
      for (const key of Object.keys(retrier)) if (!RETRIER_FIELDS.has(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
      if (!has(retrier, 'ErrorEquals')) this.schema(MESSAGE.required(['ErrorEquals']), place);
      else this.errorEquals(retrier.ErrorEquals, child(place, 'ErrorEquals'), index === retriers.length - 1);
      this.number(retrier, 'IntervalSeconds', INTERVAL_SECONDS, child(place, 'IntervalSeconds'));
      this.number(retrier, 'MaxAttempts', MAX_ATTEMPTS, child(place, 'MaxAttempts'));
      this.number(retrier, 'BackoffRate', BACKOFF_RATE, child(place, 'BackoffRate'));
      this.number(retrier, 'MaxDelaySeconds', MAX_DELAY_SECONDS, child(place, 'MaxDelaySeconds'));
      // unverified order (cdk-preflight); the values are the developer guide's.
      this.enumeration(retrier, 'JitterStrategy', ['NONE', 'FULL'], child(place, 'JitterStrategy'));
      this.string(retrier, 'Comment', child(place, 'Comment'));
    });
  }

  private catchers(view: StateView): void {
    const at = child(view.place, 'Catch');
    const catchers = view.state.Catch;
    if (!Array.isArray(catchers)) {
      this.schema(MESSAGE.type('ARRAY'), at);
      return;
    }
    catchers.forEach((catcher, index) => {
      const place = child(at, `[${index}]`);
      if (!isRecord(catcher)) {
        this.schema(MESSAGE.type('OBJECT'), place);
        return;
      }
      for (const key of Object.keys(catcher)) {
        if (!CATCHER_FIELDS.has(key)) this.schema(MESSAGE.notSupported(key), { ...place, field: `${place.field}.${key}` });
        else if (this.foreignField(key, view.language)) this.schema(MESSAGE.wrongLanguage(view.language, key), place);
      }
      const missing = ['ErrorEquals', 'Next'].filter((key) => !has(catcher, key));
      if (missing.length > 0) this.schema(MESSAGE.required(missing), place);
      if (has(catcher, 'ErrorEquals')) this.errorEquals(catcher.ErrorEquals, child(place, 'ErrorEquals'), index === catchers.length - 1);
      this.string(catcher, 'Next', child(place, 'Next'));
      this.string(catcher, 'Comment', child(place, 'Comment'));
      if (view.language === 'JSONPath' && has(catcher, 'ResultPath')) this.referencePath(catcher.ResultPath, child(place, 'ResultPath'), INPUT_ONLY, true);
      if (has(catcher, 'Assign')) this.assign(catcher.Assign, child(place, 'Assign'), view.language);
      if (view.language === 'JSONata') {
        // A catcher's Output and Assign are where $states.errorOutput exists (floci #2786, measured).
        for (const key of ['Output', 'Assign']) if (has(catcher, key)) this.expressionsIn(catcher[key], child(place, key), true);
      }
    });
  }

  /** "Handling errors": a non-empty list of error names; States.ALL alone, in the last retrier or catcher. */
  private errorEquals(value: unknown, place: Place, last: boolean): void {
    if (!Array.isArray(value)) {
      this.schema(MESSAGE.type('ARRAY'), place);
      return;
    }
    if (value.length === 0) {
      this.schema(MESSAGE.empty, place);
      return;
    }
    if (value.some((name) => typeof name !== 'string')) this.schema(MESSAGE.type('STRING'), place);
    if (value.includes('States.ALL') && (value.length > 1 || !last)) this.schema(MESSAGE.statesAll, place);
  }

  // ---- variables and payload templates ----

  private assign(value: unknown, place: Place, language: QueryLanguage): void {
    if (!isRecord(value)) {
      this.schema(MESSAGE.type('OBJECT'), place);
      return;
    }
    for (const key of Object.keys(value)) {
      const name = language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
      // "Passing data between states with variables": $states is reserved; names are Unicode identifiers of at most 80 characters.
      if (name === 'states') this.report('RESERVED_VARIABLE_NAME', MESSAGE.reservedVariable, place);
      else if (!isVariableName(name)) this.report('INVALID_VARIABLE_NAME', MESSAGE.variableName(name), place);
      else if (codePoints(name) > MAX_VARIABLE_NAME_LENGTH) this.report('INVALID_VARIABLE_NAME', MESSAGE.variableNameLength(name), place);
    }
    if (language === 'JSONPath') this.template(value, place);
  }

  /**
   * A JSONPath payload template ("Parameters", "ResultSelector",
   * "ItemSelector", "Assign"): every `.$` key holds a Path or an intrinsic
   * call. AWS locates the problem at the template's field (cfn-lint #4085).
   */
  private template(value: unknown, place: Place): void {
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach(visit);
        return;
      }
      if (!isRecord(node)) return;
      for (const [key, inner] of Object.entries(node)) {
        if (key.endsWith('.$')) {
          if (!isPathOrIntrinsic(inner)) this.schema(MESSAGE.dollarValue(key), place);
        } else visit(inner);
      }
    };
    visit(value);
  }

  // ---- JSONata expressions ----

  /** Every `{% %}` of a JSONata state, located at the state's field (floci #2786, measured: `/States/Main/Output`). */
  private expressions(view: StateView): void {
    const skip = new Set(['Type', 'Comment', 'QueryLanguage', 'Next', 'End', 'Resource', 'Branches', 'ItemProcessor', 'Iterator', 'Choices', 'Default', 'Retry', 'Catch']);
    for (const [key, value] of Object.entries(view.state)) {
      if (!skip.has(key) && !view.foreign.has(key)) this.expressionsIn(value, child(view.place, key), false);
    }
  }

  private expressionsIn(value: unknown, place: Place, inCatcher: boolean): void {
    if (typeof value === 'string') {
      const expression = jsonataExpression(value);
      if (expression === undefined) return;
      const problem = expressionProblem(expression, inCatcher);
      if (problem !== undefined) this.report(problem.code, problem.message, place);
    } else if (Array.isArray(value)) {
      for (const item of value) this.expressionsIn(item, place, inCatcher);
    } else if (isRecord(value)) {
      for (const item of Object.values(value)) this.expressionsIn(item, place, inCatcher);
    }
  }

  // ---- values ----

  private string(object: JsonRecord, key: string, place: Place): void {
    if (has(object, key) && typeof object[key] !== 'string') this.schema(MESSAGE.type('STRING'), place);
  }

  private enumeration(object: JsonRecord, key: string, values: readonly string[], place: Place): void {
    if (!has(object, key)) return;
    const value = object[key];
    if (typeof value !== 'string') this.schema(MESSAGE.type('STRING'), place);
    else if (!values.includes(value)) this.schema(MESSAGE.oneOf(values), place);
  }

  private number(object: JsonRecord, key: string, rule: NumberRule, place: Place): number | undefined {
    return has(object, key) ? this.numberValue(object[key], rule, place) : undefined;
  }

  /** In JSONata a number field may hold a `{% %}` expression instead (checked with the other expressions). */
  private numberOrExpression(value: unknown, rule: NumberRule, place: Place, language: QueryLanguage): number | undefined {
    if (language === 'JSONata' && jsonataExpression(value) !== undefined) return undefined;
    return this.numberValue(value, rule, place);
  }

  private numberValue(value: unknown, rule: NumberRule, place: Place): number | undefined {
    if (typeof value !== 'number' || (rule.integer && !Number.isInteger(value))) {
      this.schema(MESSAGE.type(rule.integer ? 'INTEGER' : 'NUMBER'), place);
      return undefined;
    }
    if (rule.min !== undefined && value < rule.min) this.schema(MESSAGE.minimum(bound(rule.min, rule)), place);
    else if (rule.max !== undefined && value > rule.max) this.schema(MESSAGE.maximum(bound(rule.max, rule)), place);
    return value;
  }

  /** InputPath / OutputPath: a Path, or null. */
  private path(value: unknown, place: Place): void {
    if (value === null) return;
    if (typeof value !== 'string' || !isPath(value, ANY_ROOT)) this.schema(MESSAGE.notPath, place);
  }

  private referencePath(value: unknown, place: Place, roots: PathRoots, nullable: boolean): void {
    if (value === null && nullable) return;
    if (typeof value !== 'string') {
      this.schema(MESSAGE.type('STRING'), place);
      return;
    }
    const problem = referencePathProblem(value, roots);
    if (problem !== undefined) this.schema(MESSAGE.notReferencePath(problem), place);
  }
}

function fieldOf(place: Place, key: string): string {
  return place.field === undefined ? key : `${place.field}.${key}`;
}

function bound(value: number, rule: NumberRule): string {
  return rule.decimal === true && Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * Checks an Amazon States Language definition as Step Functions'
 * ValidateStateMachineDefinition does, and returns its diagnostics (empty
 * when the definition is accepted). A string is read as the definition's JSON
 * text. The codes, messages and locations are AWS's where AWS's are known.
 *
 * @example
 * ```ts
 * validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } });
 * // → [{ severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: B",
 * //      location: '/States/A/Next', state: 'A', field: 'Next' }, { …MISSING_END_STATE… }]
 * ```
 */
export function validateDefinition(definition: unknown): ValidationDiagnostic[] {
  const validation = new Validation();
  let parsed = definition;
  if (typeof definition === 'string') {
    if (definition.trim() === '') {
      validation.schema(MESSAGE.notAnObject, { location: '' });
      return validation.diagnostics;
    }
    try {
      parsed = JSON.parse(definition) as unknown;
    } catch (error) {
      // AWS quotes its own JSON parser here; ours words the same problem differently.
      validation.report('INVALID_JSON_DESCRIPTION', error instanceof Error ? error.message : String(error), { location: '' });
      return validation.diagnostics;
    }
  }
  if (!isRecord(parsed)) {
    validation.schema(MESSAGE.notAnObject, { location: '' });
    return validation.diagnostics;
  }
  validation.machine(parsed, { location: '' }, 'top');
  return validation.diagnostics;
}

/**
 * The diagnostics as CreateStateMachine words its `InvalidDefinition` error:
 * `Invalid State Machine Definition: 'CODE: message at /location, …'`
 * (recorded: test_sfn_api::test_create_delete_invalid_sm; a location AWS does
 * not give reads `null`, as in `MISSING_END_STATE: … at null`).
 *
 * @example
 * ```ts
 * formatDiagnostics(validateDefinition({ StartAt: 'A' }));
 * // "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'"
 * ```
 */
export function formatDiagnostics(diagnostics: readonly ValidationDiagnostic[]): string {
  const problems = diagnostics.map((diagnostic) => `${diagnostic.code}: ${diagnostic.message} at ${diagnostic.location === '' ? 'null' : diagnostic.location}`);
  return `Invalid State Machine Definition: '${problems.join(', ')}'`;
}
