import { fileURLToPath } from 'node:url';

/** The repository's root: `--adapters ./tests/fixtures/queue-adapter` is relative to it. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * A user's own adapter outside packages/ (plain ESM JavaScript against
 * @harness/core, no build step): SQS queue doubles named `queue`.
 */
export const QUEUE_ADAPTER_FIXTURE = fileURLToPath(new URL('../../../../tests/fixtures/queue-adapter/', import.meta.url)).replace(/[\\/]$/, '');

/** The same folder as the `--adapters` path from {@link REPO_ROOT}. */
export const QUEUE_ADAPTER_PATH = './tests/fixtures/queue-adapter';
