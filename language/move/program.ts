// Name resolution and declaration checking for a whole Move program (a package and its dependencies).
//
// Phases, each over every module: (1) register modules and their members, reporting duplicates;
// (2) build each module's alias scope from `use` declarations (plus the implicit aliases Move 2024
// gives every module: `vector`, `option::Option`, and on Sui `object::{ID, UID}`, `transfer`,
// `tx_context::TxContext`); (3) resolve every declared type (struct fields, enum variants, function
// signatures, constants) and check abilities and type arguments; (4) resolve every name in function
// bodies: locals in scope, constants, functions, struct/variant constructors, with argument counts
// and visibility. Method calls (`x.f()`) need the receiver's type and are not resolved here.
//
// Diagnostics carry the file they belong to; the caller decides which files it reports (usually only
// the root package's).
import type * as A from './ast.ts';
import type { Diagnostic, Severity } from './diagnostics.ts';
import { parse } from './parser.ts';
import { fileInterface, planReuse, type BodyResults, type IncrementalState } from './incremental.ts';
import { ScopeStack } from './scopes.ts';
import { checkFunctionBorrows } from './borrow-check.ts';
import { LineIndex } from '../text/line-index.ts';
import { FunctionTyper, showType, substitute, type LambdaResult, type ResolvedCall, type TypingHost } from './typing.ts';
import { ABILITY_BIT, ALL_ABILITIES, PRIMS, abilityNames, canonicalAddress, type Abilities, type Prim, type Ty } from './types.ts';

export interface SourceFile {
  readonly path: string;
  readonly source: Uint8Array;
  /** Files of dependencies: checked (their declarations are needed) but usually not reported. */
  readonly isDependency: boolean;
  /** Package the file belongs to (for `public(package)`). */
  readonly packageName: string;
}

export interface TypeParamInfo {
  readonly name: string;
  readonly phantom: boolean;
  readonly constraints: Abilities;
}

export interface FieldInfo {
  readonly name: string;
  readonly type: Ty;
}

export interface DatatypeInfo {
  readonly kind: 'struct' | 'enum';
  readonly name: string;
  readonly module: string;
  readonly decl: A.StructDecl | A.EnumDecl;
  readonly abilities: Abilities;
  readonly typeParams: TypeParamInfo[];
  /** Struct fields (empty for enums). */
  fields: FieldInfo[];
  variants: { name: string; positional: boolean; fields: FieldInfo[] }[];
  readonly positional: boolean;
  readonly native: boolean;
}

export interface FunctionInfo {
  readonly name: string;
  readonly module: string;
  readonly decl: A.FunctionDecl;
  readonly typeParams: TypeParamInfo[];
  params: FieldInfo[];
  returns: Ty[];
}

export interface ConstantInfo {
  readonly name: string;
  readonly decl: A.ConstDecl;
  type: Ty;
}

export interface ModuleInfo {
  /** `0x2::coin` */
  readonly key: string;
  readonly address: string;
  readonly name: string;
  readonly decl: A.ModuleDecl;
  readonly file: SourceFile;
  readonly datatypes: Map<string, DatatypeInfo>;
  readonly functions: Map<string, FunctionInfo>;
  readonly constants: Map<string, ConstantInfo>;
  /** Alias -> module key. */
  readonly moduleAliases: Map<string, string>;
  /** Alias -> [module key, member name]. */
  readonly memberAliases: Map<string, [string, string]>;
  readonly testOnly: boolean;
}

/** A use of a name and the declaration it resolves to (for go to definition and hover). */
export interface Reference {
  readonly file: string;
  readonly loc: A.Loc;
  readonly kind: 'module' | 'type' | 'function' | 'constant' | 'variant' | 'local';
  readonly targetFile: string;
  readonly targetLoc: A.Loc;
  /** `0x2::coin::Coin`, `0x2::coin::value`, or the local's name. */
  readonly name: string;
}

/** The inferred type of a variable occurrence (declaration or use), for hover. */
export interface TypeAt {
  readonly file: string;
  readonly loc: A.Loc;
  readonly type: Ty;
  /** As the user would write it in that module. */
  readonly text: string;
}

export interface Program {
  readonly modules: Map<string, ModuleInfo>;
  readonly diagnostics: Diagnostic[];
  readonly references: Reference[];
  readonly types: TypeAt[];
  /** The type of every expression in checked function bodies (unknown parts are `error`). */
  readonly expTypes: Map<A.Exp, Ty>;
  /** The function each call and method call expression resolved to, with its inferred type arguments. */
  readonly calls: Map<A.Exp, ResolvedCall>;
  /** Named addresses the program was built with. */
  readonly addresses: ReadonlyMap<string, string>;
  /** Resolves a type written in module `m` (no diagnostics). */
  typeOfWritten(m: ModuleInfo, t: A.Type, params: readonly TypeParamInfo[]): Ty;
  readonly files: readonly SourceFile[];
  readonly units: Map<string, A.CompilationUnit>;
  /** What a later check of the same package may reuse (see incremental.ts). */
  readonly incremental: IncrementalState<Reference, TypeAt>;
  /** Types a lambda body for one call (see FunctionTyper.lambdaBody); `subst` replaces written type parameters. */
  typeLambdaBody(m: ModuleInfo, e: Extract<A.Exp, { kind: 'lambda' }>, paramTypes: readonly Ty[], resultType: Ty | undefined, outer: ReadonlyMap<string, Ty>, typeParams: readonly TypeParamInfo[], subst: readonly Ty[]): MacroExpansionTypes;
  /** Types one expansion of a macro body (see FunctionTyper.expansion); nothing is reported. */
  typeMacroExpansion(fn: FunctionInfo, typeArgs: readonly Ty[], argTypes: readonly (Ty | undefined)[]): MacroExpansionTypes;
}

/** The types of a macro body at one call: expressions, resolved calls, binders by declaration start. */
export interface MacroExpansionTypes {
  readonly expTypes: Map<A.Exp, Ty>;
  readonly calls: Map<A.Exp, ResolvedCall>;
  readonly binders: Map<number, Ty>;
}

export interface ProgramOptions {
  /** Named address -> numeric text. */
  readonly addresses: ReadonlyMap<string, string>;
  /** Compile `#[test]`/`#[test_only]` code too. */
  readonly test?: boolean;
  /**
   * Parse results by file path, reused when a file's bytes are unchanged (an editor rechecks one changed
   * module without re-parsing the others). buildProgram fills it.
   */
  readonly parseCache?: Map<string, { source: Uint8Array; result: ReturnType<typeof parse> }>;
  /**
   * The previous check of the same package, in an editor: when no file's declarations changed, the modules
   * of unchanged files keep its body diagnostics, references and types, and only edited files are typed
   * again. Such a Program's expTypes and calls cover only the re-typed modules: for editors, not codegen.
   */
  readonly reuseBodiesFrom?: Program;
}

/** Nested macro calls whose results are typed through their bodies before giving up (the code generator expands 64 deep). */
const MAX_MACRO_RESULT_DEPTH = 16;

const BUILTIN_FUNCTIONS = new Set(['assert', 'freeze', 'move_to', 'move_from', 'borrow_global', 'borrow_global_mut', 'exists']);

function hasAttribute(attrs: readonly A.Attribute[], name: string): boolean {
  return attrs.some((a) => a.name.value === name);
}

/** Whether a member exists in this compilation mode (`#[test_only]` and `#[test]` only in test mode). */
function included(attrs: readonly A.Attribute[], test: boolean): boolean {
  if (test) return true;
  return !hasAttribute(attrs, 'test_only') && !hasAttribute(attrs, 'test') && !hasAttribute(attrs, 'random_test');
}

