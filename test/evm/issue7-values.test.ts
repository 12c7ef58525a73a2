// Issue 7, "wrong or missing values", what a user sees over DAP (`node bin/chainstep.js dap`) on
// test/evm/contracts/Issue7.sol: evaluate with Solidity's types, immutables and try/catch variables in
// evaluate, mapping keys hashed by the constructor and set-up calls, a data breakpoint on a packed member
// (forwards and backwards), transient slots in the raw Storage scope, and locals of a compiler whose stack
// layout is not known shown as unavailable. Values are checked against the contract's own events and getters
// in an independent run (issue7-reference.ts) where they are not constants of the source.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { getAddress, type Abi, type Hex } from 'viem';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, move, where } from '../session/dap-helpers.ts';
import { AdapterClient, expand, lineOf, nextStop, resetAdapter, root, scopeVariables, sharedAdapter } from '../session/dap-issue3-helpers.ts';
import { ACCOUNT0, referenceRun } from './issue7-reference.ts';

const program = path.join(root, 'test/evm/contracts/Issue7.sol');
const BEEF = '0x000000000000000000000000000000000000bEEF';
const adapter = sharedAdapter();
const VAULT = { program, contract: 'Vault', constructorArgs: ['0xdeadbeef'], setup: [{ function: 'credit', args: [BEEF, '5'] }], function: 'packed' };

