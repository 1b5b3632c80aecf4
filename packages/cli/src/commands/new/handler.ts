import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { HARNESS_COMMAND } from '../../constants.js';
import { UsageError } from '../../errors.js';
import { MARK } from '../../output.js';
import type { CliRuntime } from '../../runtime.js';
import { adapterNames } from './adapter-names.js';
import { adapterPackageFiles, ADAPTER_GUIDE_URL } from './adapter-package.js';
import type { NewAdapterArgs } from './command-object.js';

/** Writes the package of a new adapter, then says what it wrote and what to run next. */
export async function newAdapterHandler(args: NewAdapterArgs, runtime: CliRuntime): Promise<void> {
  const names = adapterNames(args.name);
  const target = resolve(runtime.cwd, args.dir ?? join('adapters', names.name));
  const location = displayPath(runtime.cwd, target);
  await checkEmptyFolder(target, location, args.dir !== undefined);

  const files = adapterPackageFiles({ names, coreRange: coreVersionRange(), location: configPath(location) });
  for (const file of files) {
    const path = join(target, ...file.path.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: 'wx' });
  }

  runtime.stdout(
    [
      `${MARK.ok} Created the adapter ${names.name} (package ${names.packageName}) in ${location}:`,
      ...files.map((file) => `  ${file.path}`),
      '',
      'Next:',
      `  cd ${location}`,
      '  npm install        # in an npm workspace: add the folder to "workspaces" and run it at the root',
      '  npm test           # the adapter contract and the skeleton\'s tests',
      '  npm run build      # dist/index.js, what harness imports',
      '',
      `Then use it: createHarness({ adapters: [${names.adapterExport}] }) in your tests, and for \`${HARNESS_COMMAND} deploy\``,
      `  "${names.name}": { "package": "${configPath(location)}", "doubles": ["Example"] } in harness.config.json.`,
      `Make it yours: ${location}/README.md, and the guide ${ADAPTER_GUIDE_URL}`,
      '',
    ].join('\n'),
  );
}

/** Refuses a file, or a folder with anything in it: nothing of the user's is ever overwritten. */
async function checkEmptyFolder(target: string, location: string, fromOption: boolean): Promise<void> {
  const other = fromOption ? 'another --dir' : 'another folder with --dir';
  const found = await stat(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (found === undefined) return;
  if (!found.isDirectory()) {
    throw new UsageError(`Cannot write the adapter package to ${location}: it is a file. To fix this, choose ${other}.`);
  }
  const entries = (await readdir(target)).sort();
  if (entries.length > 0) {
    const shown = entries.slice(0, 5).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
    throw new UsageError(
      `Cannot write the adapter package to ${location}: the folder is not empty (it has ${shown}), and nothing in it is overwritten. ` +
        `To fix this, choose ${other}, or move its files away first.`,
    );
  }
}

/**
 * The range of `@harness/core` the package depends on: `^` and the version installed
 * beside this CLI, so the skeleton is written against the API it was tested with.
 */
function coreVersionRange(): string {
  const manifest = createRequire(import.meta.url)('@harness/core/package.json') as { version: string };
  return `^${manifest.version}`;
}

/** `target` as the user would write it from `cwd`: `adapters/widgets`, `../x`, or absolute when that is shorter. */
function displayPath(cwd: string, target: string): string {
  const path = relative(cwd, target);
  if (path === '') return '.';
  return isAbsolute(path) || path.split(sep).filter((part) => part === '..').length > 2 ? target : path.split(sep).join('/');
}

/** A path as `"package"` and `--adapters` need it: `./adapters/widgets` (a bare `adapters/widgets` would be read as a package name). */
function configPath(location: string): string {
  if (isAbsolute(location) || location.startsWith('../') || location === '.') return location;
  return `./${location}`;
}
