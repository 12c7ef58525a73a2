// Builds small compiled modules directly in the binary model, without a compiler: for interpreter
// benchmarks, unit tests of single instructions, and generated fixtures. Types are written as
// signature tokens; everything else (handles, identifiers, signatures) is filled in here.
import type { CompiledModule, Instruction, Signature, SignatureToken, StructDefinition, Visibility } from '../binary/model.ts';

export interface AssembledFunction {
  readonly name: string;
  readonly parameters: readonly SignatureToken[];
  readonly returns: readonly SignatureToken[];
  /** Non-parameter locals. */
  readonly locals?: readonly SignatureToken[];
  readonly code?: readonly Instruction[];
  readonly typeParameters?: number;
  readonly visibility?: Visibility;
  /** VARIANT_SWITCH tables: `offsets[tag]` is the target for each variant of enum `headEnum`. */
  readonly jumpTables?: readonly { readonly headEnum: number; readonly offsets: readonly number[] }[];
}

export interface AssembledEnum {
  readonly name: string;
  readonly variants: readonly { readonly name: string; readonly fields: readonly { readonly name: string; readonly type: SignatureToken }[] }[];
  readonly abilities?: number;
}

export interface AssembledStruct {
  readonly name: string;
  readonly fields: readonly { readonly name: string; readonly type: SignatureToken }[];
  readonly abilities?: number;
  readonly typeParameters?: number;
}

export interface AssembleOptions {
  /** 64 hex digits (default 0x42). */
  readonly address?: string;
  readonly name: string;
  readonly functions: readonly AssembledFunction[];
  readonly structs?: readonly AssembledStruct[];
  /** Sui enums: datatype handles follow the structs'; variant handles are numbered enum by enum, variant by variant. */
  readonly enums?: readonly AssembledEnum[];
  readonly constants?: readonly { readonly type: SignatureToken; readonly data: Uint8Array }[];
  /** CALL_GENERIC targets: a function (by position in `functions`) with type arguments (may use `typeParameter`). */
  readonly functionInstantiations?: readonly { readonly function: number; readonly typeArguments: readonly SignatureToken[] }[];
  /** Extra signatures (e.g. vector element types) appended after the ones functions use; returns their indices via `signatureIndex`. */
  readonly signatures?: readonly Signature[];
}

/**
 * Assembles a Sui-flavoured v6 module. Signature indices: function signatures are interned in order of
 * appearance; `options.signatures` come first, so instructions can refer to them by their index.
 */
export function assembleModule(options: AssembleOptions): CompiledModule {
  const identifiers: string[] = [];
  const ident = (s: string): number => {
    let i = identifiers.indexOf(s);
    if (i < 0) i = identifiers.push(s) - 1;
    return i;
  };
  const signatures: Signature[] = [...(options.signatures ?? [])];
  const sig = (s: readonly SignatureToken[]): number => {
    const key = JSON.stringify(s);
    let i = signatures.findIndex((x) => JSON.stringify(x) === key);
    if (i < 0) i = signatures.push(s) - 1;
    return i;
  };
  const address = Uint8Array.from(Buffer.from((options.address ?? '42').padStart(64, '0'), 'hex'));
  const moduleName = ident(options.name);
  const structs = options.structs ?? [];
  const datatypeHandles = structs.map((s) => ({
    module: 0,
    name: ident(s.name),
    abilities: s.abilities ?? 0x7,
    typeParameters: Array.from({ length: s.typeParameters ?? 0 }, () => ({ constraints: 0, isPhantom: false })),
  }));
  const enums = options.enums ?? [];
  for (const e of enums) datatypeHandles.push({ module: 0, name: ident(e.name), abilities: e.abilities ?? 0x7, typeParameters: [] });
  const enumDefs = enums.map((e, i) => ({
    handle: structs.length + i,
    variants: e.variants.map((v) => ({ name: ident(v.name), fields: v.fields.map((f) => ({ name: ident(f.name), type: f.type })) })),
  }));
  const variantHandles = enums.flatMap((e, enumDef) => e.variants.map((_, variant) => ({ enumDef, variant })));
  const structDefs: StructDefinition[] = structs.map((s, i) => ({
    handle: i,
    fieldInformation: { kind: 'declared', fields: s.fields.map((f) => ({ name: ident(f.name), type: f.type })) },
  }));
  const functionHandles = options.functions.map((f) => ({
    module: 0,
    name: ident(f.name),
    parameters: sig(f.parameters),
    returns: sig(f.returns),
    typeParameters: Array.from({ length: f.typeParameters ?? 0 }, () => 0),
  }));
  const functionDefs = options.functions.map((f, i) => ({
    function: i,
    visibility: f.visibility ?? ('public' as Visibility),
    isEntry: false,
    acquires: [],
    ...(f.code ? { code: { locals: sig(f.locals ?? []), code: f.code, jumpTables: f.jumpTables ?? [] } } : {}),
  }));
  const fieldHandles = structs.flatMap((s, owner) => s.fields.map((_, field) => ({ owner, field })));
  return {
    kind: 'module',
    flavour: 'sui',
    version: enums.length ? 7 : 6,
    testMode: false,
    selfHandle: 0,
    moduleHandles: [{ address: 0, name: moduleName }],
    datatypeHandles,
    functionHandles,
    fieldHandles,
    friendDecls: [],
    structDefInstantiations: [],
    functionInstantiations: (options.functionInstantiations ?? []).map((fi) => ({ handle: fi.function, typeArguments: sig(fi.typeArguments) })),
    fieldInstantiations: [],
    signatures,
    identifiers,
    addressIdentifiers: [address],
    constants: options.constants ?? [],
    metadata: [],
    structDefs,
    functionDefs,
    enumDefs,
    enumDefInstantiations: [],
    variantHandles,
    variantInstantiationHandles: [],
    structVariantHandles: [],
    structVariantInstantiations: [],
    variantFieldHandles: [],
    variantFieldInstantiations: [],
  };
}

const u64: SignatureToken = { kind: 'u64' };

/**
 * `loop(n: u64): u64`: sums (i * 3) % 7 for i in 0..n, a tight loop of locals, arithmetic and a
 * branch (19 instructions per iteration). Used by the interpreter benchmark.
 */
export function arithmeticLoopModule(): CompiledModule {
  const code: Instruction[] = [
    { op: 'LdU64', value: 0n },
    { op: 'StLoc', local: 1 },
    { op: 'LdU64', value: 0n },
    { op: 'StLoc', local: 2 },
    { op: 'CopyLoc', local: 1 }, // 4: loop head
    { op: 'CopyLoc', local: 0 },
    { op: 'Lt' },
    { op: 'BrFalse', offset: 21 },
    { op: 'CopyLoc', local: 2 },
    { op: 'CopyLoc', local: 1 },
    { op: 'LdU64', value: 3n },
    { op: 'Mul' },
    { op: 'LdU64', value: 7n },
    { op: 'Mod' },
    { op: 'Add' },
    { op: 'StLoc', local: 2 },
    { op: 'CopyLoc', local: 1 },
    { op: 'LdU64', value: 1n },
    { op: 'Add' },
    { op: 'StLoc', local: 1 },
    { op: 'Branch', offset: 4 },
    { op: 'MoveLoc', local: 2 }, // 21
    { op: 'Ret' },
  ];
  return assembleModule({ name: 'bench', functions: [{ name: 'loop', parameters: [u64], returns: [u64], locals: [u64, u64], code }] });
}
