import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterModuleKind, resolveAdapterModule } from '../../src/adapter-module.js';
import { AdapterNotFoundError, InvalidAdapterModuleError } from '../../src/errors.js';
import { AdapterRegistry } from '../../src/registry.js';

let root: string;

/** Writes `files` (path → content; objects are written as JSON) under a new folder of `root`. */
async function project(name: string, files: Record<string, string | object>): Promise<string> {
  const dir = join(root, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

/** An adapter as plain ESM JavaScript, named `name`, exported as `exportName`. */
function esmAdapter(name: string, exportName = 'harnessAdapter'): string {
  return `export const ${exportName} = { name: '${name}', parseConfig: (raw) => raw, template: () => ({ AWSTemplateFormatVersion: '2010-09-09', Resources: {} }), artifacts: async () => [], createApi: () => ({}) };\n`;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function caught(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  // realpath: macOS's tmpdir is a symlink, and resolved files are real paths.
  root = await realpath(await mkdtemp(join(tmpdir(), 'harness-adapter-module-')));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('Function: adapterModuleKind', () => {
  it.each([
    ['./adapters/dynamodb', 'path'],
    ['../shared/adapter.js', 'path'],
    ['.', 'path'],
    ['/opt/adapters/queue', 'path'],
    ['C:\\adapters\\queue', 'path'],
    ['file:///opt/adapters/queue/index.js', 'path'],
    ['@harness/ecs', 'package'],
    ['@acme/harness-dynamodb', 'package'],
    ['@acme/tools/adapters/queue', 'package'],
    ['harness-dynamodb', 'package'],
    ['Not a package', undefined],
    ['@acme', undefined],
    ['', undefined],
  ])('classifies %j as %j', (specifier, kind) => {
    expect(adapterModuleKind(specifier)).toBe(kind);
  });
});

describe('Function: resolveAdapterModule', () => {
  describe('a package name', () => {
    it('is looked up in node_modules from the directory upwards, with the import conditions of "exports"', async () => {
      // Arrange
      const dir = await project('exports', {
        'node_modules/@acme/harness-dynamodb/package.json': {
          type: 'module',
          exports: { '.': { types: './index.d.ts', require: './index.cjs', import: './index.js' } },
        },
        'node_modules/@acme/harness-dynamodb/index.js': esmAdapter('dynamodb'),
        'node_modules/@acme/harness-dynamodb/index.cjs': '',
        'tests/deep/.keep': '',
      });

      // Act
      const resolved = resolveAdapterModule('@acme/harness-dynamodb', { from: join(dir, 'tests', 'deep') });

      // Assert
      const file = join(dir, 'node_modules/@acme/harness-dynamodb/index.js');
      expect(resolved).toEqual({ specifier: '@acme/harness-dynamodb', kind: 'package', file, url: pathToFileURL(file).href });
    });

    it.each([
      ['a string', './main.js', '.', 'main.js'],
      ['nested conditions', { node: { import: './node.mjs', require: './node.cjs' }, default: './main.js' }, '.', 'node.mjs'],
      ['an array', [{ worker: './worker.js' }, './main.js'], '.', 'main.js'],
      ['a subpath', { '.': './main.js', './adapter': { import: './adapter.js' } }, './adapter', 'adapter.js'],
      ['a subpath pattern', { './adapters/*': './dist/adapters/*.js', './adapters/internal/*': null }, './adapters/queue', 'dist/adapters/queue.js'],
    ])('follows "exports" given as %s', async (_label, exports, subpath, expected) => {
      // Arrange
      const files = ['main.js', 'node.mjs', 'node.cjs', 'adapter.js', 'dist/adapters/queue.js'];
      const dir = await project(`exports-${_label.replace(/\W/g, '-')}`, {
        'node_modules/tools/package.json': { exports },
        ...Object.fromEntries(files.map((file) => [`node_modules/tools/${file}`, ''])),
      });

      // Act
      const { file } = resolveAdapterModule(`tools${subpath.slice(1)}`, { from: dir });

      // Assert
      expect(file).toBe(join(dir, 'node_modules/tools', expected));
    });

    it('takes "main", else index.js, when there is no "exports"', async () => {
      // Arrange
      const dir = await project('main', {
        'node_modules/with-main/package.json': { main: 'lib/adapter' },
        'node_modules/with-main/lib/adapter.js': '',
        'node_modules/without-main/package.json': { name: 'without-main' },
        'node_modules/without-main/index.js': '',
      });

      // Act / Assert
      expect(resolveAdapterModule('with-main', { from: dir }).file).toBe(join(dir, 'node_modules/with-main/lib/adapter.js'));
      expect(resolveAdapterModule('without-main', { from: dir }).file).toBe(join(dir, 'node_modules/without-main/index.js'));
    });

    it('is looked up from each directory in turn', async () => {
      // Arrange
      const empty = await project('first', { '.keep': '' });
      const second = await project('second', { 'node_modules/@acme/queue/index.js': '' });

      // Act
      const { file } = resolveAdapterModule('@acme/queue', { from: [empty, second] });

      // Assert
      expect(file).toBe(join(second, 'node_modules/@acme/queue/index.js'));
    });

    it('that is not installed names every folder it looked in and says how to install it', async () => {
      // Arrange
      const dir = await project('not-installed', { 'package.json': {} });

      // Act
      const error = caught(() => resolveAdapterModule('@acme/harness-dynamodb', { from: dir, origin: '--adapters' }));

      // Assert
      expect(error).toBeInstanceOf(AdapterNotFoundError);
      expect(error.message).toBe(
        `Cannot find the adapter package @acme/harness-dynamodb (--adapters): there is no node_modules/@acme/harness-dynamodb in ${dir} or any folder above it. ` +
          'To fix this, install it: `npm i -D @acme/harness-dynamodb`.',
      );
      expect((error as AdapterNotFoundError).tried).toContain(join(dir, 'node_modules/@acme/harness-dynamodb'));
      expect((error as AdapterNotFoundError).tried).toContain(join(root, 'node_modules/@acme/harness-dynamodb'));
    });

    it('that is a folder where the user stands suggests writing it as a path', async () => {
      // Arrange
      const dir = await project('no-dot', { 'adapters/queue/index.js': '' });

      // Act
      const error = caught(() => resolveAdapterModule('adapters/queue', { from: dir }));

      // Assert
      expect(error.message).toContain(`To fix this, write the path with ./ in front (./adapters/queue) if you mean ${join(dir, 'adapters/queue')}, or install the package: \`npm i -D adapters\`.`);
    });

    it('whose "exports" offer nothing to import says so', async () => {
      // Arrange
      const dir = await project('require-only', {
        'node_modules/cjs-only/package.json': { exports: { require: './index.cjs' } },
        'node_modules/cjs-only/index.cjs': '',
      });

      // Act
      const error = caught(() => resolveAdapterModule('cjs-only', { from: dir }));

      // Assert
      expect(error.message).toBe(
        `cjs-only: the "exports" of ${join(dir, 'node_modules/cjs-only/package.json')} offer no main entry to import (conditions node, import, default). ` +
          'To fix this, add "." with an "import" or "default" target to its "exports".',
      );
    });

    it('whose exported file is not built says to build it', async () => {
      // Arrange
      const dir = await project('unbuilt', { 'node_modules/unbuilt/package.json': { exports: { '.': { import: './dist/index.js' } } } });

      // Act
      const error = caught(() => resolveAdapterModule('unbuilt', { from: dir }));

      // Assert
      expect(error.message).toBe(
        `unbuilt: ${join(dir, 'node_modules/unbuilt/package.json')} exports ./dist/index.js, and ${join(dir, 'node_modules/unbuilt/dist/index.js')} does not exist. To fix this, build the package (or correct its "exports").`,
      );
    });
  });

  describe('a path', () => {
    it.each([
      ['a file', './adapters/queue.mjs', 'adapters/queue.mjs'],
      ['a file without its extension', './adapters/queue', 'adapters/queue.mjs'],
      ['a folder with a package.json', './packaged', 'packaged/dist/adapter.js'],
      ['a folder with an index.js', './plain', 'plain/index.js'],
    ])('may name %s', async (_label, specifier, expected) => {
      // Arrange
      const dir = await project('paths', {
        'adapters/queue.mjs': '',
        'packaged/package.json': { exports: { import: './dist/adapter.js' } },
        'packaged/dist/adapter.js': '',
        'plain/index.js': '',
      });

      // Act
      const resolved = resolveAdapterModule(specifier, { from: [dir, root] });

      // Assert
      expect(resolved).toMatchObject({ kind: 'path', file: join(dir, expected) });
    });

    it('is relative to the first directory; an absolute path or file: URL to none', async () => {
      // Arrange
      const dir = await project('relative', { 'config/adapters/queue.js': '', 'cwd/.keep': '' });
      const file = join(dir, 'config/adapters/queue.js');

      // Act / Assert
      expect(resolveAdapterModule('./adapters/queue.js', { from: [join(dir, 'config'), join(dir, 'cwd')] }).file).toBe(file);
      expect(resolveAdapterModule('../config/adapters/queue.js', { from: join(dir, 'cwd') }).file).toBe(file);
      expect(resolveAdapterModule(file, { from: join(dir, 'cwd') }).file).toBe(file);
      expect(resolveAdapterModule(pathToFileURL(file).href, { from: join(dir, 'cwd') }).file).toBe(file);
    });

    it('that does not exist says where it looked and what it is relative to', async () => {
      // Arrange
      const dir = await project('missing-path', { '.keep': '' });

      // Act
      const error = caught(() => resolveAdapterModule('./adapters/dynamodb', { from: dir, origin: 'adapters.dynamodb.package in harness.config.json' }));

      // Assert
      expect(error).toBeInstanceOf(AdapterNotFoundError);
      expect(error.message).toBe(
        `The adapter path ./adapters/dynamodb (adapters.dynamodb.package in harness.config.json) does not exist: there is no ${join(dir, 'adapters/dynamodb')} (nor with .js, .mjs, .cjs). ` +
          `To fix this, correct the path; it is relative to ${dir}.`,
      );
    });

    it('to a folder without a module says what to add', async () => {
      // Arrange
      const dir = await project('empty-folder', { 'adapters/queue/README.md': '' });

      // Act
      const error = caught(() => resolveAdapterModule('./adapters/queue', { from: dir }));

      // Assert
      expect(error.message).toBe(
        `The adapter folder ./adapters/queue (${join(dir, 'adapters/queue')}) has no package.json and no index.js, index.mjs, index.cjs. ` +
          'To fix this, add a package.json whose "exports" (or "main") names the adapter\'s module, or name the module\'s file itself.',
      );
    });
  });

  it('refuses what is neither a package name nor a path', () => {
    const error = caught(() => resolveAdapterModule('My Adapter', { from: root, origin: '--adapters' }));

    expect(error).toBeInstanceOf(InvalidAdapterModuleError);
    expect(error.message).toBe(
      "'My Adapter' (--adapters) is neither a package name nor a path. To fix this, write a package name (@acme/harness-dynamodb) or a path that starts with ./ or ../ (./adapters/dynamodb).",
    );
  });
});

describe('Class: AdapterRegistry', () => {
  describe('Method: loadModule', () => {
    it.each([
      ['an ESM module', 'esm/index.js', esmAdapter('queue')],
      ['a CommonJS module (exports.harnessAdapter)', 'cjs/index.cjs', esmAdapter('queue').replace('export const harnessAdapter', 'exports.harnessAdapter')],
      [
        'a CommonJS module (module.exports = { harnessAdapter })',
        'cjs-object/index.js',
        `const adapter = ${esmAdapter('queue').replace('export const harnessAdapter = ', '').replace(/;\n$/, '')};\nmodule.exports = { harnessAdapter: adapter };\n`,
      ],
    ])('takes the harnessAdapter export of %s', async (_label, file, source) => {
      // Arrange
      const dir = await project(`load-${file.split('/')[0]}`, { [file]: source, ...(file.startsWith('esm') ? { 'esm/package.json': { type: 'module' } } : {}) });
      const registry = new AdapterRegistry();

      // Act
      const adapter = await registry.loadModule(`./${file.split('/')[0]}`, { from: dir });

      // Assert
      expect(adapter.name).toBe('queue');
      expect(registry.get('queue')).toBe(adapter);
    });

    it('names the exports of a module without harnessAdapter, and the line to add', async () => {
      // Arrange
      const dir = await project('no-export', { 'queue.mjs': `${esmAdapter('queue', 'queueAdapter')}export const version = 1;\n` });

      // Act
      const error = await rejection(new AdapterRegistry().loadModule('./queue.mjs', { from: dir, origin: '--adapters' }));

      // Assert
      expect(error).toBeInstanceOf(InvalidAdapterModuleError);
      expect(error.message).toBe(
        `./queue.mjs (--adapters) does not export a harness adapter as \`harnessAdapter\` (${join(dir, 'queue.mjs')} exports queueAdapter, version). ` +
          'To fix this, add `export const harnessAdapter = queueAdapter;` to it (CommonJS: `exports.harnessAdapter = …`).',
      );
    });

    it('names what a harnessAdapter that is no adapter lacks', async () => {
      // Arrange
      const dir = await project('not-adapter', { 'queue.mjs': "export const harnessAdapter = { name: 'queue', parseConfig: () => ({}) };\n" });

      // Act / Assert
      await expect(new AdapterRegistry().loadModule('./queue.mjs', { from: dir })).rejects.toThrow(
        'The `harnessAdapter` of ./queue.mjs is not a harness adapter: it has no template, artifacts, createApi. To fix this,',
      );
    });

    it('refuses an adapter of another name than the one asked for', async () => {
      // Arrange
      const dir = await project('other-name', { 'ddb.mjs': esmAdapter('ddb') });

      // Act / Assert
      await expect(
        new AdapterRegistry().loadModule('./ddb.mjs', { from: dir, name: 'dynamodb', origin: 'adapters.dynamodb.package in harness.config.json' }),
      ).rejects.toThrow(
        "./ddb.mjs (adapters.dynamodb.package in harness.config.json) exports the adapter 'ddb', not 'dynamodb'. " +
          "To fix this, refer to it as 'ddb' (the adapters.ddb key of harness.config.json), or name the module that exports 'dynamodb'.",
      );
    });

    it('refuses a second, different adapter of a name it has loaded, naming both modules', async () => {
      // Arrange
      const dir = await project('same-name', { 'one.mjs': esmAdapter('queue'), 'two.mjs': esmAdapter('queue') });
      const registry = new AdapterRegistry();
      await registry.loadModule('./one.mjs', { from: dir });

      // Act / Assert
      await expect(registry.loadModule('./two.mjs', { from: dir, origin: '--adapters' })).rejects.toThrow(
        `./two.mjs (--adapters) exports an adapter named 'queue', and another adapter of that name is loaded already (from ./one.mjs, ${join(dir, 'one.mjs')}). ` +
          'To fix this, name each adapter once, or give one of them another name.',
      );
      await expect(registry.loadModule('./one.mjs', { from: dir })).resolves.toBe(registry.get('queue'));
    });

    it('says which package a module that fails to import is missing', async () => {
      // Arrange
      const dir = await project('missing-dependency', { 'queue.mjs': "import '@acme/not-installed';\nexport const harnessAdapter = {};\n" });

      // Act
      const error = await rejection(new AdapterRegistry().loadModule('./queue.mjs', { from: dir }));

      // Assert
      expect(error).toBeInstanceOf(InvalidAdapterModuleError);
      expect(error.message).toMatch(/^Importing the adapter \.\/queue\.mjs from .*queue\.mjs failed: .*@acme\/not-installed.*/);
      expect(error.message).toMatch(/To fix this, install what it imports: `npm i -D @acme\/not-installed`\.$/);
      expect(error.cause).toBeDefined();
    });

    it('says TypeScript must be compiled when Node cannot import a .ts file', async () => {
      // Arrange: Node's own error (vitest itself would compile the file).
      const dir = await project('typescript', { 'queue.ts': 'export const harnessAdapter = {};\n' });
      const registry = new AdapterRegistry(async () => {
        throw Object.assign(new TypeError(`Unknown file extension ".ts" for ${join(dir, 'queue.ts')}`), { code: 'ERR_UNKNOWN_FILE_EXTENSION' });
      });

      // Act / Assert
      await expect(registry.loadModule('./queue.ts', { from: dir })).rejects.toThrow(
        `Node.js cannot import ${join(dir, 'queue.ts')} (./queue.ts): it is TypeScript. To fix this, compile the adapter to JavaScript and name the built file (or a package whose "exports" name it).`,
      );
    });
  });

  describe('Method: load', () => {
    it('imports @harness/<name> from the given directory, or returns the adapter registered under that name', async () => {
      // Arrange
      const dir = await project('scoped', {
        'node_modules/@harness/queue/package.json': { type: 'module', exports: { '.': { import: './index.js' } } },
        'node_modules/@harness/queue/index.js': esmAdapter('queue'),
      });
      const registry = new AdapterRegistry();

      // Act
      const loaded = await registry.load('queue', undefined, { from: dir });
      const again = await registry.load('queue');

      // Assert
      expect(loaded.name).toBe('queue');
      expect(again).toBe(loaded);
    });
  });
});
