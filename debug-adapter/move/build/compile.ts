// Compiles a checked Move program's root-package modules to bytecode and source maps for one of two
// targets, and writes them in that toolchain's layout, so the debugger's package loader reads our builds
// as it reads theirs:
// - Sui: bytecode v7, build/<pkg>/bytecode_modules/<m>.mv, debug_info/<m>.json, sources/<file>.move;
// - Aptos (`aptos move compile`): bytecode v6, bytecode_modules/<m>.mv, source_maps/<m>.mvsm (BCS),
//   sources/<file>.move.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, copyFileSync, rmSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type * as A from '../../../language/move/ast.ts';
import type { Diagnostic } from '../../../language/move/diagnostics.ts';
import type { ModuleInfo, Program } from '../../../language/move/program.ts';
import { checkPackage, type CheckOptions } from '../../../language/move/check-package.ts';
import type * as M from '../binary/model.ts';
import { serialize } from '../binary/serializer.ts';
import { FunctionCodegen, type FileLoc, type FunctionOutput } from './function-codegen.ts';
import { CodegenError, ModuleTables } from './module-tables.ts';
import { constantBytes } from './constants.ts';
import { aptosSourceMapBytes, packageTarget } from './aptos-output.ts';
import { shippedDependencyPaths } from './bytecode-interface.ts';

export interface CompiledUnit {
  readonly key: string;
  readonly name: string;
  readonly module: M.CompiledModule;
  readonly bytes: Uint8Array;
  /** The Sui debug_info JSON object for this module. */
  readonly debugInfo: object;
  readonly sourceFile: string;
}

/** Which chain's bytecode to write: see `packageTarget`. */
export type MoveTarget = 'sui' | 'aptos';

export interface CompileOptions {
  readonly target?: MoveTarget;
  /** compileModulesPartially: the dependencies' modules too (the test runner runs them from our bytecode). */
  readonly dependencies?: boolean;
}

export interface CompileResult {
  readonly units: CompiledUnit[];
  readonly diagnostics: Diagnostic[];
}

function fileHash(source: Uint8Array): number[] {
  return [...createHash('sha256').update(source).digest()];
}

/** Compiles every module of the root package (files not marked as dependencies). */
export function compileProgram(program: Program, options: CompileOptions = {}): CompileResult {
  const diagnostics: Diagnostic[] = program.diagnostics.filter((d) => !program.files.find((f) => f.path === d.file)?.isDependency);
  const units: CompiledUnit[] = [];
  if (diagnostics.some((d) => d.severity === 'error')) return { units, diagnostics };
  for (const m of program.modules.values()) {
    if (m.file.isDependency) continue;
    const unit = compileModule(program, m, diagnostics, false, options.target);
    if (unit) units.push(unit);
  }
  return { units, diagnostics };
}

/**
 * Every module of the root package, also those with functions the compiler cannot translate yet (their
 * code is left out): for comparing the generated instructions with another compiler's, function by function.
 * With `dependencies`, the dependencies' modules too (the test runner runs them from our bytecode).
 */
