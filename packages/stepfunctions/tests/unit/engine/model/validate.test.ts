import { describe, expect, it } from 'vitest';
import { formatDiagnostics, validateDefinition, type ValidationDiagnostic } from '../../../../src/engine/model/validate.js';

// Sources named in the comments below:
// - "recorded": an AWS response in LocalStack's snapshot files (localstack/localstack,
//   tests/aws/services/stepfunctions/v2/…); the test is named.
// - "measured": an AWS answer quoted in a public issue: floci-io/floci #2735, #2786, #2968, #3733
//   (validate-state-machine-definition on us-east-1); aws-cloudformation/cfn-lint #4073–#4078, #4085
//   (CloudFormation's InvalidDefinition text); localstack/localstack PR #12487 (AWS reproduction);
//   sam-goodwin/functionless #308.
// - "unverified": AWS's message family, wording not seen for that exact case (see validate.ts).

const LAMBDA = 'arn:aws:lambda:us-east-1:111111111111:function:worker';
const INVOKE = 'arn:aws:states:::lambda:invoke';

type Definition = Record<string, unknown>;

/** A one-state machine around `state` (named S), plus any extra top-level fields. */
function single(state: Record<string, unknown>, top: Record<string, unknown> = {}): Definition {
  return { ...top, StartAt: 'S', States: { S: state } };
}

function errors(definition: unknown): ValidationDiagnostic[] {
  return validateDefinition(definition).filter((diagnostic) => diagnostic.severity === 'ERROR');
}

/** The diagnostics as `CODE|message|location` lines, for exact comparisons. */
function lines(definition: unknown): string[] {
  return errors(definition).map((diagnostic) => `${diagnostic.code}|${diagnostic.message}|${diagnostic.location}`);
}

function schema(message: string, location: string): string {
  return `SCHEMA_VALIDATION_FAILED|${message}|${location}`;
}

const inlineProcessor = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } };

