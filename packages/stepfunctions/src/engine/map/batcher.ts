import { MAX_PAYLOAD_BYTES, STATES_ERRORS } from '../errors/names.js';
import { StateFailure, type Json, type JsonObject } from '../types.js';

/** A distributed Map's `ItemBatcher`, its `…Path` fields already resolved to numbers. */
export interface ItemBatcherConfig {
  readonly MaxItemsPerBatch?: number;
  /** At most 256 KiB, AWS's ceiling for a batch; a larger value is lowered to it. */
  readonly MaxInputBytesPerBatch?: number;
  readonly BatchInput?: JsonObject;
}

/**
 * Groups a distributed Map's items into the inputs of its child executions,
 * `{ BatchInput?, Items: [...] }` each (developer guide, "ItemBatcher (Map)"):
 * items go in order into the current batch until the next one would pass
 * `MaxItemsPerBatch` items or `MaxInputBytesPerBatch` bytes, whichever comes
 * first. A batch's size is the UTF-8 length of the whole child input as JSON,
 * `BatchInput` included, and is never more than 256 KiB (the payload limit)
 * whatever `MaxInputBytesPerBatch` says; with neither limit given, only that
 * ceiling applies.
 *
 * An item that cannot fit in a batch alone fails the Map with
 * `States.DataLimitExceeded` (see {@link batchItemTooLarge}).
 *
 * @example
 * ```ts
 * batchItems([1, 2, 3], { MaxItemsPerBatch: 2, BatchInput: { run: 'r1' } });
 * // [{ BatchInput: { run: 'r1' }, Items: [1, 2] }, { BatchInput: { run: 'r1' }, Items: [3] }]
 * ```
 */
export function batchItems(items: readonly Json[], batcher: ItemBatcherConfig): JsonObject[] {
  const maxItems = positive(batcher.MaxItemsPerBatch, 'MaxItemsPerBatch') ?? Number.POSITIVE_INFINITY;
  const maxBytes = Math.min(positive(batcher.MaxInputBytesPerBatch, 'MaxInputBytesPerBatch') ?? MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES);
  const emptyBatch = (): JsonObject => (batcher.BatchInput === undefined ? { Items: [] } : { BatchInput: batcher.BatchInput, Items: [] });
  // `{…,"Items":[]}`: every item adds its own JSON and, after the first, a comma.
  const baseBytes = byteLength(JSON.stringify(emptyBatch()));

  const batches: JsonObject[] = [];
  let current: Json[] = [];
  let currentBytes = baseBytes;
  const close = (): void => {
    if (current.length === 0) return;
    batches.push({ ...emptyBatch(), Items: current });
    current = [];
    currentBytes = baseBytes;
  };
  items.forEach((item, index) => {
    const itemBytes = byteLength(JSON.stringify(item));
    if (baseBytes + itemBytes > maxBytes) throw batchItemTooLarge(index, baseBytes + itemBytes, maxBytes);
    const added = itemBytes + (current.length > 0 ? 1 : 0);
    if (current.length >= maxItems || currentBytes + added > maxBytes) close();
    currentBytes += itemBytes + (current.length > 0 ? 1 : 0);
    current.push(item);
  });
  close();
  return batches;
}

/**
 * The failure when one item alone makes a batch larger than the byte limit.
 * No AWS recording or document gives this case's error; `States.DataLimitExceeded`
 * is the error Step Functions raises for inputs over a size limit, and the
 * cause says which item and by how much.
 */
export function batchItemTooLarge(index: number, bytes: number, limit: number): StateFailure {
  return new StateFailure(
    STATES_ERRORS.DataLimitExceeded,
    `The item at index ${index} makes a batch of ${bytes} bytes, more than the ${limit} bytes MaxInputBytesPerBatch allows.`,
  );
}

function positive(value: number | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`ItemBatcher.${field} must be a positive integer, got ${value}.`);
  return value;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
