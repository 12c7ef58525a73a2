// `chainstep move test` with the Sui test natives: the coin sample's test_scenario tests (objects taken
// and returned across transactions, shared objects, effects, debug::print) from a fresh copy, the JSON the
// Test Explorer reads (status, abort constant, message and source line), and the framework's own
// test_scenario tests, which the real `sui move test` passes: each one we can run must pass too.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPackageTests } from '../../../debug-adapter/move/build/test-runner.ts';
import { frameworkSrc, repoRoot } from '../../language/move/corpus.ts';

const hasFramework = existsSync(path.join(frameworkSrc, 'sui-framework/Move.toml'));
const SKIP = '../shared/fixtures/move/sui-framework-src not found';
const dependencyFlags = ['--dependency', `Sui=${path.join(frameworkSrc, 'sui-framework')}`, '--dependency', `MoveStdlib=${path.join(frameworkSrc, 'move-stdlib')}`];

function chainstep(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot, 'bin/chainstep.js'), ...args], { encoding: 'utf8' });
}

function freshCoinSample(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-coin-'));
  cpSync(path.join(repoRoot, 'samples/move/coin'), dir, { recursive: true });
  return dir;
}

/** 1-based line of the first line containing `text` (the oracle for an abort's line). */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} not in ${file}`);
  return i + 1;
}

interface JsonRun {
  tests: { name: string; status: string; reason?: string; source?: { file: string; line: number }; abort?: { code: string; constant?: string; message?: string; module: string; location?: { file: string; line: number; column: number } }; output: string[] }[];
  summary: { total: number; passed: number; failed: number; cannotRun: number };
}

test('move test runs the coin sample: test_scenario tests pass, the failing one names ESupplyExceeded at its line', (t) => {
  if (!hasFramework) return t.skip(SKIP);
  const dir = freshCoinSample();
  try {
    const r = chainstep('move', 'test', dir, ...dependencyFlags);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.split('\n');
    for (const [name, verdict] of [['mint_split_join', 'PASS'], ['burn_reduces_supply', 'PASS'], ['split_too_much', 'PASS'], ['mint_past_max_supply', 'FAIL']]) {
      assert.ok(lines.includes(`[ ${verdict}    ] 0x0::gold_tests::${name}`), `${name}: ${verdict}\n${r.stdout}`);
    }
    // debug::print output comes before its test's line, as sui move test prints it.
    assert.ok(lines.indexOf('[debug] 30') < lines.indexOf('[ PASS    ] 0x0::gold_tests::mint_split_join') && lines.includes('[debug] 30'), r.stdout);
    const mintLine = lineOf(path.join(dir, 'sources/gold.move'), 'assert!(new_supply <= treasury.max_supply, ESupplyExceeded)');
    assert.match(r.stdout, new RegExp(`aborted with code 0x[0-9a-f]+ \\(ESupplyExceeded: "Minting would exceed the maximum supply"\\) originating in the module 0x0::gold at .*sources/gold\\.move:${mintLine}:5 \\(0x0::gold::mint\\)`));
    assert.ok(lines.includes('Test result: FAILED. Total tests: 4; passed: 3; failed: 1'), r.stdout);

    const only = chainstep('move', 'test', dir, 'burn', ...dependencyFlags);
    assert.equal(only.status, 0, only.stdout + only.stderr);
    assert.ok(only.stdout.includes('Test result: OK. Total tests: 1; passed: 1; failed: 0'), only.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('move test --json: statuses, the abort with constant, message and source location, the tests\' own lines', (t) => {
  if (!hasFramework) return t.skip(SKIP);
  const dir = freshCoinSample();
  try {
    const r = chainstep('move', 'test', dir, '--json', ...dependencyFlags);
    assert.equal(r.status, 1, r.stderr);
    const run = JSON.parse(r.stdout) as JsonRun;
    assert.deepEqual(run.summary, { total: 4, passed: 3, failed: 1, cannotRun: 0 });
    const byName = new Map(run.tests.map((x) => [x.name.split('::').pop()!, x]));
    const tests = path.join(dir, 'tests/gold_tests.move');
    for (const name of ['mint_split_join', 'burn_reduces_supply', 'split_too_much', 'mint_past_max_supply']) {
      assert.deepEqual(byName.get(name)!.source, { file: tests, line: lineOf(tests, `fun ${name}()`), column: 5 });
    }
    assert.deepEqual(byName.get('mint_split_join')!.output, ['[debug] 30']);
    // An expected failure that happened: passed, and how it aborted is kept.
    assert.equal(byName.get('split_too_much')!.status, 'pass');
    assert.equal(byName.get('split_too_much')!.abort?.constant, 'EInsufficientValue');
    const failed = byName.get('mint_past_max_supply')!;
    assert.equal(failed.status, 'fail');
    const gold = path.join(dir, 'sources/gold.move');
    assert.deepEqual(failed.abort?.location, { file: gold, line: lineOf(gold, 'ESupplyExceeded);'), column: 5 });
    assert.equal(failed.abort?.constant, 'ESupplyExceeded');
    assert.equal(failed.abort?.message, '"Minting would exceed the maximum supply"');
    assert.equal(failed.abort?.module, '0x0::gold');
    // The clever error's bits: the #[error] constant's line, as the Sui compiler encodes it.
    assert.equal(Number((BigInt(failed.abort!.code) >> 32n) & 0xffffn), failed.abort!.location!.line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the framework's own test_scenario tests that can run all pass, as with sui move test", (t) => {
  if (!hasFramework) return t.skip(SKIP);
  const run = runPackageTests(path.join(frameworkSrc, 'sui-framework'), { filter: 'test_scenario_tests' });
  const passed = run.tests.filter((x) => x.status === 'pass').map((x) => x.name.split('::').pop());
  // Ownership across transactions, wrapping, take/return from sender, address, shared and immutable
  // inventories, ids_for_*, effects, epochs, receiving tickets, and every misuse abort (EInvalidSharedOrImmutableUsage,
  // ECantReturnObject, EEmptyInventory, EObjectNotFound) as expected_failure tests.
  const mustPass = `wrap_unwrap remove_then_return return_and_update remove_during_tx double_remove three_owners
    transfer_then_delete get_owned_obj_ids take_owned_by_id get_last_created_object_id take_shared_by_id take_shared
    delete_shared take_immutable_by_id take_immutable unreturned_objects later_epoch invalid_shared_usage
    invalid_immutable_usage modify_immutable invalid_address_return invalid_shared_return invalid_immutable_return
    empty_inventory empty_inventory_shared empty_inventory_immutable object_not_found object_not_found_shared
    object_not_found_immutable wrong_object_type wrong_object_type_shared wrong_object_type_immutable
    dynamic_field_still_borrowed dynamic_field_shared_misuse dynamic_field_immutable_misuse tx_context_no_rgp
    tx_context_bad_epoch tx_context_bad_rgp_no_epoch_change tx_context_bad_epoch_timestamp create_system_objects
    receive_object receive_for_object receive_object_multiple_in_row no_receive_object_then_use_next_tx
    receive_object_shared receive_object_double_allocate_ticket receive_double_allocate_ticket_return_between
    receive_double_allocate_ticket_return_between_then_use receive_double_allocate_ticket_return_between_then_use_then_check
    unused_receive_ticket`.split(/\s+/);
  for (const name of mustPass) assert.ok(passed.includes(name), `${name}: ${run.tests.find((x) => x.name.endsWith(`::${name}`))?.reason ?? 'not run'}`);
  const failures = run.tests.filter((x) => x.status === 'fail');
  // The one left is the compiler's (a reference left in a local), not the natives'.
  for (const f of failures) assert.match(f.reason ?? '', /dangling references/, `${f.name}: ${f.reason}`);
  for (const c of run.tests.filter((x) => x.status === 'cannot-run')) assert.match(c.reason ?? '', /^Cannot run: /);
});

test('#[random_test] functions run with seeded random arguments; the framework\'s own pass', (t) => {
  if (!hasFramework) return t.skip(SKIP);
  const run = runPackageTests(path.join(frameworkSrc, 'move-stdlib'), { filter: 'uq32_32_tests' });
  for (const name of ['test_raw', 'test_int_roundtrip', 'test_mul_rand', 'test_div_rand']) {
    const r = run.tests.find((x) => x.name === `0x1::uq32_32_tests::${name}`);
    assert.equal(r?.status, 'pass', `${name}: ${r?.reason}`);
  }
  const sui = runPackageTests(path.join(frameworkSrc, 'sui-framework'), { filter: 'funds_accumulator_tests::test_withdrawal' });
  assert.ok(sui.tests.length >= 7);
  for (const r of sui.tests) assert.equal(r.status, 'pass', `${r.name}: ${r.reason}`);
});
