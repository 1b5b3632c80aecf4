// Every TypeScript block of the READMEs compiles with `tsc --strict` against
// the built packages (see src/readme-snippets.ts for what is checked and the
// `ts-check` comments). One test per block, named by its README line.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSnippets, extractAll, type SnippetCheck } from '../src/readme-snippets.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const snippets = extractAll(root);
const checked = snippets.filter((snippet) => snippet.skip === undefined);
const skipped = snippets.filter((snippet) => snippet.skip !== undefined);

describe('README TypeScript blocks', () => {
  let check: SnippetCheck;

  beforeAll(() => {
    check = checkSnippets(snippets, join(here, '..', 'generated', 'readmes'), root);
  }, 60_000);

  it('finds blocks to check in the READMEs', () => {
    expect(checked.length).toBeGreaterThan(0);
    expect(new Set(checked.map((snippet) => snippet.readme)).size).toBeGreaterThan(1);
  });

  it('compiles them with no diagnostic outside a block (compiler options, package declarations)', () => {
    expect(check.other).toEqual([]);
  });

  it.each(checked.map((snippet) => [`${snippet.readme}:${snippet.line}`, snippet] as const))('%s compiles', (where, snippet) => {
    const messages = (check.diagnostics.get(snippet) ?? []).map((diagnostic) => diagnostic.message);
    expect(
      messages,
      `the block at ${where} does not compile. To fix this, correct the block (written to ${check.outDir}), ` +
        'or give it a ts-check comment: see the top of tools/readme-snippets/src/readme-snippets.ts',
    ).toEqual([]);
  });

  // Fragments (signature lists, a type restated for reading) are not programs: they are left out by a
  // `ts-check: skip (why)` comment, and the reason is what keeps a skip honest.
  it('leaves out only blocks that say why', () => {
    for (const snippet of skipped) {
      expect(snippet.skip?.trim().length, `${snippet.readme}:${snippet.line} is skipped without a reason`).toBeGreaterThan(0);
    }
    expect(skipped.length, `skipped: ${skipped.map((snippet) => `${snippet.readme}:${snippet.line} (${snippet.skip})`).join('; ')}`).toBeLessThan(checked.length);
  });
});
