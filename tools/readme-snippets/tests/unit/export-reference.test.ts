import { describe, expect, it } from 'vitest';
import { compareReference, documentedNames } from '../../src/export-reference.js';

const md = (...lines: string[]): string => lines.join('\n');

describe('Function: documentedNames', () => {
  it('reads the first cell of each row, by the entry point of its ### section', () => {
    // Arrange
    const markdown = md(
      '## Reference',
      '### `@harness/core`',
      '| export | what it is for |',
      '| --- | --- |',
      '| `doubleId` | A double\'s id. |',
      '| `HarnessError` | The base class. |',
      '### `@harness/core/testing`',
      'Prose with `createFakeSession` is not a row.',
      '| `createFakeSession` | A fake session. |',
      '### Other things',
      '| `notAnExport` | outside any entry point\'s section |',
    );

    // Act
    const sections = documentedNames(markdown);

    // Assert
    expect(Object.fromEntries(sections)).toEqual({
      '@harness/core': ['doubleId', 'HarnessError'],
      '@harness/core/testing': ['createFakeSession'],
    });
  });
});

describe('Function: compareReference', () => {
  it('reports an export without a row, a row without an export, and a row given twice', () => {
    const problems = compareReference(['doubleId', 'isRecord', 'HarnessError'], ['doubleId', 'doubleId', 'HarnessError', 'removedLongAgo']);

    expect(problems).toEqual({ missing: ['isRecord'], unknown: ['removedLongAgo'], duplicated: ['doubleId'] });
  });

  it('accepts names a subpath shares with the main entry, documented there', () => {
    expect(compareReference(['doubleId', 'parseDoubleId'], ['parseDoubleId'], ['doubleId'])).toEqual({ missing: [], unknown: [], duplicated: [] });
  });
});
