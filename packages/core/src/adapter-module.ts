import { readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, win32 } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AdapterNotFoundError, InvalidAdapterModuleError } from './errors.js';
import type { AnyAdapter } from './types/adapter.js';
import { isRecord } from './validation.js';

/**
 * Finding an adapter's module from a user's project: a package name
 * (`@harness/ecs`, `@acme/harness-dynamodb`) or a path (`./adapters/dynamodb`),
 * and the adapter it exports.
 *
 * Why not `import(specifier)`: a bare `import()` resolves from the module that
 * calls it (the CLI's or core's own folder, possibly a global install), not
 * from the project. Why not `createRequire(project).resolve()`: it applies the
 * `require` conditions of `exports`, so it fails on packages that export only
 * `import`, and picks the CommonJS build of dual packages (a second copy of
 * `@harness/core`, whose classes `instanceof` then does not recognise). And
 * Node 20 has no `import.meta.resolve(specifier, parent)` without a flag. So
 * this module follows Node's ESM resolution (node_modules lookup upwards,
 * `exports` with the `node` / `import` / `default` conditions, else `main`,
 * else `index.js`) from the given directories, for the one file it needs;
 * `import()` of that file then applies Node's own rules to everything else.
 */

/** The export an adapter module provides: `export const harnessAdapter = myAdapter`. */
export const ADAPTER_EXPORT = 'harnessAdapter';

/** The conditions Node applies to `exports` when a module is imported (not required). */
const IMPORT_CONDITIONS: ReadonlySet<string> = new Set(['node', 'import', 'module-sync', 'default']);
/** An npm package name, optionally scoped, optionally followed by a subpath. */
const PACKAGE_SPECIFIER = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*(?:\/[^\s\\]+)?$/;
/** The members `isAdapter` requires. */
const REQUIRED_MEMBERS = ['name', 'parseConfig', 'template', 'artifacts', 'createApi'] as const;
/** Suffixes tried after a path or `main` that names no file as written (as Node's CommonJS and legacy `main` lookups do). */
const FILE_SUFFIXES = ['', '.js', '.mjs', '.cjs'];
const INDEX_FILES = ['index.js', 'index.mjs', 'index.cjs'];

/** How a specifier names a module: a package name, or a path. */
export type AdapterModuleKind = 'package' | 'path';

/**
 * Whether `specifier` is a path (`./x`, `../x`, `/abs/x`, `C:\x`, `file:///x`),
 * a package name (`@acme/x`, `x`, `x/sub`), or neither (undefined).
 *
 * @example
 * adapterModuleKind('./adapters/dynamodb'); // 'path'
 * adapterModuleKind('@acme/harness-dynamodb'); // 'package'
 * adapterModuleKind('Not a package!'); // undefined
 */
export function adapterModuleKind(specifier: string): AdapterModuleKind | undefined {
  if (/^\.{1,2}(?:[\\/]|$)/.test(specifier) || isAbsolute(specifier) || win32.isAbsolute(specifier) || specifier.startsWith('file:')) {
    return 'path';
  }
  return PACKAGE_SPECIFIER.test(specifier) ? 'package' : undefined;
}

/** A module found by {@link resolveAdapterModule}. */
export interface ResolvedAdapterModule {
  /** As it was written: `@acme/harness-dynamodb`, `./adapters/dynamodb`. */
  readonly specifier: string;
  readonly kind: AdapterModuleKind;
  /** The absolute path of the file to import. */
  readonly file: string;
  /** `file` as a `file:` URL, what `import()` takes. */
  readonly url: string;
}

/** Where {@link resolveAdapterModule} looks. */
export interface ResolveAdapterModuleOptions {
  /**
   * The directories to resolve from, in order: a package name is looked up in
   * the `node_modules` folders of each and of its parents; a relative path is
   * relative to the first. Usually the project: the config file's folder, the
   * working directory.
   */
  readonly from: string | readonly string[];
  /** Where the specifier was written, named in errors: `--adapters`, `adapters.queue.package in /p/harness.config.json`. */
  readonly origin?: string;
}

