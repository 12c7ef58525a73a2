// `sui::poseidon::poseidon_bn254_internal`: the circom-compatible Poseidon hash over BN254's scalar field
// that fastcrypto computes: for n inputs (1 to 16) the permutation of width t = n + 1 on [0, inputs…]
// with x⁵ S-boxes, 8 full rounds, the partial rounds circomlib uses for that width, and the round
// constants and MDS matrix of the reference Grain generator; the hash is the first state element.
// Inputs and output are 32-byte little-endian field elements (the BCS of a u256); an input that is not
// 32 bytes or not below the field order, or a count out of range, aborts with ENonCanonicalInput (0).
import { grainGenConstants, poseidon } from '@noble/curves/abstract/poseidon.js';
import { bn254 } from '@noble/curves/bn254.js';
import { byteVector, bytesOf, deref, ret, type NativeFunction } from '../natives.ts';
import { abortError, invariant } from '../status.ts';
import { VectorValue } from '../values.ts';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import type { CryptoNatives } from './common.ts';
import { SIGNATURE_COSTS as S } from './costs.ts';

const E_NON_CANONICAL_INPUT = 0n;
const MAX_INPUTS = 16;
const Fr = bn254.fields.Fr;
/** circomlib's partial rounds by width t = 2 … 17. */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

/** Permutations by width, built on first use (generating the constants takes a moment). */
const permutations = new Map<number, (state: bigint[]) => bigint[]>();
function permutation(t: number): (state: bigint[]) => bigint[] {
  let p = permutations.get(t);
  if (!p) {
    const roundsPartial = PARTIAL_ROUNDS[t - 2]!;
    const { mds, roundConstants } = grainGenConstants({ Fp: Fr, t, roundsFull: 8, roundsPartial });
    p = poseidon({ Fp: Fr, t, roundsFull: 8, roundsPartial, sboxPower: 5, mds, roundConstants });
    permutations.set(t, p);
  }
  return p;
}

/** The hash of field elements (each below the BN254 scalar order), 1 to 16 of them. */
export function poseidonBn254(inputs: bigint[]): bigint {
  return permutation(inputs.length + 1)([0n, ...inputs])[0]!;
}

const hash: NativeFunction = (_c, [data]) => {
  const list = deref(data!);
  if (!(list instanceof VectorValue)) throw invariant('expected &vector<vector<u8>>');
  const inputs = list.items.map((item) => {
    const b = bytesOf(item);
    const n = b.length === 32 ? bytesToNumberLE(b) : Fr.ORDER;
    if (n >= Fr.ORDER) throw abortError(E_NON_CANONICAL_INPUT, 'poseidon_bn254: an input is not a canonical field element (ENonCanonicalInput)');
    return n;
  });
  if (inputs.length === 0 || inputs.length > MAX_INPUTS) throw abortError(E_NON_CANONICAL_INPUT, `poseidon_bn254: ${inputs.length} inputs (ENonCanonicalInput)`);
  return ret(S.poseidon.base + S.poseidon.perInput * inputs.length, byteVector(numberToBytesLE(poseidonBn254(inputs), 32)));
};

export const POSEIDON_NATIVES: CryptoNatives = [['poseidon', 'poseidon_bn254_internal', hash]];
