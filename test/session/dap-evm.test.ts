// DAP tests against the real adapter process (`node bin/chainstep.js dap`) on the Solidity samples: what a
// user sees in VS Code, checked against the source lines and against an independent @ethereumjs/evm run.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readLaunchJson } from '../../debug-adapter/cli/launch-json.ts';
import { AdapterClient, collectOutput, launch, move, nextEvent, where } from './dap-helpers.ts';
import { independentRun, type IndependentStep } from './independent-evm.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samples = path.join(root, 'samples/solidity');
const hasEvm = existsSync(path.join(root, 'debug-adapter/evm/backend.ts'));


function sample(folder: string, name: string): Record<string, unknown> {
  const configs = readLaunchJson(path.join(samples, folder, '.vscode/launch.json'));
  const found = configs.find((c) => c.name === name);
  assert.ok(found, `sample ${folder} has a configuration "${name}"`);
  return { ...found.config };
}

function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} is in ${file}`);
  return i + 1;
}

const token = path.join(samples, 'token/Token.sol');
const caller = path.join(samples, 'caller-callee/Caller.sol');
const callee = path.join(samples, 'caller-callee/Callee.sol');
const vault = path.join(samples, 'vault/Vault.sol');

test('token: breakpoints, step over / into / out, step back and reverse continue', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = new AdapterClient();
  try {
    const callLine = lineOf(token, '_move(msg.sender, to, amount);');
    const blank = lineOf(token, 'balanceOf[from] = balance - amount;') + 1;
    assert.equal(readFileSync(token, 'utf8').split('\n')[blank - 1]!.trim(), '', 'the line after is blank');
    let bps: DebugProtocol.Breakpoint[] = [];
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...sample('token', 'Token: transfer 250 to account 1'), stopOnEntry: false }, async () => {
      bps = (await dc.setBreakpointsRequest({ source: { path: token }, breakpoints: [{ line: callLine }, { line: blank }] })).body
        .breakpoints;
    });
    assert.deepEqual(bps.map((b) => [b.verified, b.line]), [[true, callLine], [true, blank + 1]], 'blank line moves to the next line with code');
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    let w = await where(dc);
    assert.deepEqual([w.line, w.name, w.path], [callLine, 'Token.transfer', token]);

    // Into the internal function, over its statements, out to the caller's line.
    await move(dc, (a) => dc.stepInRequest(a), 'step');
    w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [['Token._move', lineOf(token, 'uint256 balance = balanceOf[from];')], ['Token.transfer', callLine]]);
    await move(dc, (a) => dc.nextRequest(a));
    assert.equal((await where(dc)).line, lineOf(token, 'require(balance >= amount'));
    const beforeNext = (await where(dc)).frames[0]!.instructionPointerReference;
    await move(dc, (a) => dc.nextRequest(a));
    assert.equal((await where(dc)).line, lineOf(token, 'balanceOf[from] = balance - amount;'));
    await move(dc, (a) => dc.stepBackRequest(a), 'step');
    w = await where(dc);
    assert.equal(w.line, lineOf(token, 'require(balance >= amount'));
    assert.equal(w.frames[0]!.instructionPointerReference, beforeNext, 'exactly the previous stop');
    // Stepping stops at breakpoints on the way: the one moved off the blank line.
    await move(dc, (a) => dc.nextRequest(a));
    await move(dc, (a) => dc.nextRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, blank + 1);
    await move(dc, (a) => dc.stepOutRequest(a));
    w = await where(dc);
    assert.deepEqual([w.name, w.line, w.frames.length], ['Token.transfer', callLine, 1]);
    await move(dc, (a) => dc.nextRequest(a));
    assert.equal((await where(dc)).line, lineOf(token, 'return true;'));

    // Reverse continue to the breakpoint hit before, then forwards to the moved breakpoint.
    await move(dc, (a) => dc.reverseContinueRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, blank + 1);
    await move(dc, (a) => dc.reverseContinueRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, callLine);
    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, blank + 1);
    const terminated = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await terminated;
  } finally {
    await dc.close();
  }
});

test('caller-callee: step into an external call and out; stack trace names internal and external frames', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = new AdapterClient();
  const output = collectOutput(dc);
  try {
    const scaleLine = lineOf(caller, 'uint256 scaled = callee.scale(total);');
    const sumLine = lineOf(caller, 'uint256 total = sumOfSquares(n);');
    const notifyLine = lineOf(caller, 'callbacks += 1;');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...sample('caller-callee', 'Caller: run(4)'), stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({ source: { path: caller }, breakpoints: [{ line: sumLine }, { line: scaleLine }, { line: notifyLine }] }),
    );
    await stopped;
    assert.equal((await where(dc)).line, sumLine);
    await move(dc, (a) => dc.stepInRequest(a));
    let w = await where(dc);
    assert.equal(w.name, 'Caller.sumOfSquares');
    assert.ok(w.line > lineOf(caller, 'function sumOfSquares') - 1 && w.line <= lineOf(caller, 'sum += square(i);'));
    await move(dc, (a) => dc.stepOutRequest(a));
    assert.deepEqual(await where(dc).then((x) => [x.name, x.line]), ['Caller.run', sumLine]);

    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    assert.equal((await where(dc)).line, scaleLine);
    await move(dc, (a) => dc.stepInRequest(a));
    w = await where(dc);
    assert.equal(w.name, 'Callee.scale');
    assert.equal(w.path, callee);
    assert.ok([lineOf(callee, 'function scale'), lineOf(callee, 'result = value * factor;')].includes(w.line), `first line of scale, got ${w.line}`);
    assert.deepEqual(w.frames.map((f) => f.name), ['Callee.scale', 'Caller.run']);
    assert.equal(w.frames[1]!.line, scaleLine);

    // The callback: three frames, innermost first, each at its call site.
    await move(dc, (a) => dc.continueRequest(a), 'breakpoint');
    w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line, path.basename(f.source?.path ?? '')]), [
      ['Caller.notify', notifyLine, 'Caller.sol'],
      ['Callee.scale', lineOf(callee, 'INotified(msg.sender).notify(result);'), 'Callee.sol'],
      ['Caller.run', scaleLine, 'Caller.sol'],
    ]);
    await move(dc, (a) => dc.stepOutRequest(a));
    assert.deepEqual(await where(dc).then((x) => [x.name, x.line]), ['Callee.scale', lineOf(callee, 'INotified(msg.sender).notify(result);')]);
    await move(dc, (a) => dc.stepOutRequest(a));
    assert.deepEqual(await where(dc).then((x) => [x.name, x.line]), ['Caller.run', scaleLine]);
    await move(dc, (a) => dc.nextRequest(a));
    assert.equal((await where(dc)).line, lineOf(caller, 'lastResult = MathLib.clamp(scaled, 1000);'));

    // A function breakpoint on the internal `square`: reverse continue finds its last call (i = 4).
    await dc.setBreakpointsRequest({ source: { path: caller }, breakpoints: [] });
    const fbs = await dc.customRequest('setFunctionBreakpoints', { breakpoints: [{ name: 'square' }] });
    assert.equal(fbs.body.breakpoints[0].verified, true);
    await move(dc, (a) => dc.reverseContinueRequest(a), 'function breakpoint');
    w = await where(dc);
    assert.equal(w.name, 'Caller.square');
    assert.ok([lineOf(caller, 'function square'), lineOf(caller, 'return x * x;')].includes(w.line), `start of square, got ${w.line}`);
    const x = await dc.evaluateRequest({ expression: 'x', frameId: w.frames[0]!.id, context: 'watch' });
    assert.equal(x.body.result, '4');

    // A conditional breakpoint in the loop and a logpoint in square, evaluated by the EVM backend.
    await dc.customRequest('setFunctionBreakpoints', { breakpoints: [] });
    const loopLine = lineOf(caller, 'sum += square(i);');
    const squareLine = lineOf(caller, 'return x * x;');
    await dc.setBreakpointsRequest({
      source: { path: caller },
      breakpoints: [{ line: loopLine, condition: 'i == 3' }, { line: squareLine, logMessage: 'square({x})' }],
    });
    await move(dc, (a) => dc.reverseContinueRequest(a), 'breakpoint');
    w = await where(dc);
    assert.equal(w.line, loopLine);
    assert.equal((await dc.evaluateRequest({ expression: 'i', frameId: w.frames[0]!.id, context: 'watch' })).body.result, '3');
    const terminated = nextEvent(dc, 'terminated');
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.deepEqual(output.filter((o) => o.startsWith('square(')), ['square(3)\n', 'square(4)\n']);
  } finally {
    await dc.close();
  }
});

/** Values of a scope's variables by name. */
async function scopeValues(dc: DebugClient, frameId: number, name: string): Promise<DebugProtocol.Variable[]> {
  const scope = (await dc.scopesRequest({ frameId })).body.scopes.find((s) => s.name === name);
  assert.ok(scope, `a ${name} scope`);
  return (await dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
}

/** The independent run's step at the stop: the first step of the call at this pc and depth, or the n-th. */
function matchStep(steps: readonly IndependentStep[], pc: number, depth: number, nth = 0): IndependentStep {
  const found = steps.filter((s) => s.pc === pc && s.depth === depth);
  assert.ok(found.length > nth, `the independent run executes pc ${pc}`);
  return found[nth]!;
}

test('vault: raw stack, memory and disassembly at stops equal an independent EVM run; the revert explains itself', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const config = sample('vault', 'Vault: withdraw more than deposited (reverts)');
  const reference = await independentRun(vault, 'Vault', { constructorArgs: [1000n], deposit: 5n, withdraw: 100n });
  const dc = new AdapterClient();
  try {
    const revertLine = lineOf(vault, 'revert InsufficientBalance(amount, available);');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, config, async () => {
      await dc.setBreakpointsRequest({ source: { path: vault }, breakpoints: [{ line: revertLine }] });
      await dc.setExceptionBreakpointsRequest({ filters: ['revert'] });
    });
    await stopped;

    for (const stop of ['breakpoint', 'exception']) {
      const frame = (await where(dc)).frames[0]!;
      assert.equal(frame.line, revertLine, `${stop} stop on the revert line`);
      const evm = Object.fromEntries((await scopeValues(dc, frame.id, 'EVM')).map((v) => [v.name, v.value]));
      const step = matchStep(reference.steps, Number(evm['pc']), 0);
      assert.equal(evm['opcode']!.split(' ')[0], step.opcode, 'opcode at the pc');

      const stack = (await scopeValues(dc, frame.id, 'Stack')).map((v) => BigInt(v.value));
      assert.deepEqual(stack, [...step.stack].reverse(), `${stop}: stack, top first`);

      const memoryRows = await scopeValues(dc, frame.id, 'Memory');
      const shown = memoryRows.map((v) => v.value.replace(/^0x/, '')).join('');
      assert.equal(shown, Buffer.from(step.memory).toString('hex'), `${stop}: memory`);
      const ref = memoryRows.find((v) => v.memoryReference)?.memoryReference;
      assert.ok(ref, 'memory rows carry a memory reference');
      const read = await dc.customRequest('readMemory', { memoryReference: ref, offset: 0, count: 96 });
      assert.equal(Buffer.from(read.body.data, 'base64').toString('hex'), Buffer.from(step.memory.subarray(0, 96)).toString('hex'));

      // Disassembly: the current instruction in the middle, with the opcodes the EVM ran around it.
      const dis = await dc.customRequest('disassemble', { memoryReference: frame.instructionPointerReference, instructionOffset: -3, instructionCount: 7 });
      const rows = dis.body.instructions as DebugProtocol.DisassembledInstruction[];
      assert.equal(rows.length, 7);
      assert.equal(rows[3]!.address, frame.instructionPointerReference);
      assert.equal(rows[3]!.instruction.split(' ')[0], step.opcode);
      const next = reference.steps[reference.steps.indexOf(step) + 1];
      if (next && next.depth === 0 && next.pc > step.pc) assert.equal(rows[4]!.instruction.split(' ')[0], next.opcode);

      if (stop === 'breakpoint') await move(dc, (a) => dc.continueRequest(a), 'exception');
    }
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.description, 'InsufficientBalance(requested: 100, available: 5)');
  } finally {
    await dc.close();
  }
});

test('bad input gets a clear error and the same adapter then debugs a good launch', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = new AdapterClient();
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-bad-'));
  try {
    const output = collectOutput(dc);
    const base = sample('vault', 'Vault: withdraw more than deposited (reverts)');
    const broken = path.join(dir, 'Broken.sol');
    writeFileSync(broken, 'pragma solidity ^0.8.0;\ncontract Broken {\n  function f() public { uint x = ; }\n}\n');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...base, program: path.join(dir, 'Missing.sol') }, /Missing\.sol does not exist/],
      [{ ...base, program: broken, contract: undefined, function: 'f' }, /Broken\.sol:3:\d+: ParserError/],
      [{ ...base, contract: 'Nope' }, /no contract "Nope"/],
      [{ ...base, function: 'nope' }, /no function "nope"/],
      [{ ...base, args: ['1', '2'] }, /takes 1 argument/],
      [{ ...base, args: ['lots'] }, /expected an integer/],
    ];
    for (const [config, message] of cases) {
      await assert.rejects(launch(dc, config), message);
    }
    assert.ok(!output.some((o) => /internal error/i.test(o)), 'no internal errors');

    // A call that runs out of gas stops where it ran out, with the reason.
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...sample('caller-callee', 'Caller: run(4)'), stopOnEntry: false, args: ['200'], gasLimit: '40000' }, () =>
      dc.setExceptionBreakpointsRequest({ filters: ['outOfGas'] }),
    );
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'exception');
    assert.match((await dc.exceptionInfoRequest({ threadId: 1 })).body.description ?? '', /out of gas/i);

    const entry = nextEvent(dc, 'stopped');
    await launch(dc, sample('vault', 'Vault: withdraw part of a deposit'));
    assert.equal(((await entry) as DebugProtocol.StoppedEvent).body.reason, 'entry');
    assert.equal((await where(dc)).name, 'Vault.withdraw');
    assert.equal(dc.process.exitCode, null, 'the adapter is still running');

    // A data breakpoint on a state variable stops where it is written, forwards and backwards.
    const frameId = (await where(dc)).frames[0]!.id;
    const state = (await dc.scopesRequest({ frameId })).body.scopes.find((sc) => sc.name === 'State')!;
    const info = await dc.customRequest('dataBreakpointInfo', { variablesReference: state.variablesReference, name: 'totalDeposits' });
    assert.ok(info.body.dataId, info.body.description);
    await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId }] });
    await move(dc, (a) => dc.continueRequest(a), 'data breakpoint');
    assert.equal((await where(dc)).line, lineOf(vault, 'totalDeposits -= amount;'));
    await move(dc, (a) => dc.stepBackRequest(a));
    await move(dc, (a) => dc.reverseContinueRequest(a), 'entry');
    await move(dc, (a) => dc.continueRequest(a), 'data breakpoint');
    assert.equal((await where(dc)).line, lineOf(vault, 'totalDeposits -= amount;'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await dc.close();
  }
});