export function buildProgram(files: readonly SourceFile[], options: ProgramOptions): Program {
  return new ProgramBuilder(files, options).run();
}

class ProgramBuilder {
  private readonly modules = new Map<string, ModuleInfo>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly units = new Map<string, A.CompilationUnit>();
  readonly references: Reference[] = [];
  private readonly types: TypeAt[] = [];
  private readonly expTypes = new Map<A.Exp, Ty>();
  private readonly calls = new Map<A.Exp, ResolvedCall>();
  private readonly test: boolean;
  /** >0 while resolving again what was already resolved (and reported) once. */
  private silent = 0;
  private file!: SourceFile;
  private usedAliases = new Set<string>();

  constructor(
    private readonly files: readonly SourceFile[],
    private readonly options: ProgramOptions,
  ) {
    this.test = options.test ?? false;
  }

  private report(loc: A.Loc, code: string, message: string, severity: Severity = 'error'): void {
    if (this.silent) return;
    this.diagnostics.push({ range: { start: loc.start, end: loc.end }, code, message, severity, file: this.file.path });
  }

  run(): Program {
    const parsed: [SourceFile, A.CompilationUnit][] = [];
    for (const f of this.files) {
      this.file = f;
      const cached = this.options.parseCache?.get(f.path);
      const r = cached && Buffer.from(cached.source.buffer, cached.source.byteOffset, cached.source.byteLength).equals(f.source) ? cached.result : parse(f.source);
      this.options.parseCache?.set(f.path, { source: f.source, result: r });
      for (const d of r.diagnostics) this.diagnostics.push({ ...d, file: f.path });
      this.units.set(f.path, r.unit);
      parsed.push([f, r.unit]);
    }
    for (const [f, unit] of parsed) {
      this.file = f;
      for (const m of unit.modules) if (!m.isScript && included(m.attributes, this.test)) this.register(m, f);
    }
    const infos = [...this.modules.values()];
    for (const m of infos) this.withFile(m, () => this.buildAliases(m));
    for (const m of infos) this.withFile(m, () => this.resolveDeclarations(m));
    for (const m of infos) this.withFile(m, () => this.checkDeclarations(m));
    const interfaces = new Map(parsed.map(([f, unit]) => [f.path, { source: f.source, ...fileInterface(f.source, unit) }]));
    const plan = planReuse(this.options.reuseBodiesFrom?.incremental, interfaces, this.test);
    const bodies = new Map<string, BodyResults<Reference, TypeAt>>();
    const fresh = infos.filter((m) => !plan?.reused.has(m.file.path));
    for (const m of fresh) this.collect(bodies, m.file.path, () => this.withFile(m, () => this.checkBodies(m)));
    const useFuns = this.collectUseFuns(infos);
    for (const m of fresh) this.collect(bodies, m.file.path, () => this.withFile(m, () => this.typeBodies(m, useFuns)));
    for (const path of plan?.reused ?? []) {
      const old = this.options.reuseBodiesFrom!.incremental.bodies.get(path)!;
      const references = old.references.map((r) => {
        const targetLoc = plan!.shift(r.targetFile, r.targetLoc);
        return targetLoc.start === r.targetLoc.start && targetLoc.end === r.targetLoc.end ? r : { ...r, targetLoc };
      });
      bodies.set(path, { diagnostics: old.diagnostics, types: old.types, references });
      for (const d of old.diagnostics) this.diagnostics.push(d);
      for (const r of references) this.references.push(r);
      for (const t of old.types) this.types.push(t);
    }
    return { modules: this.modules, diagnostics: this.diagnostics, references: this.references, types: this.types, expTypes: this.expTypes, calls: this.calls, addresses: this.options.addresses,
      typeOfWritten: (m, t, params) => this.silently(() => this.resolveType(m, t, params)), files: this.files, units: this.units,
      incremental: { test: this.test, files: interfaces, bodies },
      typeMacroExpansion: (fn, typeArgs, argTypes) => this.typeMacroExpansion(fn, typeArgs, argTypes, useFuns),
      typeLambdaBody: (m, e, paramTypes, resultType, outer, typeParams, subst) => {
        const { host, out } = this.recordingHost(subst, useFuns);
        new FunctionTyper(host, m, useFuns).lambdaBody(e, paramTypes, resultType, outer, typeParams);
        return out;
      } };
  }

  /** Runs a body phase of one module, keeping what it produced under its file for a later recheck to reuse. */
  private collect(bodies: Map<string, BodyResults<Reference, TypeAt>>, path: string, phase: () => void): void {
    const [d, r, t] = [this.diagnostics.length, this.references.length, this.types.length];
    phase();
    let mine = bodies.get(path);
    if (!mine) bodies.set(path, (mine = { diagnostics: [], references: [], types: [] }));
    for (let i = d; i < this.diagnostics.length; i++) mine.diagnostics.push(this.diagnostics[i]!);
    for (let i = r; i < this.references.length; i++) mine.references.push(this.references[i]!);
    for (let i = t; i < this.types.length; i++) mine.types.push(this.types[i]!);
  }

  /** A typing host that reports nothing and records into fresh maps; written types get `typeArgs` substituted. */
  private recordingHost(typeArgs: readonly Ty[], useFuns: Map<string, Map<string, FunctionInfo>>): { host: TypingHost; out: MacroExpansionTypes } {
    const out: MacroExpansionTypes = { expTypes: new Map(), calls: new Map(), binders: new Map() };
    const host: TypingHost = {
      modules: this.modules,
      resolveQuiet: (mod, t, params) => substitute(this.silently(() => this.resolveType(mod, t, params)), typeArgs),
      functionQuiet: (mod, path) => this.functionQuiet(mod, path),
      constructorQuiet: (mod, path) => this.constructorQuiet(mod, path),
      report: () => undefined,
      recordType: (loc, type) => out.binders.set(loc.start, type),
      recordCalls: (calls) => calls.forEach((c, e) => out.calls.set(e, c)),
      recordExpTypes: (types) => types.forEach((t, e) => out.expTypes.set(e, t)),
      macroResultType: (fn, targs, argTypes, lambdas) => this.macroResultType(fn, targs, argTypes, lambdas, useFuns),
      lambdaResultType: (mod, e, paramTypes, outer, typeParams) => this.lambdaResultType(mod, e, paramTypes, outer, typeParams, useFuns),
    };
    return { host, out };
  }

  private typeMacroExpansion(fn: FunctionInfo, typeArgs: readonly Ty[], argTypes: readonly (Ty | undefined)[], useFuns: Map<string, Map<string, FunctionInfo>>): MacroExpansionTypes {
    const m = this.modules.get(fn.module)!;
    const { host, out } = this.recordingHost(typeArgs, useFuns);
    new FunctionTyper(host, m, useFuns).expansion(fn, typeArgs, argTypes);
    return out;
  }

  /** How deep macro results are being typed (a macro's body calling macros): bounded, as expansion is. */
  private macroResultDepth = 0;

  /** The type one call of a macro yields: its body typed for these arguments (see FunctionTyper.expansion). */
  private macroResultType(fn: FunctionInfo, typeArgs: readonly Ty[], argTypes: readonly (Ty | undefined)[], lambdas: ReadonlyMap<number, LambdaResult>, useFuns: Map<string, Map<string, FunctionInfo>>): Ty | undefined {
    const m = this.modules.get(fn.module);
    return m && this.nestedTyping(() => new FunctionTyper(this.recordingHost(typeArgs, useFuns).host, m, useFuns).expansion(fn, typeArgs, argTypes, lambdas));
  }

