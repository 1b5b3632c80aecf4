import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'tsup';

// @harness/container-agent is not a dependency of the published package: its
// code is bundled here, and the agent it reads at run time (`agent.cjs`, which
// it finds beside the module that calls readAgentArtifact) is copied into
// dist, so `npm i @harness/ecs` brings everything the ECS doubles run.
const agentDist = join(dirname(createRequire(import.meta.url).resolve('@harness/container-agent/package.json')), 'dist');

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { resolve: ['@harness/container-agent'] },
  clean: true,
  sourcemap: true,
  target: 'node20',
  noExternal: ['@harness/container-agent'],
  // import.meta.url in the CommonJS build: the bundled agent code locates dist/agent.cjs with it.
  shims: true,
  onSuccess: async () => {
    const built = join(agentDist, 'agent.cjs');
    if (!existsSync(built)) {
      throw new Error(`${built} is missing. To fix this, build @harness/container-agent first (\`npx nx run @harness/ecs:build\` does).`);
    }
    copyFileSync(built, join('dist', 'agent.cjs'));
  },
});
