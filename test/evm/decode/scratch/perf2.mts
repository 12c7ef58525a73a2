import { keccakWord, wordToBytes, preimagesEndingWith } from '../../../../debug-adapter/evm/decode/layout.ts';
import { mappingKeyText } from '../../../../debug-adapter/evm/decode/values.ts';
const N = 100_000;
const preimages = [] as { hash: bigint; preimage: Uint8Array }[];
for (let i = 0; i < N; i++) { const p = new Uint8Array(64); p.set(wordToBytes(BigInt(i)), 0); p.set(wordToBytes(3n), 32); preimages.push({ hash: keccakWord(p), preimage: p }); }
const view = { keccakPreimages: () => preimages } as any;
let t = performance.now();
let l = preimagesEndingWith({ view, storageAddress: 1n }, 3n);
console.log('index+filter', (performance.now() - t).toFixed(1), l.length);
t = performance.now();
l = preimagesEndingWith({ view, storageAddress: 1n }, 3n);
console.log('filter', (performance.now() - t).toFixed(1), l.length);
t = performance.now();
for (const p of l) mappingKeyText({ kind: 'uint', bits: 256 }, p.preimage.subarray(0, 32));
console.log('keytext', (performance.now() - t).toFixed(1));
