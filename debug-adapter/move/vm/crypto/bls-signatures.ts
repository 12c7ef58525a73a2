// `sui::bls12381::bls12381_min_sig_verify` / `bls12381_min_pk_verify`: BLS signatures as Sui's
// bls12381.rs checks them with fastcrypto (blst). min_sig: the signature in G1 (48 bytes), the key in G2
// (96); min_pk the other way round. Both compressed. The message is hashed to the signature's group with
// the standard suites' tags (…_XMD:SHA-256_SSWU_RO_NUL_). A signature or key that does not parse, is the
// identity or lies outside the prime-order subgroup gives false, never an abort.
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesOf, ret, type NativeFunction } from '../natives.ts';
import type { CryptoNatives } from './common.ts';
import { SIGNATURE_COSTS as S, perMessage } from './costs.ts';
import { DST_G1, DST_G2, decodeG1, decodeG2 } from './group-ops.ts';

/** Decodes a point that is not the identity (blst's key_validate / sig_validate), or undefined. */
function nonIdentity<P extends { is0(): boolean }>(decode: (b: Uint8Array) => P, bytes: Uint8Array): P | undefined {
  try {
    const p = decode(bytes);
    return p.is0() ? undefined : p;
  } catch {
    return undefined;
  }
}

/** A verify native: the signature decoded with `decodeSig`, the key with `decodePk`, the message hashed with `dst`. */
function verifier<S extends { is0(): boolean }, P extends { is0(): boolean }>(
  base: number, decodeSig: (b: Uint8Array) => S, decodePk: (b: Uint8Array) => P,
  scheme: { verify(sig: S, msg: S, pk: P): boolean; hash(msg: Uint8Array, dst: string): S }, dst: string,
): NativeFunction {
  return (_c, [signature, publicKey, message]) => {
    const msg = bytesOf(message!);
    const cost = perMessage(base, msg.length, 64);
    const sig = nonIdentity(decodeSig, bytesOf(signature!));
    const pk = nonIdentity(decodePk, bytesOf(publicKey!));
    if (!sig || !pk) return ret(cost, false);
    return ret(cost, scheme.verify(sig, scheme.hash(msg, dst), pk));
  };
}

const minSigVerify = verifier(S.bls12381MinSigVerify, decodeG1, decodeG2, bls12_381.shortSignatures as never, DST_G1);
const minPkVerify = verifier(S.bls12381MinPkVerify, decodeG2, decodeG1, bls12_381.longSignatures as never, DST_G2);

export const BLS_SIGNATURE_NATIVES: CryptoNatives = [
  ['bls12381', 'bls12381_min_sig_verify', minSigVerify],
  ['bls12381', 'bls12381_min_pk_verify', minPkVerify],
];
