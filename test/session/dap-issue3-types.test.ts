// Issue 3, "decode every variable truthfully": over DAP on samples/solidity/types, the debugger's parameters,
// locals, return variables, storage pointer, modifier parameter and contract state (packed slots, strings,
// arrays, structs, nested mappings, a 10,000-element array, transient storage) equal what the contract itself
// emits and returns in an independent @ethereumjs/evm run; state values follow the selected step; evaluate,
// conditional breakpoints, logpoints and data breakpoints, with bad expressions.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, move, where } from './dap-helpers.ts';
import { AdapterClient, DEPLOYER, expand, lineOf, referenceRun, root, sample, samples, scopeTree, scopeVariables, nextStop, resetAdapter, sharedAdapter, type ReferenceRun } from './dap-issue3-helpers.ts';

const hasEvm = existsSync(path.join(root, 'debug-adapter/evm/backend.ts'));
const adapter = sharedAdapter();
const types = path.join(samples, 'types/Types.sol');
const CONFIG = 'Types: run(-42, note, [3, 4, 5])';
const COLORS = ['Red', 'Green', 'Blue'];

// One reference run for the whole file: the call the launch configuration makes.
let reference: Promise<ReferenceRun> | undefined;
const ref = () => (reference ??= referenceRun(types, 'Types', 'run', [-42n, 'a note', [3n, 4n, 5n]], 1000n));
const eventArgs = async (name: string) => {
  const e = (await ref()).events.find((x) => x.eventName === name);
  assert.ok(e, `the contract emits ${name}`);
  return e.args;
};
const str = (s: unknown) => JSON.stringify(s);
const dec = (xs: readonly unknown[]) => xs.map((x) => String(x));

async function start(dc: AdapterClient, lines: (number | DebugProtocol.SourceBreakpoint)[]): Promise<void> {
  const stopped = nextStop(dc);
  await launch(dc, { ...sample('types', CONFIG), stopOnEntry: false }, () =>
    dc.setBreakpointsRequest({ source: { path: types }, breakpoints: lines.map((l) => (typeof l === 'number' ? { line: l } : l)) }),
  );
  await stopped;
}

