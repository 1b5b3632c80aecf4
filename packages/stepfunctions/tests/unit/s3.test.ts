import { describe, expect, it } from 'vitest';
import { readItems } from '../../src/engine/map/item-reader.js';
import { localS3Objects } from '../../src/s3.js';

const here = { stateName: 'Fan', enteredEventId: 2 };

describe('Function: localS3Objects', () => {
  it('keeps a UTF-8 Buffer as the same text, with S3\'s size in bytes', async () => {
    // Arrange
    const s3 = localS3Objects();

    // Act
    await s3.putObject('data', 'people.csv', Buffer.from('name\nJosé\n', 'utf8'));

    // Assert: the CSV reader sees José, not its UTF-8 bytes as latin1 characters.
    expect(await s3.getObject('data', 'people.csv')).toBe('name\nJosé\n');
    expect((await s3.listObjects('data'))[0]?.Size).toBe(11);
    const items = await readItems(
      { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'data', Key: 'people.csv' }, ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' } },
      s3.store,
      here,
    );
    expect(items).toEqual([{ name: 'José' }]);
  });

  it('gives bytes that are not UTF-8 their own size and MD5 ETag', async () => {
    // Arrange
    const s3 = localS3Objects();
    const bytes = Uint8Array.from([0xff, 0x00, 0xfe]);

    // Act
    await s3.putObject('data', 'blob.bin', bytes);

    // Assert
    const [listed] = await s3.listObjects('data');
    expect(listed?.Size).toBe(3);
    expect(listed?.ETag).toBe('"13a18f27d9e54107c1d22c7d67f55018"'); // md5 of ff 00 fe
    expect(Buffer.from((await s3.getObject('data', 'blob.bin')) ?? '', 'latin1')).toEqual(Buffer.from(bytes));
  });
});