/**
 * Finds the file that a package name or a path stands for, as an ESM import
 * from the first of `from` would (see the module comment for why not `import()`).
 * A path may name a file (with or without `.js`, `.mjs`, `.cjs`) or a folder: its
 * package.json's `exports` or `main`, else its `index.js`.
 *
 * @throws AdapterNotFoundError naming everything it tried, and the fix
 * @throws InvalidAdapterModuleError when the specifier is neither a package name nor a path, or a package.json cannot be read
 *
 * @example
 * const { file } = resolveAdapterModule('@acme/harness-dynamodb', { from: process.cwd() });
 */
export function resolveAdapterModule(specifier: string, options: ResolveAdapterModuleOptions): ResolvedAdapterModule {
  const from = (typeof options.from === 'string' ? [options.from] : [...options.from]).map((dir) => resolve(dir));
  if (from.length === 0) throw new TypeError('resolveAdapterModule needs at least one directory to resolve from.');
  const origin = options.origin ? ` (${options.origin})` : '';
  const kind = adapterModuleKind(specifier);
  if (kind === undefined) {
    throw new InvalidAdapterModuleError(
      specifier,
      undefined,
      `'${specifier}'${origin} is neither a package name nor a path. To fix this, write a package name (@acme/harness-dynamodb) or a path that starts with ./ or ../ (./adapters/dynamodb).`,
    );
  }
  const file = kind === 'path' ? resolvePath(specifier, from[0] as string, origin) : resolvePackage(specifier, from, origin);
  return { specifier, kind, file, url: pathToFileURL(file).href };
}

/**
 * The adapter a module exports as `harnessAdapter`: an ESM named export, or a
 * CommonJS `module.exports.harnessAdapter` (which `import()` puts under `default`).
 *
 * @throws InvalidAdapterModuleError when there is no such export or it is not an adapter, listing what the module does export
 */
export function adapterFromModule(namespace: Readonly<Record<string, unknown>>, module: Pick<ResolvedAdapterModule, 'specifier' | 'file'>, origin?: string): AnyAdapter {
  const commonJs = isRecord(namespace.default) ? namespace.default : undefined;
  const exported = namespace[ADAPTER_EXPORT] ?? commonJs?.[ADAPTER_EXPORT];
  const described = `${module.specifier}${origin ? ` (${origin})` : ''}`;
  if (exported === undefined) {
    const names = [...new Set([...Object.keys(namespace), ...Object.keys(commonJs ?? {})])].filter((name) => name !== '__esModule');
    const candidate = Object.entries({ ...commonJs, ...namespace }).find(([, value]) => missingMembers(value).length === 0)?.[0];
    throw new InvalidAdapterModuleError(
      module.specifier,
      module.file,
      `${described} does not export a harness adapter as \`${ADAPTER_EXPORT}\` (${module.file} exports ${names.length ? names.join(', ') : 'nothing'}). ` +
        `To fix this, ${
          candidate && candidate !== 'default'
            ? `add \`export const ${ADAPTER_EXPORT} = ${candidate};\` to it`
            : `export the adapter (a TestDoubleAdapter of @harness/core) as \`${ADAPTER_EXPORT}\``
        } (CommonJS: \`exports.${ADAPTER_EXPORT} = …\`).`,
    );
  }
  const missing = missingMembers(exported);
  if (missing.length > 0) {
    throw new InvalidAdapterModuleError(
      module.specifier,
      module.file,
      `The \`${ADAPTER_EXPORT}\` of ${described} is not a harness adapter: it has no ${missing.join(', ')}. ` +
        'To fix this, export an object that implements TestDoubleAdapter of @harness/core (name, parseConfig, template, artifacts, createApi).',
    );
  }
  return exported as AnyAdapter;
}

/** Whether `value` has what every adapter has. */
export function isAdapter(value: unknown): value is AnyAdapter {
  return missingMembers(value).length === 0;
}

