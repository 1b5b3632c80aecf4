import type { AslDefinition, AslState } from '../../definition.js';
import type { Json, QueryLanguage } from '../types.js';

/** One state of a definition, as the engine reads it (fields per the ASL specification). */
export type StateSpec = AslState;

/** A state machine, a Parallel branch or a Map's ItemProcessor. */
export type MachineSpec = AslDefinition;

/** The query language a state uses: its own, else the machine's, else JSONPath. */
export function languageOf(state: StateSpec, machineLanguage: QueryLanguage): QueryLanguage {
  const own = state.QueryLanguage;
  return own === 'JSONata' || own === 'JSONPath' ? own : machineLanguage;
}

export function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
