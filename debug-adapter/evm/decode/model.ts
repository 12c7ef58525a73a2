// The data model shared by the decoders: Solidity types, where a value lives, and what the decoders
// may read of the EVM state at one step.

/** A Solidity type, resolved (struct members and enum names known). Struct types may be cyclic (S { S[] kids; }). */
export type SolType =
  | { readonly kind: 'uint'; readonly bits: number }
  | { readonly kind: 'int'; readonly bits: number }
  | { readonly kind: 'bool' }
  | { readonly kind: 'address'; readonly payable: boolean }
  /** bytes1 .. bytes32 */
  | { readonly kind: 'fixedBytes'; readonly size: number }
  | { readonly kind: 'enum'; readonly name: string; readonly members: readonly string[] }
  /** A contract or interface type: an address underneath. */
  | { readonly kind: 'contract'; readonly name: string }
  /** `type Price is uint128;` */
  | { readonly kind: 'userDefined'; readonly name: string; readonly underlying: SolType }
  /** Function pointers: internal (a code location) or external (address + selector). */
  | { readonly kind: 'function'; readonly external: boolean; readonly label: string }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'string' }
  /** `length` undefined: a dynamic array. */
  | { readonly kind: 'array'; readonly base: SolType; readonly length: bigint | undefined }
  | { readonly kind: 'struct'; readonly name: string; readonly members: readonly StructMember[] }
  | { readonly kind: 'mapping'; readonly key: SolType; readonly value: SolType }
  /** A type we cannot decode (fixed-point, unresolved references): shown as unavailable with its label. */
  | { readonly kind: 'unsupported'; readonly label: string };

export interface StructMember {
  readonly name: string;
  readonly type: SolType;
}

/** Where a reference type's data lives. */
export type DataLocation = 'memory' | 'calldata' | 'storage' | 'transient';

/**
 * Where a value lives at a step.
 * - `stack`: `index` counts from the BOTTOM of the current call frame's EVM stack (0 = deepest word), so a
 *   local's position stays fixed while the function pushes temporaries. Value types are the word itself.
 *   Reference types hold a pointer there (`pointsTo` says into what): a memory offset; a storage slot; for
 *   calldata, the offset of the value's head, and for dynamic calldata arrays / bytes / string two words:
 *   the offset of the first element at `index` and the element count at `index + 1`. An external function
 *   pointer also takes two words: the address at `index`, the selector at `index + 1`.
 * - `memory`: `offset` of the value: for dynamic arrays, bytes and string the length word; otherwise the first word.
 * - `calldata`: `offset` of the value's head (structs, static arrays, value types); for dynamic arrays, bytes and
 *   string the offset of the first element/byte, with the element count in `length`.
 * - `storage`: `slot` and `byteOffset` (from the right of the slot, as in solc's storageLayout) of the value;
 *   `transient` selects transient storage.
 * - `value`: a value-type word at hand (evaluation results, return data).
 * - `bytes`: a string/bytes value at hand (evaluator literals).
 * - `unavailable`: the value cannot be located truthfully (optimized code); `reason` is shown.
 */
export type Location =
  | { readonly kind: 'stack'; readonly index: number; readonly pointsTo?: DataLocation }
  | { readonly kind: 'memory'; readonly offset: number }
  | { readonly kind: 'calldata'; readonly offset: number; readonly length?: number }
  | { readonly kind: 'storage'; readonly slot: bigint; readonly byteOffset: number; readonly transient?: boolean }
  | { readonly kind: 'value'; readonly word: bigint }
  | { readonly kind: 'bytes'; readonly data: Uint8Array }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** An input of KECCAK256 observed during the run (up to the step), for naming mapping entries. */
export interface KeccakPreimage {
  readonly hash: bigint;
  readonly preimage: Uint8Array;
  /**
   * Where the hash was computed when it was before the debugged call ("the constructor", "setup[0] mint(…)"):
   * a mapping says where its list of keys comes from. Undefined: in the debugged call.
   */
  readonly origin?: string;
}

