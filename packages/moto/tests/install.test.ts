import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMotoInstallation, installMoto, MotoInstallError } from '../src/install.js';
import { motoHome, requirementsDigest, REQUIREMENTS } from '../src/paths.js';
import { MotoStartError, startMotoServer } from '../src/server.js';

/** A stand-in `python` that answers the version question with `version` and fails anything else. */
function fakePython(version: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'harness-moto-python-'));
  const path = join(dir, 'python');
  writeFileSync(path, `#!/bin/sh\nif [ "$1" = "-c" ]; then echo ${version}; exit 0; fi\necho "no venv here" >&2\nexit 3\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('Function: motoHome', () => {
  it('keeps one environment per pinned set of requirements, under the cache folder, unless HARNESS_MOTO_HOME says where', () => {
    expect(motoHome({ XDG_CACHE_HOME: '/cache' })).toBe(`/cache/harness/moto-${requirementsDigest()}`);
    expect(motoHome({ HARNESS_MOTO_HOME: '/opt/moto', XDG_CACHE_HOME: '/cache' })).toBe('/opt/moto');
    expect(requirementsDigest()).toMatch(/^[0-9a-f]{12}$/);
    expect(REQUIREMENTS.endsWith('python/requirements.txt')).toBe(true);
  });
});

describe('Function: installMoto', () => {
  it('refuses a Python older than 3.9, naming it and the fix', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'harness-moto-')), 'env');

    const failure = await installMoto({ home, python: fakePython('3.8') }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MotoInstallError);
    expect((failure as Error).message).toContain('is Python 3.8; moto needs 3.9 or later. To fix this, install a newer Python and set HARNESS_PYTHON to it.');
  });

  it('says so when there is no Python at all', async () => {
    const failure = await installMoto({ home: join(tmpdir(), 'never'), python: '/nonexistent/python3' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MotoInstallError);
    expect((failure as Error).message).toMatch(/^Python was not found \(\/nonexistent\/python3: .*\)\. harness runs moto server with Python 3\.9 or later\. To fix this, install Python 3 with venv/);
  });

  it("reports a failed step with the command's last output and the fix", async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'harness-moto-')), 'env');
    const progress: string[] = [];

    const failure = await installMoto({ home, python: fakePython('3.11'), onProgress: (line) => progress.push(line) }).catch((error: unknown) => error);

    expect((failure as Error).message).toContain('-m venv');
    expect((failure as Error).message).toContain('exited with code 3. Its last output:\nno venv here');
    expect((failure as Error).message).toContain("To fix this, install Python's venv module");
    expect(progress[0]).toBe(`Creating a Python 3.11 environment at ${home}`);
  });
});

describe('Function: findMotoInstallation', () => {
  it('takes an environment only when its install completed for the same requirements', () => {
    const home = mkdtempSync(join(tmpdir(), 'harness-moto-'));
    mkdirSync(join(home, 'bin'));
    writeFileSync(join(home, 'bin', 'python'), '');
    expect(findMotoInstallation(home)).toBeUndefined();

    writeFileSync(join(home, 'harness-moto.json'), JSON.stringify({ digest: 'an-older-pin' }));
    expect(findMotoInstallation(home)).toBeUndefined();

    writeFileSync(join(home, 'harness-moto.json'), JSON.stringify({ digest: requirementsDigest() }));
    expect(findMotoInstallation(home)).toEqual({ home, python: join(home, 'bin', 'python'), installed: false });
  });
});

describe('Function: startMotoServer', () => {
  it('does not install when told not to, and says what to run', async () => {
    const previous = process.env.HARNESS_MOTO_HOME;
    process.env.HARNESS_MOTO_HOME = join(tmpdir(), `harness-moto-none-${process.pid}`);
    try {
      await expect(startMotoServer({ install: false })).rejects.toThrow(MotoStartError);
      await expect(startMotoServer({ install: false })).rejects.toThrow(
        `moto is not installed at ${process.env.HARNESS_MOTO_HOME}. To fix this, run \`npx harness moto install\` (Python 3.9+ is the one prerequisite).`,
      );
    } finally {
      if (previous === undefined) delete process.env.HARNESS_MOTO_HOME;
      else process.env.HARNESS_MOTO_HOME = previous;
    }
  });

  it('fails with the stderr of a server that exits before answering', async () => {
    const failure = await startMotoServer({ python: fakePython('3.11') }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MotoStartError);
    expect((failure as Error).message).toMatch(/^moto server exited with code 3 before answering on http:\/\/127\.0\.0\.1:\d+\. Its stderr:\nno venv here/);
  });
});

describe('Function: installMoto, where it writes', () => {
  it('refuses to replace a folder that is not a Python environment (HARNESS_MOTO_HOME pointed at the wrong place)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'harness-moto-mine-'));
    writeFileSync(join(home, 'notes.txt'), 'mine');

    const failure = await installMoto({ home, python: fakePython('3.11') }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MotoInstallError);
    expect((failure as Error).message).toBe(
      `${home} is not empty and is not a Python environment (no pyvenv.cfg), so harness will not replace it with moto's. To fix this, point HARNESS_MOTO_HOME at a new or empty folder.`,
    );
    expect(readFileSync(join(home, 'notes.txt'), 'utf8')).toBe('mine');
  });
});

describe('Function: startMotoServer, on a port in use', () => {
  it('refuses to start rather than take another server for its own', async () => {
    const { createServer } = await import('node:net');
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    try {
      await expect(startMotoServer({ python: fakePython('3.11'), port })).rejects.toThrow(
        `Port ${port} on 127.0.0.1 is in use (another moto server? On macOS, port 5000 is the AirPlay receiver's). To fix this, stop what listens there or choose another port (\`--port\`, or the port option).`,
      );
    } finally {
      other.close();
    }
  });
});
