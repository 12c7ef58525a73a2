// `sui::ecvrf::ecvrf_verify`: fastcrypto's ECVRF over ristretto255 with SHA-512 (draft-irtf-cfrg-vrf-15
// with the suite string "sui_vrf"), checked as Sui's ecvrf.rs does: the output hash must be 64 bytes
// (else abort EInvalidHashLength, 1), the public key a 32-byte ristretto255 point (else
// EInvalidPublicKeyEncoding, 2), the proof the BCS of (gamma: point, c: 16 bytes, s: canonical scalar),
// 80 bytes (else EInvalidProofEncoding, 3). The answer is whether the proof verifies for the input and
// its output is the given hash.
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesOf, ret, type NativeFunction } from '../natives.ts';
import { abortError } from '../status.ts';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import type { CryptoNatives } from './common.ts';
import { SIGNATURE_COSTS as S, perMessage } from './costs.ts';

const E_INVALID_HASH_LENGTH = 1n;
const E_INVALID_PUBLIC_KEY_ENCODING = 2n;
const E_INVALID_PROOF_ENCODING = 3n;

const SUITE = new TextEncoder().encode('sui_vrf');
const DST = 'ECVRF_ristretto255_XMD:SHA-512_R255MAP_RO_sui_vrf';
const C_LEN = 16;
const { Point } = ristretto255;
type RistrettoPoint = InstanceType<typeof Point>;
const ORDER = Point.Fn.ORDER;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function point(bytes: Uint8Array): RistrettoPoint | undefined {
  if (bytes.length !== 32) return undefined;
  try {
    return Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

/** s·P − c·Q, where a zero coefficient contributes nothing (noble refuses to multiply by 0). */
function combine(s: bigint, p: RistrettoPoint, c: bigint, q: RistrettoPoint): RistrettoPoint {
  const sp = s === 0n ? Point.ZERO : p.multiplyUnsafe(s);
  const cq = c === 0n ? Point.ZERO : q.multiplyUnsafe(c);
  return sp.subtract(cq);
}

/** The proof's challenge: SHA-512(suite ‖ 0x02 ‖ pk ‖ H ‖ Γ ‖ U ‖ V ‖ 0x00), first 16 bytes. */
function challenge(pk: Uint8Array, points: RistrettoPoint[]): Uint8Array {
  const hashed = sha512(concat(SUITE, Uint8Array.of(0x02), pk, ...points.map((p) => p.toBytes()), Uint8Array.of(0x00)));
  return hashed.subarray(0, C_LEN);
}

const verify: NativeFunction = (_c, [hashArg, alphaArg, publicKeyArg, proofArg]) => {
  const alpha = bytesOf(alphaArg!);
  const cost = perMessage(S.ecvrfVerify, alpha.length, 128);
  const hash = bytesOf(hashArg!);
  if (hash.length !== 64) throw abortError(E_INVALID_HASH_LENGTH, 'ecvrf_verify: the output hash is not 64 bytes (EInvalidHashLength)');
  const pkBytes = bytesOf(publicKeyArg!);
  const pk = point(pkBytes);
  if (!pk) throw abortError(E_INVALID_PUBLIC_KEY_ENCODING, 'ecvrf_verify: not a ristretto255 public key (EInvalidPublicKeyEncoding)');
  const proof = bytesOf(proofArg!);
  const gamma = proof.length === 80 ? point(proof.subarray(0, 32)) : undefined;
  const s = bytesToNumberLE(proof.subarray(48, 80));
  if (!gamma || s >= ORDER) throw abortError(E_INVALID_PROOF_ENCODING, 'ecvrf_verify: malformed proof (EInvalidProofEncoding)');
  const c = proof.subarray(32, 48);

  // The output is SHA-512(suite ‖ 0x03 ‖ Γ ‖ 0x00); the key must not be the identity (ECVRF_validate_key).
  const output = sha512(concat(SUITE, Uint8Array.of(0x03), proof.subarray(0, 32), Uint8Array.of(0x00)));
  if (pk.is0() || !output.every((b, i) => b === hash[i])) return ret(cost, false);
  const h = ristretto255_hasher.hashToCurve(concat(pk.toBytes(), alpha), { DST });
  const cScalar = bytesToNumberLE(c);
  const u = combine(s, Point.BASE, cScalar, pk);
  const v = combine(s, h, cScalar, gamma);
  const expected = challenge(pk.toBytes(), [h, gamma, u, v]);
  return ret(cost, expected.every((b, i) => b === c[i]));
};

export const ECVRF_NATIVES: CryptoNatives = [['ecvrf', 'ecvrf_verify', verify]];
