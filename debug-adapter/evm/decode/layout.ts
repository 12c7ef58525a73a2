// Where the parts of a value are: Solidity's data layout in each data location, as documented
// ("Layout of State Variables in Storage", "Layout in Memory", "Layout of Call Data" / ABI encoding).
// These functions locate and read raw words and bytes; values.ts renders them. Anything that cannot be
// read truthfully (pointer outside memory, length past calldata, value no longer on the stack) throws
// `Unreadable` with the reason, which callers turn into an 'unavailable' variable or an EvaluationError.

import { keccak_256 } from '@noble/hashes/sha3.js';
import {
  isValueType,
  storageBytes,
  storageSlots,
  structLayout,
  type DecodeContext,
  type KeccakPreimage,
  type Location,
  type SolType,
  type StructMember,
} from './model.ts';

/** A value cannot be read truthfully; `message` is the reason shown to the user. */
export class Unreadable extends Error {
  override readonly name = 'Unreadable';
}

const WORD = 32;
const MAX_LENGTH = 2n ** 32n;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The big-endian word at `offset` (zeros past the end). One BigInt parse: this runs for every preimage. */
export function wordAt(bytes: Uint8Array, offset: number): bigint {
  if (offset >= 0 && offset + WORD <= bytes.length) {
    return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset + offset, WORD).toString('hex')}`);
  }
  let hex = '0x';
  for (let i = 0; i < WORD; i++) hex += HEX[bytes[offset + i] ?? 0];
  return BigInt(hex);
}

export function wordToBytes(word: bigint): Uint8Array {
  const out = new Uint8Array(WORD);
  let rest = BigInt.asUintN(256, word);
  for (let i = WORD - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

export function keccakWord(data: Uint8Array): bigint {
  return wordAt(keccak_256(data), 0);
}

/** A location with stack references followed: what remains is memory, calldata, storage, value or bytes. */
export type Resolved = Exclude<Location, { kind: 'stack' } | { kind: 'unavailable' }>;

/** True for types whose ABI encoding is dynamic (an offset in the head, the data in the tail). */
export function isAbiDynamic(type: SolType): boolean {
  switch (type.kind) {
    case 'bytes':
    case 'string':
      return true;
    case 'array':
      return type.length === undefined || isAbiDynamic(type.base);
    case 'struct':
      return type.members.some((m) => isAbiDynamic(m.type));
    default:
      return false;
  }
}

/** Bytes a type takes in an ABI head: 32 for dynamic types and value types; static arrays and structs inline. */
export function abiHeadSize(type: SolType): number {
  if (isAbiDynamic(type)) return WORD;
  if (type.kind === 'array') return Number(type.length ?? 0n) * abiHeadSize(type.base);
  if (type.kind === 'struct') return type.members.reduce((sum, m) => sum + abiHeadSize(m.type), 0);
  return WORD;
}

function hasDynamicLength(type: SolType): boolean {
  return type.kind === 'bytes' || type.kind === 'string' || (type.kind === 'array' && type.length === undefined);
}

/** Follow a stack location to the data it holds or points to. */
export function resolve(type: SolType, location: Location, ctx: DecodeContext): Resolved {
  if (location.kind === 'unavailable') throw new Unreadable(location.reason);
  if (location.kind !== 'stack') return location;
  const view = ctx.view;
  const size = view.stackSize();
  if (location.index < 0 || location.index >= size) throw new Unreadable('not on the stack at this point');
  const word = view.stackWord(location.index);
  if (type.kind === 'function' && type.external) {
    // Two words on the stack: the address, then the selector above it. Combined as in storage and the
    // ABI: 20 address bytes then 4 selector bytes, left-aligned.
    if (location.index + 1 >= size) throw new Unreadable('not on the stack at this point');
    const selector = view.stackWord(location.index + 1);
    return { kind: 'value', word: (BigInt.asUintN(160, word) << 96n) | (BigInt.asUintN(32, selector) << 64n) };
  }
  if (isValueType(type)) return { kind: 'value', word };
  switch (location.pointsTo) {
    case 'storage':
    case 'transient':
      return { kind: 'storage', slot: word, byteOffset: 0, transient: location.pointsTo === 'transient' };
    case 'memory':
      if (word >= MAX_LENGTH) throw new Unreadable('invalid memory pointer');
      return { kind: 'memory', offset: Number(word) };
    case 'calldata': {
      if (word >= MAX_LENGTH) throw new Unreadable('invalid calldata offset');
      if (!hasDynamicLength(type)) return { kind: 'calldata', offset: Number(word) };
      if (location.index + 1 >= size) throw new Unreadable('not on the stack at this point');
      const length = view.stackWord(location.index + 1);
      if (length >= MAX_LENGTH) throw new Unreadable('invalid calldata length');
      return { kind: 'calldata', offset: Number(word), length: Number(length) };
    }
    default:
      throw new Unreadable('unknown data location');
  }
}

export function readMemoryWord(ctx: DecodeContext, offset: number): bigint {
  if (offset + WORD > Math.max(ctx.view.memorySize(), 0x80)) throw new Unreadable('pointer outside memory');
  return wordAt(ctx.view.memory(offset, WORD), 0);
}

export function readCalldataWord(ctx: DecodeContext, offset: number): bigint {
  const data = ctx.view.calldata();
  if (offset < 0 || offset + WORD > data.length) throw new Unreadable('outside the calldata');
  return wordAt(data, offset);
}

export function readStorageWord(ctx: DecodeContext, slot: bigint, transient?: boolean): bigint {
  const normalized = BigInt.asUintN(256, slot);
  return transient
    ? ctx.view.transientStorage(ctx.storageAddress, normalized)
    : ctx.view.storage(ctx.storageAddress, normalized);
}

/**
 * The word of a value type, as it would sit on the stack: numbers right-aligned, bytesN and external
 * function pointers left-aligned (storage packs them right-aligned in their bytes; this undoes it).
 */
export function readValueWord(type: SolType, location: Resolved, ctx: DecodeContext): bigint {
  switch (location.kind) {
    case 'value':
      return location.word;
    case 'memory':
      return readMemoryWord(ctx, location.offset);
    case 'calldata':
      return readCalldataWord(ctx, location.offset);
    case 'storage': {
      const size = storageBytes(type);
      const word = readStorageWord(ctx, location.slot, location.transient);
      const raw = (word >> BigInt(8 * location.byteOffset)) & ((1n << BigInt(8 * size)) - 1n);
      return leftAligned(type) ? raw << BigInt(8 * (WORD - size)) : raw;
    }
    case 'bytes':
      throw new Unreadable('not a value type');
  }
}

function leftAligned(type: SolType): boolean {
  if (type.kind === 'userDefined') return leftAligned(type.underlying);
  return type.kind === 'fixedBytes' || (type.kind === 'function' && type.external);
}

/** Bytes of a `bytes` or `string` value, at most `limit` of them (the rest are counted in `length`). */
export function readByteArray(
  location: Resolved,
  ctx: DecodeContext,
  limit = Number.MAX_SAFE_INTEGER,
): { bytes: Uint8Array; length: number } {
  switch (location.kind) {
    case 'bytes':
      return { bytes: location.data.subarray(0, limit), length: location.data.length };
    case 'memory': {
      const length = readMemoryWord(ctx, location.offset);
      if (BigInt(location.offset) + 32n + length > BigInt(Math.max(ctx.view.memorySize(), 0x80))) {
        throw new Unreadable('length runs past the end of memory');
      }
      const n = Number(length);
      return { bytes: ctx.view.memory(location.offset + WORD, Math.min(n, limit)), length: n };
    }
    case 'calldata': {
      const data = ctx.view.calldata();
      const n = location.length ?? 0;
      if (location.offset + n > data.length) throw new Unreadable('runs past the end of the calldata');
      return { bytes: data.slice(location.offset, location.offset + Math.min(n, limit)), length: n };
    }
    case 'storage': {
      const word = readStorageWord(ctx, location.slot, location.transient);
      if ((word & 1n) === 0n) {
        // Short form: data in the high bytes, length * 2 in the lowest byte.
        const n = Number(word & 0xffn) / 2;
        if (n > 31) throw new Unreadable('invalid storage encoding of bytes/string');
        return { bytes: wordToBytes(word).subarray(0, Math.min(n, limit)), length: n };
      }
      const length = (word - 1n) / 2n;
      if (length < 32n) throw new Unreadable('invalid storage encoding of bytes/string');
      if (length >= MAX_LENGTH) throw new Unreadable('invalid storage length');
      const n = Number(length);
      const take = Math.min(n, limit);
      const base = keccakWord(wordToBytes(location.slot));
      const out = new Uint8Array(take);
      for (let i = 0; i * WORD < take; i++) {
        const chunk = wordToBytes(readStorageWord(ctx, base + BigInt(i), location.transient));
        out.set(chunk.subarray(0, Math.min(WORD, take - i * WORD)), i * WORD);
      }
      return { bytes: out, length: n };
    }
    case 'value':
      throw new Unreadable('not a byte array');
  }
}

/** Number of elements of an array value. */
export function arrayLength(type: SolType & { kind: 'array' }, location: Resolved, ctx: DecodeContext): number {
  if (type.length !== undefined) {
    if (type.length >= MAX_LENGTH) throw new Unreadable('array too large to show');
    return Number(type.length);
  }
  let length: bigint;
  switch (location.kind) {
    case 'memory': {
      length = readMemoryWord(ctx, location.offset);
      const end = BigInt(location.offset) + 32n + length * 32n;
      if (end > BigInt(Math.max(ctx.view.memorySize(), 0x80))) throw new Unreadable('length runs past the end of memory');
      break;
    }
    case 'calldata': {
      length = BigInt(location.length ?? 0);
      const end = BigInt(location.offset) + length * BigInt(abiHeadSize(type.base));
      if (end > BigInt(ctx.view.calldata().length)) throw new Unreadable('runs past the end of the calldata');
      break;
    }
    case 'storage':
      length = readStorageWord(ctx, location.slot, location.transient);
      if (length >= MAX_LENGTH) throw new Unreadable('invalid storage array length');
      break;
    default:
      throw new Unreadable('not an array');
  }
  return Number(length);
}

/** Location of element `index` (already bounds-checked by the caller) of an array. */
export function elementLocation(type: SolType & { kind: 'array' }, location: Resolved, index: number, ctx: DecodeContext): Resolved {
  const base = type.base;
  switch (location.kind) {
    case 'memory': {
      const start = type.length === undefined ? location.offset + WORD : location.offset;
      return memoryChild(base, start + index * WORD, ctx);
    }
    case 'calldata': {
      const start = location.offset;
      return calldataChild(base, start, start + index * abiHeadSize(base), ctx);
    }
    case 'storage': {
      const start =
        type.length === undefined ? keccakWord(wordToBytes(location.slot)) : location.slot;
      if (isValueType(base)) {
        const size = storageBytes(base);
        const perSlot = Math.floor(WORD / size);
        return {
          kind: 'storage',
          slot: start + BigInt(Math.floor(index / perSlot)),
          byteOffset: (index % perSlot) * size,
          transient: location.transient,
        };
      }
      return { kind: 'storage', slot: start + BigInt(index) * storageSlots(base), byteOffset: 0, transient: location.transient };
    }
    default:
      throw new Unreadable('not an array');
  }
}

/** Location of a struct member. Members that are mappings do not exist outside storage. */
export function memberLocation(
  type: SolType & { kind: 'struct' },
  location: Resolved,
  memberIndex: number,
  ctx: DecodeContext,
): Resolved {
  const member = type.members[memberIndex]!;
  switch (location.kind) {
    case 'memory': {
      // Memory structs omit mapping members (and arrays of them); the rest take one word each.
      let slot = 0;
      for (let i = 0; i < memberIndex; i++) if (!containsMapping(type.members[i]!.type)) slot++;
      if (containsMapping(member.type)) throw new Unreadable('mappings exist only in storage');
      return memoryChild(member.type, location.offset + slot * WORD, ctx);
    }
    case 'calldata': {
      let head = location.offset;
      for (let i = 0; i < memberIndex; i++) head += abiHeadSize(type.members[i]!.type);
      return calldataChild(member.type, location.offset, head, ctx);
    }
    case 'storage': {
      const at = structLayout(type.members).offsets[memberIndex]!;
      return { kind: 'storage', slot: location.slot + at.slot, byteOffset: at.byteOffset, transient: location.transient };
    }
    default:
      throw new Unreadable('not a struct');
  }
}

export function containsMapping(type: SolType, seen = new Set<SolType>()): boolean {
  if (type.kind === 'mapping') return true;
  if (type.kind === 'array') return containsMapping(type.base, seen);
  if (type.kind === 'struct') {
    if (seen.has(type)) return false;
    seen.add(type);
    return type.members.some((m: StructMember) => containsMapping(m.type, seen));
  }
  return false;
}

/** A value at memory position `at`: value types inline, reference types as a pointer word. */
function memoryChild(type: SolType, at: number, ctx: DecodeContext): Resolved {
  if (isValueType(type)) return { kind: 'memory', offset: at };
  const pointer = readMemoryWord(ctx, at);
  if (pointer >= MAX_LENGTH) throw new Unreadable('invalid memory pointer');
  return { kind: 'memory', offset: Number(pointer) };
}

/** A value whose ABI head is at `head` in an encoding that starts at `base` (offsets are relative to it). */
function calldataChild(type: SolType, base: number, head: number, ctx: DecodeContext): Resolved {
  if (!isAbiDynamic(type)) return { kind: 'calldata', offset: head };
  const relative = readCalldataWord(ctx, head);
  const target = BigInt(base) + relative;
  if (target >= MAX_LENGTH) throw new Unreadable('invalid calldata offset');
  const at = Number(target);
  if (!hasDynamicLength(type)) return { kind: 'calldata', offset: at };
  const length = readCalldataWord(ctx, at);
  if (length >= MAX_LENGTH) throw new Unreadable('invalid calldata length');
  return { kind: 'calldata', offset: at + WORD, length: Number(length) };
}

/** The slot of `mapping[key]`, given the key's encoding (value types: their 32-byte word; bytes/string: raw bytes). */
export function mappingValueSlot(mappingSlot: bigint, keyEncoding: Uint8Array): bigint {
  const preimage = new Uint8Array(keyEncoding.length + WORD);
  preimage.set(keyEncoding, 0);
  preimage.set(wordToBytes(mappingSlot), keyEncoding.length);
  return keccakWord(preimage);
}

/**
 * Observed KECCAK256 inputs indexed by their last word (the mapping slot of `key . slot`). The index key is a
 * 32-bit hash of that word (collisions are filtered on lookup): building the index must stay cheap for
 * 100,000s of preimages, so no BigInt or string is made per preimage.
 *
 * One index per preimage collection. Views are often rebuilt per request and may hand out a fresh iterator
 * each time, so the cache is keyed by the collection's first preimage buffer and checked against its length
 * and last buffer (the collection only grows while recording). Iterating is cheap; hashing is what is saved.
 */
const preimageIndex = new WeakMap<Uint8Array, { length: number; last: Uint8Array; index: Map<number, KeccakPreimage[]> }>();

function wordHash(bytes: Uint8Array, offset: number): number {
  let h = 0x811c9dc5;
  for (let i = offset; i < offset + WORD; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

function endsWith(preimage: Uint8Array, word: Uint8Array): boolean {
  const base = preimage.length - WORD;
  for (let i = 0; i < WORD; i++) if (preimage[base + i] !== word[i]) return false;
  return true;
}

function indexOf(ctx: DecodeContext): Map<number, KeccakPreimage[]> {
  const source = ctx.view.keccakPreimages();
  const all = Array.isArray(source) ? (source as readonly KeccakPreimage[]) : Array.from(source);
  if (all.length === 0) return EMPTY_INDEX;
  const first = all[0]!.preimage;
  const last = all[all.length - 1]!.preimage;
  const cached = preimageIndex.get(first);
  if (cached && cached.length === all.length && cached.last === last) return cached.index;
  const index = new Map<number, KeccakPreimage[]>();
  for (const entry of all) {
    if (entry.preimage.length < WORD) continue;
    const h = wordHash(entry.preimage, entry.preimage.length - WORD);
    const list = index.get(h);
    if (list) list.push(entry);
    else index.set(h, [entry]);
  }
  preimageIndex.set(first, { length: all.length, last, index });
  return index;
}

const EMPTY_INDEX = new Map<number, KeccakPreimage[]>();

/** Preimages `… . slot` (distinct inputs), in the order observed. */
export function preimagesEndingWith(ctx: DecodeContext, slot: bigint): readonly KeccakPreimage[] {
  const index = indexOf(ctx);
  const word = wordToBytes(slot);
  const list = index.get(wordHash(word, 0));
  if (!list) return NONE;
  // Drop hash collisions, and list an input hashed many times (every read of a mapping entry) once. The
  // result is cached (and stable, so callers can cache by it) for as long as the index lives.
  let distinct = distinctLists.get(list);
  if (!distinct) {
    const seen = new Set<bigint>();
    distinct = list.filter((entry) => {
      if (seen.has(entry.hash) || !endsWith(entry.preimage, word)) return false;
      seen.add(entry.hash);
      return true;
    });
    distinctLists.set(list, distinct);
  }
  return distinct;
}

const NONE: readonly KeccakPreimage[] = [];
const distinctLists = new WeakMap<KeccakPreimage[], KeccakPreimage[]>();
