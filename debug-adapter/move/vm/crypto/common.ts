// What the crypto natives share: the error for bytes that are not a valid key, point or signature (each
// native turns it into Sui's abort code or a `false`). Integers to and from bytes: @noble/curves/utils.
import type { NativeFunction } from '../natives.ts';

/** Untrusted bytes that do not decode (fastcrypto's `FastCryptoError::InvalidInput`). */
export class InvalidInput extends Error {
  override readonly name = 'InvalidInput';
}

/** Natives of one Sui module: [module, function, implementation], all at address 0x2. */
export type CryptoNatives = readonly (readonly [string, string, NativeFunction])[];
