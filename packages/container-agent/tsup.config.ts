import { readFileSync, rmSync } from 'node:fs';
import { build, defineConfig, type Options } from 'tsup';

// Everything the agent and the bootstrap run must be inlined: they run in a
// bare node:20-slim container with no node_modules. The wire format comes from
// @harness/core's source (tsconfig `paths`), so this package builds whether or
// not core has been built, and always from the protocol it was typechecked against.
const shared: Options = {
  platform: 'node',
  target: 'node20',
  noExternal: ['@harness/core'],
  clean: false,
  silent: true,
  removeNodeProtocol: false,
};

export default defineConfig(async (): Promise<Options[]> => {
  rmSync('dist', { recursive: true, force: true });

  // The bootstrap first: the index inlines its text. CommonJS, because
  // `node -e` evaluates a script (no top-level await, `require` available).
  await build({
    ...shared,
    config: false,
    entry: { bootstrap: 'src/bootstrap.ts' },
    format: ['cjs'],
    minify: true,
    sourcemap: false,
    dts: false,
    outExtension: () => ({ js: '.cjs' }),
  });
  const bootstrapScript = readFileSync('dist/bootstrap.cjs', 'utf8').trim();

  // The warm-start script of the local runner's process pool (`node -e`, like the bootstrap). An IIFE:
  // `-e` code shares the global scope with the task's script that runs after it.
  await build({
    ...shared,
    config: false,
    entry: { 'warm-start': 'src/warm-start.ts' },
    format: ['iife'],
    minify: true,
    sourcemap: false,
    dts: false,
    outExtension: () => ({ js: '.cjs' }),
  });
  const warmStartScript = readFileSync('dist/warm-start.cjs', 'utf8').trim();

  return [
    {
      ...shared,
      entry: { index: 'src/index.ts' },
      format: ['esm', 'cjs'],
      dts: true,
      sourcemap: true,
      // import.meta.url in the CommonJS build (agentArtifactPath).
      shims: true,
      define: { __HARNESS_BOOTSTRAP_SCRIPT__: JSON.stringify(bootstrapScript), __HARNESS_WARM_START_SCRIPT__: JSON.stringify(warmStartScript) },
    },
    {
      ...shared,
      // The agent twice, from one source, readable in a stack trace (not minified), with no import but
      // node: built-ins. `agent.cjs` is the artifact: what `harness deploy` uploads and pins, and what the
      // bootstrap compiles from memory; as CommonJS it needs no ES module loader, whose start-up and
      // import cost a container ~8 ms of CPU. `agent.mjs` is the same program as an ES module, for
      // `import()` in-process and `node agent.mjs`.
      entry: { agent: 'src/agent.ts' },
      format: ['esm', 'cjs'],
      splitting: false,
      sourcemap: false,
      dts: false,
      outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.mjs' }),
    },
    {
      ...shared,
      // The Lambda double: the same single-file shape, zipped at deploy time by readLambdaArtifact.
      entry: { 'lambda-double': 'src/lambda-double.ts' },
      format: ['esm'],
      splitting: false,
      sourcemap: false,
      dts: false,
      outExtension: () => ({ js: '.mjs' }),
    },
  ];
});