test('types: parameters, locals, return variables and a storage pointer in two frames equal the emitted values', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const values = await eventArgs('Values');
  const stored = await eventArgs('Stored');
  const dc = adapter();
  try {
    await start(dc, [lineOf(types, 'acc += items[i].amounts[j];'), lineOf(types, 'emit Values(')]);
    const w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [
      ['Types.sum', lineOf(types, 'acc += items[i].amounts[j];')],
      ['Types.run', lineOf(types, 'total = sum(items, x);')],
    ]);
    const [inner, outer] = w.frames;

    // The callee: a memory array of structs holding arrays, the calldata array copied into it, a negative int.
    const sumParams = await scopeTree(dc, inner!.id, 'Parameters');
    assert.equal(sumParams['bias'], String(values['x']));
    const items = sumParams['items'] as { id: string; label: string; amounts: string[] }[];
    assert.deepEqual(items[0], { id: '11', label: '"first"', amounts: dec(values['xs'] as bigint[]) });
    assert.equal(items[1]!.id, '12');
    // Evaluate follows the selected frame.
    assert.equal((await dc.evaluateRequest({ expression: 'x', frameId: outer!.id, context: 'watch' })).body.result, String(values['x']));
    await assert.rejects(dc.evaluateRequest({ expression: 'x', frameId: inner!.id, context: 'watch' }), /unknown name 'x'/);
    assert.equal((await dc.evaluateRequest({ expression: 'bias', frameId: inner!.id, context: 'watch' })).body.result, String(values['x']));
    assert.deepEqual(await scopeTree(dc, inner!.id, 'Locals'), { acc: '11', packed: (await eventArgs('Packed'))['packed'], i: '0', j: '0' }, 'bytes in memory');

    // The caller frame, selected: calldata parameters, memory and storage locals, return variables.
    const params = await scopeTree(dc, outer!.id, 'Parameters');
    assert.deepEqual(params, { x: String(values['x']), note: str(values['note']), xs: dec(values['xs'] as bigint[]) });
    const locals = await scopeTree(dc, outer!.id, 'Locals');
    assert.equal(locals['c'], `Color.${COLORS[Number(values['c'])]}`, 'enum return variable');
    assert.equal(locals['total'], '0', 'return variable not yet assigned shows its default');
    assert.equal(locals['t'], values['t'], 'bytes4');
    assert.equal(locals['longLocal'], items[1]!.label, 'long memory string, same in both frames');
    assert.ok((locals['longLocal'] as string).length - 2 >= 32, 'the string is long (>= 32 bytes)');
    assert.deepEqual(locals['items'], items, 'the same memory array seen from both frames');
    const order = locals['order'] as Record<string, unknown>;
    assert.equal(order['amount'], String(stored['orderAmount']), 'storage pointer shows the storage value');
    assert.equal(String(order['owner']).toLowerCase(), String(values['who']).toLowerCase());
    assert.equal(order['filled'], 'false');
    assert.deepEqual((order['items'] as unknown[])[0], { id: '3', label: '"item"', amounts: ['0', '0'] }, 'nested struct array in storage');

    // At the emit: the return variable holds what the event carries.
    await dc.setBreakpointsRequest({ source: { path: types }, breakpoints: [{ line: lineOf(types, 'emit Values(') }] });
    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    const top = (await where(dc)).frames[0]!;
    assert.equal(top.line, lineOf(types, 'emit Values('));
    assert.equal((await scopeTree(dc, top.id, 'Locals'))['total'], String(values['total']));
    const hover = await dc.evaluateRequest({ expression: 'total', frameId: top.id, context: 'hover' });
    assert.equal(hover.body.result, String(values['total']));
    const watched = await dc.evaluateRequest({ expression: 'items', frameId: top.id, context: 'watch' });
    assert.ok(watched.body.variablesReference > 0, 'a struct array result is expandable');
    assert.deepEqual(await expand(dc, { name: 'items', value: watched.body.result, variablesReference: watched.body.variablesReference }), items);
  } finally {
    await resetAdapter(dc);
  }
});

test('types: modifier parameter and transient storage at a stop inside the modifier', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  try {
    await start(dc, [lineOf(types, 'lock = marker;')]);
    let top = (await where(dc)).frames[0]!;
    assert.equal(top.line, lineOf(types, 'lock = marker;'));
    const visible = { ...(await scopeTree(dc, top.id, 'Parameters')), ...(await scopeTree(dc, top.id, 'Locals')) };
    assert.equal(visible['marker'], '5', 'the modifier parameter');
    assert.equal((await dc.evaluateRequest({ expression: 'marker * 2', frameId: top.id, context: 'watch' })).body.result, '10');
    const lockBefore = (await scopeVariables(dc, top.id, 'State')).find((v) => v.name === 'lock');
    assert.ok(lockBefore, 'the transient state variable is shown');
    assert.equal(lockBefore.value, '0');
    await move(dc, (a) => dc.nextRequest(a));
    top = (await where(dc)).frames[0]!;
    assert.equal((await scopeVariables(dc, top.id, 'State')).find((v) => v.name === 'lock')?.value, '5', 'transient value after TSTORE');
  } finally {
    await resetAdapter(dc);
  }
});

