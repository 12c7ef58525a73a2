// Issue 2/3 follow-up over DAP against `node bin/chainstep.js dap`: what a user sees after the EVM backend
// fixes. Number formats in Parameters/Locals, no stops on function header lines, locals scoped by their
// block (and never shown with a stale stack word), evaluate globals and enum members, mapping keys as of
// the selected step, breakable lines of code that did not run, caught vs uncaught reverts, out of gas and
// invalid instructions at their Solidity line.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { collectOutput, launch, move, nextEvent, where } from '../session/dap-helpers.ts';
import { AdapterClient, withAdapter, lineOf, root, sample, samples, scopeVariables } from '../session/dap-issue3-helpers.ts';

const hasEvm = existsSync(path.join(root, 'debug-adapter/evm/backend.ts'));
const skip = !hasEvm && 'EVM backend not found';
const program = path.join(root, 'test/evm/contracts/Followup.sol');
const token = path.join(samples, 'token/Token.sol');
const caller = path.join(samples, 'caller-callee/Caller.sol');

/** `name=value` of a scope's variables, in order (raw: what the Variables view shows). */
async function shown(dc: AdapterClient, scope: string, format?: DebugProtocol.ValueFormat): Promise<string[]> {
  const frameId = (await where(dc)).frames[0]!.id;
  const found = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === scope);
  if (!found) return [];
  const vars = (await dc.variablesRequest({ variablesReference: found.variablesReference, ...(format ? { format } : {}) })).body.variables;
  return vars.map((v) => `${v.name}=${v.value}`);
}


async function evaluate(dc: AdapterClient, expression: string): Promise<string> {
  const frameId = (await where(dc)).frames[0]!.id;
  return (await dc.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
}

test('Parameters and Locals honour format.hex; locals follow their block; nothing stale after the body returns', { skip }, async () => {
  await withAdapter(async (dc) => {
    const at = (text: string): number => lineOf(program, text);
    const lines = [at('uint256 early = amount + 1;'), at('result = inner;'), at('late = result + 1;')];
    const unused = at('x = v;');
    let verified: DebugProtocol.Breakpoint[] = [];
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program, contract: 'Scopes', function: 'scoped', args: ['21'], stopOnEntry: false, stopAtEnd: true }, async () => {
      await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: lines.map((line) => ({ line })) });
      // Contract Unused is never deployed: its lines exist in compiled code, so the breakpoint is verified.
      verified = (await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [...lines, unused].map((line) => ({ line })) })).body.breakpoints;
    });
    assert.deepEqual(verified.map((b) => [b.verified, b.line]), [...lines, unused].map((l) => [true, l]));
    await stopped;
    assert.equal((await where(dc)).line, lines[0]);
    // Declared later in the function: not shown yet. The return variable is, with its default.
    assert.deepEqual(await shown(dc, 'Locals'), ['result=0']);
    assert.deepEqual(await shown(dc, 'Parameters'), ['amount=21']);
    assert.deepEqual(await shown(dc, 'Parameters', { hex: true }), ['amount=0x15']);

    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, lines[1]);
    assert.deepEqual(await shown(dc, 'Locals'), ['result=0', 'early=22', 'inner=44']);
    assert.deepEqual(await shown(dc, 'Locals', { hex: true }), ['result=0x0', 'early=0x16', 'inner=0x2c']);

    // After the block: `inner` is gone; `late` is declared but not assigned, so it shows its default.
    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, lines[2]);
    assert.deepEqual(await shown(dc, 'Locals'), ['result=44', 'early=22', 'late=0']);

    // The end of the call: whatever is still shown is true (45 is what the call returned).
    await move(dc, (a) => dc.continueRequest(a), 'end');
    const truth = new Map([['amount', '21'], ['result', '45'], ['early', '22'], ['late', '45']]);
    for (const v of [...(await shown(dc, 'Parameters')), ...(await shown(dc, 'Locals'))]) {
      const [name, value] = v.split('=');
      assert.equal(value, truth.get(name!), `${v} at the end stop`);
    }
  });
});

