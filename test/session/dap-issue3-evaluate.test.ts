// Issue 3, "evaluate, watch and hover", conditional breakpoints, logpoints, data breakpoints, readMemory and
// format.hex over DAP on samples/solidity/types, with values checked against the contract's own events and
// getters (independent @ethereumjs/evm run), and bad expressions reported as such while the session goes on.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { collectOutput, launch, move, nextEvent, where } from './dap-helpers.ts';
import { AdapterClient, DEPLOYER, expand, lineOf, referenceRun, root, sample, samples, scopeVariables, nextStop, resetAdapter, sharedAdapter, type ReferenceRun } from './dap-issue3-helpers.ts';

const hasEvm = existsSync(path.join(root, 'debug-adapter/evm/backend.ts'));
const adapter = sharedAdapter();
const types = path.join(samples, 'types/Types.sol');
const CONFIG = 'Types: run(-42, note, [3, 4, 5])';

let reference: Promise<ReferenceRun> | undefined;
const ref = () => (reference ??= referenceRun(types, 'Types', 'run', [-42n, 'a note', [3n, 4n, 5n]], 1000n));
const eventArgs = async (name: string) => (await ref()).events.find((x) => x.eventName === name)!.args;

/** Launches the types sample to its `emit Values(` line and returns the stopped frame's id. */
async function stopAtValues(dc: AdapterClient): Promise<number> {
  const stopped = nextStop(dc);
  await launch(dc, { ...sample('types', CONFIG), stopOnEntry: false }, () =>
    dc.setBreakpointsRequest({ source: { path: types }, breakpoints: [{ line: lineOf(types, 'emit Values(') }] }),
  );
  await stopped;
  return (await where(dc)).frames[0]!.id;
}

async function evaluate(dc: AdapterClient, frameId: number, expression: string, format?: DebugProtocol.ValueFormat): Promise<DebugProtocol.EvaluateResponse['body']> {
  return (await dc.evaluateRequest({ expression, frameId, context: 'watch', ...(format ? { format } : {}) })).body;
}

test('evaluate: mappings, members, globals, arithmetic and comparisons; results expand; bad expressions are errors', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const r = await ref();
  const values = await eventArgs('Values');
  const dc = adapter();
  try {
    const frameId = await stopAtValues(dc);
    const balance = String(await r.read('balances', [DEPLOYER]));
    const [, orderAmount] = (await r.read('orders', [3n])) as [string, bigint, boolean];

    assert.equal((await evaluate(dc, frameId, 'balances[msg.sender]')).result, balance);
    assert.equal((await evaluate(dc, frameId, 'orders[3].amount')).result, String(orderAmount));
    assert.equal((await evaluate(dc, frameId, 'msg.sender')).result.toLowerCase(), String(values['who']).toLowerCase());
    assert.equal((await evaluate(dc, frameId, 'msg.value')).result, '1000');
    assert.equal((await evaluate(dc, frameId, 'allowances[msg.sender][7] + 1')).result, String(BigInt(String(await r.read('allowances', [DEPLOYER, 7n]))) + 1n));
    assert.equal((await evaluate(dc, frameId, 'x * 2 - 1')).result, String(BigInt(String(values['x'])) * 2n - 1n), 'signed arithmetic');
    assert.equal((await evaluate(dc, frameId, `balances[msg.sender] >= ${balance} && x < 0`)).result, 'true');
    assert.equal((await evaluate(dc, frameId, 'total == items[0].id')).result, 'false');
    assert.equal((await evaluate(dc, frameId, 'xs[2]')).result, String((values['xs'] as bigint[])[2]), 'calldata index');
    // Hover uses the same evaluator.
    assert.equal((await dc.evaluateRequest({ expression: 'total', frameId, context: 'hover' })).body.result, String(values['total']));

    // A struct result expands like a variable.
    const order = await evaluate(dc, frameId, 'orders[3]');
    assert.ok(order.variablesReference > 0, 'orders[3] is expandable');
    const fields = (await expand(dc, { name: 'orders[3]', value: order.result, variablesReference: order.variablesReference })) as Record<string, unknown>;
    assert.equal(fields['amount'], String(orderAmount));

    // Bad expressions: an error each, and the session still answers.
    for (const [expression, message] of [['nope + 1', /unknown name 'nope'/], ['balances[', /parse error/], ['1 / 0', /division by zero/], ['orders[99].amount', /out of (bounds|range)|index/i]] as const) {
      await assert.rejects(evaluate(dc, frameId, expression), message, expression);
    }
    assert.equal((await evaluate(dc, frameId, 'counter')).result, '2');
  } finally {
    await resetAdapter(dc);
  }
});

