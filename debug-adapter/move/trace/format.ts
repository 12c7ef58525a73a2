// The Sui Move execution trace format (move-trace-format, versions 2 and 3) as typed data.
//
// One trace is a header `{"version": N}` followed by events; events are numbered from 0 after the
// header, and those numbers identify frames (`frame_id` = the index of the frame's OpenFrame event) and
// global locations (`Global` = the index of the event that introduced them). Integers keep their width:
// u8/u16/u32 are numbers, u64/u128/u256 are bigints (the JSON writes u64/u128 as bare numbers above 2^53
// and u256 as 32 little-endian bytes). Version 3 adds `version_id` to frames; nothing else differs for us.

/** A struct tag as the trace writes it; addresses are 64 lower-case hex digits without `0x`. */
export interface StructTag {
  readonly address: string;
  readonly module: string;
  readonly name: string;
  readonly type_args: readonly TypeTag[];
}

/** A Move type tag: `"u64"`, `"address"`, `{vector: T}`, `{struct: StructTag}`. */
export type TypeTag =
  | 'bool' | 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'u256' | 'address' | 'signer'
  | { readonly vector: TypeTag }
  | { readonly struct: StructTag };

export interface TypeTagWithRefs {
  readonly type_: TypeTag;
  readonly ref_type: 'Imm' | 'Mut' | null;
}

/** A Move value with its integer widths kept (the trace's SerializableMoveValue). Signers appear as addresses. */
export type TraceMoveValue =
  | { readonly type: 'Bool'; readonly value: boolean }
  | { readonly type: 'U8' | 'U16' | 'U32'; readonly value: number }
  | { readonly type: 'U64' | 'U128' | 'U256'; readonly value: bigint }
  | { readonly type: 'Address'; readonly value: string }
  | { readonly type: 'Struct'; readonly value: { readonly type_: StructTag; readonly fields: readonly (readonly [string, TraceMoveValue])[] } }
  | { readonly type: 'Vector'; readonly value: readonly TraceMoveValue[] }
  | {
      readonly type: 'Variant';
      readonly value: {
        readonly type_: StructTag;
        readonly variant_name: string;
        readonly tag: number;
        readonly fields: readonly (readonly [string, TraceMoveValue])[];
      };
    };

/** Where a reference points: a local of a frame, a field / element inside another location, or a global. */
export type TraceLocation =
  | { readonly Local: readonly [frameId: number, local: number] }
  | { readonly Indexed: readonly [TraceLocation, number] }
  | { readonly Global: number };

/** A value on the stack or in a local: a plain value, or a reference with a snapshot of its root value. */
export type TraceValue =
  | { readonly RuntimeValue: { readonly value: TraceMoveValue } }
  | { readonly ImmRef: { readonly location: TraceLocation; readonly snapshot: TraceMoveValue } }
  | { readonly MutRef: { readonly location: TraceLocation; readonly snapshot: TraceMoveValue } };

export interface TraceFrame {
  readonly frame_id: number;
  readonly function_name: string;
  readonly module: { readonly address: string; readonly name: string };
  /** Version 3 only: the package version's id. */
  readonly version_id?: string;
  /** The function definition index in its module. */
  readonly binary_member_index: number;
  readonly type_instantiation: readonly TypeTag[];
  readonly parameters: readonly TraceValue[];
  readonly return_types: readonly TypeTagWithRefs[];
  readonly locals_types: readonly TypeTagWithRefs[];
  readonly is_native: boolean;
}

export type TraceEffect =
  | { readonly Pop: TraceValue }
  | { readonly Push: TraceValue }
  | { readonly Read: { readonly location: TraceLocation; readonly root_value_read: TraceValue; readonly moved: boolean } }
  | { readonly Write: { readonly location: TraceLocation; readonly root_value_after_write: TraceValue } }
  | { readonly DataLoad: { readonly ref_type: 'Imm' | 'Mut'; readonly location: TraceLocation; readonly snapshot: TraceMoveValue } }
  | { readonly ExecutionError: string };

export type TraceEvent =
  | { readonly OpenFrame: { readonly frame: TraceFrame; readonly gas_left: bigint } }
  | { readonly CloseFrame: { readonly frame_id: number; readonly return_: readonly TraceValue[]; readonly gas_left: bigint } }
  | {
      readonly Instruction: {
        readonly type_parameters: readonly TypeTag[];
        readonly pc: number;
        readonly gas_left: bigint;
        /** The opcode name, e.g. "LD_U64", "CALL_GENERIC". */
        readonly instruction: string;
      };
    }
  | { readonly Effect: TraceEffect }
  /** Events a custom tracer added; kept as parsed JSON. */
  | { readonly External: unknown };

export interface Trace {
  readonly version: number;
  readonly events: readonly TraceEvent[];
}

/** Renders a type tag the way Move prints it: `vector<u8>`, `0x2::coin::Coin<0x2::sui::SUI>` (full addresses). */
export function typeTagToString(tag: TypeTag): string {
  if (typeof tag === 'string') return tag;
  if ('vector' in tag) return `vector<${typeTagToString(tag.vector)}>`;
  const s = tag.struct;
  const args = s.type_args.length ? `<${s.type_args.map(typeTagToString).join(', ')}>` : '';
  return `0x${s.address}::${s.module}::${s.name}${args}`;
}
