import type { TemplateContext } from '@harness/core';
import { describe, expect, it } from 'vitest';
import { parseStepFunctionsConfig } from '../../src/config.js';
import { stateMachineDoubleDefinition } from '../../src/double-definition.js';
import { stateMachineArnOutputKey, stepFunctionsTemplate } from '../../src/template.js';

const context: TemplateContext = { stackName: 'hx', core: { routesTable: 'hx-routes', resultsTable: 'hx-results', artifactsBucket: 'hx-artifacts' }, artifacts: {} };

describe('Function: stepFunctionsTemplate', () => {
  it('deploys one STANDARD state machine per configured name, with the double definition as DefinitionString', () => {
    // Arrange
    const config = parseStepFunctionsConfig({ stateMachines: { Charge: {}, 'Notify-Customer': { timeoutSeconds: 20 } } });

    // Act
    const template = stepFunctionsTemplate(config, context);

    // Assert
    const machines = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
    expect(machines.map((machine) => machine.Properties?.StateMachineName)).toEqual(['Charge', 'Notify-Customer']);
    expect(machines[0]?.Properties).toEqual({
      StateMachineName: 'Charge',
      StateMachineType: 'STANDARD',
      DefinitionString: JSON.stringify(stateMachineDoubleDefinition({ name: 'Charge', core: context.core })),
      RoleArn: { 'Fn::GetAtt': ['DoubleRole', 'Arn'] },
    });
    expect(JSON.parse(machines[1]?.Properties?.DefinitionString as string)).toEqual(stateMachineDoubleDefinition({ name: 'Notify-Customer', core: context.core, timeoutSeconds: 20 }));
  });

  it('outputs each double\'s ARN as StateMachineArn<Name>', () => {
    // Act
    const template = stepFunctionsTemplate(parseStepFunctionsConfig({ stateMachines: { Charge: {}, 'Notify-Customer': {} } }), context);

    // Assert
    expect(stateMachineArnOutputKey('Charge')).toBe('StateMachineArnCharge');
    expect(Object.keys(template.Outputs ?? {})).toEqual(['StateMachineArnCharge', stateMachineArnOutputKey('Notify-Customer')]);
    expect(stateMachineArnOutputKey('Notify-Customer')).toMatch(/^StateMachineArnNotifyCustomer[0-9a-z]+$/);
    expect(stateMachineArnOutputKey('Notify-Customer')).not.toBe(stateMachineArnOutputKey('NotifyCustomer'));
    expect(template.Outputs?.StateMachineArnCharge?.Value).toEqual({ Ref: 'StateMachineCharge' });
  });

  it('gives the doubles one role, trusted by Step Functions of this account only, allowed exactly its route, its result and session queues', () => {
    // Act
    const template = stepFunctionsTemplate(parseStepFunctionsConfig({ stateMachines: { Charge: {} } }), context);

    // Assert
    const role = template.Resources.DoubleRole;
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(role?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'states.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role?.Properties?.Policies).toEqual([
      {
        PolicyName: 'answer-through-harness',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'ReadRouteAndResult',
              Effect: 'Allow',
              Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
              Resource: [
                { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/hx-routes' },
                { 'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/hx-results' },
              ],
            },
            {
              Sid: 'SendInvocation',
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:hx-session-*' },
            },
          ],
        },
      },
    ]);
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('refuses a stack name that cannot prefix resource names', () => {
    // Act / Assert
    expect(() => stepFunctionsTemplate(parseStepFunctionsConfig({}), { ...context, stackName: '1bad' })).toThrowError(/'1bad' is not a valid harness stack name/);
  });
});
