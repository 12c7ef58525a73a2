// Debug info a Sui build keeps for its dependencies (`debug_info/dependencies/<Pkg>/<module>.json|.mvd`),
// also for dependencies it ships no bytecode for: the framework a unit test ran against, for instance.
// Read once with the package; used to name parameters and locals (and map lines, when the sources are
// there) of framework code, in traces and in our own runs.
import type { CompiledModule } from '../binary/model.ts';
import { moduleKey } from '../binary/names.ts';
import type { ModuleSourceMap } from './source-map.ts';

/**
 * Source maps among `files` (under `debug_info/dependencies/`, sorted), by module key (`0x1::vector`).
 * `.json` comes before `.mvd` for the same module, as for the package's own modules; files that cannot
 * be read are skipped (they only give names).
 */
export function dependencyDebugInfo(files: readonly string[], read: (file: string) => ModuleSourceMap): Map<string, ModuleSourceMap> {
  const out = new Map<string, ModuleSourceMap>();
  const ordered = [...files.filter((f) => f.endsWith('.json')), ...files.filter((f) => f.endsWith('.mvd'))];
  for (const file of ordered) {
    let map: ModuleSourceMap;
    try {
      map = read(file);
    } catch {
      continue;
    }
    if (!map.module) continue;
    const key = moduleKey(map.module.address, map.module.name);
    if (!out.has(key)) out.set(key, map);
  }
  return out;
}

/**
 * Whether a source map was made for exactly this compiled module: same functions at the same definition
 * indices, each native or not alike, with as many type parameters, parameters and locals. A test-mode
 * framework (extra test-only functions) and a published snapshot differ here, and names taken from the
 * wrong one would be wrong.
 */
export function describesModule(map: ModuleSourceMap, module: CompiledModule): boolean {
  if (map.functions.size !== module.functionDefs.length) return false;
  for (const [index, fn] of map.functions) {
    const def = module.functionDefs[index];
    const handle = def && module.functionHandles[def.function];
    if (!def || !handle) return false;
    if (fn.isNative !== !def.code) return false;
    if (fn.typeParameters.length !== handle.typeParameters.length) return false;
    if (fn.parameters.length !== (module.signatures[handle.parameters]?.length ?? -1)) return false;
    if (def.code && fn.locals.length !== (module.signatures[def.code.locals]?.length ?? -1)) return false;
  }
  return true;
}
