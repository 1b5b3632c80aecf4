import { defineConfig } from 'tsup';

// Three entry points: the framework-neutral matchers, and a setup module per
// test framework (each registers the matchers and augments its types).
export default defineConfig({
  entry: ['src/index.ts', 'src/vitest.ts', 'src/jest.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
