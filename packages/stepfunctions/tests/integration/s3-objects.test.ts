import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { uniqueName, useStepFunctionsEngine } from '@harness/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeOnAws } from '../../src/aws-driver.js';
import { MemoryObjectStore } from '../../src/engine/map/object-store.js';
import { runLocalExecution } from '../../src/local-runner.js';
import { awsS3Objects, s3ObjectsApi } from '../../src/s3.js';
import type { AslDefinition } from '../../src/definition.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/harness-s3-objects-test';

describe('explore', () => {
  let sfn: SFNClient; let s3c: S3Client; let restore: (() => Promise<void>) | undefined;
  beforeAll(async () => { restore = await useStepFunctionsEngine(); sfn = new SFNClient({}); s3c = new S3Client({}); });
  afterAll(async () => { await restore?.(); sfn.destroy(); s3c.destroy(); });

  it('explores', async () => {
    const bucket = uniqueName('data');
    await s3c.send(new CreateBucketCommand({ Bucket: bucket }));
    const s3 = awsS3Objects();
    await s3.putObject(bucket, 'in/orders.json', [{ id: 'o-1', qty: 2 }, { id: 'bad', qty: 5 }]);
    const variants: Record<string, object> = {
      failing: { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'out' } } },
      noPrefix: { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket } } },
      tolerated: { ToleratedFailurePercentage: 100, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'tol/' } } },
      selector: { ItemSelector: { 'v.$': '$$.Map.Item.Value', 'i.$': '$$.Map.Item.Index' }, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucket, Prefix: 'sel' } } },
    };
    for (const [name, extra] of Object.entries(variants)) {
      const def = {
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Map',
            ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: bucket, Key: 'in/orders.json' } },
            ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Check', States: {
              Check: { Type: 'Choice', Choices: [{ Variable: '$.id', StringEquals: 'bad', Next: 'Reject' }], Default: 'Ok' },
              Reject: { Type: 'Fail', Error: 'Order.Bad', Cause: 'bad order' },
              Ok: { Type: 'Pass', End: true } } },
            ...extra,
            End: true,
          },
        },
      };
      const created = await sfn.send(new CreateStateMachineCommand({ name: uniqueName('dmap'), definition: JSON.stringify(def), roleArn: ROLE_ARN }));
      const run = await executeOnAws({ client: sfn, stateMachineArn: created.stateMachineArn ?? '', pollIntervalMs: 50, timeoutMs: 30_000 });
      console.log('MOTO', name, run.status, run.error, run.cause, JSON.stringify(run.output));
      console.log(run.history.map((e) => e.type).join(','));
      const store = new MemoryObjectStore();
      const local = s3ObjectsApi(store);
      await local.putObject(bucket, 'in/orders.json', [{ id: 'o-1', qty: 2 }, { id: 'bad', qty: 5 }]);
      const lrun = await runLocalExecution({ definition: def as unknown as AslDefinition, integrations: [], objectStore: store });
      console.log('LOCAL', name, lrun.status, lrun.error, lrun.cause, JSON.stringify(lrun.output));
      for (const o of await local.listObjects(bucket)) if (o.Key !== 'in/orders.json') console.log(o.Key, o.Size, await local.getObject(bucket, o.Key));
    }
    console.log(JSON.stringify((await s3.listObjects(bucket)).map((o) => o.Key)));
    expect(1).toBe(1);
  });
});
