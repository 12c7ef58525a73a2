// Where the Test Explorer puts a failing Foundry test's message: `chainstep test --json` gives each failure
// the test file's line that failed (from a recording of that test), checked here on the vault sample's
// underflowing withdraw. Its own file: the vault's other CLI test already takes most of a file's time limit.
import test from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { lineOf, root } from '../session/dap-issue3-helpers.ts';
import { forgeStdPresent, SKIP_FORGE_STD } from '../support/foundry-tools.ts';
import { chainstep, vaultCopy } from './vault-copy.ts';

test('chainstep test --json places a failing test at the line of the test that failed, not at its function', { skip: !forgeStdPresent && SKIP_FORGE_STD }, async (t) => {
  const dir = vaultCopy(t);
  const r = chainstep(['test', dir, '--match-test', 'test_WithdrawAll', '--json']);
  assert.equal(r.status, 1, r.stderr);
  type Located = { status: string; reason: string; location?: { file: string; line: number; column: number } };
  const result = (JSON.parse(r.stdout) as Record<string, { test_results: Record<string, Located> }>)['test/Vault.t.sol:VaultTest']!.test_results['test_WithdrawAll()']!;
  assert.equal(result.status, 'Failure');
  assert.equal(result.reason, 'panic: arithmetic underflow or overflow (0x11)');
  // The withdraw call that underflows inside the vault: the line after the test's console.log.
  const testFile = path.join(dir, 'test/Vault.t.sol');
  assert.deepEqual({ file: result.location?.file, line: result.location?.line }, { file: testFile, line: lineOf(testFile, 'console.log("alice deposited"') + 1 });
});
