export {
  findRepoRoot,
  motoEnvironment,
  resetMoto,
  startMotoServer,
} from './moto-server.js';
export type { MotoServer, StartMotoServerOptions } from './moto-server.js';
export { uniqueName } from './names.js';
export { createTaskNetwork } from './moto-network.js';
export type { TaskNetwork } from './moto-network.js';
export { deployWithCli, runCli, runCliOrFail } from './cli.js';
export { motoConfig, useStepFunctionsEngine } from './moto-config.js';
export { stackOutputs } from './stack-outputs.js';
export type { CliRun } from './cli.js';