/**
 * What the decoders read of the EVM state at ONE step of one call frame. The backend implements it; it must
 * stay valid (answer for that step) for as long as the Variables it produced can be expanded.
 */
export interface EvmStateView {
  /** Number of words on the current frame's stack. */
  stackSize(): number;
  /** A stack word, counting from the bottom (0 = deepest). Callers stay below stackSize(). */
  stackWord(indexFromBottom: number): bigint;
  /** Bytes of memory in use (msize). */
  memorySize(): number;
  /** Memory bytes; zeros past memorySize() as the EVM would read them. */
  memory(offset: number, length: number): Uint8Array;
  /** The current frame's calldata. */
  calldata(): Uint8Array;
  /** A storage word of `address` as it is at the step. */
  storage(address: bigint, slot: bigint): bigint;
  /** A transient storage word of `address` as it is at the step. */
  transientStorage(address: bigint, slot: bigint): bigint;
  /**
   * KECCAK256 inputs seen so far in the whole run (any frame), for mapping keys. May be called repeatedly.
   * Returning the same array object each time lets the decoders index it once instead of once per view.
   */
  keccakPreimages(): Iterable<KeccakPreimage>;
  /**
   * Optional, for backends that index the inputs themselves (a request must not walk them all): the
   * distinct inputs `… . slot` of the whole run in the order first seen (`all`, the same array at every
   * step), of which the first `count` were seen by this step. Used instead of keccakPreimages.
   */
  preimagesEndingWith?(slot: bigint): { readonly all: readonly KeccakPreimage[]; readonly count: number };
}

/** Everything a decoder needs besides the type and location. */
export interface DecodeContext {
  readonly view: EvmStateView;
  /** Whose storage `storage` locations read: the executing contract's storage context (the caller's for DELEGATECALL). */
  readonly storageAddress: bigint;
  /** Names of addresses (a test's `vm.label`), keyed by lower-case hex: an address value shows `0x… (name)`. */
  readonly addressLabels?: ReadonlyMap<string, string>;
}

/** One state variable with its position, as solc's storageLayout gives it. */
export interface StateVariable {
  readonly name: string;
  /** The contract that declared it (inherited variables keep their own contract). */
  readonly contract?: string;
  readonly type: SolType;
  readonly slot: bigint;
  readonly byteOffset: number;
  readonly transient?: boolean;
  /**
   * Where the value is when it is not in storage: an immutable's word, read from the deployed code (a
   * `value` location), or `unavailable` with the reason. `slot`/`byteOffset` are then meaningless.
   */
  readonly value?: Location;
}

/** solc `storageLayout` / `transientStorageLayout` output of one contract. */
export interface SolcStorageLayout {
  readonly storage: readonly SolcStorageLayoutEntry[];
  readonly types: Readonly<Record<string, SolcStorageType>> | null;
}
export interface SolcStorageLayoutEntry {
  readonly astId: number;
  readonly contract: string;
  readonly label: string;
  readonly offset: number;
  readonly slot: string;
  readonly type: string;
}
export interface SolcStorageType {
  readonly encoding: 'inplace' | 'mapping' | 'dynamic_array' | 'bytes';
  readonly label: string;
  readonly numberOfBytes: string;
  readonly base?: string;
  readonly key?: string;
  readonly value?: string;
  readonly members?: readonly SolcStorageLayoutEntry[];
}

/** The type as Solidity writes it: `uint256`, `Order`, `uint8[3][]`, `mapping(address => uint256)`. */
export function typeLabel(type: SolType): string {
  switch (type.kind) {
    case 'uint':
      return `uint${type.bits}`;
    case 'int':
      return `int${type.bits}`;
    case 'bool':
      return 'bool';
    case 'address':
      return type.payable ? 'address payable' : 'address';
    case 'fixedBytes':
      return `bytes${type.size}`;
    case 'enum':
    case 'contract':
    case 'userDefined':
    case 'struct':
      return type.name;
    case 'function':
      return type.label;
    case 'bytes':
    case 'string':
      return type.kind;
    case 'array':
      return `${typeLabel(type.base)}[${type.length === undefined ? '' : type.length}]`;
    case 'mapping':
      return `mapping(${typeLabel(type.key)} => ${typeLabel(type.value)})`;
    case 'unsupported':
      return type.label;
  }
}

