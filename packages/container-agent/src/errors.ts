// Names are class fields, not constructor code: the bootstrap bundles these
// classes into every task definition, where each byte counts.

/** Base class of every error the container agent package throws. */
export class ContainerAgentError extends Error {
  override name = 'ContainerAgentError';
}

/** The agent's environment is incomplete or wrong (a missing `HARNESS_*` variable, no region…). */
export class AgentConfigurationError extends ContainerAgentError {
  override name = 'AgentConfigurationError';
  /** The environment variable at fault. (Declared, set in the constructor: a field would cost the bootstrap bytes.) */
  declare readonly variable: string;

  constructor(variable: string, message: string, options?: ErrorOptions) {
    super(message, options);
    (this as { variable: string }).variable = variable;
  }
}

/** No AWS credentials could be obtained. Never carries the credentials or the authorization token. */
export class CredentialsError extends ContainerAgentError {
  override name = 'CredentialsError';
}

/** What identifies a failed AWS call. */
export interface AwsRequestErrorDetails {
  /** `dynamodb`, `sqs`, `s3`, `sfn`, `ecs`. */
  readonly service: string;
  /** `GetItem`, `SendMessage`, `GetObject`… */
  readonly operation: string;
  /** HTTP status of the answer; 0 when there was none. */
  readonly status: number;
  /** AWS error code (`ResourceNotFoundException`, `NoSuchKey`…), when the service gave one. */
  readonly errorType?: string;
  /** The service's own message, when it gave one. */
  readonly awsMessage?: string;
}

/** An AWS call failed: the service refused it, or it could not be reached. Carries no credentials or signature. */
export class AwsRequestError extends ContainerAgentError implements AwsRequestErrorDetails {
  declare readonly service: string;
  declare readonly operation: string;
  declare readonly status: number;
  declare readonly errorType?: string;
  declare readonly awsMessage?: string;

  override name = 'AwsRequestError';

  constructor(details: AwsRequestErrorDetails, message: string, options?: ErrorOptions) {
    super(message, options);
    Object.assign(this, details);
  }
}

/** The built agent (`dist/agent.cjs`) is not where the package expects it. */
export class AgentArtifactMissingError extends ContainerAgentError {
  override name = 'AgentArtifactMissingError';
  readonly path: string;

  constructor(path: string, options?: ErrorOptions) {
    super(
      `The container agent artifact is missing at ${path}. To fix this, build @harness/container-agent (\`npx nx run container-agent:build\`, or \`npx tsup\` in packages/container-agent).`,
      options,
    );
    this.path = path;
  }
}