function missingMembers(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [...REQUIRED_MEMBERS];
  const candidate = value as Record<string, unknown>;
  return REQUIRED_MEMBERS.filter((member) => typeof candidate[member] !== (member === 'name' ? 'string' : 'function'));
}

function resolvePath(specifier: string, base: string, origin: string): string {
  const target = specifier.startsWith('file:') ? fileURLToPath(specifier) : resolve(base, specifier);
  const relativeTo = specifier.startsWith('file:') || isAbsolute(specifier) ? '' : `; it is relative to ${base}`;
  if (isDirectory(target)) {
    if (isFile(join(target, 'package.json'))) return packageEntry(target, '.', specifier, origin);
    const index = INDEX_FILES.map((name) => join(target, name));
    const found = index.find(isFile);
    if (found) return found;
    throw new AdapterNotFoundError(
      specifier,
      [join(target, 'package.json'), ...index],
      `The adapter folder ${specifier}${origin} (${target}) has no package.json and no ${INDEX_FILES.join(', ')}. ` +
        'To fix this, add a package.json whose "exports" (or "main") names the adapter\'s module, or name the module\'s file itself.',
    );
  }
  const candidates = FILE_SUFFIXES.map((suffix) => target + suffix);
  const found = candidates.find(isFile);
  if (found) return found;
  throw new AdapterNotFoundError(
    specifier,
    candidates,
    `The adapter path ${specifier}${origin} does not exist: there is no ${target} (nor with ${FILE_SUFFIXES.filter(Boolean).join(', ')}). ` +
      `To fix this, correct the path${relativeTo}.`,
  );
}

function resolvePackage(specifier: string, from: readonly string[], origin: string): string {
  const parts = specifier.split('/');
  const nameParts = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/');
  const subpath = parts.length > nameParts ? `./${parts.slice(nameParts).join('/')}` : '.';
  const tried: string[] = [];
  for (const start of from) {
    for (let dir = start; ; dir = dirname(dir)) {
      // Node never looks in node_modules/node_modules.
      if (basename(dir) !== 'node_modules') {
        const candidate = join(dir, 'node_modules', name);
        if (!tried.includes(candidate)) {
          if (isDirectory(candidate)) return packageEntry(candidate, subpath, specifier, origin);
          tried.push(candidate);
        }
      }
      if (dirname(dir) === dir) break;
    }
  }
  // A folder of that name where the user stands is most likely a path written without ./
  const folder = resolve(from[0] as string, specifier);
  const asPath = isDirectory(folder) || FILE_SUFFIXES.some((suffix) => isFile(folder + suffix));
  throw new AdapterNotFoundError(
    specifier,
    tried,
    `Cannot find the adapter package ${name}${origin}: there is no node_modules/${name} in ${from.join(', ')} or any folder above ${from.length > 1 ? 'them' : 'it'}. ` +
      (asPath
        ? `To fix this, write the path with ./ in front (./${relative(from[0] as string, folder).split('\\').join('/')}) if you mean ${folder}, or install the package: \`npm i -D ${name}\`.`
        : `To fix this, install it: \`npm i -D ${name}\`.`),
  );
}

