/**
 * The README snippet check: every TypeScript block of the READMEs compiles
 * with `tsc --strict` against the built `@harness/*` packages, so a README
 * cannot show an API that does not exist or a handler that needs a cast.
 *
 * What is checked: each fenced block whose info string's first word is `ts`
 * or `typescript` (```` ```ts ````, indented ones in lists too) in `README.md`,
 * `packages/<name>/README.md`, `apps/<name>/README.md`,
 * `infrastructure/README.md` and the guides `docs/*.md`. Each block becomes its own ES module,
 * `generated/readmes/<README's folder>/line-<N>.ts` (N: the line of its
 * opening fence), and one TypeScript program compiles them all with the options of
 * {@link SNIPPET_COMPILER_OPTIONS} (`strict`, `NodeNext`, vitest's globals:
 * `expect` and `it` need no import). A diagnostic is reported at its README
 * line and column, e.g. `packages/lambda/README.md:120:45 TS18046 …`.
 * A `tsconfig.json` is written beside them: `npx tsc -p
 * tools/readme-snippets/generated/readmes` reproduces the check by hand.
 * The blocks import the packages' built `dist/`: `npm test` (or `npx nx run
 * readme-snippets:test`) builds them first, through this project's
 * `implicitDependencies` in `project.json`.
 *
 * Blocks compile as they are. Where one cannot, an HTML comment right before
 * its fence (blank lines between are allowed) says so, with directives
 * separated by `;`:
 *
 * - `<!-- ts-check: skip (why) -->`: the block is not code (a list of
 *   signatures, the shape of a type, a wire format with placeholders). The
 *   reason in parentheses is required. Keep these rare.
 * - `<!-- ts-check: given harness, run -->`: the block uses objects the reader
 *   already has from the section around it; the checker declares them (see
 *   {@link GIVEN}: names only, the block still imports what it calls).
 * - `<!-- ts-check: file sqs-adapter.ts -->`: the block is written as
 *   `sqs-adapter.ts` instead of `line-<N>.ts`, so a later block of the same
 *   README can `import { … } from './sqs-adapter.js'`.
 *
 * A `ts-check` comment that no TypeScript block follows, an unknown
 * directive or `given` name, and a skip without a reason are errors: a
 * directive that silently does nothing would let a block go unchecked.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** One TypeScript block of a README. */
export interface Snippet {
  /** The README's path, relative to the repository root, with `/`. */
  readonly readme: string;
  /** The 1-based line of the opening fence. */
  readonly line: number;
  /** The opening fence's indentation, stripped from every line of the code. */
  readonly indent: number;
  /** The block's code, without its fences. */
  readonly code: string;
  /** Why the block is not compiled (`skip (why)`), if it is not. */
  readonly skip?: string;
  /** Names from {@link GIVEN} that the checker declares for this block. */
  readonly given: readonly string[];
  /** The file name the block is written as (`file …`), if not `line-<N>.ts`. */
  readonly file?: string;
}

/** A README that breaks the snippet conventions (an orphan or malformed `ts-check` comment). */
export class SnippetConventionError extends Error {
  constructor(
    readonly readme: string,
    readonly line: number,
    problem: string,
  ) {
    super(`${readme}:${line}: ${problem} To fix this, see the conventions at the top of tools/readme-snippets/src/readme-snippets.ts.`);
    this.name = 'SnippetConventionError';
  }
}

/**
 * What `given` can declare: objects a README's reader holds from the
 * section's earlier lines. Inline `import()` types, so they never clash with
 * the block's own imports.
 */
export const GIVEN: Readonly<Record<string, string>> = {
  // What createHarness gives for the three adapters a workflow test uses.
  harness:
    'declare const harness: import("@harness/core").Harness<readonly [typeof import("@harness/stepfunctions").stepFunctionsAdapter, ' +
    'typeof import("@harness/lambda").lambdaAdapter, typeof import("@harness/ecs").ecsAdapter]>;',
  // What harness.stepFunctions.execute resolves with.
  run: 'declare const run: import("@harness/stepfunctions").Execution;',
  // A workflow template's parameter values, as apps/example/tests/workflow/order-flow.test.ts has them.
  substitutions: 'declare const substitutions: Readonly<Record<string, string>>;',
};