  /** The type a lambda's body yields for these parameter types (its written types need no substitution). */
  private lambdaResultType(m: ModuleInfo, e: Extract<A.Exp, { kind: 'lambda' }>, paramTypes: readonly Ty[], outer: ReadonlyMap<string, Ty>, typeParams: readonly TypeParamInfo[], useFuns: Map<string, Map<string, FunctionInfo>>): Ty | undefined {
    return this.nestedTyping(() => new FunctionTyper(this.recordingHost([], useFuns).host, m, useFuns).lambdaBody(e, paramTypes, undefined, outer, typeParams));
  }

  private nestedTyping(f: () => Ty | undefined): Ty | undefined {
    if (this.macroResultDepth >= MAX_MACRO_RESULT_DEPTH) return undefined;
    this.macroResultDepth++;
    try {
      return f();
    } finally {
      this.macroResultDepth--;
    }
  }

  private silently<T>(f: () => T): T {
    this.silent++;
    try {
      return f();
    } finally {
      this.silent--;
    }
  }

  /** `use fun` aliases: public ones apply everywhere (`*|<type>`), others in their module (`<module>|<type>`). */
  private collectUseFuns(infos: readonly ModuleInfo[]): Map<string, Map<string, FunctionInfo>> {
    const out = new Map<string, Map<string, FunctionInfo>>();
    const add = (scope: string, typeKey: string, method: string, fn: FunctionInfo) => {
      const key = `${scope}|${typeKey}`;
      if (!out.has(key)) out.set(key, new Map());
      out.get(key)!.set(method, fn);
    };
    for (const m of infos) {
      this.file = m.file;
      const decls: A.UseFunDecl[] = [];
      for (const member of m.decl.members) {
        if (member.kind === 'useFun' && included(member.attributes, this.test)) decls.push(member);
        if (member.kind === 'function' && member.body && included(member.attributes, this.test)) {
          for (const st of member.body.statements) if (st.kind === 'use' && st.decl.kind === 'useFun') decls.push(st.decl);
        }
      }
      for (const u of decls) {
        const fn = this.functionQuiet(m, u.function);
        if (!fn) continue;
        const segs = u.type.segments;
        let typeKey: string | undefined;
        if (segs.length === 1 && (PRIMS.has(segs[0].value) || segs[0].value === 'vector')) typeKey = segs[0].value;
        else {
          const dt = this.silently(() => this.lookupDatatype(m, u.type));
          if (dt) typeKey = `${dt.module}::${dt.name}`;
        }
        if (typeKey) add(u.public ? '*' : m.key, typeKey, u.method.value, fn);
      }
    }
    return out;
  }

  private typeBodies(m: ModuleInfo, useFuns: Map<string, Map<string, FunctionInfo>>): void {
    const builder = this;
    const host: TypingHost = {
      modules: this.modules,
      resolveQuiet: (mod, t, params) => this.silently(() => this.resolveType(mod, t, params)),
      functionQuiet: (mod, path) => this.functionQuiet(mod, path),
      constructorQuiet: (mod, path) => this.constructorQuiet(mod, path),
      report: (loc, code, message) => builder.report(loc, code, message),
      recordType: (loc, type) => builder.types.push({ file: m.file.path, loc, type, text: showType(type, m) }),
      recordCalls: (calls) => {
        for (const [e, c] of calls) builder.calls.set(e, c);
      },
      recordExpTypes: (types) => {
        for (const [e, t] of types) builder.expTypes.set(e, t);
      },
      macroResultType: (fn, targs, argTypes, lambdas) => this.macroResultType(fn, targs, argTypes, lambdas, useFuns),
      lambdaResultType: (mod, e, paramTypes, outer, typeParams) => this.lambdaResultType(mod, e, paramTypes, outer, typeParams, useFuns),
    };
    const typesFrom = this.types.length;
    const clean: FunctionInfo[] = [];
    for (const fn of m.functions.values()) {
      if (!included(fn.decl.attributes, this.test)) continue;
      new FunctionTyper(host, m, useFuns).function(fn);
      if (fn.decl.body && !fn.decl.macro && !this.hasErrorsIn(fn.decl.loc)) clean.push(fn);
    }
    // Borrow and locals safety, on bodies without errors (as Move checks them after typing succeeds).
    if (clean.length === 0) return;
    const localTypes = new Map<number, Ty>();
    for (let i = typesFrom; i < this.types.length; i++) localTypes.set(this.types[i]!.loc.start, this.types[i]!.type);
    const index = new LineIndex(m.file.source);
    const cx = { modules: this.modules, expTypes: this.expTypes, calls: this.calls, localTypes };
    for (const fn of clean) for (const d of checkFunctionBorrows(fn, m, cx, (offset) => index.line(offset))) this.report(d.loc, d.code, d.message);
  }

  /** Whether an error (of any phase so far) lies in `range` of the current file. */
  private hasErrorsIn(range: A.Loc): boolean {
    return this.diagnostics.some((d) => d.severity === 'error' && d.file === this.file.path && d.range.start >= range.start && d.range.end <= range.end);
  }

  functionQuiet(m: ModuleInfo, path: A.Path): FunctionInfo | undefined {
    const segs = path.segments;
    if (segs.length === 1) {
      const own = m.functions.get(segs[0].value);
      if (own) return own;
      const alias = m.memberAliases.get(segs[0].value);
      return alias ? this.modules.get(alias[0])?.functions.get(alias[1]) : undefined;
    }
    if (segs.length > 3) return undefined;
    const target = this.silently(() => this.lookupModule(m, segs.slice(0, -1), true));
    return target?.functions.get(segs[segs.length - 1].value);
  }

  constructorQuiet(m: ModuleInfo, path: A.Path): { module: string; name: string; typeParams: TypeParamInfo[]; fields: FieldInfo[] } | undefined {
    const segs = path.segments;
    return this.silently(() => {
      if (segs.length === 1) {
        const dt = m.datatypes.get(segs[0].value) ?? (() => {
          const alias = m.memberAliases.get(segs[0].value);
          return alias ? this.modules.get(alias[0])?.datatypes.get(alias[1]) : undefined;
        })();
        return dt?.kind === 'struct' ? { module: dt.module, name: dt.name, typeParams: dt.typeParams, fields: dt.fields } : undefined;
      }
      const prefix: A.Path = { kind: 'path', segments: segs.slice(0, -1), loc: path.loc };
      const last = segs[segs.length - 1].value;
      // `Enum::Variant` (with the enum named in any of the ways a type can be).
      let enumDt: DatatypeInfo | undefined;
      if (prefix.segments.length === 1) {
        enumDt = m.datatypes.get(prefix.segments[0].value);
        const alias = m.memberAliases.get(prefix.segments[0].value);
        if (!enumDt && alias) enumDt = this.modules.get(alias[0])?.datatypes.get(alias[1]);
      } else if (prefix.segments.length <= 3) {
        enumDt = this.lookupModule(m, prefix.segments.slice(0, -1), true)?.datatypes.get(prefix.segments[prefix.segments.length - 1].value);
      }
      if (enumDt?.kind === 'enum') {
        const v = enumDt.variants.find((x) => x.name === last);
        return v ? { module: enumDt.module, name: enumDt.name, typeParams: enumDt.typeParams, fields: v.fields } : undefined;
      }
      if (segs.length > 3) return undefined;
      const dt = this.lookupModule(m, prefix.segments, true)?.datatypes.get(last);
      return dt?.kind === 'struct' ? { module: dt.module, name: dt.name, typeParams: dt.typeParams, fields: dt.fields } : undefined;
    });
  }

