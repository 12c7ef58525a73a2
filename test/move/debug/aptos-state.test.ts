// State a real Aptos call needs, on the real hello_blockchain build: `set_message(account: signer, ...)`
// does `move_to` / `borrow_global_mut` and emits an event through `0x1::account`'s GUIDs, which needs the
// signer's Account resource. A launch creates accounts for the call's signers (as the chain has them),
// and `setup` calls seed resources before the debugged call (here: a message to read back).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runToEnd as runLaunch } from './run-to-end.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const pkg = path.resolve(root, '../shared/fixtures/move/aptos-hello-blockchain');
const skip = !existsSync(pkg) && '../shared/fixtures/move/aptos-hello-blockchain not found';

const runToEnd = (config: Record<string, unknown>) => runLaunch({ program: pkg, ...config });

test('Aptos: an entry function touching the signer\'s account runs (the account is created first), and `setup` seeds a resource', { skip }, async () => {
  const set = await runToEnd({ function: 'message::set_message', args: ['0xcafe', 'hello'] });
  assert.deepEqual(set.stops, [], 'no MISSING_DATA stop: the signer has an account');
  assert.match(set.output, /created the account 0xcafe for the signer/);
  assert.match(set.output, /returned/);

  // The resource set_message stores is what get_message reads back: the module's own getter is the oracle.
  const get = await runToEnd({
    function: 'message::get_message',
    args: ['0xcafe'],
    setup: [{ function: 'message::set_message', args: ['0xcafe', 'hello from setup'] }],
  });
  assert.deepEqual(get.stops, []);
  assert.match(get.output, /returned \("hello from setup"\)/);

  // Without the seeding call, get_message aborts with the module's not-found error.
  const none = await runToEnd({ function: 'message::get_message', args: ['0xcafe'] });
  assert.match(none.stops.join('\n'), /ENO_MESSAGE/);

  const bad = await runToEnd({ function: 'message::get_message', args: ['0xcafe'], setup: [{ function: 'message::nope' }] });
  assert.match(bad.error ?? '', /has no function nope/);
});

const HOLDER = '0x260dc208918945107256f6b96920c71852d0635b914773d96d6236cf25be0646::message::MessageHolder';

test('Aptos genesis: coin transfers, the clock and the chain id work in a local run; setup funds a signer from core_resources', { skip }, async () => {
  // Before genesis, the transfer stopped with ECOIN_INFO_NOT_PUBLISHED (AptosCoin did not exist).
  const unfunded = await runToEnd({ function: '0x1::aptos_account::transfer', args: ['0xcafe', '0xb0b', 100] });
  assert.match(unfunded.output, /Aptos genesis: .*AptosCoin/);
  assert.match(unfunded.stops.join('\n'), /EINSUFFICIENT_BALANCE/, 'a new account has no coins, as on chain');

  const funded = await runToEnd({
    function: '0x1::aptos_account::transfer',
    args: ['0xcafe', '0xb0b', 100],
    setup: [{ function: '0x1::aptos_coin::mint', args: ['0xa550c18', '0xcafe', 1000] }],
  });
  assert.deepEqual(funded.stops, []);
  assert.match(funded.output, /returned/);

  // The framework's own getters are the oracle for what genesis made.
  const balance = await runToEnd({
    function: '0x1::coin::balance',
    typeArgs: ['0x1::aptos_coin::AptosCoin'],
    args: ['0xa550c18'],
  });
  assert.match(balance.output, /returned \(18446744073709551615\)/, 'core_resources holds the whole test supply, as genesis mints it');
  assert.match((await runToEnd({ function: '0x1::chain_id::get', args: [] })).output, /returned \(4\)/);
  assert.match((await runToEnd({ function: '0x1::timestamp::now_seconds', args: [] })).output, /returned \(0\)/);
});

test('Aptos `resources`: a launch seeds a resource that the module reads back; bad entries are named', { skip }, async () => {
  const value = { message: 'seeded', message_change_events: { counter: 0, guid: { id: { creation_num: 0, addr: '0xcafe' } } } };
  const seeded = await runToEnd({ function: 'message::get_message', args: ['0xcafe'], resources: [{ address: '0xcafe', type: HOLDER, value }] });
  assert.deepEqual(seeded.stops, []);
  assert.match(seeded.output, /stored .*MessageHolder at 0xcafe/);
  assert.match(seeded.output, /returned \("seeded"\)/);

  const bad = async (resources: unknown) => (await runToEnd({ function: 'message::get_message', args: ['0xcafe'], resources })).error ?? '';
  assert.match(await bad({}), /resources: expected an array/);
  assert.match(await bad([{ address: '0xcafe', type: HOLDER }]), /resources\[0\]: expected \{ "address"/);
  assert.match(await bad([{ address: 'cafe!', type: HOLDER, value }]), /resources\[0\]\.address/);
  assert.match(await bad([{ address: '0xcafe', type: '0x1::string::String', value: 'x' }]), /has no key ability/);
  assert.match(await bad([{ address: '0xcafe', type: HOLDER, value: { message: 'x' } }]), /resources\[0\]\.value/);
  assert.match(await bad([{ address: '0xcafe', type: HOLDER, value }, { address: '0xcafe', type: HOLDER, value }]), /resources\[1\]: 0xcafe already holds/);
});
