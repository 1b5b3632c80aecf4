export { harnessAdapter, stepFunctionsAdapter } from './adapter.js';
export { createStepFunctionsApi, failExecution } from './api.js';
export type {
  AwsExecuteOptions,
  ExecuteOptions,
  RecordedServiceInvocation,
  RecordedStateMachineInvocation,
  RegisterDefinitionOptions,
  RunOptions,
  ServiceHandler,
  ServiceMock,
  ServiceTask,
  StateMachineHandler,
  StateMachineInvocation,
  StateMachineMock,
  StepFunctionsApi,
} from './api.js';
export { sendTaskCallbackOnAws, TaskCallbackError } from './aws-callbacks.js';
export type { TaskCallback } from './aws-callbacks.js';
export {
  executeOnAws,
  ExecutionInputTooLargeError,
  ExecutionWaitTimeoutError,
  resolveStateMachineArn,
  StateMachineNotFoundError,
} from './aws-driver.js';
export type { ExecuteOnAwsOptions } from './aws-driver.js';
export { parseStepFunctionsConfig } from './config.js';
export type { StateMachineDoubleConfig, StepFunctionsConfig } from './config.js';
export { loadDefinition, validateDefinition } from './definition.js';
export {
  DEFAULT_DOUBLE_TIMEOUT_SECONDS,
  DOUBLE_ERRORS,
  PARENT_EXECUTION_INPUT_FIELD,
  stateMachineDoubleDefinition,
  TASK_TOKEN_INPUT_FIELD,
} from './double-definition.js';
export type { StateMachineDoubleDefinitionOptions } from './double-definition.js';
export type { AslDefinition, AslState, DefinitionSource, LoadDefinitionOptions, StateMachineTemplate } from './definition.js';
export {
  CallbackNeverSentError,
  DefinitionSourceError,
  IntegrationError,
  InvalidDefinitionError,
  LocalTargetOnlyError,
  StateMachineMockError,
  StepFunctionsConfigError,
  StepFunctionsError,
  TaskTokenError,
  UnknownStateMachineError,
  UnroutedTaskError,
} from './errors.js';
export type { DefinitionProblem } from './errors.js';
export { createStepFunctionsIntegration, describeExecution } from './integration.js';
export type { StepFunctionsLocalIntegration } from './integration.js';
export type { StepFunctionsEndpoint, StepFunctionsEndpointCredentials, StepFunctionsEndpointOptions } from './app-endpoint.js';
export { START_EXECUTION_LIMITS, startStepFunctionsApiEndpoint } from './sfn-endpoint.js';
export type { StepFunctionsApiEndpoint, StepFunctionsApiEndpointOptions } from './sfn-endpoint.js';
export { attachDefinition, DEFAULT_CALLBACK_TIMEOUT_MS, runLocalExecution } from './local-runner.js';
export type { Execution, ExecutionStatus, HistoryEvent, HistoryEventType, RunLocalExecutionOptions } from './local-runner.js';
export { runExecution, StateFailure } from './engine/index.js';
export type { Clock, EngineTask, ExecutionOutcome, Json, ObjectStore, RunExecutionOptions, StoredObjectSummary, TaskInvoker } from './engine/index.js';
export { createRealClock, createVirtualClock, retryDelayMs, seededRandom } from './engine/clock/index.js';
export type { RetryTiming, VirtualClock, VirtualClockOptions } from './engine/clock/index.js';
export { MemoryObjectStore } from './engine/map/object-store.js';
export { errorOf, eventDetails, stateInput, stateNameOf, statesEntered } from './engine/history/read.js';
export { awsS3Objects, localS3Objects } from './s3.js';
export type { S3ObjectsApi } from './s3.js';
export { sendTaskFailure, sendTaskHeartbeat, sendTaskSuccess } from './task-tokens.js';
export { STEP_FUNCTIONS_RESOURCES, stateMachineArnOutputKey, stateMachineLogicalId, stepFunctionsTemplate } from './template.js';
export type { StartExecutionPattern, StateMachineInvocationPayload, StateMachineResultValue } from './wire.js';
export {
  COVERAGE_DIR_ENV,
  coverageDirectory,
  coverageHits,
  coverageItems,
  definitionHash,
  describePath,
  describeRule,
  describeRunPicture,
  MARK_COLOURS,
  mermaidId,
  RECORDED_RUN_FORMAT,
  recordRun,
  renderMermaid,
  renderSvg,
  ROOT_SCOPE,
  traceRun,
  workflowGraph,
  writeRunPicture,
} from './graph/index.js';
export type {
  CoverageHit,
  CoverageItem,
  CoverageItemKind,
  FailingState,
  GraphEdge,
  GraphEdgeKind,
  GraphMark,
  GraphMarks,
  GraphRetry,
  GraphScope,
  GraphState,
  RecordedRun,
  RunForPicture,
  RunPicture,
  RunTrace,
  StateVisit,
  TraceFailure,
  WorkflowGraph,
} from './graph/index.js';
