// Links compiled modules for execution: resolves datatype and function handles across modules (by
// address, module name and member name), turns signature tokens into runtime types, and prepares each
// function's code for the interpreter (numeric opcodes, operands in typed arrays). Modules are loaded on
// first use, so a framework of a hundred modules costs only what a run touches.
import type { CompiledModule, FunctionDefinition, Instruction, SignatureToken, VariantJumpTable } from '../binary/model.ts';
import { invariant, VMError } from './status.ts';
import { Op } from './opcodes.ts';
import { T, vectorOf, type LoadedDatatype, type LoadedField, type LoadedVariant, type RuntimeType } from './types.ts';

/** Where the interpreter finds modules. Addresses are 64 lower-case hex digits without `0x`. */
export interface ModuleProvider {
  get(address: string, name: string): CompiledModule | undefined;
}

export function hexAddress(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Normalises `0x2`, `2`, `0x000…02` to 64 hex digits; undefined when not an address. */
export function normalizeAddress(text: string): string | undefined {
  const t = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{1,64}$/.test(t)) return undefined;
  return t.toLowerCase().padStart(64, '0');
}

/** The (address, name) a module declares for itself. */
export function moduleIdOf(m: CompiledModule): { address: string; name: string } {
  const h = m.moduleHandles[m.selfHandle];
  if (!h) throw new Error('module without a self handle');
  return { address: hexAddress(m.addressIdentifiers[h.address]!), name: m.identifiers[h.name]! };
}

/** A plain set of modules, keyed by their own id; later additions replace earlier ones. */
export class ModuleSet implements ModuleProvider {
  private readonly byId = new Map<string, CompiledModule>();
  constructor(modules: Iterable<CompiledModule> = []) {
    for (const m of modules) this.add(m);
  }
  add(m: CompiledModule): void {
    if (m.kind !== 'module') return;
    const { address, name } = moduleIdOf(m);
    this.byId.set(`${address}::${name}`, m);
  }
  get(address: string, name: string): CompiledModule | undefined {
    return this.byId.get(`${address}::${name}`);
  }
  *[Symbol.iterator](): IterableIterator<CompiledModule> {
    yield* this.byId.values();
  }
}

/** A function ready to run: its types resolved (maybe generic) and its code in dispatch form. */
export class LoadedFunction {
  /** Numeric opcode per pc. */
  ops!: Uint8Array;
  /** First operand per pc (local index, branch target, table index, small immediate). */
  operand!: Int32Array;
  /** Per-pc cache the interpreter fills on first execution (resolved call targets, decoded constants, ...). */
  readonly sites: unknown[] = [];
  /** Native implementation, looked up on first call. */
  native: unknown = undefined;

  constructor(
    readonly module: LoadedModule,
    readonly name: string,
    readonly defIndex: number,
    readonly definition: FunctionDefinition,
    readonly typeParameterCount: number,
    readonly parameters: readonly RuntimeType[],
    readonly returns: readonly RuntimeType[],
    /** Parameters then locals. */
    readonly localTypes: readonly RuntimeType[],
    readonly code: readonly Instruction[],
    readonly jumpTables: readonly VariantJumpTable[],
  ) {
    const n = code.length;
    this.ops = new Uint8Array(n);
    this.operand = new Int32Array(n);
    for (let pc = 0; pc < n; pc++) {
      const ins = code[pc]!;
      this.ops[pc] = Op[ins.op];
      this.operand[pc] = primaryOperand(ins);
    }
  }

  get isNative(): boolean {
    return this.definition.code === undefined;
  }

  /** `0x2::coin::split` (short address), for messages and call stacks. */
  get qualifiedName(): string {
    return `${this.module.shortName}::${this.name}`;
  }
}

