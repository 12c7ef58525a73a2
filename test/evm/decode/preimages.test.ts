// Mapping entries come from observed KECCAK256 inputs however the backend hands them out (an array, or a
// fresh iterator per view), and a collection that grows (stepping forward) shows the new keys.

import test from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, type EvmStateView, type KeccakPreimage, type SolType } from '../../../debug-adapter/evm/decode/index.ts';
import { keccakWord, wordToBytes } from '../../../debug-adapter/evm/decode/layout.ts';

const MAPPING: SolType = { kind: 'mapping', key: { kind: 'uint', bits: 256 }, value: { kind: 'uint', bits: 256 } };

function entry(key: bigint, slot: bigint): KeccakPreimage {
  const preimage = new Uint8Array(64);
  preimage.set(wordToBytes(key), 0);
  preimage.set(wordToBytes(slot), 32);
  return { hash: keccakWord(preimage), preimage };
}

function view(preimages: KeccakPreimage[], storage: Map<bigint, bigint>): EvmStateView {
  return {
    stackSize: () => 0,
    stackWord: () => 0n,
    memorySize: () => 0,
    memory: (_offset, length) => new Uint8Array(length),
    calldata: () => new Uint8Array(),
    storage: (_address, slot) => storage.get(slot) ?? 0n,
    transientStorage: () => 0n,
    // A fresh generator per call, as a backend iterating its own map would give.
    keccakPreimages: function* () {
      yield* preimages;
    },
  };
}

test('mapping entries from a growing preimage collection behind fresh iterators', () => {
  const preimages = [entry(1n, 4n), entry(2n, 4n), entry(1n, 4n), entry(9n, 5n)];
  const storage = new Map([
    [preimages[0]!.hash, 10n],
    [preimages[1]!.hash, 20n],
    [preimages[3]!.hash, 90n],
  ]);
  const decode = () =>
    decodeValue('m', MAPPING, { kind: 'storage', slot: 4n, byteOffset: 0 }, { view: view(preimages, storage), storageAddress: 1n }, { hex: false });
  const names = () => {
    const m = decode();
    return m.children!.get('named', 0, 100, { hex: false }).map((v) => `${v.name}=${v.value}`);
  };
  // Key 1 hashed twice is listed once; key 9 belongs to another slot.
  assert.deepEqual(names(), ['[1]=10', '[2]=20']);
  assert.deepEqual(names(), ['[1]=10', '[2]=20']);
  const later = entry(3n, 4n);
  preimages.push(later);
  storage.set(later.hash, 77n);
  assert.deepEqual(names(), ['[1]=10', '[2]=20', '[3]=77']);
  assert.equal(decode().value, 'mapping (3 keys seen: 3 in this call)');
});