  private withFile(m: ModuleInfo, f: () => void): void {
    this.file = m.file;
    f();
  }

  private resolveAddress(name: A.Name): string | undefined {
    const numeric = /^[0-9]/.test(name.value) ? canonicalAddress(name.value) : undefined;
    if (numeric) return numeric;
    const named = this.options.addresses.get(name.value);
    if (named !== undefined) return canonicalAddress(named);
    this.report(name.loc, 'E02001', `Unknown address '${name.value}': give it a value in the [addresses] section of Move.toml.`);
    return undefined;
  }

  // ---- phase 1

  private register(decl: A.ModuleDecl, file: SourceFile): void {
    if (!decl.address) {
      this.report(decl.name.loc, 'E02001', `Module '${decl.name.value}' has no address: write 'module <address>::${decl.name.value}'.`);
      return;
    }
    const address = this.resolveAddress(decl.address);
    if (!address) return;
    const key = `${address}::${decl.name.value}`;
    if (this.modules.has(key)) {
      this.report(decl.name.loc, 'E02002', `Duplicate module '${key}': another file already declares it.`);
      return;
    }
    const info: ModuleInfo = {
      key, address, name: decl.name.value, decl, file,
      datatypes: new Map(), functions: new Map(), constants: new Map(), moduleAliases: new Map(), memberAliases: new Map(),
      testOnly: hasAttribute(decl.attributes, 'test_only'),
    };
    this.modules.set(key, info);
    const seenTypes = new Map<string, A.Loc>();
    for (const member of decl.members) {
      if (member.kind === 'use' || member.kind === 'useFun' || member.kind === 'friend' || member.kind === 'spec') continue;
      if (!included(member.attributes, this.test)) continue;
      const name = member.name.value;
      const dup = (what: string) => this.report(member.name.loc, 'E02002', `Duplicate ${what} '${name}' in module '${decl.name.value}'.`);
      if (member.kind === 'struct' || member.kind === 'enum') {
        if (seenTypes.has(name)) {
          dup(member.kind);
          continue;
        }
        seenTypes.set(name, member.name.loc);
        info.datatypes.set(name, {
          kind: member.kind, name, module: key, decl: member,
          abilities: this.abilitySet(member.abilities, true),
          typeParams: this.typeParamInfos(member.typeParams, true),
          fields: [], variants: [],
          positional: member.kind === 'struct' && member.positional,
          native: member.kind === 'struct' && member.native,
        });
      } else if (member.kind === 'function') {
        if (info.functions.has(name)) {
          dup('function');
          continue;
        }
        info.functions.set(name, { name, module: key, decl: member, typeParams: this.typeParamInfos(member.typeParams, false), params: [], returns: [] });
      } else if (member.kind === 'const') {
        if (info.constants.has(name)) {
          dup('constant');
          continue;
        }
        info.constants.set(name, { name, decl: member, type: { kind: 'error' } });
      }
    }
  }

  private abilitySet(names: readonly A.Name[], declaration: boolean): Abilities {
    let set = 0;
    for (const n of names) {
      const bit = ABILITY_BIT[n.value as keyof typeof ABILITY_BIT];
      if (bit === undefined) this.report(n.loc, 'E03001', `Unknown ability '${n.value}': the abilities are copy, drop, store and key.`);
      else if (set & bit) this.report(n.loc, 'E03001', `Duplicate ability '${n.value}'.`, declaration ? 'error' : 'warning');
      else set |= bit;
    }
    return set;
  }

  private typeParamInfos(params: readonly A.TypeParam[], datatype: boolean): TypeParamInfo[] {
    const seen = new Set<string>();
    return params.map((p) => {
      if (seen.has(p.name.value)) this.report(p.name.loc, 'E02002', `Duplicate type parameter '${p.name.value}'.`);
      seen.add(p.name.value);
      if (p.phantom && !datatype) this.report(p.loc, 'E01002', `'phantom' is only allowed on type parameters of structs and enums.`);
      return { name: p.name.value, phantom: p.phantom, constraints: this.abilitySet(p.constraints, false) };
    });
  }

  // ---- phase 2

  private buildAliases(m: ModuleInfo): void {
    const implicit: [string, string, string | undefined][] = [
      ['0x1', 'vector', undefined],
      ['0x1', 'option', undefined],
      ['0x1', 'option', 'Option'],
      ['0x1', 'internal', undefined],
      ['0x2', 'object', undefined],
      ['0x2', 'object', 'ID'],
      ['0x2', 'object', 'UID'],
      ['0x2', 'transfer', undefined],
      ['0x2', 'tx_context', undefined],
      ['0x2', 'tx_context', 'TxContext'],
    ];
    for (const [address, module, member] of implicit) {
      const key = `${address}::${module}`;
      const target = this.modules.get(key);
      if (!target || target === m) continue;
      if (member === undefined) m.moduleAliases.set(module, key);
      else if (target.datatypes.has(member)) m.memberAliases.set(member, [key, member]);
    }
    m.moduleAliases.set('Self', m.key);
    const uses: A.UseDecl[] = [];
    for (const member of m.decl.members) if (member.kind === 'use' && included(member.attributes, this.test)) uses.push(member);
    // `use` statements inside function bodies widen the module scope here (simplification: names
    // stay visible in the whole module).
    for (const member of m.decl.members) {
      if (member.kind !== 'function' || !member.body || !included(member.attributes, this.test)) continue;
      walkBlockUses(member.body, uses);
    }
    this.explicitAliases.set(m.key, new Map());
    for (const use of uses) {
      for (const imp of use.imports) {
        const address = this.resolveAddress(imp.address);
        if (!address) continue;
        const key = `${address}::${imp.module.value}`;
        const target = this.modules.get(key);
        if (!target) {
          this.report(imp.module.loc, 'E02003', `Unknown module '${imp.address.value}::${imp.module.value}': no such module in this package or its dependencies.`);
          continue;
        }
        if (imp.member === undefined) {
          const alias = imp.alias ?? imp.module;
          m.moduleAliases.set(alias.value, key);
          this.explicitAliases.get(m.key)!.set(`module:${alias.value}`, alias.loc);
        } else {
          const name = imp.member.value;
          if (!target.datatypes.has(name) && !target.functions.has(name) && !target.constants.has(name)) {
            this.report(imp.member.loc, 'E02004', `Module '${imp.address.value}::${imp.module.value}' has no member '${name}'.`);
            continue;
          }
          const alias = imp.alias ?? imp.member;
          m.memberAliases.set(alias.value, [key, name]);
          this.explicitAliases.get(m.key)!.set(`member:${alias.value}`, alias.loc);
        }
      }
    }
  }
  /** Explicit (`use`) aliases per module with where they were declared, for unused-alias warnings. */
  private readonly explicitAliases = new Map<string, Map<string, A.Loc>>();

  // ---- phase 3: types

  private resolveType(m: ModuleInfo, t: A.Type, params: readonly TypeParamInfo[]): Ty {
    switch (t.kind) {
      case 'ref': {
        if (t.inner.kind === 'ref') this.report(t.loc, 'E03002', 'A reference to a reference is not a Move type.');
        return { kind: 'ref', mut: t.mut, to: this.resolveType(m, t.inner, params) };
      }
      case 'tuple':
        return { kind: 'tuple', elems: t.elems.map((e) => this.resolveType(m, e, params)) };
      case 'fun':
        return { kind: 'fun', params: t.params.map((e) => this.resolveType(m, e, params)), ret: t.ret ? this.resolveType(m, t.ret, params) : { kind: 'tuple', elems: [] } };
      case 'any':
        return { kind: 'any' };
      case 'apply':
        return this.resolveApply(m, t, params);
    }
  }

