import { ECSClient, RunTaskCommand } from '@aws-sdk/client-ecs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startMotoServer, type MotoServer } from '../../src/moto-server.js';
import { createTaskNetwork } from '../../src/moto-network.js';
import { createClusterAndTaskDefinition, motoClientConfig } from './support.js';

// packages/moto/python/fix_ecs_default_security_group.py: RunTask with awsvpc networking and only
// subnets (no security groups) runs the task in the VPC's default security group, as on AWS.


/** RunTask (FARGATE, subnets only) on a fresh cluster; the task's ENI attachment status, or the error. */
async function runWithSubnetsOnly(endpoint: string): Promise<{ attachment?: string; error?: string }> {
  const ecs = new ECSClient({ ...motoClientConfig(endpoint), maxAttempts: 1 });
  const network = await createTaskNetwork(new EC2Client(motoClientConfig(endpoint)));
  const { cluster, family } = await createClusterAndTaskDefinition(ecs, 'sg');
  try {
    const run = await ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: family,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [network.subnetId], assignPublicIp: 'DISABLED' } },
      }),
    );
    return { attachment: run.tasks?.[0]?.attachments?.[0]?.status };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 200) };
  }
}

describe('moto fix: RunTask without security groups uses the VPC default', () => {
  let unfixed: MotoServer;

  beforeAll(async () => {
    unfixed = await startMotoServer({ fixes: false });
  });

  afterAll(async () => {
    await unfixed?.stop();
  });

  it('is still needed: unfixed moto fails RunTask when the network configuration has no security groups', async () => {
    const run = await runWithSubnetsOnly(unfixed.endpoint);

    // If this starts to pass, moto has fixed it: delete fix_ecs_default_security_group.py and this test.
    expect(run.attachment, 'moto now runs tasks without security groups: remove the fix').toBeUndefined();
    expect(run.error).toEqual(expect.any(String));
  });

  it('runs the task, its network interface attached', async () => {
    const run = await runWithSubnetsOnly(inject('motoEndpoint'));

    expect(run).toEqual({ attachment: 'ATTACHED' });
  });
});
