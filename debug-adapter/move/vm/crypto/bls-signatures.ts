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

const minSigVerify: NativeFunction = (_c, [signature, publicKey, message]) => {
  const msg = bytesOf(message!);
  const cost = perMessage(S.bls12381MinSigVerify, msg.length, 64);
  const sig = nonIdentity(decodeG1, bytesOf(signature!));
  const pk = nonIdentity(decodeG2, bytesOf(publicKey!));
  if (!sig || !pk) return ret(cost, false);
  const scheme = bls12_381.shortSignatures;
  return ret(cost, scheme.verify(sig, scheme.hash(msg, DST_G1), pk));
};

const minPkVerify: NativeFunction = (_c, [signature, publicKey, message]) => {
  const msg = bytesOf(message!);
  const cost = perMessage(S.bls12381MinPkVerify, msg.length, 64);
  const sig = nonIdentity(decodeG2, bytesOf(signature!));
  const pk = nonIdentity(decodeG1, bytesOf(publicKey!));
  if (!sig || !pk) return ret(cost, false);
  const scheme = bls12_381.longSignatures;
  return ret(cost, scheme.verify(sig, scheme.hash(msg, DST_G2), pk));
};

export const BLS_SIGNATURE_NATIVES: CryptoNatives = [
  ['bls12381', 'bls12381_min_sig_verify', minSigVerify],
  ['bls12381', 'bls12381_min_pk_verify', minPkVerify],
];
