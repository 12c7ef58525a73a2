// `sui::groth16` natives: Groth16 verifying-key preparation and proof verification on BLS12-381
// (curve 0) and BN254 (curve 1), as Sui's groth16.rs runs them with fastcrypto-zkp, in arkworks' byte
// formats: field elements little-endian; BLS12-381 points compressed in the ZCash form (big-endian,
// flags in the first byte); BN254 points compressed little-endian with the flags in the last byte's top
// bits (0x80: y is the larger root, 0x40: infinity), G2 coordinates as c0 ‖ c1; a pairing output is its
// twelve Fp coefficients (c0.c0.c0, c0.c0.c1, c0.c1.c0, …) little-endian.
//
// A verifying key is alpha (G1) ‖ beta, gamma, delta (G2) ‖ n as u64 LE ‖ n G1 points (gamma_abc); its
// prepared form is [gamma_abc ‖ …, e(alpha, beta), −gamma, −delta]. A proof is A (G1) ‖ B (G2) ‖ C (G1);
// public inputs are scalars, 32 bytes LE each. An unknown curve aborts with EInvalidCurve (1); a key that
// does not parse with EInvalidVerifyingKey (0); a key for, or a proof with, more than 8 public inputs
// with ETooManyPublicInputs (2);
// anything else that does not parse makes the verification false.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bn254 } from '@noble/curves/bn254.js';
import { SUI, byteVector, bytesOf, deref, ret, type NativeContext, type NativeFunction } from '../natives.ts';
import { abortError, invariant } from '../status.ts';
import { StructValue, UInt, type Value } from '../values.ts';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { InvalidInput, type CryptoNatives } from './common.ts';
import { SIGNATURE_COSTS as S } from './costs.ts';
import { decodeG1, decodeG2, encodeG1, encodeG2 } from './group-ops.ts';

const E_INVALID_VERIFYING_KEY = 0n;
const E_INVALID_CURVE = 1n;
const E_TOO_MANY_PUBLIC_INPUTS = 2n;
const MAX_PUBLIC_INPUTS = 8;

/** The points and field elements of one curve as the groth16 natives handle them. */
interface PairingCurve<G1, G2, Gt> {
  readonly g1Size: number;
  readonly g2Size: number;
  readonly fpSize: number;
  readonly order: bigint;
  decodeG1(b: Uint8Array): G1;
  decodeG2(b: Uint8Array): G2;
  encodeG1(p: G1): Uint8Array;
  encodeG2(p: G2): Uint8Array;
  decodeGt(b: Uint8Array): Gt;
  encodeGt(e: Gt): Uint8Array;
  /** Σ k_i·P_i + P_0 (the public inputs' combination of gamma_abc). */
  combine(points: G1[], scalars: bigint[]): G1;
  neg(p: G2): G2;
  /** Π e(P_i, Q_i), pairs with an identity point contributing 1. */
  pairingProduct(pairs: [G1, G2][]): Gt;
  eqlGt(a: Gt, b: Gt): boolean;
}

function attempt<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof InvalidInput ? e : new InvalidInput(e instanceof Error ? e.message : String(e));
  }
}

/** A pairing output's coefficients as arkworks writes them: each Fp little-endian, in tower order. */
function fp12Codec(fields: { Fp12: { toBytes(e: unknown): Uint8Array; fromBytes(b: Uint8Array): unknown; BYTES: number } }, fpSize: number) {
  // noble writes the same coefficient order big-endian: each coefficient is byte-reversed.
  const flip = (b: Uint8Array) => {
    const out = new Uint8Array(b.length);
    for (let i = 0; i < b.length; i += fpSize) out.set(b.subarray(i, i + fpSize).reverse(), i);
    return out;
  };
  return {
    decode: (b: Uint8Array) => {
      if (b.length !== fields.Fp12.BYTES) throw new InvalidInput('pairing output of the wrong length');
      return attempt(() => fields.Fp12.fromBytes(flip(b)));
    },
    encode: (e: unknown) => flip(fields.Fp12.toBytes(e)),
  };
}