  private resolveApply(m: ModuleInfo, t: Extract<A.Type, { kind: 'apply' }>, params: readonly TypeParamInfo[]): Ty {
    const segs = t.path.segments;
    const args = t.args.map((a) => this.resolveType(m, a, params));
    if (segs.length === 1) {
      const name = segs[0].value;
      const pi = params.findIndex((p) => p.name === name);
      if (pi >= 0) {
        if (args.length) this.report(t.loc, 'E03003', `Type parameter '${name}' takes no type arguments.`);
        return { kind: 'param', index: pi, name };
      }
      if (PRIMS.has(name)) {
        if (args.length) this.report(t.loc, 'E03003', `'${name}' takes no type arguments.`);
        return { kind: 'prim', name: name as Prim };
      }
      if (name === 'vector') {
        if (args.length !== 1) {
          this.report(t.loc, 'E03003', `'vector' takes exactly one type argument, found ${args.length}.`);
          return { kind: 'error' };
        }
        return { kind: 'vector', elem: args[0] };
      }
    }
    const dt = this.lookupDatatype(m, t.path);
    if (!dt) return { kind: 'error' };
    return this.instantiate(dt, args, t.loc, params);
  }

  private instantiate(dt: DatatypeInfo, args: Ty[], loc: A.Loc, params: readonly TypeParamInfo[]): Ty {
    if (args.length !== dt.typeParams.length) {
      this.report(loc, 'E03003', `'${dt.name}' takes ${dt.typeParams.length} type argument${dt.typeParams.length === 1 ? '' : 's'}, found ${args.length}.`);
      return { kind: 'error' };
    }
    dt.typeParams.forEach((p, i) => {
      const missing = p.constraints & ~this.abilitiesOf(args[i], params);
      if (missing) this.report(loc, 'E03004', `Type argument ${i + 1} of '${dt.name}' must have ${abilityNames(missing).join(' + ')} (required by its parameter '${p.name}').`);
    });
    return { kind: 'datatype', module: dt.module, name: dt.name, args };
  }

  /** Looks up `T`, `m::T` or `a::m::T`; reports and returns undefined when unknown. */
  private lookupDatatype(m: ModuleInfo, path: A.Path): DatatypeInfo | undefined {
    const dt = this.lookupDatatypeUnrecorded(m, path);
    if (dt) {
      const last = path.segments[path.segments.length - 1];
      this.refer(last.loc, 'type', this.modules.get(dt.module)!, dt.decl.name.loc, `${dt.module}::${dt.name}`);
    }
    return dt;
  }

  private lookupDatatypeUnrecorded(m: ModuleInfo, path: A.Path): DatatypeInfo | undefined {
    const segs = path.segments;
    if (segs.length === 1) {
      const name = segs[0].value;
      const local = m.datatypes.get(name);
      if (local) return local;
      const alias = m.memberAliases.get(name);
      if (alias) {
        this.usedAliases.add(`${m.key}|member:${name}`);
        const dt = this.modules.get(alias[0])?.datatypes.get(alias[1]);
        if (dt) return dt;
        this.report(segs[0].loc, 'E02005', `'${name}' is not a type (it is imported from '${alias[0]}').`);
        return undefined;
      }
      this.report(segs[0].loc, 'E02005', `Unknown type '${name}': declare it or import it with 'use'.`);
      return undefined;
    }
    const target = this.lookupModule(m, segs.slice(0, -1));
    if (!target) return undefined;
    const last = segs[segs.length - 1];
    const dt = target.datatypes.get(last.value);
    if (!dt) {
      this.report(last.loc, 'E02004', `Module '${target.key}' has no type '${last.value}'.`);
      return undefined;
    }
    return dt;
  }

  /** `m` (an alias) or `a::m` (address and module name). */
  private lookupModule(m: ModuleInfo, segs: readonly A.Name[], quiet = false): ModuleInfo | undefined {
    if (segs.length === 1) {
      const key = m.moduleAliases.get(segs[0].value);
      if (key) {
        this.usedAliases.add(`${m.key}|module:${segs[0].value}`);
        const target = this.modules.get(key);
        if (target) this.refer(segs[0].loc, 'module', target, target.decl.name.loc, target.key);
        return target;
      }
      if (!quiet) this.report(segs[0].loc, 'E02003', `Unknown module '${segs[0].value}': import it with 'use <address>::${segs[0].value}'.`);
      return undefined;
    }
    if (segs.length === 2) {
      const numeric = /^[0-9]/.test(segs[0].value) ? canonicalAddress(segs[0].value) : undefined;
      const named = this.options.addresses.get(segs[0].value);
      const address = numeric ?? (named !== undefined ? canonicalAddress(named) : undefined);
      if (!address) {
        if (!quiet) this.report(segs[0].loc, 'E02001', `Unknown address '${segs[0].value}': give it a value in the [addresses] section of Move.toml.`);
        return undefined;
      }
      const target = this.modules.get(`${address}::${segs[1].value}`);
      if (target) this.refer(segs[1].loc, 'module', target, target.decl.name.loc, target.key);
      if (!target && !quiet) this.report(segs[1].loc, 'E02003', `Unknown module '${segs[0].value}::${segs[1].value}'.`);
      return target;
    }
    if (!quiet) this.report(segs[0].loc, 'E02003', `'${segs.map((s) => s.value).join('::')}' is not a module path.`);
    return undefined;
  }

  abilitiesOf(t: Ty, params: readonly TypeParamInfo[]): Abilities {
    switch (t.kind) {
      case 'prim':
        return t.name === 'signer' ? ABILITY_BIT.drop : ABILITY_BIT.copy | ABILITY_BIT.drop | ABILITY_BIT.store;
      case 'vector':
        return this.abilitiesOf(t.elem, params) & (ABILITY_BIT.copy | ABILITY_BIT.drop | ABILITY_BIT.store);
      case 'ref':
        return ABILITY_BIT.copy | ABILITY_BIT.drop;
      case 'param':
        return params[t.index]?.constraints ?? ALL_ABILITIES;
      case 'datatype': {
        const dt = this.modules.get(t.module)?.datatypes.get(t.name);
        if (!dt) return ALL_ABILITIES;
        let out = 0;
        for (const bit of [ABILITY_BIT.copy, ABILITY_BIT.drop, ABILITY_BIT.store, ABILITY_BIT.key]) {
          if (!(dt.abilities & bit)) continue;
          const need = bit === ABILITY_BIT.key ? ABILITY_BIT.store : bit;
          if (t.args.every((a, i) => dt.typeParams[i]?.phantom || this.abilitiesOf(a, params) & need)) out |= bit;
        }
        return out;
      }
      case 'tuple':
      case 'fun':
        return 0;
      case 'any':
      case 'error':
        return ALL_ABILITIES;
    }
  }

