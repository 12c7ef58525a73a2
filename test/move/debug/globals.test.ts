// Aptos-style global storage in a recording of our interpreter: a resource moved to an account and
// changed through `borrow_global_mut` shows in "Globals / objects touched" with its value at each step,
// and the reference to it shows what it points to.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Variable } from '../../../debug-adapter/core/execution.ts';
import { assembleModule } from '../../../debug-adapter/move/vm/assemble.ts';
import { MoveVM } from '../../../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../../../debug-adapter/move/vm/loader.ts';
import { Signer } from '../../../debug-adapter/move/vm/values.ts';
import { CodeTable } from '../../../debug-adapter/move/debug/code.ts';
import { MoveExecution } from '../../../debug-adapter/move/debug/execution.ts';
import { RecordingBuilder } from '../../../debug-adapter/move/debug/recording.ts';
import { RecordingTracer } from '../../../debug-adapter/move/debug/recording-tracer.ts';
import { TraceWriter } from '../../../debug-adapter/move/trace/writer.ts';
import { parseTrace } from '../../../debug-adapter/move/trace/reader.ts';

const plain = { hex: false };
const account = 'ca'.padStart(64, '0');

function storeModule() {
  const counter = { kind: 'datatype', handle: 0 } as const;
  return assembleModule({
    name: 'store',
    structs: [{ name: 'Counter', fields: [{ name: 'value', type: { kind: 'u64' } }], abilities: 0x8 | 0x4 }],
    functions: [
      {
        name: 'run',
        parameters: [{ kind: 'signer' }, { kind: 'address' }],
        returns: [],
        locals: [{ kind: 'mutableReference', to: counter }],
        code: [
          { op: 'ImmBorrowLoc', local: 0 },
          { op: 'LdU64', value: 1n },
          { op: 'Pack', def: 0 },
          { op: 'MoveTo', def: 0 },
          { op: 'MoveLoc', local: 1 },
          { op: 'MutBorrowGlobal', def: 0 },
          { op: 'StLoc', local: 2 },
          { op: 'LdU64', value: 5n },
          { op: 'CopyLoc', local: 2 },
          { op: 'MutBorrowField', handle: 0 },
          { op: 'WriteRef' },
          { op: 'MoveLoc', local: 2 },
          { op: 'Pop' },
          { op: 'Ret' },
        ],
      },
    ],
  });
}

function scope(x: MoveExecution, step: number, name: string): Variable[] {
  return x.scopes(step, 0).find((s) => s.name === name)?.children.get(undefined, 0, 100, plain) ?? [];
}

test('global resources: shown with their value at each step, references follow them', () => {
  const vm = new MoveVM(new ModuleSet([storeModule()]));
  const builder = new RecordingBuilder();
  const result = vm.run(vm.resolveFunction('0x42::store::run'), [], [new Signer(account), account], new RecordingTracer(builder));
  assert.equal(result.kind, 'returned');
  const x = new MoveExecution(builder.finish(), new CodeTable(undefined));
  const stepAtPc = (pc: number) => Array.from({ length: x.stepCount }, (_, s) => s).find((s) => x.pc(s) === pc)!;
  // After MutBorrowGlobal (pc 5) the resource is known; the reference in loc0 points to it.
  const afterBorrow = stepAtPc(7);
  const globals = scope(x, afterBorrow, 'Globals / objects touched');
  assert.deepEqual(globals.map((v) => v.value), ['Counter { value: 1 }']);
  const ref = scope(x, afterBorrow, 'Locals').find((v) => v.name === 'loc0')!;
  assert.equal(ref.value, '&mut Counter { value: 1 }');
  assert.match(ref.children!.get('named', 0, 1, plain)[0]!.value, /^object #\d+$/);
  // After the WriteRef through it, the resource and the reference show the new value.
  const afterWrite = stepAtPc(11);
  assert.deepEqual(scope(x, afterWrite, 'Globals / objects touched').map((v) => v.value), ['Counter { value: 5 }']);
  assert.equal(scope(x, afterWrite, 'Locals').find((v) => v.name === 'loc0')!.value, '&mut Counter { value: 5 }');
  assert.equal(x.evaluate(afterWrite, 0, 'loc0.value', plain).value, '5');
  // Stepping back shows the earlier value again.
  assert.deepEqual(scope(x, afterBorrow, 'Globals / objects touched').map((v) => v.value), ['Counter { value: 1 }']);
});

test('a borrowed global resource has the id the exported trace of the same run gives it', () => {
  const run = (tracer: RecordingTracer | TraceWriter) => {
    const vm = new MoveVM(new ModuleSet([storeModule()]));
    return vm.run(vm.resolveFunction('0x42::store::run'), [], [new Signer(account), account], tracer);
  };
  const writer = new TraceWriter();
  assert.equal(run(writer).kind, 'returned');
  // A global's id is the index of the DataLoad event that introduced it (MutBorrowGlobal's, after its Instruction).
  const loads = parseTrace(writer.text()).events.flatMap((e, i) => ('Effect' in e && 'DataLoad' in e.Effect ? [i] : []));
  assert.equal(loads.length, 1);
  const builder = new RecordingBuilder();
  assert.equal(run(new RecordingTracer(builder)).kind, 'returned');
  const x = new MoveExecution(builder.finish(), new CodeTable(undefined));
  const afterWrite = Array.from({ length: x.stepCount }, (_, s) => s).find((s) => x.pc(s) === 11)!;
  assert.deepEqual(scope(x, afterWrite, 'Globals / objects touched').map((v) => v.name), [`#${loads[0]} Counter`]);
  const ref = scope(x, afterWrite, 'Locals').find((v) => v.name === 'loc0')!;
  assert.equal(ref.children!.get('named', 0, 1, plain)[0]!.value, `object #${loads[0]}`);
});
