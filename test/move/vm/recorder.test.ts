// The debugger's recording: per-step pc / frame / gas, and the state before any step rebuilt from the
// event log (locals, operand stack, what references pointed to at that moment).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { arithmeticLoopModule } from '../../../debug-adapter/move/vm/assemble.ts';
import { MoveVM } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet, registryProvider } from '../../../debug-adapter/move/vm/loader.ts';
import { Recorder } from '../../../debug-adapter/move/vm/recorder.ts';
import { Reference, StructValue } from '../../../debug-adapter/move/vm/values.ts';
import { loadPackage } from '../../../debug-adapter/move/package/index.ts';
import { TraceWriter } from '../../../debug-adapter/move/trace/writer.ts';
import { parseTrace } from '../../../debug-adapter/move/trace/reader.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');

test('steps carry pc and gas; locals are rebuilt at any step', () => {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]));
  const rec = new Recorder();
  const result = vm.run(vm.resolveFunction('0x42::bench::loop'), [], [10n], rec);
  rec.finish();
  assert.equal(result.kind, 'returned');
  assert.equal(rec.stepCount, result.steps);
  // Gas only goes down, and the last step's gas minus what it cost is what is left.
  for (let s = 1; s < rec.stepCount; s++) assert.ok(rec.gasBefore[s]! <= rec.gasBefore[s - 1]!);
  const heads = [...rec.pcs.subarray(0, rec.stepCount)].flatMap((pc, s) => (pc === 4 ? [s] : []));
  assert.equal(heads.length, 11, 'the loop head runs once per iteration plus the exit test');
  let sum = 0n;
  heads.forEach((step, k) => {
    const state = rec.stateAt(step);
    assert.equal(state.frames.length, 1);
    assert.deepEqual(state.frames[0]!.locals, [10n, BigInt(k), sum]);
    assert.equal(state.stack.length, 0);
    sum += (BigInt(k) * 3n) % 7n;
  });
  // Mid-instruction stack: before the Mul at pc 11, three values are on the stack.
  const mul = [...rec.pcs.subarray(0, rec.stepCount)].indexOf(11);
  assert.deepEqual(rec.stateAt(mul).stack, [0n, 0n, 3n]);
  const end = rec.stateAt(rec.stepCount);
  assert.equal(end.frames.length, 0, 'the entry frame has returned at the end');
  assert.deepEqual(end.stack, [30n], 'leaving its return value');
});

test('references resolve to what they pointed to at each step (references fixture)', (t) => {
  const build = path.join(fixtures, 'sui-trace-tests/references/build/references');
  if (!existsSync(build)) return t.skip('../shared/fixtures/move not found');
  const pkg = loadPackage(build, { frameworks: ['0x1.bcs', '0x2.bcs'].map((f) => path.join(fixtures, 'sui-framework/v124', f)), findSources: false });
  const vm = new MoveVM(registryProvider(pkg.registry));
  const rec = new Recorder();
  vm.run(vm.resolveFunction('0x0::m::test'), [], [], rec);
  rec.finish();
  // Same steps as the exported trace.
  const writer = new TraceWriter();
  new MoveVM(registryProvider(pkg.registry)).run(vm.resolveFunction('0x0::m::test'), [], [], writer);
  const tracePcs = parseTrace(writer.text()).events.flatMap((e) => ('Instruction' in e ? [e.Instruction.pc] : []));
  assert.deepEqual([...rec.pcs.subarray(0, rec.stepCount)], tracePcs);

  const foo = rec.frames.find((f) => f.fn.name === 'foo')!;
  const first = foo.firstStep;
  const last = first + 27; // foo has no branches: step first + k runs pc k; pc 27 moves the reference out
  const simpleField = (step: number) => {
    const state = rec.stateAt(step);
    const frame = state.frames.find((f) => f.record === foo)!;
    const target = rec.resolveReference(state, frame.locals[0] as Reference) as StructValue;
    return target.fields[1];
  };
  assert.equal(simpleField(first), 0n, 'before foo writes through its &mut SomeStruct');
  assert.equal(simpleField(last), 42n, 'after the write');
  assert.equal(rec.pcs[last], 27);
  assert.equal(rec.stateAt(last).frames.length, 2, 'test and foo are live');
  assert.equal(rec.stateAt(last).frames[0]!.pc, 13, 'the caller is at its call instruction');
});

test('a run stopped by the step limit tells the recorder why', () => {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]), { stepLimit: 500 });
  const rec = new Recorder();
  const r = vm.run(vm.resolveFunction('0x42::bench::loop'), [], [1_000_000n], rec);
  rec.finish();
  assert.equal(r.kind === 'error' && r.status, 'STEP_LIMIT_REACHED');
  assert.equal(rec.failure, 'STEP_LIMIT_REACHED');
  assert.equal(rec.stepCount, 500);
  assert.equal(rec.stateAt(rec.stepCount).frames.length, 1, 'the loop frame is still open');
});