test('no stops on function header lines: entry, step in and the return from an internal function', { skip }, async () => {
  await withAdapter(async (dc) => {
    const header = lineOf(token, 'function _move(');
    const callLine = lineOf(token, '_move(msg.sender, to, amount);');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...sample('token', 'Token: transfer 250 to account 1'), stopOnEntry: true });
    await stopped;
    // Entry is the first statement, not `function transfer(...)` (argument decoding).
    assert.equal((await where(dc)).line, callLine);
    await move(dc, (a) => dc.stepInRequest(a), 'step');
    assert.deepEqual([(await where(dc)).name, (await where(dc)).line], ['Token._move', lineOf(token, 'uint256 balance = balanceOf[from];')]);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      await move(dc, (a) => dc.nextRequest(a), 'step');
      seen.push((await where(dc)).line);
    }
    // After the emit, back in the caller: never the header line of _move.
    const body = ['require(balance >= amount', 'balanceOf[from] = balance - amount;', 'balanceOf[to] += amount;', 'emit Transfer(from, to, amount);'];
    assert.deepEqual(seen, [...body.map((t) => lineOf(token, t)), callLine]);
    assert.ok(!seen.includes(header), `no stop on ${header}`);
    assert.equal((await where(dc)).name, 'Token.transfer');
  });
});

test('caller-callee: `scaled` is shown at Caller.sol:29 up to the end of the call', { skip }, async () => {
  await withAdapter(async (dc) => {
    const ret = lineOf(caller, 'return lastResult;');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...sample('caller-callee', 'Caller: run(4)'), stopOnEntry: false, stopAtEnd: true }, () =>
      dc.setBreakpointsRequest({ source: { path: caller }, breakpoints: [{ line: ret }] }));
    await stopped;
    assert.equal((await where(dc)).line, ret);
    // 1+4+9+16 = 30, scaled by the Callee's factor 3 = 90: the value run(4) returns.
    assert.deepEqual(await shown(dc, 'Locals'), ['total=30', 'scaled=90']);
    const end = await move(dc, (a) => dc.continueRequest(a), 'end');
    assert.match(JSON.stringify(end.body), /returned \(90\)/);
    assert.equal((await where(dc)).line, ret);
    assert.deepEqual(await shown(dc, 'Locals'), ['total=30', 'scaled=90']);
    // Hover and watch agree with the Variables view.
    assert.equal(await evaluate(dc, 'scaled + total'), '120');
  });
});

test('evaluate: block and tx globals, enum members in breakpoint conditions', { skip }, async () => {
  await withAdapter(async (dc) => {
    const total = lineOf(program, 'total = stamp + amount + uint256(c);');
    const ret = lineOf(program, 'return total;');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program, contract: 'Scopes', function: 'paint', args: ['1', '5'], stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: total, condition: 'c == Color.Red' }, { line: ret, condition: 'c == Color.Green && amount == 5' }] }));
    await stopped;
    // The Red condition is false for c = Green (1): the first stop is the second breakpoint.
    assert.equal((await where(dc)).line, ret);
    // The contract computed stamp = block.number + block.timestamp itself.
    const stamp = (await shown(dc, 'Locals')).find((v) => v.startsWith('stamp='))!.split('=')[1]!;
    assert.equal(await evaluate(dc, 'block.number + block.timestamp'), stamp);
    assert.equal(await evaluate(dc, 'total == stamp + amount + 1'), 'true');
    assert.equal(await evaluate(dc, 'block.chainid'), '1');
    assert.equal(await evaluate(dc, 'tx.gasprice'), '0');
    assert.equal((await evaluate(dc, 'tx.origin')).toLowerCase(), '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266');
    assert.equal((await evaluate(dc, 'block.coinbase')).toLowerCase(), '0x0000000000000000000000000000000000000000');
    assert.equal(await evaluate(dc, 'c == Color.Green'), 'true');
  });
});

