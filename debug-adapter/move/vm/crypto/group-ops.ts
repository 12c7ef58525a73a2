// `sui::group_ops` natives: arithmetic on BLS12-381 (scalars, G1, G2, GT, uncompressed G1) and
// ristretto255 (scalars, points) elements held as bytes in `Element<T>`, as Sui's group_ops.rs does with
// fastcrypto. The curve arithmetic is @noble/curves'; this module only fixes the byte formats, which
// group a type number names (the constants of bls12381.move and ristretto255.move), and Sui's outcomes:
// an element that does not parse, a zero divisor or an unknown type aborts with EInvalidInput (1), an
// over-long multi-scalar multiplication or sum with EInputTooLong (2), both in `group_ops`.
//
// Formats (fastcrypto): BLS12-381 scalars 32 bytes big-endian below the group order; G1 and G2 points
// compressed (48 and 96 bytes, ZCash flags); GT the 576-byte Fp12 (c0.c0.c0 first, each Fp big-endian);
// uncompressed G1 96 bytes (x, y and flags). ristretto255 scalars 32 bytes little-endian below ℓ, points
// the RFC 9496 encoding.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { byteVector, bytesOf, deref, ret, type NativeFunction } from '../natives.ts';
import { abortError, invariant } from '../status.ts';
import { UInt, VectorValue, type Value } from '../values.ts';
import { bytesToNumberBE, bytesToNumberLE, numberToBytesBE, numberToBytesLE } from '@noble/curves/utils.js';
import { InvalidInput, type CryptoNatives } from './common.ts';
import { GROUP_OPS_COSTS as C } from './costs.ts';

const E_INVALID_INPUT = 1n;
const E_INPUT_TOO_LONG = 2n;
/** Protocol limits: `bls12381_msm_max_len`, `bls12381_uncompressed_g1_sum_max_terms`. */
const MSM_MAX_LEN = 32;
const SUM_MAX_TERMS = 1200;

const { G1, G2, fields } = bls12_381;
const Fp12 = fields.Fp12;
type G1Point = InstanceType<typeof G1.Point>;
type G2Point = InstanceType<typeof G2.Point>;
type GtElement = ReturnType<typeof Fp12.fromBytes>;
type RistrettoPoint = InstanceType<typeof ristretto255.Point>;

/** A group as the natives see it: fixed-size encodings and the operations Sui offers on it. */
interface Group<E> {
  readonly size: number;
  /** The group's scalar field order: the scalar operand of `mul`/`div` is below it. */
  readonly order: bigint;
  /** Parses an element; throws InvalidInput for bytes that are not one (untrusted input). */
  decode(bytes: Uint8Array): E;
  encode(e: E): Uint8Array;
  add(a: E, b: E): E;
  sub(a: E, b: E): E;
  /** `e` times the scalar `k` (0 ≤ k < order). */
  scale(e: E, k: bigint): E;
  /** Whether `internal_validate` accepts the type (Sui validates scalars and points, not GT). */
  readonly validates: boolean;
  readonly costs: { decode: number; add: number; sub: number; mul: number; div: number };
}

function exactLength(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length !== size) throw new InvalidInput(`expected ${size} bytes, got ${bytes.length}`);
  return bytes;
}

