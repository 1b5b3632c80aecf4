import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDefinition, type AslDefinition } from '../../src/definition.js';
import { DefinitionSourceError, InvalidDefinitionError } from '../../src/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function resource(definition: AslDefinition, state: string): unknown {
  return definition.States[state]?.Resource;
}

describe('Function: loadDefinition', () => {
  describe('from an ASL file', () => {
    it('parses a .asl.json file into the definition', () => {
      // Act
      const definition = loadDefinition(fixture('order-flow.asl.json'));

      // Assert
      expect(definition.StartAt).toBe('Validate');
      expect(Object.keys(definition.States)).toEqual(['Validate', 'Render']);
      expect(resource(definition, 'Render')).toBe('arn:aws:states:::ecs:runTask.sync');
    });

    it('says which file is missing', () => {
      // Act / Assert
      expect(() => loadDefinition('./no/such/flow.asl.json')).toThrowError(DefinitionSourceError);
      expect(() => loadDefinition('./no/such/flow.asl.json')).toThrowError(/Cannot read the state machine definition \.\/no\/such\/flow\.asl\.json \(ENOENT\)/);
    });

    it('refuses YAML with the fix', () => {
      // Act / Assert
      expect(() => loadDefinition('./template.yaml')).toThrowErrorMatchingInlineSnapshot(
        `[DefinitionSourceError: ./template.yaml is YAML, which loadDefinition does not read (it has no YAML dependency). To fix this, convert it to JSON (e.g. \`cfn-flip\`), or parse it yourself and pass the object.]`,
      );
    });
  });

  describe('from a CloudFormation template', () => {
    it('resolves DefinitionString Fn::Sub with DefinitionSubstitutions, parameters, derived ARNs and given substitutions', () => {
      // Act
      const definition = loadDefinition(fixture('template.json'), { stateMachine: 'OrderFlow', substitutions: { Cluster: 'orders-cluster' } });

      // Assert
      expect(resource(definition, 'Validate')).toBe('arn:aws:lambda:us-east-1:123456789012:function:validate-order');
      expect(definition.States.Render?.Parameters).toEqual({
        Cluster: 'orders-cluster',
        TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/RenderPdf:1',
        Overrides: { Environment: [{ Name: 'STAGE', Value: 'test' }] },
      });
    });

    it('lets given substitutions win over parameter defaults and derived values', () => {
      // Act
      const definition = loadDefinition(fixture('template.json'), {
        stateMachine: 'OrderFlow',
        substitutions: { Cluster: 'c', Stage: 'prod', ValidateArn: 'arn:aws:lambda:eu-west-1:111111111111:function:v' },
      });

      // Assert
      expect(resource(definition, 'Validate')).toBe('arn:aws:lambda:eu-west-1:111111111111:function:v');
      expect(definition.States.Render?.Parameters).toMatchObject({ Overrides: { Environment: [{ Name: 'STAGE', Value: 'prod' }] } });
    });

    it('resolves DefinitionString Fn::Join with a Ref', () => {
      // Act
      const definition = loadDefinition(fixture('template.json'), { stateMachine: 'Notify' });

      // Assert
      expect(definition.States.Send?.Parameters).toEqual({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:order-events', 'Message.$': '$.message' });
    });

    it('resolves a Definition object: intrinsics inside it and DefinitionSubstitutions in its strings', () => {
      // Act
      const definition = loadDefinition(fixture('template.json'), { stateMachine: 'Child', region: 'eu-west-1', accountId: '210987654321' });

      // Assert
      expect(definition.States.Start?.Parameters).toEqual({
        StateMachineArn: 'arn:aws:states:eu-west-1:210987654321:stateMachine:NotifyCustomer',
        Input: { queue: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders' },
      });
    });

    it('takes a template object as well as a path', () => {
      // Arrange
      const template = {
        Resources: {
          Flow: { Type: 'AWS::StepFunctions::StateMachine', Properties: { Definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } } } },
        },
      };

      // Act
      const definition = loadDefinition(template);

      // Assert
      expect(definition).toEqual({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });
    });

    it.each([
      [{ stateMachine: 'OrderFlow' }, /refers to Cluster, which loadDefinition cannot resolve .*substitutions: \{ 'Cluster': '…' \}/],
      [{}, /has 3 state machines \(OrderFlow, Notify, Child\)\. To fix this, pick one with \{ stateMachine: '<logical id>' \}/],
      [{ stateMachine: 'Missing' }, /has no state machine with logical id 'Missing' \(state machines: OrderFlow, Notify, Child\)/],
    ])('explains what it cannot pick or resolve (%j)', (options, message) => {
      // Act / Assert
      expect(() => loadDefinition(fixture('template.json'), options)).toThrowError(message);
    });
  });

  describe('validation', () => {
    it('lists every problem with the state it belongs to', () => {
      // Arrange
      const definition = {
        StartAt: 'Fetch',
        States: {
          Fetch: { Type: 'Task', Next: 'Nowhere' },
          Decide: { Type: 'Choice' },
          Fan: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true, Next: 'Fetch' } } }],
            End: true,
          },
          Each: { Type: 'Map', End: true },
          Wait: { Type: 'Wait', End: true },
          Slow: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 5, HeartbeatSeconds: 10, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Gone' }], End: true },
        },
      } as unknown as AslDefinition;

      // Act / Assert
      expect(() => loadDefinition(definition)).toThrowErrorMatchingInlineSnapshot(`
        [InvalidDefinitionError: The state machine definition from the object given is invalid:
          - state "Fetch": SCHEMA_VALIDATION_FAILED: These fields are required: [Resource] (at /States/Fetch)
          - state "Decide": SCHEMA_VALIDATION_FAILED: These fields are required: [Choices] (at /States/Decide)
          - state "Inner": SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Next, End] (at /States/Fan/Branches[0]/States/Inner)
          - state "Inner": MISSING_TRANSITION_TARGET: Missing 'Next' target: Fetch (at /States/Fan/Branches[0]/States/Inner/Next)
          - state "Each": SCHEMA_VALIDATION_FAILED: These fields are required: [ItemProcessor] (at /States/Each)
          - state "Wait": SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] (at /States/Wait)
          - state "Slow": SCHEMA_VALIDATION_FAILED: The value of 'HeartbeatSeconds' must be smaller than the value of 'TimeoutSeconds' (at /States/Slow/HeartbeatSeconds)
          - state "Fetch": MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere (at /States/Fetch/Next)
          - state "Slow": MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone (at /States/Slow/Catch[0]/Next)
          - state "Decide": MISSING_TRANSITION_TARGET: State "Decide" is not reachable. (at /States/Decide)
          - state "Fan": MISSING_TRANSITION_TARGET: State "Fan" is not reachable. (at /States/Fan)
          - state "Each": MISSING_TRANSITION_TARGET: State "Each" is not reachable. (at /States/Each)
          - state "Wait": MISSING_TRANSITION_TARGET: State "Wait" is not reachable. (at /States/Wait)
          - state "Slow": MISSING_TRANSITION_TARGET: State "Slow" is not reachable. (at /States/Slow)
        To fix this, correct the definition; Step Functions would refuse it too.]
      `);
    });

    it('refuses a missing StartAt and a StartAt naming no state', () => {
      // Act / Assert
      expect(() => loadDefinition({ States: { A: { Type: 'Succeed' } } } as unknown as AslDefinition)).toThrowErrorMatchingInlineSnapshot(`
        [InvalidDefinitionError: The state machine definition from the object given is invalid:
          - SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] (at /)
        To fix this, correct the definition; Step Functions would refuse it too.]
      `);
      expect(() => loadDefinition({ StartAt: 'B', States: { A: { Type: 'Succeed' } } })).toThrowErrorMatchingInlineSnapshot(`
        [InvalidDefinitionError: The state machine definition from the object given is invalid:
          - MISSING_TRANSITION_TARGET: Missing 'Next' target: B (at /StartAt)
          - state "A": MISSING_TRANSITION_TARGET: State "A" is not reachable. (at /States/A)
        To fix this, correct the definition; Step Functions would refuse it too.]
      `);
    });

    it('reports missing Next and Catch targets and unreachable states as MISSING_TRANSITION_TARGET, with their locations', () => {
      // Arrange
      const definition = {
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Next: 'Nowhere' },
          B: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Gone' }], End: true },
        },
      } as unknown as AslDefinition;

      // Act / Assert
      expect(() => loadDefinition(definition)).toThrowErrorMatchingInlineSnapshot(`
        [InvalidDefinitionError: The state machine definition from the object given is invalid:
          - state "A": MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere (at /States/A/Next)
          - state "B": MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone (at /States/B/Catch[0]/Next)
          - state "B": MISSING_TRANSITION_TARGET: State "B" is not reachable. (at /States/B)
        To fix this, correct the definition; Step Functions would refuse it too.]
      `);
    });

    it('refuses a state name used twice, in a branch too', () => {
      // Arrange
      const definition: AslDefinition = {
        StartAt: 'P',
        States: {
          P: { Type: 'Parallel', Branches: [{ StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } }], Next: 'Work' },
          Work: { Type: 'Pass', End: true },
        },
      };

      // Act
      const error = (() => {
        try {
          loadDefinition(definition);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();

      // Assert
      expect(error).toBeInstanceOf(InvalidDefinitionError);
      expect((error as InvalidDefinitionError).problems).toEqual([{ path: '/States/Work', state: 'Work', code: 'DUPLICATE_STATE_NAME', problem: 'Duplicate State name: Work' }]);
    });
  });
});
