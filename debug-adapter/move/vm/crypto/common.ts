// What the crypto natives share: the error for bytes that are not a valid key, point or signature (each
// native turns it into Sui's abort code or a `false`), and the integer byte orders the formats use.
import type { NativeFunction } from '../natives.ts';

/** Untrusted bytes that do not decode (fastcrypto's `FastCryptoError::InvalidInput`). */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
}

/** Natives of one Sui module: [module, function, implementation], all at address 0x2. */
export type CryptoNatives = readonly (readonly [string, string, NativeFunction])[];

export function bigEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

export function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

export function toBigEndian(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

export function toLittleEndian(n: bigint, size: number): Uint8Array {
  return toBigEndian(n, size).reverse();
}
