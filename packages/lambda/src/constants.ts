/** Defaults of a Lambda function double's configuration. */
export const LAMBDA_DEFAULTS = {
  runtime: 'nodejs22.x',
  timeoutSeconds: 30,
  memoryMb: 256,
} as const;

/**
 * The runtimes a Lambda double may use. The double runs harness code (written
 * in Node.js, whatever language the real function is in), which needs Node.js 20 or later.
 */
export const LAMBDA_RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;

/** Lambda's own bounds on a function's timeout (seconds) and memory (MB). */
export const LAMBDA_LIMITS = {
  minTimeoutSeconds: 1,
  maxTimeoutSeconds: 900,
  minMemoryMb: 128,
  maxMemoryMb: 10_240,
  /** A function name: 1-64 letters, digits, hyphens and underscores. */
  maxFunctionNameLength: 64,
} as const;

/**
 * Step Functions' limits that the Lambda integration enforces
 * (https://docs.aws.amazon.com/step-functions/latest/dg/limits-overview.html).
 */
export const STEP_FUNCTIONS_LIMITS = {
  /** Largest task result, state input or output: 256 KiB of UTF-8 JSON. */
  maxPayloadBytes: 262_144,
  /** `SendTaskFailure`'s `error`, in characters. */
  maxCallbackErrorLength: 256,
  /** `SendTaskFailure`'s `cause`, in characters. */
  maxCallbackCauseLength: 32_768,
} as const;

/** The `Resource` suffixes of the Step Functions → Lambda service integration (`arn:aws:states:::lambda:…`). */
export const LAMBDA_SERVICE_RESOURCES = {
  invoke: 'lambda:invoke',
  waitForTaskToken: 'lambda:invoke.waitForTaskToken',
} as const;

/** The partition, region and account a resolved function ARN falls back to when nothing names them. */
export const DEFAULT_ARN_PARTS = {
  partition: 'aws',
  region: 'us-east-1',
  account: '123456789012',
} as const;