/** The file a package folder exports for `subpath` (`.` or `./sub`). */
function packageEntry(dir: string, subpath: string, specifier: string, origin: string): string {
  const manifestPath = join(dir, 'package.json');
  const manifest = readManifest(manifestPath, specifier);
  const described = `${specifier}${origin}`;
  if (manifest?.exports !== undefined && manifest.exports !== null) {
    const target = exportsTarget(manifest.exports, subpath);
    if (target === undefined) {
      throw new AdapterNotFoundError(
        specifier,
        [manifestPath],
        `${described}: the "exports" of ${manifestPath} offer no ${subpath === '.' ? 'main entry' : `"${subpath}"`} to import (conditions node, import, default). ` +
          `To fix this, add ${subpath === '.' ? '"."' : `"${subpath}"`} with an "import" or "default" target to its "exports".`,
      );
    }
    const file = resolve(dir, target);
    if (isFile(file)) return file;
    throw new AdapterNotFoundError(
      specifier,
      [file],
      `${described}: ${manifestPath} exports ${target}, and ${file} does not exist. To fix this, build the package (or correct its "exports").`,
    );
  }
  const base = subpath === '.' ? undefined : join(dir, subpath);
  const main = subpath === '.' && typeof manifest?.main === 'string' && manifest.main !== '' ? join(dir, manifest.main) : undefined;
  const candidates = [
    ...(base ? FILE_SUFFIXES.map((suffix) => base + suffix) : []),
    ...(main ? [...FILE_SUFFIXES.map((suffix) => main + suffix), join(main, 'index.js')] : []),
    ...(subpath === '.' ? INDEX_FILES.map((file) => join(dir, file)) : []),
  ];
  const found = candidates.find(isFile);
  if (found) return found;
  throw new AdapterNotFoundError(
    specifier,
    candidates,
    `${described}: ${dir} has no module to import (tried ${candidates.map((candidate) => relative(dir, candidate)).join(', ')}). ` +
      `To fix this, ${main ? 'build the package (its "main" names a file that does not exist)' : 'give its package.json an "exports" or "main" that names the adapter\'s module'}.`,
  );
}

interface PackageManifest {
  readonly exports?: unknown;
  readonly main?: unknown;
}

function readManifest(path: string, specifier: string): PackageManifest | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : {};
  } catch (error) {
    throw new InvalidAdapterModuleError(specifier, path, `${path} (of ${specifier}) is not valid JSON: ${(error as Error).message}. To fix this, correct the file.`, {
      cause: error,
    });
  }
}

/**
 * The target `exports` gives `subpath` under the import conditions, following
 * Node's PACKAGE_EXPORTS_RESOLVE: exact subpath keys, then `*` patterns (the
 * longest prefix wins), then conditions in the order the object lists them.
 */
function exportsTarget(exports: unknown, subpath: string): string | undefined {
  const subpathKeys = isRecord(exports) && Object.keys(exports).some((key) => key.startsWith('.'));
  if (!subpathKeys) return subpath === '.' ? conditionalTarget(exports, undefined) : undefined;
  const map = exports as Record<string, unknown>;
  if (Object.hasOwn(map, subpath) && !subpath.includes('*')) return conditionalTarget(map[subpath], undefined);
  let best: { key: string; prefix: string; match: string } | undefined;
  for (const key of Object.keys(map)) {
    const star = key.indexOf('*');
    if (star < 0 || key.indexOf('*', star + 1) >= 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (!subpath.startsWith(prefix) || subpath === prefix || !subpath.endsWith(suffix) || subpath.length < key.length) continue;
    if (!best || prefix.length > best.prefix.length || (prefix.length === best.prefix.length && key.length > best.key.length)) {
      best = { key, prefix, match: subpath.slice(prefix.length, subpath.length - suffix.length) };
    }
  }
  return best ? conditionalTarget(map[best.key], best.match) : undefined;
}

function conditionalTarget(target: unknown, match: string | undefined): string | undefined {
  if (typeof target === 'string') {
    if (!target.startsWith('./')) return undefined;
    return match === undefined ? target : target.split('*').join(match);
  }
  if (Array.isArray(target)) {
    for (const entry of target) {
      const resolved = conditionalTarget(entry, match);
      if (resolved !== undefined) return resolved;
    }
    return undefined;
  }
  if (isRecord(target)) {
    for (const [condition, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      // null excludes the subpath for this condition: Node stops there too.
      if (value === null) return undefined;
      const resolved = conditionalTarget(value, match);
      if (resolved !== undefined) return resolved;
    }
  }
  return undefined;
}

function isFile(path: string): boolean {
  return stat(path)?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return stat(path)?.isDirectory() ?? false;
}

/** Undefined for anything that is not there, including a path through a file (ENOTDIR). */
function stat(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