/** What the blocks are compiled with: what a strict NodeNext project with vitest has. */
export const SNIPPET_COMPILER_OPTIONS = {
  strict: true,
  target: 'ES2022',
  lib: ['ES2023', 'ESNext.Disposable'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node', 'vitest/globals'],
  // The packages' own typecheck covers their declarations; here only the blocks are in question.
  skipLibCheck: true,
  noEmit: true,
} as const;

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)[^`]*$/;
const COMMENT = /^\s*<!--\s*ts-check:([\s\S]*?)-->\s*$/;
const FILE_NAME = /^[A-Za-z0-9][\w.-]*\.ts$/;

/** The READMEs and guides (`docs/*.md`) whose blocks are checked, relative to `root`. */
export function findReadmes(root: string): string[] {
  const readmes = ['README.md', 'infrastructure/README.md'];
  for (const parent of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'README.md'))) readmes.push(`${parent}/${entry.name}/README.md`);
    }
  }
  if (existsSync(join(root, 'docs'))) {
    for (const entry of readdirSync(join(root, 'docs'), { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.md')) readmes.push(`docs/${entry.name}`);
    }
  }
  return readmes.filter((readme) => existsSync(join(root, readme))).sort();
}

/** The TypeScript blocks of one README, with the directives of the `ts-check` comment before each. */
export function extractSnippets(readme: string, markdown: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  let pending: { line: number; directives: string } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index]!;
    const comment = COMMENT.exec(text);
    if (comment) {
      if (pending) throw new SnippetConventionError(readme, pending.line, 'this ts-check comment is followed by another one, not by a TypeScript block.');
      pending = { line: index + 1, directives: comment[1]!.trim() };
      continue;
    }
    if (/<!--\s*ts-check/.test(text)) {
      throw new SnippetConventionError(readme, index + 1, 'a ts-check comment must be one line on its own: <!-- ts-check: … -->.');
    }
    const fence = FENCE.exec(text);
    if (!fence) {
      if (pending && text.trim() !== '') {
        throw new SnippetConventionError(readme, pending.line, 'this ts-check comment is not followed by a TypeScript block.');
      }
      continue;
    }
    const [, indentText = '', marker = '', language = ''] = fence;
    const closing = new RegExp(`^\\s*${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
    let end = index + 1;
    while (end < lines.length && !closing.test(lines[end]!)) end++;
    const isTypeScript = /^(ts|typescript)$/i.test(language);
    if (pending && !isTypeScript) {
      throw new SnippetConventionError(readme, pending.line, `this ts-check comment is followed by a \`\`\`${language} block, not a TypeScript one.`);
    }
    if (isTypeScript) {
      const indent = indentText.length;
      const code = lines
        .slice(index + 1, end)
        .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
        .join('\n');
      snippets.push({ readme, line: index + 1, indent, code, ...parseDirectives(readme, pending) });
    }
    pending = undefined;
    index = end;
  }
  if (pending) throw new SnippetConventionError(readme, pending.line, 'this ts-check comment is not followed by a TypeScript block.');
  return snippets;
}

function parseDirectives(
  readme: string,
  comment: { line: number; directives: string } | undefined,
): { skip?: string; given: string[]; file?: string } {
  const result: { skip?: string; given: string[]; file?: string } = { given: [] };
  if (!comment) return result;
  for (const directive of splitDirectives(comment.directives)) {
    const [keyword = '', ...rest] = directive.split(/\s+/);
    const argument = directive.slice(keyword.length).trim();
    if (keyword === 'skip') {
      const reason = /^\((.*)\)$/.exec(argument)?.[1]?.trim();
      if (!reason) throw new SnippetConventionError(readme, comment.line, 'a skipped block must say why: <!-- ts-check: skip (why) -->.');
      result.skip = reason;
    } else if (keyword === 'given') {
      for (const name of rest.join(' ').split(',').map((part) => part.trim()).filter(Boolean)) {
        if (!(name in GIVEN)) {
          throw new SnippetConventionError(readme, comment.line, `"given ${name}": the checker declares only ${Object.keys(GIVEN).join(', ')}.`);
        }
        result.given.push(name);
      }
    } else if (keyword === 'file') {
      if (!FILE_NAME.test(argument) || /^line-\d+\.ts$/.test(argument)) {
        throw new SnippetConventionError(readme, comment.line, `"file ${argument}" is not a file name like sqs-adapter.ts.`);
      }
      result.file = argument;
    } else {
      throw new SnippetConventionError(readme, comment.line, `unknown directive "${directive}": use skip (why), given <names> or file <name>.ts.`);
    }
  }
  if (result.skip !== undefined && (result.given.length > 0 || result.file !== undefined)) {
    throw new SnippetConventionError(readme, comment.line, 'a skipped block is not compiled, so given and file mean nothing for it.');
  }
  return result;
}

