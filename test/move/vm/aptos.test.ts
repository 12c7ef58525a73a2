// Aptos global storage end to end on the real hello-blockchain build: an account is created (as the
// framework does), `set_message` moves a resource under the signer and emits an event, `get_message`
// reads it back through borrow_global, and a second `set_message` mutates it in place.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPackage } from '../../../debug-adapter/move/package/index.ts';
import { parseArgs, parseType } from '../../../debug-adapter/move/vm/args.ts';
import { MoveVM, type RunResult } from '../../../debug-adapter/move/vm/interpreter.ts';
import { registryProvider } from '../../../debug-adapter/move/vm/loader.ts';
import { StructValue, VectorValue, UInt } from '../../../debug-adapter/move/vm/values.ts';
import { TraceWriter } from '../../../debug-adapter/move/trace/writer.ts';
import { parseTrace } from '../../../debug-adapter/move/trace/reader.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const build = path.resolve(root, '../shared/fixtures/move/aptos-hello-blockchain/build/hello_blockchain');
const ADDR = '0xcafe';

function text(r: RunResult): string {
  assert.equal(r.kind, 'returned', r.kind !== 'returned' ? r.message : '');
  const s = (r as { values: unknown[] }).values[0] as StructValue;
  const bytes = (s.fields[0] as VectorValue).items.map((b) => Number((b as UInt).v));
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

test('hello-blockchain: move_to, borrow_global, events', (t) => {
  if (!existsSync(build)) return t.skip('../shared/fixtures/move/aptos-hello-blockchain not found');
  const pkg = loadPackage(build, { findSources: false });
  const events: string[] = [];
  const vm = new MoveVM(registryProvider(pkg.registry), { output: (line) => events.push(line) });
  const module = pkg.ownModules[0]!;
  const fn = (name: string) => vm.resolveFunction(`${module.address}::message::${name}`);

  const missing = vm.run(fn('get_message'), [], parseArgs(fn('get_message'), [], [ADDR]));
  assert.equal(missing.kind, 'aborted', 'no message yet: the module aborts with its not-found error');

  const create = vm.resolveFunction('0x1::account::create_account_unchecked');
  assert.equal(vm.run(create, [], parseArgs(create, [], [ADDR])).kind, 'returned');
  assert.equal(vm.run(fn('set_message'), [], parseArgs(fn('set_message'), [], [ADDR, 'hello'])).kind, 'returned');
  assert.equal(text(vm.run(fn('get_message'), [], parseArgs(fn('get_message'), [], [ADDR]))), 'hello');
  assert.equal(vm.run(fn('set_message'), [], parseArgs(fn('set_message'), [], [ADDR, 'world'])).kind, 'returned');
  assert.equal(text(vm.run(fn('get_message'), [], parseArgs(fn('get_message'), [], [ADDR]))), 'world');
  assert.ok(events.some((e) => /MessageChangeEvent/.test(e) && /68656c6c6f/.test(e)), `the change event was emitted: ${events.join(' | ')}`);
  // Traced, a borrowed global is a Global location introduced by a DataLoad effect, as in Sui traces.
  const writer = new TraceWriter();
  assert.equal(vm.run(fn('get_message'), [], parseArgs(fn('get_message'), [], [ADDR]), writer).kind, 'returned');
  const traced = parseTrace(writer.text()).events;
  const load = traced.findIndex((e) => 'Effect' in e && 'DataLoad' in e.Effect);
  assert.ok(load > 0, 'a DataLoad effect');
  const pushed = traced[load + 1]!;
  assert.ok('Effect' in pushed && 'Push' in pushed.Effect && 'ImmRef' in pushed.Effect.Push);
  assert.deepEqual((pushed.Effect.Push as { ImmRef: { location: unknown } }).ImmRef.location, { Global: load });
  const stored = [...vm.storage.entries()].filter((e) => e.address.endsWith('cafe')).map((e) => e.type);
  assert.ok(stored.some((t) => t.endsWith('::message::MessageHolder')), `MessageHolder is stored under 0xcafe: ${stored.join(', ')}`);
});

test('Aptos natives: from_bcs and type_info', (t) => {
  if (!existsSync(build)) return t.skip('../shared/fixtures/move/aptos-hello-blockchain not found');
  const pkg = loadPackage(build, { findSources: false });
  const vm = new MoveVM(registryProvider(pkg.registry));
  const toU64 = vm.resolveFunction('0x1::from_bcs::to_u64');
  const r = vm.run(toU64, [], parseArgs(toU64, [], ['0x0201000000000000']));
  assert.deepEqual(r.kind === 'returned' && r.values, [258n]);
  const bad = vm.run(toU64, [], parseArgs(toU64, [], ['0x02']));
  assert.equal(bad.kind, 'aborted', 'too few bytes for a u64');
  const typeOf = vm.resolveFunction('0x1::type_info::type_of');
  const info = vm.run(typeOf, [parseType('0x1::string::String', vm.loader)], []);
  assert.equal(info.kind, 'returned');
  const fields = (info as { values: StructValue[] }).values[0]!.fields;
  assert.equal(fields[0], '0'.repeat(63) + '1');
  const textOf = (v: unknown) => new TextDecoder().decode(Uint8Array.from((v as VectorValue).items.map((b) => Number((b as UInt).v))));
  assert.deepEqual([textOf(fields[1]), textOf(fields[2])], ['string', 'String']);
});