function primaryOperand(ins: Instruction): number {
  switch (ins.op) {
    case 'BrTrue':
    case 'BrFalse':
    case 'Branch':
      return ins.offset;
    case 'LdU8':
    case 'LdU16':
    case 'LdU32':
      return ins.value;
    case 'CopyLoc':
    case 'MoveLoc':
    case 'StLoc':
    case 'MutBorrowLoc':
    case 'ImmBorrowLoc':
      return ins.local;
    case 'LdConst':
      return ins.index;
    case 'VariantSwitch':
      return ins.jumpTable;
    default: {
      const o = ins as unknown as Record<string, unknown>;
      for (const key of ['handle', 'instantiation', 'def', 'signature']) if (typeof o[key] === 'number') return o[key] as number;
      return 0;
    }
  }
}

class Datatype implements LoadedDatatype {
  phantomParameters: readonly boolean[] = [];
  private resolvedFields: readonly LoadedField[] | undefined;
  private resolvedVariants: readonly LoadedVariant[] | undefined;
  constructor(
    readonly address: string,
    readonly module: string,
    readonly name: string,
    readonly abilities: number,
    readonly typeParameterCount: number,
    readonly isEnum: boolean,
    private readonly resolve: () => { fields: readonly LoadedField[]; variants: readonly LoadedVariant[] },
  ) {}
  private load(): void {
    const r = this.resolve();
    this.resolvedFields = r.fields;
    this.resolvedVariants = r.variants;
  }
  get fields(): readonly LoadedField[] {
    if (!this.resolvedFields) this.load();
    return this.resolvedFields!;
  }
  get variants(): readonly LoadedVariant[] {
    if (!this.resolvedVariants) this.load();
    return this.resolvedVariants!;
  }
}

export class LoadedModule {
  readonly address: string;
  readonly name: string;
  /** Struct definitions by definition index. */
  readonly structs: LoadedDatatype[];
  /** Enum definitions by definition index (Sui). */
  readonly enums: LoadedDatatype[];
  private readonly functions: (LoadedFunction | undefined)[];
  private readonly functionIndex = new Map<string, number>();
  private readonly datatypeIndex = new Map<string, LoadedDatatype>();
  private readonly handleCache: (LoadedDatatype | undefined)[] = [];
  private readonly signatureCache: (readonly RuntimeType[] | undefined)[] = [];
  private readonly synthetic = new Map<string, LoadedFunction>();

  constructor(
    readonly loader: Loader,
    readonly compiled: CompiledModule,
    /** Scripts have no id of their own: they get a pseudo one. */
    id: { address: string; name: string } = moduleIdOf(compiled),
  ) {
    this.address = id.address;
    this.name = id.name;
    const m = compiled;
    this.structs = m.structDefs.map((def) => {
      const h = m.datatypeHandles[def.handle]!;
      const d = new Datatype(this.address, this.name, m.identifiers[h.name]!, h.abilities, h.typeParameters.length, false, () => {
        const info = def.fieldInformation;
        if (info.kind === 'declared') return { fields: info.fields.map((f) => ({ name: m.identifiers[f.name]!, type: this.type(f.type) })), variants: [] };
        if (info.kind === 'declaredVariants') {
          const variants = info.variants.map((v) => ({ name: m.identifiers[v.name]!, fields: v.fields.map((f) => ({ name: m.identifiers[f.name]!, type: this.type(f.type) })) }));
          return { fields: [], variants };
        }
        return { fields: [], variants: [] };
      });
      d.phantomParameters = h.typeParameters.map((p) => p.isPhantom);
      this.datatypeIndex.set(d.name, d);
      return d;
    });
    this.enums = m.enumDefs.map((def) => {
      const h = m.datatypeHandles[def.handle]!;
      const d = new Datatype(this.address, this.name, m.identifiers[h.name]!, h.abilities, h.typeParameters.length, true, () => ({
        fields: [],
        variants: def.variants.map((v) => ({ name: m.identifiers[v.name]!, fields: v.fields.map((f) => ({ name: m.identifiers[f.name]!, type: this.type(f.type) })) })),
      }));
      d.phantomParameters = h.typeParameters.map((p) => p.isPhantom);
      this.datatypeIndex.set(d.name, d);
      return d;
    });
    this.functions = new Array(m.functionDefs.length);
    m.functionDefs.forEach((def, i) => {
      const h = m.functionHandles[def.function]!;
      this.functionIndex.set(m.identifiers[h.name]!, i);
    });
  }

