/**
 * The export reference check: every name an entry point of `@harness/core`
 * exports has a row in the reference of docs/adapters.md ("Reference: every
 * export of `@harness/core`"), and every row names an export, so the guide can
 * neither miss an export nor keep one that is gone.
 *
 * The reference has one section per entry point, headed ``### `@harness/core` ``,
 * ``### `@harness/core/protocol` ``…, each with a table whose rows start with the
 * export's name in backticks: ``| `doubleId` | A double's id … |``. A subpath's
 * section may leave out the names the main entry also exports (its prose says so).
 */
import { join } from 'node:path';
import ts from 'typescript';

/** An entry point of `@harness/core`: its import specifier and its source file. */
export interface EntryPoint {
  readonly specifier: string;
  /** Relative to the repository root. */
  readonly source: string;
}

export const CORE_ENTRY_POINTS: readonly EntryPoint[] = [
  { specifier: '@harness/core', source: 'packages/core/src/index.ts' },
  { specifier: '@harness/core/protocol', source: 'packages/core/src/protocol.ts' },
  { specifier: '@harness/core/testing', source: 'packages/core/src/testing/index.ts' },
];

/** The guide that holds the reference, relative to the repository root. */
export const REFERENCE_DOCUMENT = 'docs/adapters.md';

/** The names each entry point exports (values and types), by specifier, read by the TypeScript compiler. */
export function exportedNames(root: string, entryPoints: readonly EntryPoint[] = CORE_ENTRY_POINTS): Map<string, string[]> {
  const files = entryPoints.map((entry) => join(root, entry.source));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const names = new Map<string, string[]>();
  entryPoints.forEach((entry, index) => {
    const file = program.getSourceFile(files[index]!);
    const symbol = file && checker.getSymbolAtLocation(file);
    if (!symbol) throw new Error(`${entry.source} is not a module the compiler can read.`);
    names.set(entry.specifier, checker.getExportsOfModule(symbol).map((exported) => exported.name).sort());
  });
  return names;
}

/** The names in the first cell of each table row of each ``### `<specifier>` `` section, by specifier. */
export function documentedNames(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const specifier = /^`([^`]+)`$/.exec(heading[2]!.trim())?.[1];
      current = heading[1]!.length === 3 && specifier !== undefined ? [] : undefined;
      if (current && specifier !== undefined) sections.set(specifier, current);
      continue;
    }
    const row = /^\|\s*`([^`]+)`\s*\|/.exec(line);
    if (current && row) current.push(row[1]!);
  }
  return sections;
}

/** What the reference gets wrong for one entry point. */
export interface ReferenceProblems {
  /** Exported, but without a row. */
  readonly missing: readonly string[];
  /** A row that names nothing this entry point exports. */
  readonly unknown: readonly string[];
  /** Rows given twice. */
  readonly duplicated: readonly string[];
}

/**
 * Compares an entry point's exports with its section of the reference.
 * `alsoDocumented` are names documented elsewhere (the main entry's, for a subpath).
 */
export function compareReference(exported: readonly string[], documented: readonly string[], alsoDocumented: readonly string[] = []): ReferenceProblems {
  const rows = new Set(documented);
  return {
    missing: exported.filter((name) => !rows.has(name) && !alsoDocumented.includes(name)),
    unknown: [...rows].filter((name) => !exported.includes(name)),
    duplicated: [...rows].filter((name) => documented.indexOf(name) !== documented.lastIndexOf(name)),
  };
}