/** Splits `skip (why; and more); given harness` at the `;`s outside parentheses. */
function splitDirectives(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')') depth = Math.max(0, depth - 1);
    else if (text[index] === ';' && depth === 0) {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

/** One compiler diagnostic, placed in the README. */
export interface SnippetDiagnostic {
  readonly snippet: Snippet;
  /** `packages/lambda/README.md:120:45 TS18046 'event' is of type 'unknown'.` */
  readonly message: string;
}

/** The outcome of compiling every block that is not skipped. */
export interface SnippetCheck {
  readonly diagnostics: ReadonlyMap<Snippet, readonly SnippetDiagnostic[]>;
  /** Diagnostics outside any block (the compiler options, a package's declarations). */
  readonly other: readonly string[];
  /** Where the blocks were written. */
  readonly outDir: string;
}

interface WrittenSnippet {
  readonly snippet: Snippet;
  /** Lines before the block's first line in the generated file. */
  readonly offset: number;
}

/**
 * Writes every block that is not skipped to `outDir` (emptied first) with a
 * tsconfig, and compiles them as one program.
 */
export function checkSnippets(snippets: readonly Snippet[], outDir: string, root: string): SnippetCheck {
  rmSync(outDir, { recursive: true, force: true });
  const written = new Map<string, WrittenSnippet>();
  for (const snippet of snippets) {
    if (snippet.skip !== undefined) continue;
    const path = resolve(outDir, dirname(snippet.readme), snippet.file ?? `line-${snippet.line}.ts`);
    if (written.has(path)) {
      throw new SnippetConventionError(snippet.readme, snippet.line, `two blocks are written as ${relative(outDir, path)}.`);
    }
    const header = [
      `// ${snippet.readme}:${snippet.line}, written by tools/readme-snippets: edit the README, not this file.`,
      ...snippet.given.map((name) => GIVEN[name]!),
    ];
    mkdirSync(dirname(path), { recursive: true });
    // `export {}` makes even a block without imports a module, so blocks never share a global scope.
    writeFileSync(path, `${header.join('\n')}\n${snippet.code}\nexport {};\n`);
    written.set(path, { snippet, offset: header.length });
  }
  const files = [...written.keys()].map((path) => relative(outDir, path).split('\\').join('/')).sort();
  writeFileSync(join(outDir, 'tsconfig.json'), `${JSON.stringify({ compilerOptions: SNIPPET_COMPILER_OPTIONS, files }, null, 2)}\n`);

  const configPath = join(outDir, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (error) return { diagnostics: new Map(), other: [format(error, root)], outDir };
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, outDir, undefined, configPath);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });

  const diagnostics = new Map<Snippet, SnippetDiagnostic[]>();
  const other = parsed.errors.map((diagnostic) => format(diagnostic, root));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const owner = diagnostic.file ? written.get(resolve(diagnostic.file.fileName)) : undefined;
    if (!owner || diagnostic.file === undefined || diagnostic.start === undefined) {
      other.push(format(diagnostic, root));
      continue;
    }
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const { snippet, offset } = owner;
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const where =
      line < offset
        ? `${snippet.readme}:${snippet.line} (in the declarations of "given ${snippet.given.join(', ')}")`
        : `${snippet.readme}:${snippet.line + 1 + line - offset}:${character + 1 + snippet.indent}`;
    const list = diagnostics.get(snippet) ?? [];
    list.push({ snippet, message: `${where} TS${diagnostic.code} ${text}` });
    diagnostics.set(snippet, list);
  }
  return { diagnostics, other, outDir };
}

function format(diagnostic: ts.Diagnostic, root: string): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code} ${text}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return `${relative(root, diagnostic.file.fileName)}:${line + 1}:${character + 1} TS${diagnostic.code} ${text}`;
}

/** Extracts the blocks of every README under `root`. */
export function extractAll(root: string): Snippet[] {
  return findReadmes(root).flatMap((readme) => extractSnippets(readme, readFileSync(join(root, readme), 'utf8')));
}
