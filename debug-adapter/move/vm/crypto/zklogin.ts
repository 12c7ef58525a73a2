// `sui::zklogin_verified_issuer::check_zklogin_issuer_internal`: whether an address is the zkLogin
// address of (issuer, address seed), as fastcrypto derives it: Blake2b-256 of the zkLogin signature flag
// (0x05), the issuer's length as one byte, the issuer, and the seed as 32 big-endian bytes. An issuer
// that is not UTF-8 aborts with EInvalidInput (0), as Sui's zklogin.rs does.
//
// The seed is taken as its 32 bytes whatever its size (Sui's comment: any u256 converts).
import { blake2b } from '@noble/hashes/blake2.js';
import { addressArg, bytesOf, deref, hex, ret, type NativeFunction } from '../natives.ts';
import { abortError, invariant } from '../status.ts';
import { UInt } from '../values.ts';
import { numberToBytesBE } from '@noble/curves/utils.js';
import type { CryptoNatives } from './common.ts';
import { SIGNATURE_COSTS as S } from './costs.ts';

const E_INVALID_INPUT = 0n;
const ZKLOGIN_FLAG = 0x05;
const utf8 = new TextDecoder('utf-8', { fatal: true });

const checkIssuer: NativeFunction = (_c, [address, seed, issuer]) => {
  const iss = bytesOf(issuer!);
  try {
    utf8.decode(iss);
  } catch {
    throw abortError(E_INVALID_INPUT, 'check_zklogin_issuer: the issuer is not UTF-8 (EInvalidInput)');
  }
  const s = deref(seed!);
  if (!(s instanceof UInt)) throw invariant('expected a u256 address seed');
  const preimage = Uint8Array.of(ZKLOGIN_FLAG, iss.length & 0xff, ...iss, ...numberToBytesBE(s.v, 32));
  return ret(S.zkloginIssuer, hex(blake2b(preimage, { dkLen: 32 })) === addressArg(address!));
};

export const ZKLOGIN_NATIVES: CryptoNatives = [['zklogin_verified_issuer', 'check_zklogin_issuer_internal', checkIssuer]];
