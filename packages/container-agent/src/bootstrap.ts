/**
 * The entry point of an ECS task double's container (`node -e <this, minified> --`).
 * Fetches the agent from S3 with the task role, refuses it unless its SHA-256
 * is the one pinned in the task definition, then runs it with the container's
 * command. Kept small: it travels inside every task definition.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AGENT_EXIT_CODES, HARNESS_ENV } from '@harness/core/protocol';
import { createAwsContext, s3GetObject } from './aws.js';
import { sha256Hex } from './sigv4.js';

function log(level: 'error' | 'debug', message: string, fields: Record<string, unknown>): void {
  if (level === 'debug' && process.env[HARNESS_ENV.logLevel] !== 'debug') return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, component: 'bootstrap', ...fields })}\n`);
}

async function bootstrap(): Promise<number> {
  const env = process.env;
  const bucket = env[HARNESS_ENV.agentBucket];
  const key = env[HARNESS_ENV.agentKey];
  const pinned = env[HARNESS_ENV.agentSha256]?.toLowerCase();
  const double = env[HARNESS_ENV.double];
  if (!bucket || !key || !pinned || !/^[0-9a-f]{64}$/.test(pinned)) {
    log('error', `${HARNESS_ENV.agentBucket}, ${HARNESS_ENV.agentKey} and ${HARNESS_ENV.agentSha256} (64 hex digits) must be set; the task definition of the double sets them. To fix this, run \`harness deploy\` again.`, {
      double,
    });
    return AGENT_EXIT_CODES.internalError;
  }
  const location = `s3://${bucket}/${key}`;
  let body: Uint8Array;
  try {
    body = await s3GetObject(createAwsContext(env), bucket, key);
  } catch (error) {
    log('error', `could not fetch the container agent from ${location}: ${(error as Error).message}`, { double, bucket, key });
    return AGENT_EXIT_CODES.internalError;
  }
  const actual = sha256Hex(body);
  if (actual !== pinned) {
    log(
      'error',
      `refusing to run the container agent from ${location}: its SHA-256 is ${actual}, the task definition pins ${pinned}. To fix this, run \`harness deploy\` again so the uploaded agent and the pinned hash agree.`,
      { double, bucket, key, expectedSha256: pinned, actualSha256: actual },
    );
    return AGENT_EXIT_CODES.integrityError;
  }
  // Containers of one host may share the temporary directory: write aside, then rename (atomic).
  const file = join(tmpdir(), `harness-agent-${actual}.mjs`);
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, body);
  renameSync(partial, file);
  log('debug', 'agent verified', { double, location, sha256: actual, bytes: body.byteLength, file });
  const agent = (await import(pathToFileURL(file).href)) as { main?: (command: string[]) => Promise<number> };
  if (typeof agent.main !== 'function') throw new Error(`the agent at ${location} exports no main()`);
  // `node -e <script> -- a b` → process.argv is [node, 'a', 'b'].
  return agent.main(process.argv.slice(1));
}

bootstrap().then(
  (code) => process.exit(code),
  (error: Error) => {
    log('error', `the bootstrap failed: ${error.message}`, { double: process.env[HARNESS_ENV.double] });
    process.exit(AGENT_EXIT_CODES.internalError);
  },
);
