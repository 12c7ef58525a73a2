// Issue 3, "failing transactions explain themselves": over DAP on samples/solidity/failures, each kind of
// failure stops at its Solidity line with the decoded reason in exceptionInfo when the exception filters are
// set, a revert bubbling through two external calls is followed frame by frame, and without filters the
// session still reports how the call ended. `chainstep debug` prints the same.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { collectOutput, launch, move, nextEvent, where } from './dap-helpers.ts';
import { lineOf, nextStop, resetAdapter, root, sample, samples, scopeVariables, sharedAdapter } from './dap-issue3-helpers.ts';

const hasEvm = existsSync(path.join(root, 'debug-adapter/evm/backend.ts'));
const adapter = sharedAdapter();
const failures = path.join(samples, 'failures/Failures.sol');
const ALL_FILTERS = ['revert', 'panic', 'outOfGas'];

/** The frame VS Code selects at a stop: the first whose source is available and not deemphasized. */
function userFrame(frames: readonly DebugProtocol.StackFrame[]): DebugProtocol.StackFrame {
  const found = frames.find((f) => f.source && f.source.presentationHint !== 'deemphasize' && (f.source.path || f.source.sourceReference));
  assert.ok(found, `a frame with user source in ${frames.map((f) => f.name)}`);
  return found;
}

interface Case {
  readonly config: string;
  /** Text of the line VS Code shows at the exception stop. */
  readonly line: string;
  readonly filter: string;
  /** exceptionInfo's description. */
  readonly reason: string;
  /** How the outcome reads in the Debug Console when no filter stops the call. */
  readonly outcome: RegExp;
}

const cases: Case[] = [
  { config: 'Failures: require with a message', line: 'require(amount <= 10, "amount too large");', filter: 'revert', reason: 'Error("amount too large")', outcome: /reverted: Error\("amount too large"\)/ },
  { config: 'Failures: custom error with arguments', line: 'if (amount > available) revert InsufficientBalance', filter: 'revert', reason: 'InsufficientBalance(requested: 100, available: 5)', outcome: /reverted: InsufficientBalance\(requested: 100, available: 5\)/ },
  { config: 'Failures: panic by overflow', line: 'uint8 b = a + 200;', filter: 'panic', reason: 'Panic(0x11): arithmetic overflow or underflow', outcome: /reverted: Panic\(0x11\): arithmetic overflow or underflow/ },
  { config: 'Failures: division by zero', line: 'uint256 q = a / b;', filter: 'panic', reason: 'Panic(0x12): division or modulo by zero', outcome: /reverted: Panic\(0x12\): division or modulo by zero/ },
  { config: 'Failures: array index out of bounds', line: 'uint256 v = list[i];', filter: 'panic', reason: 'Panic(0x32): array index out of bounds', outcome: /reverted: Panic\(0x32\): array index out of bounds/ },
  { config: 'Failures: out of gas', line: 'spent += i;', filter: 'outOfGas', reason: 'out of gas', outcome: /out of gas/i },
];

test('failures: each kind stops at its line with the decoded reason; only its own filter stops it', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  const output = collectOutput(dc);
  try {
    for (const c of cases) {
      // With every filter set: an exception stop on the failing line.
      let stopped = nextStop(dc);
      await launch(dc, { ...sample('failures', c.config), stopOnEntry: false }, () => dc.setExceptionBreakpointsRequest({ filters: ALL_FILTERS }));
      assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'exception', c.config);
      // VS Code focuses the first frame with a source that is not deemphasized: a panic raised in a generated
      // Yul helper (checked_add_…, panic_error_0x11) shows on the Solidity line that called it.
      const w = userFrame((await where(dc)).frames);
      const expected = c.config.includes('out of gas')
        ? [lineOf(failures, 'spent += i;'), lineOf(failures, 'for (uint256 i = 0; i < rounds; i++)')]
        : [lineOf(failures, c.line)];
      assert.ok(expected.includes(w.line), `${c.config}: stop line ${w.line}, expected ${expected}`);
      assert.equal(w.source?.path, failures);
      const info = await dc.exceptionInfoRequest({ threadId: 1 });
      assert.equal(info.body.description, c.reason, c.config);

      // With only the other filters: no stop, the call runs to its end and the outcome says why it failed.
      const others = ALL_FILTERS.filter((f) => f !== c.filter);
      const before = output.length;
      const terminated = nextEvent(dc, 'terminated');
      let stoppedAgain = false;
      const onStop = () => (stoppedAgain = true);
      dc.once('stopped', onStop);
      await launch(dc, { ...sample('failures', c.config), stopOnEntry: false }, () => dc.setExceptionBreakpointsRequest({ filters: others }));
      await terminated;
      dc.off('stopped', onStop);
      assert.equal(stoppedAgain, false, `${c.config}: no stop without the ${c.filter} filter`);
      const reported = output.slice(before).join('');
      assert.match(reported, c.outcome, `${c.config}: outcome reported: ${reported}`);
    }
    assert.ok(!output.some((o) => /internal error/i.test(o)), 'no internal errors');
  } finally {
    await resetAdapter(dc);
  }
});

