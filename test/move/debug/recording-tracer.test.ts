// Our interpreter recorded for the debugger (RecordingTracer -> RecordingBuilder -> MoveRecording): per-step
// pc / frame / gas, the state before any step rebuilt (locals, operand stack), and a run stopped by the step
// limit described as stopped, not as a failing instruction.
import test from 'node:test';
import assert from 'node:assert/strict';
import { arithmeticLoopModule } from '../../../debug-adapter/move/vm/assemble.ts';
import { MoveVM, type RunResult } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../../../debug-adapter/move/vm/loader.ts';
import type { TraceValue } from '../../../debug-adapter/move/trace/format.ts';
import { CodeTable } from '../../../debug-adapter/move/debug/code.ts';
import { MoveExecution } from '../../../debug-adapter/move/debug/execution.ts';
import { RecordingBuilder, type MoveRecording } from '../../../debug-adapter/move/debug/recording.ts';
import { RecordingTracer } from '../../../debug-adapter/move/debug/recording-tracer.ts';

function recordLoop(iterations: bigint, stepLimit?: number): { result: RunResult; rec: MoveRecording } {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]), stepLimit !== undefined ? { stepLimit } : {});
  const builder = new RecordingBuilder();
  const result = vm.run(vm.resolveFunction('0x42::bench::loop'), [], [iterations], new RecordingTracer(builder));
  return { result, rec: builder.finish() };
}

/** A u64 stack entry or local as a bigint (undefined for anything else). */
function u64(v: TraceValue | undefined): bigint | undefined {
  return v && 'RuntimeValue' in v && v.RuntimeValue.value.type === 'U64' ? v.RuntimeValue.value.value : undefined;
}

test('steps carry pc and gas; locals and the operand stack are rebuilt at any step', () => {
  const { result, rec } = recordLoop(10n);
  assert.equal(result.kind, 'returned');
  assert.equal(rec.stepCount, result.steps);
  // Gas only goes down.
  for (let s = 1; s < rec.stepCount; s++) assert.ok(rec.gasBefore(s) <= rec.gasBefore(s - 1));
  const pcs = Array.from({ length: rec.stepCount }, (_, s) => rec.pc(s));
  const heads = pcs.flatMap((pc, s) => (pc === 4 ? [s] : []));
  assert.equal(heads.length, 11, 'the loop head runs once per iteration plus the exit test');
  let sum = 0n;
  heads.forEach((step, k) => {
    const state = rec.state(step);
    assert.equal(state.locals.size, 1);
    assert.deepEqual(state.locals.get(0)!.map(u64), [10n, BigInt(k), sum]);
    assert.equal(state.stack.length, 0);
    sum += (BigInt(k) * 3n) % 7n;
  });
  // Mid-instruction stack: before the Mul at pc 11, three values are on the stack.
  assert.deepEqual(rec.state(pcs.indexOf(11)).stack.map(u64), [0n, 0n, 3n]);
  // Stepping back after going forward rebuilds the earlier state again.
  assert.deepEqual(rec.state(heads[3]!).locals.get(0)!.map(u64), [10n, 3n, 9n]);
  const end = rec.state(rec.stepCount);
  assert.equal(end.locals.size, 0, 'the entry frame has returned at the end');
  assert.deepEqual(end.stack.map(u64), [30n], 'leaving its return value');
  assert.equal(rec.error, undefined);
});

test('a run stopped by the step limit ends the recording with that reason, not with a failed instruction', () => {
  const { result, rec } = recordLoop(1_000_000n, 500);
  assert.equal(result.kind === 'error' && result.status, 'STEP_LIMIT_REACHED');
  assert.equal(rec.stepCount, 500);
  assert.equal(rec.error, undefined, 'the last recorded instruction ran');
  assert.equal(rec.stoppedBy, 'STEP_LIMIT_REACHED');
  assert.equal(rec.state(rec.stepCount).locals.size, 1, 'the loop frame is still open');
  const x = new MoveExecution(rec, new CodeTable(undefined), { failure: { status: result.kind === 'error' ? result.status : '', message: result.kind === 'error' ? result.message : '' } });
  assert.match(x.outcome.summary, /^failed: STEP_LIMIT_REACHED: .*stopped after 500 instructions in 0x42::bench::loop \(last instruction run: pc \d+\); the run did not finish$/);
  assert.match(x.outcome.details!.join('\n'), /raise it with maxSteps/);
  assert.equal(x.exceptions.length, 1);
  assert.equal(x.exceptions[0]!.step, 499, 'the session stops at the last instruction that ran');
});
