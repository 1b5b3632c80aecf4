import { describeJsonValue, isRecord } from '@harness/core';
import { StepFunctionsConfigError } from './errors.js';

/** One state machine double (no settings yet: the name is what the workflow starts). */
export type StateMachineDoubleConfig = Readonly<Record<string, never>>;

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
      throw new StepFunctionsConfigError(field, `must be an object, not ${describeJsonValue(value)}`, 'write {} (state machine doubles have no settings yet)');
    }
    const [unknown] = Object.keys(value);
    if (unknown !== undefined) {
      throw new StepFunctionsConfigError(`${field}.${unknown}`, 'is not a state machine double setting', 'remove it (state machine doubles have no settings yet)');
    }
    parsed[name] = {};
  }
  return { stateMachines: parsed };
}
