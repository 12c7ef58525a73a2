import { keccakWord, wordToBytes } from '../../../../debug-adapter/evm/decode/layout.ts';
const N = 100_000;
const preimages = [] as { hash: bigint; preimage: Uint8Array }[];
for (let i = 0; i < N; i++) { const p = new Uint8Array(64); p.set(wordToBytes(BigInt(i)), 0); p.set(wordToBytes(3n), 32); preimages.push({ hash: keccakWord(p), preimage: p }); }
for (let r = 0; r < 3; r++) {
let t = performance.now();
const keys: string[] = [];
for (const e of preimages) keys.push(Buffer.from(e.preimage.buffer, e.preimage.byteOffset + 32, 32).toString('latin1'));
console.log('slotKey', (performance.now() - t).toFixed(1));
t = performance.now();
const m = new Map<string, unknown[]>();
for (let i = 0; i < N; i++) { const l = m.get(keys[i]!); if (l) l.push(preimages[i]); else m.set(keys[i]!, [preimages[i]]); }
console.log('map', (performance.now() - t).toFixed(1));
t = performance.now();
const s = new Set<bigint>(); for (const e of preimages) s.add(e.hash);
console.log('set bigint', (performance.now() - t).toFixed(1));
t = performance.now();
let x = 0; for (const e of preimages) { const p = e.preimage; let h = 0; for (let i = 0; i < p.length; i++) h = (h * 31 + p[i]!) | 0; x ^= h; }
console.log('loop hash', (performance.now() - t).toFixed(1), x);
}
