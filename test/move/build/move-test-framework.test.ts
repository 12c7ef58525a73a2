// `chainstep move test` on the Sui framework's own unit tests (../shared/fixtures/move/sui-framework-src),
// which the real `sui move test` passes in full. Every test that needs no cryptography native must pass
// with us too; the rest may only be refused for a native our interpreter does not implement (never fail).
// The tests named below each failed before: `config` and `protocol_config` natives were missing, a
// reference parked in an unused `let` blocked moving the kiosk it points into, and the test_scenario
// context test needed more than the bytecode's 256 locals until unused locals were dropped as the Move
// compiler drops them (and the unit-test context's gas price and reference gas price are 0, as Sui's).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runPackageTests } from '../../../debug-adapter/move/build/test-runner.ts';
import { NATIVES, byteVector, type NativeContext } from '../../../debug-adapter/move/vm/natives.ts';
import { frameworkSrc } from '../../language/move/corpus.ts';

const sui = path.join(frameworkSrc, 'sui-framework');

test('Sui framework unit tests: none fails; every one that cannot run names a missing native', (t) => {
  if (!existsSync(path.join(sui, 'Move.toml'))) return t.skip('../shared/fixtures/move/sui-framework-src not found');
  const run = runPackageTests(sui);
  assert.deepEqual(run.diagnostics.filter((d) => d.severity === 'error'), []);
  const byName = new Map(run.tests.map((x) => [x.name, x]));
  const mustPass = [
    // Every test of these modules (the config ones read settings through config::read_setting_impl).
    ...run.tests.filter((x) => /^0x2::(config_tests|protocol_config_tests)::/.test(x.name)).map((x) => x.name),
    '0x2::kiosk_tests::test_disallow_extensions_access_as_owner',
    '0x2::test_scenario_tests::tx_context',
  ];
  assert.ok(mustPass.includes('0x2::protocol_config_tests::test_is_feature_enabled_true'));
  assert.ok(mustPass.includes('0x2::protocol_config_tests::test_is_feature_enabled_false'));
  assert.ok(mustPass.filter((n) => n.startsWith('0x2::config_tests::')).length >= 4, 'the config tests are there');
  for (const name of mustPass) {
    const outcome = byName.get(name);
    assert.ok(outcome, `${name} is among the framework's tests`);
    assert.equal(outcome.status, 'pass', `${name}: ${outcome.reason ?? ''}`);
  }
  const failed = run.tests.filter((x) => x.status === 'fail');
  assert.deepEqual(failed.map((x) => `${x.name}: ${x.reason}`), []);
  for (const x of run.tests.filter((y) => y.status === 'cannot-run')) {
    assert.match(x.reason ?? '', /native function 0x2::\w+::\w+ is not implemented/, x.name);
  }
  const passed = run.tests.filter((x) => x.status === 'pass').length;
  t.diagnostic(`${passed} of ${run.tests.length} pass, ${run.tests.length - passed} cannot run (crypto natives)`);
});

test('protocol_config::is_feature_enabled: flags on in protocol version 140 are on; others, unknown names and non-UTF-8 are off', () => {
  const native = NATIVES.get(`${'0'.repeat(63)}2::protocol_config::is_feature_enabled`);
  assert.ok(native, 'registered with the built-in natives');
  const ask = (bytes: Uint8Array) => native({} as NativeContext, [byteVector(bytes)]).returns[0];
  const text = (s: string) => new TextEncoder().encode(s);
  // Oracle: crates/sui-protocol-config/src/snapshots/sui_protocol_config__test__version_140.snap.
  assert.equal(ask(text('enable_vdf')), true);
  assert.equal(ask(text('enable_accumulators')), true);
  assert.equal(ask(text('per_command_shared_object_transfer_rules')), false);
  assert.equal(ask(text('no_such_flag')), false);
  assert.equal(ask(Uint8Array.of(0xff, 0xfe)), false);
});