  private resolveDeclarations(m: ModuleInfo): void {
    for (const dt of m.datatypes.values()) {
      const fieldsOf = (fields: readonly A.FieldDecl[]) => {
        const seen = new Set<string>();
        return fields.map((f) => {
          if (seen.has(f.name.value)) this.report(f.name.loc, 'E02002', `Duplicate field '${f.name.value}'.`);
          seen.add(f.name.value);
          return { name: f.name.value, type: this.resolveType(m, f.type, dt.typeParams) };
        });
      };
      if (dt.decl.kind === 'struct') dt.fields = fieldsOf(dt.decl.fields);
      else {
        const seen = new Set<string>();
        dt.variants = dt.decl.variants.map((v) => {
          if (seen.has(v.name.value)) this.report(v.name.loc, 'E02002', `Duplicate variant '${v.name.value}'.`);
          seen.add(v.name.value);
          return { name: v.name.value, positional: v.positional, fields: fieldsOf(v.fields) };
        });
      }
    }
    for (const fn of m.functions.values()) {
      const seen = new Set<string>();
      fn.params = fn.decl.params.map((p) => {
        if (seen.has(p.name.value) && p.name.value !== '_') this.report(p.name.loc, 'E02002', `Duplicate parameter '${p.name.value}'.`);
        seen.add(p.name.value);
        return { name: p.name.value, type: this.resolveType(m, p.type, fn.typeParams) };
      });
      const ret = fn.decl.ret ? this.resolveType(m, fn.decl.ret, fn.typeParams) : undefined;
      fn.returns = !ret ? [] : ret.kind === 'tuple' ? ret.elems : [ret];
    }
    for (const c of m.constants.values()) c.type = this.resolveType(m, c.decl.type, []);
  }

  private checkDeclarations(m: ModuleInfo): void {
    for (const dt of m.datatypes.values()) {
      // Fields are checked with the type parameters granting every ability: `S<T> has copy { x: T }`
      // is fine, S<T> is simply not copyable when T is not.
      const free: TypeParamInfo[] = dt.typeParams.map((p) => ({ ...p, constraints: ALL_ABILITIES }));
      const all = dt.kind === 'struct' ? dt.fields : dt.variants.flatMap((v) => v.fields);
      const decls = dt.decl.kind === 'struct' ? dt.decl.fields : dt.decl.variants.flatMap((v) => v.fields);
      all.forEach((f, i) => {
        const loc = decls[i].type.loc;
        const has = this.abilitiesOf(f.type, free);
        for (const a of abilityNames(dt.abilities)) {
          const need = a === 'key' ? ABILITY_BIT.store : ABILITY_BIT[a as 'copy'];
          if (!(has & need)) {
            this.report(loc, 'E03005', `Field '${f.name}' of '${dt.name}' must have '${a === 'key' ? 'store' : a}' because '${dt.name}' has '${a}'.`);
            break;
          }
        }
        if (f.type.kind === 'ref') this.report(loc, 'E03002', `A field cannot hold a reference ('${f.name}' of '${dt.name}').`);
        this.checkPhantomUse(f.type, dt.typeParams, loc, false);
      });
    }
  }

  /** A phantom type parameter may only appear as an argument to another phantom parameter. */
  private checkPhantomUse(t: Ty, params: readonly TypeParamInfo[], loc: A.Loc, phantomPosition: boolean): void {
    if (t.kind === 'param' && params[t.index]?.phantom && !phantomPosition) {
      this.report(loc, 'E03006', `Phantom type parameter '${t.name}' cannot be used as a field type or as a non-phantom type argument.`);
    } else if (t.kind === 'vector') this.checkPhantomUse(t.elem, params, loc, false);
    else if (t.kind === 'datatype') {
      const dt = this.modules.get(t.module)?.datatypes.get(t.name);
      t.args.forEach((a, i) => this.checkPhantomUse(a, params, loc, dt?.typeParams[i]?.phantom ?? false));
    }
  }

  // ---- phase 4: bodies

  private checkBodies(m: ModuleInfo): void {
    const checker = new BodyChecker(this, m);
    for (const member of m.decl.members) {
      if (!included(member.attributes, this.test)) continue;
      if (member.kind === 'function' && m.functions.get(member.name.value)?.decl === member) checker.function(member);
      else if (member.kind === 'const') checker.exp(member.value);
      else if (member.kind === 'useFun') checker.useFun(member);
      for (const a of member.attributes) checker.attribute(a);
    }
    // Unused explicit aliases: a warning, as in the Move compiler (unless `#[allow(unused_use)]`).
    if (allows(m.decl.attributes, 'unused_use')) return;
    for (const [id, loc] of this.explicitAliases.get(m.key) ?? []) {
      if (!this.usedAliases.has(`${m.key}|${id}`)) this.report(loc, 'W02001', `Unused alias '${id.split(':')[1]}': remove this 'use' or use the name.`, 'warning');
    }
  }

  // Accessors for BodyChecker (kept on the builder so lookups share alias bookkeeping and reporting).
  get modulesByKey(): Map<string, ModuleInfo> {
    return this.modules;
  }
  refer(loc: A.Loc, kind: Reference['kind'], target: { file: SourceFile }, targetLoc: A.Loc, name: string): void {
    if (this.silent) return;
    this.references.push({ file: this.file.path, loc, kind, targetFile: target.file.path, targetLoc, name });
  }
  diag(loc: A.Loc, code: string, message: string, severity: Severity = 'error'): void {
    this.report(loc, code, message, severity);
  }
  useAlias(m: ModuleInfo, id: string): void {
    this.usedAliases.add(`${m.key}|${id}`);
  }
  findModule(m: ModuleInfo, segs: readonly A.Name[], quiet = false): ModuleInfo | undefined {
    return this.lookupModule(m, segs, quiet);
  }
  findDatatype(m: ModuleInfo, path: A.Path): DatatypeInfo | undefined {
    return this.lookupDatatype(m, path);
  }
  typeOf(m: ModuleInfo, t: A.Type, params: readonly TypeParamInfo[]): Ty {
    return this.resolveType(m, t, params);
  }
  packageOf(key: string): string | undefined {
    return this.modules.get(key)?.file.packageName;
  }
}

/** `#[allow(name)]` or `#[allow(unused)]` among the attributes. */
function allows(attrs: readonly A.Attribute[], name: string): boolean {
  return attrs.some((a) => a.name.value === 'allow' && a.args.some((x) => x.kind === 'nested' && (x.attribute.name.value === name || x.attribute.name.value === 'unused')));
}

function walkBlockUses(b: A.Block, out: A.UseDecl[]): void {
  for (const s of b.statements) if (s.kind === 'use' && s.decl.kind === 'use') out.push(s.decl);
}

type Callee =
  | { kind: 'function'; fn: FunctionInfo }
  | { kind: 'pack'; dt: DatatypeInfo; variant: string | undefined; fields: FieldInfo[]; positional: boolean }
  | { kind: 'builtin' }
  | { kind: 'local' }
  | undefined;

/** Resolves the names used in function bodies, with lexical scopes for locals. */
class BodyChecker {
  private readonly scopes = new ScopeStack<A.Loc>();
  private typeParams: TypeParamInfo[] = [];

  constructor(
    private readonly b: ProgramBuilder,
    private readonly m: ModuleInfo,
  ) {}

  function(f: A.FunctionDecl): void {
    const info = this.m.functions.get(f.name.value)!;
    this.typeParams = info.typeParams;
    this.scopes.reset(f.params.map((p) => [p.name.value, p.name.loc]));
    if (f.body) this.block(f.body);
    for (const t of [...f.params.map((p) => p.type), ...(f.ret ? [f.ret] : [])]) void t;
  }

  useFun(u: A.UseFunDecl): void {
    this.callee(u.function, true);
    if (u.type.segments.length === 1 && !PRIMS.has(u.type.segments[0].value) && u.type.segments[0].value !== 'vector') this.b.findDatatype(this.m, u.type);
    else if (u.type.segments.length > 1) this.b.findDatatype(this.m, u.type);
  }

