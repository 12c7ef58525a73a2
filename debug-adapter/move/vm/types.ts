// Runtime types of the interpreter: signature tokens resolved to loaded datatypes, with type parameters
// substituted by a frame's type arguments. Primitive types are shared singletons so that comparing
// types is cheap; datatypes compare by definition identity and type arguments.
import type { TypeTag } from '../trace/format.ts';

export type PrimitiveKind = 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'u256' | 'address' | 'signer';

export type RuntimeType =
  | { readonly kind: PrimitiveKind }
  | { readonly kind: 'vector'; readonly element: RuntimeType }
  | { readonly kind: 'datatype'; readonly def: LoadedDatatype; readonly typeArgs: readonly RuntimeType[] }
  | { readonly kind: 'reference'; readonly mutable: boolean; readonly to: RuntimeType }
  /** Only inside not-yet-instantiated signatures (a generic function's or datatype's declared types). */
  | { readonly kind: 'typeParameter'; readonly index: number };

export type DatatypeType = Extract<RuntimeType, { kind: 'datatype' }>;

export interface LoadedField {
  readonly name: string;
  /** Declared type; may mention the datatype's type parameters. */
  readonly type: RuntimeType;
}

export interface LoadedVariant {
  readonly name: string;
  readonly fields: readonly LoadedField[];
}

/** A struct or enum definition, loaded from its defining module. */
export interface LoadedDatatype {
  /** 64 lower-case hex digits, no `0x`. */
  readonly address: string;
  readonly module: string;
  readonly name: string;
  readonly abilities: number;
  readonly typeParameterCount: number;
  /** Which type parameters are phantom (they do not limit the datatype's abilities). */
  readonly phantomParameters?: readonly boolean[];
  readonly isEnum: boolean;
  /** Struct fields (resolved on first use; empty for enums and native structs). */
  readonly fields: readonly LoadedField[];
  /** Enum variants (empty for structs). */
  readonly variants: readonly LoadedVariant[];
}

const prim = (kind: PrimitiveKind): RuntimeType => Object.freeze({ kind });
export const T = {
  bool: prim('bool'),
  u8: prim('u8'),
  u16: prim('u16'),
  u32: prim('u32'),
  u64: prim('u64'),
  u128: prim('u128'),
  u256: prim('u256'),
  address: prim('address'),
  signer: prim('signer'),
} as const;

const vectorCache = new Map<RuntimeType, RuntimeType>();
/** `vector<element>`; vectors of shared element types are shared too. */
export function vectorOf(element: RuntimeType): RuntimeType {
  let v = vectorCache.get(element);
  if (!v) {
    v = Object.freeze({ kind: 'vector', element });
    if (element.kind !== 'datatype' && element.kind !== 'vector') vectorCache.set(element, v);
  }
  return v;
}

/** True when the type mentions no type parameter (nothing to substitute). */
export function isClosed(t: RuntimeType): boolean {
  switch (t.kind) {
    case 'typeParameter':
      return false;
    case 'vector':
      return isClosed(t.element);
    case 'reference':
      return isClosed(t.to);
    case 'datatype':
      return t.typeArgs.every(isClosed);
    default:
      return true;
  }
}

/** Substitutes type parameters by `args`. Throws on an index outside `args` (malformed code). */
export function substitute(t: RuntimeType, args: readonly RuntimeType[]): RuntimeType {
  switch (t.kind) {
    case 'typeParameter': {
      const a = args[t.index];
      if (!a) throw new RangeError(`type parameter ${t.index} out of range (${args.length} type arguments)`);
      return a;
    }
    case 'vector':
      return isClosed(t.element) ? t : vectorOf(substitute(t.element, args));
    case 'reference':
      return isClosed(t.to) ? t : { kind: 'reference', mutable: t.mutable, to: substitute(t.to, args) };
    case 'datatype':
      return t.typeArgs.length === 0 || t.typeArgs.every(isClosed)
        ? t
        : { kind: 'datatype', def: t.def, typeArgs: t.typeArgs.map((a) => substitute(a, args)) };
    default:
      return t;
  }
}

export function typesEqual(a: RuntimeType, b: RuntimeType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'vector':
      return typesEqual(a.element, (b as typeof a).element);
    case 'reference':
      return a.mutable === (b as typeof a).mutable && typesEqual(a.to, (b as typeof a).to);
    case 'datatype': {
      const bd = b as typeof a;
      return a.def === bd.def && a.typeArgs.length === bd.typeArgs.length && a.typeArgs.every((t, i) => typesEqual(t, bd.typeArgs[i]!));
    }
    case 'typeParameter':
      return a.index === (b as typeof a).index;
    default:
      return true;
  }
}

/** The trace format's type tag (references are dropped: the trace carries them in `ref_type`). */
export function toTypeTag(t: RuntimeType): TypeTag {
  switch (t.kind) {
    case 'vector':
      return { vector: toTypeTag(t.element) };
    case 'datatype':
      return { struct: { address: t.def.address, module: t.def.module, name: t.def.name, type_args: t.typeArgs.map(toTypeTag) } };
    case 'reference':
      return toTypeTag(t.to);
    case 'typeParameter':
      throw new Error('an uninstantiated type has no type tag');
    default:
      return t.kind;
  }
}

/**
 * Canonical type string as Move's `type_name` writes it (move-core-types' `TypeTag::to_canonical_string`):
 * addresses as 64 hex digits without `0x`, type arguments separated by a bare comma
 * (`0000…000a::m::Pair<bool,vector<u64>,0000…000a::m::Box<u128>>`). With `withPrefix`, the form a
 * person reads (`TypeTag`'s Display, used in messages and by Aptos' `type_info`): short `0x` addresses
 * and `, ` between type arguments.
 */
export function typeToString(t: RuntimeType, withPrefix = false): string {
  switch (t.kind) {
    case 'vector':
      return `vector<${typeToString(t.element, withPrefix)}>`;
    case 'datatype': {
      const args = t.typeArgs.length ? `<${t.typeArgs.map((a) => typeToString(a, withPrefix)).join(withPrefix ? ', ' : ',')}>` : '';
      const addr = withPrefix ? shortAddress(t.def.address) : t.def.address;
      return `${addr}::${t.def.module}::${t.def.name}${args}`;
    }
    case 'reference':
      return `${t.mutable ? '&mut ' : '&'}${typeToString(t.to, withPrefix)}`;
    case 'typeParameter':
      return `T${t.index}`;
    default:
      return t.kind;
  }
}

/** `0x2` for 00…02: the short form users write. */
export function shortAddress(hex: string): string {
  const trimmed = hex.replace(/^0+/, '');
  return `0x${trimmed === '' ? '0' : trimmed}`;
}
