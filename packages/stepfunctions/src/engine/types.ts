/**
 * Types shared by the engine's modules. The engine runs Amazon States
 * Language as Step Functions does; each folder follows one part of the
 * language (see README.md beside this file).
 */

/** A JSON value, as ASL reads and writes them. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** `QueryLanguage` at the machine or a state. */
export type QueryLanguage = 'JSONPath' | 'JSONata';

/**
 * A state failure as Step Functions reports it: the error name a `Catch` or
 * `Retry` matches, and the cause text. Thrown inside the engine; an
 * integration throws `StatesError` from `@harness/core`, which the engine
 * reads the same way.
 */
export class StateFailure extends Error {
  constructor(
    readonly error: string | undefined,
    readonly failureCause?: string,
  ) {
    super(failureCause === undefined ? (error ?? 'null') : `${error ?? 'null'}: ${failureCause}`);
    this.name = 'StateFailure';
  }
}

/** The variables one state can read: its own scope, then the enclosing ones (Map iterations and Parallel branches read outer variables). */
export interface VariableReader {
  /** The value of `$name`, or `undefined` when no scope has it. */
  get(name: string): Json | undefined;
  /** Every visible variable, inner scopes winning (for JSONata bindings). */
  all(): Record<string, Json>;
}

/** What an expression can see besides the state's input. */
export interface EvaluationScope {
  /** `$$` in JSONPath, `$states.context` in JSONata. */
  readonly context: JsonObject;
  readonly variables: VariableReader;
}

/**
 * Where an evaluation failure happened, for AWS's cause text: `An error
 * occurred while executing the state '<state>' (entered at the event id #<n>). …`
 */
export interface StateLocation {
  readonly stateName: string;
  readonly enteredEventId: number;
}

/** The S3 objects a distributed Map reads (ItemReader) and writes (ResultWriter). */
export interface ObjectStore {
  /** The object's body, or `undefined` when the bucket has no such key. */
  getObject(bucket: string, key: string): Promise<string | undefined>;
  putObject(bucket: string, key: string, body: string): Promise<void>;
  /** Keys (with size, ETag, LastModified, StorageClass) under a prefix, in UTF-8 binary order, as ListObjectsV2 lists them. */
  listObjects(bucket: string, prefix?: string): Promise<readonly StoredObjectSummary[]>;
}

export interface StoredObjectSummary {
  readonly Key: string;
  readonly Size: number;
  readonly ETag: string;
  /** ISO-8601. */
  readonly LastModified: string;
  readonly StorageClass: string;
}
