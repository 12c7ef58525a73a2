// `chainstep move test` on the Sui framework's cryptography unit tests (../shared/fixtures/move/
// sui-framework-src), which the real `sui move test` passes and which carry known-answer vectors from
// fastcrypto: BLS12-381 group operations and signatures, ristretto255, ECDSA over secp256k1 and
// secp256r1, ECVRF, Groth16 on BLS12-381 and BN254, Poseidon, zkLogin issuers. Every one of them runs
// in our interpreter and passes (the 1201-point G1 sum too, within the unit-test gas budget `sui move test` gives).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runPackageTests } from '../../../debug-adapter/move/build/test-runner.ts';
import { frameworkSrc } from '../../language/move/corpus.ts';

const framework = path.join(frameworkSrc, 'sui-framework');
const MODULES = ['bls12381_tests', 'ristretto255_tests', 'ecdsa_k1_tests', 'ecdsa_r1_tests', 'ecvrf_tests', 'groth16_tests', 'poseidon_tests', 'zklogin_verified_issuer_tests'];
test('the framework\'s crypto unit tests pass in our interpreter (Sui\'s formats, vectors and abort codes)', (t) => {
  if (!existsSync(path.join(framework, 'Move.toml'))) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const run = runPackageTests(framework);
  const crypto = run.tests.filter((x) => MODULES.includes(x.name.split('::')[1]!));
  // Each module is there with its tests (a renamed module would otherwise pass vacuously).
  for (const m of MODULES) assert.ok(crypto.some((x) => x.name.split('::')[1] === m), `${m} has tests`);
  assert.ok(crypto.length >= 100, `${crypto.length} crypto tests`);
  const notPassing = crypto.filter((x) => x.status !== 'pass');
  assert.deepEqual(notPassing.map((x) => `${x.name}: ${x.reason}`), []);
  // Tests that pass by aborting do so with Sui's constant in group_ops / ecdsa_* / ecvrf.
  const invalid = crypto.find((x) => x.name === '0x2::bls12381_tests::test_invalid_g1_too_short');
  assert.equal(invalid?.abort?.constant, 'EInvalidInput');
});
