export { harnessAdapter, lambdaAdapter } from './adapter.js';
export type { LambdaAdapter } from './adapter.js';
export { FUNCTION_NAME_PATTERN, parseLambdaConfig } from './config.js';
export type { LambdaConfig, LambdaFunctionConfig, LambdaRuntime } from './config.js';
export { DEFAULT_ARN_PARTS, LAMBDA_DEFAULTS, LAMBDA_LIMITS, LAMBDA_RUNTIMES, LAMBDA_SERVICE_RESOURCES, STEP_FUNCTIONS_LIMITS } from './constants.js';
export {
  InvalidLambdaTaskError,
  LambdaCallbackError,
  LambdaConfigError,
  LambdaHandlerResultError,
  LambdaNotSupportedError,
  LambdaTaskFailedError,
  UnknownLambdaFunctionError,
} from './errors.js';
export { functionArn, parseFunctionArn, parseFunctionName } from './function-reference.js';
export type { FunctionReference } from './function-reference.js';
export { createLambdaIntegration, lambdaTaskMode } from './local/integration.js';
export type { LambdaLocalIntegration, LambdaTaskMode } from './local/integration.js';
export type { LambdaEndpoint, LambdaEndpointCredentials, LambdaEndpointOptions } from './local/app-endpoint.js';
export { INVOKE_LIMITS, startLambdaInvokeEndpoint } from './local/invoke-endpoint.js';
export type { LambdaInvokeEndpoint, LambdaInvokeEndpointOptions } from './local/invoke-endpoint.js';
export type { LambdaInvokeOutput } from './local/responses.js';
export { createLambdaMockApi } from './mock.js';
export type {
  FunctionMock,
  LambdaHandler,
  LambdaHandlerContext,
  LambdaInvocation,
  LambdaMockApi,
  RecordedLambdaInvocation,
} from './mock.js';
export { fail, LambdaFunctionError } from './results.js';
export {
  functionArnOutputKey,
  deployedFunctionName,
  functionLogGroupName,
  functionLogicalName,
  LAMBDA_ARTIFACT,
  LAMBDA_DOUBLE_HANDLER,
  LAMBDA_LOG_RETENTION_DAYS,
  LAMBDA_RESOURCES,
  lambdaArtifacts,
  lambdaTemplate,
} from './template.js';
export { errorDocumentOf, functionErrorCause, isFunctionError, isLambdaResultValue } from './wire.js';
export type {
  LambdaErrorDocument,
  LambdaFunctionErrorValue,
  LambdaInvocationPayload,
  LambdaResultValue,
  LambdaSuccessValue,
} from './wire.js';
