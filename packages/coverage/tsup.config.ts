import { defineConfig } from 'tsup';

export default defineConfig({
  // `reporter` is also an entry of its own: vitest can load it by name ('@harness/coverage/reporter').
  entry: ['src/index.ts', 'src/reporter.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
