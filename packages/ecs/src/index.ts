export { ecsAdapter, harnessAdapter, knownFamilies } from './adapter.js';
export { parseEcsConfig, ECS_DEFAULTS, FARGATE_SIZES } from './config.js';
export type { EcsConfig, EcsContainerConfig, EcsFamilyConfig } from './config.js';
export { EcsConfigError } from './errors.js';
export { EcsHandlerResultError, UnknownEcsDoubleError } from './mock-errors.js';
export { createEcsMockApi } from './mock.js';
export type { EcsHandler, EcsInvocation, EcsMockApi, KnownFamilies, RecordedEcsInvocation, TaskMock } from './mock.js';
export { exit, sendTaskFailure, sendTaskSuccess } from './results.js';
export type { CallbackOptions, EcsHandlerResult, EcsResult, ExitOptions } from './results.js';
export {
  AGENT_ARTIFACT,
  containerNamesOutputKey,
  ECS_OUTPUTS,
  ecsArtifacts,
  ecsClusterName,
  ecsLogGroupName,
  ecsTemplate,
  taskDefinitionOutputKey,
} from './template.js';
export { runTaskLocally } from './local/task-runner.js';
export type {
  LocalContainerDefinition,
  LocalContainerResult,
  LocalCredentials,
  LocalTaskDefinition,
  LocalTaskOverrides,
  LocalTaskResult,
  RunTaskLocallyOptions,
} from './local/task-runner.js';
export {
  createWarmProcessPool,
  defaultWarmProcesses,
  leaseSharedWarmProcessPool,
  MAX_WARM_PROCESSES,
  WARM_PROCESSES_VARIABLE,
} from './local/warm-pool.js';
export type { WarmProcessPool, WarmProcessPoolOptions, WarmProcessPoolStats } from './local/warm-pool.js';
export { startTaskExecutor } from './local/task-executor.js';
export type { TaskExecutor, TaskExecutorOptions } from './local/task-executor.js';
export { ecsLocalIntegration } from './local/integration.js';
export type { EcsLocalIntegration, EcsLocalIntegrationOptions } from './local/integration.js';
export type { EcsEndpoint, EcsEndpointCredentials, EcsEndpointOptions } from './local/app-endpoint.js';
export { LOCAL_AWS_NAMES, startLocalAwsEndpoint } from './local/aws-endpoint.js';
export type {
  LocalAwsEndpoint,
  LocalAwsEndpointOptions,
  LocalAwsNames,
  LocalTaskLauncher,
  LocalTaskRegistration,
  RegisteredTaskToken,
} from './local/aws-endpoint.js';
export { EcsLocalIntegrationError } from './local/errors.js';
export { MAX_OVERRIDES_CHARACTERS } from './local/run-task-request.js';
export { STEP_FUNCTIONS_STARTED_BY } from './local/task-shapes.js';