test('mapping entries are the keys hashed up to the selected step, also after stepping back', { skip }, async () => {
  await withAdapter(async (dc) => {
    const a = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', b = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc';
    const second = lineOf(program, 'balances[b] = 2;');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program, contract: 'Scopes', function: 'credit', args: [a, b], stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: second }] }));
    await stopped;
    const keys = async (): Promise<string[]> => {
      const frameId = (await where(dc)).frames[0]!.id;
      const balances = (await scopeVariables(dc, frameId, 'State')).find((v) => v.name === 'balances')!;
      const entries = (await dc.variablesRequest({ variablesReference: balances.variablesReference })).body.variables;
      return entries.map((e) => `${e.name.toLowerCase()}=${e.value}`);
    };
    assert.deepEqual(await keys(), [`[${a}]=1`]);
    await move(dc, (x) => dc.nextRequest(x), 'step');
    assert.deepEqual((await keys()).sort(), [`[${a}]=1`, `[${b}]=2`].sort());
    await move(dc, (x) => dc.stepBackRequest(x)); // lands on the breakpoint's line: reason breakpoint
    assert.equal((await where(dc)).line, second);
    assert.deepEqual(await keys(), [`[${a}]=1`]);
  });
});

test('a revert caught by try/catch or a low-level call does not stop by default; "caught" stops in each frame', { skip }, async () => {
  await withAdapter(async (dc) => {
    const output = collectOutput(dc);
    for (const fn of ['tryCatch', 'lowLevel']) {
      const terminated = nextEvent(dc, 'terminated');
      let stops = 0;
      const onStop = (): void => void stops++;
      dc.on('stopped', onStop);
      await launch(dc, { program, contract: 'Outer', function: fn, args: ['11'], stopOnEntry: false });
      await terminated;
      dc.off('stopped', onStop);
      assert.equal(stops, 0, `${fn}: the caught revert does not stop with the default filters`);
    }
    assert.match(output.join(''), /returned \(0\)/);
    assert.match(output.join(''), /returned \(ok: false\)/);

    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program, contract: 'Outer', function: 'tryCatch', args: ['11'], stopOnEntry: false }, () =>
      dc.setExceptionBreakpointsRequest({ filters: ['revert', 'caught'] }));
    await stopped;
    let w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [
      ['Inner.check', lineOf(program, 'if (value > 10) revert TooBig(value, 10);')],
      ['Middle.forward', lineOf(program, 'return inner.check(value) + 1;')],
      ['Outer.tryCatch', lineOf(program, 'try middle.forward(value) returns (uint256 r) {')],
    ]);
    const info = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
    assert.equal(info.description, 'TooBig(value: 11, limit: 10)');
    await move(dc, (a) => dc.continueRequest(a), 'exception');
    w = await where(dc);
    assert.deepEqual(w.frames.map((f) => f.name), ['Middle.forward', 'Outer.tryCatch']);
    const passed = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
    assert.equal(passed.breakMode, 'always', 'a caught failure');
    assert.match(passed.details?.stackTrace ?? '', /in Middle\.forward .*passed up from Inner\.check.*caught by a caller/);
    const terminated = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await terminated;
  });
});

test('out of gas and an invalid instruction stop at the Solidity line of the failing instruction', { skip }, async () => {
  await withAdapter(async (dc) => {
    let stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program, contract: 'Outer', function: 'spin', args: ['100000'], gasLimit: 60000, stopOnEntry: false });
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'exception');
    let w = await where(dc);
    assert.equal(w.name, 'Outer.spin');
    const loop = [lineOf(program, 'for (uint256 i = 0; i < n; ++i) {'), lineOf(program, 'acc += i;')];
    assert.ok(loop.includes(w.line), `out of gas in the loop, not line ${w.line}`);
    let info = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
    assert.deepEqual([info.exceptionId, info.description], ['outOfGas', 'out of gas']);
    // The instruction shown is the last one that ran.
    const last = (await dc.disassembleRequest({ memoryReference: w.frames[0]!.instructionPointerReference!, instructionCount: 1 })).body?.instructions[0];
    assert.ok(last?.location?.path === program && last.line === w.line, 'the failing instruction maps to the stop line');

    stopped = nextEvent(dc, 'stopped');
    await launch(dc, { program, contract: 'Outer', function: 'bad', stopOnEntry: false });
    await stopped;
    w = await where(dc);
    assert.deepEqual([w.name, w.line], ['Outer.bad', lineOf(program, 'invalid()')]);
    info = (await dc.exceptionInfoRequest({ threadId: 1 })).body;
    assert.deepEqual([info.exceptionId, info.description], ['invalid', 'invalid opcode']);
  });
});
