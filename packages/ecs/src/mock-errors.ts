import { HarnessError } from '@harness/core';

/** A handler returned something that is not an ECS result. */
export class EcsHandlerResultError extends HarnessError {}

/** A mock names a family or container the ECS doubles do not have. */
export class UnknownEcsDoubleError extends HarnessError {}
