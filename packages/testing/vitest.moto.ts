import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The vitest config of every suite that talks AWS protocols to a real moto
 * server on loopback: one server per run, started by the global setup and
 * stopped after it; the AWS SDK in each test file is pointed at it.
 *
 * @param include - the suite's test files
 * @param overrides - merged on top (aliases, timeouts)
 */
export function motoSuiteConfig(include: string[], overrides: ViteUserConfig = {}): ViteUserConfig {
  return mergeConfig(
    defineConfig({
      test: {
        include,
        globalSetup: [here('./src/moto-global-setup.ts')],
        setupFiles: [here('./src/moto-env.ts')],
        testTimeout: 60_000,
        hookTimeout: 120_000,
        fileParallelism: false,
      },
    }),
    overrides,
  );
}
