export { installMoto, findMotoInstallation, MotoInstallError } from './install.js';
export type { InstallMotoOptions, MotoInstallation } from './install.js';
export { freePort, motoEnvironment, MotoStartError, startMotoServer } from './server.js';
export type { MotoServer, StartMotoServerOptions } from './server.js';
export { createTaskNetwork, motoConfig, resetMoto, useStepFunctionsEngine } from './account.js';
export type { TaskNetwork } from './account.js';
export { startMotoTarget } from './target.js';
export type { MotoTarget, StartMotoTargetOptions } from './target.js';
export { LAUNCHER, motoHome, PYTHON_DIR, REQUIREMENTS } from './paths.js';
