import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, LAMBDA_DOUBLE_FILE, lambdaDoublePath, readLambdaArtifact, zipSingleFile } from '../../src/index.js';
import { sha256Hex } from '../../src/sigv4.js';

/** Lists and extracts an archive with Python's zipfile module: an independent reader. */
function pythonZip(archive: Uint8Array): { names: string[]; files: Record<string, Buffer> } {
  const dir = mkdtempSync(join(tmpdir(), 'harness-zip-'));
  try {
    const path = join(dir, 'archive.zip');
    writeFileSync(path, archive);
    const script = [
      'import sys, zipfile',
      'z = zipfile.ZipFile(sys.argv[1])',
      'assert z.testzip() is None',
      'print("\\n".join(i.filename + " " + oct(i.external_attr >> 16) for i in z.infolist()))',
      'z.extractall(sys.argv[2])',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, path, join(dir, 'out')], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const names = run.stdout.trim().split('\n');
    const files = Object.fromEntries(names.map((line) => line.split(' ')[0] as string).map((name) => [name, readFileSync(join(dir, 'out', name))]));
    return { names, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Function: crc32', () => {
  it.each([
    ['', 0],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('gives the ZIP checksum of %j', (text, expected) => {
    // Act + Assert
    expect(crc32(Buffer.from(text))).toBe(expected);
  });
});

describe('Function: zipSingleFile', () => {
  it('makes an archive Python reads, holding the file byte for byte as a rw-r--r-- regular file', () => {
    // Arrange
    const content = Buffer.from('export const handler = async () => "ok";\n'.repeat(50));

    // Act
    const archive = zipSingleFile('index.mjs', content);

    // Assert
    const { names, files } = pythonZip(archive);
    expect(names).toEqual(['index.mjs 0o100644']);
    expect(files['index.mjs']?.equals(content)).toBe(true);
  });

  it('is deterministic: the same file gives the same bytes', () => {
    // Arrange
    const content = Buffer.from('same bytes');

    // Act
    const first = zipSingleFile('a.mjs', content);
    const second = zipSingleFile('a.mjs', Buffer.from(content));

    // Assert
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Buffer.from(first.subarray(0, 4)).toString('hex')).toBe('504b0304');
  });

  it('stores deflated data that inflates to the file', () => {
    // Arrange
    const content = Buffer.from('abc'.repeat(1000));

    // Act
    const archive = Buffer.from(zipSingleFile('x', content));

    // Assert: the local header is 30 bytes + the name; its sizes bound the data.
    const compressedSize = archive.readUInt32LE(18);
    const data = archive.subarray(30 + 1, 30 + 1 + compressedSize);
    expect(inflateRawSync(data).equals(content)).toBe(true);
    expect(archive.readUInt32LE(14)).toBe(crc32(content));
  });
});

// These read the built dist/ (the test target depends on the build).
describe('Function: readLambdaArtifact', () => {
  it('zips the built lambda-double.mjs, byte for byte, and hashes the zip', () => {
    // Act
    const artifact = readLambdaArtifact();

    // Assert
    const { names, files } = pythonZip(artifact.body);
    expect(names).toEqual([`${LAMBDA_DOUBLE_FILE} 0o100644`]);
    expect(files[LAMBDA_DOUBLE_FILE]?.equals(readFileSync(lambdaDoublePath()))).toBe(true);
    expect(artifact.sha256).toBe(sha256Hex(artifact.body));
  });

  it('gives the same bytes every time', () => {
    // Act + Assert
    expect(Buffer.from(readLambdaArtifact().body).equals(Buffer.from(zipSingleFile(LAMBDA_DOUBLE_FILE, readFileSync(lambdaDoublePath()))))).toBe(true);
  });

  it('is one ES module that imports node: built-ins only', () => {
    // Act
    const source = readFileSync(lambdaDoublePath(), 'utf8');

    // Assert
    const imports = [...source.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((specifier) => specifier?.startsWith('node:'))).toBe(true);
    expect(source).toMatch(/export \{[^}]*\bhandler\b/);
  });
});