const require = createRequire(import.meta.url);
function compiled(name: string): { abi: Abi; bytecode: Hex } {
  const solc = require('solc') as { compile(input: string): string };
  const out = JSON.parse(solc.compile(JSON.stringify({
    language: 'Solidity', sources: { 'Issue7.sol': { content: readFileSync(program, 'utf8') } },
    settings: { outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  }))) as { contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>> };
  const c = out.contracts['Issue7.sol']![name]!;
  return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` };
}

async function stopAt(dc: AdapterClient, config: Record<string, unknown>, line: number): Promise<number> {
  const stopped = nextStop(dc);
  await launch(dc, { ...config, stopOnEntry: false }, () => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] }));
  await stopped;
  const top = await where(dc);
  assert.equal(top.line, line);
  return top.frames[0]!.id;
}

/** Launches stopped at the call's first step; the top frame's id. */
async function stopOnEntry(dc: AdapterClient, config: Record<string, unknown>): Promise<number> {
  const stopped = nextStop(dc);
  await launch(dc, { ...config, stopOnEntry: true });
  await stopped;
  return (await where(dc)).frames[0]!.id;
}

async function evaluate(dc: AdapterClient, frameId: number, expression: string): Promise<{ result: string; type?: string } | { error: string }> {
  try {
    const body = (await dc.evaluateRequest({ expression, frameId, context: 'watch' })).body;
    return { result: body.result, ...(body.type ? { type: body.type } : {}) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

test('evaluate follows Solidity: result types, literals typed like the compiler, checked overflow reported as its Panic', async () => {
  const dc = adapter();
  try {
    const frameId = await stopAt(dc, { program, contract: 'Typed', function: 'run' }, lineOf(program, 'emit Seen(a, m, w);'));
    const seen = (await referenceRun(compiled('Typed'), { call: { function: 'run' } })).events[0]!.args as { a: number; m: number; w: number };
    assert.deepEqual(await evaluate(dc, frameId, 'a'), { result: String(seen.a), type: 'uint8' });
    assert.deepEqual(await evaluate(dc, frameId, 'm'), { result: String(seen.m), type: 'int8' });
    assert.deepEqual(await evaluate(dc, frameId, 'a + 155'), { result: '255', type: 'uint8' });
    assert.deepEqual(await evaluate(dc, frameId, 'm + 1'), { result: '-127', type: 'int8' });
    assert.deepEqual(await evaluate(dc, frameId, 'w - a'), { result: '65435', type: 'uint16' });
    assert.deepEqual(await evaluate(dc, frameId, 'm == 128'), { error: 'type mismatch: operator \'==\' not compatible with int8 and int_const 128 (128 does not fit int8)' });
    assert.deepEqual(await evaluate(dc, frameId, '200'), { result: '200', type: 'int_const 200' });
    const errors: [string, RegExp][] = [
      ['a + 200', /^arithmetic overflow: 100 \+ 200 = 300 does not fit uint8; the contract would revert with Panic\(0x11\)/],
      ['-m', /^arithmetic overflow: -\(-128\) = 128 does not fit int8; the contract would revert with Panic\(0x11\)/],
      ['w + 1', /does not fit uint16; the contract would revert with Panic\(0x11\)/],
      ['a + w', /^arithmetic overflow: 100 \+ 65535 = 65635 does not fit uint16; .*Panic\(0x11\)/],
      ['m * -1', /128 does not fit int8; .*Panic\(0x11\)/],
      ['a / (a - 100)', /^division by zero: the contract would revert with Panic\(0x12\)/],
      ['a + m', /^type mismatch: cannot apply '\+' to uint8 and int8$/],
      ['a + 256', /^type mismatch: operator '\+' not compatible with uint8 and int_const 256/],
    ];
    for (const [expression, message] of errors) {
      const got = await evaluate(dc, frameId, expression);
      assert.ok('error' in got, `${expression}: ${JSON.stringify(got)}`);
      assert.match(got.error, message, expression);
    }
  } finally {
    await resetAdapter(dc);
  }
});

test('try/catch clause variables are in Locals and evaluate', async () => {
  const dc = adapter();
  try {
    let frameId = await stopAt(dc, { program, contract: 'Catcher', function: 'run', args: ['5'] }, lineOf(program, 'emit Got(before, v, w, sum);'));
    assert.deepEqual((await scopeVariables(dc, frameId, 'Locals')).map((v) => `${v.name}=${v.value}`), ['total=0', 'before=7', 'v=50', 'w=500', 'sum=550']);
    assert.deepEqual(await evaluate(dc, frameId, 'v + w'), { result: '550', type: 'uint256' });
    frameId = await stopAt(dc, { program, contract: 'Catcher', function: 'run', args: ['1'] }, lineOf(program, 'emit Reason(before, reason);'));
    assert.deepEqual(await evaluate(dc, frameId, 'reason'), { result: '"one is refused"', type: 'string' });
    frameId = await stopAt(dc, { program, contract: 'Catcher', function: 'run', args: ['2'] }, lineOf(program, 'emit Code(before, code);'));
    assert.deepEqual(await evaluate(dc, frameId, 'code'), { result: '18', type: 'uint256' });
    frameId = await stopAt(dc, { program, contract: 'Catcher', function: 'run', args: ['3'] }, lineOf(program, 'emit Data(before, data);'));
    // Custom(3): selector of Custom(uint256) and the word 3.
    const data = await evaluate(dc, frameId, 'data');
    assert.ok('result' in data && /^0x[0-9a-f]{8}0{63}3$/.test(data.result), JSON.stringify(data));
    assert.deepEqual(await evaluate(dc, frameId, 'data.length'), { result: '36', type: 'uint256' });
  } finally {
    await resetAdapter(dc);
  }
});

test('immutables are in State and evaluate, read from the deployed code; mappings list the keys the constructor and setup hashed, and say so', async () => {
  const dc = adapter();
  try {
    const frameId = await stopOnEntry(dc, VAULT);
    const state = Object.fromEntries((await scopeVariables(dc, frameId, 'State')).map((v) => [v.name, v]));
    assert.equal(state['owner']!.value, getAddress(ACCOUNT0));
    assert.equal(state['created']!.value, '1700000000');
    assert.equal(state['bias']!.value, '-5');
    assert.equal(state['tag']!.value, '0xdeadbeef');
    assert.deepEqual(await evaluate(dc, frameId, 'bias * 2'), { result: '-10', type: 'int8' });
    assert.deepEqual(await evaluate(dc, frameId, 'created + 1'), { result: '1700000001', type: 'uint256' });
    // Keys hashed before the call: the deployer's (constructor) and 0xbeef's (setup), with where they come from.
    const balances = state['balances']!;
    assert.equal(balances.value, 'mapping (2 keys seen: 1 in the constructor, 1 in setup[0] credit(address,uint256))');
    assert.deepEqual(await expand(dc, balances), { [`[${getAddress(ACCOUNT0)}]`]: '100', [`[${BEEF}]`]: '5' });
    assert.deepEqual(await evaluate(dc, frameId, `balances[${BEEF}]`), { result: '5', type: 'uint256' });
  } finally {
    await resetAdapter(dc);
  }
});

test('a data breakpoint on a packed member stops only where its own bytes change, forwards and backwards; tstore slots are listed', async () => {
  const dc = adapter();
  try {
    const frameId = await stopOnEntry(dc, { ...VAULT, stopAtEnd: true });
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'p.y', frameId });
    assert.ok(info.body.dataId, info.body.description);
    assert.match(info.body.description, /bytes 16\.\.31/);
    const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId }] });
    assert.deepEqual(set.body.breakpoints.map((b: DebugProtocol.Breakpoint) => b.verified), [true]);
    // p.x = 1; p.y = 2; p.x = 3; p.y = 2 (unchanged); p.y = 5: only the two writes that change y.
    const lines = [lineOf(program, 'p.y = 2;'), lineOf(program, 'p.y = 5;')];
    for (const line of lines) {
      await move(dc, (a) => dc.continueRequest(a), 'data breakpoint');
      assert.equal((await where(dc)).line, line);
    }
    await move(dc, (a) => dc.continueRequest(a));
    const end = (await where(dc)).frames[0]!.id;
    const storage = (await scopeVariables(dc, end, 'Storage')).map((v) => `${v.name}=${v.value}`);
    assert.ok(storage.includes(`transient 0x${'2a'.padStart(64, '0')}=0x${'63'.padStart(64, '0')}`), storage.join('\n'));
    for (const line of [...lines].reverse()) {
      await move(dc, (a) => dc.reverseContinueRequest(a), 'data breakpoint');
      assert.equal((await where(dc)).line, line);
    }
  } finally {
    await resetAdapter(dc);
  }
});
