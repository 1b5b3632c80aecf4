/**
 * Which fields each part of an Amazon States Language definition may carry,
 * per query language, as the AWS developer guide's state pages list them
 * ("Pass workflow state", "Task workflow state", "Choice workflow state",
 * "Wait workflow state", "Succeed workflow state", "Fail workflow state",
 * "Parallel workflow state", "Map state", "Transforming data with JSONata in
 * Step Functions", "Passing data between states with variables").
 * The validator reads these tables; nothing here runs a state.
 */

/** The eight state types, in the order the ASL specification introduces them. */
export const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
export type StateType = (typeof STATE_TYPES)[number];

/**
 * Fields a JSONata state may not use (AWS: "The QueryLanguage is set to
 * 'JSONata', but field 'X' is only supported for the 'JSONPath' QueryLanguage").
 * In JSONata the value fields (`Seconds`, `TimeoutSeconds`, `MaxConcurrency`…)
 * take a `{% %}` expression instead of a `…Path` twin.
 */
export const JSONPATH_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'InputPath',
  'OutputPath',
  'Parameters',
  'ResultSelector',
  'ResultPath',
  'Result',
  'ItemsPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'SecondsPath',
  'TimestampPath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
  'ErrorPath',
  'CausePath',
  // Inside ItemReader.ReaderConfig and ItemBatcher.
  'MaxItemsPath',
  'MaxItemsPerBatchPath',
  'MaxInputBytesPerBatchPath',
]);

/** Fields a JSONPath state may not use (the mirror message, `…only supported for the 'JSONata' QueryLanguage`). */
export const JSONATA_ONLY_FIELDS: ReadonlySet<string> = new Set(['Arguments', 'Output', 'Items', 'Condition']);

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const TRANSITION = ['Next', 'End'];
const JSONPATH_IO = ['InputPath', 'OutputPath'];

/** Every field a state of each type may carry, in either query language. */
export const STATE_FIELDS: Readonly<Record<StateType, ReadonlySet<string>>> = {
  Task: new Set([
    ...COMMON,
    ...TRANSITION,
    ...JSONPATH_IO,
    'Resource',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'Arguments',
    'Output',
    'Assign',
    'Retry',
    'Catch',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Credentials',
  ]),
  Pass: new Set([...COMMON, ...TRANSITION, ...JSONPATH_IO, 'Parameters', 'Result', 'ResultPath', 'Output', 'Assign']),
  Choice: new Set([...COMMON, ...JSONPATH_IO, 'Choices', 'Default', 'Output', 'Assign']),
  Wait: new Set([...COMMON, ...TRANSITION, ...JSONPATH_IO, 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', 'Output', 'Assign']),
  Succeed: new Set([...COMMON, ...JSONPATH_IO, 'Output']),
  Fail: new Set([...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath']),
  Parallel: new Set([
    ...COMMON,
    ...TRANSITION,
    ...JSONPATH_IO,
    'Branches',
    'Parameters',
    'ResultSelector',
    'ResultPath',
    'Arguments',
    'Output',
    'Assign',
    'Retry',
    'Catch',
  ]),
  Map: new Set([
    ...COMMON,
    ...TRANSITION,
    ...JSONPATH_IO,
    'ItemsPath',
    'Items',
    'ItemSelector',
    // The pre-ItemSelector spelling, still accepted by AWS.
    'Parameters',
    'Iterator',
    'ItemProcessor',
    'ItemReader',
    'ItemBatcher',
    'ResultWriter',
    'ResultSelector',
    'ResultPath',
    'Output',
    'Assign',
    'Retry',
    'Catch',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    'Label',
  ]),
};

/** Types whose states move on with exactly one of `Next` / `End`. */
export const TRANSITIONING_TYPES: ReadonlySet<string> = new Set(['Task', 'Pass', 'Wait', 'Parallel', 'Map']);

/** Map fields that only a distributed Map runs ("Map state", Distributed mode). */
export const DISTRIBUTED_ONLY_MAP_FIELDS = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'Label',
] as const;

/** The top level of a definition ("State machine structure"). */
export const TOP_LEVEL_FIELDS: ReadonlySet<string> = new Set(['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage']);
/** A Parallel branch: a machine without QueryLanguage, TimeoutSeconds or Version. */
export const BRANCH_FIELDS: ReadonlySet<string> = new Set(['Comment', 'StartAt', 'States']);
/** A Map's ItemProcessor (or the legacy Iterator). */
export const PROCESSOR_FIELDS: ReadonlySet<string> = new Set(['Comment', 'StartAt', 'States', 'ProcessorConfig']);

export const RETRIER_FIELDS: ReadonlySet<string> = new Set([
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'Comment',
]);
export const CATCHER_FIELDS: ReadonlySet<string> = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment']);

/** What a JSONPath Choice comparison operator compares its `Variable` with. */
export type OperatorOperand = 'string' | 'number' | 'boolean' | 'timestamp' | 'path' | 'test';

const COMPARED: ReadonlyArray<readonly [string, OperatorOperand]> = [
  ['StringEquals', 'string'],
  ['StringLessThan', 'string'],
  ['StringGreaterThan', 'string'],
  ['StringLessThanEquals', 'string'],
  ['StringGreaterThanEquals', 'string'],
  ['NumericEquals', 'number'],
  ['NumericLessThan', 'number'],
  ['NumericGreaterThan', 'number'],
  ['NumericLessThanEquals', 'number'],
  ['NumericGreaterThanEquals', 'number'],
  ['BooleanEquals', 'boolean'],
  ['TimestampEquals', 'timestamp'],
  ['TimestampLessThan', 'timestamp'],
  ['TimestampGreaterThan', 'timestamp'],
  ['TimestampLessThanEquals', 'timestamp'],
  ['TimestampGreaterThanEquals', 'timestamp'],
];

/**
 * The 39 comparison operators of a JSONPath Choice rule: each comparison,
 * its `…Path` twin (compared with another reference path), `StringMatches`,
 * and the `Is…` type tests ("Choice workflow state", Choice Rules).
 */
export const CHOICE_OPERATORS: ReadonlyMap<string, OperatorOperand> = new Map<string, OperatorOperand>([
  ...COMPARED,
  ...COMPARED.map(([name]) => [`${name}Path`, 'path'] as const),
  ['StringMatches', 'string'],
  ['IsNull', 'test'],
  ['IsPresent', 'test'],
  ['IsNumeric', 'test'],
  ['IsString', 'test'],
  ['IsBoolean', 'test'],
  ['IsTimestamp', 'test'],
]);

/** The Boolean combinators of a JSONPath Choice rule. */
export const CHOICE_COMBINATORS: ReadonlySet<string> = new Set(['And', 'Or', 'Not']);
