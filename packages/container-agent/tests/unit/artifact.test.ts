import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AgentArtifactMissingError,
  AwsRequestError,
  BOOTSTRAP_SCRIPT,
  ContainerAgentError,
  agentArtifactPath,
  bootstrapEntryPoint,
  readAgentArtifact,
} from '../../src/index.js';

// These read the built dist/ (the test target depends on the build).
describe('Function: agentArtifactPath', () => {
  it('is the absolute path of dist/agent.cjs', () => {
    // Act
    const path = agentArtifactPath();

    // Assert
    expect(isAbsolute(path)).toBe(true);
    expect(path.replaceAll('\\', '/')).toMatch(/\/packages\/container-agent\/dist\/agent\.cjs$/);
  });
});

describe('Function: readAgentArtifact', () => {
  it('returns the bytes of the built agent and their SHA-256', () => {
    // Act
    const artifact = readAgentArtifact();

    // Assert
    const onDisk = readFileSync(agentArtifactPath());
    expect(Buffer.from(artifact.body).equals(onDisk)).toBe(true);
    expect(artifact.sha256).toBe(createHash('sha256').update(onDisk).digest('hex'));
    expect(artifact.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('Function: bootstrapEntryPoint', () => {
  it("is ['node', '-e', BOOTSTRAP_SCRIPT, '--'], a fresh array each time", () => {
    // Act
    const first = bootstrapEntryPoint();
    const second = bootstrapEntryPoint();

    // Assert
    expect(first).toEqual(['node', '-e', BOOTSTRAP_SCRIPT, '--']);
    expect(first).not.toBe(second);
  });

  it('carries a minified CommonJS script that requires only node: built-ins', () => {
    // Act
    const requires = [...BOOTSTRAP_SCRIPT.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);

    // Assert
    expect(BOOTSTRAP_SCRIPT.length).toBeGreaterThan(1_000);
    expect(BOOTSTRAP_SCRIPT).not.toMatch(/^\s*import\s/m);
    expect(requires.length).toBeGreaterThan(0);
    expect(requires.every((name) => name?.startsWith('node:'))).toBe(true);
  });
});

describe('Errors', () => {
  it('share the ContainerAgentError base and set their own name', () => {
    // Act
    const missing = new AgentArtifactMissingError('/nowhere/agent.mjs');
    const aws = new AwsRequestError({ service: 'sqs', operation: 'SendMessage', status: 400, errorType: 'QueueDoesNotExist' }, 'sqs SendMessage failed');

    // Assert
    expect(missing).toBeInstanceOf(ContainerAgentError);
    expect(missing.name).toBe('AgentArtifactMissingError');
    expect(missing.message).toMatch(/missing at \/nowhere\/agent\.mjs\. To fix this, build/);
    expect(aws).toBeInstanceOf(ContainerAgentError);
    expect(aws).toMatchObject({ name: 'AwsRequestError', service: 'sqs', operation: 'SendMessage', status: 400, errorType: 'QueueDoesNotExist' });
  });
});
