// The storage slots a contract's declared state variables occupy (value types, fixed arrays and structs
// laid out in place, the length or short value of dynamic arrays, strings and bytes, and then the elements
// and long contents those point to), from solc's storage layout. A replayed transaction reads only the
// slots it touches; these are read from the node after it, so the State scope shows such variables exactly
// rather than "unavailable". Mapping values are left to what the transaction touched.
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { StorageLayout } from '../../../language/solidity/compile.ts';

/** At most this many slots per contract and round (a huge array is left to show "unavailable"). */
const MAX_SLOTS = 1024;

/** The slots variables occupy directly: read first. */
export function declaredSlots(layout: StorageLayout | undefined): bigint[] {
  if (!layout) return [];
  const out = new Set<bigint>();
  for (const entry of layout.storage) {
    const type = layout.types?.[entry.type];
    if (!type) continue;
    const first = BigInt(entry.slot);
    const count = type.encoding === 'inplace' ? Math.ceil(Number(type.numberOfBytes) / 32) : type.encoding === 'mapping' ? 0 : 1;
    for (let i = 0; i < count && out.size < MAX_SLOTS; i++) out.add(first + BigInt(i));
  }
  return [...out];
}

function dataSlot(slot: bigint): bigint {
  const word = new Uint8Array(32);
  for (let i = 31, v = slot; i >= 0; i--, v >>= 8n) word[i] = Number(v & 0xffn);
  return BigInt(`0x${Buffer.from(keccak_256(word)).toString('hex')}`);
}

/**
 * The slots that dynamic arrays of in-place elements and long strings/bytes keep their contents in, once
 * their length words (from `declaredSlots`) are known: read second.
 */
export function contentSlots(layout: StorageLayout | undefined, word: (slot: bigint) => bigint | undefined): bigint[] {
  if (!layout) return [];
  const out: bigint[] = [];
  for (const entry of layout.storage) {
    const type = layout.types?.[entry.type];
    const head = word(BigInt(entry.slot));
    if (!type || head === undefined) continue;
    let count = 0n;
    if (type.encoding === 'bytes') {
      // Short values live in the slot itself (lowest bit 0); long ones keep 2·length+1 there.
      if ((head & 1n) === 1n) count = ((head - 1n) / 2n + 31n) / 32n;
    } else if (type.encoding === 'dynamic_array') {
      const base = layout.types?.[String(type['base'])];
      if (!base || base.encoding !== 'inplace') continue;
      const size = BigInt(base.numberOfBytes);
      count = size <= 16n ? (head + 32n / size - 1n) / (32n / size) : head * ((size + 31n) / 32n);
    }
    const start = dataSlot(BigInt(entry.slot));
    for (let i = 0n; i < count && out.length < MAX_SLOTS; i++) out.push(start + i);
  }
  return out;
}
