// Every export of @harness/core (the main entry, /protocol and /testing) has a
// one-line row in the reference of docs/adapters.md, and every row names an
// export (see src/export-reference.ts).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareReference, CORE_ENTRY_POINTS, documentedNames, exportedNames, REFERENCE_DOCUMENT } from '../src/export-reference.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const [main] = CORE_ENTRY_POINTS;

describe(`The export reference of ${REFERENCE_DOCUMENT}`, () => {
  let exported: Map<string, string[]>;
  let documented: Map<string, string[]>;

  beforeAll(() => {
    exported = exportedNames(root);
    documented = documentedNames(readFileSync(join(root, REFERENCE_DOCUMENT), 'utf8'));
  }, 60_000);

  it.each(CORE_ENTRY_POINTS.map((entry) => [entry.specifier, entry] as const))('documents every export of %s, and nothing else', (specifier, entry) => {
    // Arrange
    const names = exported.get(specifier) ?? [];
    const rows = documented.get(specifier);
    const mainNames = entry === main ? [] : (exported.get(main!.specifier) ?? []);

    // Act
    const problems = compareReference(names, rows ?? [], mainNames);

    // Assert
    expect(rows, `${REFERENCE_DOCUMENT} has no section headed ### \`${specifier}\`. To fix this, add it, with a table of its exports.`).toBeDefined();
    expect(names.length).toBeGreaterThan(0);
    expect(
      problems,
      `${REFERENCE_DOCUMENT}, section \`${specifier}\`: to fix this, add a row "| \`name\` | what it is for |" for each missing export ` +
        `(${entry.source} exports it), and remove the rows of names it does not export.`,
    ).toEqual({ missing: [], unknown: [], duplicated: [] });
  });
});