test('types: contract state equals the getters after the call; values follow the selected step; big arrays page', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const r = await ref();
  const stored = await eventArgs('Stored');
  const dc = adapter();
  try {
    await start(dc, [lineOf(types, 'counter = 3;')]);
    let top = (await where(dc)).frames[0]!;
    const stateVars = await scopeVariables(dc, top.id, 'State');
    const state = Object.fromEntries(stateVars.map((v) => [v.name, v]));
    // Packed slot 0: each value read back through its public getter.
    for (const name of ['small', 'negative', 'flag', 'tag']) assert.equal(state[name]?.value, String(await r.read(name)), name);
    assert.equal(state['owner']?.value.toLowerCase(), String(await r.read('owner')).toLowerCase());
    assert.equal(state['color']?.value, `Color.${COLORS[Number(await r.read('color'))]}`);
    assert.equal(state['shortText']?.value, str(await r.read('shortText')), 'short string');
    assert.equal(state['longText']?.value, str(await r.read('longText')), 'long string');
    assert.equal(state['blob']?.value, await r.read('blob'), 'bytes');
    const tree = await scopeTree(dc, top.id, 'State', 3);
    assert.deepEqual(tree['fixedList'], dec(await Promise.all([0n, 1n, 2n].map((i) => r.read('fixedList', [i])))));
    assert.deepEqual(tree['dynamicList'], dec(await Promise.all([0n, 1n].map((i) => r.read('dynamicList', [i])))));
    const orders = tree['orders'] as Record<string, unknown>[];
    for (let i = 0; i < 4; i++) {
      const [owner, amount, filled] = (await r.read('orders', [BigInt(i)])) as [string, bigint, boolean];
      assert.deepEqual([String(orders[i]!['owner']).toLowerCase(), orders[i]!['amount'], orders[i]!['filled']], [owner.toLowerCase(), String(amount), String(filled)], `orders[${i}]`);
    }

    // Mappings list the keys the run hashed; the nested one nests.
    const balances = tree['balances'] as Record<string, unknown>;
    const balanceKey = Object.keys(balances).find((k) => k.toLowerCase().includes(DEPLOYER));
    assert.ok(balanceKey, `balances shows the key ${DEPLOYER}: ${Object.keys(balances)}`);
    assert.equal(balances[balanceKey], String(await r.read('balances', [DEPLOYER])));
    const allowances = tree['allowances'] as Record<string, Record<string, unknown>>;
    const inner = allowances[Object.keys(allowances).find((k) => k.toLowerCase().includes(DEPLOYER))!]!;
    assert.ok(inner, 'allowances shows the sender');
    assert.deepEqual(Object.values(inner), [String(await r.read('allowances', [DEPLOYER, 7n]))]);
    assert.ok(Object.keys(inner)[0]!.includes('7'), `key 7: ${Object.keys(inner)}`);

    // Paging: the 10,000-element array announces its size and serves slices.
    assert.equal(state['big']?.indexedVariables, 10000);
    const page = await dc.variablesRequest({ variablesReference: state['big']!.variablesReference, filter: 'indexed', start: 9998, count: 2 });
    assert.deepEqual(page.body.variables.map((v) => [v.name, v.value]), [['[9998]', String(await r.read('big', [9998n]))], ['[9999]', String(await r.read('big', [9999n]))]]);

    // Values at the selected step: counter is 2 here (as the event saw it), 3 after, 1 earlier.
    assert.equal(state['counter']?.value, String(stored['counter']));
    await move(dc, (a) => dc.nextRequest(a));
    top = (await where(dc)).frames[0]!;
    assert.equal((await scopeVariables(dc, top.id, 'State')).find((v) => v.name === 'counter')?.value, String(await r.read('counter')));
    // After the last write: every touched slot in the raw Storage view equals the EVM's storage after the call.
    // Transient slots are listed after them ("transient 0x…"); they are gone once the transaction ends.
    const slots = (await scopeVariables(dc, top.id, 'Storage')).filter((v) => !v.name.startsWith('transient '));
    assert.ok(slots.length >= 6, `touched slots: ${slots.map((v) => v.name)}`);
    for (const v of slots) assert.equal(BigInt(v.value), await r.storage(BigInt(v.name)), `slot ${v.name}`);
    await dc.setBreakpointsRequest({ source: { path: types }, breakpoints: [{ line: lineOf(types, 'counter = 2;') }] });
    await move(dc, (a) => dc.reverseContinueRequest(a), 'breakpoint');
    top = (await where(dc)).frames[0]!;
    assert.equal(top.line, lineOf(types, 'counter = 2;'));
    assert.equal((await scopeVariables(dc, top.id, 'State')).find((v) => v.name === 'counter')?.value, '1', 'stepping back shows the older value');
  } finally {
    await resetAdapter(dc);
  }
});

