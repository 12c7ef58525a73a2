// The samples/move/aptos-store package as a user gets it (sources, no build/): launching it builds it with
// our compiler for the Aptos target (bytecode v6, .mvsm source maps), a breakpoint in sources/shop.move
// binds and is hit, locals show what the code computes, the global storage view shows the shop resource
// (seeded by the launch's `resources`) as it is at the selected step, also after a step back, and the
// failing order stops on its assert! with the abort code and the error constant's name.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AdapterClient, collectOutput, launch, move, nextEvent, where } from '../../session/dap-helpers.ts';
import { copySample, lineOf, locals, scopeValues } from './sample-helpers.ts';
import { deserialize } from '../../../debug-adapter/move/binary/deserializer.ts';
import { runPackageTests } from '../../../debug-adapter/move/build/test-runner.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = path.join(root, 'samples/move/aptos-store');
const GLOBALS = 'Globals / objects touched';

/** The resources the global storage view shows (it also lists the `&signer` argument the call reads). */
const globals = async (dc: DebugClient) => [...(await scopeValues(dc, [GLOBALS])).values()].filter((v) => /^[A-Z]\w* \{/.test(v));

/** The launch configuration named `name` in the sample's .vscode/launch.json, pointed at `dir`. */
function configuration(dir: string, name: string): Record<string, unknown> {
  const all = JSON.parse(readFileSync(path.join(sample, '.vscode/launch.json'), 'utf8')).configurations as Record<string, unknown>[];
  const found = all.find((c) => String(c.name).includes(name));
  assert.ok(found, `launch configuration ${name}`);
  return { ...found, program: dir };
}

test('samples/move/aptos-store: launch builds it for Aptos, breakpoint, locals, the resource in global storage at each step and after step back', async () => {
  const dir = copySample('aptos-store');
  const file = path.join(dir, 'sources/shop.move');
  const dc = new AdapterClient();
  try {
    const output = collectOutput(dc);
    const line = lineOf(file, 's.sales = s.sales + paid;');
    let verified = false;
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, configuration(dir, 'buy 2'), async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] })).body.breakpoints[0]!.verified;
    });
    // The Aptos build layout, as `aptos move compile` writes it.
    const build = path.join(dir, 'build/AptosStore');
    assert.deepEqual(readdirSync(path.join(build, 'source_maps')), ['shop.mvsm']);
    assert.ok(!existsSync(path.join(build, 'debug_info')), 'no Sui debug_info in an Aptos build');
    const module = deserialize(readFileSync(path.join(build, 'bytecode_modules/shop.mv')), 'shop.mv', { flavour: 'aptos' });
    assert.equal(module.version, 6);
    assert.ok(verified, 'the breakpoint in sources/shop.move binds');
    assert.equal((await stopped).body.reason, 'breakpoint');
    let at = await where(dc);
    assert.equal(at.name, '0xcafe::shop::buy');
    assert.equal(at.line, line);
    assert.equal(at.path, file);
    // Seeded shop: price 3, stock 10; buying 2 leaves 8 and costs 6.
    let vars = await locals(dc);
    assert.equal(vars.get('quantity'), '2');
    assert.equal(vars.get('paid'), '6');
    assert.equal(vars.get('shop'), '0xcafe');
    assert.deepEqual(await globals(dc), ['Shop { price: 3, stock: 8, sales: 0 }'], 'the shop after the stock was taken');

    // Step over the line: the takings are written to the resource.
    await move(dc, () => dc.nextRequest({ threadId: 1 }));
    at = await where(dc);
    assert.equal(at.line, lineOf(file, 'move_to(buyer, Receipt'));
    assert.deepEqual(await globals(dc), ['Shop { price: 3, stock: 8, sales: 6 }']);

    // Step back: the resource is as it was at that step again (the line has the breakpoint, so it stops as one).
    await move(dc, () => dc.stepBackRequest({ threadId: 1 }), 'breakpoint');
    at = await where(dc);
    assert.equal(at.line, line);
    assert.deepEqual(await globals(dc), ['Shop { price: 3, stock: 8, sales: 0 }']);
    vars = await locals(dc);
    assert.equal(vars.get('paid'), '6');

    const ended = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await ended;
    const text = output.join('');
    assert.match(text, /stored 0xcafe::shop::Shop at 0xcafe/);
    assert.match(text, /returned/);
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/aptos-store: the failing order stops on its assert! with the code and the constant (shop opened by a setup call)', async () => {
  const dir = copySample('aptos-store');
  const file = path.join(dir, 'sources/shop.move');
  const dc = new AdapterClient();
  try {
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, configuration(dir, 'buy too many'));
    assert.equal((await stopped).body.reason, 'exception');
    const at = await where(dc);
    assert.equal(at.name, '0xcafe::shop::buy');
    assert.equal(at.line, lineOf(file, 'assert!(s.stock >= quantity, EOUT_OF_STOCK)'));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'abort');
    assert.match(info.body.description!, /EOUT_OF_STOCK \(code 2\)/);
    assert.equal((await locals(dc)).get('quantity'), '11');
    assert.deepEqual(await globals(dc), ['Shop { price: 3, stock: 10, sales: 0 }'], 'the shop setup opened, untouched');
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/aptos-store: the #[test] with two signers runs to its end (both resources moved to their accounts)', async () => {
  const dir = copySample('aptos-store');
  const dc = new AdapterClient();
  try {
    const output = collectOutput(dc);
    const ended = nextEvent(dc, 'terminated');
    const stops: string[] = [];
    dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e.body.reason));
    await launch(dc, configuration(dir, 'test buy_two'));
    await ended;
    assert.deepEqual(stops, [], 'no abort: stock 8 and takings 6 as the test asserts');
    assert.match(output.join(''), /returned/);
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/aptos-store: chainstep move test runs its #[test(owner = @0xcafe, buyer = @0xb0b)] tests with those signers', () => {
  const dir = copySample('aptos-store');
  const file = path.join(dir, 'sources/shop.move');
  try {
    const run = runPackageTests(dir);
    assert.deepEqual(run.tests.map((t) => [t.name, t.passed]), [['0xcafe::shop::buy_two', true], ['0xcafe::shop::buy_too_many', true]]);
    // The expected failure is real: an order the shop can fill makes that test fail.
    writeFileSync(file, readFileSync(file, 'utf8').replace('buy(&buyer, @0xcafe, 11);', 'buy(&buyer, @0xcafe, 5);'));
    const changed = runPackageTests(dir);
    assert.deepEqual(changed.tests.map((t) => [t.name, t.passed]), [['0xcafe::shop::buy_two', true], ['0xcafe::shop::buy_too_many', false]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
