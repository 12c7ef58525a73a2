// `chainstep move test` on a package with passing, expected-failure and failing tests, as `sui move test`
// reports them: one line per test, failures with their abort code and location, the summary, exit 1.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { frameworkSrc, moveFixtures, repoRoot } from '../../language/move/corpus.ts';

const SOURCE = `module tst::m;

const ETooBig: u64 = 3;
const MAX: u8 = 0xFF;
const MAX_PRED: u8 = MAX - 1;
const MASK: u64 = (1 << 8) - 1;

public fun checked_double(x: u64): u64 {
    assert!(x < 100, ETooBig);
    x * 2
}

#[test]
fun doubles() {
    assert!(checked_double(21) == 42, 0);
}

#[test, expected_failure(abort_code = ETooBig)]
fun rejects_big() {
    checked_double(100);
}

#[test, expected_failure(arithmetic_error, location = Self)]
fun overflows() {
    let x: u8 = 255;
    let _y = x + 1;
}

#[test]
fun wrong_expectation() {
    assert!(checked_double(2) == 5, 77);
}

#[test]
fun folded_constants() {
    assert!(MAX_PRED == 254 && MASK == 255, 4);
}

#[test]
fun uses_vector() {
    let mut v = vector[1u64, 2];
    v.push_back(3);
    assert!(v.length() == 3 && v[2] == 3, 1);
}
`;

function chainstep(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/chainstep.js'), ...args], { encoding: 'utf8' });
}

test('chainstep move test runs every #[test] and reports like sui move test', (t) => {
  if (!existsSync(frameworkSrc)) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-test-'));
  try {
    mkdirSync(path.join(dir, 'sources'));
    writeFileSync(path.join(dir, 'Move.toml'), `[package]\nname = "Tst"\n\n[dependencies]\nMoveStdlib = { local = ${JSON.stringify(path.join(frameworkSrc, 'move-stdlib'))} }\n\n[addresses]\ntst = "0x0"\n`);
    writeFileSync(path.join(dir, 'sources', 'm.move'), SOURCE);
    const framework = path.join(moveFixtures, 'sui-framework/v124/0x1.bcs');
    const r = chainstep('move', 'test', dir, '--framework', framework);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split('\n');
    for (const [name, verdict] of [['doubles', 'PASS'], ['rejects_big', 'PASS'], ['overflows', 'PASS'], ['wrong_expectation', 'FAIL'], ['folded_constants', 'PASS'], ['uses_vector', 'PASS']]) {
      assert.ok(lines.includes(`[ ${verdict}    ] 0x0::m::${name}`), `${name}: ${verdict}\n${r.stdout}`);
    }
    assert.match(r.stdout, /aborted with code 77 originating in the module 0x0::m/);
    assert.ok(lines.includes('Test result: FAILED. Total tests: 6; passed: 5; failed: 1'), r.stdout);

    const only = chainstep('move', 'test', dir, 'doubles', '--framework', framework);
    assert.equal(only.status, 0, only.stdout + only.stderr);
    assert.ok(only.stdout.includes('Test result: OK. Total tests: 1; passed: 1; failed: 0'), only.stdout);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
