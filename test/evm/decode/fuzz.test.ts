// Seeded fuzz of the value decoders: random types over random stack, memory, calldata and storage
// contents (garbage pointers, huge lengths, dirty bits). Decoding and expanding never throws, never
// hangs, and garbage shows up as 'unavailable' rather than as an exception.

import test from 'node:test';
import assert from 'node:assert/strict';
import type { Variable } from '../../../debug-adapter/core/execution.ts';
import { decodeValue, type DataLocation, type EvmStateView, type Location, type SolType } from '../../../debug-adapter/evm/decode/index.ts';
import { keccakWord, wordToBytes } from '../../../debug-adapter/evm/decode/layout.ts';
import { Random } from './random.ts';

function randomType(random: Random, depth: number): SolType {
  const leaf = depth >= 3 || random.int(0, 2) === 0;
  if (leaf) {
    switch (random.int(0, 9)) {
      case 0:
        return { kind: 'uint', bits: 8 * random.int(1, 32) };
      case 1:
        return { kind: 'int', bits: 8 * random.int(1, 32) };
      case 2:
        return { kind: 'bool' };
      case 3:
        return { kind: 'address', payable: false };
      case 4:
        return { kind: 'fixedBytes', size: random.int(1, 32) };
      case 5:
        return { kind: 'enum', name: 'E', members: ['A', 'B', 'C'] };
      case 6:
        return { kind: 'string' };
      case 7:
        return { kind: 'bytes' };
      case 8:
        return { kind: 'function', external: random.int(0, 1) === 1, label: 'function ()' };
      default:
        return { kind: 'userDefined', name: 'P', underlying: { kind: 'uint', bits: 128 } };
    }
  }
  switch (random.int(0, 2)) {
    case 0:
      return { kind: 'array', base: randomType(random, depth + 1), length: random.int(0, 1) ? undefined : BigInt(random.int(0, 5)) };
    case 1: {
      const members = Array.from({ length: random.int(1, 4) }, (_, i) => ({ name: `m${i}`, type: randomType(random, depth + 1) }));
      return { kind: 'struct', name: 'S', members };
    }
    default:
      return { kind: 'mapping', key: randomType(random, 3), value: randomType(random, depth + 1) };
  }
}

/** Random words, biased towards the values that break decoders: small pointers, huge lengths, all ones. */
function randomWord(random: Random): bigint {
  switch (random.int(0, 5)) {
    case 0:
      return BigInt(random.int(0, 400));
    case 1:
      return (1n << 256n) - 1n - BigInt(random.int(0, 3));
    case 2:
      return BigInt(random.int(0, 0xffffffff)) << BigInt(8 * random.int(0, 28));
    case 3:
      return BigInt(random.int(0, 64)) * 32n;
    default:
      return keccakWord(random.bytes(8));
  }
}

function randomView(random: Random): EvmStateView {
  const stack = Array.from({ length: random.int(0, 12) }, () => randomWord(random));
  const memory = new Uint8Array(random.int(0, 12) * 32);
  for (let i = 0; i < memory.length; i += 32) memory.set(wordToBytes(randomWord(random)), i);
  const calldata = new Uint8Array(random.int(0, 600));
  for (let i = 0; i + 32 <= calldata.length; i += 32) calldata.set(wordToBytes(randomWord(random)), i);
  const seed = random.int(0, 1 << 30);
  // Storage: a deterministic function of the slot, mostly small values so lengths and strings vary.
  const storage = (_address: bigint, slot: bigint) => {
    const h = keccakWord(wordToBytes(slot ^ BigInt(seed)));
    return h % 5n === 0n ? h : h % 80n;
  };
  const preimages = Array.from({ length: random.int(0, 6) }, () => {
    const preimage = new Uint8Array([...random.bytes(random.int(0, 40)), ...wordToBytes(BigInt(random.int(0, 5)))]);
    return { hash: keccakWord(preimage), preimage };
  });
  return {
    stackSize: () => stack.length,
    stackWord: (i) => stack[i]!,
    memorySize: () => memory.length,
    memory: (offset, length) => {
      const out = new Uint8Array(length);
      out.set(memory.subarray(offset, offset + length));
      return out;
    },
    calldata: () => calldata,
    storage,
    transientStorage: storage,
    keccakPreimages: () => preimages,
  };
}

function randomLocation(random: Random): Location {
  const pointsTo: DataLocation[] = ['memory', 'calldata', 'storage', 'transient'];
  switch (random.int(0, 4)) {
    case 0:
      return { kind: 'stack', index: random.int(-1, 12), pointsTo: random.pick(pointsTo) };
    case 1:
      return { kind: 'memory', offset: random.int(0, 400) };
    case 2:
      return { kind: 'calldata', offset: random.int(0, 700), length: random.int(0, 1) ? random.int(0, 50) : random.int(0, 1 << 30) };
    case 3:
      return { kind: 'storage', slot: randomWord(random), byteOffset: random.int(0, 31) };
    default:
      return { kind: 'value', word: randomWord(random) };
  }
}

/** Expand a few levels, a page of a few children each, as a user clicking around would. */
function expand(variable: Variable, depth: number, hex: boolean): number {
  assert.equal(typeof variable.value, 'string');
  if (!variable.children || depth > 4) return 1;
  const { named, indexed } = variable.children;
  assert.ok(Number.isInteger(named) && named >= 0 && Number.isInteger(indexed) && indexed >= 0);
  let count = 1;
  for (const child of variable.children.get(undefined, 0, 4, { hex })) count += expand(child, depth + 1, hex);
  if (indexed > 4) for (const child of variable.children.get('indexed', indexed - 2, 5, { hex })) count += expand(child, depth + 1, hex);
  return count;
}

test('fuzz: random types over random state decode without exceptions', () => {
  const random = new Random(0x5eed);
  let unavailable = 0;
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    const view = randomView(random);
    const type = randomType(random, 0);
    const location = randomLocation(random);
    const hex = random.int(0, 1) === 1;
    const variable = decodeValue('x', type, location, { view, storageAddress: 1n }, { hex });
    if (variable.hint === 'unavailable') {
      unavailable++;
      assert.match(variable.value, /^unavailable \(.+\)$/);
    }
    decoded += expand(variable, 0, hex);
  }
  // The fuzz reaches both outcomes (it is not silently refusing everything, nor accepting everything).
  assert.ok(unavailable > 100, `some garbage is refused (${unavailable})`);
  assert.ok(decoded > 5000, `many values decode (${decoded})`);
});
