#!/usr/bin/env node
// Installs headless Chromium from the system's packages (Debian: `chromium`) for the tests that open harness's HTML
// pages in a real browser (packages/coverage). They drive it with playwright-core through its executablePath;
// Playwright's own browser builds are not downloaded (playwright-core never downloads one on install). Safe to run again.
import { existsSync } from 'node:fs';
import { runSetupStep } from './setup-step.mjs';

const CANDIDATES = [process.env.HARNESS_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
const found = () => CANDIDATES.find((path) => existsSync(path));

const present = found();
if (present) {
  console.log(`[setup] headless Chromium is ready at ${present}`);
  process.exit(0);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    '[setup] Chromium is not installed, and installing it needs root. ' +
      'To fix this, run `sudo apt-get update && sudo apt-get install -y chromium` (or install Chromium another way and set HARNESS_CHROMIUM to its path), then `npm run setup` again.',
  );
  process.exit(1);
}

const run = (command, args) =>
  runSetupStep(command, args, {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    fix:
      'To fix this, install Chromium with the system package manager (Debian / Ubuntu: apt-get install chromium) or set HARNESS_CHROMIUM to a Chromium binary, then run `npm run setup` again.',
  });

run('apt-get', ['update']);
run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
const installed = found();
if (!installed) {
  console.error('[setup] apt-get installed chromium, but no binary is at /usr/bin/chromium. To fix this, set HARNESS_CHROMIUM to its path.');
  process.exit(1);
}
console.log(`[setup] headless Chromium is ready at ${installed}`);
