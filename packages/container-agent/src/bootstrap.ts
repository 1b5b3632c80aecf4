/**
 * The entry point of an ECS task double's container (`node -e <this, minified> --`).
 * Fetches the agent from S3 with the task role, refuses it unless its SHA-256
 * is the one pinned in the task definition, then runs it with the container's
 * command. Kept small: it travels inside every task definition.
 */
import { compileFunction } from 'node:vm';
import type { AGENT_EXIT_CODES, HARNESS_ENV } from '@harness/core/protocol';
import { createAwsContext, s3GetObject } from './aws.js';
import { sha256Hex } from './sigv4.js';

// The protocol's names and codes, checked against it by the compiler but not
// bundled: the whole HARNESS_ENV and AGENT_EXIT_CODES objects would add ~400
// bytes to every task definition.
const AGENT_BUCKET: typeof HARNESS_ENV.agentBucket = 'HARNESS_AGENT_BUCKET';
const AGENT_KEY: typeof HARNESS_ENV.agentKey = 'HARNESS_AGENT_KEY';
const AGENT_SHA256: typeof HARNESS_ENV.agentSha256 = 'HARNESS_AGENT_SHA256';
const DOUBLE: typeof HARNESS_ENV.double = 'HARNESS_DOUBLE';
const LOG_LEVEL: typeof HARNESS_ENV.logLevel = 'HARNESS_LOG_LEVEL';
const INTERNAL_ERROR: typeof AGENT_EXIT_CODES.internalError = 70;
const INTEGRITY_ERROR: typeof AGENT_EXIT_CODES.integrityError = 77;

const REDEPLOY = ' To fix this, run `npx harness deploy` again.';

const env = process.env;
const double = env[DOUBLE];

function log(level: 'error' | 'debug', message: string, fields?: Record<string, unknown>): void {
  if (level === 'debug' && env[LOG_LEVEL] !== 'debug') return;
  console.log(JSON.stringify({ time: new Date().toISOString(), level, message, component: 'bootstrap', double, ...fields }));
}

async function bootstrap(): Promise<number> {
  const bucket = env[AGENT_BUCKET];
  const key = env[AGENT_KEY];
  const pinned = env[AGENT_SHA256]?.toLowerCase();
  if (!bucket || !key || !pinned || !/^[0-9a-f]{64}$/.test(pinned)) {
    log('error', `${AGENT_BUCKET}, ${AGENT_KEY} and ${AGENT_SHA256} (64 hex digits) must be set.${REDEPLOY}`);
    return INTERNAL_ERROR;
  }
  const location = `s3://${bucket}/${key}`;
  const aws = createAwsContext(env);
  let body: Uint8Array;
  try {
    body = await s3GetObject(aws, bucket, key);
  } catch (error) {
    log('error', `could not fetch the container agent from ${location}: ${(error as Error).message}`, { bucket, key });
    return INTERNAL_ERROR;
  }
  const actual = sha256Hex(body);
  if (actual !== pinned) {
    log(
      'error',
      `refusing to run the container agent from ${location}: its SHA-256 is ${actual}, not the pinned ${pinned}.${REDEPLOY}`,
      { bucket, key, expectedSha256: pinned, actualSha256: actual },
    );
    return INTEGRITY_ERROR;
  }
  log('debug', 'agent verified', { bucket, key });
  // The agent is a CommonJS file (dist/agent.cjs), compiled from the verified bytes in memory, with the
  // exports, require and module a CommonJS module gets: nothing is written to disk between the check and
  // the run, and no ES module loader starts (its start-up and an import cost ~8 ms of CPU per container).
  // Its stack frames name the S3 object it came from.
  const agentModule = { exports: {} as { main?: (command: string[], environment: typeof env, options: typeof aws) => Promise<number> } };
  compileFunction(Buffer.from(body).toString('utf8'), ['exports', 'require', 'module'], { filename: location })(agentModule.exports, require, agentModule);
  const agent = agentModule.exports;
  if (typeof agent.main !== 'function') throw new Error(`${location} exports no main()`);
  // `node -e <script> -- a b` → process.argv is [node, 'a', 'b']. The context goes along as the agent's
  // options (its `fetch` and `credentials`): the agent need not ask the credentials endpoint again.
  return agent.main(process.argv.slice(1), env, aws);
}

bootstrap().then(
  (code) => process.exit(code),
  (error: Error) => {
    log('error', `the bootstrap failed: ${error.message}`);
    process.exit(INTERNAL_ERROR);
  },
);
