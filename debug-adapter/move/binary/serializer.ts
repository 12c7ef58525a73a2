// Writes a CompiledModule back to the binary format, in the layout the reference serializers produce
// (same table order, canonical ULEB128), so that reading and writing a compiler's output gives back the
// same bytes. Used to build and transform modules in tests (the interpreter's assembler, fuzzing) and as
// the strongest check of the reader: every fixture round-trips byte for byte.
import type {
  AccessSpecifier,
  CodeUnit,
  CompiledModule,
  FieldDefinition,
  Instruction,
  SignatureToken,
  VariantDefinition,
} from './model.ts';
import { opcodeByte } from './opcodes.ts';

/** Table kinds in the order the Sui and Aptos serializers write them. */
const TABLE_ORDER = [0x1, 0x2, 0x3, 0x4, 0x5, 0x7, 0x8, 0x6, 0x10, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x11, 0x12, 0x13, 0x14] as const;

class Writer {
  private bytes: number[] = [];

  byte(value: number): void {
    this.bytes.push(value & 0xff);
  }

  uleb(value: number | bigint): void {
    let v = BigInt(value);
    if (v < 0n) throw new RangeError(`cannot encode negative ${v} as ULEB128`);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.bytes.push(b);
    } while (v > 0n);
  }

  /** Fixed-width little-endian; negative values in two's complement (Aptos signed immediates). */
  intLE(value: number | bigint, size: number): void {
    let v = BigInt.asUintN(size * 8, BigInt(value));
    for (let i = 0; i < size; i++) {
      this.bytes.push(Number(v & 0xffn));
      v >>= 8n;
    }
  }

  raw(data: Uint8Array | readonly number[]): void {
    for (const b of data) this.bytes.push(b);
  }

  get length(): number {
    return this.bytes.length;
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Serializes a module (or, for `kind: 'script'`, an Aptos script). */
export function serialize(module: CompiledModule): Uint8Array {
  const tables = new Map<number, Writer>();
  const table = (kind: number, write: (w: Writer) => void, count: number) => {
    if (count === 0) return;
    const w = new Writer();
    write(w);
    tables.set(kind, w);
  };
  const aptos = module.flavour === 'aptos';
  const m = module;

  table(0x1, (w) => m.moduleHandles.forEach((h) => { w.uleb(h.address); w.uleb(h.name); }), m.moduleHandles.length);
  table(0x2, (w) => m.datatypeHandles.forEach((h) => {
    w.uleb(h.module);
    w.uleb(h.name);
    w.uleb(h.abilities);
    w.uleb(h.typeParameters.length);
    for (const p of h.typeParameters) {
      w.uleb(p.constraints);
      w.uleb(p.isPhantom ? 1 : 0);
    }
  }), m.datatypeHandles.length);
  table(0x3, (w) => m.functionHandles.forEach((h) => {
    w.uleb(h.module);
    w.uleb(h.name);
    w.uleb(h.parameters);
    w.uleb(h.returns);
    w.uleb(h.typeParameters.length);
    for (const a of h.typeParameters) w.uleb(a);
    if (aptos && m.version >= 7) writeAccessSpecifiers(w, h.accessSpecifiers);
    if (aptos && m.version >= 8) {
      const attributes = h.attributes ?? [];
      w.uleb(attributes.length);
      for (const a of attributes) w.byte(a.kind === 'persistent' ? 1 : 2);
    }
  }), m.functionHandles.length);
  table(0x4, (w) => m.functionInstantiations.forEach((i) => { w.uleb(i.handle); w.uleb(i.typeArguments); }), m.functionInstantiations.length);
  table(0x5, (w) => m.signatures.forEach((s) => {
    w.uleb(s.length);
    for (const t of s) writeToken(w, t);
  }), m.signatures.length);
  table(0x6, (w) => m.constants.forEach((c) => {
    writeToken(w, c.type);
    w.uleb(c.data.length);
    w.raw(c.data);
  }), m.constants.length);
  table(0x7, (w) => m.identifiers.forEach((id) => {
    const bytes = new TextEncoder().encode(id);
    w.uleb(bytes.length);
    w.raw(bytes);
  }), m.identifiers.length);
  table(0x8, (w) => m.addressIdentifiers.forEach((a) => w.raw(a)), m.addressIdentifiers.length);
  table(0x10, (w) => m.metadata.forEach((e) => {
    w.uleb(e.key.length);
    w.raw(e.key);
    w.uleb(e.value.length);
    w.raw(e.value);
  }), m.metadata.length);
  table(0xa, (w) => m.structDefs.forEach((d) => {
    w.uleb(d.handle);
    const info = d.fieldInformation;
    if (info.kind === 'native') w.byte(0x1);
    else if (info.kind === 'declared') {
      w.byte(0x2);
      writeFields(w, info.fields);
    } else {
      w.byte(0x3);
      writeVariants(w, info.variants);
    }
  }), m.structDefs.length);
  table(0xb, (w) => m.structDefInstantiations.forEach((i) => { w.uleb(i.def); w.uleb(i.typeArguments); }), m.structDefInstantiations.length);
  table(0xc, (w) => m.functionDefs.forEach((d) => {
    w.uleb(d.function);
    w.byte(d.visibility === 'private' ? 0 : d.visibility === 'public' ? 1 : 3);
    w.byte((d.isEntry ? 0x4 : 0) | (d.code ? 0 : 0x2));
    w.uleb(d.acquires.length);
    for (const s of d.acquires) w.uleb(s);
    if (d.code) writeCode(w, m, d.code);
  }), m.functionDefs.length);
  table(0xd, (w) => m.fieldHandles.forEach((h) => { w.uleb(h.owner); w.uleb(h.field); }), m.fieldHandles.length);
  table(0xe, (w) => m.fieldInstantiations.forEach((i) => { w.uleb(i.handle); w.uleb(i.typeArguments); }), m.fieldInstantiations.length);
  table(0xf, (w) => m.friendDecls.forEach((h) => { w.uleb(h.address); w.uleb(h.name); }), m.friendDecls.length);
  if (aptos) {
    table(0x11, (w) => m.variantFieldHandles.forEach((h) => {
      w.uleb(h.struct);
      w.uleb(h.field);
      w.uleb(h.variants.length);
      for (const v of h.variants) w.uleb(v);
    }), m.variantFieldHandles.length);
    table(0x12, (w) => m.variantFieldInstantiations.forEach((i) => { w.uleb(i.handle); w.uleb(i.typeArguments); }), m.variantFieldInstantiations.length);
    table(0x13, (w) => m.structVariantHandles.forEach((h) => { w.uleb(h.struct); w.uleb(h.variant); }), m.structVariantHandles.length);
    table(0x14, (w) => m.structVariantInstantiations.forEach((i) => { w.uleb(i.handle); w.uleb(i.typeArguments); }), m.structVariantInstantiations.length);
  } else {
    table(0x11, (w) => m.enumDefs.forEach((d) => {
      w.uleb(d.handle);
      w.byte(0x2);
      writeVariants(w, d.variants);
    }), m.enumDefs.length);
    table(0x12, (w) => m.enumDefInstantiations.forEach((i) => { w.uleb(i.def); w.uleb(i.typeArguments); }), m.enumDefInstantiations.length);
    table(0x13, (w) => m.variantHandles.forEach((h) => { w.uleb(h.enumDef); w.uleb(h.variant); }), m.variantHandles.length);
    table(0x14, (w) => m.variantInstantiationHandles.forEach((h) => { w.uleb(h.enumInstantiation); w.uleb(h.variant); }), m.variantInstantiationHandles.length);
  }

  const out = new Writer();
  out.raw(module.testMode ? [0xde, 0xad, 0xc0, 0xde] : [0xa1, 0x1c, 0xeb, 0x0b]);
  const flavourByte = module.version >= 7 ? (aptos ? 0x0a : 0x05) : 0;
  out.intLE(module.version + flavourByte * 0x1000000, 4);
  const present = TABLE_ORDER.filter((kind) => tables.has(kind));
  out.uleb(present.length);
  let offset = 0;
  for (const kind of present) {
    const length = tables.get(kind)!.length;
    out.byte(kind);
    out.uleb(offset);
    out.uleb(length);
    offset += length;
  }
  for (const kind of present) out.raw(tables.get(kind)!.toBytes());
  if (module.kind === 'script') {
    const body = module.script!;
    out.uleb(body.typeParameters.length);
    for (const a of body.typeParameters) out.uleb(a);
    out.uleb(body.parameters);
    if (aptos && module.version >= 8) writeAccessSpecifiers(out, body.accessSpecifiers);
    writeCode(out, module, body.code);
  } else {
    out.uleb(module.selfHandle);
  }
  return out.toBytes();
}

function writeAccessSpecifiers(w: Writer, specifiers: readonly AccessSpecifier[] | undefined): void {
  if (!specifiers) {
    w.byte(1);
    return;
  }
  w.byte(2);
  w.uleb(specifiers.length);
  for (const s of specifiers) {
    w.byte(s.kind === 'reads' ? 1 : 2);
    w.byte(s.negated ? 2 : 1);
    const r = s.resource;
    switch (r.kind) {
      case 'any': w.byte(1); break;
      case 'declaredAtAddress': w.byte(2); w.uleb(r.address); break;
      case 'declaredInModule': w.byte(3); w.uleb(r.module); break;
      case 'resource': w.byte(4); w.uleb(r.handle); break;
      case 'resourceInstantiation': w.byte(5); w.uleb(r.handle); w.uleb(r.typeArguments); break;
    }
    const a = s.address;
    switch (a.kind) {
      case 'any': w.byte(1); break;
      case 'literal': w.byte(2); w.uleb(a.address); break;
      case 'parameter':
        w.byte(3);
        w.uleb(a.parameter);
        if (a.function === undefined) w.byte(1);
        else {
          w.byte(2);
          w.uleb(a.function);
        }
        break;
    }
  }
}

function writeFields(w: Writer, fields: readonly FieldDefinition[]): void {
  w.uleb(fields.length);
  for (const f of fields) {
    w.uleb(f.name);
    writeToken(w, f.type);
  }
}

function writeVariants(w: Writer, variants: readonly VariantDefinition[]): void {
  w.uleb(variants.length);
  for (const v of variants) {
    w.uleb(v.name);
    writeFields(w, v.fields);
  }
}

const TOKEN_TAGS: Partial<Record<SignatureToken['kind'], number>> = {
  bool: 0x1, u8: 0x2, u64: 0x3, u128: 0x4, address: 0x5, signer: 0xc, u16: 0xd, u32: 0xe, u256: 0xf,
  i8: 0x11, i16: 0x12, i32: 0x13, i64: 0x14, i128: 0x15, i256: 0x16,
};

function writeToken(w: Writer, token: SignatureToken): void {
  // Pre-order, iteratively: tokens can nest up to 256 deep.
  const work: SignatureToken[] = [token];
  while (work.length > 0) {
    const t = work.pop()!;
    const tag = TOKEN_TAGS[t.kind];
    if (tag !== undefined) {
      w.byte(tag);
      continue;
    }
    switch (t.kind) {
      case 'reference': w.byte(0x6); work.push(t.to); break;
      case 'mutableReference': w.byte(0x7); work.push(t.to); break;
      case 'vector': w.byte(0xa); work.push(t.element); break;
      case 'datatype': w.byte(0x8); w.uleb(t.handle); break;
      case 'typeParameter': w.byte(0x9); w.uleb(t.index); break;
      case 'datatypeInstantiation':
        w.byte(0xb);
        w.uleb(t.handle);
        w.uleb(t.typeArguments.length);
        for (let i = t.typeArguments.length - 1; i >= 0; i--) work.push(t.typeArguments[i]!);
        break;
      case 'function': {
        w.byte(0x10);
        w.uleb(t.abilities);
        w.uleb(t.parameters.length);
        w.uleb(t.results.length);
        const all = [...t.parameters, ...t.results];
        for (let i = all.length - 1; i >= 0; i--) work.push(all[i]!);
        break;
      }
      default:
        throw new RangeError(`cannot serialize type ${t.kind}`);
    }
  }
}

function writeCode(w: Writer, module: CompiledModule, code: CodeUnit): void {
  w.uleb(code.locals);
  w.uleb(code.code.length);
  for (const ins of code.code) writeInstruction(w, module, ins);
  if (module.flavour === 'sui' && module.version >= 7) {
    w.uleb(code.jumpTables.length);
    for (const table of code.jumpTables) {
      w.uleb(table.headEnum);
      w.uleb(table.offsets.length);
      w.byte(0x1);
      for (const o of table.offsets) w.uleb(o);
    }
  }
}

function writeInstruction(w: Writer, module: CompiledModule, ins: Instruction): void {
  const byte = opcodeByte(ins, module.flavour);
  if (byte === undefined) throw new RangeError(`${ins.op} does not exist in ${module.flavour} bytecode`);
  w.byte(byte);
  switch (ins.op) {
    case 'BrTrue': case 'BrFalse': case 'Branch': w.uleb(ins.offset); break;
    case 'LdU8': w.byte(ins.value); break;
    case 'LdU16': w.intLE(ins.value, 2); break;
    case 'LdU32': w.intLE(ins.value, 4); break;
    case 'LdU64': w.intLE(ins.value, 8); break;
    case 'LdU128': w.intLE(ins.value, 16); break;
    case 'LdU256': w.intLE(ins.value, 32); break;
    case 'LdI8': w.intLE(ins.value, 1); break;
    case 'LdI16': w.intLE(ins.value, 2); break;
    case 'LdI32': w.intLE(ins.value, 4); break;
    case 'LdI64': w.intLE(ins.value, 8); break;
    case 'LdI128': w.intLE(ins.value, 16); break;
    case 'LdI256': w.intLE(ins.value, 32); break;
    case 'LdConst': w.uleb(ins.index); break;
    case 'CopyLoc': case 'MoveLoc': case 'StLoc': case 'MutBorrowLoc': case 'ImmBorrowLoc': w.uleb(ins.local); break;
    case 'VecPack': case 'VecUnpack': w.uleb(ins.signature); w.intLE(ins.count, 8); break;
    case 'VecLen': case 'VecImmBorrow': case 'VecMutBorrow': case 'VecPushBack': case 'VecPopBack': case 'VecSwap': case 'CallClosure':
      w.uleb(ins.signature);
      break;
    case 'PackClosure': w.uleb(ins.handle); w.uleb(ins.mask); break;
    case 'PackClosureGeneric': w.uleb(ins.instantiation); w.uleb(ins.mask); break;
    case 'VariantSwitch': w.uleb(ins.jumpTable); break;
    default:
      if ('handle' in ins) w.uleb(ins.handle);
      else if ('def' in ins) w.uleb(ins.def);
      else if ('instantiation' in ins) w.uleb(ins.instantiation);
      break;
  }
}
