// Sui's cryptography natives (module crypto/*), keyed as natives.ts keys its own:
// `<64 hex address>::module::function`. They sit apart from natives.ts because they carry the curve
// libraries and Sui's byte formats; the interpreter merges them with the others.
import { SUI, type NativeFunction } from '../natives.ts';
import type { CryptoNatives } from './common.ts';
import { BLS_SIGNATURE_NATIVES } from './bls-signatures.ts';
import { ECDSA_NATIVES } from './ecdsa.ts';
import { ECVRF_NATIVES } from './ecvrf.ts';
import { GROTH16_NATIVES } from './groth16.ts';
import { GROUP_OPS_NATIVES } from './group-ops.ts';
import { POSEIDON_NATIVES } from './poseidon.ts';
import { ZKLOGIN_NATIVES } from './zklogin.ts';

const all: CryptoNatives[] = [GROUP_OPS_NATIVES, BLS_SIGNATURE_NATIVES, ECDSA_NATIVES, ECVRF_NATIVES, GROTH16_NATIVES, POSEIDON_NATIVES, ZKLOGIN_NATIVES];

export const CRYPTO_NATIVES: ReadonlyMap<string, NativeFunction> = new Map(
  all.flat().map(([module, name, f]) => [`${SUI}::${module}::${name}`, f] as const),
);
