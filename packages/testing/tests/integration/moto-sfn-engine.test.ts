import {
  ECSClient,
  ListTasksCommand,
  StopTaskCommand,
  SubmitContainerStateChangeCommand,
} from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useStepFunctionsEngine } from '../../src/moto-config.js';
import { startMotoServer, type MotoServer } from '../../src/moto-server.js';
import { createTaskNetwork } from '../../src/moto-network.js';
import { uniqueName } from '../../src/names.js';
import { createClusterAndTaskDefinition, motoClientConfig } from './support.js';

// Fixes to moto's Step Functions engine (packages/moto/python/fix_sfn_*.py). Each is shown twice: what the
// engine does on a server with every fix but that one, and what it does (as AWS does) with all of them.

const role = 'arn:aws:iam::123456789012:role/harness-engine-test';

/** Creates a state machine and starts it; `during` runs while it does (playing a worker); resolves once it ended. */
async function run(
  endpoint: string,
  definition: object,
  input: unknown = {},
  during?: () => Promise<void>,
): Promise<DescribeExecutionCommandOutput> {
  const sfn = new SFNClient(motoClientConfig(endpoint));
  const created = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('engine'), roleArn: role, definition: JSON.stringify(definition) }));
  const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: created.stateMachineArn, name: uniqueName('run'), input: JSON.stringify(input) }));
  await during?.();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    if (described.status !== 'RUNNING') return described;
    if (Date.now() > deadline) throw new Error(`execution ${started.executionArn} still RUNNING after 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A server with every fix except `fix`, its engine on. */
async function serverWithout(fix: string): Promise<MotoServer> {
  const server = await startMotoServer({ withoutFixes: [fix] });
  await useStepFunctionsEngine(server.endpoint);
  return server;
}

describe("moto fixes to the Step Functions engine", () => {
  const fixed = (): string => inject('motoEndpoint');
  const unfixed: MotoServer[] = [];
  let restoreEngine: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    restoreEngine = await useStepFunctionsEngine(fixed());
  });

  afterAll(async () => {
    await restoreEngine?.();
    await Promise.all(unfixed.map((server) => server.stop()));
  });

  describe('fix_sfn_json_path_index: a path through a literal index selects one value', () => {
    const definition = { StartAt: 'Pick', States: { Pick: { Type: 'Pass', Parameters: { 'code.$': '$.Containers[0].ExitCode' }, End: true } } };
    const input = { Containers: [{ ExitCode: 3 }] };

    it('is still needed', async () => {
      const server = await serverWithout('fix_sfn_json_path_index');
      unfixed.push(server);

      const execution = await run(server.endpoint, definition, input);

      // If this starts to fail, moto has fixed it: delete fix_sfn_json_path_index.py and this test.
      expect(JSON.parse(execution.output ?? 'null'), 'moto now selects the value itself: remove the fix').toEqual({ code: [3] });
    });

    it('selects the value itself', async () => {
      const execution = await run(fixed(), definition, input);

      expect(JSON.parse(execution.output ?? 'null')).toEqual({ code: 3 });
    });
  });

  describe('fix_sfn_jsonata: JSONata expressions are evaluated', () => {
    // A variable assigned from the input, read by the next state; Output builds the result.
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { order: '{% $states.input %}' }, Next: 'Summarise' },
        Summarise: {
          Type: 'Pass',
          Output: { orderId: '{% $order.orderId %}', skus: '{% $order.items.sku %}', count: '{% $count($order.items) %}' },
          End: true,
        },
      },
    };
    const input = { orderId: 'o-1', items: [{ sku: 'sku-1' }, { sku: 'sku-2' }] };

    it('is still needed', async () => {
      const server = await serverWithout('fix_sfn_jsonata');
      unfixed.push(server);

      const execution = await run(server.endpoint, definition, input);

      // If this starts to fail, moto has an evaluator of its own: delete fix_sfn_jsonata.py and this test.
      expect(execution.status, 'moto now evaluates JSONata: remove the fix').toBe('FAILED');
      expect(execution).toMatchObject({ error: 'States.Runtime', cause: expect.stringContaining("'NoneType' object is not callable") });
    });

    it('evaluates Assign and Output with $states and the variables', async () => {
      const execution = await run(fixed(), definition, input);

      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? 'null')).toEqual({ orderId: 'o-1', skus: ['sku-1', 'sku-2'], count: 2 });
    });
  });

  describe('fix_sfn_jsonata_string_variables: a string variable keeps its quotes and backslashes', () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Remember',
      States: {
        Remember: { Type: 'Pass', Assign: { note: '{% $states.input.note %}' }, Next: 'Repeat' },
        Repeat: { Type: 'Pass', Output: { note: '{% $note %}' }, End: true },
      },
    };
    const note = 'say "hi" \\ back';

    it('is still needed', async () => {
      const server = await serverWithout('fix_sfn_jsonata_string_variables');
      unfixed.push(server);

      const execution = await run(server.endpoint, definition, { note });

      // If this starts to fail, moto escapes strings itself: delete fix_sfn_jsonata_string_variables.py and this test.
      expect(execution.status, 'moto now keeps string variables intact: remove the fix').toBe('FAILED');
      expect(execution.error).toBe('States.Runtime');
    });

    it('reads the string back as it was assigned, and records it as JSON text', async () => {
      const execution = await run(fixed(), definition, { note });
      const history = await new SFNClient(motoClientConfig(fixed())).send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn }));

      expect(JSON.parse(execution.output ?? 'null')).toEqual({ note });
      const assigned = history.events?.find((event) => event.stateExitedEventDetails?.name === 'Remember')?.stateExitedEventDetails?.assignedVariables;
      expect(assigned).toEqual({ note: JSON.stringify(note) });
    });
  });

  describe('fix_sfn_branch_error_names: a failed Map iteration passes its States.* error on', () => {
    /** A Map whose one iteration waits for a callback that never comes: States.Timeout after 1 s. */
    async function mapOfTimeouts(endpoint: string): Promise<DescribeExecutionCommandOutput> {
      const sqs = new SQSClient(motoClientConfig(endpoint));
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('nobody') }));
      const waitForNobody = {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: queue.QueueUrl, MessageBody: { 'token.$': '$$.Task.Token' } },
        TimeoutSeconds: 1,
        End: true,
      };
      const definition = {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'WaitForNobody', States: { WaitForNobody: waitForNobody } },
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      };
      return run(endpoint, definition, { items: [1] });
    }

    it('is still needed', async () => {
      const server = await serverWithout('fix_sfn_branch_error_names');
      unfixed.push(server);

      const execution = await mapOfTimeouts(server.endpoint);

      // If this starts to fail, moto has fixed it: delete fix_sfn_branch_error_names.py and this test.
      expect(JSON.parse(execution.output ?? 'null').error.Error, 'moto now keeps the error: remove the fix').toBe('States.Runtime');
    });

    it("fails the Map with the iteration's error", async () => {
      const execution = await mapOfTimeouts(fixed());

      expect(JSON.parse(execution.output ?? 'null').error.Error).toBe('States.Timeout');
    });
  });

  describe('fix_sfn_send_task_failure_cause: SendTaskFailure passes its cause on', () => {
    /** A .waitForTaskToken state that sends its token to a queue; the test fails it with an error and cause. */
    async function failViaCallback(endpoint: string): Promise<DescribeExecutionCommandOutput> {
      const sqs = new SQSClient(motoClientConfig(endpoint));
      const queue = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('callbacks') }));
      const definition = {
        StartAt: 'Fulfil',
        States: {
          Fulfil: {
            Type: 'Task',
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { QueueUrl: queue.QueueUrl, MessageBody: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      };
      return run(endpoint, definition, {}, async () => {
        const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.QueueUrl, WaitTimeSeconds: 10 }));
        const message = received.Messages?.[0];
        if (!message?.Body) throw new Error('the state sent no message within 10 s');
        await sqs.send(new DeleteMessageCommand({ QueueUrl: queue.QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        const { token } = JSON.parse(message.Body) as { token: string };
        await new SFNClient(motoClientConfig(endpoint)).send(new SendTaskFailureCommand({ taskToken: token, error: 'OutOfStock', cause: 'sku-2 is sold out' }));
      });
    }

    it('is still needed', async () => {
      const server = await serverWithout('fix_sfn_send_task_failure_cause');
      unfixed.push(server);

      const execution = await failViaCallback(server.endpoint);

      // If this starts to fail, moto has fixed it: delete fix_sfn_send_task_failure_cause.py and this test.
      expect(execution.error).toBe('OutOfStock');
      expect(execution.cause, 'moto now keeps the cause: remove the fix').toBeFalsy();
    });

    it('fails the state with the error and cause given', async () => {
      const execution = await failViaCallback(fixed());

      expect(execution).toMatchObject({ status: 'FAILED', error: 'OutOfStock', cause: 'sku-2 is sold out' });
    });
  });

  describe('fix_sfn_ecs_sync_failure and fix_sfn_sync_retry: ecs:runTask.sync of a task that exits 1, retried once', () => {
    /** Runs the state machine, playing the ECS agent: every task's Main container exits 1, then the task stops. */
    async function runFailingTask(endpoint: string): Promise<{ execution: DescribeExecutionCommandOutput; tasks: number }> {
      const ecs = new ECSClient(motoClientConfig(endpoint));
      const network = await createTaskNetwork(new EC2Client(motoClientConfig(endpoint)));
      const { clusterArn: cluster, taskDefinitionArn } = await createClusterAndTaskDefinition(ecs, 'sync');
      const definition = {
        StartAt: 'Render',
        States: {
          Render: {
            Type: 'Task',
            Resource: 'arn:aws:states:::ecs:runTask.sync',
            Parameters: {
              Cluster: cluster,
              TaskDefinition: taskDefinitionArn,
              LaunchType: 'FARGATE',
              NetworkConfiguration: { AwsvpcConfiguration: { Subnets: [network.subnetId] } },
            },
            Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 1 }],
            End: true,
          },
        },
      };
      const handled = new Set<string>();
      let ended = false;
      const agent = async (): Promise<void> => {
        while (!ended) {
          const listed = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }));
          for (const task of (listed.taskArns ?? []).filter((arn) => !handled.has(arn))) {
            handled.add(task);
            // The job takes a while, as a real one does.
            await new Promise((resolve) => setTimeout(resolve, 700));
            await ecs.send(new SubmitContainerStateChangeCommand({ cluster, task, containerName: 'Main', status: 'STOPPED', exitCode: 1 }));
            await ecs.send(new StopTaskCommand({ cluster, task, reason: 'Essential container in task exited' }));
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      const playing = agent();
      try {
        const execution = await run(endpoint, definition);
        return { execution, tasks: handled.size };
      } finally {
        ended = true;
        await playing;
      }
    }

    it('fix_sfn_ecs_sync_failure is still needed: without it the task counts as a success', async () => {
      const server = await serverWithout('fix_sfn_ecs_sync_failure');
      unfixed.push(server);

      const { execution } = await runFailingTask(server.endpoint);

      // If this starts to fail, moto has fixed it: delete fix_sfn_ecs_sync_failure.py and this test.
      expect(execution.status, 'moto now fails the state: remove the fix').toBe('SUCCEEDED');
    });

    it('fix_sfn_sync_retry is still needed: without it the retry times out at once', async () => {
      const server = await serverWithout('fix_sfn_sync_retry');
      unfixed.push(server);

      const { execution } = await runFailingTask(server.endpoint);

      // If this starts to fail, moto has fixed it: delete fix_sfn_sync_retry.py and this test.
      expect(execution.error, 'moto now waits for the retried task: remove the fix').toBe('States.Timeout');
    });

    it('fails with States.TaskFailed and the stopped task as cause, after running the task twice', async () => {
      const { execution, tasks } = await runFailingTask(fixed());

      expect(execution).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
      expect(JSON.parse(execution.cause ?? 'null')).toMatchObject({
        LastStatus: 'STOPPED',
        StopCode: 'EssentialContainerExited',
        Containers: [{ Name: 'Main', ExitCode: 1, LastStatus: 'STOPPED' }],
      });
      expect(tasks).toBe(2);
    });
  });

  describe('fix_sfn_result_writer_files: a distributed Map writes its children\'s results to S3', () => {
    /** A distributed Map over three items, one of them failing (tolerated), whose ResultWriter writes to a new bucket. */
    async function mapWithResultWriter(endpoint: string, destination: { Prefix?: string }): Promise<{
      execution: DescribeExecutionCommandOutput;
      keys: string[];
      read: (key: string) => Promise<unknown>;
    }> {
      const s3 = new S3Client({ ...motoClientConfig(endpoint), forcePathStyle: true });
      const bucket = uniqueName('results');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const definition = {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemsPath: '$.items',
            ToleratedFailureCount: 1,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
              StartAt: 'Check',
              States: {
                Check: { Type: 'Choice', Choices: [{ Variable: '$.qty', NumericGreaterThan: 4, Next: 'Reject' }], Default: 'Accept' },
                Reject: { Type: 'Fail', Error: 'Order.TooMany', Cause: 'more than 4' },
                Accept: { Type: 'Pass', Parameters: { 'order.$': '$.orderId' }, End: true },
              },
            },
            ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, ...destination } },
            End: true,
          },
        },
      };
      const execution = await run(endpoint, definition, { items: [{ orderId: 'o-1', qty: 1 }, { orderId: 'o-2', qty: 5 }, { orderId: 'o-3', qty: 2 }] });
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const read = async (key: string): Promise<unknown> => {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse((await object.Body?.transformToString()) ?? 'null');
      };
      return { execution, keys: (listed.Contents ?? []).map((object) => object.Key ?? ''), read };
    }

    it('is still needed', async () => {
      const server = await serverWithout('fix_sfn_result_writer_files');
      unfixed.push(server);

      const withPrefix = await mapWithResultWriter(server.endpoint, { Prefix: 'runs' });
      const withoutPrefix = await mapWithResultWriter(server.endpoint, {});

      // If this starts to fail, moto writes the results itself: delete fix_sfn_result_writer_files.py and this test.
      expect(withPrefix.keys, 'moto now writes result files: remove the fix').toEqual([expect.stringMatching(/^runs\/[0-9a-f-]{36}\/manifest\.json$/)]);
      expect(await withPrefix.read(withPrefix.keys[0] ?? '')).toMatchObject({ ResultFiles: { FAILED: [], PENDING: [], SUCCEEDED: [] } });
      expect(withoutPrefix.execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    });

    it('writes SUCCEEDED_0.json and FAILED_0.json under <Prefix>/<map run id>/, listed in the manifest', async () => {
      const { execution, keys, read } = await mapWithResultWriter(fixed(), { Prefix: 'runs/' });

      expect(execution.status).toBe('SUCCEEDED');
      const output = JSON.parse(execution.output ?? 'null') as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
      const folder = `runs/${output.MapRunArn.split(':').at(-1)}`;
      expect(output.ResultWriterDetails.Key).toBe(`${folder}/manifest.json`);
      expect(keys).toEqual([`${folder}/FAILED_0.json`, `${folder}/SUCCEEDED_0.json`, `${folder}/manifest.json`]);
      expect(await read(`${folder}/manifest.json`)).toEqual({
        DestinationBucket: output.ResultWriterDetails.Bucket,
        MapRunArn: output.MapRunArn,
        ResultFiles: {
          FAILED: [{ Key: `${folder}/FAILED_0.json`, Size: expect.any(Number) }],
          PENDING: [],
          SUCCEEDED: [{ Key: `${folder}/SUCCEEDED_0.json`, Size: expect.any(Number) }],
        },
      });
      // Each child as DescribeExecution gives it, in item order ("ResultWriter (Map)", "Exporting to Amazon S3").
      const childMachine = output.MapRunArn.replace(':mapRun:', ':stateMachine:').replace(/:[^:]+$/, '');
      const child = (name: string) => ({
        ExecutionArn: `${childMachine.replace(':stateMachine:', ':execution:')}:${name}`,
        InputDetails: { Included: true },
        Name: name,
        RedriveCount: 0,
        StartDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        StateMachineArn: childMachine,
        StopDate: expect.stringMatching(/Z$/),
      });
      const succeeded = (await read(`${folder}/SUCCEEDED_0.json`)) as { Name: string }[];
      expect(succeeded).toEqual(
        [
          ['{"orderId":"o-1","qty":1}', '{"order":"o-1"}'],
          ['{"orderId":"o-3","qty":2}', '{"order":"o-3"}'],
        ].map(([input, output], index) => ({
          ...child(succeeded[index]?.Name ?? ''),
          Input: input,
          Output: output,
          OutputDetails: { Included: true },
          RedriveStatus: 'NOT_REDRIVABLE',
          RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
          Status: 'SUCCEEDED',
        })),
      );
      const failed = (await read(`${folder}/FAILED_0.json`)) as { Name: string }[];
      expect(failed).toEqual([
        {
          ...child(failed[0]?.Name ?? ''),
          Cause: 'more than 4',
          Error: 'Order.TooMany',
          Input: '{"orderId":"o-2","qty":5}',
          RedriveStatus: 'REDRIVABLE_BY_MAP_RUN',
          Status: 'FAILED',
        },
      ]);
      expect(succeeded.concat(failed).map((record) => record.Name)).toEqual(Array(3).fill(expect.stringMatching(/^[0-9a-f-]{36}$/)));
    });

    it('writes under the map run id when the ResultWriter has no Prefix', async () => {
      const { execution, keys } = await mapWithResultWriter(fixed(), {});

      expect(execution.status).toBe('SUCCEEDED');
      const runId = (JSON.parse(execution.output ?? 'null') as { MapRunArn: string }).MapRunArn.split(':').at(-1);
      expect(keys).toEqual([`${runId}/FAILED_0.json`, `${runId}/SUCCEEDED_0.json`, `${runId}/manifest.json`]);
    });
  });
});
