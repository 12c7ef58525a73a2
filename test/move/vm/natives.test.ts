// Natives of the standard library and the Sui framework, called through the published framework
// snapshot's own functions (the way Move code reaches them).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash, createHmac, generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { loadFrameworkSnapshot, loadPackage } from '../../../debug-adapter/move/package/index.ts';
import { parseArgs, parseType, parseTypeArgs } from '../../../debug-adapter/move/vm/args.ts';
import { MoveVM, type RunResult } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet, registryProvider } from '../../../debug-adapter/move/vm/loader.ts';
import { Reference, StructValue, UInt, VectorValue, type Value } from '../../../debug-adapter/move/vm/values.ts';
import { dummyTxContext } from '../../../debug-adapter/move/vm/natives.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const snapshot = path.resolve(root, '../shared/fixtures/move/sui-framework/v124');

function vmWithFramework(): MoveVM {
  const modules = ['0x1.bcs', '0x2.bcs'].flatMap((f) => loadFrameworkSnapshot(path.join(snapshot, f)).modules);
  return new MoveVM(new ModuleSet(modules));
}

function call(vm: MoveVM, fn: string, args: unknown[], typeArgs: string[] = []): RunResult {
  const f = vm.resolveFunction(fn);
  const types = typeArgs.map((t) => parseType(t, vm.loader));
  return vm.run(f, types, parseArgs(f, types, args));
}

const bytes = (v: Value): number[] => (v as VectorValue).items.map((b) => Number((b as UInt).v));
const ok = (r: RunResult): Value[] => {
  assert.equal(r.kind, 'returned', r.kind !== 'returned' ? r.message : '');
  return (r as { values: Value[] }).values;
};
const str = (v: Value): string => new TextDecoder().decode(Uint8Array.from(bytes((v as StructValue).fields[0])));

