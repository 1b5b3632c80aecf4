export { motoConfig, useStepFunctionsEngine } from '@harness/moto';
