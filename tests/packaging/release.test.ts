// tools/release/npm-version-actions.cjs: how `nx release version` reads and
// writes the published packages' versions (nx.json `release.version`).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { ProjectGraph } from 'nx/src/devkit-exports';
import type { Tree } from 'nx/src/generators/tree';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '../..');

interface VersionActionsLike {
  init(tree: Tree): Promise<void>;
  readCurrentVersionFromSourceManifest(tree: Tree): Promise<{ currentVersion: string; manifestPath: string }>;
  readCurrentVersionOfDependency(tree: Tree, graph: ProjectGraph, dependency: string): Promise<{ currentVersion: string | null; dependencyCollection: string | null }>;
  updateProjectVersion(tree: Tree, version: string): Promise<string[]>;
  updateProjectDependencies(tree: Tree, graph: ProjectGraph, dependencies: Record<string, string>): Promise<string[]>;
}
type VersionActionsClass = new (group: unknown, node: unknown, config: unknown) => VersionActionsLike;

const NpmVersionActions = require(resolve(root, 'tools/release/npm-version-actions.cjs')) as VersionActionsClass;
const { createTree } = require('nx/src/generators/testing-utils/create-tree') as { createTree(): Tree };
const { readJson, writeJson } = require('nx/src/devkit-exports') as {
  readJson<T>(tree: Tree, path: string): T;
  writeJson(tree: Tree, path: string, value: unknown): void;
};

function node(name: string, root: string): ProjectGraph['nodes'][string] {
  return { name, type: 'lib', data: { root, metadata: { js: { packageName: name } } } } as ProjectGraph['nodes'][string];
}

const graph = {
  nodes: { '@harness/core': node('@harness/core', 'packages/core'), '@harness/cli': node('@harness/cli', 'packages/cli') },
  dependencies: {},
} as ProjectGraph;

async function cliActions(): Promise<{ tree: Tree; actions: VersionActionsLike }> {
  const tree = createTree();
  writeJson(tree, 'packages/cli/package.json', {
    name: '@harness/cli',
    version: '0.1.0',
    dependencies: { yargs: '^18.0.0' },
    peerDependencies: { '@harness/core': '^0.1.0' },
    devDependencies: { '@harness/core': '^0.1.0', '@harness/testing': '*' },
  });
  const actions = new NpmVersionActions({ name: '__default__' }, graph.nodes['@harness/cli'], {
    manifestRootsToUpdate: [],
    preserveLocalDependencyProtocols: true,
  });
  await actions.init(tree);
  return { tree, actions };
}

describe('Class: NpmVersionActions', () => {
  it('reads the current version from package.json', async () => {
    const { tree, actions } = await cliActions();

    expect(await actions.readCurrentVersionFromSourceManifest(tree)).toEqual({ currentVersion: '0.1.0', manifestPath: 'packages/cli/package.json' });
  });

  it('reads a dependency range from the first collection that names it', async () => {
    const { tree, actions } = await cliActions();

    expect(await actions.readCurrentVersionOfDependency(tree, graph, '@harness/core')).toEqual({ currentVersion: '^0.1.0', dependencyCollection: 'peerDependencies' });
  });

  it('writes the new version, and the new range wherever a released package is named; "*" stays', async () => {
    const { tree, actions } = await cliActions();

    await actions.updateProjectVersion(tree, '0.2.0');
    const messages = await actions.updateProjectDependencies(tree, graph, { '@harness/core': '^0.2.0' });

    expect(readJson(tree, 'packages/cli/package.json')).toEqual({
      name: '@harness/cli',
      version: '0.2.0',
      dependencies: { yargs: '^18.0.0' },
      peerDependencies: { '@harness/core': '^0.2.0' },
      devDependencies: { '@harness/core': '^0.2.0', '@harness/testing': '*' },
    });
    expect(messages).toEqual([
      '✍️  packages/cli/package.json: peerDependencies.@harness/core ^0.1.0 → ^0.2.0, devDependencies.@harness/core ^0.1.0 → ^0.2.0',
    ]);
  });

  it('is still needed: @nx/js, whose version actions nx uses by default, is not installed', () => {
    // When this fails, @nx/js is installed: delete tools/release and `release.version.versionActions` in nx.json.
    expect(() => require.resolve('@nx/js/src/release/version-actions', { paths: [root] })).toThrow(/Cannot find module/);
  });
});
