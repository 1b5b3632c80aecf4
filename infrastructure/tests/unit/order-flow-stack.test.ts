import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORDER_FLOW_RESOURCES, orderFlowTemplate, WORKFLOW_FILES } from '../../src/index.js';

const template = orderFlowTemplate();
const properties = (id: string) => template.Resources[id]?.Properties as Record<string, unknown>;

describe('Function: orderFlowTemplate', () => {
  it('ships both workflows as DefinitionString with a substitution for every ${placeholder}', () => {
    for (const id of [ORDER_FLOW_RESOURCES.orderFlow, ORDER_FLOW_RESOURCES.enrichOrder]) {
      const definition = properties(id).DefinitionString as string;
      const placeholders = new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
      expect(Object.keys(properties(id).DefinitionSubstitutions as object).sort()).toEqual([...placeholders].sort());
      expect(() => JSON.parse(definition)).not.toThrow();
    }
  });

  it('uses the ASL files as they are', () => {
    expect(properties(ORDER_FLOW_RESOURCES.orderFlow).DefinitionString).toBe(readFileSync(WORKFLOW_FILES.orderFlow, 'utf8'));
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
