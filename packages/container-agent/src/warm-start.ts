/**
 * A container process started ahead of its task (`node -e <this> ` with an
 * empty environment, a pipe on fd 3): it boots Node.js and loads the
 * built-ins the bootstrap and the agent use, then waits. The local task
 * runner hands it one task on fd 3 (one JSON object, then end of file):
 *
 *   { "args": ["-e", "<the container's script>", "--", "<command>", …], "env": { … } }
 *
 * and it becomes that container, as `node -e <script> -- <command>` would
 * have started: `process.env` is replaced by the task's environment (nothing
 * of its own is left), `process.argv` is `[node, …command]`,
 * `process.execArgv` is `['-e', script]`, and the script runs as node runs
 * `-e` code (a `[eval]` script with `require`, `module`, `__filename`, and
 * `import()`). It serves that one task and exits as the task does. End of
 * file with nothing read (the pool closing, or its parent gone) makes it exit 0,
 * so a pool's processes never outlive the test process; a pipe that fails or
 * ends after part of a hand-off makes it exit 70, with the reason on stderr.
 *
 * Only node's `-e` form is handed over; the runner starts anything else
 * (another program, node options, environment variables node reads at
 * start-up such as `NODE_OPTIONS` or `LANG`) as a fresh process.
 *
 * Built as the IIFE `dist/warm-start.cjs`: `-e` code shares the global scope
 * with the task's script, so it declares nothing there.
 */
import Module from 'node:module';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { Script, constants as vmConstants } from 'node:vm';

/** What the runner hands over. */
export interface WarmStartHandoff {
  /** What follows `node` on the command line: `-e`, the script, then the script's arguments (after an optional `--`). */
  readonly args: readonly string[];
  /** The container's whole environment. */
  readonly env: Readonly<Record<string, string>>;
}

// The built-ins the bootstrap and the agent load: loaded now, they cost the task nothing.
for (const name of ['node:http', 'node:https', 'node:crypto', 'node:fs', 'node:os', 'node:url', 'node:path']) require(name);

// import() as node's own `-e` code has it (Node.js ≥ 20.12). Node.js 20 warns once per process, at the
// first import() through this option, that it is experimental; node's `-e` does not warn. So the warning is
// spent here, before the task: one import() whose warning is caught as it is emitted. Node records a warning
// as given before it emits it (lib/internal/util.js, emitExperimentalWarning), and the throw rejects that
// import() before it reaches the ES module loader: the loader starts only if the task itself imports, as
// in `node -e`, and a task that does not (the bootstrap) is spared its start-up, ~6 ms of CPU.
const loader = vmConstants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
let ready: Promise<void> = Promise.resolve();
if (loader) {
  const emitWarning = process.emitWarning;
  const spent = new Error('warm-start: the import() warning is spent');
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(typeof warning === 'string' ? warning : warning.message).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) throw spent;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  const restore = (): void => {
    process.emitWarning = emitWarning;
  };
  try {
    const imported = new Script('import("node:fs")', { filename: '[warm-start]', importModuleDynamically: loader }).runInThisContext() as Promise<unknown>;
    ready = imported.then(restore, restore);
  } catch {
    // A Node.js that raises the warning before import() returns its promise: spent all the same.
    restore();
  }
}

const chunks: Buffer[] = [];
const channel = new Socket({ fd: 3, readable: true, writable: false });
channel.on('data', (chunk: Buffer) => chunks.push(chunk));
// With nothing read, the pool closed (or its parent is gone): not a task, exit 0. After part of a
// hand-off, the task was lost on the way: exit 70 (internal error), saying so, never 0 (success).
const giveUp = (what: string): never => {
  if (chunks.length === 0) process.exit(0);
  process.stderr.write(`warm-start: ${what} after ${Buffer.concat(chunks).length} bytes of the hand-off; the task did not start\n`);
  process.exit(70);
};
channel.on('error', (error) => giveUp(`the hand-off pipe failed (${error.message})`));
channel.on('end', () => {
  channel.destroy();
  if (chunks.length === 0) process.exit(0);
  let handoff: WarmStartHandoff;
  try {
    handoff = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WarmStartHandoff;
  } catch (error) {
    return giveUp(`the hand-off is not JSON (${(error as Error).message})`);
  }
  // From a tick of its own, so that the script's throw is an uncaught exception, as in `node -e`.
  void ready.then(() => process.nextTick(becomeTask, handoff));
});

function becomeTask(handoff: WarmStartHandoff): void {
  const [flag, script, ...rest] = handoff.args;
  if ((flag !== '-e' && flag !== '--eval') || typeof script !== 'string') {
    process.stderr.write(`warm-start: the runner handed over ${JSON.stringify(handoff.args.slice(0, 1))}; only \`-e <script>\` can be handed over\n`);
    process.exit(70);
  }
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, handoff.env);
  // `node -e code -- a b` → argv [node, a, b], execArgv ['-e', code].
  process.argv.splice(0, process.argv.length, process.execPath, ...(rest[0] === '--' ? rest.slice(1) : rest));
  process.execArgv.splice(0, process.execArgv.length, flag, script);
  // As node runs `-e` code (lib/internal/process/execution.js, evalScript): a `[eval]` module in the
  // working directory whose `module`, `exports`, `__dirname` and `require` are globals while the script runs.
  const cwd = process.cwd();
  const module = new Module('[eval]') as Module & { _compile(content: string, filename: string): (main: () => unknown) => unknown };
  module.filename = join(cwd, '[eval]');
  module.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(cwd);
  const compiled = compile(script);
  const globals = globalThis as Record<string, unknown>;
  const previousModule = globals.module;
  globals.__filename = '[eval]';
  module._compile(WRAPPER, '[eval]-wrapper')(() => compiled.runInThisContext());
  if (previousModule !== undefined) globals.module = previousModule;
}

const WRAPPER = `
globalThis.module = module;
globalThis.exports = exports;
globalThis.__dirname = __dirname;
globalThis.require = require;
return (main) => main();
`;

function compile(script: string): Script {
  return new Script(script, { filename: '[eval]', ...(loader ? { importModuleDynamically: loader } : {}) });
}
