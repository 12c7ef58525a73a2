// The modules a debug session can execute, keyed by `address::name` (address in short form for small
// framework addresses, see shortAddress): the package's own modules, its dependencies, and framework
// modules, each with the source map found for it.
import type { CompiledModule } from '../binary/model.ts';
import { moduleKey, selfModuleId } from '../binary/names.ts';
import type { ModuleSourceMap } from './source-map.ts';

export type ModuleOrigin = 'package' | 'dependency' | 'framework';

export interface LoadedModule {
  /** `0x2::coin`, `0x0::m`, `0x260d…0646::message`. */
  readonly key: string;
  /** `0x` + 64 hex digits. */
  readonly address: string;
  readonly name: string;
  readonly module: CompiledModule;
  readonly origin: ModuleOrigin;
  /** The package it came from (build folder or dependency folder name), when known. */
  readonly packageName?: string;
  /** The file it was read from (`.mv`, or the framework `.bcs`). */
  readonly path?: string;
  readonly sourceMap?: ModuleSourceMap;
  readonly sourceMapPath?: string;
}

export class ModuleRegistry {
  private readonly byKey = new Map<string, LoadedModule>();

  /**
   * Registers a module under its own id. The first module registered for a key wins unless `replace`
   * is set: packages are loaded own modules first, then dependencies, then framework snapshots.
   * Returns the registered entry, or undefined when the key was taken.
   */
  add(module: CompiledModule, details: Omit<LoadedModule, 'key' | 'address' | 'name' | 'module'>, replace = false): LoadedModule | undefined {
    const id = selfModuleId(module);
    const key = moduleKey(id.address, id.name);
    if (this.byKey.has(key) && !replace) return undefined;
    const entry: LoadedModule = { key, address: id.address, name: id.name, module, ...details };
    this.byKey.set(key, entry);
    return entry;
  }

  /** By key (`0x2::coin`; any address spelling is accepted: `0x2`, `0x0…02`, without `0x`). */
  get(key: string): LoadedModule | undefined {
    const at = key.lastIndexOf('::');
    if (at < 0) return undefined;
    return this.find(key.slice(0, at), key.slice(at + 2));
  }

  /** By address (hex, any length, with or without `0x`, or 32 bytes) and module name. */
  find(address: string | Uint8Array, name: string): LoadedModule | undefined {
    if (typeof address === 'string' && !/^(0x)?[0-9a-fA-F]{1,64}$/.test(address)) return undefined;
    return this.byKey.get(moduleKey(typeof address === 'string' ? address : bytesToHex(address), name));
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<LoadedModule> {
    return this.byKey.values();
  }

  [Symbol.iterator](): IterableIterator<LoadedModule> {
    return this.byKey.values();
  }
}

function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