/** Value types fit one stack word; everything else is a reference to data elsewhere. */
export function isValueType(type: SolType): boolean {
  switch (type.kind) {
    case 'bytes':
    case 'string':
    case 'array':
    case 'struct':
    case 'mapping':
      return false;
    default:
      return true;
  }
}

/** Bytes a value type takes in storage (packed); 32 for types that take whole slots. */
export function storageBytes(type: SolType): number {
  switch (type.kind) {
    case 'uint':
    case 'int':
      return type.bits / 8;
    case 'bool':
      return 1;
    case 'address':
    case 'contract':
      return 20;
    case 'fixedBytes':
      return type.size;
    case 'enum':
      return type.members.length <= 256 ? 1 : 2;
    case 'userDefined':
      return storageBytes(type.underlying);
    case 'function':
      return type.external ? 24 : 8;
    default:
      return 32;
  }
}

/** Whole storage slots a type occupies (value types: 1). Follows Solidity's documented layout rules. */
export function storageSlots(type: SolType): bigint {
  switch (type.kind) {
    case 'array': {
      if (type.length === undefined) return 1n;
      const base = type.base;
      if (isValueType(base)) {
        const perSlot = BigInt(Math.floor(32 / storageBytes(base)));
        return (type.length + perSlot - 1n) / perSlot;
      }
      return type.length * storageSlots(base);
    }
    case 'struct':
      return structLayout(type.members).slots;
    default:
      return 1n;
  }
}

export interface StructStorageLayout {
  readonly offsets: readonly { readonly slot: bigint; readonly byteOffset: number }[];
  readonly slots: bigint;
}

/** Layouts are computed once per member list (struct types are shared objects): member access stays O(1). */
const layouts = new WeakMap<readonly StructMember[], StructStorageLayout>();

/** Slot and byte offset of each member of a struct (or of a contract's state), and the slots it takes in total. */
export function structLayout(members: readonly StructMember[]): StructStorageLayout {
  let layout = layouts.get(members);
  if (!layout) {
    layout = computeStructLayout(members);
    layouts.set(members, layout);
  }
  return layout;
}

function computeStructLayout(members: readonly StructMember[]): StructStorageLayout {
  const offsets: { slot: bigint; byteOffset: number }[] = [];
  let slot = 0n;
  let byteOffset = 0;
  for (const member of members) {
    if (isValueType(member.type)) {
      const size = storageBytes(member.type);
      if (byteOffset + size > 32) {
        slot++;
        byteOffset = 0;
      }
      offsets.push({ slot, byteOffset });
      byteOffset += size;
    } else {
      if (byteOffset > 0) {
        slot++;
        byteOffset = 0;
      }
      offsets.push({ slot, byteOffset: 0 });
      slot += storageSlots(member.type);
    }
  }
  if (byteOffset > 0) slot++;
  return { offsets, slots: slot === 0n ? 1n : slot };
}

/**
 * The `memoryReference` of a memory value (for the memory view / readMemory): its byte address in the call's
 * memory as a hex number ("0x80"), so the session can answer readMemory with absolute addresses (reference +
 * offset) without knowing it is EVM memory. It names memory at the step being shown.
 */
export function memoryReference(offset: number): string {
  return `0x${offset.toString(16)}`;
}

/** The offset named by a `memoryReference` made by `memoryReference`, or undefined. */
export function parseMemoryReference(reference: string): number | undefined {
  return /^0x[0-9a-f]+$/i.test(reference) ? Number(reference) : undefined;
}