/** Runs a parser of untrusted bytes, turning whatever it throws into InvalidInput. */
function parse<E>(what: string, f: () => E): E {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidInput) throw e;
    throw new InvalidInput(`not a valid ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function scalarField(order: bigint, size: number, read: (b: Uint8Array) => bigint, write: (n: bigint, size: number) => Uint8Array, costs: Group<bigint>['costs']): Group<bigint> {
  const mod = (n: bigint) => ((n % order) + order) % order;
  return {
    size,
    order,
    decode(bytes) {
      const n = read(exactLength(bytes, size));
      if (n >= order) throw new InvalidInput('scalar not below the group order');
      return n;
    },
    encode: (n) => write(n, size),
    add: (a, b) => mod(a + b),
    sub: (a, b) => mod(a - b),
    scale: (e, k) => mod(e * k),
    validates: true,
    costs,
  };
}

const BLS_ORDER = fields.Fr.ORDER;

/** G1/G2 in compressed form: noble checks the flags, that x is canonical, on the curve and in the subgroup. */
function blsPoint<P extends G1Point | G2Point>(name: string, cons: { fromBytes(b: Uint8Array): P; ZERO: P }, size: number, costs: Group<P>['costs']): Group<P> {
  return {
    size,
    order: BLS_ORDER,
    decode(bytes) {
      exactLength(bytes, size);
      // A compressed encoding has the compression flag; noble would also read other forms.
      if ((bytes[0]! & 0x80) === 0) throw new InvalidInput(`${name} point not in compressed form`);
      return parse(name, () => {
        const p = cons.fromBytes(bytes);
        p.assertValidity();
        return p;
      });
    },
    encode: (p) => (p.is0() ? cons.ZERO : p).toBytes(true),
    add: (a, b) => a.add(b as never) as P,
    sub: (a, b) => a.subtract(b as never) as P,
    scale: (e, k) => (k === 0n ? cons.ZERO : (e.multiplyUnsafe(k) as P)),
    validates: true,
    costs,
  };
}

const blsScalar = scalarField(BLS_ORDER, 32, bytesToNumberBE, numberToBytesBE, C.scalar);
const g1 = blsPoint<G1Point>('G1', G1.Point, 48, C.g1);
const g2 = blsPoint<G2Point>('G2', G2.Point, 96, C.g2);
/** Compressed G1/G2 points, from untrusted bytes (throw InvalidInput), for the BLS signature and Groth16 natives. */
export const decodeG1 = (bytes: Uint8Array): G1Point => g1.decode(bytes);
export const decodeG2 = (bytes: Uint8Array): G2Point => g2.decode(bytes);
export const encodeG1 = (p: G1Point): Uint8Array => g1.encode(p);
export const encodeG2 = (p: G2Point): Uint8Array => g2.encode(p);
/**
 * fastcrypto (blst) writes the twelve Fp of a GT element with the two Fp6 halves interleaved by Fp2
 * coefficient: c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2 (each Fp2 as c0, c1); noble writes c0 whole, then
 * c1. `GT_ORDER[i]` is the noble position of fastcrypto's i-th Fp.
 */
const GT_ORDER = [0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11];
function permuteFp(bytes: Uint8Array, toFastcrypto: boolean): Uint8Array {
  const out = new Uint8Array(576);
  GT_ORDER.forEach((noble, fast) => {
    const [from, to] = toFastcrypto ? [noble, fast] : [fast, noble];
    out.set(bytes.subarray(48 * from, 48 * from + 48), 48 * to);
  });
  return out;
}
export const gtToBytes = (e: GtElement): Uint8Array => permuteFp(Fp12.toBytes(e), true);
const gt: Group<GtElement> = {
  size: 576,
  order: BLS_ORDER,
  decode: (bytes) => parse('GT element', () => Fp12.fromBytes(permuteFp(exactLength(bytes, 576), false))),
  encode: gtToBytes,
  // GT is written additively in Sui: its "addition" is the Fp12 product, scaling is exponentiation.
  add: (a, b) => Fp12.mul(a, b),
  sub: (a, b) => Fp12.div(a, b),
  scale: (e, k) => Fp12.pow(e, k),
  validates: false,
  costs: C.gt,
};

const RISTRETTO_ORDER = ristretto255.Point.Fn.ORDER;
const ristrettoScalar = scalarField(RISTRETTO_ORDER, 32, bytesToNumberLE, numberToBytesLE, C.ristretto);
const ristrettoPoint: Group<RistrettoPoint> = {
  size: 32,
  order: RISTRETTO_ORDER,
  decode: (bytes) => parse('ristretto255 point', () => ristretto255.Point.fromBytes(exactLength(bytes, 32))),
  encode: (p) => p.toBytes(),
  add: (a, b) => a.add(b),
  sub: (a, b) => a.subtract(b),
  scale: (e, k) => (k === 0n ? ristretto255.Point.ZERO : e.multiplyUnsafe(k)),
  validates: true,
  costs: C.ristretto,
};

/** Type numbers of bls12381.move (0-4) and ristretto255.move (5, 6). */
const UNCOMPRESSED_G1 = 4;
const GROUPS = new Map<number, { group: Group<unknown>; scalar: Group<bigint> }>([
  [0, { group: blsScalar as Group<unknown>, scalar: blsScalar }],
  [1, { group: g1 as Group<unknown>, scalar: blsScalar }],
  [2, { group: g2 as Group<unknown>, scalar: blsScalar }],
  [3, { group: gt as Group<unknown>, scalar: blsScalar }],
  [5, { group: ristrettoScalar as Group<unknown>, scalar: ristrettoScalar }],
  [6, { group: ristrettoPoint as Group<unknown>, scalar: ristrettoScalar }],
]);

function typeArg(v: Value | undefined): number {
  const x = deref(v as Value);
  if (!(x instanceof UInt)) throw invariant('expected a u8 group type');
  return Number(x.v);
}

/** The native's outcome: its bytes, or Sui's abort (EInvalidInput) for anything that does not parse. */
function outcome(cost: number, compute: () => Uint8Array): ReturnType<NativeFunction> {
  try {
    return ret(cost, byteVector(compute()));
  } catch (e) {
    if (e instanceof InvalidInput) throw abortError(E_INVALID_INPUT, `group_ops: ${e.message} (EInvalidInput)`);
    throw e;
  }
}

function lookup(type: number): { group: Group<unknown>; scalar: Group<bigint> } {
  const entry = GROUPS.get(type);
  if (!entry) throw new InvalidInput(`group type ${type} does not support this operation`);
  return entry;
}

const validate: NativeFunction = (_c, [type, bytes]) => {
  const entry = GROUPS.get(typeArg(type));
  if (!entry || !entry.group.validates) return ret(0, false);
  let ok = true;
  try {
    entry.group.decode(bytesOf(bytes!));
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    ok = false;
  }
  return ret(entry.group.costs.decode, ok);
};

function binary(op: 'add' | 'sub'): NativeFunction {
  return (_c, [type, a, b]) => {
    const entry = GROUPS.get(typeArg(type));
    return outcome(entry?.group.costs[op] ?? 0, () => {
      const { group } = lookup(typeArg(type));
      return group.encode(group[op](group.decode(bytesOf(a!)), group.decode(bytesOf(b!))));
    });
  };
}

/** `mul(k, e)` = k·e; `div(k, e)` = e/k, which aborts for k = 0 (fastcrypto: no inverse). */
function scaling(op: 'mul' | 'div'): NativeFunction {
  return (_c, [type, k, e]) => {
    const entry = GROUPS.get(typeArg(type));
    return outcome(entry?.group.costs[op] ?? 0, () => {
      const { group, scalar } = lookup(typeArg(type));
      let n = scalar.decode(bytesOf(k!));
      const element = group.decode(bytesOf(e!));
      if (op === 'div') {
        if (n === 0n) throw new InvalidInput('division by a zero scalar');
        n = invert(n, scalar.order);
      }
      return group.encode(group.scale(element, n));
    });
  };
}

function invert(n: bigint, p: bigint): bigint {
  // Fermat: n^(p-2) mod p (p prime, n ≠ 0).
  let result = 1n;
  let base = n % p;
  for (let e = p - 2n; e > 0n; e >>= 1n, base = (base * base) % p) if (e & 1n) result = (result * base) % p;
  return result;
}

/** fastcrypto's domain separation tags for hashing to G1 and G2 (the BLS signature suites). */
export const DST_G1 = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
export const DST_G2 = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_';

const hashTo: NativeFunction = (_c, [type, msg]) => {
  const m = bytesOf(msg!);
  const t = typeArg(type);
  if (m.length === 0) throw abortError(E_INVALID_INPUT, 'group_ops::hash_to of an empty message (EInvalidInput)');
  const cost = t === 1 ? C.hashTo.g1 + C.hashTo.perByte * m.length : t === 2 ? C.hashTo.g2 + C.hashTo.perByte * m.length : 0;
  return outcome(cost, () => {
    if (t === 1) return g1.encode(G1.hashToCurve(m, { DST: DST_G1 }));
    if (t === 2) return g2.encode(G2.hashToCurve(m, { DST: DST_G2 }));
    throw new InvalidInput(`group type ${t} cannot be hashed to`);
  });
};

/** Sui's estimate of the additions a multi-scalar multiplication of n terms makes (blst's windows). */
export function msmAdditions(n: number): number {
  const wbits = 31 - Math.clz32(n);
  const window = wbits === 0 ? 1 : wbits <= 4 ? 2 : wbits <= 12 ? wbits - 2 : wbits - 3;
  return Math.ceil(255 / window) * (n + 2 ** window + 1);
}

const multiScalarMul: NativeFunction = (_c, [type, scalars, elements]) => {
  const t = typeArg(type);
  const group = t === 1 ? g1 : t === 2 ? g2 : undefined;
  if (!group) throw abortError(E_INVALID_INPUT, `group_ops: multi-scalar multiplication of group type ${t} (EInvalidInput)`);
  const s = bytesOf(scalars!);
  const p = bytesOf(elements!);
  const n = p.length / group.size;
  if (s.length === 0 || p.length === 0 || s.length % 32 !== 0 || p.length % group.size !== 0 || n !== s.length / 32) {
    throw abortError(E_INVALID_INPUT, 'group_ops: multi-scalar multiplication of mismatched inputs (EInvalidInput)');
  }
  if (n > MSM_MAX_LEN) throw abortError(E_INPUT_TOO_LONG, `group_ops: multi-scalar multiplication of ${n} terms, over ${MSM_MAX_LEN} (EInputTooLong)`);
  const costs = t === 1 ? C.msm.g1 : C.msm.g2;
  const cost = (C.scalar.decode + group.costs.decode) * n + costs.base + costs.perAddition * msmAdditions(n);
  return outcome(cost, () => {
    let acc: G1Point | G2Point | undefined;
    for (let i = 0; i < n; i++) {
      const k = blsScalar.decode(s.subarray(32 * i, 32 * i + 32));
      const term = (group as Group<G1Point | G2Point>).scale((group as Group<G1Point | G2Point>).decode(p.subarray(group.size * i, group.size * (i + 1))), k);
      acc = acc ? (acc.add(term as never) as G1Point | G2Point) : term;
    }
    return (group as Group<G1Point | G2Point>).encode(acc!);
  });
};

const pairing: NativeFunction = (_c, [type, a, b]) => {
  const t = typeArg(type);
  return outcome(t === 1 ? C.pairing : 0, () => {
    if (t !== 1) throw new InvalidInput(`pairing of group type ${t}`);
    const p = g1.decode(bytesOf(a!));
    const q = g2.decode(bytesOf(b!));
    // e(0, Q) = e(P, 0) = 1, which noble refuses to compute.
    return gtToBytes(p.is0() || q.is0() ? Fp12.ONE : bls12_381.pairing(p, q));
  });
};

/** noble encodes only the canonical identity: a sum that cancels out is mapped onto it first. */
const uncompressed = (p: G1Point): Uint8Array => (p.is0() ? G1.Point.ZERO : p).toBytes(false);

/** An uncompressed G1 point (96 bytes, blst's serialization: x, y, the infinity flag). */
function decodeUncompressed(bytes: Uint8Array): G1Point {
  exactLength(bytes, 96);
  if ((bytes[0]! & 0x80) !== 0) throw new InvalidInput('uncompressed G1 point with the compression flag');
  return parse('uncompressed G1 point', () => {
    const p = G1.Point.fromBytes(bytes);
    p.assertValidity();
    return p;
  });
}

const convert: NativeFunction = (_c, [from, to, e]) => {
  const f = typeArg(from);
  const t = typeArg(to);
  const cost = f === UNCOMPRESSED_G1 && t === 1 ? C.convert.fromUncompressed : f === 1 && t === UNCOMPRESSED_G1 ? C.convert.toUncompressed : 0;
  return outcome(cost, () => {
    if (f === UNCOMPRESSED_G1 && t === 1) return g1.encode(decodeUncompressed(bytesOf(e!)));
    if (f === 1 && t === UNCOMPRESSED_G1) return uncompressed(g1.decode(bytesOf(e!)));
    throw new InvalidInput(`conversion from group type ${f} to ${t}`);
  });
};

const sum: NativeFunction = (_c, [type, terms]) => {
  const t = typeArg(type);
  const list = deref(terms!);
  if (!(list instanceof VectorValue)) throw invariant('expected &vector<vector<u8>>');
  if (t !== UNCOMPRESSED_G1) throw abortError(E_INVALID_INPUT, `group_ops: sum of group type ${t} (EInvalidInput)`);
  const n = list.items.length;
  if (n > SUM_MAX_TERMS) throw abortError(E_INPUT_TOO_LONG, `group_ops: sum of ${n} terms, over ${SUM_MAX_TERMS} (EInputTooLong)`);
  return outcome(C.sum.base + C.sum.perTerm * n, () => {
    let acc = G1.Point.ZERO;
    for (const item of list.items) acc = acc.add(decodeUncompressed(bytesOf(item)));
    return uncompressed(acc);
  });
};

export const GROUP_OPS_NATIVES: CryptoNatives = [
  ['group_ops', 'internal_validate', validate],
  ['group_ops', 'internal_add', binary('add')],
  ['group_ops', 'internal_sub', binary('sub')],
  ['group_ops', 'internal_mul', scaling('mul')],
  ['group_ops', 'internal_div', scaling('div')],
  ['group_ops', 'internal_hash_to', hashTo],
  ['group_ops', 'internal_multi_scalar_mul', multiScalarMul],
  ['group_ops', 'internal_pairing', pairing],
  ['group_ops', 'internal_convert', convert],
  ['group_ops', 'internal_sum', sum],
];
