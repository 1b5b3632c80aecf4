export { createTaskNetwork } from '@harness/moto';
export type { TaskNetwork } from '@harness/moto';
