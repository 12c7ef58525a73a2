// Which functions get a "Debug test" lens and a Test Explorer item in a Foundry project, and the launch
// configuration they start: checked on the vault sample's real test file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { foundryRootOf, foundryTestLaunch, foundryTests, isFoundryTestFile } from '../../extension/foundry-tests.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vault = path.join(root, 'samples/foundry/vault');
const testFile = path.join(vault, 'test/Vault.t.sol');

test('the vault sample\'s test file: its test* functions, fuzz marked, setUp and helpers left out', () => {
  const source = readFileSync(testFile, 'utf8');
  const tests = foundryTests(source);
  assert.deepEqual(tests.map((t) => `${t.contract}.${t.name}${t.fuzz ? ' (fuzz)' : ''}`), [
    'VaultTest.test_Deposit',
    'VaultTest.test_RevertWhen_WithdrawMoreThanBalance',
    'VaultTest.test_RevertWhen_CollectFeesByStranger',
    'VaultTest.test_WithdrawAll',
    'VaultTest.testFuzz_Deposit (fuzz)',
  ]);
  const lines = source.split('\n');
  for (const t of tests) assert.match(lines[t.line]!, new RegExp(`function ${t.name}\\(`));
});

test('Foundry test files are found by their project; sources and files outside a project are not test files', () => {
  assert.equal(foundryRootOf(testFile), vault);
  assert.equal(isFoundryTestFile(testFile, vault), true);
  assert.equal(isFoundryTestFile(path.join(vault, 'src/Vault.sol'), vault), false);
  assert.equal(isFoundryTestFile(path.join(root, 'samples/token/Token.sol'), foundryRootOf(path.join(root, 'samples/token/Token.sol'))), false);
});

test('the launch configuration debugs one test of the project', () => {
  assert.deepEqual(foundryTestLaunch(vault, { contract: 'VaultTest', name: 'test_WithdrawAll' }), {
    type: 'chainstep', request: 'launch', name: 'Debug VaultTest.test_WithdrawAll', program: vault, test: 'VaultTest.test_WithdrawAll', stopOnEntry: false,
  });
});
