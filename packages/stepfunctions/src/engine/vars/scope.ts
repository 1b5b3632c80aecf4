import { StateFailure, type Json, type VariableReader } from '../types.js';
import { statePrefix } from '../errors/names.js';

/** AWS's limits on workflow variables ("Passing data between states with variables"). */
export const VARIABLE_LIMITS = {
  /** One variable's value, serialised. */
  maxValueBytes: 256 * 1024,
  /** Everything one Assign sets, serialised. */
  maxAssignBytes: 256 * 1024,
  /** All variables of one execution, serialised. */
  maxTotalBytes: 10 * 1024 * 1024,
} as const;

/**
 * The variables of one scope: the execution, or one Parallel branch / Map
 * iteration. Inner scopes read the outer ones and assign only their own
 * (AWS: "a variable in an outer scope can be read, but not assigned, inside a
 * Map or Parallel state"). A distributed Map's children see no outer variables.
 */
export class VariableScope implements VariableReader {
  private readonly values = new Map<string, Json>();

  constructor(private readonly parent?: VariableScope) {}

  /** A scope for a branch or iteration: it reads this one. */
  child(): VariableScope {
    return new VariableScope(this);
  }

  get(name: string): Json | undefined {
    if (this.values.has(name)) return this.values.get(name);
    return this.parent?.get(name);
  }

  all(): Record<string, Json> {
    const outer = this.parent ? this.parent.all() : {};
    for (const [name, value] of this.values) outer[name] = value;
    return outer;
  }

  /**
   * Commits the values one state's Assign computed (all of them read the
   * values from before the state; they land together, after it).
   * Checks AWS's size limits and fails with States.Runtime as AWS does.
   */
  commit(assigned: Readonly<Record<string, Json>>, at: { readonly stateName: string; readonly enteredEventId: number }): void {
    let total = 0;
    for (const [name, value] of Object.entries(assigned)) {
      const size = Buffer.byteLength(JSON.stringify(value) ?? 'null');
      total += size;
      if (size > VARIABLE_LIMITS.maxValueBytes) {
        throw new StateFailure(
          'States.Runtime',
          `${statePrefix(at.stateName, at.enteredEventId)}The variable '${name}' has a size of ${size} bytes, which exceeds the maximum allowed size of ${VARIABLE_LIMITS.maxValueBytes} bytes.`,
        );
      }
    }
    if (total > VARIABLE_LIMITS.maxAssignBytes) {
      throw new StateFailure(
        'States.Runtime',
        `${statePrefix(at.stateName, at.enteredEventId)}The assigned variables have a combined size of ${total} bytes, which exceeds the maximum allowed size of ${VARIABLE_LIMITS.maxAssignBytes} bytes.`,
      );
    }
    for (const [name, value] of Object.entries(assigned)) this.values.set(name, value);
  }
}
