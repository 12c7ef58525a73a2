// Compiles a checked Move program's root-package modules to Sui bytecode (v7) and Sui debug_info, and
// writes them in the real toolchain's layout: build/<pkg>/bytecode_modules/<m>.mv,
// build/<pkg>/debug_info/<m>.json, build/<pkg>/sources/<file>.move, so the debugger's package loader
// reads our builds as it reads theirs.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, copyFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import type * as A from '../../../language/move/ast.ts';
import type { Diagnostic } from '../../../language/move/diagnostics.ts';
import type { ModuleInfo, Program } from '../../../language/move/program.ts';
import { checkPackage, type CheckOptions } from '../../../language/move/check-package.ts';
import type * as M from '../binary/model.ts';
import { serialize } from '../binary/serializer.ts';
import { FunctionCodegen, type FileLoc, type FunctionOutput } from './function-codegen.ts';
import { CodegenError, ModuleTables } from './module-tables.ts';

export interface CompiledUnit {
  readonly key: string;
  readonly name: string;
  readonly module: M.CompiledModule;
  readonly bytes: Uint8Array;
  /** The Sui debug_info JSON object for this module. */
  readonly debugInfo: object;
  readonly sourceFile: string;
}

export interface CompileResult {
  readonly units: CompiledUnit[];
  readonly diagnostics: Diagnostic[];
}

function fileHash(source: Uint8Array): number[] {
  return [...createHash('sha256').update(source).digest()];
}

/** Compiles every module of the root package (files not marked as dependencies). */
export function compileProgram(program: Program): CompileResult {
  const diagnostics: Diagnostic[] = program.diagnostics.filter((d) => !program.files.find((f) => f.path === d.file)?.isDependency);
  const units: CompiledUnit[] = [];
  if (diagnostics.some((d) => d.severity === 'error')) return { units, diagnostics };
  for (const m of program.modules.values()) {
    if (m.file.isDependency) continue;
    const unit = compileModule(program, m, diagnostics);
    if (unit) units.push(unit);
  }
  return { units, diagnostics };
}

/**
 * Every module of the root package, also those with functions the compiler cannot translate yet (their
 * code is left out): for comparing the generated instructions with another compiler's, function by function.
 */
export function compileModulesPartially(program: Program): { units: CompiledUnit[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const units: CompiledUnit[] = [];
  for (const m of program.modules.values()) {
    if (m.file.isDependency) continue;
    const unit = compileModule(program, m, diagnostics, true);
    if (unit) units.push(unit);
  }
  return { units, diagnostics };
}

function compileModule(program: Program, m: ModuleInfo, diagnostics: Diagnostic[], partial = false): CompiledUnit | undefined {
  try {
    return compileModuleTables(program, m, diagnostics, partial);
  } catch (e) {
    // A declaration that cannot be written (a type that did not resolve, already reported): no module.
    if (!(e instanceof CodegenError)) throw e;
    diagnostics.push({ range: { start: m.decl.name.loc.start, end: m.decl.name.loc.end }, code: 'E04001', message: `Cannot compile module '${m.name}': ${e.message}.`, severity: 'error', file: m.file.path });
    return undefined;
  }
}

function compileModuleTables(program: Program, m: ModuleInfo, diagnostics: Diagnostic[], partial: boolean): CompiledUnit | undefined {
  const hash = fileHash(m.file.source);
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
      outputs.push(new FunctionCodegen(program, m, t, fn).run());
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
      acquires: [],
      code: out ? { locals: t.signature(out.locals), code: out.code, jumpTables: out.jumpTables } : undefined,
    };
  });

  const module: M.CompiledModule = {
    kind: 'module', flavour: 'sui', version: 7, testMode: false, selfHandle: 0,
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
      parameters: fn.decl.params.map((p) => [`${p.name.value}#0#0`, loc(p.name.loc)]),
      returns: fn.decl.ret ? (fn.decl.ret.kind === 'tuple' ? fn.decl.ret.elems : [fn.decl.ret]).map((r) => loc(r.loc)) : [],
      locals: out ? out.localNames.map((l) => [`${l.name}#0#0`, fileLoc(l.loc)]) : [],
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
    constant_map: Object.fromEntries([...m.constants.keys()].map((name, i) => [name, i])),
  };
  return { key: m.key, name: m.name, module, bytes: ok ? serialize(module) : new Uint8Array(), debugInfo, sourceFile: m.file.path };
}

export interface BuildResult extends CompileResult {
  /** build/<package name> */
  readonly outputDir: string | undefined;
}

/** `chainstep move build`: checks and compiles the package at `root` and writes its build directory. */
export function buildPackage(root: string, options: CheckOptions = {}): BuildResult {
  const { graph, program } = checkPackage(root, options);
  const result = compileProgram(program);
  if (result.diagnostics.some((d) => d.severity === 'error')) return { ...result, outputDir: undefined };
  const pkg = graph.packages[graph.packages.length - 1];
  const outputDir = path.join(pkg.root, 'build', pkg.manifest.name);
  for (const sub of ['bytecode_modules', 'debug_info', 'sources']) {
    const dir = path.join(outputDir, sub);
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    mkdirSync(dir, { recursive: true });
  }
  for (const u of result.units) {
    writeFileSync(path.join(outputDir, 'bytecode_modules', `${u.name}.mv`), u.bytes);
    writeFileSync(path.join(outputDir, 'debug_info', `${u.name}.json`), JSON.stringify(u.debugInfo));
  }
  for (const file of pkg.files) {
    const rel = path.relative(path.join(pkg.root, 'sources'), file);
    const target = rel.startsWith('..') ? path.join(outputDir, 'sources', path.basename(file)) : path.join(outputDir, 'sources', rel);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  // Marks the build as ours: the debugger rebuilds only its own builds when sources change, never a build
  // the real toolchain made (our compiler does not cover all of Move yet, and such a build may be read-only).
  writeFileSync(path.join(outputDir, BUILT_BY_CHAINSTEP), 'Built by Chainstep\'s Move compiler (chainstep move build, or a debug launch).\n');
  return { ...result, outputDir };
}

/** The file in build/<pkg>/ that marks a build made by Chainstep's compiler. */
export const BUILT_BY_CHAINSTEP = 'CHAINSTEP_BUILD';
