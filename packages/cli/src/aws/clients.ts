import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { UsageError } from '../errors.js';

/** The AWS clients the CLI uses. They honour AWS_ENDPOINT_URL(_<SERVICE>) by themselves. */
export interface AwsClients {
  readonly cloudFormation: CloudFormationClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
}

export interface AwsClientOptions {
  /** Explicit region; undefined lets the SDK resolve it (AWS_REGION, profile). */
  readonly region: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Whether S3 calls go to a custom endpoint (moto, LocalStack), which then needs path-style addressing. */
export function usesCustomS3Endpoint(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const region = options.region !== undefined ? { region: options.region } : {};
  return {
    cloudFormation: new CloudFormationClient({ ...region }),
    // Virtual-hosted buckets (bucket.host) do not resolve on a loopback endpoint.
    s3: new S3Client({ ...region, forcePathStyle: usesCustomS3Endpoint(options.env) }),
    sts: new STSClient({ ...region }),
  };
}

/** Releases the clients' sockets so the process can exit at once. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.cloudFormation.destroy();
  clients.s3.destroy();
  clients.sts.destroy();
}

/** The region the clients use; the error says how to set one. */
export async function resolveRegion(clients: AwsClients): Promise<string> {
  try {
    return await clients.cloudFormation.config.region();
  } catch (error) {
    throw new UsageError(
      'No AWS region is configured. To fix this, set AWS_REGION, add "region" to harness.config.json, or pass --region.',
      { cause: error },
    );
  }
}
