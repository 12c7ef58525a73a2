// BCS (Binary Canonical Serialization) of Move values: decoding constants from the constant pool by
// their type, and encoding values for `bcs::to_bytes` and the hashing natives. Vectors and containers
// are prefixed with ULEB128 lengths; integers are little-endian; addresses are 32 raw bytes; enum
// variants are their ULEB128 tag followed by the fields.
import { VMError } from './status.ts';
import type { RuntimeType } from './types.ts';
import { Reference, Signer, StructValue, UInt, VariantValue, VectorValue, makeInt, type IntWidth, type Value } from './values.ts';
import { substitute } from './types.ts';

const WIDTH: Partial<Record<RuntimeType['kind'], IntWidth>> = { u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256 };

class Cursor {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.pos >= this.bytes.length) throw new VMError('DATA_FORMAT_ERROR', 'constant data ends early');
    return this.bytes[this.pos++]!;
  }
  uleb(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new VMError('DATA_FORMAT_ERROR', 'length too large in constant data');
    }
    return n;
  }
  le(bytes: number): bigint {
    let v = 0n;
    for (let i = 0; i < bytes; i++) v |= BigInt(this.byte()) << BigInt(8 * i);
    return v;
  }
}

/** Decodes a BCS value of a (closed) type. Throws DATA_FORMAT_ERROR on bad or trailing data. */
export function decodeBcs(type: RuntimeType, bytes: Uint8Array): Value {
  const c = new Cursor(bytes);
  const v = decodeOne(type, c, 0);
  if (c.pos !== bytes.length) throw new VMError('DATA_FORMAT_ERROR', 'trailing bytes after constant value');
  return v;
}

function decodeOne(type: RuntimeType, c: Cursor, depth: number): Value {
  if (depth > 128) throw new VMError('VM_MAX_VALUE_DEPTH_REACHED', 'value nested too deeply');
  switch (type.kind) {
    case 'bool': {
      const b = c.byte();
      if (b > 1) throw new VMError('DATA_FORMAT_ERROR', `bad bool byte ${b}`);
      return b === 1;
    }
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
    case 'u128':
    case 'u256': {
      const w = WIDTH[type.kind]!;
      return makeInt(w, c.le(w / 8));
    }
    case 'address':
    case 'signer': {
      let hex = '';
      for (let i = 0; i < 32; i++) hex += c.byte().toString(16).padStart(2, '0');
      return type.kind === 'signer' ? new Signer(hex) : hex;
    }
    case 'vector': {
      const n = c.uleb();
      if (n > c.bytes.length - c.pos && (type.element.kind !== 'vector' && type.element.kind !== 'datatype')) throw new VMError('DATA_FORMAT_ERROR', 'vector longer than its data');
      const items: Value[] = [];
      for (let i = 0; i < n; i++) items.push(decodeOne(type.element, c, depth + 1));
      return new VectorValue(type.element, items);
    }
    case 'datatype': {
      const def = type.def;
      if (def.isEnum) {
        const tag = c.uleb();
        const variant = def.variants[tag];
        if (!variant) throw new VMError('DATA_FORMAT_ERROR', `bad variant tag ${tag} for ${def.name}`);
        return new VariantValue(type, tag, variant.fields.map((f) => decodeOne(substitute(f.type, type.typeArgs), c, depth + 1)));
      }
      return new StructValue(type, def.fields.map((f) => decodeOne(substitute(f.type, type.typeArgs), c, depth + 1)));
    }
    default:
      throw new VMError('DATA_FORMAT_ERROR', `cannot decode a value of type ${type.kind}`);
  }
}

/** Appends the BCS encoding of a value (references are followed). */
export function encodeBcs(v: Value, out: number[] = []): number[] {
  if (v instanceof Reference) v = v.get();
  switch (typeof v) {
    case 'boolean':
      out.push(v ? 1 : 0);
      return out;
    case 'bigint':
      pushLe(out, v, 8);
      return out;
    case 'string':
      pushHex(out, v);
      return out;
  }
  if (v instanceof UInt) pushLe(out, v.v, v.width / 8);
  else if (v instanceof Signer) pushHex(out, v.address);
  else if (v instanceof StructValue) for (const f of v.fields) encodeBcs(f, out);
  else if (v instanceof VariantValue) {
    pushUleb(out, v.tag);
    for (const f of v.fields) encodeBcs(f, out);
  } else if (v instanceof VectorValue) {
    pushUleb(out, v.items.length);
    for (const x of v.items) encodeBcs(x, out);
  } else throw new VMError('UNKNOWN_INVARIANT_VIOLATION_ERROR', 'cannot serialize an invalid value');
  return out;
}

export function pushUleb(out: number[], n: number): void {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
}

function pushLe(out: number[], v: bigint, bytes: number): void {
  for (let i = 0; i < bytes; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
}

function pushHex(out: number[], hex: string): void {
  for (let i = 0; i < 64; i += 2) out.push(parseInt(hex.slice(i, i + 2), 16));
}
