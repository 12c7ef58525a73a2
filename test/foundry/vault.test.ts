// `chainstep test` on the Foundry vault sample (samples/foundry/vault, in a temp copy with forge-std) must
// print what real `forge test` prints for it: pass/fail, reasons, gas of every unit test, fuzz runs.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { root } from '../session/dap-issue3-helpers.ts';
import { FORGE, forgeStdPresent, SKIP_FORGE_STD, SKIP_FOUNDRY, SOLC_SHIM } from '../support/foundry-tools.ts';
import { chainstep, vaultCopy } from './vault-copy.ts';

/** The per-test lines of forge-style output ([PASS]/[FAIL]), in order. */
const resultLines = (text: string): string[] => text.split('Failing tests:')[0]!.split('\n').filter((l) => /^\[(PASS|FAIL|SKIP)/.test(l));

test('chainstep test on the vault sample prints what forge test prints, and exits 1 on its failing test', { skip: !forgeStdPresent && SKIP_FORGE_STD }, async (t) => {
  const dir = vaultCopy(t);
  const ours = chainstep(['test', dir]);
  assert.equal(ours.status, 1, ours.stderr);
  const lines = resultLines(ours.stdout);
  assert.deepEqual(lines.map((l) => l.replace(/ \((gas|runs):.*\)$/, '')), [
    '[PASS] testFuzz_Deposit(uint96)',
    '[PASS] test_Deposit()',
    '[PASS] test_RevertWhen_CollectFeesByStranger()',
    '[PASS] test_RevertWhen_WithdrawMoreThanBalance()',
    '[FAIL: panic: arithmetic underflow or overflow (0x11)] test_WithdrawAll()',
  ]);
  assert.match(ours.stdout, /runs: 256, μ: \d+, ~: \d+/);
  assert.match(ours.stdout, /alice deposited 2000000000000000000/);
  assert.match(ours.stdout, /4 tests passed, 1 failed, 0 skipped \(5 total tests\)/);

  const only = chainstep(['test', dir, '--match-test', 'Deposit$', '--json']);
  assert.equal(only.status, 0, only.stderr);
  const json = JSON.parse(only.stdout) as Record<string, { test_results: Record<string, { status: string; kind: { Unit?: { gas: number } } }> }>;
  assert.deepEqual(Object.keys(json['test/Vault.t.sol:VaultTest']!.test_results), ['testFuzz_Deposit(uint96)', 'test_Deposit()']);

  if (!FORGE) {
    t.diagnostic(SKIP_FOUNDRY);
    return;
  }
  // The oracle: real forge on another copy (its own build with the solc-js shim).
  const forgeDir = vaultCopy(t);
  const forge = spawnSync(FORGE, ['test', '--use', SOLC_SHIM], {
    cwd: forgeDir, encoding: 'utf8', timeout: 280_000,
    env: { ...process.env, FOUNDRY_OFFLINE: 'true', SOLC_JS_DIR: path.join(root, 'node_modules/solc') },
  });
  assert.equal(forge.status, 1, forge.stderr);
  // Unit tests: identical lines, gas included. The fuzz line: same runs (its gas depends on the inputs drawn).
  const theirs = resultLines(forge.stdout);
  const unit = (ls: string[]): string[] => ls.filter((l) => !l.includes('runs:'));
  assert.deepEqual(unit(lines), unit(theirs));
  assert.deepEqual(lines.filter((l) => l.includes('runs:')).map((l) => l.replace(/μ.*$/, '')), theirs.filter((l) => l.includes('runs:')).map((l) => l.replace(/μ.*$/, '')));
  t.diagnostic(`vault: ${theirs.length} of ${theirs.length} forge result lines agree`);
});

