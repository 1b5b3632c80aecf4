import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { HarnessAsymmetricMatchers, HarnessMatchers } from './assertions.js';
import { doubleMatchers, executionMatchers } from './matchers.js';
import { createExecutionSnapshotMatcher, type SnapshotMatcher } from './snapshot.js';

/**
 * `toMatchExecutionSnapshot` on jest's snapshot state: jest-snapshot's
 * `toMatchSnapshot` (jest ships it), found from the project's directory when first used.
 */
export const toMatchExecutionSnapshot = createExecutionSnapshotMatcher(() => {
  const require = createRequire(join(process.cwd(), 'package.json'));
  return (require('jest-snapshot') as { toMatchSnapshot: SnapshotMatcher }).toMatchSnapshot;
});

/** Every harness matcher, as `expect.extend` takes them. */
export const harnessMatchers = { ...executionMatchers, ...doubleMatchers, toMatchExecutionSnapshot };

interface JestExpect {
  extend(matchers: Record<string, unknown>): void;
}

const globalExpect = (globalThis as { expect?: JestExpect }).expect;
if (typeof globalExpect?.extend !== 'function') {
  throw new Error(
    '@harness/matchers/jest registers its matchers on jest\'s global expect, and there is none here. To fix this, list it in setupFilesAfterEnv of your jest config (setupFilesAfterEnv: [\'@harness/matchers/jest\']), or in vitest use @harness/matchers/vitest.',
  );
}
globalExpect.extend(harnessMatchers);

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> extends HarnessMatchers<T, R> {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Expect extends HarnessAsymmetricMatchers {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface InverseAsymmetricMatchers extends HarnessAsymmetricMatchers {}
  }
}
