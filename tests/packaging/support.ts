import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import ts from 'typescript';

/** What a command printed and how it ended. */
export interface CommandResult {
  readonly command: string;
  readonly cwd: string;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * What `npm test` (an npm script), nx and vitest add to the environment and
 * the fresh projects must not inherit: npm reads `npm_config_*` variables as
 * configuration, and `npm_config_local_prefix` or a workspace setting would
 * point it back at this workspace; a vitest run inside a vitest worker must
 * not think it is one of its workers. The rest of npm's configuration (cache,
 * registry, certificates) is kept.
 */
const INHERITED_BY_ACCIDENT =
  /^(npm_(package|lifecycle)_.*|npm_(command|execpath|node_execpath)|npm_config_(local_prefix|prefix|global_prefix|user_agent|call|yes|npm_version|workspaces?|include_workspace_root)|vitest.*|nx_.*|tinypool.*|node_env|test|init_cwd)$/i;

/** The environment of the commands run in the fresh projects: this process's, less {@link INHERITED_BY_ACCIDENT}. */
export function cleanEnvironment(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!INHERITED_BY_ACCIDENT.test(name)) env[name] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/** Runs a command to its end (never rejects on a non-zero exit); kills it after `timeoutMs`. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  const started = Date.now();
  const text = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timeoutMs = options.timeoutMs ?? 300_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`\`${text}\` in ${options.cwd} did not finish within ${timeoutMs} ms.\nstdout:\n${tail(stdout)}\nstderr:\n${tail(stderr)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command: text, cwd: options.cwd, code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The result, or an error that shows the command and the end of what it printed. */
export function succeeded(result: CommandResult): CommandResult {
  if (result.code === 0) return result;
  throw new Error(
    `\`${result.command}\` in ${result.cwd} exited ${result.code}.\nstdout:\n${tail(result.stdout)}\nstderr:\n${tail(result.stderr)}`,
  );
}

function tail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * The packages a built file loads: static imports and re-exports, `import()`
 * and `require()` of a literal, as TypeScript's scanner finds them (comments
 * and strings that merely contain import text are not imports). Node
 * built-ins are left out.
 */
export function importedPackages(source: string): Set<string> {
  const found = new Set<string>();
  // TypeScript's own scanner: real import / export / require / import() statements only, not text inside strings
  // (the CLI's scaffold carries the source of the files it writes, imports included, in template literals).
  for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier);
    if (!builtinModules.includes(name)) found.add(name);
  }
  return found;
}

/** Link targets of a Markdown document outside its code blocks: `[text](target)` and `[label]: target`. */
export function markdownLinkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^ *(```|~~~)[^\n]*\n[\s\S]*?^ *\1 *$/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? '');
  const references = [...prose.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => match[1] ?? '');
  return [...inline, ...references];
}

/**
 * The code blocks of one section of a Markdown document (from its heading to
 * the next heading of the same level), dedented, in order, with their language.
 */
export function sectionCodeBlocks(markdown: string, heading: string): { language: string; code: string }[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}" in the document`);
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const endOffset = lines.slice(start + 1).findIndex((line) => new RegExp(`^#{1,${level}} `).test(line));
  const section = lines.slice(start + 1, endOffset < 0 ? undefined : start + 1 + endOffset);
  const blocks: { language: string; code: string }[] = [];
  for (let index = 0; index < section.length; index++) {
    const open = /^( *)```(\w*)\s*$/.exec(section[index] ?? '');
    if (!open) continue;
    const indent = open[1]?.length ?? 0;
    const body: string[] = [];
    for (index++; index < section.length && !/^ *```\s*$/.test(section[index] ?? ''); index++) body.push((section[index] ?? '').slice(indent));
    blocks.push({ language: open[2] ?? '', code: `${body.join('\n')}\n` });
  }
  return blocks;
}
