export { buildCli, runCli } from './cli.js';
export { processRuntime } from './runtime.js';
export type { CliRuntime } from './runtime.js';
export {
  ConfirmationRequiredError,
  StackOperationError,
  StackWaitTimeoutError,
  UsageError,
} from './errors.js';
export {
  DEFAULT_TIMEOUT_MS,
  parseAdapterList,
  parseDuration,
  withAdaptersOption,
  withGlobalOptions,
  withJsonOption,
  withTimeoutOption,
} from './options.js';
export type { AdaptersArgs, GlobalArgs, JsonArgs, TimeoutArgs } from './options.js';
export { withDeployOptions } from './commands/deploy/command-object.js';
export type { DeployArgs } from './commands/deploy/command-object.js';
export { withDestroyOptions } from './commands/destroy/command-object.js';
export type { DestroyArgs } from './commands/destroy/command-object.js';
export { withDoctorOptions } from './commands/doctor/command-object.js';
export type { DoctorArgs } from './commands/doctor/command-object.js';
export { withOutputsOptions } from './commands/outputs/command-object.js';
export type { OutputsArgs } from './commands/outputs/command-object.js';
export { withSynthOptions } from './commands/synth/command-object.js';
export type { SynthArgs } from './commands/synth/command-object.js';
export { withNewAdapterOptions } from './commands/new/command-object.js';
export type { NewAdapterArgs } from './commands/new/command-object.js';
export { deleteWorkflow, deployDoubles, deployWorkflow, destroyDoubles, ForeignWorkflowStackError, HarnessCommandError } from './api.js';
export type { CliCallOptions, DeployDoublesOptions, DeployedDoubles, DeployedWorkflow, DeployWorkflowOptions } from './api.js';