test('types: locals enter scope at their declaration with defaults and leave with their block', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  try {
    await start(dc, [lineOf(types, 'c = color;'), { line: lineOf(types, 'acc += items[i].id;'), condition: 'i == 1' }]);
    let top = (await where(dc)).frames[0]!;
    assert.equal(top.line, lineOf(types, 'c = color;'));
    const locals = await scopeTree(dc, top.id, 'Locals', 1);
    // Declared before this line: shown; the named return `c` is not yet assigned: its default.
    assert.deepEqual(Object.keys(locals), ['total', 'c', 'order', 't']);
    assert.equal(locals['c'], 'Color.Red');
    assert.equal(locals['t'], '0xdeadbeef');

    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    top = (await where(dc)).frames[0]!;
    assert.equal(top.line, lineOf(types, 'acc += items[i].id;'));
    // The inner loop's `j` ended with its block.
    assert.deepEqual(Object.keys(await scopeTree(dc, top.id, 'Locals', 1)), ['acc', 'packed', 'i']);
    await assert.rejects(dc.evaluateRequest({ expression: 'j', frameId: top.id, context: 'watch' }), /unknown name 'j'/);
  } finally {
    await resetAdapter(dc);
  }
});

/** A Foundry project in a temporary folder holding the types sample and a via-IR, optimized build-info input. */
function optimizedProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-via-ir-'));
  mkdirSync(path.join(dir, 'src'));
  mkdirSync(path.join(dir, 'out/build-info'), { recursive: true });
  writeFileSync(path.join(dir, 'foundry.toml'), '[profile.default]\nsrc = "src"\n');
  const content = readFileSync(types, 'utf8');
  writeFileSync(path.join(dir, 'src/Types.sol'), content);
  const input = {
    language: 'Solidity',
    sources: { 'src/Types.sol': { content } },
    settings: { optimizer: { enabled: true, runs: 200 }, viaIR: true, outputSelection: { '*': { '*': ['abi'] } } },
  };
  writeFileSync(path.join(dir, 'out/build-info/viair.json'), JSON.stringify({ id: 'viair', source_id_to_path: {}, language: 'Solidity', input, output: {} }));
  return dir;
}

// Issue 3: "Where the source maps and stack layout do not allow a certain value (optimized or via-IR builds),
// show 'unavailable (optimized)' rather than a guess."
test('types, via-IR optimized build: state is exact; parameters are listed and either exact or "unavailable (optimized)"', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const values = await eventArgs('Values');
  const dir = optimizedProject();
  const dc = new AdapterClient();
  try {
    const stopped = nextStop(dc);
    await launch(dc, { ...sample('types', CONFIG), program: dir, stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({ source: { path: path.join(dir, 'src/Types.sol') }, breakpoints: [{ line: lineOf(types, 'emit Values(') }] }),
    );
    await stopped;
    const top = (await where(dc)).frames[0]!;
    const counter = (await scopeVariables(dc, top.id, 'State')).find((v) => v.name === 'counter');
    assert.equal(counter?.value, '2', 'storage decoding does not depend on the optimizer');
    const params = Object.fromEntries((await scopeVariables(dc, top.id, 'Parameters')).map((v) => [v.name, v.value]));
    const expected: Record<string, string> = { x: String(values['x']), note: str(values['note']), xs: `[${(values['xs'] as bigint[]).join(', ')}]` };
    assert.deepEqual(Object.keys(params), Object.keys(expected), 'every parameter is listed');
    for (const [name, value] of Object.entries(params)) {
      assert.ok(value === expected[name] || /unavailable \(optimized\)/.test(value), `${name} = ${value}: exact or unavailable, never a guess`);
    }
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