  /** `0x2::coin`. */
  get shortName(): string {
    const trimmed = this.address.replace(/^0+/, '');
    return `0x${trimmed || '0'}::${this.name}`;
  }

  datatype(name: string): LoadedDatatype | undefined {
    return this.datatypeIndex.get(name);
  }

  functionNames(): string[] {
    return [...this.functionIndex.keys()];
  }

  functionByName(name: string): LoadedFunction | undefined {
    const i = this.functionIndex.get(name);
    return i === undefined ? undefined : this.functionAt(i);
  }

  functionAt(defIndex: number): LoadedFunction {
    let f = this.functions[defIndex];
    if (f) return f;
    const m = this.compiled;
    const def = m.functionDefs[defIndex];
    if (!def) throw invariant(`function definition ${defIndex} out of range in ${this.shortName}`);
    const h = m.functionHandles[def.function]!;
    const params = this.signature(h.parameters);
    const locals = def.code ? this.signature(def.code.locals) : [];
    f = new LoadedFunction(
      this,
      m.identifiers[h.name]!,
      defIndex,
      def,
      h.typeParameters.length,
      params,
      this.signature(h.returns),
      [...params, ...locals],
      def.code?.code ?? [],
      def.code?.jumpTables ?? [],
    );
    this.functions[defIndex] = f;
    return f;
  }

  /** The types of a signature (maybe generic). */
  signature(index: number): readonly RuntimeType[] {
    let s = this.signatureCache[index];
    if (!s) {
      const sig = this.compiled.signatures[index];
      if (!sig) throw invariant(`signature ${index} out of range in ${this.shortName}`);
      s = sig.map((t) => this.type(t));
      this.signatureCache[index] = s;
    }
    return s;
  }

  /** A datatype handle of this module resolved to its definition (possibly in another module). */
  datatypeOfHandle(handle: number): LoadedDatatype {
    let d = this.handleCache[handle];
    if (d) return d;
    const m = this.compiled;
    const h = m.datatypeHandles[handle];
    if (!h) throw invariant(`datatype handle ${handle} out of range in ${this.shortName}`);
    const mh = m.moduleHandles[h.module]!;
    const owner = this.loader.module(hexAddress(m.addressIdentifiers[mh.address]!), m.identifiers[mh.name]!);
    const name = m.identifiers[h.name]!;
    d = owner.datatype(name);
    if (!d) throw new VMError('MISSING_DATA', `type ${name} not found in module ${owner.shortName}`);
    this.handleCache[handle] = d;
    return d;
  }

  /** A function handle of this module resolved to its definition. */
  functionOfHandle(handle: number): LoadedFunction {
    const m = this.compiled;
    const h = m.functionHandles[handle];
    if (!h) throw invariant(`function handle ${handle} out of range in ${this.shortName}`);
    const mh = m.moduleHandles[h.module]!;
    const owner = this.loader.module(hexAddress(m.addressIdentifiers[mh.address]!), m.identifiers[mh.name]!);
    const name = m.identifiers[h.name]!;
    const f = owner.functionByName(name) ?? owner.syntheticNative(name, h.typeParameters.length, this.signature(h.parameters), this.signature(h.returns));
    if (!f) throw new VMError('MISSING_DATA', `function ${name} not found in module ${owner.shortName}`);
    return f;
  }

