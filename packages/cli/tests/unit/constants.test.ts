import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_ADAPTERS, COMMAND_PACKAGES } from '../../src/constants.js';

describe('Constant: BUILT_IN_ADAPTERS', () => {
  it('lists, with COMMAND_PACKAGES, the @harness packages the CLI declares as optional peer dependencies, no more, no less', async () => {
    // Arrange
    const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };

    // Act
    const optional = Object.entries(manifest.peerDependenciesMeta)
      .filter(([name, meta]) => name.startsWith('@harness/') && meta.optional)
      .map(([name]) => name.slice('@harness/'.length));

    // Assert
    expect([...BUILT_IN_ADAPTERS, ...COMMAND_PACKAGES].sort()).toEqual(optional.sort());
  });
});
