export { agentArtifactPath, readAgentArtifact, BOOTSTRAP_SCRIPT, bootstrapEntryPoint } from './artifact.js';
export type { AgentArtifact } from './artifact.js';
export { warmStartScript } from './warm-start-script.js';
export { LAMBDA_DOUBLE_FILE, lambdaDoublePath, readLambdaArtifact } from './lambda-artifact.js';
export type { LambdaArtifact } from './lambda-artifact.js';
export { LAMBDA_DOUBLE_ERRORS } from './lambda-double.js';
export { crc32, zipSingleFile } from './zip.js';
export { signRequest, encodeRfc3986, EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD } from './sigv4.js';
export type { AwsCredentials, SignRequestInput, SignedHeaders } from './sigv4.js';
export {
  ContainerAgentError,
  AgentConfigurationError,
  AgentArtifactMissingError,
  AwsRequestError,
  CredentialsError,
} from './errors.js';
