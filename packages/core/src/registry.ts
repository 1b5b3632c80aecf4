import { HarnessError, UnknownAdapterError } from './errors.js';
import type { AnyAdapter } from './types/adapter.js';

/** Imports a module by specifier; the CLI passes one that resolves from the user's project. */
export type ModuleImporter = (specifier: string) => Promise<Record<string, unknown>>;

/**
 * Adapters known to a process, by name. Core lists none itself: each adapter
 * package exports `harnessAdapter`, and {@link AdapterRegistry.load} finds it
 * by the package naming convention `@harness/<name>`.
 */
export class AdapterRegistry {
  private readonly adapters = new Map<string, AnyAdapter>();

  constructor(private readonly importModule: ModuleImporter = (specifier) => import(specifier)) {}

  register(adapter: AnyAdapter): this {
    const existing = this.adapters.get(adapter.name);
    if (existing && existing !== adapter) {
      throw new HarnessError(
        `Two different adapters are named '${adapter.name}'. To fix this, give your adapter another name.`,
      );
    }
    this.adapters.set(adapter.name, adapter);
    return this;
  }

  get(name: string): AnyAdapter {
    const adapter = this.adapters.get(name);
    if (!adapter) throw new UnknownAdapterError(name, this.names());
    return adapter;
  }

  names(): string[] {
    return [...this.adapters.keys()].sort();
  }

  /** Returns the registered adapter, or imports `@harness/<name>` (or `packageName`) and registers its `harnessAdapter`. */
  async load(name: string, packageName = `@harness/${name}`): Promise<AnyAdapter> {
    const known = this.adapters.get(name);
    if (known) return known;
    let module: Record<string, unknown>;
    try {
      module = await this.importModule(packageName);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new HarnessError(
          `Adapter '${name}' is not installed (cannot import ${packageName}). To fix this, run \`npm i -D ${packageName}\`.`,
          { cause: error },
        );
      }
      throw error;
    }
    const adapter = module.harnessAdapter;
    if (!isAdapter(adapter) || adapter.name !== name) {
      throw new HarnessError(
        `${packageName} does not export a harness adapter named '${name}' as \`harnessAdapter\`. To fix this, export one (see TestDoubleAdapter in @harness/core).`,
      );
    }
    this.register(adapter);
    return adapter;
  }
}

function isAdapter(value: unknown): value is AnyAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.parseConfig === 'function' &&
    typeof candidate.template === 'function' &&
    typeof candidate.artifacts === 'function' &&
    typeof candidate.createApi === 'function'
  );
}
