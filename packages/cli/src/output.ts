import type { CliRuntime } from './runtime.js';

/** Status marks of `harness doctor` and the progress lines. */
export const MARK = { ok: '✔', fail: '✖', info: '•' } as const;

/** Rows as aligned columns, e.g. output key and value. */
export function formatTable(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows
    .map((row) => indent + row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('  '))
    .join('\n');
}

/** Each stack's outputs under its name and status. */
export function formatStackOutputs(
  stacks: readonly { readonly name: string; readonly status: string; readonly outputs: Readonly<Record<string, string>> }[],
): string {
  return stacks
    .map((stack) => {
      const entries = Object.entries(stack.outputs);
      const body = entries.length ? formatTable(entries) : '  (no outputs)';
      return `${stack.name} (${stack.status})\n${body}`;
    })
    .join('\n\n');
}

export function writeJson(runtime: Pick<CliRuntime, 'stdout'>, value: unknown): void {
  runtime.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** A progress line on stderr, so --json output on stdout stays parseable. */
export function progress(runtime: Pick<CliRuntime, 'stderr'>, line: string): void {
  runtime.stderr(`${line}\n`);
}
