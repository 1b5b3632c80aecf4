/**
 * The AWS SDK clients the aws target uses, imported on first use: a harness
 * on the local target (the default) never pays their import (about 200 ms).
 */
export interface AwsSdk {
  readonly dynamodb: typeof import('@aws-sdk/client-dynamodb');
  readonly sqs: typeof import('@aws-sdk/client-sqs');
  readonly cloudformation: typeof import('@aws-sdk/client-cloudformation');
}

let loading: Promise<AwsSdk> | undefined;

/** The SDK modules, imported once per process. */
export function loadAwsSdk(): Promise<AwsSdk> {
  loading ??= Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/client-sqs'), import('@aws-sdk/client-cloudformation')]).then(
    ([dynamodb, sqs, cloudformation]) => ({ dynamodb, sqs, cloudformation }),
  );
  return loading;
}

/** DynamoDB's ConditionalCheckFailedException, recognised by name (the class lives in the lazily imported SDK). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'ConditionalCheckFailedException';
}
