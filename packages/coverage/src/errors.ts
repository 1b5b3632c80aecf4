import { HarnessError } from '@harness/core';

/** A coverage report could not be made. */
export class CoverageError extends HarnessError {}

/** The recorded runs could not be read. */
export class CoverageInputError extends CoverageError {}
