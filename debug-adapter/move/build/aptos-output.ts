// The Aptos side of our Move builds: which packages are Aptos packages, and the `.mvsm` source map
// `aptos move compile` writes next to each module (build/<pkg>/source_maps/<m>.mvsm), made from the
// same locations our Sui debug_info holds.
import type * as A from '../../../language/move/ast.ts';
import { forEachNode } from '../../../language/move/ast-walk.ts';
import type { PackageGraph } from '../../../language/move/manifest.ts';
import type { Program } from '../../../language/move/program.ts';
import { serializeAptosSourceMap, type AptosSourceMapValue } from '../package/aptos-source-map.ts';

/** Dependency names and git sources that make a package an Aptos package. */
const APTOS_DEPENDENCY = /^(AptosFramework|AptosStdlib|AptosToken|AptosTokenObjects)$/;
const APTOS_GIT = /aptos-labs\/aptos-core|aptos-move\/framework/;
const GLOBAL_STORAGE = new Set(['move_to', 'move_from', 'borrow_global', 'borrow_global_mut', 'exists']);

/**
 * Aptos when any package of the graph depends on the Aptos framework (as `aptos move init` writes it), or
 * when the root package's code uses global storage, which only Aptos has (a framework-free package).
 */
export function packageTarget(graph: PackageGraph, program: Program): 'sui' | 'aptos' {
  for (const pkg of graph.packages) {
    for (const dep of [...pkg.manifest.dependencies, ...pkg.manifest.devDependencies]) {
      if (APTOS_DEPENDENCY.test(dep.name) || (dep.git && APTOS_GIT.test(dep.git))) return 'aptos';
    }
  }
  for (const m of program.modules.values()) {
    if (m.file.isDependency) continue;
    // A call that resolved to a function with a builtin's name (Sui's `dynamic_field::exists`, imported or
    // the module's own) is not global storage.
    for (const fn of m.functions.values()) if (fn.decl.acquires.length > 0 || usesGlobalStorage(fn.decl.body, (call) => program.calls.has(call))) return 'aptos';
  }
  return 'sui';
}

function usesGlobalStorage(body: A.Block | undefined, isFunctionCall: (call: A.Exp) => boolean): boolean {
  if (!body) return false;
  let found = false;
  forEachNode(body, (node) => {
    const e = node as { kind?: string; path?: A.Path; macro?: boolean };
    if (e.kind === 'call' && !e.macro && e.path?.segments.length === 1 && GLOBAL_STORAGE.has(e.path.segments[0].value) && !isFunctionCall(node as A.Exp)) found = true;
  });
  return found;
}

type JsonLoc = { file_hash: number[]; start: number; end: number };

/** The Sui-shaped debug info our compiler makes for a module (see compile.ts). */
interface DebugInfoJson {
  definition_location: JsonLoc;
  module_name: [string, string];
  struct_map: Record<string, { definition_location: JsonLoc; type_parameters: [string, JsonLoc][]; fields: JsonLoc[] }>;
  function_map: Record<string, {
    definition_location: JsonLoc;
    type_parameters: [string, JsonLoc][];
    parameters: [string, JsonLoc][];
    locals: [string, JsonLoc][];
    code_map: Record<string, JsonLoc>;
    is_native: boolean;
  }>;
  constant_map: Record<string, number>;
}

const byNumber = <T>(entries: [string, T][]): [number, T][] => entries.map(([k, v]) => [Number(k), v] as [number, T]).sort((a, b) => a[0] - b[0]);

/** The module's `.mvsm` bytes (BTreeMaps sorted by key, as BCS requires). */
export function aptosSourceMapBytes(debugInfo: object): Uint8Array {
  const d = debugInfo as DebugInfoJson;
  const address = d.module_name[0].match(/../g)!.map((b) => parseInt(b, 16));
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const value: AptosSourceMapValue = {
    definition_location: d.definition_location,
    module_name_opt: [address, d.module_name[1]],
    struct_map: byNumber(Object.entries(d.struct_map)),
    function_map: byNumber(Object.entries(d.function_map)).map(([i, f]) => [i, {
      definition_location: f.definition_location,
      type_parameters: f.type_parameters,
      parameters: f.parameters,
      locals: f.locals,
      nops: [],
      code_map: byNumber(Object.entries(f.code_map)),
      is_native: f.is_native,
    }]),
    constant_map: Object.entries(d.constant_map).sort(([a], [b]) => Buffer.compare(utf8(a), utf8(b))),
  };
  return serializeAptosSourceMap(value);
}
