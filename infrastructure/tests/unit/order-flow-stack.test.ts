import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORDER_FLOW_RESOURCES, orderFlowTemplate, WORKFLOW_FILES } from '../../src/index.js';

const template = orderFlowTemplate();
const properties = (id: string) => template.Resources[id]?.Properties as Record<string, unknown>;

describe('Function: orderFlowTemplate', () => {
  it('ships every workflow as DefinitionString with a substitution for every ${placeholder}', () => {
    for (const id of [ORDER_FLOW_RESOURCES.orderFlow, ORDER_FLOW_RESOURCES.orderFlowJsonata, ORDER_FLOW_RESOURCES.enrichOrder]) {
      const definition = properties(id).DefinitionString as string;
      const placeholders = new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
      expect(Object.keys(properties(id).DefinitionSubstitutions as object).sort()).toEqual([...placeholders].sort());
      expect(() => JSON.parse(definition)).not.toThrow();
    }
  });

  it('uses the ASL files as they are', () => {
    expect(properties(ORDER_FLOW_RESOURCES.orderFlow).DefinitionString).toBe(readFileSync(WORKFLOW_FILES.orderFlow, 'utf8'));
    expect(properties(ORDER_FLOW_RESOURCES.orderFlowJsonata).DefinitionString).toBe(readFileSync(WORKFLOW_FILES.orderFlowJsonata, 'utf8'));
  });

  it('writes the JSONata twin with the same states and the same Task resources as the JSONPath flow', () => {
    type Definition = { QueryLanguage?: string; States: Record<string, { Type: string; Resource?: string; ItemProcessor?: Definition }> };
    const read = (file: URL) => JSON.parse(readFileSync(file, 'utf8')) as Definition;
    const shape = (definition: Definition): unknown[] =>
      Object.entries(definition.States).map(([name, state]) => [name, state.Type, state.Resource, state.ItemProcessor && shape(state.ItemProcessor)]);

    const jsonata = read(WORKFLOW_FILES.orderFlowJsonata);

    expect(jsonata.QueryLanguage).toBe('JSONata');
    expect(shape(jsonata)).toEqual(shape(read(WORKFLOW_FILES.orderFlow)));
  });

  it('names each state machine after the stack and outputs its ARN', () => {
    expect(properties(ORDER_FLOW_RESOURCES.orderFlowJsonata).StateMachineName).toEqual({ 'Fn::Sub': '${AWS::StackName}-OrderFlowJsonata' });
    expect(template.Outputs).toEqual({
      OrderFlowStateMachineArn: { Value: { Ref: ORDER_FLOW_RESOURCES.orderFlow } },
      OrderFlowJsonataStateMachineArn: { Value: { Ref: ORDER_FLOW_RESOURCES.orderFlowJsonata } },
      EnrichOrderStateMachineArn: { Value: { Ref: ORDER_FLOW_RESOURCES.enrichOrder } },
    });
  });

  it('grants the workflows exactly what they call', () => {
    const policy = (properties(ORDER_FLOW_RESOURCES.role).Policies as { PolicyDocument: { Statement: { Sid: string; Action: unknown }[] } }[])[0];
    expect(policy?.PolicyDocument.Statement.map((statement) => [statement.Sid, statement.Action])).toEqual([
      ['InvokeFunctions', 'lambda:InvokeFunction'],
      ['RunChildWorkflow', 'states:StartExecution'],
      ['FollowChildWorkflow', ['states:DescribeExecution', 'states:StopExecution']],
      ['RunTasks', 'ecs:RunTask'],
      ['FollowTasks', ['ecs:StopTask', 'ecs:DescribeTasks']],
      ['PassTaskRoles', 'iam:PassRole'],
      ['SyncIntegrationRules', ['events:PutTargets', 'events:PutRule', 'events:DescribeRule']],
    ]);
    expect(JSON.stringify(policy)).not.toContain('"Action":"*"');
  });
});