test('evaluate: block.number is a global', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  try {
    const stopped = nextStop(dc);
    await launch(dc, sample('types', CONFIG));
    await stopped;
    const frameId = (await where(dc)).frames[0]!.id;
    const n = await evaluate(dc, frameId, 'block.number');
    assert.match(n.result, /^\d+$/);
    assert.equal((await evaluate(dc, frameId, 'block.number + 1 > block.number')).result, 'true');
  } finally {
    await resetAdapter(dc);
  }
});

test('conditional breakpoints and logpoints use the evaluator; bad expressions are reported and the session goes on', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const values = await eventArgs('Values');
  const xs = values['xs'] as bigint[];
  const dc = adapter();
  const output = collectOutput(dc);
  try {
    const inner = lineOf(types, 'acc += items[i].amounts[j];');
    const perItem = lineOf(types, 'acc += items[i].id;');
    const stopped = nextStop(dc);
    await launch(dc, { ...sample('types', CONFIG), stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({
        source: { path: types },
        breakpoints: [{ line: inner, condition: 'i == 0 && j == 2' }, { line: perItem, logMessage: 'item {i}: acc={acc} bad={nope}' }],
      }),
    );
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    let w = await where(dc);
    assert.equal(w.line, inner);
    const frameId = w.frames[0]!.id;
    // 11 (items[0].id) + xs[0] + xs[1] accumulated before the third element.
    assert.equal((await evaluate(dc, frameId, 'acc')).result, String(11n + xs[0]! + xs[1]!));
    assert.equal((await evaluate(dc, frameId, 'j')).result, '2');
    assert.deepEqual(output.filter((o) => o.startsWith('item ')), ["item 0: acc=0 bad=<unknown name 'nope'>\n"]);

    // Backwards: the same kind of condition finds the previous iteration, with the older value of acc.
    await dc.setBreakpointsRequest({ source: { path: types }, breakpoints: [{ line: inner, condition: 'j == 1' }, { line: perItem, logMessage: 'item {i}: acc={acc} bad={nope}' }] });
    await move(dc, (a) => dc.reverseContinueRequest(a), 'breakpoint');
    w = await where(dc);
    assert.equal(w.line, inner);
    assert.equal((await evaluate(dc, w.frames[0]!.id, 'acc')).result, String(11n + xs[0]!), 'older value after going back');

    // A condition that cannot be evaluated stops and says why.
    await dc.setBreakpointsRequest({ source: { path: types }, breakpoints: [{ line: inner, condition: 'nope > 1' }, { line: perItem, logMessage: 'item {i}: acc={acc} bad={nope}' }] });
    const bad = await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    assert.match(bad.body.description ?? bad.body.text ?? '', /condition.*unknown name 'nope'/i);
    assert.ok(output.some((o) => /condition.*unknown name 'nope'/i.test(o)), 'the failed condition is in the Debug Console');
    assert.equal((await where(dc)).line, inner);

    // Without the breakpoint the run ends; the logpoint printed each item with the values the contract emitted.
    await dc.setBreakpointsRequest({ source: { path: types }, breakpoints: [{ line: perItem, logMessage: 'item {i}: acc={acc} bad={nope}' }] });
    const terminated = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.deepEqual(output.filter((o) => o.startsWith('item ')), [
      "item 0: acc=0 bad=<unknown name 'nope'>\n",
      `item 1: acc=${11n + xs.reduce((a, b) => a + b, 0n)} bad=<unknown name 'nope'>\n`,
    ]);
  } finally {
    await resetAdapter(dc);
  }
});

