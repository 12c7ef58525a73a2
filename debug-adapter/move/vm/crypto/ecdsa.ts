// `sui::ecdsa_k1` (secp256k1) and `sui::ecdsa_r1` (secp256r1) natives as Sui's ecdsa_k1.rs / ecdsa_r1.rs
// run them with fastcrypto, the curves being @noble/curves'. The message is hashed by the native with the
// function the `hash` argument names (KECCAK256 = 0, SHA256 = 1).
//
// Formats (fastcrypto): a signature is r ‖ s (64 bytes); a recoverable one r ‖ s ‖ v (65 bytes, v the
// recovery id); public keys are SEC1, compressed (33 bytes) or uncompressed (65), and what ecrecover
// returns is compressed. Verification accepts only low-s signatures (libsecp256k1 and fastcrypto's
// secp256r1 refuse the malleable twin), recovery accepts either.
//
// Outcomes: verify answers false for anything that does not parse or an unknown hash; ecrecover aborts
// with EInvalidSignature (1) for a signature that does not parse and EFailToRecoverPubKey (0) when no key
// comes out (or the hash is unknown); decompress_pubkey aborts with EInvalidPubKey (2). The test-only
// secp256k1_sign aborts with EInvalidPrivKey (3) / EInvalidHashFunction (4), secp256k1_keypair_from_seed
// with EInvalidSeed (5).
import { chacha12 } from '@noble/ciphers/chacha.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { SUI, byteVector, bytesOf, deref, ret, type NativeContext, type NativeFunction } from '../natives.ts';
import { abortError, invariant } from '../status.ts';
import { StructValue, UInt, type Value } from '../values.ts';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import type { CryptoNatives } from './common.ts';
import { SIGNATURE_COSTS as S, perMessage } from './costs.ts';

const E_FAIL_TO_RECOVER_PUBKEY = 0n;
const E_INVALID_SIGNATURE = 1n;
const E_INVALID_PUBKEY = 2n;
const E_INVALID_PRIVKEY = 3n;
const E_INVALID_HASH_FUNCTION = 4n;
const E_INVALID_SEED = 5n;

type Curve = typeof secp256k1 | typeof p256;

/** The message digest by the `hash` argument, with its hash's block size (for gas); undefined if unknown. */
function digest(hash: number, msg: Uint8Array): { digest: Uint8Array; blockSize: number } | undefined {
  if (hash === 0) return { digest: keccak_256(msg), blockSize: 136 };
  if (hash === 1) return { digest: sha256(msg), blockSize: 64 };
  return undefined;
}

function u8Arg(v: Value | undefined): number {
  const x = deref(v as Value);
  if (!(x instanceof UInt)) throw invariant('expected a u8');
  return Number(x.v);
}

/** Sui's `crypto_invalid_arguments_cost` (an unknown hash function). */
const INVALID_ARGUMENTS_COST = 100;

/**
 * A SEC1 public key (33 or 65 bytes) on the curve, or undefined. libsecp256k1 also reads the "hybrid"
 * form (0x06/0x07: uncompressed with y's parity in the tag), the p256 crate does not.
 */
function publicKey(curve: Curve, bytes: Uint8Array) {
  if (bytes.length !== 33 && bytes.length !== 65) return undefined;
  if (curve === secp256k1 && bytes.length === 65 && (bytes[0] === 6 || bytes[0] === 7)) {
    if ((bytes[64]! & 1) !== (bytes[0]! & 1)) return undefined;
    bytes = Uint8Array.of(4, ...bytes.subarray(1));
  }
  try {
    const p = curve.Point.fromBytes(bytes);
    p.assertValidity();
    return p;
  } catch {
    return undefined;
  }
}

/** r ‖ s with both in [1, n): a signature fastcrypto would parse, or undefined. */
function compactSignature(curve: Curve, bytes: Uint8Array) {
  if (bytes.length !== 64) return undefined;
  try {
    return curve.Signature.fromBytes(bytes, 'compact');
  } catch {
    return undefined;
  }
}

/**
 * Whether fastcrypto parses r ‖ s ‖ v as a recoverable signature: v a recovery id (0-3), r and s below the
 * group order; libsecp256k1 lets zeros through (recovery fails on them), the p256 crate does not.
 */
function recoverableParses(curve: Curve, bytes: Uint8Array): boolean {
  if (bytes.length !== 65 || bytes[64]! > 3) return false;
  const n = curve.Point.Fn.ORDER;
  const r = bytesToNumberBE(bytes.subarray(0, 32));
  const s = bytesToNumberBE(bytes.subarray(32, 64));
  const zeroOk = curve === secp256k1;
  return r < n && s < n && (zeroOk || (r !== 0n && s !== 0n));
}

function verify(curve: Curve, base: number): NativeFunction {
  return (_c, [signature, key, message, hashArg]) => {
    const msg = bytesOf(message!);
    const d = digest(u8Arg(hashArg), msg);
    if (!d) return ret(INVALID_ARGUMENTS_COST, false);
    const cost = perMessage(base, msg.length, d.blockSize);
    const sig = compactSignature(curve, bytesOf(signature!));
    const pk = publicKey(curve, bytesOf(key!));
    if (!sig || !pk) return ret(cost, false);
    let ok: boolean;
    try {
      ok = curve.verify(sig.toBytes('compact'), d.digest, pk.toBytes(true), { prehash: false, lowS: true });
    } catch {
      ok = false;
    }
    return ret(cost, ok);
  };
}

