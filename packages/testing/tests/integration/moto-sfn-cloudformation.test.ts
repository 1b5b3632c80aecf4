import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeExecutionCommand, DescribeStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoConfig, useStepFunctionsEngine } from '../../src/moto-config.js';
import { startMotoServer, type MotoServer } from '../../src/moto-server.js';
import { uniqueName } from '../../src/names.js';
import { motoClientConfig } from './support.js';

// packages/moto/python/fix_sfn_cloudformation_backend.py: with moto's Step Functions engine on, a state
// machine deployed by CloudFormation must be one StartExecution can run, its DefinitionSubstitutions applied,
// as on AWS.


/**
 * Deploys a one-Pass-state machine with CloudFormation and (unless `start` is false) starts it:
 * the execution's status or the error's name, and the deployed definition.
 */
async function deployAndStart(endpoint: string, start = true): Promise<{ outcome: string; output?: string; definition?: string }> {
  const cloudformation = new CloudFormationClient(motoClientConfig(endpoint));
  const sfn = new SFNClient(motoClientConfig(endpoint));
  const stack = uniqueName('cfnsm');
  const name = uniqueName('Greeter');
  await cloudformation.send(
    new CreateStackCommand({
      StackName: stack,
      TemplateBody: JSON.stringify({
        Resources: {
          Machine: {
            Type: 'AWS::StepFunctions::StateMachine',
            Properties: {
              StateMachineName: name,
              RoleArn: 'arn:aws:iam::123456789012:role/sfn',
              DefinitionString: JSON.stringify({ StartAt: 'Greet', States: { Greet: { Type: 'Pass', Result: { hello: '${Greeting}' }, End: true } } }),
              DefinitionSubstitutions: { Greeting: 'world' },
            },
          },
        },
        Outputs: { Arn: { Value: { Ref: 'Machine' } } },
      }),
    }),
  );
  try {
    const described = await cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
    const arn = described.Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'Arn')?.OutputValue;
    const { definition } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    if (!start) return { outcome: 'deployed', definition };
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: uniqueName('run'), input: '{}' }));
    for (let attempt = 0; attempt < 100; attempt++) {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      if (execution.status !== 'RUNNING') return { outcome: execution.status ?? 'no status', output: execution.output, definition };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { outcome: 'still RUNNING after 5 s', definition };
  } catch (error) {
    return { outcome: (error as Error).name };
  } finally {
    await cloudformation.send(new DeleteStackCommand({ StackName: stack }));
  }
}

describe('moto fix: CloudFormation creates state machines in the executing backend', () => {
  let unfixed: MotoServer;

  beforeAll(async () => {
    unfixed = await startMotoServer({ fixes: false });
  });

  afterAll(async () => {
    await unfixed?.stop();
  });

  it('is still needed: unfixed moto cannot start a state machine CloudFormation deployed while the engine is on', async () => {
    await useStepFunctionsEngine(unfixed.endpoint);

    const run = await deployAndStart(unfixed.endpoint);

    // If this starts to pass, moto has fixed it: delete fix_sfn_cloudformation_backend.py and this test.
    expect(run.outcome, 'moto now runs CloudFormation-created state machines: remove the fix').toBe('StateMachineDoesNotExist');
  });

  it('is still needed: unfixed moto deploys the definition with its ${…} placeholders left in', async () => {
    // Engine off: the plain backend, where unfixed moto can start what CloudFormation made.
    await motoConfig({ stepfunctions: { execute_state_machine: false } }, unfixed.endpoint);

    const run = await deployAndStart(unfixed.endpoint, false);

    // If this starts to fail, moto applies DefinitionSubstitutions: remove that part of the fix and this test.
    expect(run.definition, 'moto now applies DefinitionSubstitutions: remove that part of the fix').toContain('${Greeting}');
  });

  it('runs a state machine CloudFormation deployed while the engine is on, with its substitutions', async () => {
    const endpoint = inject('motoEndpoint');
    const restoreEngine = await useStepFunctionsEngine(endpoint);
    try {
      const run = await deployAndStart(endpoint);

      expect(run.outcome).toBe('SUCCEEDED');
      expect(JSON.parse(run.output ?? 'null')).toEqual({ hello: 'world' });
      expect(run.definition).not.toContain('${Greeting}');
    } finally {
      await restoreEngine();
    }
  });
});
