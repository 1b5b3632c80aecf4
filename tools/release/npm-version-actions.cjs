// How `nx release version` reads and writes the published packages' versions.
//
// Why this file exists: nx delegates versioning to a "version actions"
// module, by default the one in @nx/js. @nx/js would be a dependency the size
// of Babel for what is, for this repository, a few JSON edits, and the npm
// registry serves no @nx/js matching the nx version in use. This module does
// what @nx/js's does for an npm workspace, no more:
// - the current version is package.json's `version` (or the registry's, when
//   `currentVersionResolver` is `registry`);
// - a new version is written to the project's package.json;
// - every other released package that names it, in `dependencies`,
//   `peerDependencies`, `optionalDependencies` or `devDependencies`, gets the
//   new range (`^<version>`, the prefix the range already had);
// - after all projects, package-lock.json is refreshed (`npm install
//   --package-lock-only`), so the workspace still links the new versions.
//
// If @nx/js becomes available in the nx version in use, delete this file and
// `release.version.versionActions` in nx.json: the default takes over.
'use strict';

const { execFile } = require('node:child_process');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { VersionActions } = require('nx/release');
const { readJson, updateJson } = require('nx/src/devkit-exports');

const DEPENDENCY_COLLECTIONS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];
const run = promisify(execFile);

/** The npm package name of a project of the graph (its package.json `name`). */
function packageNameOf(projectGraph, projectName) {
  const name = projectGraph.nodes[projectName]?.data.metadata?.js?.packageName;
  if (!name) {
    throw new Error(`nx release: project ${projectName} has no package name in the project graph. To fix this, give it a package.json with a "name".`);
  }
  return name;
}

class NpmVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  manifestPath() {
    return join(this.projectGraphNode.data.root, 'package.json');
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = this.manifestPath();
    const { version } = readJson(tree, manifestPath);
    if (typeof version !== 'string') {
      throw new Error(`nx release: ${manifestPath} has no "version". To fix this, set one (e.g. "0.1.0").`);
    }
    return { currentVersion: version, manifestPath };
  }

  async readCurrentVersionFromRegistry(tree, metadata) {
    const { name } = readJson(tree, this.manifestPath());
    const tag = typeof metadata?.tag === 'string' ? metadata.tag : 'latest';
    const args = ['view', `${name}@${tag}`, 'version'];
    if (typeof metadata?.registry === 'string') args.push(`--registry=${metadata.registry}`);
    let currentVersion = null;
    try {
      currentVersion = (await run('npm', args)).stdout.trim() || null;
    } catch {
      // Not published yet (E404): nx release then falls back as configured (`fallbackCurrentVersionResolver`).
    }
    return { currentVersion, logText: `npm view ${args.slice(1).join(' ')}` };
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifest = readJson(tree, this.manifestPath());
    const dependencyName = packageNameOf(projectGraph, dependencyProjectName);
    for (const collection of DEPENDENCY_COLLECTIONS) {
      const range = manifest[collection]?.[dependencyName];
      if (typeof range === 'string') return { currentVersion: range, dependencyCollection: collection };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const messages = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      updateJson(tree, manifestPath, (manifest) => ({ ...manifest, version: newVersion }));
      messages.push(`✍️  New version ${newVersion} written to ${manifestPath}`);
    }
    return messages;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const updates = Object.entries(dependenciesToUpdate).map(([project, range]) => [packageNameOf(projectGraph, project), range]);
    if (updates.length === 0) return [];
    const messages = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const changed = [];
      updateJson(tree, manifestPath, (manifest) => {
        for (const collection of DEPENDENCY_COLLECTIONS) {
          for (const [name, range] of updates) {
            const current = manifest[collection]?.[name];
            // "*" is how private workspace packages are named: any version links, nothing to update.
            if (typeof current !== 'string' || current === '*' || current === range) continue;
            manifest[collection][name] = range;
            changed.push(`${collection}.${name} ${current} → ${range}`);
          }
        }
        return manifest;
      });
      if (changed.length > 0) messages.push(`✍️  ${manifestPath}: ${changed.join(', ')}`);
    }
    return messages;
  }
}

/** Keeps package-lock.json in step with the new versions, so `npm ci` still links the workspace packages. */
async function afterAllProjectsVersioned(cwd, { dryRun }) {
  if (dryRun) return { changedFiles: [], deletedFiles: [] };
  await run('npm', ['install', '--package-lock-only', '--ignore-scripts'], { cwd });
  return { changedFiles: ['package-lock.json'], deletedFiles: [] };
}

module.exports = NpmVersionActions;
module.exports.default = NpmVersionActions;
module.exports.afterAllProjectsVersioned = afterAllProjectsVersioned;
