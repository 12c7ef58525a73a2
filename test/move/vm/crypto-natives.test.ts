// Sui's crypto natives (debug-adapter/move/vm/crypto): ECDSA checked against OpenSSL (node:crypto signs,
// our natives verify and recover, through the published framework's own functions), and a fuzz of every
// crypto native with random and mutated bytes: each either returns or aborts with one of Sui's codes
// for that native, never a JavaScript exception out of the interpreter. The framework's own crypto unit
// tests (known-answer vectors) run in test/move/build/move-test-crypto.test.ts.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { loadFrameworkSnapshot } from '../../../debug-adapter/move/package/index.ts';
import { parseArgs } from '../../../debug-adapter/move/vm/args.ts';
import { MoveVM, type RunResult } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../../../debug-adapter/move/vm/loader.ts';
import { CRYPTO_NATIVES } from '../../../debug-adapter/move/vm/crypto/index.ts';
import { gtToBytes } from '../../../debug-adapter/move/vm/crypto/group-ops.ts';
import { SUI, byteVector, type NativeContext } from '../../../debug-adapter/move/vm/natives.ts';
import { VMError } from '../../../debug-adapter/move/vm/status.ts';
import { T } from '../../../debug-adapter/move/vm/types.ts';
import { UInt, VectorValue, u8, type Value } from '../../../debug-adapter/move/vm/values.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const snapshot = path.resolve(root, '../shared/fixtures/move/sui-framework/v124');
const SKIP = '../shared/fixtures/move/sui-framework not found';

function vmWithFramework(): MoveVM {
  const modules = ['0x1.bcs', '0x2.bcs'].flatMap((f) => loadFrameworkSnapshot(path.join(snapshot, f)).modules);
  return new MoveVM(new ModuleSet(modules));
}

const hex = (b: Uint8Array) => '0x' + Buffer.from(b).toString('hex');
const bytesOfValue = (v: Value) => Uint8Array.from((v as VectorValue).items.map((b) => Number((b as UInt).v)));

function run(vm: MoveVM, fn: string, args: unknown[]): RunResult {
  const f = vm.resolveFunction(fn);
  return vm.run(f, [], parseArgs(f, [], args));
}
function returned(r: RunResult): Value[] {
  assert.equal(r.kind, 'returned', r.kind !== 'returned' ? r.message : '');
  return (r as { values: Value[] }).values;
}

