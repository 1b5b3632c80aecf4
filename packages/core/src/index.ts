export { createHarness } from './harness.js';
export type { CreateHarnessOptions, Harness, HarnessBase, HarnessConfigInput, HarnessTarget } from './harness.js';
export {
  AdapterNotFoundError,
  AlreadyMockedError,
  ConfigError,
  HandlersStillRunningError,
  HarnessError,
  InvalidAdapterModuleError,
  InvalidHandlerError,
  ResultNotSerializableError,
  ResultTooLargeError,
  RouteBusyError,
  SessionClosedError,
  StackNotReadyError,
  StackOutputError,
  StatesError,
  UnknownAdapterError,
  WaitTimeoutError,
} from './errors.js';
export { checkCallbackOutput, checkHandler, checkResultValue, findNotJson, RESULT_LIMITS } from './result-limits.js';
export { InvocationLog } from './invocation-log.js';
export type { WaitForInvocationOptions } from './invocation-log.js';
export { AdapterRegistry } from './registry.js';
export type { LoadAdapterOptions, ModuleImporter } from './registry.js';
export { ADAPTER_EXPORT, adapterFromModule, adapterModuleKind, isAdapter, resolveAdapterModule } from './adapter-module.js';
export type { AdapterModuleKind, ResolveAdapterModuleOptions, ResolvedAdapterModule } from './adapter-module.js';
export {
  adapterStackName,
  checkStackOutputs,
  CORE_OUTPUTS,
  coreStackName,
  sessionQueuePrefix,
  USABLE_STACK_STATUSES,
  validateStackName,
} from './stacks.js';
export { AwsTransport } from './transport/aws-transport.js';
export { LocalTransport } from './transport/local-transport.js';
export type { AwsTransportOptions } from './transport/aws-transport.js';
export type { Dispatch, DroppedMessage, SessionTransport } from './transport/transport.js';
export {
  AGENT_EXIT_CODES,
  doubleId,
  HARNESS_ENV,
  PROTOCOL_VERSION,
  routeExpiryIso,
  TABLE_KEYS,
} from './protocol.js';
export type {
  EcsContainerOverride,
  EcsInvocationPayload,
  EcsResultValue,
  InvocationMessage,
  InvocationResult,
  TaskCallback,
  WireError,
} from './protocol.js';
export type {
  AdapterApis,
  AdapterSession,
  AnyAdapter,
  Artifact,
  CloudFormationOutput,
  CloudFormationParameter,
  CloudFormationResource,
  CloudFormationTemplate,
  CoreResources,
  InvocationHandler,
  TemplateContext,
  TestDoubleAdapter,
} from './types/adapter.js';
export { ADAPTER_PACKAGE_FIELD, adapterConfig, adapterPackage, DEFAULT_CONFIG_FILE, loadConfig, parseHarnessConfig } from './config.js';
export type { HarnessConfig } from './config.js';
export { ConfigFileNotFoundError, InvalidConfigError } from './errors-config.js';
export { CORE_RESOURCES, coreTemplate } from './template.js';
export { describeJsonValue, isRecord } from './validation.js';
export type {
  LocalIntegrationContext,
  LocalServiceIntegration,
  LocalTaskInvocation,
  TaskCallbacks,
} from './types/local.js';
export { InvalidAnswerError, RecordingMock, runAnswer } from './recording-mock.js';
export { checkFailure, FAILURE_LIMITS, InvalidFailureError } from './failure-limits.js';
export type { AdapterSessionMocks, AnyHandler, CallAnswer, MockAnswer, Mutable, ResettableMock, TakenAnswer } from './recording-mock.js';
export { untilAborted } from './abort.js';
export {
  accountArn,
  arnOutput,
  getAttArn,
  IAM_POLICY_VERSION,
  inlinePolicy,
  logGroupResource,
  logStreamsArn,
  policyDocument,
  readTablesStatement,
  refOutput,
  roleResource,
  sendToSessionQueuesStatement,
  serviceRoleTrust,
  taskCallbackStatement,
  writeLogsStatement,
} from './template-pieces.js';
export type { IamInlinePolicy, IamPolicyDocument, IamStatement } from './template-pieces.js';
export { describeLocalEndpoint, endpointIntegration, localEndpointRegion } from './local-endpoint.js';
export type { EndpointIntegrationLookup, LocalEndpoint, LocalEndpointCredentials, LocalEndpointOptions } from './local-endpoint.js';
export { listenOnLoopback, readRequestBody, signedRegion } from './loopback-http.js';