function pairingProduct<G1 extends { is0(): boolean }, G2 extends { is0(): boolean }>(
  batch: (pairs: { g1: G1; g2: G2 }[]) => unknown, one: unknown, pairs: [G1, G2][],
): unknown {
  const live = pairs.filter(([p, q]) => !p.is0() && !q.is0()).map(([g1, g2]) => ({ g1, g2 }));
  return live.length === 0 ? one : batch(live);
}

type BlsG1 = InstanceType<typeof bls12_381.G1.Point>;
type BlsG2 = InstanceType<typeof bls12_381.G2.Point>;
const blsFp12 = fp12Codec(bls12_381.fields as never, 48);
const BLS: PairingCurve<BlsG1, BlsG2, unknown> = {
  g1Size: 48,
  g2Size: 96,
  fpSize: 48,
  order: bls12_381.fields.Fr.ORDER,
  decodeG1,
  decodeG2,
  encodeG1,
  encodeG2,
  decodeGt: blsFp12.decode,
  encodeGt: blsFp12.encode,
  combine: (points, scalars) => scalars.reduce((acc, k, i) => (k === 0n ? acc : acc.add(points[i + 1]!.multiplyUnsafe(k))), points[0]!),
  neg: (p) => p.negate(),
  pairingProduct: (pairs) => pairingProduct((x) => bls12_381.pairingBatch(x), bls12_381.fields.Fp12.ONE, pairs),
  eqlGt: (a, b) => bls12_381.fields.Fp12.eql(a as never, b as never),
};

type BnG1 = InstanceType<typeof bn254.G1.Point>;
type BnG2 = InstanceType<typeof bn254.G2.Point>;
const { Fp: BnFp, Fp2: BnFp2, Fp12: BnFp12 } = bn254.fields;
const bnFp12 = fp12Codec(bn254.fields as never, 32);
const BN_HALF = (BnFp.ORDER - 1n) / 2n;
const Y_IS_NEGATIVE = 0x80;
const INFINITY = 0x40;
/** arkworks' "y is negative": y is the larger of y and −y (for Fp2: c1 decides, then c0). */
const fpNegative = (y: bigint) => y > BN_HALF;
const fp2Negative = (y: { c0: bigint; c1: bigint }) => (y.c1 !== 0n ? fpNegative(y.c1) : fpNegative(y.c0));

/** A canonical Fp element from 32 little-endian bytes (flags already cleared). */
function bnFp(b: Uint8Array): bigint {
  const x = bytesToNumberLE(b);
  if (x >= BnFp.ORDER) throw new InvalidInput('BN254 coordinate not below the field modulus');
  return x;
}

/**
 * An arkworks-compressed BN254 point of `size` bytes: the flags sit in the last byte; `fromX` finds the
 * point from its x coordinate (flags cleared) and whether y is the "negative" root.
 */
function bnPoint<P>(size: number, zero: P, b: Uint8Array, fromX: (raw: Uint8Array, negative: boolean) => P): P {
  if (b.length !== size) throw new InvalidInput(`a BN254 point here is ${size} bytes`);
  const flags = b[size - 1]! & 0xc0;
  const raw = Uint8Array.from(b);
  raw[size - 1]! &= 0x3f;
  if (flags & INFINITY) {
    if (flags & Y_IS_NEGATIVE || raw.some((x) => x !== 0)) throw new InvalidInput('malformed BN254 infinity');
    return zero;
  }
  return attempt(() => fromX(raw, (flags & Y_IS_NEGATIVE) !== 0));
}

const bnG1 = (b: Uint8Array): BnG1 => bnPoint(32, bn254.G1.Point.ZERO, b, (raw, negative) => {
  const x = bnFp(raw);
  const root = BnFp.sqrt(BnFp.add(BnFp.pow(x, 3n), bn254.G1.Point.CURVE().b));
  const p = bn254.G1.Point.fromAffine({ x, y: fpNegative(root) === negative ? root : BnFp.neg(root) });
  p.assertValidity();
  return p;
});