test('std natives: strings, hashes, bcs, type names', (t) => {
  if (!existsSync(snapshot)) return t.skip('../shared/fixtures/move/sui-framework not found');
  const vm = vmWithFramework();
  // string::utf8 checks UTF-8 (native internal_check_utf8) and aborts with EInvalidUTF8 (1) otherwise.
  assert.equal(str(ok(call(vm, '0x1::string::utf8', ['héllo']))[0]), 'héllo');
  const bad = call(vm, '0x1::string::utf8', ['0xff']);
  assert.equal(bad.kind === 'aborted' && bad.code, 1n);
  // index_of and sub_string through the module's own code.
  const s = ok(call(vm, '0x1::string::utf8', ['hello world']))[0];
  const index = vm.run(vm.resolveFunction('0x1::string::index_of'), [], [ref(s), ref(ok(call(vm, '0x1::string::utf8', ['world']))[0])]);
  assert.deepEqual(ok(index), [6n]);
  const sub = vm.run(vm.resolveFunction('0x1::string::substring'), [], [ref(s), 0n, 5n]);
  assert.equal(str(ok(sub)[0]), 'hello');
  // Hashes against Node's implementations.
  assert.deepEqual(bytes(ok(call(vm, '0x1::hash::sha2_256', ['abc']))[0]), [...createHash('sha256').update('abc').digest()]);
  assert.deepEqual(bytes(ok(call(vm, '0x1::hash::sha3_256', ['abc']))[0]), [...createHash('sha3-256').update('abc').digest()]);
  // BCS of a u64 and of a vector<u8>.
  assert.deepEqual(bytes(ok(call(vm, '0x1::bcs::to_bytes', [258], ['u64']))[0]), [2, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(bytes(ok(call(vm, '0x1::bcs::to_bytes', ['0x0102'], ['vector<u8>']))[0]), [2, 1, 2]);
  // type_name: canonical names with full addresses and no 0x.
  const name = ok(call(vm, '0x1::type_name::with_defining_ids', [], ['0x2::coin::Coin<0x2::sui::SUI>']))[0] as StructValue;
  assert.equal(str(name.fields[0]), `${'0'.repeat(63)}2::coin::Coin<${'0'.repeat(63)}2::sui::SUI>`);
});

test('sui natives: address parsing aborts, fresh ids, hashing', (t) => {
  if (!existsSync(snapshot)) return t.skip('../shared/fixtures/move/sui-framework not found');
  const vm = vmWithFramework();
  const r = call(vm, '0x2::address::from_bytes', ['0x2a']);
  assert.equal(r.kind === 'aborted' && r.code, 0n, 'EAddressParseError unless 32 bytes');
  assert.deepEqual(ok(call(vm, '0x2::address::from_bytes', ['0x' + '00'.repeat(31) + '05'])), ['0'.repeat(63) + '5']);
  // fresh ids derive from the transaction digest and a counter (the unit-test dummy context's digest here).
  const ctx = dummyTxContext(vm.loader, vm.objects);
  assert.ok(ctx instanceof StructValue);
  const uid = vm.run(vm.resolveFunction('0x2::object::new'), [], [mutRef(ctx)]);
  const id = ((ok(uid)[0] as StructValue).fields[0] as StructValue).fields[0];
  assert.equal(id, '381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f409', 'the id the real VM derived in the global_loc trace');
  assert.equal(bytes(ok(call(vm, '0x2::hash::blake2b256', ['abc']))[0]).length, 32);
});

function ref(v: Value): Reference {
  return new Reference([v], 0, false, null, null, -1);
}
function mutRef(v: Value): Reference {
  return new Reference([v], 0, true, null, null, -1);
}

test('an abort inside a native is located in the native function', (t) => {
  if (!existsSync(snapshot)) return t.skip('../shared/fixtures/move/sui-framework not found');
  const vm = vmWithFramework();
  const r = call(vm, '0x1::string::utf8', ['0xff']);
  assert.equal(r.kind, 'aborted');
  // utf8 itself aborts (EInvalidUTF8) after the native returned false: located in string::utf8.
  assert.equal(r.kind === 'aborted' && `${r.location.module}::${r.location.function}`, '0x1::string::utf8');
  // abort_native: m::foo calls address::from_bytes with one byte; the native aborts (EAddressParseError).
  const build = path.resolve(root, '../shared/fixtures/move/sui-trace-tests/abort_native/build/abort_native');
  const pkg = loadPackage(build, { frameworks: ['0x1.bcs', '0x2.bcs'].map((f) => path.join(snapshot, f)), findSources: false });
  const fixtureVm = new MoveVM(registryProvider(pkg.registry));
  const n = fixtureVm.run(fixtureVm.resolveFunction('0x0::m::test'), [], []);
  assert.equal(n.kind, 'aborted');
  if (n.kind === 'aborted') {
    assert.equal(n.code, 0n);
    assert.equal(`${n.location.module}::${n.location.function}@${n.location.pc}`, '0x2::address::from_bytes@0');
  }
});

test('sui crypto natives: ed25519 signatures and HMAC-SHA3-256', (t) => {
  if (!existsSync(snapshot)) return t.skip('../shared/fixtures/move/sui-framework not found');
  const vm = vmWithFramework();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;
  const pk = '0x' + Buffer.from(raw, 'base64url').toString('hex');
  const msg = Buffer.from('chainstep');
  const sig = '0x' + cryptoSign(null, msg, privateKey).toString('hex');
  const verify = vm.resolveFunction('0x2::ed25519::ed25519_verify');
  const check = (s: string, m: string) => vm.run(verify, [], parseArgs(verify, [], [s, pk, m]));
  assert.deepEqual(ok(check(sig, '0x' + msg.toString('hex'))), [true]);
  assert.deepEqual(ok(check(sig, '0x' + Buffer.from('chainstop').toString('hex'))), [false]);
  assert.deepEqual(ok(check('0x00', '0x00')), [false], 'a malformed signature does not verify');
  const hmac = ok(call(vm, '0x2::hmac::hmac_sha3_256', ['key', 'message']))[0];
  assert.deepEqual(bytes(hmac), [...createHmac('sha3-256', 'key').update('message').digest()]);
});

test('type arguments are checked against the function ability constraints', (t) => {
  if (!existsSync(snapshot)) return t.skip('../shared/fixtures/move/sui-framework not found');
  const vm = vmWithFramework();
  const transfer = vm.resolveFunction('0x2::transfer::public_transfer');
  // Coin<SUI> has key + store (SUI is a phantom argument); u64 has no key.
  assert.equal(parseTypeArgs(transfer, ['0x2::coin::Coin<0x2::sui::SUI>'], vm.loader).length, 1);
  assert.throws(() => parseTypeArgs(transfer, ['u64'], vm.loader), /type argument 1 \(u64\) lacks the key ability required by 0x2::transfer::public_transfer/);
  assert.throws(() => parseTypeArgs(transfer, [], vm.loader), /takes 1 type argument/);
});
