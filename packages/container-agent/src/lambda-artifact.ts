import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentArtifactMissingError } from './errors.js';
import { sha256Hex } from './sigv4.js';
import { zipSingleFile } from './zip.js';

/** The file inside the Lambda double's zip; `Handler: lambda-double.handler` names it. */
export const LAMBDA_DOUBLE_FILE = 'lambda-double.mjs';

/** The Lambda function double's code, zipped, and the zip's SHA-256. */
export interface LambdaArtifact {
  /** A ZIP archive holding `lambda-double.mjs` (`dist/lambda-double.mjs`, byte for byte). */
  readonly body: Uint8Array;
  /** Hex SHA-256 of `body`. */
  readonly sha256: string;
}

// dist/index.js, dist/index.cjs → dist; src/*.ts (tests run the sources) → ../dist.
function distDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(here) === 'dist' ? here : join(here, '..', 'dist');
}

/**
 * Absolute path of the built Lambda double, `dist/lambda-double.mjs`: a single
 * ES module with no dependency whose `handler` is the function's entry point.
 *
 * @example
 * const { handler } = await import(pathToFileURL(lambdaDoublePath()).href);
 */
export function lambdaDoublePath(): string {
  return join(distDirectory(), LAMBDA_DOUBLE_FILE);
}

let cached: { source: Buffer; artifact: LambdaArtifact } | undefined;

/**
 * The Lambda double as Lambda takes it: `dist/lambda-double.mjs` in a
 * deterministic ZIP archive (same file, same bytes), with its SHA-256 for a
 * content-addressed S3 key.
 *
 * @throws {AgentArtifactMissingError} when the package has not been built.
 *
 * @example
 * const { body, sha256 } = readLambdaArtifact();
 * await s3.send(new PutObjectCommand({ Bucket, Key: `agents/lambda-double-${sha256}.zip`, Body: body }));
 */
export function readLambdaArtifact(): LambdaArtifact {
  const path = lambdaDoublePath();
  let source: Buffer;
  try {
    source = readFileSync(path);
  } catch (error) {
    throw new AgentArtifactMissingError(path, { cause: error });
  }
  if (!cached || !cached.source.equals(source)) {
    const body = zipSingleFile(LAMBDA_DOUBLE_FILE, source);
    cached = { source, artifact: { body, sha256: sha256Hex(body) } };
  }
  return cached.artifact;
}