const bnG2 = (b: Uint8Array): BnG2 => bnPoint(64, bn254.G2.Point.ZERO, b, (raw, negative) => {
  const x = { c0: bnFp(raw.subarray(0, 32)), c1: bnFp(raw.subarray(32, 64)) };
  const root = BnFp2.sqrt(BnFp2.add(BnFp2.pow(x, 3n), bn254.G2.Point.CURVE().b));
  const p = bn254.G2.Point.fromAffine({ x, y: fp2Negative(root) === negative ? root : BnFp2.neg(root) });
  // fromAffine does not check the subgroup; arkworks' validated deserialization does.
  p.assertValidity();
  if (!p.isTorsionFree()) throw new InvalidInput('BN254 G2 point outside the prime-order subgroup');
  return p;
});

function bnEncodeG1(p: BnG1): Uint8Array {
  if (p.is0()) return Uint8Array.of(...new Uint8Array(31), INFINITY);
  const { x, y } = p.toAffine();
  const out = numberToBytesLE(x, 32);
  if (fpNegative(y)) out[31]! |= Y_IS_NEGATIVE;
  return out;
}

function bnEncodeG2(p: BnG2): Uint8Array {
  if (p.is0()) return Uint8Array.of(...new Uint8Array(63), INFINITY);
  const { x, y } = p.toAffine();
  const out = Uint8Array.of(...numberToBytesLE(x.c0, 32), ...numberToBytesLE(x.c1, 32));
  if (fp2Negative(y)) out[63]! |= Y_IS_NEGATIVE;
  return out;
}

const BN: PairingCurve<BnG1, BnG2, unknown> = {
  g1Size: 32,
  g2Size: 64,
  fpSize: 32,
  order: bn254.fields.Fr.ORDER,
  decodeG1: bnG1,
  decodeG2: bnG2,
  encodeG1: bnEncodeG1,
  encodeG2: bnEncodeG2,
  decodeGt: bnFp12.decode,
  encodeGt: bnFp12.encode,
  combine: (points, scalars) => scalars.reduce((acc, k, i) => (k === 0n ? acc : acc.add(points[i + 1]!.multiplyUnsafe(k))), points[0]!),
  neg: (p) => p.negate(),
  pairingProduct: (pairs) => pairingProduct((x) => bn254.pairingBatch(x), BnFp12.ONE, pairs),
  eqlGt: (a, b) => BnFp12.eql(a as never, b as never),
};

const CURVES = new Map<number, PairingCurve<any, any, unknown>>([[0, BLS], [1, BN]]); // eslint-disable-line @typescript-eslint/no-explicit-any

function curveArg(v: Value | undefined): number {
  const x = deref(v as Value);
  if (!(x instanceof UInt)) throw invariant('expected a u8 curve id');
  return Number(x.v);
}

function g1List<G1>(c: PairingCurve<G1, unknown, unknown>, b: Uint8Array): G1[] {
  if (b.length === 0 || b.length % c.g1Size !== 0) throw new InvalidInput('not a list of G1 points');
  return Array.from({ length: b.length / c.g1Size }, (_, i) => c.decodeG1(b.subarray(i * c.g1Size, (i + 1) * c.g1Size)));
}

/** The four parts of a prepared key from an arkworks-serialized verifying key. */
function preparedKey<G1, G2>(c: PairingCurve<G1, G2, unknown>, vk: Uint8Array): Uint8Array[] {
  const head = c.g1Size + 3 * c.g2Size;
  if (vk.length < head + 8) throw new InvalidInput('verifying key too short');
  const count = bytesToNumberLE(vk.subarray(head, head + 8));
  if (count === 0n || BigInt(vk.length - head - 8) !== count * BigInt(c.g1Size)) throw new InvalidInput('verifying key length does not match its point count');
  const alpha = c.decodeG1(vk.subarray(0, c.g1Size));
  const [beta, gamma, delta] = [0, 1, 2].map((i) => c.decodeG2(vk.subarray(c.g1Size + i * c.g2Size, c.g1Size + (i + 1) * c.g2Size)));
  const gammaAbc = g1List(c, vk.subarray(head + 8));
  return [
    Uint8Array.from(gammaAbc.flatMap((p) => [...c.encodeG1(p)])),
    c.encodeGt(c.pairingProduct([[alpha, beta!]])),
    c.encodeG2(c.neg(gamma!)),
    c.encodeG2(c.neg(delta!)),
  ];
}

