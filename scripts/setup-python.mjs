#!/usr/bin/env node
// Creates the project-local Python virtual environment (.venv) with moto server,
// which the integration tests start on loopback. Safe to run again.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSetupStep } from './setup-step.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv');
const python = process.env.HARNESS_PYTHON ?? 'python3';

const run = (command, args) =>
  runSetupStep(command, args, {
    cwd: root,
    fix: 'To fix this, install Python 3.11+ with venv and pip (or set HARNESS_PYTHON to its path) and run `npm run setup` again.',
  });

if (!existsSync(join(venv, 'bin', 'python'))) run(python, ['-m', 'venv', venv]);
run(join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(root, 'requirements-dev.txt')]);
console.log(`[setup] moto server is ready at ${join(venv, 'bin', 'moto_server')}`);
