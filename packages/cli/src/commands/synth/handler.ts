import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { adapterStackName, coreStackName, coreTemplate } from '@harness/core';
import type { CliRuntime } from '../../runtime.js';
import { loadAdapters, resolveSettings, selectAdapters } from '../../settings.js';
import { placeholderCoreResources, templateContext, templateFileName } from '../../stack-plan.js';
import type { SynthArgs } from './command-object.js';

/** Writes the core template and each adapter's; artifact keys and hashes are computed locally, core names are placeholders. */
export async function synthHandler(args: SynthArgs, runtime: CliRuntime): Promise<void> {
  const settings = await resolveSettings(args, runtime);
  const { stack } = settings;
  const adapters = await loadAdapters(selectAdapters(args, settings), settings);
  const outDir = isAbsolute(args.out) ? args.out : resolve(runtime.cwd, args.out);
  await mkdir(outDir, { recursive: true });

  const templates: [string, unknown][] = [[coreStackName(stack), coreTemplate(stack)]];
  const core = placeholderCoreResources(stack);
  for (const { name, adapter, config } of adapters) {
    const artifacts = await adapter.artifacts(config);
    templates.push([adapterStackName(stack, name), adapter.template(config, templateContext(stack, core, artifacts))]);
  }
  for (const [stackName, template] of templates) {
    const path = resolve(outDir, templateFileName(stackName));
    await writeFile(path, `${JSON.stringify(template, null, 2)}\n`);
    runtime.stdout(`${relative(runtime.cwd, path) || path}\n`);
  }
}