const prepareVerifyingKey: NativeFunction = (ctx: NativeContext, [curveValue, key]) => {
  const id = curveArg(curveValue);
  const c = CURVES.get(id);
  if (!c) throw abortError(E_INVALID_CURVE, `groth16: unknown curve ${id} (EInvalidCurve)`);
  const vk = bytesOf(key!);
  // Sui bounds the key by its size: at most MAX_PUBLIC_INPUTS + 1 gamma_abc points.
  const limit = c.g1Size + 3 * c.g2Size + 8 + (MAX_PUBLIC_INPUTS + 1) * c.g1Size;
  if (vk.length > limit) throw abortError(E_TOO_MANY_PUBLIC_INPUTS, `groth16: verifying key of ${vk.length} bytes, over ${limit} (ETooManyPublicInputs)`);
  let parts: Uint8Array[];
  try {
    parts = preparedKey(c, vk);
  } catch (e) {
    if (e instanceof InvalidInput) throw abortError(E_INVALID_VERIFYING_KEY, `groth16: invalid verifying key: ${e.message} (EInvalidVerifyingKey)`);
    throw e;
  }
  const def = ctx.services.loader.tryModule(SUI, 'groth16')?.datatype('PreparedVerifyingKey');
  if (!def) throw invariant('0x2::groth16::PreparedVerifyingKey not found');
  const cost = id === 0 ? S.groth16PrepareBls12381 : S.groth16PrepareBn254;
  return ret(cost, new StructValue({ kind: 'datatype', def, typeArgs: [] }, parts.map((p) => byteVector(p))));
};

/** e(A, B)·e(Σ inputs, −γ)·e(C, −δ) = e(α, β), with the key's parts as prepared above. */
function verifies<G1, G2>(c: PairingCurve<G1, G2, unknown>, parts: Uint8Array[], inputs: Uint8Array, proof: Uint8Array): boolean {
  const [abcBytes, alphaBeta, gammaNeg, deltaNeg] = parts as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const gammaAbc = g1List(c, abcBytes);
  if (inputs.length % 32 !== 0 || inputs.length / 32 !== gammaAbc.length - 1) return false;
  const scalars = Array.from({ length: inputs.length / 32 }, (_, i) => bytesToNumberLE(inputs.subarray(32 * i, 32 * i + 32)));
  if (scalars.some((k) => k >= c.order)) return false;
  if (proof.length !== 2 * c.g1Size + c.g2Size) return false;
  const a = c.decodeG1(proof.subarray(0, c.g1Size));
  const b = c.decodeG2(proof.subarray(c.g1Size, c.g1Size + c.g2Size));
  const cPoint = c.decodeG1(proof.subarray(c.g1Size + c.g2Size));
  const product = c.pairingProduct([[a, b], [c.combine(gammaAbc, scalars), c.decodeG2(gammaNeg)], [cPoint, c.decodeG2(deltaNeg)]]);
  return c.eqlGt(product, c.decodeGt(alphaBeta));
}

const verifyProof: NativeFunction = (_c, [curveValue, abc, alphaBeta, gammaNeg, deltaNeg, inputsValue, proofValue]) => {
  const id = curveArg(curveValue);
  const c = CURVES.get(id);
  if (!c) throw abortError(E_INVALID_CURVE, `groth16: unknown curve ${id} (EInvalidCurve)`);
  const inputs = bytesOf(inputsValue!);
  const count = Math.ceil(inputs.length / 32);
  const costs = id === 0 ? S.groth16VerifyBls12381 : S.groth16VerifyBn254;
  const cost = costs.base + costs.perInput * count + 2 * inputs.length;
  if (inputs.length > 32 * MAX_PUBLIC_INPUTS) throw abortError(E_TOO_MANY_PUBLIC_INPUTS, `groth16: more than ${MAX_PUBLIC_INPUTS} public inputs (ETooManyPublicInputs)`);
  let ok: boolean;
  try {
    ok = verifies(c, [abc, alphaBeta, gammaNeg, deltaNeg].map((v) => bytesOf(v!)), inputs, bytesOf(proofValue!));
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    ok = false;
  }
  return ret(cost, ok);
};

export const GROTH16_NATIVES: CryptoNatives = [
  ['groth16', 'prepare_verifying_key_internal', prepareVerifyingKey],
  ['groth16', 'verify_groth16_proof_internal', verifyProof],
];
