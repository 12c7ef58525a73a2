// The recording rebuilds, at every step, exactly the state the EVM itself reports through its (slow) `step`
// event for the same call on an identically prepared chain.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEvm, prepareCall } from '../../debug-adapter/evm/backend.ts';
import { EvmExecution } from '../../debug-adapter/evm/debug/execution.ts';
import { record } from '../../debug-adapter/evm/record/recorder.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = path.join(here, 'contracts', 'Pair.sol');
const signal = new AbortController().signal;

interface Observed { pc: number; depth: number; gasLeft: bigint; stack: bigint[]; memory: Uint8Array; op: string }

async function observe(config: Record<string, unknown>): Promise<Observed[]> {
  const p = await prepareCall({ program, ...config }, () => {}, signal);
  const seen: Observed[] = [];
  p.chain.evm.events.on('step', (e: { pc: number; depth: number; gasLeft: bigint; stack: bigint[]; memory: Uint8Array; opcode: { name: string } }) => {
    seen.push({ pc: e.pc, depth: e.depth, gasLeft: e.gasLeft, stack: [...e.stack], memory: e.memory.slice(), op: e.opcode.name });
  });
  await p.chain.call({ from: p.from, to: p.address, data: p.calldata, value: p.value, gasLimit: p.gasLimit });
  return seen;
}

async function compare(config: Record<string, unknown>): Promise<EvmExecution> {
  const expected = await observe(config);
  const ex = await launchEvm({ program, ...config }, () => {}, signal);
  assert.equal(ex.stepCount, expected.length, 'one recorded step per executed instruction');
  for (let s = 0; s < ex.stepCount; s++) {
    const e = expected[s]!;
    assert.equal(ex.pc(s), e.pc, `pc at step ${s}`);
    assert.equal(ex.context(s).depth, e.depth, `call depth at step ${s}`);
    assert.equal(BigInt(ex.gasLeft(s)), e.gasLeft, `gas left at step ${s} (${e.op})`);
    const state = ex.stateAt(s);
    assert.deepEqual(state.stack, e.stack, `stack at step ${s} (${e.op})`);
    assert.deepEqual([...state.memory], [...e.memory], `memory at step ${s} (${e.op})`);
  }
  return ex;
}

test('stack, memory, gas and pc at every step equal the EVM step event (internal, library and external calls)', async () => {
  const ex = await compare({ function: 'run', args: ['3'] });
  assert.equal(ex.outcome.success, true);
  assert.equal(ex.outcome.summary, 'returned (total: 9)');
  assert.deepEqual(ex.output.map((o) => o.text), ['emit Bumped(by: 0x5FbDB2315678afecb367f032d93F642f64180aa3, amount: 9)']);
});

test('a revert with a custom error is recorded where it happens, with its decoded reason', async () => {
  const ex = await compare({ function: 'fail', args: [5] });
  assert.equal(ex.outcome.success, false);
  assert.equal(ex.outcome.summary, 'reverted: NotEnough(requested: 5, available: 0)');
  assert.equal(ex.exceptions.length, 1);
  const [e] = ex.exceptions;
  assert.equal(e!.kind, 'revert');
  assert.equal(e!.step, ex.stepCount - 1);
  assert.equal(ex.location(e!.step)?.line, 54);
});

test('an arithmetic overflow is a panic with its meaning', async () => {
  const ex = await compare({ function: 'overflow', args: [10] });
  assert.equal(ex.exceptions[0]?.kind, 'panic');
  assert.equal(ex.exceptions[0]?.summary, 'Panic(0x11): arithmetic overflow or underflow');
});

test('an endless loop stops when gas runs out, on the failing instruction', async () => {
  const ex = await compare({ function: 'burn', gasLimit: 30000 });
  assert.equal(ex.outcome.success, false);
  assert.equal(ex.outcome.summary, 'out of gas');
  const e = ex.exceptions[0]!;
  assert.equal(e.kind, 'outOfGas');
  assert.equal(e.step, ex.stepCount - 1);
  // The loop `while (true) {}` (line 62) jumps back at its closing brace (line 63).
  assert.ok([62, 63].includes(ex.location(e.step)!.line), `failing line ${ex.location(e.step)!.line}`);
  assert.equal(ex.frames(e.step)[0]?.name, 'Caller.burn');
});

test('storage writes are visible from the step after them, and data breakpoints find the writes', async () => {
  const ex = await launchEvm({ program, function: 'run', args: [2] }, () => {}, signal);
  // `counter` is set in the constructor, never in this call.
  const target = ex.dataTarget(0, 0, 'counter');
  assert.ok(target);
  assert.deepEqual(ex.writeSteps(target.dataId), []);
  // The Counter's `count` is written once, inside the nested call.
  const bumpStep = [...Array(ex.stepCount).keys()].find((s) => ex.frames(s)[0]?.name === 'Counter.bump')!;
  const countTarget = ex.dataTarget(bumpStep, 0, 'count')!;
  const countWrites = ex.writeSteps(countTarget.dataId);
  assert.equal(countWrites.length, 1);
  const w = countWrites[0]!;
  const address = ex.context(w).address;
  assert.equal(ex.storageAt(address, 0n, w), 0n);
  assert.equal(ex.storageAt(address, 0n, w + 1), 4n);
});