export function compileModulesPartially(program: Program, options: CompileOptions = {}): { units: CompiledUnit[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const units: CompiledUnit[] = [];
  for (const m of program.modules.values()) {
    if (m.file.isDependency && !options.dependencies) continue;
    const unit = compileModule(program, m, diagnostics, true, options.target);
    if (unit) units.push(unit);
  }
  return { units, diagnostics };
}

function compileModule(program: Program, m: ModuleInfo, diagnostics: Diagnostic[], partial = false, target: MoveTarget = 'sui'): CompiledUnit | undefined {
  try {
    return compileModuleTables(program, m, diagnostics, partial, target);
  } catch (e) {
    // A declaration that cannot be written (a type that did not resolve, already reported): no module.
    if (!(e instanceof CodegenError)) throw e;
    diagnostics.push({ range: { start: m.decl.name.loc.start, end: m.decl.name.loc.end }, code: 'E04001', message: `Cannot compile module '${m.name}': ${e.message}.`, severity: 'error', file: m.file.path });
    return undefined;
  }
}

function compileModuleTables(program: Program, m: ModuleInfo, diagnostics: Diagnostic[], partial: boolean, target: MoveTarget): CompiledUnit | undefined {
  const hash = fileHash(m.file.source);
  // Sui names carry the compiler's `#<scope>#<index>` suffix; Aptos source maps hold the plain name.
  const sourceName = (name: string) => (target === 'aptos' ? name : `${name}#0#0`);
  const loc = (l: A.Loc) => ({ file_hash: hash, start: l.start, end: l.end });
  // Inlined macro code keeps the location in the macro's own file.
  const hashes = new Map<string, number[]>([[m.file.path, hash]]);
  const fileLoc = (l: FileLoc) => {
    let h = hashes.get(l.file);
    if (!h) {
      h = fileHash(program.files.find((f) => f.path === l.file)!.source);
      hashes.set(l.file, h);
    }
    return { file_hash: h, start: l.loc.start, end: l.loc.end };
  };
  const fail = (l: A.Loc, message: string) => {
    diagnostics.push({ range: { start: l.start, end: l.end }, code: 'E04001', message, severity: 'error', file: m.file.path });
  };
  const structs = [...m.datatypes.values()].filter((d) => d.kind === 'struct');
  const enums = [...m.datatypes.values()].filter((d) => d.kind === 'enum');
  const structDefIndex = new Map(structs.map((d, i) => [d.name, i]));
  const t = new ModuleTables(program.modules, m, structDefIndex);
  enums.forEach((d, i) => t.enumDefIndex.set(d.name, i));
  let ok = !diagnostics.some((d) => d.file === m.file.path && d.severity === 'error');

  const structDefs: M.StructDefinition[] = structs.map((d) => ({
    handle: t.datatypeHandle(m.key, d.name),
    fieldInformation: d.native
      ? { kind: 'native' }
      : {
          kind: 'declared',
          fields: (d.fields.length ? d.fields : [{ name: 'dummy_field', type: { kind: 'prim', name: 'bool' } as const }]).map((f, i) => ({
            name: t.identifier(d.positional ? `pos${i}` : f.name),
            type: t.token(f.type),
          })),
        },
  }));

  // Aptos names an abort code's constant through the source map's constant_map, which needs every
  // constant at a known pool index: intern them in declaration order before any code uses them.
  const constantIndex = new Map<string, number>();
  if (target === 'aptos') {
    for (const c of m.constants.values()) {
      try {
        constantIndex.set(c.name, t.constant(t.token(c.type), constantBytes(c.decl.value, c.type, program, m)));
      } catch (e) {
        if (!(e instanceof CodegenError)) throw e;
        fail(c.decl.name.loc, `Cannot compile constant '${c.name}' yet: ${e.message}.`);
        ok = false;
      }
    }
  }

  const enumDefs: M.EnumDefinition[] = enums.map((d) => ({
    handle: t.datatypeHandle(m.key, d.name),
    variants: d.variants.map((v) => ({
      name: t.identifier(v.name),
      fields: v.fields.map((f, i) => ({ name: t.identifier(v.positional ? `pos${i}` : f.name), type: t.token(f.type) })),
    })),
  }));

  const functions = [...m.functions.values()].filter((f) => !f.decl.macro);
  const outputs: (FunctionOutput | undefined)[] = [];
  for (const fn of functions) {
    t.functionHandle(m.key, fn.name); // definitions' handles first, in order
  }
  for (const fn of functions) {
    if (fn.decl.native || !fn.decl.body) {
      outputs.push(undefined);
      continue;
    }
    try {
      outputs.push(new FunctionCodegen(program, m, t, fn, target).run());
    } catch (e) {
      if (!(e instanceof CodegenError)) throw e;
      ok = false;
      // The innermost location the generator was at is not tracked on the error: point at the function.
      fail(fn.decl.name.loc, `Cannot compile '${fn.name}' yet: ${e.message}.`);
      outputs.push(undefined);
    }
  }
  if (!ok && !partial) return undefined;

  const functionDefs: M.FunctionDefinition[] = functions.map((fn, i) => {
    const out = outputs[i];
    return {
      function: t.functionHandle(m.key, fn.name),
      visibility: fn.decl.visibility === 'public' ? 'public' : fn.decl.visibility === 'private' ? 'private' : 'friend',
      isEntry: fn.decl.entry,
      acquires: acquiredStructs(fn.decl, structDefIndex),
      code: out ? { locals: t.signature(out.locals), code: out.code, jumpTables: out.jumpTables } : undefined,
    };
  });

  const module: M.CompiledModule = {
    kind: 'module', flavour: target, version: target === 'aptos' ? 6 : 7, testMode: false, selfHandle: 0,
    moduleHandles: t.moduleHandles, datatypeHandles: t.datatypeHandles, functionHandles: t.functionHandles, fieldHandles: t.fieldHandles,
    friendDecls: [], structDefInstantiations: t.structDefInstantiations, functionInstantiations: t.functionInstantiations,
    fieldInstantiations: t.fieldInstantiations, signatures: t.signatures, identifiers: t.identifiers, addressIdentifiers: t.addressIdentifiers,
    constants: t.constants, metadata: [], structDefs, functionDefs,
    enumDefs, enumDefInstantiations: t.enumDefInstantiations, variantHandles: t.variantHandles, variantInstantiationHandles: t.variantInstantiationHandles,
    structVariantHandles: [], structVariantInstantiations: [], variantFieldHandles: [], variantFieldInstantiations: [],
  };

  const functionMap: Record<string, object> = {};
  functions.forEach((fn, i) => {
    const out = outputs[i];
    const codeMap: Record<string, object> = {};
    out?.codeMap.forEach((l, pc) => {
      codeMap[String(pc)] = fileLoc(l);
    });
    functionMap[String(i)] = {
      location: loc(fn.decl.loc),
      definition_location: loc(fn.decl.name.loc),
      type_parameters: fn.decl.typeParams.map((p) => [p.name.value, loc(p.name.loc)]),
      parameters: fn.decl.params.map((p) => [sourceName(p.name.value), loc(p.name.loc)]),
      returns: fn.decl.ret ? (fn.decl.ret.kind === 'tuple' ? fn.decl.ret.elems : [fn.decl.ret]).map((r) => loc(r.loc)) : [],
      locals: out ? out.localNames.map((l) => [sourceName(l.name), fileLoc(l.loc)]) : [],
      nops: {},
      code_map: codeMap,
      is_native: fn.decl.native,
    };
  });
  const structMap: Record<string, object> = {};
  structs.forEach((d, i) => {
    const decl = d.decl as A.StructDecl;
    structMap[String(i)] = {
      definition_location: loc(decl.name.loc),
      type_parameters: decl.typeParams.map((p) => [p.name.value, loc(p.name.loc)]),
      fields: decl.fields.map((f) => loc(f.loc)),
    };
  });
  const enumMap: Record<string, object> = {};
  enums.forEach((d, i) => {
    const decl = d.decl as A.EnumDecl;
    enumMap[String(i)] = {
      definition_location: loc(decl.name.loc),
      type_parameters: decl.typeParams.map((p) => [p.name.value, loc(p.name.loc)]),
      variants: decl.variants.map((v) => [[v.name.value, loc(v.name.loc)], v.fields.map((f) => loc(f.loc))]),
    };
  });
  const debugInfo = {
    version: 2,
    definition_location: loc(m.decl.name.loc),
    module_name: [m.address.replace(/^0x/, '').padStart(64, '0'), m.name],
    struct_map: structMap,
    enum_map: enumMap,
    function_map: functionMap,
    constant_map: Object.fromEntries([...m.constants.keys()].map((name, i) => [name, constantIndex.get(name) ?? i])),
  };
  return { key: m.key, name: m.name, module, bytes: ok ? serialize(module) : new Uint8Array(), debugInfo, sourceFile: m.file.path };
}

/** Definition indices of the structs a function's `acquires` list names (own structs; others are type errors). */
function acquiredStructs(decl: A.FunctionDecl, structDefIndex: ReadonlyMap<string, number>): number[] {
  const out: number[] = [];
  for (const p of decl.acquires) {
    const index = structDefIndex.get(p.segments[p.segments.length - 1].value);
    if (index !== undefined && !out.includes(index)) out.push(index);
  }
  return out;
}

export interface BuildResult extends CompileResult {
  /** build/<package name> */
  readonly outputDir: string | undefined;
}

/** `chainstep move build`: checks and compiles the package at `root` and writes its build directory. */
export function buildPackage(root: string, options: CheckOptions & CompileOptions = {}): BuildResult {
  // Git dependencies (the Aptos framework) resolve to the bytecode a previous real build shipped, if any,
  // unless the caller maps them to folders itself (moveDependencies, --dependency).
  const shipped = shippedDependencyPaths(root);
  const dependencyPaths = shipped ? new Map([...shipped, ...(options.dependencyPaths ?? [])]) : options.dependencyPaths;
  const { graph, program } = checkPackage(root, { ...options, dependencyPaths });
  const target = options.target ?? packageTarget(graph, program);
  const result = compileProgram(program, { target });
  if (result.diagnostics.some((d) => d.severity === 'error')) return { ...result, outputDir: undefined };
  const pkg = graph.packages[graph.packages.length - 1];
  const outputDir = path.join(pkg.root, 'build', pkg.manifest.name);
  // Sui writes debug_info/, Aptos source_maps/*.mvsm: a build for one target leaves none of the other's.
  // The dependencies' files a build ships (`<sub>/dependencies/`) stay: the debugger loads them from there.
  for (const sub of ['bytecode_modules', 'debug_info', 'source_maps', 'sources']) {
    const dir = path.join(outputDir, sub);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) if (entry !== 'dependencies') rmSync(path.join(dir, entry), { recursive: true });
  }
  for (const sub of ['bytecode_modules', target === 'aptos' ? 'source_maps' : 'debug_info', 'sources']) mkdirSync(path.join(outputDir, sub), { recursive: true });
  for (const u of result.units) {
    writeFileSync(path.join(outputDir, 'bytecode_modules', `${u.name}.mv`), u.bytes);
    if (target === 'aptos') writeFileSync(path.join(outputDir, 'source_maps', `${u.name}.mvsm`), aptosSourceMapBytes(u.debugInfo));
    else writeFileSync(path.join(outputDir, 'debug_info', `${u.name}.json`), JSON.stringify(u.debugInfo));
  }
  if (target === 'sui') writeDependencies(program, graph, outputDir);
  for (const file of pkg.files) {
    const rel = path.relative(path.join(pkg.root, 'sources'), file);
    const copy = rel.startsWith('..') ? path.join(outputDir, 'sources', path.basename(file)) : path.join(outputDir, 'sources', rel);
    mkdirSync(path.dirname(copy), { recursive: true });
    copyFileSync(file, copy);
  }
  // Marks the build as ours: the debugger rebuilds only its own builds when sources change, never a build
  // the real toolchain made (our compiler does not cover all of Move yet, and such a build may be read-only).
  // The second line says whether #[test] code is in it: a launch needs it, `chainstep move build` leaves it out.
  writeFileSync(
    path.join(outputDir, BUILT_BY_CHAINSTEP),
    `Built by Chainstep's Move compiler (chainstep move build, or a debug launch).\n${options.test ? TEST_MODE_MARK : 'mode: build'}\n`,
  );
  return { ...result, outputDir };
}

