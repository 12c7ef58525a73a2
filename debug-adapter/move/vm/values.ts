// Runtime values of the interpreter.
//
// Representation (chosen for a fast interpreter loop without per-instruction allocation where possible):
//   bool            JS boolean
//   u64             bigint (the most common integer, so it needs no wrapper)
//   u8 u16 u32 u128 u256   UInt {width, v: bigint}; u8 values are shared from a table
//   address         string of 64 lower-case hex digits, no `0x`
//   signer          Signer {address}
//   struct / enum variant / vector   mutable containers (StructValue, VariantValue, VectorValue)
//   reference       Reference: a slot (holder array + index) plus where it came from, for traces
// A local that has been moved out holds `undefined`.
import type { DatatypeType, RuntimeType } from './types.ts';

export type IntWidth = 8 | 16 | 32 | 64 | 128 | 256;

export class UInt {
  constructor(
    readonly width: 8 | 16 | 32 | 128 | 256,
    readonly v: bigint,
  ) {}
}

export class Signer {
  constructor(readonly address: string) {}
}

export class StructValue {
  constructor(
    readonly type: DatatypeType,
    readonly fields: Value[],
  ) {}
}

export class VariantValue {
  constructor(
    readonly type: DatatypeType,
    readonly tag: number,
    readonly fields: Value[],
  ) {}
}

export class VectorValue {
  constructor(
    readonly elementType: RuntimeType,
    readonly items: Value[],
  ) {}
}

/** What a reference's root is: a local slot of a frame, or a global value introduced at some point. */
export interface FrameIdentity {
  /** Id the tracer gave the frame (its OpenFrame event index in Sui traces); -1 without a tracer. */
  traceId: number;
}

/**
 * A reference to a slot: `holder[index]`. Roots are locals (holder = the frame's locals) or globals
 * (holder = the storage cell); borrowed fields and vector elements have a parent reference. The chain
 * gives the trace location (`Local`, `Indexed`, `Global`) and the root value for snapshots.
 */
export class Reference {
  constructor(
    readonly holder: Value[],
    readonly index: number,
    readonly mutable: boolean,
    readonly parent: Reference | null,
    /** Root frame for local roots (null for globals). */
    readonly frame: FrameIdentity | null,
    /** Global id for global roots (-1 for locals). */
    readonly globalId: number,
  ) {}

  get(): Value {
    return this.holder[this.index];
  }

  set(v: Value): void {
    this.holder[this.index] = v;
  }

  /** The root reference of the chain. */
  root(): Reference {
    let r: Reference = this;
    while (r.parent) r = r.parent;
    return r;
  }

  /** Same slot, immutable (FreezeRef). */
  freeze(): Reference {
    return this.mutable ? new Reference(this.holder, this.index, false, this.parent, this.frame, this.globalId) : this;
  }
}

export type Value = boolean | bigint | string | UInt | Signer | StructValue | VariantValue | VectorValue | Reference | undefined;

const U8_TABLE: UInt[] = Array.from({ length: 256 }, (_, i) => new UInt(8, BigInt(i)));

/** An integer value of a width (the value must already fit). */
export function makeInt(width: IntWidth, v: bigint): bigint | UInt {
  if (width === 64) return v;
  if (width === 8) return U8_TABLE[Number(v)]!;
  return new UInt(width, v);
}

export function u8(n: number): UInt {
  return U8_TABLE[n & 0xff]!;
}

/** Width of an integer value, or 0 when the value is not an integer. */
export function intWidth(v: Value): IntWidth | 0 {
  if (typeof v === 'bigint') return 64;
  if (v instanceof UInt) return v.width;
  return 0;
}

export function intValue(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (v instanceof UInt) return v.v;
  throw new TypeError('not an integer');
}

/** A deep copy: containers are copied, primitives and references are shared (they are immutable handles). */
export function copyValue(v: Value): Value {
  if (typeof v !== 'object') return v;
  if (v instanceof StructValue) return new StructValue(v.type, copyAll(v.fields));
  if (v instanceof VectorValue) return new VectorValue(v.elementType, copyAll(v.items));
  if (v instanceof VariantValue) return new VariantValue(v.type, v.tag, copyAll(v.fields));
  return v;
}

function copyAll(values: Value[]): Value[] {
  const out = new Array<Value>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    out[i] = typeof x === 'object' ? copyValue(x) : x;
  }
  return out;
}

/** Structural equality as Move's `==`: references compare what they point to. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Reference) a = a.get();
  if (b instanceof Reference) b = b.get();
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof UInt) return b instanceof UInt && a.width === b.width && a.v === b.v;
  if (a instanceof Signer) return b instanceof Signer && a.address === b.address;
  if (a instanceof StructValue) return b instanceof StructValue && allEqual(a.fields, b.fields);
  if (a instanceof VariantValue) return b instanceof VariantValue && a.tag === b.tag && allEqual(a.fields, b.fields);
  if (a instanceof VectorValue) return b instanceof VectorValue && allEqual(a.items, b.items);
  return false;
}

function allEqual(a: Value[], b: Value[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
  return true;
}

// Abstract memory sizes, as the Move VM's legacy gas model counts them (move-vm-types views.rs):
// every primitive 16, an address 32, a struct / variant / generic vector 2 plus its contents, a vector of
// primitives its packed bytes (+2 header when the schedule counts vector sizes), a reference 8 (plus the
// referenced value when traversing).
const CONST_SIZE = 16;
const STRUCT_SIZE = 2;
const REFERENCE_SIZE = 8;
const ADDRESS_SIZE = 32;

function packedElementBytes(t: RuntimeType): number {
  switch (t.kind) {
    case 'bool':
    case 'u8':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
      return 4;
    case 'u64':
      return 8;
    case 'u128':
      return 16;
    case 'u256':
    case 'address':
      return 32;
    default:
      return 0;
  }
}

export function abstractSize(v: Value, traverseReferences = false): number {
  switch (typeof v) {
    case 'bigint':
    case 'boolean':
      return CONST_SIZE;
    case 'string':
      return ADDRESS_SIZE;
    case 'undefined':
      return 0;
  }
  if (v instanceof UInt) return CONST_SIZE;
  if (v instanceof Reference) return traverseReferences ? REFERENCE_SIZE + abstractSize(v.get(), true) : REFERENCE_SIZE;
  if (v instanceof StructValue || v instanceof VariantValue) {
    let n = STRUCT_SIZE;
    for (const f of v.fields) n += abstractSize(f, traverseReferences);
    return n;
  }
  if (v instanceof VectorValue) {
    const packed = packedElementBytes(v.elementType);
    if (packed) return STRUCT_SIZE + packed * v.items.length;
    let n = STRUCT_SIZE;
    for (const x of v.items) n += abstractSize(x, traverseReferences);
    return n;
  }
  if (v instanceof Signer) return STRUCT_SIZE + ADDRESS_SIZE;
  return CONST_SIZE;
}