/** DER ECDSA signature (OpenSSL) → r ‖ s with s made low, as Sui expects. */
function compact(der: Buffer, order: bigint): Uint8Array {
  const r = der.subarray(4, 4 + der[3]!);
  const sAt = 4 + der[3]! + 2;
  const s = der.subarray(sAt, sAt + der[sAt - 1]!);
  const n = (b: Buffer) => BigInt('0x' + b.toString('hex'));
  let sv = n(s);
  if (sv > order / 2n) sv = order - sv;
  const out = new Uint8Array(64);
  out.set(Buffer.from(n(r).toString(16).padStart(64, '0'), 'hex'), 0);
  out.set(Buffer.from(sv.toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

const CURVES = [
  { module: 'ecdsa_k1', fn: 'secp256k1', curve: 'secp256k1', order: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n },
  { module: 'ecdsa_r1', fn: 'secp256r1', curve: 'prime256v1', order: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
] as const;

for (const c of CURVES) {
  test(`${c.module}: a signature OpenSSL makes verifies, and ecrecover returns OpenSSL's key`, (t) => {
    if (!existsSync(snapshot)) return t.skip(SKIP);
    const vm = vmWithFramework();
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: c.curve });
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    // The SPKI ends with the uncompressed point; Sui's natives take the compressed one.
    const point = spki.subarray(spki.length - 65);
    const compressed = Uint8Array.of(point[64]! % 2 === 0 ? 2 : 3, ...point.subarray(1, 33));
    const msg = Buffer.from('chainstep crypto natives');
    const sig = compact(cryptoSign('sha256', msg, privateKey), c.order);
    const verify = (s: Uint8Array, m: Buffer, hash: number) => returned(run(vm, `0x2::${c.module}::${c.fn}_verify`, [hex(s), hex(compressed), hex(m), hash]))[0];
    assert.equal(verify(sig, msg, 1), true, 'SHA-256 signature verifies');
    assert.equal(verify(sig, Buffer.from('another message'), 1), false);
    assert.equal(verify(sig, msg, 0), false, 'checked against the Keccak-256 digest, it does not');
    // The recovery id is unknown to OpenSSL: one of 0 and 1 recovers the signer's key.
    const recovered = [0, 1].map((v) => {
      const r = run(vm, `0x2::${c.module}::${c.fn}_ecrecover`, [hex(Uint8Array.of(...sig, v)), hex(msg), 1]);
      return r.kind === 'returned' ? hex(bytesOfValue(r.values[0]!)) : r.kind;
    });
    assert.ok(recovered.includes(hex(compressed)), `${recovered} contains ${hex(compressed)}`);
    if (c.module === 'ecdsa_k1') {
      const full = returned(run(vm, '0x2::ecdsa_k1::decompress_pubkey', [hex(compressed)]))[0]!;
      assert.equal(hex(bytesOfValue(full)), hex(point));
      const bad = run(vm, '0x2::ecdsa_k1::decompress_pubkey', [hex(Uint8Array.of(2, ...new Uint8Array(32).fill(0xff)))]);
      assert.equal(bad.kind === 'aborted' && bad.code, 2n, 'EInvalidPubKey');
      // libsecp256k1 reads the hybrid form (tag 6 or 7 by y's parity) and refuses a tag of the wrong parity.
      const parity = point[64]! & 1;
      const hybrid = returned(run(vm, '0x2::ecdsa_k1::decompress_pubkey', [hex(Uint8Array.of(6 + parity, ...point.subarray(1)))]))[0]!;
      assert.equal(hex(bytesOfValue(hybrid)), hex(point));
      const wrongParity = run(vm, '0x2::ecdsa_k1::decompress_pubkey', [hex(Uint8Array.of(7 - parity, ...point.subarray(1)))]);
      assert.equal(wrongParity.kind === 'aborted' && wrongParity.code, 2n);
    }
  });
}

// ---- fuzz ----

/** Deterministic xorshift so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const G1_BYTES = bls12_381.G1.Point.BASE.toBytes(true);
const G2_BYTES = bls12_381.G2.Point.BASE.toBytes(true);
const VALID = [
  G1_BYTES,
  G2_BYTES,
  bls12_381.G1.Point.BASE.toBytes(false),
  gtToBytes(bls12_381.pairing(bls12_381.G1.Point.BASE, bls12_381.G2.Point.BASE)),
  Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 7 : 0)),
  ristretto255.Point.BASE.toBytes(),
  Uint8Array.of(...new Uint8Array(64).fill(1), 0),
  Uint8Array.of(2, ...Buffer.from('79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex')),
  // BN254 G1 generator (1, 2) in arkworks' compressed form, and a BLS12-381 proof's shape (A ‖ B ‖ C).
  Uint8Array.of(1, ...new Uint8Array(31)),
  Uint8Array.of(...G1_BYTES, ...G2_BYTES, ...G1_BYTES),
];

function fuzzBytes(next: () => number): Uint8Array {
  const pick = next();
  if (pick < 0.5) {
    // A valid encoding, mutated: a flipped bit, cut short, or grown.
    const base = Uint8Array.from(VALID[Math.floor(next() * VALID.length)]!);
    const how = next();
    if (how < 0.6 && base.length > 0) base[Math.floor(next() * base.length)]! ^= 1 << Math.floor(next() * 8);
    else if (how < 0.8) return base.subarray(0, Math.floor(next() * base.length));
    else return Uint8Array.of(...base, Math.floor(next() * 256));
    return base;
  }
  if (pick < 0.6) return VALID[Math.floor(next() * VALID.length)]!;
  const sizes = [0, 1, 16, 32, 33, 48, 64, 65, 80, 96, 576];
  const n = next() < 0.8 ? sizes[Math.floor(next() * sizes.length)]! : Math.floor(next() * 200);
  return Uint8Array.from({ length: n }, () => Math.floor(next() * 256));
}

/** Each native's parameters ('u8' a small type number or hash flag, 'bytes', 'bool', 'list' a vector of byte vectors) and the abort codes Sui gives it. */
const SHAPES: Record<string, { params: ('u8' | 'bytes' | 'bool' | 'list' | 'address' | 'u256')[]; codes: bigint[] }> = {
  'group_ops::internal_validate': { params: ['u8', 'bytes'], codes: [] },
  'group_ops::internal_add': { params: ['u8', 'bytes', 'bytes'], codes: [1n] },
  'group_ops::internal_sub': { params: ['u8', 'bytes', 'bytes'], codes: [1n] },
  'group_ops::internal_mul': { params: ['u8', 'bytes', 'bytes'], codes: [1n] },
  'group_ops::internal_div': { params: ['u8', 'bytes', 'bytes'], codes: [1n] },
  'group_ops::internal_hash_to': { params: ['u8', 'bytes'], codes: [1n] },
  'group_ops::internal_multi_scalar_mul': { params: ['u8', 'bytes', 'bytes'], codes: [1n, 2n] },
  'group_ops::internal_pairing': { params: ['u8', 'bytes', 'bytes'], codes: [1n] },
  'group_ops::internal_convert': { params: ['u8', 'u8', 'bytes'], codes: [1n] },
  'group_ops::internal_sum': { params: ['u8', 'list'], codes: [1n, 2n] },
  'bls12381::bls12381_min_sig_verify': { params: ['bytes', 'bytes', 'bytes'], codes: [] },
  'bls12381::bls12381_min_pk_verify': { params: ['bytes', 'bytes', 'bytes'], codes: [] },
  'ecdsa_k1::secp256k1_verify': { params: ['bytes', 'bytes', 'bytes', 'u8'], codes: [] },
  'ecdsa_k1::secp256k1_ecrecover': { params: ['bytes', 'bytes', 'u8'], codes: [0n, 1n] },
  'ecdsa_k1::decompress_pubkey': { params: ['bytes'], codes: [2n] },
  'ecdsa_k1::secp256k1_sign': { params: ['bytes', 'bytes', 'u8', 'bool'], codes: [3n, 4n] },
  'ecdsa_r1::secp256r1_verify': { params: ['bytes', 'bytes', 'bytes', 'u8'], codes: [] },
  'ecdsa_r1::secp256r1_ecrecover': { params: ['bytes', 'bytes', 'u8'], codes: [0n, 1n] },
  'ecvrf::ecvrf_verify': { params: ['bytes', 'bytes', 'bytes', 'bytes'], codes: [1n, 2n, 3n] },
  'groth16::verify_groth16_proof_internal': { params: ['u8', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes'], codes: [1n, 2n] },
  'zklogin_verified_issuer::check_zklogin_issuer_internal': { params: ['address', 'u256', 'bytes'], codes: [0n] },
  'poseidon::poseidon_bn254_internal': { params: ['list'], codes: [0n] },
};

test('every crypto native is covered by the fuzz below', () => {
  const fuzzed = new Set(Object.keys(SHAPES).map((k) => `${SUI}::${k}`));
  // keypair_from_seed and prepare_verifying_key return framework structs; the framework tests run them.
  const untested = [...CRYPTO_NATIVES.keys()].filter((k) => !fuzzed.has(k) && !/::(secp256k1_keypair_from_seed|prepare_verifying_key_internal)$/.test(k));
  assert.deepEqual(untested, []);
});

test('fuzz: crypto natives return or abort with Sui\'s codes on random and mutated bytes', () => {
  const next = rng(0xc0ffee);
  const ctx = {} as NativeContext;
  const outcomes = { returned: 0, aborted: 0 };
  for (const [name, shape] of Object.entries(SHAPES)) {
    const native = CRYPTO_NATIVES.get(`${SUI}::${name}`);
    assert.ok(native, name);
    // Pairings, GT and G2 arithmetic take milliseconds each in JavaScript: fewer rounds for group_ops.
    const rounds = /^(group_ops|bls12381|groth16)/.test(name) ? 40 : 150;
    for (let i = 0; i < rounds; i++) {
      const args: Value[] = shape.params.map((p) => {
        if (p === 'u8') return u8(Math.floor(next() * 8));
        if (p === 'bool') return next() < 0.5;
        if (p === 'address') return Buffer.from(fuzzBytes(next)).toString('hex').padStart(64, '0').slice(0, 64);
        if (p === 'u256') return new UInt(256, BigInt('0x' + (Buffer.from(fuzzBytes(next)).toString('hex').slice(0, 64) || '0')));
        if (p === 'list') return new VectorValue({ kind: 'vector', element: T.u8 }, Array.from({ length: Math.floor(next() * 4) }, () => byteVector(fuzzBytes(next))));
        return byteVector(fuzzBytes(next));
      });
      try {
        const result: { cost: number; returns: Value[] } = native(ctx, args);
        assert.ok(Number.isFinite(result.cost) && result.cost >= 0, `${name}: cost ${result.cost}`);
        assert.equal(result.returns.length, 1, name);
        outcomes.returned++;
      } catch (e) {
        outcomes.aborted++;
        assert.ok(e instanceof VMError && e.status === 'ABORTED', `${name} threw ${e instanceof Error ? e.stack : String(e)}`);
        assert.ok(shape.codes.includes(e.abortCode!), `${name} aborted with ${e.abortCode}, not one of Sui's codes ${shape.codes}`);
      }
    }
  }
  // The inputs reach both outcomes (valid encodings survive often enough to be computed on).
  assert.ok(outcomes.returned > 200 && outcomes.aborted > 200, JSON.stringify(outcomes));
});