  attribute(a: A.Attribute): void {
    for (const arg of a.args) {
      if (arg.kind === 'nested') this.attribute(arg.attribute);
      else if (arg.value.kind === 'path' && arg.value.segments.length > 1) {
        // `abort_code = m::E` / `location = std::u8`: mark aliases used; unknown names are the test runner's concern.
        const segs = arg.value.segments;
        if (segs.length === 2) this.b.useAlias(this.m, `module:${segs[0].value}`);
      } else if (arg.value.kind === 'path' && arg.value.segments.length === 1) {
        const n = arg.value.segments[0].value;
        this.b.useAlias(this.m, `member:${n}`);
        this.b.useAlias(this.m, `module:${n}`);
      }
    }
  }

  private declare(name: A.Name): void {
    this.scopes.declare(name.value, name.loc);
  }
  private localLoc(name: string): A.Loc | undefined {
    return this.scopes.lookup(name);
  }
  private scoped<T>(f: () => T): T {
    return this.scopes.scoped(f);
  }

  private type(t: A.Type): void {
    this.b.typeOf(this.m, t, this.typeParams);
  }

  block(b: A.Block): void {
    this.scoped(() => {
      for (const s of b.statements) {
        if (s.kind === 'let') {
          if (s.value) this.exp(s.value);
          if (s.type) this.type(s.type);
          this.bind(s.bind);
        } else if (s.kind === 'exp') this.exp(s.exp);
      }
      if (b.result) this.exp(b.result);
    });
  }

  private bind(b: A.Bind): void {
    switch (b.kind) {
      case 'var':
        if (b.name.value !== '_') this.declare(b.name);
        return;
      case 'tuple':
        for (const e of b.elems) this.bind(e);
        return;
      case 'unpack': {
        this.construct(b.path, b.fields.map((f) => f.name), b.positional, b.rest, b.loc);
        for (const f of b.fields) this.bind(f.bind);
      }
    }
  }

  private pattern(p: A.Pattern): void {
    switch (p.kind) {
      case 'binder':
        if (p.name.value !== '_') this.declare(p.name);
        return;
      case 'at':
        this.declare(p.name);
        this.pattern(p.pattern);
        return;
      case 'or':
        for (const a of p.alts) this.pattern(a);
        return;
      case 'ctor':
        this.construct(p.path, p.fields.map((f) => f.name), p.positional ?? false, p.rest || p.positional === undefined, p.loc, p.positional === undefined);
        for (const f of p.fields) this.pattern(f.pattern);
        return;
      default:
        return;
    }
  }

  /** Checks a struct/variant pack or unpack: the constructor exists and the fields match. */
  private construct(path: A.Path, fields: readonly A.Name[], positional: boolean, rest: boolean, loc: A.Loc, bare = false): void {
    const c = this.callee(path, false, true);
    if (!c) return;
    if (c.kind !== 'pack') {
      this.b.diag(path.loc, 'E02006', `'${pathText(path)}' is not a struct or an enum variant.`);
      return;
    }
    const what = c.variant ? `variant '${c.dt.name}::${c.variant}'` : `struct '${c.dt.name}'`;
    if (bare && c.fields.length > 0 && !rest) this.b.diag(loc, 'E03007', `The ${what} has fields: write '${pathText(path)}${c.positional ? '(..)' : ' { .. }'}'.`);
    if (bare) return;
    if (positional !== c.positional && fields.length > 0) {
      this.b.diag(loc, 'E03007', `The ${what} has ${c.positional ? 'positional' : 'named'} fields: use ${c.positional ? "'(...)'" : "'{ ... }'"}.`);
      return;
    }
    const names = new Set(c.fields.map((f) => f.name));
    for (const f of fields) if (!positional && !names.has(f.value)) this.b.diag(f.loc, 'E03007', `The ${what} has no field '${f.value}'.`);
    const given = new Set(fields.map((f) => f.value));
    const missing = c.fields.filter((f) => !given.has(f.name)).map((f) => f.name);
    if (!rest && missing.length && !(positional && fields.length === c.fields.length)) {
      this.b.diag(loc, 'E03007', positional ? `The ${what} has ${c.fields.length} fields, ${fields.length} given.` : `Missing field${missing.length > 1 ? 's' : ''} ${missing.map((x) => `'${x}'`).join(', ')} of the ${what}.`);
    }
  }

  /** Resolves the path of a call or constructor. `quietLocals`: a 1-segment local (lambda) is fine. */
  private callee(path: A.Path, forUseFun = false, constructor = false): Callee {
    const segs = path.segments;
    const m = this.m;
    const last = segs[segs.length - 1];
    if (segs.length === 1) {
      const name = last.value;
      const local = !forUseFun && !constructor ? this.localLoc(name) : undefined;
      if (local) {
        this.b.refer(last.loc, 'local', this.m, local, name);
        return { kind: 'local' };
      }
      const dtLocal = m.datatypes.get(name);
      if (constructor && dtLocal) return this.packOf(dtLocal, undefined, path);
      const fn = m.functions.get(name);
      if (fn && !constructor) return this.functionRef(fn, last);
      if (dtLocal) return this.packOf(dtLocal, undefined, path);
      const alias = m.memberAliases.get(name);
      if (alias) {
        this.b.useAlias(m, `member:${name}`);
        const target = this.b.modulesByKey.get(alias[0])!;
        const f2 = target.functions.get(alias[1]);
        if (f2 && !constructor) return this.functionRef(f2, last);
        const dt = target.datatypes.get(alias[1]);
        if (dt) return this.packOf(dt, undefined, path);
        if (f2) return { kind: 'function', fn: f2 };
        this.b.diag(last.loc, 'E02006', `'${name}' is not a function.`);
        return undefined;
      }
      if (BUILTIN_FUNCTIONS.has(name) && !constructor) return { kind: 'builtin' };
      this.b.diag(last.loc, 'E02006', constructor ? `Unknown struct '${name}'.` : `Unknown function '${name}': declare it or import it with 'use'.`);
      return undefined;
    }
    // `E::V` / `m::E::V` / `a::m::E::V` variants, `m::f` / `a::m::f` functions, `m::S` structs.
    const prefix = segs.slice(0, -1);
    if (prefix.length <= 3) {
      const dtPath: A.Path = { kind: 'path', segments: prefix, loc: path.loc };
      const enumLike = this.tryDatatype(dtPath);
      if (enumLike) {
        if (enumLike.kind !== 'enum') {
          this.b.diag(last.loc, 'E02006', `'${enumLike.name}' is a struct, not an enum: '${last.value}' is not one of its variants.`);
          return undefined;
        }
        const variant = enumLike.variants.find((v) => v.name === last.value);
        if (!variant) {
          this.b.diag(last.loc, 'E02004', `Enum '${enumLike.name}' has no variant '${last.value}'.`);
          return undefined;
        }
        const vdecl = enumLike.decl.kind === 'enum' ? enumLike.decl.variants.find((v) => v.name.value === variant.name) : undefined;
        if (vdecl) this.b.refer(last.loc, 'variant', this.b.modulesByKey.get(enumLike.module)!, vdecl.name.loc, `${enumLike.module}::${enumLike.name}::${variant.name}`);
        return { kind: 'pack', dt: enumLike, variant: variant.name, fields: variant.fields, positional: variant.positional };
      }
    }
    if (prefix.length > 2) {
      this.b.diag(path.loc, 'E02003', `Unknown path '${pathText(path)}'.`);
      return undefined;
    }
    const target = this.b.findModule(m, prefix);
    if (!target) return undefined;
    const fn = target.functions.get(last.value);
    if (fn && !constructor) {
      this.checkVisibility(fn, last.loc);
      return this.functionRef(fn, last);
    }
    const dt = target.datatypes.get(last.value);
    if (dt) return this.packOf(dt, undefined, path);
    this.b.diag(last.loc, 'E02004', `Module '${target.key}' has no ${constructor ? 'struct' : 'function'} '${last.value}'.`);
    return undefined;
  }

