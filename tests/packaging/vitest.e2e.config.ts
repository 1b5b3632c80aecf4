import { defineConfig } from 'vitest/config';

// The packaging test (packaging.test.ts): npm pack, npm install from the
// tarballs into fresh projects, and runs there. The two installs (in parallel)
// take most of its time: about 9 s with an empty npm cache, 5 s with a warm one.
export default defineConfig({
  test: {
    include: ['packaging.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    passWithNoTests: false,
  },
});
