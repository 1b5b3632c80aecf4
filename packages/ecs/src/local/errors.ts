import { HarnessError } from '@harness/core';

/** The ECS local integration was used in a way it cannot serve (after `dispose()`, without a task token…). */
export class EcsLocalIntegrationError extends HarnessError {}