test('failures: a revert bubbling through two external calls is followed frame by frame', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  const output = collectOutput(dc);
  try {
    const reason = 'InsufficientBalance(requested: 100, available: 5)';
    const stopped = nextStop(dc);
    await launch(dc, { ...sample('failures', 'Failures: revert bubbling through two external calls'), stopOnEntry: false }, () =>
      dc.setExceptionBreakpointsRequest({ filters: ['revert'] }),
    );
    await stopped;
    let w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [
      ['Bottom.take', lineOf(failures, 'revert InsufficientBalance(amount, reserve);')],
      ['Middle.forward', lineOf(failures, 'uint256 left = bottom.take(amount);')],
      ['Failures.chain', lineOf(failures, 'uint256 left = middle.forward(amount);')],
    ]);
    assert.equal((await dc.exceptionInfoRequest({ threadId: 1 })).body.description, reason);
    // Key values in each frame: the amount passed down, the reserve it failed against.
    assert.equal((await dc.evaluateRequest({ expression: 'reserve', frameId: w.frames[0]!.id, context: 'watch' })).body.result, '5');
    for (const f of w.frames) {
      assert.equal((await dc.evaluateRequest({ expression: 'amount', frameId: f.id, context: 'watch' })).body.result, '100', f.name);
      const params = (await scopeVariables(dc, f.id, 'Parameters')).map((v) => [v.name, v.value]);
      assert.deepEqual(params, [['amount', '100']], `${f.name} parameters, its frame selected`);
    }
    // Each frame's State scope is its own contract's state.
    const stateOf = async (frameId: number) => Object.fromEntries((await scopeVariables(dc, frameId, 'State')).map((v) => [v.name, v.value]));
    assert.equal((await stateOf(w.frames[0]!.id))['reserve'], '5', 'Bottom.reserve');
    const outer = await stateOf(w.frames[2]!.id);
    assert.deepEqual([outer['list'], outer['spent']], ['[1, 2]', '0'], 'Failures state in the outer frame');
    assert.equal(outer['reserve'], undefined);

    await move(dc, (a) => dc.continueRequest(a), 'exception');
    w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [
      ['Middle.forward', lineOf(failures, 'uint256 left = bottom.take(amount);')],
      ['Failures.chain', lineOf(failures, 'uint256 left = middle.forward(amount);')],
    ]);
    const passed = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(passed.body.description, reason);
    assert.match(passed.body.details?.stackTrace ?? '', /in Middle\.forward at 0x[0-9a-f]{40}; passed up from Bottom\.take/, 'where the revert came from');
    await move(dc, (a) => dc.continueRequest(a), 'exception');
    w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [['Failures.chain', lineOf(failures, 'uint256 left = middle.forward(amount);')]]);
    assert.equal((await dc.exceptionInfoRequest({ threadId: 1 })).body.description, reason);
    // And back: reverse continue returns to the innermost revert.
    await move(dc, (a) => dc.reverseContinueRequest(a), 'exception');
    await move(dc, (a) => dc.reverseContinueRequest(a), 'exception');
    assert.equal((await where(dc)).name, 'Bottom.take');
    const terminated = nextEvent(dc, 'terminated');
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    assert.match(output.join(''), /reverted: InsufficientBalance\(requested: 100, available: 5\)/);
  } finally {
    await resetAdapter(dc);
  }
});

