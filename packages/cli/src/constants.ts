/**
 * How every message tells the user to run harness: `npx harness deploy`, never a bare `harness deploy`.
 *
 * `npx harness` works wherever this CLI can be installed: npx runs the
 * `node_modules/.bin/harness` of the working directory or of a parent
 * directory, else the global one (libnpmexec checks both before it would
 * download anything), and under `npm run` too. It also runs the version the
 * project pins. A bare `harness` works only when a global install (possibly
 * of another version) is on PATH, and the CLI cannot tell reliably whether
 * that is so: under npx and npm scripts PATH already holds
 * `node_modules/.bin`, and on Windows `process.argv[1]` is the same
 * `…/node_modules/@harness/cli/dist/bin.js` for local and global installs.
 */
export const HARNESS_COMMAND = 'npx harness';

/**
 * The adapters harness publishes, as `@harness/<name>`: the CLI's optional
 * peer dependencies (a unit test keeps the two lists equal). Any other short
 * name in `--adapters` or harness.config.json is the user's own adapter, which
 * needs a `"package"` (a package name or a path); the CLI never tells anyone
 * to install an `@harness/<name>` that does not exist.
 */
export const BUILT_IN_ADAPTERS: readonly string[] = ['ecs', 'lambda', 'stepfunctions'];

/** The @harness packages a command loads when it runs (`harness coverage`, `harness moto`): optional peer dependencies too. */
export const COMMAND_PACKAGES: readonly string[] = ['coverage', 'moto'];
