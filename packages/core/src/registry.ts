import { adapterFromModule, adapterModuleKind, resolveAdapterModule, type ResolveAdapterModuleOptions, type ResolvedAdapterModule } from './adapter-module.js';
import { HarnessError, InvalidAdapterModuleError, UnknownAdapterError } from './errors.js';
import type { AnyAdapter } from './types/adapter.js';

/** Imports a module by its `file:` URL (what {@link AdapterRegistry} found); tests pass a stand-in. */
export type ModuleImporter = (url: string) => Promise<Record<string, unknown>>;

/** Where {@link AdapterRegistry.loadModule} looks, and what it expects. */
export interface LoadAdapterOptions extends Partial<ResolveAdapterModuleOptions> {
  /** The name the adapter must have, e.g. the `adapters.<name>` key it is configured under. Any name when absent. */
  readonly name?: string;
}

/**
 * Adapters known to a process, by name. Core lists none itself: an adapter
 * module exports `harnessAdapter`, and {@link AdapterRegistry.loadModule}
 * imports it from a package name or a path, resolved from the user's project.
 *
 * @example
 * const registry = new AdapterRegistry();
 * const ecs = await registry.load('ecs', '@harness/ecs', { from: process.cwd() });
 * const dynamodb = await registry.loadModule('./adapters/dynamodb', { from: process.cwd() });
 */
export class AdapterRegistry {
  private readonly adapters = new Map<string, AnyAdapter>();
  private readonly modules = new Map<string, ResolvedAdapterModule>();

  constructor(private readonly importModule: ModuleImporter = (url) => import(url) as Promise<Record<string, unknown>>) {}

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

  /** The module an adapter was loaded from; undefined for one that was registered, or is unknown. */
  moduleOf(name: string): ResolvedAdapterModule | undefined {
    return this.modules.get(name);
  }

  /**
   * Returns the adapter registered as `name`, or loads it from `packageName`
   * (default `@harness/<name>`, resolved from `options.from`, default the
   * working directory) and checks that it is named `name`.
   */
  async load(name: string, packageName = `@harness/${name}`, options: Partial<ResolveAdapterModuleOptions> = {}): Promise<AnyAdapter> {
    return this.adapters.get(name) ?? this.loadModule(packageName, { ...options, name });
  }

  /**
   * Imports the adapter module `specifier` names (a package name or a path,
   * see {@link resolveAdapterModule}), takes its `harnessAdapter` export,
   * checks its name when `options.name` is given, and registers it.
   *
   * @throws AdapterNotFoundError when there is no such package or path
   * @throws InvalidAdapterModuleError when the module fails to import, exports no adapter, or one of another name
   */
  async loadModule(specifier: string, options: LoadAdapterOptions = {}): Promise<AnyAdapter> {
    const { name, origin } = options;
    const module = resolveAdapterModule(specifier, { from: options.from ?? process.cwd(), ...(origin !== undefined ? { origin } : {}) });
    let namespace: Record<string, unknown>;
    try {
      namespace = await this.importModule(module.url);
    } catch (error) {
      throw importFailure(module, error, origin);
    }
    const adapter = adapterFromModule(namespace, module, origin);
    if (name !== undefined && adapter.name !== name) {
      throw new InvalidAdapterModuleError(
        specifier,
        module.file,
        `${specifier}${origin ? ` (${origin})` : ''} exports the adapter '${adapter.name}', not '${name}'. ` +
          `To fix this, refer to it as '${adapter.name}' (the adapters.${adapter.name} key of harness.config.json), or name the module that exports '${name}'.`,
      );
    }
    const existing = this.adapters.get(adapter.name);
    if (existing && existing !== adapter) {
      const previous = this.modules.get(adapter.name);
      throw new InvalidAdapterModuleError(
        specifier,
        module.file,
        `${specifier}${origin ? ` (${origin})` : ''} exports an adapter named '${adapter.name}', and another adapter of that name is loaded already${previous ? ` (from ${previous.specifier}, ${previous.file})` : ''}. ` +
          'To fix this, name each adapter once, or give one of them another name.',
      );
    }
    this.register(adapter);
    if (!this.modules.has(adapter.name)) this.modules.set(adapter.name, module);
    return adapter;
  }
}

function importFailure(module: ResolvedAdapterModule, error: unknown, origin: string | undefined): InvalidAdapterModuleError {
  const code = (error as { code?: unknown }).code;
  const described = `${module.specifier}${origin ? ` (${origin})` : ''}`;
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?tsx?$/.test(module.file)) {
    return new InvalidAdapterModuleError(
      module.specifier,
      module.file,
      `Node.js cannot import ${module.file} (${described}): it is TypeScript. To fix this, compile the adapter to JavaScript and name the built file (or a package whose "exports" name it).`,
      { cause: error },
    );
  }
  // CommonJS adds a "Require stack:" after the first line; the cause keeps it.
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.replace(/\.?$/, '.') ?? '';
  const missing = /^Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  const missingPackage = missing !== undefined && adapterModuleKind(missing) === 'package' ? packageOf(missing) : undefined;
  return new InvalidAdapterModuleError(
    module.specifier,
    module.file,
    `Importing the adapter ${described} from ${module.file} failed: ${message} ` +
      `To fix this, ${missingPackage ? `install what it imports: \`npm i -D ${missingPackage}\`.` : 'correct the module (the error\'s cause has the stack).'}`,
    { cause: error },
  );
}

/** `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  return specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
}
