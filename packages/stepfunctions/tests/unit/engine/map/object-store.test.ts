import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareUtf8, isBucketAware, MemoryObjectStore } from '../../../../src/engine/map/object-store.js';

const T0 = Date.UTC(2024, 4, 17, 9, 30, 15, 789);

describe('Class: MemoryObjectStore', () => {
  describe('Method: getObject', () => {
    it('returns what was put, and undefined for a missing key or bucket', async () => {
      // Arrange
      const store = new MemoryObjectStore();
      await store.putObject('data', 'a.json', '[1]');

      // Act / Assert
      expect(await store.getObject('data', 'a.json')).toBe('[1]');
      expect(await store.getObject('data', 'b.json')).toBeUndefined();
      expect(await store.getObject('other', 'a.json')).toBeUndefined();
    });

    it('replaces an object put twice under one key', async () => {
      const store = new MemoryObjectStore();
      await store.putObject('data', 'k', 'first');
      await store.putObject('data', 'k', 'second');

      expect(await store.getObject('data', 'k')).toBe('second');
      expect(await store.listObjects('data')).toHaveLength(1);
    });
  });

  describe('Method: listObjects', () => {
    it('describes each object as ListObjectsV2 does: UTF-8 size, quoted MD5 ETag, LastModified to the second, STANDARD', async () => {
      // Arrange
      const store = new MemoryObjectStore({ now: () => T0 });
      const body = 'héllo wörld';

      // Act
      await store.putObject('data', 'greeting.txt', body);
      const [summary] = await store.listObjects('data');

      // Assert — ETag: S3 gives the MD5 hex of a single-part upload's bytes, in double quotes.
      expect(summary).toEqual({
        Key: 'greeting.txt',
        Size: 13,
        ETag: `"${createHash('md5').update(body, 'utf8').digest('hex')}"`,
        LastModified: '2024-05-17T09:30:15.000Z',
        StorageClass: 'STANDARD',
      });
    });

    it('lists only keys under the prefix', async () => {
      const store = new MemoryObjectStore();
      for (const key of ['logs/a', 'logs/b', 'logsheet', 'data/c']) await store.putObject('b', key, key);

      expect((await store.listObjects('b', 'logs/')).map((summary) => summary.Key)).toEqual(['logs/a', 'logs/b']);
    });

    it('orders keys by UTF-8 bytes, not by UTF-16 code units', async () => {
      // Arrange — U+FF5E (EF BD 9E in UTF-8) sorts before U+1F600 (F0 9F 98 80) in UTF-8,
      // but after it in UTF-16 (FF5E > D83D).
      const store = new MemoryObjectStore();
      const keys = ['\u{1F600}', '\uFF5E', 'b', 'B', 'a/1', 'a'];
      for (const key of keys) await store.putObject('b', key, '');

      // Act
      const listed = (await store.listObjects('b')).map((summary) => summary.Key);

      // Assert
      expect(listed).toEqual(['B', 'a', 'a/1', 'b', '\uFF5E', '\u{1F600}']);
      expect([...keys].sort()).not.toEqual(listed);
    });

    it('lists a missing bucket as empty and says it does not exist', async () => {
      const store = new MemoryObjectStore();

      expect(await store.listObjects('nothing')).toEqual([]);
      expect(await store.bucketExists('nothing')).toBe(false);
      store.createBucket('empty');
      expect(await store.bucketExists('empty')).toBe(true);
      expect(await store.listObjects('empty')).toEqual([]);
    });

    it('counts a gzip body held as latin1 by its bytes', async () => {
      // Arrange
      const zipped = gzipSync(Buffer.from('a,b\n'));
      const store = new MemoryObjectStore();

      // Act
      await store.putObject('b', 'f.csv.gz', zipped.toString('latin1'));

      // Assert
      const [summary] = await store.listObjects('b');
      expect(summary?.Size).toBe(zipped.length);
      expect(summary?.ETag).toBe(`"${createHash('md5').update(zipped).digest('hex')}"`);
    });
  });

  describe('Method: deleteObject', () => {
    it('removes the object and ignores a missing one', async () => {
      const store = new MemoryObjectStore();
      await store.putObject('b', 'k', 'x');

      await store.deleteObject('b', 'k');
      await store.deleteObject('b', 'never');

      expect(await store.getObject('b', 'k')).toBeUndefined();
    });
  });
});

describe('Function: isBucketAware', () => {
  it('recognises a store that can tell a missing bucket', () => {
    expect(isBucketAware(new MemoryObjectStore())).toBe(true);
    expect(isBucketAware({ getObject: async () => undefined, putObject: async () => {}, listObjects: async () => [] })).toBe(false);
  });
});

describe('Function: compareUtf8', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['same', 'same', 0],
    ['\uFF5E', '\u{1F600}', -1],
  ])('compares %j with %j as %i', (left, right, sign) => {
    expect(Math.sign(compareUtf8(left, right))).toBe(sign);
  });
});