test('failures: a revert caught by try/catch stops only with the "caught" filter; the call returns', { skip: !hasEvm && 'EVM backend not found' }, async () => {
  const dc = adapter();
  const output = collectOutput(dc);
  try {
    const config = { ...sample('failures', 'Failures: the bubbling revert caught by try/catch'), stopOnEntry: false };
    let stoppedEarly = false;
    const onStop = () => (stoppedEarly = true);
    dc.once('stopped', onStop);
    const terminated = nextEvent(dc, 'terminated');
    await launch(dc, config, () => dc.setExceptionBreakpointsRequest({ filters: ALL_FILTERS }));
    await terminated;
    dc.off('stopped', onStop);
    assert.equal(stoppedEarly, false, 'uncaught-only: the caught revert does not stop');
    assert.match(output.join(''), /returned \(left: 0, failed: true\)/);

    const stopped = nextStop(dc);
    await launch(dc, config, () => dc.setExceptionBreakpointsRequest({ filters: [...ALL_FILTERS, 'caught'] }));
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'exception');
    const w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [
      ['Bottom.take', lineOf(failures, 'revert InsufficientBalance(amount, reserve);')],
      ['Middle.forward', lineOf(failures, 'uint256 left = bottom.take(amount);')],
      ['Failures.tryChain', lineOf(failures, 'try middle.forward(amount)')],
    ]);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.description, 'InsufficientBalance(requested: 100, available: 5)');
  } finally {
    await resetAdapter(dc);
  }
});

test('chainstep debug on the bubbling revert prints where and why, with the frames and key values', { skip: !hasEvm && 'EVM backend not found' }, () => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), 'debug', 'samples/solidity/failures/.vscode/launch.json', '--name', 'Failures: revert bubbling through two external calls', '--steps', '2', '--step-back', '0'], {
    cwd: root,
    env: { ...process.env, CHAINSTEP_FROM_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const take = lineOf(failures, 'revert InsufficientBalance(amount, reserve);');
  const forward = lineOf(failures, 'uint256 left = bottom.take(amount);');
  const chain = lineOf(failures, 'uint256 left = middle.forward(amount);');
  assert.match(r.stdout, new RegExp(`exception at Failures\\.sol:${take} in Bottom\\.take\\n.*revert InsufficientBalance\\(amount, reserve\\);\\n\\s+exception: InsufficientBalance\\(requested: 100, available: 5\\)`));
  assert.match(r.stdout, new RegExp(`call stack: Bottom\\.take \\(Failures\\.sol:${take}\\) ← Middle\\.forward \\(Failures\\.sol:${forward}\\) ← Failures\\.chain \\(Failures\\.sol:${chain}\\)`));
  assert.match(r.stdout, /parameters: amount = 100/);
  assert.match(r.stdout, /! Call reverted: InsufficientBalance\(requested: 100, available: 5\)/);
});

// VS Code shows a panic raised in a generated Yul helper on the Solidity line that called it (the helper's source
// is deemphasized); the headless printer heads the stop the same way, with the Solidity frame's values rather
// than the helper frame's (empty) ones, and still lists the helpers in the call stack.
test('chainstep debug on a panic heads the stop with the Solidity line and its values', { skip: !hasEvm && 'EVM backend not found' }, () => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), 'debug', 'samples/solidity/failures/.vscode/launch.json', '--name', 'Failures: panic by overflow', '--steps', '1', '--step-back', '0'], {
    cwd: root,
    env: { ...process.env, CHAINSTEP_FROM_SOURCE: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const line = lineOf(failures, 'uint8 b = a + 200;');
  assert.match(r.stdout, new RegExp(`exception at Failures\\.sol:${line} in Failures\\.overflow\\n.*uint8 b = a \\+ 200;\\n\\s+exception: Panic\\(0x11\\): arithmetic overflow or underflow`));
  assert.match(r.stdout, /exception: [^\n]*\n(.*\n)*?\s+parameters: a = 100/);
  assert.match(r.stdout, new RegExp(`call stack: panic_error_0x11 \\(#utility\\.yul:\\d+\\) ← checked_add_t_uint8 \\(#utility\\.yul:\\d+\\) ← Failures\\.overflow \\(Failures\\.sol:${line}\\)`));
  assert.match(r.stdout, /! Call reverted: Panic\(0x11\): arithmetic overflow or underflow/);
});