  /**
   * A function the module does not define but the interpreter provides natively (test-only framework
   * functions such as `tx_context::dummy`, absent from published framework snapshots). Its types come
   * from the caller's handle. Undefined when no such native exists.
   */
  syntheticNative(name: string, typeParameterCount: number, parameters: readonly RuntimeType[], returns: readonly RuntimeType[]): LoadedFunction | undefined {
    const key = `${this.address}::${this.name}::${name}`;
    const existing = this.synthetic.get(key);
    if (existing) return existing;
    if (!this.loader.hasNative(key)) return undefined;
    const definition: FunctionDefinition = { function: -1, visibility: 'public', isEntry: false, acquires: [] };
    const f = new LoadedFunction(this, name, -1, definition, typeParameterCount, parameters, returns, parameters, [], []);
    this.synthetic.set(key, f);
    return f;
  }

  type(t: SignatureToken): RuntimeType {
    switch (t.kind) {
      case 'bool':
        return T.bool;
      case 'u8':
        return T.u8;
      case 'u16':
        return T.u16;
      case 'u32':
        return T.u32;
      case 'u64':
        return T.u64;
      case 'u128':
        return T.u128;
      case 'u256':
        return T.u256;
      case 'address':
        return T.address;
      case 'signer':
        return T.signer;
      case 'vector':
        return vectorOf(this.type(t.element));
      case 'datatype':
        return { kind: 'datatype', def: this.datatypeOfHandle(t.handle), typeArgs: [] };
      case 'datatypeInstantiation':
        return { kind: 'datatype', def: this.datatypeOfHandle(t.handle), typeArgs: t.typeArguments.map((a) => this.type(a)) };
      case 'reference':
        return { kind: 'reference', mutable: false, to: this.type(t.to) };
      case 'mutableReference':
        return { kind: 'reference', mutable: true, to: this.type(t.to) };
      case 'typeParameter':
        return { kind: 'typeParameter', index: t.index };
      default:
        throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', `type ${t.kind} is not supported by this interpreter (Aptos v8+ function values / signed integers)`);
    }
  }
}

/** Loads modules from a provider on demand and caches them. */
export class Loader {
  private readonly modules = new Map<string, LoadedModule>();
  constructor(
    readonly provider: ModuleProvider,
    /** Whether a native exists for `<64 hex>::module::function` (to stand in for functions a module lacks). */
    readonly hasNative: (key: string) => boolean = () => false,
  ) {}

  module(address: string, name: string): LoadedModule {
    const key = `${address}::${name}`;
    let m = this.modules.get(key);
    if (m) return m;
    const compiled = this.provider.get(address, name);
    if (!compiled) {
      const short = address.replace(/^0+/, '') || '0';
      throw new VMError('MISSING_DATA', `module 0x${short}::${name} is not available (is the package or its dependency built?)`);
    }
    m = new LoadedModule(this, compiled);
    this.modules.set(key, m);
    return m;
  }

  /**
   * An Aptos script's entry function, linked against the loaded modules. Its pseudo module is
   * `0x0::script`; the function is `main`.
   */
  script(compiled: CompiledModule): LoadedFunction {
    const body = compiled.script;
    if (compiled.kind !== 'script' || !body) throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', 'not a script');
    const module = new LoadedModule(this, compiled, { address: '0'.repeat(64), name: 'script' });
    const params = module.signature(body.parameters);
    const definition: FunctionDefinition = { function: -1, visibility: 'public', isEntry: true, acquires: [], code: body.code };
    return new LoadedFunction(module, 'main', -1, definition, body.typeParameters.length, params, [], [...params, ...module.signature(body.code.locals)], body.code.code, body.code.jumpTables);
  }

  tryModule(address: string, name: string): LoadedModule | undefined {
    try {
      return this.module(address, name);
    } catch (e) {
      if (e instanceof VMError) return undefined;
      throw e;
    }
  }
}

/** Adapts a loaded package's registry (debug-adapter/move/package) to the interpreter. */
export function registryProvider(registry: { find(address: string, name: string): { readonly module: CompiledModule } | undefined }): ModuleProvider {
  return { get: (address, name) => registry.find(address, name)?.module };
}
