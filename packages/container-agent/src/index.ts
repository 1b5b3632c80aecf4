export { agentArtifactPath, readAgentArtifact, BOOTSTRAP_SCRIPT, bootstrapEntryPoint } from './artifact.js';
export type { AgentArtifact } from './artifact.js';
export { signRequest, encodeRfc3986, EMPTY_PAYLOAD_SHA256, UNSIGNED_PAYLOAD } from './sigv4.js';
export type { AwsCredentials, SignRequestInput, SignedHeaders } from './sigv4.js';
export {
  ContainerAgentError,
  AgentConfigurationError,
  AgentArtifactMissingError,
  AwsRequestError,
  CredentialsError,
} from './errors.js';
