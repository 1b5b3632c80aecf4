/**
 * A deterministic ZIP archive of one file, with Node built-ins only: what
 * Lambda accepts as a function's code. Deterministic (fixed timestamp and
 * attributes, no extra fields), so the same file gives the same bytes and
 * the same content-addressed S3 key on every deploy from the same Node version.
 */
import * as zlib from 'node:zlib';

// 1980-01-01 00:00:00, the earliest MS-DOS date: no build time leaks into the archive.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED; // 3: Unix, so the external attributes carry a file mode
const DEFLATE = 8;
// A regular file, rw-r--r--: Lambda's runtime user must be able to read it.
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO-HDLC, as ZIP uses it): `zlib.crc32` where Node has it (≥ 20.15), else a table. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(data) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A ZIP archive holding `content` as `name` (deflated), with no directory entries.
 *
 * @example
 * writeFileSync('code.zip', zipSingleFile('lambda-double.mjs', readFileSync('dist/lambda-double.mjs')));
 */
export function zipSingleFile(name: string, content: Uint8Array): Uint8Array {
  const fileName = Buffer.from(name, 'utf8');
  const compressed = zlib.deflateRawSync(content, { level: 9 });
  const crc = crc32(content);
  // Bit 11: the name is UTF-8 (only needed when it is not ASCII).
  const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : 0x0800;

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(VERSION_NEEDED, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(DEFLATE, 8);
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  local.writeUInt16LE(0, 28);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(VERSION_MADE_BY, 4);
  central.writeUInt16LE(VERSION_NEEDED, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(DEFLATE, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  // extra length, comment length, disk number, internal attributes: 0
  central.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  central.writeUInt32LE(0, 42); // offset of the local header

  const centralOffset = local.length + fileName.length + compressed.length;
  const centralSize = central.length + fileName.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8); // entries on this disk
  end.writeUInt16LE(1, 10); // entries in total
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(centralOffset, 16);

  return new Uint8Array(Buffer.concat([local, fileName, compressed, central, fileName, end]));
}