test('cancelling stops the recording, also in the middle of a long call', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(launchEvm({ program, function: 'burn' }, () => {}, controller.signal), /cancelled/);
  const midway = new AbortController();
  const messages: string[] = [];
  const progress = (message: string): void => {
    messages.push(message);
    if (message.startsWith('Recording')) midway.abort();
  };
  await assert.rejects(launchEvm({ program, function: 'burn', gasLimit: 4_000_000_000 }, progress, midway.signal), /cancelled/);
  assert.deepEqual(messages.slice(0, 3), ['Compiling', 'Deploying Caller', 'Running Caller.burn']);
  assert.match(messages[messages.length - 1]!, /^Recording: 0\.1M steps/);
});

test('values recomputed on replay (arithmetic, signed, bit and memory opcodes) equal the EVM', async () => {
  const alu = path.join(here, 'contracts', 'Alu.sol');
  for (const args of [['-12345', '0x1234567890abcdef', '0xff01'], ['7', '0xff', '0x'], ['-57896044618658097711785492504343953926634992332820282019728792003956564819968', '3', '0x00']]) {
    const expected: bigint[][] = [];
    const p = await prepareCall({ program: alu, function: 'mix', args }, () => {}, signal);
    p.chain.evm.events.on('step', (e: { stack: bigint[] }) => { expected.push([...e.stack]); });
    await p.chain.call({ from: p.from, to: p.address, data: p.calldata, value: p.value, gasLimit: p.gasLimit });
    const ex = await launchEvm({ program: alu, function: 'mix', args }, () => {}, signal);
    assert.equal(ex.stepCount, expected.length);
    assert.equal(ex.outcome.success, true);
    for (let s = 0; s < ex.stepCount; s++) assert.deepEqual(ex.stateAt(s).stack, expected[s], `stack at step ${s}`);
  }
});

test('CREATE, CREATE2, STATICCALL, DELEGATECALL into a library, unknown code, a caught revert and a precompile', async () => {
  const factory = path.join(here, 'contracts', 'Factory.sol');
  const expected: Observed[] = [];
  const p = await prepareCall({ program: factory, function: 'build', args: [5] }, () => {}, signal);
  p.chain.evm.events.on('step', (e: { pc: number; depth: number; gasLeft: bigint; stack: bigint[]; memory: Uint8Array; opcode: { name: string } }) => {
    expected.push({ pc: e.pc, depth: e.depth, gasLeft: e.gasLeft, stack: [...e.stack], memory: e.memory.slice(), op: e.opcode.name });
  });
  await p.chain.call({ from: p.from, to: p.address, data: p.calldata, value: p.value, gasLimit: p.gasLimit });
  const ex = await launchEvm({ program: factory, function: 'build', args: [5] }, () => {}, signal);
  assert.equal(ex.stepCount, expected.length);
  for (let s = 0; s < ex.stepCount; s++) {
    const e = expected[s]!;
    assert.equal(ex.pc(s), e.pc, `pc at step ${s}`);
    assert.equal(ex.context(s).depth, e.depth, `depth at step ${s}`);
    assert.deepEqual(ex.stateAt(s).stack, e.stack, `stack at step ${s} (${e.op})`);
    assert.deepEqual([...ex.stateAt(s).memory], [...e.memory], `memory at step ${s} (${e.op})`);
  }
  assert.equal(ex.outcome.success, true);
  // The caught revert of `this.explode()` is an exception a user can choose to stop on.
  assert.deepEqual(ex.exceptions.map((x) => [x.kind, x.caught, x.summary]), [['revert', true, 'Error("boom")']]);
  const outer = new Set<string>();
  for (let s = 0; s < ex.stepCount; s++) {
    const frames = ex.frames(s).filter((f) => f.hint !== 'subtle' || f.name.includes('unknown code'));
    if (frames.length > 1) outer.add(frames[0]!.name.replace(/0x[0-9a-f]{4}…[0-9a-f]{4}/, '<address>'));
  }
  assert.deepEqual([...outer], ['Child.constructor', 'Child.twice', 'Tally.add', '<address> (unknown code)', 'Factory.explode']);
  const kinds = new Set<string>();
  for (let s = 0; s < ex.stepCount; s++) kinds.add(ex.context(s).kind);
  assert.deepEqual([...kinds].sort(), ['CALL', 'CREATE', 'CREATE2', 'DELEGATECALL', 'STATICCALL', 'TX']);
  // After the call into unknown code returns, the returndata buffer holds its 42.
  const rawCall = [...Array(ex.stepCount).keys()].find((s) => ex.context(s).kind === 'CALL')!;
  const back = [...Array(ex.stepCount).keys()].find((s) => s > rawCall && ex.context(s).kind === 'TX')!;
  assert.equal(BigInt(`0x${Buffer.from(ex.returnDataAt(back)).toString('hex')}`), 42n);
  assert.equal(ex.returnDataAt(rawCall).length, 0);
  // Under DELEGATECALL the library runs on the factory's storage.
  const inLibrary = [...Array(ex.stepCount).keys()].find((s) => ex.context(s).kind === 'DELEGATECALL')!;
  assert.equal(ex.context(inLibrary).address, ex.context(0).address);
});

