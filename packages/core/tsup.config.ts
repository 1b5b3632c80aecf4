import { defineConfig } from 'tsup';

export default defineConfig({
  // `testing` is the adapter test kit (`@harness/core/testing`): an entry of its own, so the main entry never loads it.
  entry: { index: 'src/index.ts', protocol: 'src/protocol.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
