// Gas of the crypto natives: Sui's protocol-config parameters (sui-protocol-config, the values set when
// the natives' costs were calibrated), in internal gas units. As every native in natives.ts, each charges
// one unit more than its parameter (what the fixture traces show for natives of known base cost).
//
// ristretto255's group operations have no published parameters in the sources we could consult; they
// charge the common base (52) and may differ from a real run. Poseidon's are the devnet values that
// enabled it (base 260, 10 per input), the zkLogin issuer check's its version-28 base (200).
const charged = (n: number) => n + 1;
const RISTRETTO = charged(52);

export const GROUP_OPS_COSTS = {
  scalar: { decode: charged(7), add: charged(10), sub: charged(10), mul: charged(11), div: charged(91) },
  g1: { decode: charged(2848), add: charged(1556), sub: charged(1550), mul: charged(4842), div: charged(5091) },
  g2: { decode: charged(3770), add: charged(3048), sub: charged(3019), mul: charged(9108), div: charged(9206) },
  gt: { decode: charged(3068), add: charged(188), sub: charged(497), mul: charged(27490), div: charged(27804) },
  ristretto: { decode: RISTRETTO, add: RISTRETTO, sub: RISTRETTO, mul: RISTRETTO, div: RISTRETTO },
  hashTo: { g1: charged(2962), g2: charged(8688), perByte: 2 },
  msm: { g1: { base: charged(62648), perAddition: 1333 }, g2: { base: charged(131192), perAddition: 3216 } },
  pairing: charged(26897),
  convert: { fromUncompressed: charged(677), toUncompressed: charged(2099) },
  sum: { base: charged(77), perTerm: 26 },
} as const;

/** A signature check's cost: base, plus per byte and per hash block of the message (block size by hash). */
export function perMessage(base: number, length: number, blockSize: number): number {
  return charged(base) + 2 * length + 2 * Math.ceil(length / blockSize);
}

/** Costs of the signature, VRF, zk-proof and hash natives (base units; `perMessage` adds the message's). */
export const SIGNATURE_COSTS = {
  bls12381MinSigVerify: 44064,
  bls12381MinPkVerify: 49282,
  k1Verify: 1470,
  k1Ecrecover: 500,
  k1DecompressPubkey: 52,
  r1Verify: 4225,
  r1Ecrecover: 1173,
  ecvrfVerify: 4848,
  groth16PrepareBn254: charged(82010),
  groth16PrepareBls12381: charged(53838),
  groth16VerifyBn254: { base: charged(115502), perInput: 9484 },
  groth16VerifyBls12381: { base: charged(72090), perInput: 8213 },
  poseidon: { base: charged(260), perInput: 10 },
  zkloginIssuer: charged(200),
} as const;
