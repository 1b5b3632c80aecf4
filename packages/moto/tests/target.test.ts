import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { motoConfig } from '../src/account.js';
import { startMotoTarget } from '../src/target.js';

// The repository's .venv (npm run setup) has the pinned requirements: the same moto a user's install gets.
const python = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '.venv', 'bin', 'python');

describe('Function: startMotoTarget', () => {
  it("starts moto with harness's fixes, points process.env at it, turns the engine on, makes a subnet, and puts everything back on stop()", async () => {
    if (!existsSync(python)) throw new Error(`${python} is missing. To fix this, run \`npm run setup\` at the repository root.`);
    const before = { endpoint: process.env.AWS_ENDPOINT_URL, key: process.env.AWS_ACCESS_KEY_ID };

    const moto = await startMotoTarget({ python });
    try {
      expect(process.env.AWS_ENDPOINT_URL).toBe(moto.endpoint);
      expect(process.env).toMatchObject({ AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
      expect(await motoConfig(undefined, moto.endpoint)).toBeTypeOf('object');
      const ec2 = new EC2Client({});
      const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [moto.network.subnetId] }));
      ec2.destroy();
      expect(Subnets?.[0]?.VpcId).toBe(moto.network.vpcId);
    } finally {
      await moto.stop();
    }

    expect({ endpoint: process.env.AWS_ENDPOINT_URL, key: process.env.AWS_ACCESS_KEY_ID }).toEqual(before);
    await expect(fetch(`${moto.endpoint}/moto-api/data.json`)).rejects.toThrow();
  }, 60_000);
});