test('data breakpoints on a state variable and a mapping entry, forwards and backwards; bad targets are refused', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  try {
    const entry = nextStop(dc);
    await launch(dc, sample('types', CONFIG));
    assert.equal(((await entry) as DebugProtocol.StoppedEvent).body.reason, 'entry');
    let frameId = (await where(dc)).frames[0]!.id;
    const state = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === 'State')!;
    const counter = await dc.customRequest('dataBreakpointInfo', { variablesReference: state.variablesReference, name: 'counter' });
    assert.ok(counter.body.dataId, counter.body.description);
    const balance = await dc.customRequest('dataBreakpointInfo', { name: 'balances[msg.sender]', frameId });
    assert.ok(balance.body.dataId, balance.body.description);
    const refused = await dc.customRequest('dataBreakpointInfo', { name: 'nope', variablesReference: state.variablesReference });
    assert.equal(refused.body.dataId, null);
    assert.match(refused.body.description, /nope/);
    // A struct member in a storage array: its own slot (amount shares it with filled, not with owner).
    const amount = await dc.customRequest('dataBreakpointInfo', { name: 'orders[3].amount', frameId });
    assert.ok(amount.body.dataId, amount.body.description);
    const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: counter.body.dataId }, { dataId: balance.body.dataId }, { dataId: amount.body.dataId }] });
    assert.deepEqual(set.body.breakpoints.map((b: DebugProtocol.Breakpoint) => b.verified), [true, true, true]);

    const writes = ['counter = 1;', 'balances[msg.sender] = 500;', 'counter = 2;', 'order.amount += 1;', 'counter = 3;'].map((t) => lineOf(types, t));
    for (const line of writes) {
      await move(dc, (a) => dc.continueRequest(a), 'data breakpoint');
      assert.equal((await where(dc)).line, line);
    }
    for (const line of writes.slice(0, -1).reverse()) {
      await move(dc, (a) => dc.reverseContinueRequest(a), 'data breakpoint');
      assert.equal((await where(dc)).line, line);
    }
    frameId = (await where(dc)).frames[0]!.id;
    assert.equal((await evaluate(dc, frameId, 'counter')).result, '0', 'at the first write, before it');
  } finally {
    await resetAdapter(dc);
  }
});

test('readMemory and format.hex show the raw bytes and hex values of decoded variables', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const r = await ref();
  const values = await eventArgs('Values');
  const dc = adapter();
  try {
    const frameId = await stopAtValues(dc);

    // A memory string: its reference points at its UTF-8 bytes, the length word right before them.
    const label = await evaluate(dc, frameId, 'longLocal');
    assert.ok(label.memoryReference, 'a memory string carries a memory reference');
    const text = `${values['note']} and more text to make it long`;
    const read = await dc.customRequest('readMemory', { memoryReference: label.memoryReference, offset: -32, count: 32 + text.length });
    const bytes = Buffer.from(read.body.data, 'base64');
    assert.equal(BigInt(`0x${bytes.subarray(0, 32).toString('hex')}`), BigInt(text.length), 'length word');
    assert.equal(bytes.subarray(32).toString('utf8'), text);
    // The reference is the string's address in memory; the answer starts at the length word, 32 bytes before it.
    assert.equal(read.body.address, `0x${(BigInt(label.memoryReference!) - 32n).toString(16)}`);
    const local = (await scopeVariables(dc, frameId, 'Locals')).find((v) => v.name === 'longLocal');
    assert.equal(local?.memoryReference, label.memoryReference, 'the Locals entry points at the same bytes');

    // format.hex on variables and on evaluate; strings and addresses are unchanged.
    const state = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === 'State')!;
    const hex = Object.fromEntries((await dc.variablesRequest({ variablesReference: state.variablesReference, format: { hex: true } })).body.variables.map((v) => [v.name, v.value]));
    assert.equal(hex['counter'], `0x${(2n).toString(16)}`);
    assert.equal(hex['small'], `0x${BigInt(String(await r.read('small'))).toString(16)}`);
    assert.equal(hex['shortText'], JSON.stringify(await r.read('shortText')));
    assert.equal((await evaluate(dc, frameId, 'balances[msg.sender]', { hex: true })).result, `0x${BigInt(String(await r.read('balances', [DEPLOYER]))).toString(16)}`);
    assert.equal((await evaluate(dc, frameId, 'balances[msg.sender]')).result, String(await r.read('balances', [DEPLOYER])), 'decimal again without the format');
  } finally {
    await resetAdapter(dc);
  }
});
