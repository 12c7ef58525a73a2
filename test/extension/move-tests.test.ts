// The Test Explorer's Move side without VS Code: the #[test] functions it lists for a package, what it
// makes of `chainstep move test --json` (the real CLI on a fresh copy of the coin sample: each test's
// status, a failure's abort position in VS Code's 0-based terms at the assert! that failed), and the
// launch configuration its Debug profile starts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildErrors, movePackageName, moveTestLaunch, moveTests, parseMoveTestJson } from '../../extension/move-tests.ts';
import { frameworkSrc, repoRoot } from '../language/move/corpus.ts';

const sample = path.join(repoRoot, 'samples/move/coin');

test('the Test Explorer lists the #[test] functions of a Move package at their lines', () => {
  const tests = moveTests(sample);
  const file = path.join(sample, 'tests/gold_tests.move');
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.deepEqual(tests.map((t) => `${t.module}::${t.name}`), ['gold_tests::mint_split_join', 'gold_tests::burn_reduces_supply', 'gold_tests::split_too_much', 'gold_tests::mint_past_max_supply']);
  for (const t of tests) {
    assert.equal(t.file, file);
    assert.match(lines[t.line]!, new RegExp(`fun ${t.name}\\(`));
  }
  assert.deepEqual(moveTestLaunch(sample, tests[0]!), { type: 'chainstep', request: 'launch', name: 'Debug gold_tests::mint_split_join', program: sample, function: 'gold_tests::mint_split_join' });
});

test('the Test Explorer names a package as its Move.toml does, not by its folder', () => {
  assert.equal(movePackageName(sample), 'Coin');
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-name-'));
  try {
    // Only [package]'s own name counts (a dependency table's entries come later), comments and quotes as TOML has them.
    writeFileSync(path.join(dir, 'Move.toml'), "# a package\n[package] # the package\nedition = '2024'\nname = 'Demo' # its name\n\n[dependencies]\nname = \"Other\"\n");
    assert.equal(movePackageName(dir), 'Demo');
    writeFileSync(path.join(dir, 'Move.toml'), '[addresses]\nname = "0x1"\n');
    assert.equal(movePackageName(dir), undefined);
    assert.equal(movePackageName(path.join(dir, 'missing')), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the Test Explorer reads chainstep move test --json: statuses and the abort at the failing line', (t) => {
  if (!existsSync(path.join(frameworkSrc, 'sui-framework/Move.toml'))) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-coin-explorer-'));
  cpSync(sample, dir, { recursive: true });
  try {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/chainstep.js'), 'move', 'test', dir, '--json',
      '--dependency', `Sui=${path.join(frameworkSrc, 'sui-framework')}`, '--dependency', `MoveStdlib=${path.join(frameworkSrc, 'move-stdlib')}`], { encoding: 'utf8' });
    const results = parseMoveTestJson(r.stdout);
    assert.ok(results, r.stdout + r.stderr);
    assert.deepEqual([...results.entries()].map(([k, v]) => [k, v.status]), [
      ['gold_tests::mint_split_join', 'pass'], ['gold_tests::burn_reduces_supply', 'pass'], ['gold_tests::split_too_much', 'pass'], ['gold_tests::mint_past_max_supply', 'fail'],
    ]);
    const failed = results.get('gold_tests::mint_past_max_supply')!;
    const gold = path.join(dir, 'sources/gold.move');
    const line = readFileSync(gold, 'utf8').split('\n').findIndex((l) => l.includes('assert!(new_supply <= treasury.max_supply, ESupplyExceeded)'));
    assert.deepEqual(failed.abortAt, { file: gold, line, character: 4 });
    assert.match(failed.reason!, /ESupplyExceeded/);
    assert.deepEqual(results.get('gold_tests::mint_split_join')!.output, ['[debug] 30']);
    assert.deepEqual(buildErrors(r.stdout), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a package that does not compile: the Test Explorer gets its errors, not results', () => {
  const json = JSON.stringify({ tests: [], summary: { total: 0, passed: 0, failed: 0, cannotRun: 0 }, diagnostics: [{ severity: 'error', code: 'E03001', message: 'x', at: 'sources/m.move:3:5: error[E03001]: x' }] });
  assert.deepEqual(buildErrors(json), ['sources/m.move:3:5: error[E03001]: x']);
  assert.equal(parseMoveTestJson('Build failed'), undefined);
  assert.equal(parseMoveTestJson('{"tests": 3}'), undefined);
});
