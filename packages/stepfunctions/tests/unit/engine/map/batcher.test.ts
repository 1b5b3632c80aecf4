import { describe, expect, it } from 'vitest';
import { batchItems } from '../../../../src/engine/map/batcher.js';
import { StateFailure, type Json } from '../../../../src/engine/types.js';

const bytes = (value: Json): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

// Batch shape and limits: developer guide, "ItemBatcher (Map)".

describe('Function: batchItems', () => {
  it('groups items by MaxItemsPerBatch, in order, the last batch holding the rest', () => {
    // Act
    const batches = batchItems([1, 2, 3, 4, 5], { MaxItemsPerBatch: 2 });

    // Assert
    expect(batches).toEqual([{ Items: [1, 2] }, { Items: [3, 4] }, { Items: [5] }]);
  });

  it('puts BatchInput first in every batch', () => {
    const batches = batchItems(['a', 'b', 'c'], { MaxItemsPerBatch: 2, BatchInput: { run: 7 } });

    expect(batches).toEqual([
      { BatchInput: { run: 7 }, Items: ['a', 'b'] },
      { BatchInput: { run: 7 }, Items: ['c'] },
    ]);
    expect(Object.keys(batches[0] ?? {})).toEqual(['BatchInput', 'Items']);
  });

  it('gives no batch for no items', () => {
    expect(batchItems([], { MaxItemsPerBatch: 3 })).toEqual([]);
  });

  it('closes a batch before it would pass MaxInputBytesPerBatch, counting the whole child input as JSON', () => {
    // Arrange — {"Items":["xxxxxxxxxx","xxxxxxxxxx"]} is 37 bytes; a third item would make 50.
    const item = 'x'.repeat(10);
    const limit = bytes({ Items: [item, item] });

    // Act
    const batches = batchItems([item, item, item, item, item], { MaxInputBytesPerBatch: limit });

    // Assert
    expect(batches.map((batch) => (batch.Items as Json[]).length)).toEqual([2, 2, 1]);
    for (const batch of batches) expect(bytes(batch)).toBeLessThanOrEqual(limit);
  });

  it('counts BatchInput and multi-byte characters toward the byte limit', () => {
    // Arrange — "é" is two bytes in UTF-8.
    const batchInput = { tag: 'ééé' };
    const limit = bytes({ BatchInput: batchInput, Items: ['é', 'é'] });

    // Act
    const batches = batchItems(['é', 'é', 'é'], { MaxInputBytesPerBatch: limit, BatchInput: batchInput });

    // Assert
    expect(batches.map((batch) => batch.Items)).toEqual([['é', 'é'], ['é']]);
  });

  it('applies whichever limit comes first when both are given', () => {
    const items = ['aaaa', 'b', 'c', 'd'];
    const limit = bytes({ Items: ['aaaa', 'b'] });

    const batches = batchItems(items, { MaxItemsPerBatch: 3, MaxInputBytesPerBatch: limit });

    expect(batches.map((batch) => batch.Items)).toEqual([['aaaa', 'b'], ['c', 'd']]);
  });

  it('never makes a batch over 256 KiB, even without a byte limit or with a larger one', () => {
    // Arrange — three items of 100,000 bytes: two would make a 200,000+ byte batch, three would pass 262,144.
    const item = 'y'.repeat(100_000);

    // Act
    const unbounded = batchItems([item, item, item], { MaxItemsPerBatch: 10 });
    const oversized = batchItems([item, item, item], { MaxInputBytesPerBatch: 10_000_000 });

    // Assert
    expect(unbounded.map((batch) => (batch.Items as Json[]).length)).toEqual([2, 1]);
    expect(oversized.map((batch) => (batch.Items as Json[]).length)).toEqual([2, 1]);
  });

  it('fails an item too large for a batch on its own, naming it', () => {
    // Arrange
    const small = 'ok';
    const big = 'z'.repeat(100);

    // Act
    let failure: unknown;
    try {
      batchItems([small, big], { MaxInputBytesPerBatch: 50 });
    } catch (error) {
      failure = error;
    }

    // Assert
    expect(failure).toBeInstanceOf(StateFailure);
    expect(failure).toMatchObject({ error: 'States.DataLimitExceeded' });
    expect((failure as StateFailure).failureCause).toMatch(/^The item at index 1 makes a batch of 114 bytes, more than the 50 bytes MaxInputBytesPerBatch allows\.$/);
  });

  it.each([0, -1, 1.5])('refuses a MaxItemsPerBatch of %d (the caller resolves and checks paths)', (value) => {
    expect(() => batchItems([1], { MaxItemsPerBatch: value })).toThrowError(RangeError);
  });
});