describe('Function: validateDefinition', () => {
  describe('accepted definitions', () => {
    it.each<[string, Definition]>([
      [
        'Task with paths, templates, intrinsics, timeouts, retry and catch',
        {
          Comment: 'every JSONPath Task field',
          Version: '1.0',
          TimeoutSeconds: 300,
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Comment: 'calls the worker',
              Resource: INVOKE,
              InputPath: '$.order',
              Parameters: {
                FunctionName: LAMBDA,
                'Payload.$': '$',
                'Execution.$': '$$.Execution.Id',
                'Greeting.$': "States.Format('Hello {}', $.name)",
                nested: [{ 'total.$': 'States.MathAdd($.a, $.b)' }],
              },
              ResultSelector: { 'body.$': '$.Payload' },
              ResultPath: '$.result',
              OutputPath: '$.result',
              TimeoutSeconds: 60,
              HeartbeatSeconds: 10,
              Credentials: { RoleArn: 'arn:aws:iam::111111111111:role/worker' },
              Assign: { attempt: 1, 'orderId.$': '$.order.id' },
              Retry: [
                { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 1.5, MaxDelaySeconds: 10, JitterStrategy: 'FULL' },
                { ErrorEquals: ['States.ALL'], MaxAttempts: 0 },
              ],
              Catch: [
                { ErrorEquals: ['States.Timeout', 'States.TaskFailed'], ResultPath: '$.error', Next: 'Failed' },
                { ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'Failed' },
              ],
              Next: 'Done',
            },
            Done: { Type: 'Succeed', OutputPath: '$' },
            Failed: { Type: 'Fail', Error: 'WorkFailed', CausePath: "States.Format('cause: {}', $.error.Cause)" },
          },
        },
      ],
      ['Task with TimeoutSecondsPath and HeartbeatSecondsPath', single({ Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.timeout', HeartbeatSecondsPath: '$.heartbeat', End: true })],
      ['Pass with Result, ResultPath null and a variable-rooted InputPath', single({ Type: 'Pass', InputPath: '$config.flags', Result: { fixed: true }, ResultPath: null, End: true })],
      [
        'Wait in each of its four forms',
        {
          StartAt: 'A',
          States: {
            A: { Type: 'Wait', Seconds: 0, Next: 'B' },
            B: { Type: 'Wait', SecondsPath: '$.delay', Next: 'C' },
            C: { Type: 'Wait', Timestamp: '2030-01-01T00:00:00Z', Next: 'D' },
            D: { Type: 'Wait', TimestampPath: '$.when', Assign: { waited: true }, Next: 'E' },
            E: { Type: 'Wait', Timestamp: '2030-01-01T00:00:00.250+02:00', End: true },
          },
        },
      ],
      [
        'Choice with And, Or, Not, Assign in a rule and a Default',
        {
          StartAt: 'Route',
          States: {
            Route: {
              Type: 'Choice',
              Choices: [
                { And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.a', IsNull: true } }], Next: 'Yes', Assign: { route: 'and' } },
                { Or: [{ Variable: '$.b', NumericGreaterThanEqualsPath: '$.min' }, { Variable: '$$.Execution.Name', StringMatches: 'run-*' }], Next: 'Yes' },
              ],
              Default: 'No',
              Assign: { route: 'default' },
            },
            Yes: { Type: 'Succeed' },
            No: { Type: 'Fail', ErrorPath: '$.code', Cause: 'no route' },
          },
        },
      ],
      [
        'Parallel with two branches',
        {
          StartAt: 'Fan',
          States: {
            Fan: {
              Type: 'Parallel',
              Branches: [
                { Comment: 'left', StartAt: 'L', States: { L: { Type: 'Pass', End: true } } },
                { StartAt: 'R1', States: { R1: { Type: 'Wait', Seconds: 1, Next: 'R2' }, R2: { Type: 'Succeed' } } },
              ],
              Parameters: { 'input.$': '$' },
              ResultSelector: { 'left.$': '$[0]' },
              ResultPath: '$.fan',
              Retry: [{ ErrorEquals: ['States.ALL'] }],
              Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Oops' }],
              Next: 'Done',
            },
            Done: { Type: 'Succeed' },
            Oops: { Type: 'Fail' },
          },
        },
      ],
      [
        'inline Map (ItemProcessor) with ItemsPath, ItemSelector and MaxConcurrencyPath',
        single({
          Type: 'Map',
          ItemsPath: '$$.Execution.Input.items',
          ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...inlineProcessor },
          MaxConcurrencyPath: '$.limit',
          ResultPath: '$.results',
          End: true,
        }),
      ],
      ['inline Map with the legacy Iterator and Parameters', single({ Type: 'Map', ItemsPath: '$.items', Parameters: { 'item.$': '$$.Map.Item.Value' }, Iterator: inlineProcessor, MaxConcurrency: 0, End: true })],
      [
        'distributed Map with ItemReader, ItemBatcher, ResultWriter, tolerance and Label',
        single({
          Type: 'Map',
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'SEMICOLON', MaxItemsPath: '$.max' },
            Parameters: { Bucket: 'items', 'Key.$': '$.key' },
          },
          ItemBatcher: { MaxItemsPerBatch: 10, MaxInputBytesPerBatch: 262_144, BatchInput: { 'run.$': '$$.Execution.Name' } },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, ...inlineProcessor },
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results', Prefix: 'run' }, WriterConfig: { Transformation: 'COMPACT', OutputType: 'JSONL' } },
          ToleratedFailurePercentage: 12.5,
          ToleratedFailureCountPath: '$.tolerated',
          MaxConcurrency: 1000,
          Label: 'items-run',
          End: true,
        }),
      ],
      [
        'a JSONata machine using Arguments, Output, Items, Condition, Assign and expressions',
        {
          QueryLanguage: 'JSONata',
          StartAt: 'Call',
          States: {
            Call: {
              Type: 'Task',
              Resource: INVOKE,
              Arguments: { FunctionName: LAMBDA, Payload: '{% $states.input %}' },
              Output: '{% $states.result.Payload %}',
              Assign: { total: '{% $sum($states.result.Payload.prices) %}' },
              TimeoutSeconds: '{% $states.input.timeout %}',
              Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }],
              Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { failure: '{% $states.errorOutput.Cause %}' }, Next: 'Failed' }],
              Next: 'Check',
            },
            Check: {
              Type: 'Choice',
              Choices: [{ Condition: '{% $total > 10 %}', Assign: { big: true }, Output: { total: '{% $total %}' }, Next: 'Each' }],
              Default: 'Pause',
            },
            Pause: { Type: 'Wait', Seconds: '{% $states.input.delay %}', Next: 'Each' },
            Each: {
              Type: 'Map',
              Items: '{% $states.input.items %}',
              ItemSelector: { item: '{% $states.context.Map.Item.Value %}' },
              ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', Output: '{% $states.input.item * 2 %}', End: true } } },
              MaxConcurrency: '{% $states.input.limit %}',
              Next: 'Both',
            },
            Both: {
              Type: 'Parallel',
              Arguments: { values: '{% $states.input %}' },
              Branches: [{ StartAt: 'One', States: { One: { Type: 'Pass', End: true } } }],
              Next: 'Done',
            },
            Done: { Type: 'Succeed', Output: { done: true } },
            Failed: { Type: 'Fail', Error: 'Failed', Cause: '{% $failure %}' },
          },
        },
      ],
      // recorded: test_sfn_api_validation …type_standard[VALID_QUERY_LANGUAGE_PASS] is a JSONPath state declaring its language.
      ['a JSONPath state declaring JSONPath under a JSONPath machine', single({ Type: 'Pass', QueryLanguage: 'JSONPath', InputPath: '$.a', End: true })],
      ['a JSONata state inside a JSONPath machine', single({ Type: 'Pass', QueryLanguage: 'JSONata', Output: { v: '{% 1 + 1 %}' }, End: true })],
      // measured (floci #2968): an ItemProcessor state inherits the machine's JSONata.
      ['Output on an ItemProcessor state of a JSONata machine', single({ Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Output: { n: '{% $states.input.n %}' }, End: true } } }, End: true }, { QueryLanguage: 'JSONata' })],
      // Source: "Map state" (JSONata): Items is an array, an object or an expression.
      ['Items given as an object in a JSONata Map', single({ Type: 'Map', Items: { a: 1, b: 2 }, ItemProcessor: inlineProcessor, End: true }, { QueryLanguage: 'JSONata' })],
      // measured (floci #2786): only the top level must be able to end.
      ['a loop with no terminal state inside a Map', single({ Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } }, End: true })],
      // measured (floci #3733): MaxConcurrency has no upper bound at definition time.
      ['a MaxConcurrency beyond the integer range', single({ Type: 'Map', ItemsPath: '$.items', ItemProcessor: inlineProcessor, MaxConcurrency: 9_223_372_036_854_775_807, End: true })],
      // measured (floci #2968): Assign is not JSONata-only.
      ['Assign on a JSONPath state', single({ Type: 'Pass', Assign: { counter: 1, 'ünïcode_name2': 'ok' }, End: true })],
      ['a state name of exactly 80 characters', { StartAt: 'x'.repeat(80), States: { ['x'.repeat(80)]: { Type: 'Succeed' } } }],
      ['a definition given as JSON text', JSON.stringify(single({ Type: 'Succeed' })) as unknown as Definition],
    ])('accepts %s', (_name, definition) => {
      expect(lines(definition)).toEqual([]);
    });

    it('accepts a Choice rule with each of the 39 comparison operators', () => {
      // Source: "Choice workflow state", Choice Rules (AWS developer guide): the operators and their operand types.
      const operands: Record<string, unknown> = {
        StringEquals: 'a',
        StringLessThan: 'a',
        StringGreaterThan: 'a',
        StringLessThanEquals: 'a',
        StringGreaterThanEquals: 'a',
        StringMatches: 'a*',
        NumericEquals: 1,
        NumericLessThan: 1,
        NumericGreaterThan: 1,
        NumericLessThanEquals: 1.5,
        NumericGreaterThanEquals: -1,
        BooleanEquals: true,
        TimestampEquals: '2024-01-01T00:00:00Z',
        TimestampLessThan: '2024-01-01T00:00:00Z',
        TimestampGreaterThan: '2024-01-01T00:00:00Z',
        TimestampLessThanEquals: '2024-01-01T00:00:00Z',
        TimestampGreaterThanEquals: '2024-01-01T00:00:00Z',
        IsNull: true,
        IsPresent: false,
        IsNumeric: true,
        IsString: true,
        IsBoolean: true,
        IsTimestamp: true,
      };
      for (const name of ['String', 'Numeric', 'Timestamp']) {
        for (const relation of ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals']) operands[`${name}${relation}Path`] = '$.other';
      }
      operands.BooleanEqualsPath = '$.flag';
      const choices = Object.entries(operands).map(([operator, value]) => ({ Variable: '$.value', [operator]: value, Next: 'Done' }));
      expect(choices).toHaveLength(39);

      expect(lines({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: choices }, Done: { Type: 'Succeed' } } })).toEqual([]);
    });
  });

  describe('the top level', () => {
    it('refuses a definition that is not an object', () => {
      // recorded: test_sfn_api_validation …not_a_definition[EMPTY_STRING] (no location).
      for (const definition of [' ', [], 42, null]) {
        expect(errors(definition)).toEqual([{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object', location: '' }]);
      }
    });

    it('reports JSON text that does not parse as INVALID_JSON_DESCRIPTION', () => {
      // recorded code: test_sfn_api_validation …not_a_definition[NOT_A_DEF]; the message is our parser's, not Jackson's.
      expect(errors('not a definition')).toEqual([expect.objectContaining({ code: 'INVALID_JSON_DESCRIPTION', location: '' })]);
    });

    it.each<[string, Definition, string[]]>([
      // recorded: test_sfn_api_validation …not_a_definition[EMPTY_DICT]
      ['both StartAt and States', {}, [schema('These fields are required: [States, StartAt]', '/')]],
      // recorded: test_sfn_api_validation …type_standard[INVALID_BASE_NO_STARTAT]
      ['StartAt', { States: { A: { Type: 'Succeed' } } }, [schema('These fields are required: [StartAt]', '/')]],
      // recorded: test_sfn_api::test_create_delete_invalid_sm ("These fields are required: [States] at /")
      ['States', { StartAt: 'A' }, [schema('These fields are required: [States]', '/')]],
    ])('requires %s', (_name, definition, expected) => {
      expect(lines(definition)).toEqual(expected);
    });

    it('reports a StartAt that names no state, and every state as unreachable', () => {
      // measured: cfn-lint #4074 ("Missing 'Next' target: Not sure at /StartAt, … State \"Pass One\" is not reachable.")
      expect(lines({ StartAt: 'Not sure', States: { 'Pass One': { Type: 'Pass', Next: 'Success' }, Success: { Type: 'Succeed' } } })).toEqual([
        "MISSING_TRANSITION_TARGET|Missing 'Next' target: Not sure|/StartAt",
        'MISSING_TRANSITION_TARGET|State "Pass One" is not reachable.|/States/Pass One',
        'MISSING_TRANSITION_TARGET|State "Success" is not reachable.|/States/Success',
      ]);
    });

    it('refuses empty States', () => {
      // unverified wording ("Value cannot be empty"); the missing target is AWS's rule.
      expect(lines({ StartAt: 'A', States: {} })).toEqual([
        schema('Value cannot be empty', '/States'),
        "MISSING_TRANSITION_TARGET|Missing 'Next' target: A|/StartAt",
        'MISSING_END_STATE|Workflow has no terminal state|',
      ]);
    });

    it.each<[string, unknown, string]>([
      // measured: floci #2968
      ['a value outside the enum', 'jsonata', 'Value should be one of the following: [JSONPath, JSONata]'],
      ['a value that is not a string', 5, 'Expected value of type [STRING]'],
    ])('reports a top-level QueryLanguage with %s at /QueryLanguage', (_name, value, message) => {
      expect(lines(single({ Type: 'Succeed' }, { QueryLanguage: value }))).toEqual([schema(message, '/QueryLanguage')]);
    });

    it('reads a top-level QueryLanguage other than "JSONPath" as JSONata', () => {
      // measured: floci #2968 (lowercaseTopLevelQueryLanguageResolvesToJsonataAndRejectsInputPath)
      expect(lines(single({ Type: 'Pass', InputPath: '$.a', End: true }, { QueryLanguage: 'jsonpath' }))).toEqual([
        schema('Value should be one of the following: [JSONPath, JSONata]', '/QueryLanguage'),
        schema("The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage", '/States/S'),
      ]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['TimeoutSeconds below zero', { TimeoutSeconds: -1 }, schema('Minimum value is 0', '/TimeoutSeconds')],
      ['a fractional TimeoutSeconds', { TimeoutSeconds: 1.5 }, schema('Expected value of type [INTEGER]', '/TimeoutSeconds')],
      ['a Version that is not a string', { Version: 1 }, schema('Expected value of type [STRING]', '/Version')],
      ['a Comment that is not a string', { Comment: ['x'] }, schema('Expected value of type [STRING]', '/Comment')],
      // Source: "State machine structure" lists the top-level fields; the message is AWS's for fields a state does not support (floci #2735).
      ['an unknown field', { Comments: 'typo' }, schema("Field 'Comments' is not supported", '/')],
    ])('refuses %s', (_name, top, expected) => {
      expect(lines(single({ Type: 'Succeed' }, top))).toEqual([expected]);
    });
  });

  describe('transitions', () => {
    it('reports a Next naming no state, then the missing end state', () => {
      // measured: floci #2786 (dangling target first, then MISSING_END_STATE with no location); LocalStack PR #12487.
      expect(errors({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'NOPE' } } })).toEqual([
        { severity: 'ERROR', code: 'MISSING_TRANSITION_TARGET', message: "Missing 'Next' target: NOPE", location: '/States/A/Next', state: 'A', field: 'Next' },
        { severity: 'ERROR', code: 'MISSING_END_STATE', message: 'Workflow has no terminal state', location: '' },
      ]);
    });

    it.each<[string, Definition, string]>([
      // measured: floci #2786 — the word is 'Next' for every position.
      [
        'a Choice rule',
        { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Ghost' }], Default: 'Z' }, Z: { Type: 'Succeed' } } },
        '/States/C/Choices[0]/Next',
      ],
      ['a Choice Default', { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Z' }], Default: 'Ghost' }, Z: { Type: 'Succeed' } } }, '/States/C/Default'],
      ['a catcher', single({ Type: 'Task', Resource: INVOKE, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ghost' }], End: true }), '/States/S/Catch[0]/Next'],
    ])('reports a target of %s that names no state', (_name, definition, location) => {
      expect(lines(definition)).toEqual([`MISSING_TRANSITION_TARGET|Missing 'Next' target: Ghost|${location}`]);
    });

    it('reports a state nothing routes to', () => {
      // measured: cfn-lint #4073
      const definition = {
        StartAt: 'Pass One',
        States: {
          'Pass One': { Type: 'Pass', Next: 'Pass Two' },
          'Pass Two': { Type: 'Pass', Next: 'Success' },
          'Unreachable pass': { Type: 'Pass', Next: 'Success' },
          Success: { Type: 'Succeed' },
        },
      };
      expect(lines(definition)).toEqual(['MISSING_TRANSITION_TARGET|State "Unreachable pass" is not reachable.|/States/Unreachable pass']);
    });

    it('counts states reached through Choice rules, Default and catchers', () => {
      const definition = {
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: INVOKE, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], Next: 'C' },
          C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Chosen' }], Default: 'Fallback' },
          Caught: { Type: 'Fail' },
          Chosen: { Type: 'Succeed' },
          Fallback: { Type: 'Succeed' },
        },
      };
      expect(lines(definition)).toEqual([]);
    });

    it('reports a loop with no terminal state once, without unreachable states', () => {
      // measured: floci #2786 (MISSING_END_STATE suppresses the reachability walk)
      const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, Unused: { Type: 'Pass', Next: 'A' } } };
      expect(lines(definition)).toEqual(['MISSING_END_STATE|Workflow has no terminal state|']);
    });

    it('reports an unreachable terminal state instead of a missing end state', () => {
      // measured: floci #2735 (the loop plus an unreachable terminal C)
      const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, C: { Type: 'Pass', End: true } } };
      expect(lines(definition)).toEqual(['MISSING_TRANSITION_TARGET|State "C" is not reachable.|/States/C']);
    });

    it.each<[string, Definition, string[]]>([
      // measured: floci #2786
      [
        'a Map processor',
        single({ Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Pass', End: true }, Ghost: { Type: 'Pass', End: true } } }, End: true }),
        ['MISSING_TRANSITION_TARGET|State "Ghost" is not reachable.|/States/S/ItemProcessor/States/Ghost'],
      ],
      [
        'a Parallel branch',
        single({ Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: { Type: 'Pass', End: true }, Ghost: { Type: 'Pass', End: true } } }], End: true }),
        ['MISSING_TRANSITION_TARGET|State "Ghost" is not reachable.|/States/S/Branches[0]/States/Ghost'],
      ],
      [
        'a Map processor whose StartAt names no state',
        single({ Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } }, End: true }),
        ["MISSING_TRANSITION_TARGET|Missing 'Next' target: Nope|/States/S/ItemProcessor/StartAt", 'MISSING_TRANSITION_TARGET|State "A" is not reachable.|/States/S/ItemProcessor/States/A'],
      ],
    ])('checks the transitions of %s', (_name, definition, expected) => {
      expect(lines(definition)).toEqual(expected);
    });

    it('keeps a state name containing a slash whole', () => {
      // measured: floci #2786 (unreachableStateWithSlashInName)
      expect(lines({ StartAt: 'Start', States: { Start: { Type: 'Pass', End: true }, 'a/b': { Type: 'Pass', End: true } } })).toEqual([
        'MISSING_TRANSITION_TARGET|State "a/b" is not reachable.|/States/a/b',
      ]);
    });
  });

  describe('state names', () => {
    it('refuses a name used twice in the machine, branches included', () => {
      // Source: States Language specification, "State names MUST be unique within the scope of the whole state machine";
      // the text is Step Functions Local's ("DUPLICATE_STATE_NAME: Duplicate State name: MissingValue at /States/MissingValue").
      const definition = {
        StartAt: 'Fan',
        States: {
          Fan: { Type: 'Parallel', Branches: [{ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }], Next: 'Done' },
          Done: { Type: 'Succeed' },
        },
      };
      expect(lines(definition)).toEqual(['DUPLICATE_STATE_NAME|Duplicate State name: Done|/States/Done']);
    });

    it('refuses a name used in two Map processors', () => {
      const processor = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } };
      const definition = {
        StartAt: 'M1',
        States: { M1: { Type: 'Map', ItemProcessor: processor, Next: 'M2' }, M2: { Type: 'Map', ItemProcessor: processor, End: true } },
      };
      expect(lines(definition)).toEqual(['DUPLICATE_STATE_NAME|Duplicate State name: Item|/States/M2/ItemProcessor/States/Item']);
    });

    it('refuses a name longer than 80 characters', () => {
      // Source: API reference, StateEnteredEventDetails.name (at most 80); the code is AWS's (INVALID_STATE_NAME), the wording unverified.
      const name = 'n'.repeat(81);
      expect(errors({ StartAt: name, States: { [name]: { Type: 'Succeed' } } })).toEqual([
        expect.objectContaining({ code: 'INVALID_STATE_NAME', location: `/States/${name}`, state: name, message: expect.stringContaining(name) }),
      ]);
    });
  });

  describe('fields per state type', () => {
    it.each<[string, Record<string, unknown>, string]>([
      // measured: floci #2735 (the 17 field/type combinations, each at the state)
      ['TimeoutSeconds on a Pass', { Type: 'Pass', TimeoutSeconds: 5, End: true }, 'TimeoutSeconds'],
      ['TimeoutSeconds on a Map', { Type: 'Map', ItemsPath: '$.items', ItemProcessor: inlineProcessor, TimeoutSeconds: 5, End: true }, 'TimeoutSeconds'],
      ['TimeoutSeconds on a Parallel', { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }], TimeoutSeconds: 5, End: true }, 'TimeoutSeconds'],
      ['Catch on a Pass', { Type: 'Pass', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S' }], End: true }, 'Catch'],
      ['Retry on a Wait', { Type: 'Wait', Seconds: 1, Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }, 'Retry'],
      // measured: functionless #308 ("Field 'ResultPath' is not supported at /States/…" for a Wait)
      ['ResultPath on a Wait', { Type: 'Wait', Seconds: 1, ResultPath: null, End: true }, 'ResultPath'],
      // Source: "Passing data between states with variables": Assign on Pass, Task, Map, Parallel, Choice, Wait only.
      ['Assign on a Succeed', { Type: 'Succeed', Assign: { x: 1 } }, 'Assign'],
      ['Assign on a Fail', { Type: 'Fail', Assign: { x: 1 } }, 'Assign'],
      ['Next on a Succeed', { Type: 'Succeed', Next: 'S' }, 'Next'],
      ['End on a Fail', { Type: 'Fail', End: true }, 'End'],
      ['InputPath on a Fail', { Type: 'Fail', InputPath: '$' }, 'InputPath'],
      ['Resource on a Pass', { Type: 'Pass', Resource: LAMBDA, End: true }, 'Resource'],
      ['an unknown field', { Type: 'Pass', Nxt: 'S', End: true }, 'Nxt'],
    ])('refuses %s', (_name, state, field) => {
      expect(errors(single(state))).toEqual([
        { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: `Field '${field}' is not supported`, location: '/States/S', state: 'S', field },
      ]);
    });

    it('refuses End or Next on a Choice', () => {
      const definition = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Z' }], End: true }, Z: { Type: 'Succeed' } } };
      expect(lines(definition)).toEqual([schema("Field 'End' is not supported", '/States/C')]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['no Type', { End: true }, schema('These fields are required: [Type]', '/States/S')],
      ['a Type that is not a state type', { Type: 'Lambda', End: true }, schema('Value should be one of the following: [Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map]', '/States/S/Type')],
    ])('refuses a state with %s', (_name, state, expected) => {
      expect(lines(single(state))).toEqual([expected]);
    });

    it('refuses a state that is not an object', () => {
      expect(lines({ StartAt: 'S', States: { S: 'Pass', T: { Type: 'Succeed' } } })).toEqual([
        schema('Expected value of type [OBJECT]', '/States/S'),
        'MISSING_TRANSITION_TARGET|State "T" is not reachable.|/States/T',
      ]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      // unverified wordings (cdk-preflight rules); "Common state fields": only one of Next or End.
      ['both Next and End', { Type: 'Pass', Next: 'T', End: true }, 'There should only be one of the following fields: [Next, End]'],
      ['neither Next nor End', { Type: 'Pass' }, 'This object should have only one of the following fields: [Next, End]'],
      ['End false and no Next', { Type: 'Task', Resource: LAMBDA, End: false }, 'This object should have only one of the following fields: [Next, End]'],
    ])('refuses a state with %s', (_name, state, message) => {
      const definition = { StartAt: 'S', States: { S: state, T: { Type: 'Succeed' } } };
      expect(lines(definition)).toContain(schema(message, '/States/S'));
    });
  });

  describe('query languages', () => {
    it('refuses a JSONPath state under a JSONata machine, and only that', () => {
      // recorded: test_sfn_api_validation …[INVALID_DOWNGRADE_QUERY_LANGUAGE]; measured (floci #2968): the Output is not reported on top.
      expect(lines(single({ Type: 'Pass', QueryLanguage: 'JSONPath', Output: { v: '{% 1 %}' }, End: true }, { QueryLanguage: 'JSONata' }))).toEqual([
        schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", '/States/S'),
      ]);
    });

    it('still checks the other fields of a downgraded state', () => {
      // measured: floci #2968 ("Minimum value is 0" alongside the downgrade)
      const map = { Type: 'Map', QueryLanguage: 'JSONPath', MaxConcurrency: -1, ItemProcessor: inlineProcessor, End: true };
      expect(lines(single(map, { QueryLanguage: 'JSONata' }))).toEqual([
        schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", '/States/S'),
        schema('Minimum value is 0', '/States/S/MaxConcurrency'),
      ]);
    });

    it.each(['InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector'])('refuses %s on a JSONata Task', (field) => {
      // measured: floci #2968 (located at the state)
      const state = { Type: 'Task', Resource: INVOKE, [field]: field === 'Parameters' || field === 'ResultSelector' ? {} : '$.x', End: true };
      expect(lines(single(state, { QueryLanguage: 'JSONata' }))).toEqual([
        schema(`The QueryLanguage is set to 'JSONata', but field '${field}' is only supported for the 'JSONPath' QueryLanguage`, '/States/S'),
      ]);
    });

    it.each<[string, Record<string, unknown>]>([
      ['Result', { Type: 'Pass', Result: 1, End: true }],
      ['ItemsPath', { Type: 'Map', ItemsPath: '$.items', ItemProcessor: inlineProcessor, End: true }],
      ['TimeoutSecondsPath', { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t', End: true }],
      ['SecondsPath', { Type: 'Wait', SecondsPath: '$.s', End: true }],
      ['ErrorPath', { Type: 'Fail', ErrorPath: '$.e' }],
      ['MaxConcurrencyPath', { Type: 'Map', Items: [], ItemProcessor: inlineProcessor, MaxConcurrencyPath: '$.limit', End: true }],
    ])('refuses %s on a JSONata state', (field, state) => {
      expect(lines(single(state, { QueryLanguage: 'JSONata' }))).toEqual([
        schema(`The QueryLanguage is set to 'JSONata', but field '${field}' is only supported for the 'JSONPath' QueryLanguage`, '/States/S'),
      ]);
    });

    it.each<[string, Record<string, unknown>]>([
      // measured: floci #2968
      ['Arguments', { Type: 'Task', Resource: INVOKE, Arguments: { payload: 'literal' }, End: true }],
      ['Items', { Type: 'Map', Items: [{ n: 1 }], ItemProcessor: inlineProcessor, End: true }],
      ['Output', { Type: 'Pass', Output: { v: 1 }, End: true }],
    ])('refuses %s on a JSONPath state', (field, state) => {
      expect(lines(single(state))).toEqual([
        schema(`The QueryLanguage is set to 'JSONPath', but field '${field}' is only supported for the 'JSONata' QueryLanguage`, '/States/S'),
      ]);
    });

    it('resolves an ItemProcessor state against the machine, not the Map', () => {
      // measured: floci #2968 (a Map declaring JSONata leaves its ItemProcessor on the machine's JSONPath)
      const map = { Type: 'Map', QueryLanguage: 'JSONata', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Output: { d: '{% $states.input.n * 2 %}' }, End: true } } }, End: true };
      expect(lines(single(map))).toEqual([
        schema("The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage", '/States/S/ItemProcessor/States/P'),
      ]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      // measured: floci #2968
      ['an ItemProcessor', { Type: 'Map', ItemProcessor: { QueryLanguage: 'JSONata', ...inlineProcessor }, End: true }, '/States/S/ItemProcessor'],
      ['an Iterator', { Type: 'Map', Iterator: { QueryLanguage: 'JSONata', ...inlineProcessor }, End: true }, '/States/S/Iterator'],
      ['a Parallel branch', { Type: 'Parallel', Branches: [{ QueryLanguage: 'JSONata', ...inlineProcessor }], End: true }, '/States/S/Branches[0]'],
    ])('refuses QueryLanguage on %s', (_name, state, location) => {
      expect(lines(single(state))).toEqual([schema("Field 'QueryLanguage' is not supported", location)]);
    });

    it('reads a state QueryLanguage other than "JSONPath" as JSONata and reports its spelling after the fields', () => {
      // measured: floci #2968 (lowercaseJsonataOnAStateResolvesToJsonataAndIsStillReportedAgainstTheEnum)
      expect(lines(single({ Type: 'Pass', QueryLanguage: 'jsonata', Output: { v: '{% 1 %}' }, InputPath: '$.a', End: true }))).toEqual([
        schema("The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage", '/States/S'),
        schema('Value should be one of the following: [JSONPath, JSONata]', '/States/S/QueryLanguage'),
      ]);
    });

    it('refuses Condition and Output in a JSONPath Choice rule, and JSONPath operators in a JSONata one', () => {
      const jsonPath = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Condition: '{% true %}', Next: 'Z' }] }, Z: { Type: 'Succeed' } } };
      expect(lines(jsonPath)).toEqual([schema("The QueryLanguage is set to 'JSONPath', but field 'Condition' is only supported for the 'JSONata' QueryLanguage", '/States/C/Choices[0]')]);

      const jsonata = { ...jsonPath, QueryLanguage: 'JSONata', States: { ...jsonPath.States, C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Variable: '$.x', Next: 'Z' }] } } };
      expect(lines(jsonata)).toEqual([schema("The QueryLanguage is set to 'JSONata', but field 'Variable' is only supported for the 'JSONPath' QueryLanguage", '/States/C/Choices[0]')]);
    });
  });

  describe('paths', () => {
    it.each<[string, Record<string, unknown>, string]>([
      // measured: cfn-lint #4078 (OutputPath "Test")
      ['an OutputPath not starting with $', { Type: 'Pass', OutputPath: 'Test', End: true }, schema('Value must be a valid JSONPath.', '/States/S/OutputPath')],
      ['an InputPath that does not parse', { Type: 'Pass', InputPath: '$.a[', End: true }, schema('Value must be a valid JSONPath.', '/States/S/InputPath')],
      // measured: cfn-lint #4076 (the reason); ResultPath is a Reference Path ("Paths", developer guide).
      ['a ResultPath not starting with $', { Type: 'Pass', ResultPath: 'result', End: true }, schema("Value is not a Reference Path: Reference path didn't start with '$'", '/States/S/ResultPath')],
      // unverified: the reason-less wording for other Reference Path problems.
      ['a ResultPath with a wildcard', { Type: 'Pass', ResultPath: '$.items[*]', End: true }, schema('Value is not a Reference Path', '/States/S/ResultPath')],
      ['a ResultPath into the context object', { Type: 'Pass', ResultPath: '$$.Execution', End: true }, schema('Value is not a Reference Path', '/States/S/ResultPath')],
      ['a TimeoutSecondsPath with a filter', { Type: 'Task', Resource: LAMBDA, TimeoutSecondsPath: '$.t[?(@.x)]', End: true }, schema('Value is not a Reference Path', '/States/S/TimeoutSecondsPath')],
      // measured: floci #3733 (only ItemsPath may read the context object)
      ['a MaxConcurrencyPath reading the context object', { Type: 'Map', ItemsPath: '$.items', ItemProcessor: inlineProcessor, MaxConcurrencyPath: '$$.Execution.Input.n', End: true }, schema('Value is not a Reference Path', '/States/S/MaxConcurrencyPath')],
    ])('refuses %s', (_name, state, expected) => {
      expect(lines(single(state))).toEqual([expected]);
    });

    it.each<[string, string, unknown]>([
      // measured: cfn-lint #4085 ("Variable.$": "Test" in Assign, located at the Assign field)
      ['an Assign', 'Assign', { 'Variable.$': 'Test' }],
      ['a nested Parameters entry', 'Parameters', { outer: [{ 'Variable.$': 'States.NoSuchFunction($.a)' }] }],
      ['a ResultSelector', 'ResultSelector', { 'Variable.$': 42 }],
    ])('refuses a .$ value that is no path or intrinsic in %s', (_name, field, value) => {
      expect(lines(single({ Type: 'Task', Resource: LAMBDA, [field]: value, End: true }))).toEqual([
        schema("The value for the field 'Variable.$' must be a valid JSONPath or a valid intrinsic function call", `/States/S/${field}`),
      ]);
    });

    it('accepts .$ values reading the input, the context object, variables and intrinsics', () => {
      const parameters = { 'a.$': '$', 'b.$': '$.x[0].y', 'c.$': '$$.State.Name', 'd.$': '$myVar.field', 'e.$': 'States.UUID()', 'f.$': '$.items[*].id' };
      expect(lines(single({ Type: 'Pass', Parameters: parameters, End: true }))).toEqual([]);
    });
  });

  describe('Task', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['no Resource', { Type: 'Task', End: true }, schema('These fields are required: [Resource]', '/States/S')],
      ['a Resource that is not a string', { Type: 'Task', Resource: { 'Fn::GetAtt': ['Fn', 'Arn'] }, End: true }, schema('Expected value of type [STRING]', '/States/S/Resource')],
      // measured family: floci #3733 ("There should only be one of the following fields: [MaxItems, MaxItemsPath]")
      [
        'TimeoutSeconds with TimeoutSecondsPath',
        { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 5, TimeoutSecondsPath: '$.t', End: true },
        schema('There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]', '/States/S'),
      ],
      [
        'HeartbeatSeconds with HeartbeatSecondsPath',
        { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: 5, HeartbeatSecondsPath: '$.t', End: true },
        schema('There should only be one of the following fields: [HeartbeatSeconds, HeartbeatSecondsPath]', '/States/S'),
      ],
      // Source: "Task workflow state": TimeoutSeconds and HeartbeatSeconds are positive integers.
      ['TimeoutSeconds 0', { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 0, End: true }, schema('Minimum value is 1', '/States/S/TimeoutSeconds')],
      ['a fractional HeartbeatSeconds', { Type: 'Task', Resource: LAMBDA, HeartbeatSeconds: 2.5, End: true }, schema('Expected value of type [INTEGER]', '/States/S/HeartbeatSeconds')],
      ['TimeoutSeconds as text in JSONPath', { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: '{% 5 %}', End: true }, schema('Expected value of type [INTEGER]', '/States/S/TimeoutSeconds')],
      // Source: "Task workflow state": HeartbeatSeconds must be smaller than TimeoutSeconds (wording unverified).
      [
        'HeartbeatSeconds equal to TimeoutSeconds',
        { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 10, HeartbeatSeconds: 10, End: true },
        schema("The value of 'HeartbeatSeconds' must be smaller than the value of 'TimeoutSeconds'", '/States/S/HeartbeatSeconds'),
      ],
      ['Credentials without RoleArn', { Type: 'Task', Resource: LAMBDA, Credentials: {}, End: true }, schema('These fields are required: [RoleArn]', '/States/S/Credentials')],
      [
        'a Credentials RoleArn.$ that is no path',
        { Type: 'Task', Resource: LAMBDA, Credentials: { 'RoleArn.$': 'role' }, End: true },
        schema("The value for the field 'RoleArn.$' must be a valid JSONPath or a valid intrinsic function call", '/States/S/Credentials'),
      ],
    ])('refuses %s', (_name, state, expected) => {
      expect(lines(single(state))).toEqual([expected]);
    });
  });

  describe('Wait', () => {
    it.each<[string, Record<string, unknown>, string]>([
      // unverified wordings and field order (cdk-preflight rules)
      ['two of its timing fields', { Type: 'Wait', Seconds: 1, Timestamp: '2030-01-01T00:00:00Z', End: true }, schema('There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]', '/States/S')],
      ['none of its timing fields', { Type: 'Wait', End: true }, schema('This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]', '/States/S')],
      // measured: cfn-lint #4075 (Seconds 10000000000000000)
      ['Seconds above 99999999', { Type: 'Wait', Seconds: 10_000_000_000_000_000, End: true }, schema('Maximum value is 99999999', '/States/S/Seconds')],
      ['negative Seconds', { Type: 'Wait', Seconds: -1, End: true }, schema('Minimum value is 0', '/States/S/Seconds')],
      // Source: States Language, "Timestamps" (uppercase T, Z unless an offset); wording unverified (cdk-preflight).
      ['a Timestamp without a zone', { Type: 'Wait', Timestamp: '2030-01-01T00:00:00', End: true }, schema('String does not match RFC3339 timestamp', '/States/S/Timestamp')],
      ['a lowercase t', { Type: 'Wait', Timestamp: '2030-01-01t00:00:00Z', End: true }, schema('String does not match RFC3339 timestamp', '/States/S/Timestamp')],
      ['a TimestampPath not starting with $', { Type: 'Wait', TimestampPath: 'when', End: true }, schema("Value is not a Reference Path: Reference path didn't start with '$'", '/States/S/TimestampPath')],
    ])('refuses %s', (_name, state, expected) => {
      expect(lines(single(state))).toEqual([expected]);
    });
  });

  describe('Choice', () => {
    function choice(rules: unknown, extra: Record<string, unknown> = {}): Definition {
      return { StartAt: 'C', States: { C: { Type: 'Choice', Choices: rules, Default: 'Z', ...extra }, Z: { Type: 'Succeed' } } };
    }

    it.each<[string, unknown, string[]]>([
      ['an empty Choices', [], [schema('Value cannot be empty', '/States/C/Choices')]],
      // measured: cfn-lint #4077 ("These fields are required: [Next] at /States/Choice/Ch…")
      ['a rule without Next', [{ Variable: '$', StringMatches: 'Test' }], [schema('These fields are required: [Next]', '/States/C/Choices[0]')]],
      // measured: cfn-lint #4076
      ['a Variable not starting with $', [{ Variable: 'Test', StringMatches: 'Test', Next: 'Z' }], [schema("Value is not a Reference Path: Reference path didn't start with '$'", '/States/C/Choices[0]/Variable')]],
      ['a rule with two operators', [{ Variable: '$.x', StringEquals: 'a', IsPresent: true, Next: 'Z' }], [schema('There should only be one of the following fields: [StringEquals, IsPresent]', '/States/C/Choices[0]')]],
      ['an operator without Variable', [{ NumericEquals: 1, Next: 'Z' }], [schema('These fields are required: [Variable]', '/States/C/Choices[0]')]],
      ['Variable beside And', [{ Variable: '$.x', And: [{ Variable: '$.x', IsNull: false }], Next: 'Z' }], [schema("Field 'Variable' is not supported", '/States/C/Choices[0]')]],
      ['Next inside Not', [{ Not: { Variable: '$.x', IsNull: true, Next: 'Z' }, Next: 'Z' }], [schema("Field 'Next' is not supported", '/States/C/Choices[0]/Not')]],
      ['an empty Or', [{ Or: [], Next: 'Z' }], [schema('Value cannot be empty', '/States/C/Choices[0]/Or')]],
      ['a NumericEquals on a string', [{ Variable: '$.x', NumericEquals: '1', Next: 'Z' }], [schema('Expected value of type [NUMBER]', '/States/C/Choices[0]/NumericEquals')]],
      ['a BooleanEquals on a string', [{ Variable: '$.x', BooleanEquals: 'true', Next: 'Z' }], [schema('Expected value of type [BOOLEAN]', '/States/C/Choices[0]/BooleanEquals')]],
      ['an IsPresent on a string', [{ Variable: '$.x', IsPresent: 'yes', Next: 'Z' }], [schema('Expected value of type [BOOLEAN]', '/States/C/Choices[0]/IsPresent')]],
      ['a StringEquals on a number', [{ Variable: '$.x', StringEquals: 1, Next: 'Z' }], [schema('Expected value of type [STRING]', '/States/C/Choices[0]/StringEquals')]],
      ['a TimestampEquals that is no timestamp', [{ Variable: '$.x', TimestampEquals: 'yesterday', Next: 'Z' }], [schema('String does not match RFC3339 timestamp', '/States/C/Choices[0]/TimestampEquals')]],
      ['a …Path operand with a wildcard', [{ Variable: '$.x', StringEqualsPath: '$.y[*]', Next: 'Z' }], [schema('Value is not a Reference Path', '/States/C/Choices[0]/StringEqualsPath')]],
    ])('refuses %s', (_name, rules, expected) => {
      expect(lines(choice(rules))).toEqual(expected);
    });

    it('refuses a rule with no comparison, naming every operator', () => {
      const [diagnostic] = errors(choice([{ Variable: '$.x', Next: 'Z' }]));
      expect(diagnostic?.location).toBe('/States/C/Choices[0]');
      expect(diagnostic?.message).toMatch(/^This object should have only one of the following fields: \[And, Or, Not, StringEquals, /);
      expect(diagnostic?.message.split(', ')).toHaveLength(42);
    });

    it('requires Choices', () => {
      expect(lines({ StartAt: 'C', States: { C: { Type: 'Choice', Default: 'Z' }, Z: { Type: 'Succeed' } } })).toEqual([schema('These fields are required: [Choices]', '/States/C')]);
    });

    it.each<[string, unknown, string]>([
      ['no Condition', [{ Next: 'Z' }], schema('These fields are required: [Condition]', '/States/C/Choices[0]')],
      ['a Condition that is a number', [{ Condition: 1, Next: 'Z' }], schema('Expected value of type [BOOLEAN]', '/States/C/Choices[0]/Condition')],
    ])('refuses a JSONata rule with %s', (_name, rules, expected) => {
      expect(lines({ ...choice(rules), QueryLanguage: 'JSONata' })).toEqual([expected]);
    });
  });

  describe('Retry and Catch', () => {
    function task(fields: Record<string, unknown>): Definition {
      return { StartAt: 'T', States: { T: { Type: 'Task', Resource: LAMBDA, Next: 'Z', ...fields }, Z: { Type: 'Succeed' } } };
    }

    it.each<[string, Record<string, unknown>, string]>([
      ['no ErrorEquals', { Retry: [{ MaxAttempts: 1 }] }, schema('These fields are required: [ErrorEquals]', '/States/T/Retry[0]')],
      // unverified wordings (cdk-preflight rules); the rules are the developer guide's ("Handling errors").
      ['an empty ErrorEquals', { Retry: [{ ErrorEquals: [] }] }, schema('Value cannot be empty', '/States/T/Retry[0]/ErrorEquals')],
      ['States.ALL beside another error', { Retry: [{ ErrorEquals: ['States.ALL', 'States.Timeout'] }] }, schema('States.ALL must appear alone and at end of list', '/States/T/Retry[0]/ErrorEquals')],
      ['States.ALL before the last retrier', { Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['States.Timeout'] }] }, schema('States.ALL must appear alone and at end of list', '/States/T/Retry[0]/ErrorEquals')],
      ['IntervalSeconds 0', { Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 0 }] }, schema('Minimum value is 1', '/States/T/Retry[0]/IntervalSeconds')],
      ['MaxAttempts -1', { Retry: [{ ErrorEquals: ['X'], MaxAttempts: -1 }] }, schema('Minimum value is 0', '/States/T/Retry[0]/MaxAttempts')],
      ['BackoffRate 0.5', { Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] }, schema('Minimum value is 1.0', '/States/T/Retry[0]/BackoffRate')],
      ['MaxDelaySeconds 0', { Retry: [{ ErrorEquals: ['X'], MaxDelaySeconds: 0 }] }, schema('Minimum value is 1', '/States/T/Retry[0]/MaxDelaySeconds')],
      ['MaxDelaySeconds above a year', { Retry: [{ ErrorEquals: ['X'], MaxDelaySeconds: 31_622_401 }] }, schema('Maximum value is 31622400', '/States/T/Retry[0]/MaxDelaySeconds')],
      ['an unknown JitterStrategy', { Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'HALF' }] }, schema('Value should be one of the following: [NONE, FULL]', '/States/T/Retry[0]/JitterStrategy')],
      ['an unknown retrier field', { Retry: [{ ErrorEquals: ['X'], Interval: 1 }] }, schema("Field 'Interval' is not supported", '/States/T/Retry[0]')],
      ['a Retry that is not a list', { Retry: { ErrorEquals: ['X'] } }, schema('Expected value of type [ARRAY]', '/States/T/Retry')],
      ['a catcher without Next', { Catch: [{ ErrorEquals: ['States.ALL'] }] }, schema('These fields are required: [Next]', '/States/T/Catch[0]')],
      ['a catcher ResultPath with a wildcard', { Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.*', Next: 'Z' }] }, schema('Value is not a Reference Path', '/States/T/Catch[0]/ResultPath')],
      ['States.ALL before the last catcher', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }, { ErrorEquals: ['X'], Next: 'Z' }] }, schema('States.ALL must appear alone and at end of list', '/States/T/Catch[0]/ErrorEquals')],
      ['Output in a JSONPath catcher', { Catch: [{ ErrorEquals: ['States.ALL'], Output: {}, Next: 'Z' }] }, schema("The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage", '/States/T/Catch[0]')],
    ])('refuses %s', (_name, fields, expected) => {
      expect(lines(task(fields))).toEqual([expected]);
    });
  });

  describe('Parallel', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['no Branches', { Type: 'Parallel', End: true }, schema('These fields are required: [Branches]', '/States/S')],
      ['empty Branches', { Type: 'Parallel', Branches: [], End: true }, schema('Value cannot be empty', '/States/S/Branches')],
      ['a branch without StartAt', { Type: 'Parallel', Branches: [{ States: { B: { Type: 'Succeed' } } }], End: true }, schema('These fields are required: [StartAt]', '/States/S/Branches[0]')],
      ['a branch with TimeoutSeconds', { Type: 'Parallel', Branches: [{ TimeoutSeconds: 1, ...inlineProcessor }], End: true }, schema("Field 'TimeoutSeconds' is not supported", '/States/S/Branches[0]')],
    ])('refuses %s', (_name, state, expected) => {
      expect(lines(single(state))).toEqual([expected]);
    });

    it('checks the states of each branch', () => {
      const state = { Type: 'Parallel', Branches: [inlineProcessor, { StartAt: 'W', States: { W: { Type: 'Wait', End: true } } }], End: true };
      expect(errors(single(state))).toEqual([
        expect.objectContaining({ location: '/States/S/Branches[1]/States/W', state: 'W', message: expect.stringMatching(/^This object should have only one of/) }),
      ]);
    });
  });

  describe('Map', () => {
    function map(fields: Record<string, unknown>): Definition {
      return single({ Type: 'Map', ItemsPath: '$.items', End: true, ...fields });
    }
    const distributed = { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...inlineProcessor };

    it.each<[string, Record<string, unknown>, string]>([
      ['neither ItemProcessor nor Iterator', {}, schema('These fields are required: [ItemProcessor]', '/States/S')],
      ['both ItemProcessor and Iterator', { ItemProcessor: inlineProcessor, Iterator: { StartAt: 'Other', States: { Other: { Type: 'Succeed' } } } }, schema('There should only be one of the following fields: [Iterator, ItemProcessor]', '/States/S')],
      ['an unknown processor Mode', { ItemProcessor: { ProcessorConfig: { Mode: 'PARALLEL' }, ...inlineProcessor } }, schema('Value should be one of the following: [INLINE, DISTRIBUTED]', '/States/S/ItemProcessor/ProcessorConfig/Mode')],
      ['an unknown ExecutionType', { ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'FAST' }, ...inlineProcessor } }, schema('Value should be one of the following: [STANDARD, EXPRESS]', '/States/S/ItemProcessor/ProcessorConfig/ExecutionType')],
      // Source: "Map state", ItemProcessor: ExecutionType is required in DISTRIBUTED mode.
      ['a DISTRIBUTED processor without ExecutionType', { ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, ...inlineProcessor } }, schema('These fields are required: [ExecutionType]', '/States/S/ItemProcessor/ProcessorConfig')],
      // unverified: "Map state" lists ItemReader, ItemBatcher, ResultWriter, ToleratedFailure… and Label for Distributed mode only.
      ['an ItemReader on an INLINE Map', { ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...inlineProcessor }, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } } }, schema("Field 'ItemReader' is not supported", '/States/S')],
      ['a ToleratedFailurePercentage on an INLINE Map', { ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...inlineProcessor }, ToleratedFailurePercentage: 5 }, schema("Field 'ToleratedFailurePercentage' is not supported", '/States/S')],
      // measured: floci #3733 ("Minimum value is 0", "Maximum value is 100.0", "[MaxItems, MaxItemsPath]", "Maximum value is 100000000")
      ['MaxConcurrency -1', { ItemProcessor: inlineProcessor, MaxConcurrency: -1 }, schema('Minimum value is 0', '/States/S/MaxConcurrency')],
      ['MaxConcurrency with MaxConcurrencyPath', { ItemProcessor: inlineProcessor, MaxConcurrency: 2, MaxConcurrencyPath: '$.limit' }, schema('There should only be one of the following fields: [MaxConcurrency, MaxConcurrencyPath]', '/States/S')],
      ['ToleratedFailurePercentage 101', { ItemProcessor: distributed, ToleratedFailurePercentage: 101 }, schema('Maximum value is 100.0', '/States/S/ToleratedFailurePercentage')],
      ['ToleratedFailureCount -1', { ItemProcessor: distributed, ToleratedFailureCount: -1 }, schema('Minimum value is 0', '/States/S/ToleratedFailureCount')],
      [
        'ReaderConfig MaxItems with MaxItemsPath',
        { ItemProcessor: distributed, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: 1, MaxItemsPath: '$.n' }, Parameters: { Bucket: 'b', Key: 'k' } } },
        schema('There should only be one of the following fields: [MaxItems, MaxItemsPath]', '/States/S/ItemReader/ReaderConfig'),
      ],
      [
        'ReaderConfig MaxItems above 100000000',
        { ItemProcessor: distributed, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: 100_000_001 }, Parameters: { Bucket: 'b', Key: 'k' } } },
        schema('Maximum value is 100000000', '/States/S/ItemReader/ReaderConfig/MaxItems'),
      ],
      [
        'an unknown ReaderConfig InputType',
        { ItemProcessor: distributed, ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'XML' }, Parameters: { Bucket: 'b', Key: 'k' } } },
        schema('Value should be one of the following: [CSV, JSON, JSONL, MANIFEST, PARQUET]', '/States/S/ItemReader/ReaderConfig/InputType'),
      ],
      ['an ItemReader without Resource', { ItemProcessor: distributed, ItemReader: { Parameters: { Bucket: 'b', Key: 'k' } } }, schema('These fields are required: [Resource]', '/States/S/ItemReader')],
      ['an unknown ItemBatcher field', { ItemProcessor: distributed, ItemBatcher: { MaxItems: 3 } }, schema("Field 'MaxItems' is not supported", '/States/S/ItemBatcher')],
      ['an unknown WriterConfig Transformation', { ItemProcessor: distributed, ResultWriter: { WriterConfig: { Transformation: 'ZIP', OutputType: 'JSON' } } }, schema('Value should be one of the following: [NONE, COMPACT, FLATTEN]', '/States/S/ResultWriter/WriterConfig/Transformation')],
    ])('refuses %s', (_name, fields, expected) => {
      expect(lines(map(fields))).toEqual([expected]);
    });

    it('refuses Items that are neither a list, an object nor an expression', () => {
      const state = { Type: 'Map', Items: 'items', ItemProcessor: inlineProcessor, End: true };
      expect(lines(single(state, { QueryLanguage: 'JSONata' }))).toEqual([schema('Expected value of type [ARRAY]', '/States/S/Items')]);
    });

    it('refuses a …Path field of ItemBatcher in a JSONata machine', () => {
      // measured: floci #3733 (the MaxItemsPerBatchPath message; the location is ours)
      const state = { Type: 'Map', Items: '{% $states.input.items %}', ItemProcessor: distributed, ItemBatcher: { MaxItemsPerBatchPath: '$.n' }, End: true };
      expect(lines(single(state, { QueryLanguage: 'JSONata' }))).toEqual([
        schema("The QueryLanguage is set to 'JSONata', but field 'MaxItemsPerBatchPath' is only supported for the 'JSONPath' QueryLanguage", '/States/S/ItemBatcher'),
      ]);
    });

    it.each(['has space', 'x'.repeat(41), 'a/b'])('refuses the Label %j', (label) => {
      // Source: "Map state", Label (at most 40 characters, no whitespace or special characters); the code is AWS's, the wording unverified.
      expect(errors(map({ ItemProcessor: distributed, Label: label }))).toEqual([expect.objectContaining({ code: 'INVALID_LABEL_NAME', location: '/States/S/Label' })]);
    });
  });

  describe('Fail', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['Error with ErrorPath', { Type: 'Fail', Error: 'E', ErrorPath: '$.e' }, schema('There should only be one of the following fields: [Error, ErrorPath]', '/States/S')],
      ['Cause with CausePath', { Type: 'Fail', Cause: 'C', CausePath: '$.c' }, schema('There should only be one of the following fields: [Cause, CausePath]', '/States/S')],
      ['a CausePath that is no path or intrinsic', { Type: 'Fail', CausePath: 'cause' }, schema("Value is not a Reference Path: Reference path didn't start with '$'", '/States/S/CausePath')],
      ['an Error that is not a string', { Type: 'Fail', Error: 500 }, schema('Expected value of type [STRING]', '/States/S/Error')],
    ])('refuses %s', (_name, state, expected) => {
      expect(lines(single(state))).toEqual([expected]);
    });
  });

  describe('Assign', () => {
    it.each<[string, Record<string, unknown>, string, string]>([
      // Source: "Passing data between states with variables" ($states is reserved; names are Unicode identifiers of at most 80
      // characters); codes and wordings unverified (cdk-preflight rules).
      ['the reserved name states', { states: 1 }, 'RESERVED_VARIABLE_NAME', "Cannot assign to reserved variable '$states'."],
      ['a name with a dash', { 'my-var': 1 }, 'INVALID_VARIABLE_NAME', "Invalid variable name 'my-var': the variable name contains invalid characters."],
      ['a name starting with a digit', { '1st': 1 }, 'INVALID_VARIABLE_NAME', "Invalid variable name '1st': the variable name contains invalid characters."],
      ['a .$ name that is invalid once the suffix is dropped', { 'bad name.$': '$.x' }, 'INVALID_VARIABLE_NAME', "Invalid variable name 'bad name': the variable name contains invalid characters."],
      ['a name of 81 characters', { ['v'.repeat(81)]: 1 }, 'INVALID_VARIABLE_NAME', `Invalid variable name '${'v'.repeat(81)}': the variable name is longer than 80 characters.`],
    ])('refuses %s', (_name, assign, code, message) => {
      expect(lines(single({ Type: 'Pass', Assign: assign, End: true }))).toEqual([`${code}|${message}|/States/S/Assign`]);
    });

    it('checks variable names in Choice rules and catchers too', () => {
      const definition = {
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Assign: { states: 1 }, Next: 'C' }], Next: 'C' },
          C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Assign: { 'a-b': 1 }, Next: 'Z' }], Default: 'Z' },
          Z: { Type: 'Succeed' },
        },
      };
      expect(errors(definition).map((diagnostic) => [diagnostic.code, diagnostic.location])).toEqual([
        ['RESERVED_VARIABLE_NAME', '/States/T/Catch[0]/Assign'],
        ['INVALID_VARIABLE_NAME', '/States/C/Choices[0]/Assign'],
      ]);
    });
  });

  describe('JSONata expressions', () => {
    function output(expression: string): Definition {
      return single({ Type: 'Pass', Output: `{% ${expression} %}`, End: true }, { QueryLanguage: 'JSONata' });
    }

    it.each<[string, string]>([
      // measured: floci #2786 (each expression run through validate-state-machine-definition; AWS strips the S0xxx code)
      ['a[1,2)', 'Expected "]", got ","'],
      ['"unterminated', 'String literal must be terminated by a matching quote'],
      ['1 +', 'Unexpected end of expression'],
      ['{"a":}', 'The symbol "}" cannot be used as a unary operator'],
      ['$x :=', 'Unexpected end of expression'],
      ['$match("a", /abc', 'No terminating / in regular expression'],
      ['phone %.other', 'The symbol "." cannot be used as a unary operator'],
      ['', 'Unexpected end of expression'],
    ])('reports %j as INVALID_JSONATA_EXPRESSION with the parser message', (expression, message) => {
      expect(lines(output(expression))).toEqual([`INVALID_JSONATA_EXPRESSION|${message}|/States/S/Output`]);
    });

    it.each<[string, string]>([
      // measured: floci #2786
      ['$$', "Reference to '$$' is not supported."],
      ['$states.errorOutput', "Field '$states.errorOutput' does not exist."],
    ])('reports %j as UNSUPPORTED_JSONATA_EXPRESSION', (expression, message) => {
      expect(lines(output(expression))).toEqual([`UNSUPPORTED_JSONATA_EXPRESSION|${message}|/States/S/Output`]);
    });

    it('locates an expression nested in a field at that field', () => {
      const definition = single({ Type: 'Task', Resource: INVOKE, Arguments: { Payload: { deep: ['{% 1 + %}'] } }, End: true }, { QueryLanguage: 'JSONata' });
      expect(lines(definition)).toEqual(['INVALID_JSONATA_EXPRESSION|Unexpected end of expression|/States/S/Arguments']);
    });

    it('leaves {% %} text in a JSONPath state alone', () => {
      expect(lines(single({ Type: 'Pass', Result: '{% 1 + %}', End: true }))).toEqual([]);
    });
  });
});