test('with checkpoints every few steps (and memory snapshots shared between them) every step still rebuilds exactly', async () => {
  for (const [file, fn, args] of [['Factory.sol', 'build', [7]], ['Pair.sol', 'run', [3]], ['Alu.sol', 'mix', ['-9', '0xabcdef', '0x0102']]] as const) {
    const config = { program: path.join(here, 'contracts', file), function: fn, args: [...args] };
    const expected: { stack: bigint[]; memory: Uint8Array }[] = [];
    const observed = await prepareCall(config, () => {}, signal);
    observed.chain.evm.events.on('step', (e: { stack: bigint[]; memory: Uint8Array }) => { expected.push({ stack: [...e.stack], memory: e.memory.slice() }); });
    await observed.chain.call({ from: observed.from, to: observed.address, data: observed.calldata, value: observed.value, gasLimit: observed.gasLimit });
    for (const interval of [1, 7, 64]) {
      const p = await prepareCall(config, () => {}, signal);
      const { recording } = await record(p.chain.evm, () => p.chain.call({ from: p.from, to: p.address, data: p.calldata, value: p.value, gasLimit: p.gasLimit }), { checkpointInterval: interval });
      const ex = new EvmExecution({ project: p.project, recording, fn: p.fn, initialStorage: () => 0n });
      assert.equal(ex.stepCount, expected.length);
      for (let s = ex.stepCount - 1; s >= 0; s--) {
        const state = ex.stateAt(s);
        assert.deepEqual(state.stack, expected[s]!.stack, `${file} interval ${interval}: stack at step ${s}`);
        assert.deepEqual([...state.memory], [...expected[s]!.memory], `${file} interval ${interval}: memory at step ${s}`);
      }
    }
  }
});

test('storage written by a call that reverted is restored after the revert', async () => {
  const ex = await launchEvm({ program: path.join(here, 'contracts', 'Undo.sol'), function: 'attempt', args: [7] }, () => {}, signal);
  assert.equal(ex.outcome.summary, 'returned (11)');
  const target = ex.dataTarget(0, 0, 'value')!;
  const writes = ex.writeSteps(target.dataId);
  assert.equal(writes.length, 2);
  const address = ex.context(0).address;
  const [inner, outer] = writes as [number, number];
  assert.equal(ex.context(inner).kind, 'CALL');
  assert.equal(ex.storageAt(address, 0n, inner), 1n);
  assert.equal(ex.storageAt(address, 0n, inner + 1), 7n, 'visible inside the call before it reverts');
  assert.equal(ex.storageAt(address, 0n, outer), 1n, 'restored after the revert');
  assert.equal(ex.storageAt(address, 0n, outer + 1), 11n);
  const state = ex.scopes(outer, 0).find((s) => s.name === 'State')!.children.get(undefined, 0, 10, { hex: false });
  assert.equal(state.find((v) => v.name === 'value')!.value, '1');
});

test('data breakpoints on a mapping entry watch its slot', async () => {
  const ex = await launchEvm({ program, function: 'run', args: [2] }, () => {}, signal);
  const end = ex.stepCount - 1;
  const sender = ex.context(0).caller;
  const entry = ex.dataTarget(end, 0, `[${sender}]`, 'totals');
  assert.ok(entry, 'totals[sender] can be watched');
  const writes = ex.writeSteps(entry.dataId);
  assert.equal(writes.length, 1);
  assert.equal(ex.location(writes[0]!)!.line, 48);
  assert.equal(ex.dataTarget(end, 0, 'totals'), undefined, 'a whole mapping is not a value');
  assert.equal(ex.dataTarget(end, 0, 'nosuch'), undefined);
});

test('a call longer than the step limit is refused with advice instead of exhausting memory', async () => {
  await assert.rejects(launchEvm({ program, function: 'burn', gasLimit: 4_000_000_000, maxSteps: 200_000 }, () => {}, signal),
    /the call ran more than 200,000 steps, more than a recording can hold; lower gasLimit \(now 4000000000\)/);
});
