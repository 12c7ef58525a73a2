import { decodeValue } from '../../../../debug-adapter/evm/decode/index.ts';
import { keccakWord, wordToBytes, mappingValueSlot } from '../../../../debug-adapter/evm/decode/layout.ts';
const N = 100_000;
const preimages = [] as { hash: bigint; preimage: Uint8Array }[];
for (let i = 0; i < N; i++) { const p = new Uint8Array(64); p.set(wordToBytes(BigInt(i)), 0); p.set(wordToBytes(3n), 32); preimages.push({ hash: keccakWord(p), preimage: p }); }
const view = { stackSize: () => 0, stackWord: () => 0n, memorySize: () => 0, memory: (o: number, l: number) => new Uint8Array(l), calldata: () => new Uint8Array(), storage: (_a: bigint, s: bigint) => s === 5n ? 10000n : s & 0xffn, transientStorage: () => 0n, keccakPreimages: () => preimages };
const ctx = { view, storageAddress: 1n };
let t = performance.now();
const m = decodeValue('m', { kind: 'mapping', key: { kind: 'uint', bits: 256 }, value: { kind: 'uint', bits: 256 } }, { kind: 'storage', slot: 3n, byteOffset: 0 }, ctx, { hex: false });
console.log('mapping with', m.children!.named, 'keys: first decode', (performance.now() - t).toFixed(1), 'ms');
t = performance.now();
const m2 = decodeValue('m', { kind: 'mapping', key: { kind: 'uint', bits: 256 }, value: { kind: 'uint', bits: 256 } }, { kind: 'storage', slot: 3n, byteOffset: 0 }, ctx, { hex: false });
m2.children!.get('named', 50000, 100, { hex: false });
console.log('again + page of 100:', (performance.now() - t).toFixed(1), 'ms');
t = performance.now();
const a = decodeValue('a', { kind: 'array', base: { kind: 'uint', bits: 256 }, length: undefined }, { kind: 'storage', slot: 5n, byteOffset: 0 }, ctx, { hex: false });
a.children!.get('indexed', 9900, 100, { hex: false });
console.log('10000-element storage array, page of 100:', (performance.now() - t).toFixed(1), 'ms');