describe('Function: formatDiagnostics', () => {
  it('words one problem as CreateStateMachine does', () => {
    // recorded: test_sfn_api::test_create_delete_invalid_sm
    expect(formatDiagnostics(validateDefinition({ StartAt: 'A' }))).toBe(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'",
    );
  });

  it('joins several problems with commas and prints a missing location as null', () => {
    // measured: LocalStack PR #12487 (two problems joined with ", "); floci #2735 ("MISSING_END_STATE: … at null")
    expect(formatDiagnostics(validateDefinition({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'pass3' } } }))).toBe(
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'",
    );
  });
});

describe('Function: validateDefinition (a realistic machine)', () => {
  // Its speed is a bench figure (scripts/bench-local.mjs), not a test.
  it('accepts a 10-state machine of Tasks with Parameters, intrinsics, Retry and Catch', () => {
    const states: Record<string, unknown> = {};
    for (let index = 0; index < 10; index++) {
      states[`Step${index}`] = {
        Type: 'Task',
        Resource: INVOKE,
        Parameters: { FunctionName: LAMBDA, 'Payload.$': '$.input', 'at.$': "States.Format('{}', $$.State.EnteredTime)" },
        ResultPath: '$.result',
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }],
        ...(index < 9 ? { Next: `Step${index + 1}` } : { End: true }),
      };
    }
    const definition = { StartAt: 'Step0', States: { ...states, Failed: { Type: 'Fail' } } };

    expect(validateDefinition(definition)).toEqual([]);
  });
});