function ecrecover(curve: Curve, base: number): NativeFunction {
  return (_c, [signature, message, hashArg]) => {
    const msg = bytesOf(message!);
    const d = digest(u8Arg(hashArg), msg);
    if (!d) throw abortError(E_FAIL_TO_RECOVER_PUBKEY, 'ecrecover with an unknown hash function (EFailToRecoverPubKey)');
    const bytes = bytesOf(signature!);
    if (!recoverableParses(curve, bytes)) throw abortError(E_INVALID_SIGNATURE, 'ecrecover of a malformed signature (EInvalidSignature)');
    let key: Uint8Array;
    try {
      key = curve.Signature.fromBytes(bytes.subarray(0, 64), 'compact').addRecoveryBit(bytes[64]!).recoverPublicKey(d.digest).toBytes(true);
    } catch {
      throw abortError(E_FAIL_TO_RECOVER_PUBKEY, 'no public key recovers from this signature (EFailToRecoverPubKey)');
    }
    return ret(perMessage(base, msg.length, d.blockSize), byteVector(key));
  };
}

const decompressPubkey: NativeFunction = (_c, [key]) => {
  const pk = publicKey(secp256k1, bytesOf(key!));
  if (!pk) throw abortError(E_INVALID_PUBKEY, 'decompress_pubkey of an invalid public key (EInvalidPubKey)');
  return ret(S.k1DecompressPubkey + 1, byteVector(pk.toBytes(false)));
};

/** Test-only signing (Sui charges nothing): RFC 6979 nonces and low s, as rust-secp256k1 signs. */
const sign: NativeFunction = (_c, [privateKey, message, hashArg, recoverable]) => {
  const sk = bytesOf(privateKey!);
  if (sk.length !== 32 || !secp256k1.utils.isValidSecretKey(sk)) throw abortError(E_INVALID_PRIVKEY, 'secp256k1_sign with an invalid private key (EInvalidPrivKey)');
  const d = digest(u8Arg(hashArg), bytesOf(message!));
  if (!d) throw abortError(E_INVALID_HASH_FUNCTION, 'secp256k1_sign with an unknown hash function (EInvalidHashFunction)');
  if (deref(recoverable!) !== true) return ret(0, byteVector(secp256k1.sign(d.digest, sk, { prehash: false, lowS: true, format: 'compact' })));
  // noble's recovered form puts the recovery id first; fastcrypto's puts it last.
  const withId = secp256k1.sign(d.digest, sk, { prehash: false, lowS: true, format: 'recovered' });
  const out = new Uint8Array(65);
  out.set(withId.subarray(1), 0);
  out[64] = withId[0]!;
  return ret(0, byteVector(out));
};

/**
 * Test-only key generation: fastcrypto draws the secret key from rand's StdRng (ChaCha12) seeded with the
 * 32 seed bytes, 32 bytes at a time until one is a valid key (rust-secp256k1 `SecretKey::new`).
 */
const keypairFromSeed: NativeFunction = (ctx: NativeContext, [seed]) => {
  const s = bytesOf(seed!);
  if (s.length !== 32) throw abortError(E_INVALID_SEED, 'secp256k1_keypair_from_seed with a seed that is not 32 bytes (EInvalidSeed)');
  // The keystream in order: block counter from 0, zero nonce (rand_chacha's stream 0).
  let stream = chacha12(s, new Uint8Array(12), new Uint8Array(64 * 4));
  let sk = stream.subarray(0, 32);
  for (let offset = 32; !secp256k1.utils.isValidSecretKey(sk); offset += 32) {
    if (offset + 32 > stream.length) stream = chacha12(s, new Uint8Array(12), new Uint8Array(stream.length * 2));
    sk = stream.subarray(offset, offset + 32);
  }
  const pk = secp256k1.getPublicKey(sk, true);
  const keyPair = ctx.services.loader.tryModule(SUI, 'ecdsa_k1')?.datatype('KeyPair');
  if (!keyPair) throw invariant('0x2::ecdsa_k1::KeyPair not found');
  return ret(0, new StructValue({ kind: 'datatype', def: keyPair, typeArgs: [] }, [byteVector(Uint8Array.from(sk)), byteVector(pk)]));
};

export const ECDSA_NATIVES: CryptoNatives = [
  ['ecdsa_k1', 'secp256k1_verify', verify(secp256k1, S.k1Verify)],
  ['ecdsa_k1', 'secp256k1_ecrecover', ecrecover(secp256k1, S.k1Ecrecover)],
  ['ecdsa_k1', 'decompress_pubkey', decompressPubkey],
  ['ecdsa_k1', 'secp256k1_sign', sign],
  ['ecdsa_k1', 'secp256k1_keypair_from_seed', keypairFromSeed],
  ['ecdsa_r1', 'secp256r1_verify', verify(p256, S.r1Verify)],
  ['ecdsa_r1', 'secp256r1_ecrecover', ecrecover(p256, S.r1Ecrecover)],
];
