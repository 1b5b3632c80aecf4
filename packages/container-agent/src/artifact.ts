import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentArtifactMissingError } from './errors.js';
import { sha256Hex } from './sigv4.js';

// Replaced by the build with the minified bootstrap (see tsup.config.ts).
declare const __HARNESS_BOOTSTRAP_SCRIPT__: string | undefined;

/** The built agent and its SHA-256, ready to upload and pin. */
export interface AgentArtifact {
  /** The bytes of `dist/agent.cjs`. */
  readonly body: Uint8Array;
  /** Hex SHA-256 of `body`: the value of `HARNESS_AGENT_SHA256`. */
  readonly sha256: string;
}

// dist/index.js, dist/index.cjs → dist; src/*.ts (tests run the sources) → ../dist.
function distDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(here) === 'dist' ? here : join(here, '..', 'dist');
}

function readBuilt(file: string): Buffer {
  const path = join(distDirectory(), file);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AgentArtifactMissingError(path, { cause: error });
  }
}

/**
 * Absolute path of the built agent, `dist/agent.cjs`: a single CommonJS file
 * with no dependency, runnable as `node agent.cjs <command…>`. It is the
 * artifact: the bootstrap compiles these bytes in memory. (`dist/agent.mjs`
 * is the same program as an ES module, for `import()` in-process.)
 *
 * @example
 * spawn(process.execPath, [agentArtifactPath(), '--order', 'o-1'], { env });
 */
export function agentArtifactPath(): string {
  return join(distDirectory(), 'agent.cjs');
}

/**
 * Reads the built agent and hashes it: what `harness deploy` uploads to the
 * artifacts bucket and pins in the task definition.
 *
 * @throws {AgentArtifactMissingError} when the package has not been built.
 *
 * @example
 * const { body, sha256 } = readAgentArtifact();
 * await s3.send(new PutObjectCommand({ Bucket, Key: `agent/${sha256}.cjs`, Body: body }));
 */
export function readAgentArtifact(): AgentArtifact {
  const body = new Uint8Array(readBuilt('agent.cjs'));
  return { body, sha256: sha256Hex(body) };
}

/**
 * The minified bootstrap, a CommonJS script for `node -e`. It reads
 * `HARNESS_AGENT_BUCKET`, `HARNESS_AGENT_KEY` and `HARNESS_AGENT_SHA256`, fetches
 * the agent from S3 (SigV4 with the task role), refuses it (exit 77) unless
 * its SHA-256 is the pinned one, then runs it with the container's command.
 */
export const BOOTSTRAP_SCRIPT: string =
  typeof __HARNESS_BOOTSTRAP_SCRIPT__ === 'string' ? __HARNESS_BOOTSTRAP_SCRIPT__ : readBuilt('bootstrap.cjs').toString('utf8').trim();

/**
 * The `entryPoint` of an ECS double's container: `['node', '-e', BOOTSTRAP_SCRIPT, '--']`.
 * RunTask cannot override an entry point, and the trailing `--` makes the
 * container's command reach the agent intact (`node -e code -- --order o-1`
 * gives `process.argv` = `[node, '--order', 'o-1']`).
 *
 * @example
 * containerDefinitions: [{ name: 'Main', image: 'node:20-slim', entryPoint: bootstrapEntryPoint(), command: ['--order', 'o-1'] }]
 */
export function bootstrapEntryPoint(): string[] {
  return ['node', '-e', BOOTSTRAP_SCRIPT, '--'];
}
