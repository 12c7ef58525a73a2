// forge 1.x removed `testFail*`: a suite that has one fails each of them with forge's message and runs none of
// its other tests. Checked against real forge on the same tiny project when forge is here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compile } from '../../language/solidity/compile.ts';
import { artifactsOf } from '../../debug-adapter/evm/foundry/launch.ts';
import { loadFoundryConfig } from '../../debug-adapter/evm/foundry/project.ts';
import { runSuite, TEST_FAIL_REMOVED } from '../../debug-adapter/evm/foundry/runner.ts';
import { root } from '../session/dap-issue3-helpers.ts';
import { FORGE, SKIP_FOUNDRY, SOLC_SHIM } from '../support/foundry-tools.ts';

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract OldStyleTest {
    uint256 x;
    function test_Passes() public { x = 1; }
    function testFail_Reverts() public { revert("no"); }
}
`;

test('a suite with a testFail* function fails those with forge 1.x\'s message and runs nothing else', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-testfail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'foundry.toml'), '[profile.default]\nsrc = "src"\ntest = "test"\n');
  mkdirSync(path.join(dir, 'test'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'test/Old.t.sol'), SOURCE);
  const artifacts = artifactsOf(compile({ program: 'test/Old.t.sol', cwd: dir }));
  const suite = await runSuite(loadFoundryConfig(dir), artifacts.find((a) => a.name === 'OldStyleTest')!, artifacts);
  const ours = suite.tests.map((r) => ({ signature: r.signature, status: r.status, reason: r.reason }));
  assert.deepEqual(ours, [{ signature: 'testFail_Reverts()', status: 'Failure', reason: TEST_FAIL_REMOVED }]);

  if (!FORGE) {
    t.diagnostic(SKIP_FOUNDRY);
    return;
  }
  const forge = spawnSync(FORGE, ['test', '--use', SOLC_SHIM, '--json'], {
    cwd: dir, encoding: 'utf8', timeout: 240_000,
    env: { ...process.env, FOUNDRY_OFFLINE: 'true', SOLC_JS_DIR: path.join(root, 'node_modules/solc-0.8.30') },
  });
  const json = JSON.parse(forge.stdout) as Record<string, { test_results: Record<string, { status: string; reason: string | null }> }>;
  const theirs = Object.entries(json['test/Old.t.sol:OldStyleTest']!.test_results).map(([signature, r]) => ({ signature, status: r.status, reason: r.reason ?? undefined }));
  assert.deepEqual(ours, theirs);
});
