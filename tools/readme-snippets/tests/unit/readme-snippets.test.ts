import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSnippets, extractSnippets, SnippetConventionError } from '../../src/readme-snippets.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..', '..');
const md = (...lines: string[]): string => lines.join('\n');

describe('Function: extractSnippets', () => {
  it('finds ts and typescript blocks with their fence line, and no others', () => {
    // Arrange
    const markdown = md('# Title', '', '```ts', 'const a = 1;', '```', '', '```sh', 'npm test', '```', '', '```typescript', 'const b = 2;', '```');

    // Act
    const snippets = extractSnippets('README.md', markdown);

    // Assert
    expect(snippets.map(({ line, code }) => ({ line, code }))).toEqual([
      { line: 3, code: 'const a = 1;' },
      { line: 11, code: 'const b = 2;' },
    ]);
  });

  it('strips the indentation of a block inside a list item, and keeps what is deeper', () => {
    // Arrange
    const markdown = md('1. **Write the test**', '', '   ```ts', '   it("x", () => {', '     expect(1).toBe(1);', '   });', '   ```');

    // Act
    const [snippet] = extractSnippets('README.md', markdown);

    // Assert
    expect(snippet).toMatchObject({ line: 3, indent: 3, code: 'it("x", () => {\n  expect(1).toBe(1);\n});' });
  });

  it('does not end a block at a shorter fence inside it', () => {
    // Arrange
    const markdown = md('````ts', 'const text = `', '```', '`;', '````', '```ts', 'const after = 1;', '```');

    // Act
    const snippets = extractSnippets('README.md', markdown);

    // Assert
    expect(snippets.map(({ line }) => line)).toEqual([1, 6]);
  });

  it('reads skip, given and file from the ts-check comment before the fence', () => {
    // Arrange
    const markdown = md(
      '<!-- ts-check: skip (a signature list; not a program) -->',
      '```ts',
      'mockTask(family: string): Promise<TaskMock>',
      '```',
      '<!-- ts-check: file sqs-adapter.ts; given harness, run -->',
      '',
      '```ts',
      'export const x = 1;',
      '```',
    );

    // Act
    const [skipped, given] = extractSnippets('README.md', markdown);

    // Assert
    expect(skipped).toMatchObject({ skip: 'a signature list; not a program', given: [] });
    expect(given).toMatchObject({ file: 'sqs-adapter.ts', given: ['harness', 'run'] });
    expect(given?.skip).toBeUndefined();
  });

  it.each([
    ['a skip without a reason', md('<!-- ts-check: skip -->', '```ts', 'x', '```'), 'README.md:1: a skipped block must say why'],
    ['a skip with empty parentheses', md('<!-- ts-check: skip () -->', '```ts', 'x', '```'), 'a skipped block must say why'],
    ['an unknown given name', md('<!-- ts-check: given harnes -->', '```ts', 'x', '```'), '"given harnes": the checker declares only harness, run'],
    ['an unknown directive', md('<!-- ts-check: ignore -->', '```ts', 'x', '```'), 'unknown directive "ignore"'],
    ['a file name that is not a .ts name', md('<!-- ts-check: file ../x.ts -->', '```ts', 'x', '```'), '"file ../x.ts" is not a file name'],
    ['a comment before prose', md('<!-- ts-check: given harness -->', 'Some prose.', '```ts', 'x', '```'), 'is not followed by a TypeScript block'],
    ['a comment before a sh block', md('<!-- ts-check: given harness -->', '```sh', 'npm test', '```'), 'followed by a ```sh block'],
    ['a comment at the end of the file', md('```ts', 'x', '```', '<!-- ts-check: given run -->'), 'README.md:4: this ts-check comment is not followed'],
    ['a comment over two lines', md('<!-- ts-check: skip (a', 'list) -->', '```ts', 'x', '```'), 'must be one line on its own'],
    ['a skip with given', md('<!-- ts-check: skip (a list); given harness -->', '```ts', 'x', '```'), 'given and file mean nothing'],
  ])('refuses %s', (_case, markdown, message) => {
    // Act
    const extract = (): unknown => extractSnippets('README.md', markdown);

    // Assert
    expect(extract).toThrow(SnippetConventionError);
    expect(extract).toThrow(message);
  });
});

describe('Function: checkSnippets', () => {
  it('reports a diagnostic at its README line and column, and none for a block that compiles', () => {
    // Arrange: the root README's handler before its event was typed (TS18046), indented as in a list.
    const markdown = md(
      'Intro.',
      '',
      '   <!-- ts-check: given harness -->',
      '   ```ts',
      "   import { fail } from '@harness/lambda';",
      '',
      "   await harness.lambda.mockFunction('ValidateOrder', (order) => (order.items.length ? order : fail('InvalidOrder', 'no items')));",
      '   ```',
      '',
      '```ts',
      "import { fail } from '@harness/lambda';",
      'export const typed = (order: { items: string[] }) => (order.items.length ? order : fail("InvalidOrder", "no items"));',
      '```',
    );
    const snippets = extractSnippets('packages/example/README.md', markdown);

    // Act
    const check = checkSnippets(snippets, join(here, '..', '..', 'generated', 'unit'), root);

    // Assert
    expect(check.other).toEqual([]);
    expect(check.diagnostics.get(snippets[0]!)?.map(({ message }) => message)).toEqual([
      "packages/example/README.md:7:67 TS18046 'order' is of type 'unknown'.",
    ]);
    expect(check.diagnostics.get(snippets[1]!)).toBeUndefined();
  }, 60_000);
});
