import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { ResultTooLargeError } from '@harness/core';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sendTaskCallbackOnAws, TaskCallbackError } from '../../src/aws-callbacks.js';

const sfnMock = mockClient(SFNClient);
const client = new SFNClient({ region: 'us-east-1' });
const TOKEN = 'AQB8AAAAKgAAAAMAAAAAAAAAAfakeTaskToken';

describe('Function: sendTaskCallbackOnAws', () => {
  beforeEach(() => {
    sfnMock.reset();
  });

  it('sends SendTaskSuccess with the output as JSON text', async () => {
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    await sendTaskCallbackOnAws(TOKEN, { kind: 'success', output: { shipment: 'sh-1' } }, client);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({ taskToken: TOKEN, output: '{"shipment":"sh-1"}' });
  });

  it('sends an undefined output as null, since SendTaskSuccess needs JSON', async () => {
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    await sendTaskCallbackOnAws(TOKEN, { kind: 'success', output: undefined }, client);

    expect(sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output).toBe('null');
  });

  it('refuses output over 256 KiB with the same ResultTooLargeError as the local target, sending nothing', async () => {
    sfnMock.on(SendTaskSuccessCommand).resolves({});

    const sent = sendTaskCallbackOnAws(TOKEN, { kind: 'success', output: 'x'.repeat(262_144) }, client);

    await expect(sent).rejects.toThrow(ResultTooLargeError);
    await expect(sent).rejects.toThrow("is 262146 bytes of JSON, over the 262144 bytes that Step Functions' SendTaskSuccess output (256 KiB) can carry.");
    expect(sfnMock.commandCalls(SendTaskSuccessCommand)).toEqual([]);
  });

  it('sends SendTaskFailure with the error and cause as given, and SendTaskHeartbeat with the token alone', async () => {
    sfnMock.on(SendTaskFailureCommand).resolves({}).on(SendTaskHeartbeatCommand).resolves({});

    await sendTaskCallbackOnAws(TOKEN, { kind: 'failure', error: 'OutOfStock', cause: 'sku-2 is sold out' }, client);
    await sendTaskCallbackOnAws(TOKEN, { kind: 'heartbeat' }, client);

    expect(sfnMock.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({ taskToken: TOKEN, error: 'OutOfStock', cause: 'sku-2 is sold out' });
    expect(sfnMock.commandCalls(SendTaskHeartbeatCommand)[0]?.args[0].input).toEqual({ taskToken: TOKEN });
  });

  it('says which callback was refused, for which token, why, and what to check', async () => {
    sfnMock.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'Task does not exist anymore', $metadata: {} }));

    const refused = await sendTaskCallbackOnAws(TOKEN, { kind: 'success', output: {} }, client).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(TaskCallbackError);
    expect((refused as TaskCallbackError).message).toMatch(/^SendTaskSuccess for task token AQB8AAAAKgAAAAMA… was refused: TaskDoesNotExist: Task does not exist anymore\. To fix this, send it while the state still waits/);
    expect((refused as TaskCallbackError).cause).toBeInstanceOf(TaskDoesNotExist);
  });
});
