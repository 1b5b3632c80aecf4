import { describeJsonValue, isRecord } from '@harness/core';
import { StepFunctionsConfigError } from './errors.js';

/** One state machine double; its name (the key) is what the workflow starts. */
export interface StateMachineDoubleConfig {
  /**
   * How long the deployed double waits for the test session's answer before
   * it fails with `Harness.Timeout` (aws target). Default: 300.
   */
  readonly timeoutSeconds?: number;
}

const DOUBLE_FIELDS = ['timeoutSeconds'] as const;
/** Longest a double may wait: a STANDARD execution may run a year, but an answer never takes more than a day. */
const MAX_TIMEOUT_SECONDS = 86_400;

/** The Step Functions adapter's validated configuration (`adapters.stepfunctions` in harness.config.json). */
export interface StepFunctionsConfig {
  /** State machine doubles by name, as the workflows under test start them. */
  readonly stateMachines: Readonly<Record<string, StateMachineDoubleConfig>>;
}

const ROOT = 'adapters.stepfunctions';
const CONFIG_FIELDS = ['stateMachines'] as const;
/** Step Functions state machine names: 1-80 letters, digits, hyphens and underscores. */
export const STATE_MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Validates the Step Functions adapter's raw configuration. Errors name the
 * field (`adapters.stepfunctions.stateMachines.Child`) and the fix.
 *
 * @example
 * parseStepFunctionsConfig({ stateMachines: { NotifyCustomer: {} } }).stateMachines; // { NotifyCustomer: {} }
 * parseStepFunctionsConfig(undefined).stateMachines; // {}
 */
export function parseStepFunctionsConfig(raw: unknown): StepFunctionsConfig {
  if (raw === undefined || raw === null) return { stateMachines: {} };
  if (!isRecord(raw)) {
    throw new StepFunctionsConfigError(ROOT, `must be an object, not ${describeJsonValue(raw)}`, 'write {"stateMachines": {"NotifyCustomer": {}}}');
  }
  for (const key of Object.keys(raw)) {
    if (!(CONFIG_FIELDS as readonly string[]).includes(key)) {
      throw new StepFunctionsConfigError(`${ROOT}.${key}`, 'is not a Step Functions adapter setting', `remove it, or use one of ${CONFIG_FIELDS.join(', ')}`);
    }
  }
  const { stateMachines } = raw;
  if (stateMachines === undefined) return { stateMachines: {} };
  if (!isRecord(stateMachines)) {
    throw new StepFunctionsConfigError(
      `${ROOT}.stateMachines`,
      `must be an object keyed by state machine name, not ${describeJsonValue(stateMachines)}`,
      'write {"stateMachines": {"NotifyCustomer": {}}}',
    );
  }
  const parsed: Record<string, StateMachineDoubleConfig> = {};
  for (const [name, value] of Object.entries(stateMachines)) {
    const field = `${ROOT}.stateMachines.${name}`;
    if (!STATE_MACHINE_NAME.test(name)) {
      throw new StepFunctionsConfigError(field, 'is not a valid state machine name', 'use 1-80 letters, digits, hyphens and underscores, exactly as the workflow names the state machine');
    }
    if (!isRecord(value)) {
      throw new StepFunctionsConfigError(field, `must be an object, not ${describeJsonValue(value)}`, 'write {} or {"timeoutSeconds": 300}');
    }
    for (const key of Object.keys(value)) {
      if (!(DOUBLE_FIELDS as readonly string[]).includes(key)) {
        throw new StepFunctionsConfigError(`${field}.${key}`, 'is not a state machine double setting', `remove it, or use one of ${DOUBLE_FIELDS.join(', ')}`);
      }
    }
    const { timeoutSeconds } = value;
    if (timeoutSeconds !== undefined && (typeof timeoutSeconds !== 'number' || !Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS)) {
      throw new StepFunctionsConfigError(
        `${field}.timeoutSeconds`,
        `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not ${describeJsonValue(timeoutSeconds)}`,
        'write e.g. {"timeoutSeconds": 300}',
      );
    }
    parsed[name] = timeoutSeconds === undefined ? {} : { timeoutSeconds };
  }
  return { stateMachines: parsed };
}