  /** A datatype named by `prefix` if it names one (without reporting when it does not). */
  private tryDatatype(path: A.Path): DatatypeInfo | undefined {
    const segs = path.segments;
    if (segs.length === 1) {
      const local = this.m.datatypes.get(segs[0].value);
      if (local) return local;
      const alias = this.m.memberAliases.get(segs[0].value);
      if (alias) {
        const dt = this.b.modulesByKey.get(alias[0])?.datatypes.get(alias[1]);
        if (dt) this.b.useAlias(this.m, `member:${segs[0].value}`);
        return dt;
      }
      return undefined;
    }
    const target = this.b.findModule(this.m, segs.slice(0, -1), true);
    return target?.datatypes.get(segs[segs.length - 1].value);
  }

  private functionRef(fn: FunctionInfo, at: A.Name): Callee {
    this.b.refer(at.loc, 'function', this.b.modulesByKey.get(fn.module)!, fn.decl.name.loc, `${fn.module}::${fn.name}`);
    return { kind: 'function', fn };
  }

  private packOf(dt: DatatypeInfo, variant: string | undefined, path: A.Path): Callee {
    const last = path.segments[path.segments.length - 1];
    this.b.refer(last.loc, 'type', this.b.modulesByKey.get(dt.module)!, dt.decl.name.loc, `${dt.module}::${dt.name}`);
    if (dt.kind === 'enum') {
      this.b.diag(path.loc, 'E02006', `'${dt.name}' is an enum: name a variant, as in '${dt.name}::${dt.variants[0]?.name ?? 'V'}'.`);
      return undefined;
    }
    if (dt.module !== this.m.key) this.b.diag(path.loc, 'E02007', `Struct '${dt.name}' can only be created or destroyed in its own module '${dt.module}'.`);
    return { kind: 'pack', dt, variant, fields: dt.fields, positional: dt.positional };
  }

  private checkVisibility(fn: FunctionInfo, loc: A.Loc): void {
    if (fn.module === this.m.key) return;
    const v = fn.decl.visibility;
    if (v === 'private' && !(this.m.testOnly || fn.decl.entry === false && false)) {
      this.b.diag(loc, 'E02008', `Function '${fn.module}::${fn.name}' is private to its module.`);
    } else if (v === 'package' && this.b.packageOf(fn.module) !== this.m.file.packageName) {
      this.b.diag(loc, 'E02008', `Function '${fn.module}::${fn.name}' is 'public(package)': only its own package can call it.`);
    }
  }

  exp(e: A.Exp): void {
    switch (e.kind) {
      case 'name': {
        const segs = e.path.segments;
        if (e.typeArgs) for (const t of e.typeArgs) this.type(t);
        if (segs.length === 1) {
          const n = segs[0].value;
          const local = this.localLoc(n);
          if (local) return this.b.refer(segs[0].loc, 'local', this.m, local, n);
          const constant = this.m.constants.get(n);
          if (constant) return this.b.refer(segs[0].loc, 'constant', this.m, constant.decl.name.loc, `${this.m.key}::${n}`);
          const alias = this.m.memberAliases.get(n);
          if (alias) {
            this.b.useAlias(this.m, `member:${n}`);
            return;
          }
          if (this.m.functions.has(n)) return;
          this.b.diag(segs[0].loc, 'E02009', `Unbound variable '${n}': no local variable or constant has this name here.`);
          return;
        }
        // `E::V` (variant without fields) or a function value in macro position.
        const c = this.callee(e.path, false, true);
        if (c?.kind === 'pack' && c.fields.length > 0) this.b.diag(e.loc, 'E03007', `'${pathText(e.path)}' has fields: give their values.`);
        return;
      }
      case 'call': {
        if (e.typeArgs) for (const t of e.typeArgs) this.type(t);
        for (const a of e.args) this.exp(a);
        const c = this.callee(e.path);
        if (!c) return;
        if (c.kind === 'function') {
          const want = c.fn.decl.params.length;
          if (want !== e.args.length) this.b.diag(e.loc, 'E03008', `'${c.fn.name}' takes ${want} argument${want === 1 ? '' : 's'}, but ${e.args.length} ${e.args.length === 1 ? 'was' : 'were'} given.`);
          if (c.fn.decl.macro !== e.macro)
            this.b.diag(e.path.loc, 'E03009', c.fn.decl.macro ? `'${c.fn.name}' is a macro: call it as '${c.fn.name}!(...)'.` : `'${c.fn.name}' is a function, not a macro: remove the '!'.`);
        } else if (c.kind === 'pack') {
          if (!c.positional) this.b.diag(e.loc, 'E03007', `'${pathText(e.path)}' has named fields: write '${pathText(e.path)} { ... }'.`);
          else if (c.fields.length !== e.args.length) this.b.diag(e.loc, 'E03007', `'${pathText(e.path)}' has ${c.fields.length} field${c.fields.length === 1 ? '' : 's'}, ${e.args.length} given.`);
        }
        return;
      }
      case 'pack': {
        if (e.typeArgs) for (const t of e.typeArgs) this.type(t);
        for (const f of e.fields) this.exp(f.value);
        this.construct(e.path, e.fields.map((f) => f.name), false, false, e.loc);
        return;
      }
      case 'methodCall':
        // Move 2024: `use a::m::f` also makes `x.f()` call it when x's type is declared in `a::m`.
        this.b.useAlias(this.m, `member:${e.method.value}`);
        this.exp(e.receiver);
        if (e.typeArgs) for (const t of e.typeArgs) this.type(t);
        for (const a of e.args) this.exp(a);
        return;
      case 'vector':
        if (e.elemType) this.type(e.elemType);
        for (const a of e.elems) this.exp(a);
        return;
      case 'field':
        this.exp(e.base);
        return;
      case 'index':
        this.exp(e.base);
        for (const a of e.index) this.exp(a);
        return;
      case 'unary':
        this.exp(e.operand);
        return;
      case 'binary':
        this.exp(e.left);
        this.exp(e.right);
        return;
      case 'assign':
        this.exp(e.target);
        this.exp(e.value);
        return;
      case 'cast':
      case 'annotate':
        this.exp(e.exp);
        this.type(e.type);
        return;
      case 'if':
        this.exp(e.cond);
        this.scoped(() => this.exp(e.then));
        if (e.else) this.scoped(() => this.exp(e.else!));
        return;
      case 'while':
        this.exp(e.cond);
        this.scoped(() => this.exp(e.body));
        return;
      case 'loop':
        this.scoped(() => this.exp(e.body));
        return;
      case 'block':
        this.block(e.block);
        return;
      case 'break':
      case 'return':
        if (e.value) this.exp(e.value);
        return;
      case 'abort':
        if (e.code) this.exp(e.code);
        return;
      case 'tuple':
        for (const a of e.elems) this.exp(a);
        return;
      case 'lambda':
        this.scoped(() => {
          for (const p of e.params) {
            if (p.type) this.type(p.type);
            this.bind(p.pattern);
          }
          if (e.ret) this.type(e.ret);
          this.exp(e.body);
        });
        return;
      case 'match':
        this.exp(e.subject);
        for (const arm of e.arms) {
          this.scoped(() => {
            this.pattern(arm.pattern);
            if (arm.guard) this.exp(arm.guard);
            this.exp(arm.body);
          });
        }
        return;
      default:
        return;
    }
  }
}

function pathText(p: A.Path): string {
  return p.segments.map((s) => s.value).join('::');
}
