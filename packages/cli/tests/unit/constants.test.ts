import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_ADAPTERS } from '../../src/constants.js';

describe('Constant: BUILT_IN_ADAPTERS', () => {
  it('lists the @harness adapters the CLI declares as optional peer dependencies, no more, no less', async () => {
    // Arrange
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };

    // Act
    const optionalAdapters = Object.entries(manifest.peerDependenciesMeta)
      .filter(([name, meta]) => name.startsWith('@harness/') && meta.optional)
      .map(([name]) => name.slice('@harness/'.length));

    // Assert
    expect([...BUILT_IN_ADAPTERS].sort()).toEqual(optionalAdapters.sort());
  });
});