/** The line of BUILT_BY_CHAINSTEP saying the build includes #[test] and #[test_only] code. */
export const TEST_MODE_MARK = 'mode: test';

/**
 * The dependencies' modules, as `sui move build` lays them out: bytecode_modules/dependencies/<Pkg>/,
 * debug_info/dependencies/<Pkg>/ and sources/dependencies/<Pkg>/, so a launch runs them (the framework's
 * #[test_only] test_scenario in a test build) from our bytecode with their sources. A function our
 * compiler cannot translate yet is left without code: a call to it stops saying so.
 */
function writeDependencies(program: Program, graph: ReturnType<typeof checkPackage>['graph'], outputDir: string): void {
  const { units } = compileModulesPartially(program, { dependencies: true, target: 'sui' });
  const packageOf = new Map(program.files.map((f) => [f.path, f.isDependency ? f.packageName : undefined]));
  for (const u of units) {
    const name = packageOf.get(u.sourceFile);
    if (!name) continue;
    for (const [sub, file, data] of [
      ['bytecode_modules', `${u.name}.mv`, u.bytes.length ? u.bytes : serialize(u.module)],
      ['debug_info', `${u.name}.json`, JSON.stringify(u.debugInfo)],
    ] as const) {
      const dir = path.join(outputDir, sub, 'dependencies', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, file), data);
    }
  }
  for (const dep of graph.packages.slice(0, -1)) {
    for (const file of dep.files) {
      const rel = path.relative(dep.root, file);
      const copy = path.join(outputDir, 'sources', 'dependencies', dep.manifest.name, rel.startsWith('..') ? path.basename(file) : rel);
      mkdirSync(path.dirname(copy), { recursive: true });
      copyFileSync(file, copy);
    }
  }
}

/** The file in build/<pkg>/ that marks a build made by Chainstep's compiler. */
export const BUILT_BY_CHAINSTEP = 'CHAINSTEP_BUILD';
