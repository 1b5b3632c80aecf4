import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepoRoot, motoEnvironment, startMotoServer } from '../../src/moto-server.js';
import { uniqueName } from '../../src/names.js';

describe('Function: startMotoServer', () => {
  it('fails, naming the fix, when moto is not installed', async () => {
    await expect(startMotoServer({ executable: '/nonexistent/moto_server' })).rejects.toThrow(
      'moto server was not found at /nonexistent/moto_server. The integration tests need it. To fix this, run `npm run setup`',
    );
  });

  it('starts the real server on loopback and stops it', async () => {
    const server = await startMotoServer();
    try {
      const response = await fetch(`${server.endpoint}/moto-api/data.json`);
      expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(response.status).toBe(200);
    } finally {
      await server.stop();
    }
    await expect(fetch(`${server.endpoint}/moto-api/data.json`)).rejects.toThrow();
    // Start-up imports the moto modules harness's fixes patch (about 1 s warm; several on a cold machine):
    // startMotoServer's own start timeout (30 s) is the one that should speak, with moto's stderr.
  }, 40_000);
});

describe('Function: uniqueName / findRepoRoot / motoEnvironment', () => {
  it('makes distinct valid names, finds the repository, points the SDK at moto', () => {
    expect(uniqueName('hx')).toMatch(/^hx-[0-9a-f]{8}$/);
    expect(uniqueName('hx')).not.toBe(uniqueName('hx'));
    expect(existsSync(join(findRepoRoot(), 'nx.json'))).toBe(true);
    expect(() => findRepoRoot('/')).toThrow('No nx.json above /');
    expect(motoEnvironment('http://127.0.0.1:1')).toMatchObject({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_REGION: 'us-east-1' });
  });
});
