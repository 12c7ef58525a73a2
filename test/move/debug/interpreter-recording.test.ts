// One recording format from two sources: the fixture unit tests run in our interpreter (through the
// recording tracer) give, step by step, the same recording as the real Move VM's trace of the same test:
// pc, instruction, gas, frame, and the operand stack and locals rebuilt at every step.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { loadPackage } from '../../../debug-adapter/move/package/index.ts';
import { MoveVM } from '../../../debug-adapter/move/vm/interpreter.ts';
import { registryProvider } from '../../../debug-adapter/move/vm/loader.ts';
import { readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';
import type { TraceLocation, TraceValue } from '../../../debug-adapter/move/trace/format.ts';
import { recordTrace } from '../../../debug-adapter/move/debug/from-trace.ts';
import { RecordingBuilder, type MoveRecording } from '../../../debug-adapter/move/debug/recording.ts';
import { RecordingTracer } from '../../../debug-adapter/move/debug/recording-tracer.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const tests = path.join(fixtures, 'sui-trace-tests');
const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.join(fixtures, 'sui-framework/v124', f));

function recordRun(name: string): MoveRecording {
  const pkg = loadPackage(path.join(tests, name, 'build', name), { frameworks, findSources: false });
  const vm = new MoveVM(registryProvider(pkg.registry));
  const builder = new RecordingBuilder();
  vm.run(vm.resolveFunction('0x0::m::test'), [], [], new RecordingTracer(builder));
  return builder.finish();
}

/** A stack / local entry with frame ids replaced by frame record indices (frame records are compared, not trace ids); global ids as they are. */
function canonical(rec: MoveRecording, v: TraceValue | undefined): unknown {
  if (v === undefined || 'RuntimeValue' in v) return v;
  const loc = (l: TraceLocation): unknown => {
    if ('Indexed' in l) return { Indexed: [loc(l.Indexed[0]), l.Indexed[1]] };
    if ('Local' in l) return { Local: [rec.frameByTraceId(l.Local[0]), l.Local[1]] };
    return { Global: l.Global };
  };
  return 'MutRef' in v ? { MutRef: loc(v.MutRef.location) } : { ImmRef: loc(v.ImmRef.location) };
}

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x))?.slice(0, 300);

test('interpreter recordings equal the real traces, state by state', async (t) => {
  if (!existsSync(tests) || !existsSync(frameworks[0]!)) return t.skip('../shared/fixtures/move not found');
  const packages = readdirSync(tests).filter((d) => existsSync(path.join(tests, d, 'traces'))).sort();
  let compared = 0;
  const differentShape: string[] = [];
  for (const name of packages) {
    await t.test(name, () => {
      const file = readdirSync(path.join(tests, name, 'traces')).find((f) => f.endsWith('.jsonl'))!;
      const real = recordTrace(readTraceFile(path.join(tests, name, 'traces', file)));
      const ours = recordRun(name);
      const sameShape = real.stepCount === ours.stepCount && real.frames.length === ours.frames.length &&
        real.frames.every((f, i) => f.function === ours.frames[i]!.function && f.definitionIndex === ours.frames[i]!.definitionIndex);
      if (!sameShape) {
        // The test-mode Sui framework the real run used differs from the published snapshot we run.
        differentShape.push(name);
        return;
      }
      for (let s = 0; s <= real.stepCount; s++) {
        if (s < real.stepCount) {
          assert.deepEqual([ours.pc(s), ours.opcode(s), ours.frameOf(s), ours.gasBefore(s)], [real.pc(s), real.opcode(s), real.frameOf(s), real.gasBefore(s)], `${name}: step ${s}`);
        }
        const a = real.state(s);
        const b = ours.state(s);
        assert.deepEqual(b.stack.map((v) => canonical(ours, v)), a.stack.map((v) => canonical(real, v)), `${name}: operand stack before step ${s}`);
        assert.deepEqual([...b.globals.keys()].sort(), [...a.globals.keys()].sort(), `${name}: global ids (DataLoad event indices) before step ${s}`);
        for (const [frame, locals] of a.locals) {
          const mine = b.locals.get(frame);
          assert.ok(mine, `${name}: frame ${frame} live before step ${s}`);
          for (let i = 0; i < Math.max(locals.length, mine.length); i++) {
            const x = canonical(real, locals[i]);
            const y = canonical(ours, mine[i]);
            assert.ok(isDeepStrictEqual(x, y), `${name}: local ${i} of frame ${frame} before step ${s}: trace ${show(x)}, interpreter ${show(y)}`);
          }
        }
      }
      assert.deepEqual([ours.error?.status, ours.error?.abortCode], [real.error?.status, real.error?.abortCode]);
      compared++;
    });
  }
  console.log(`interpreter vs trace recordings: ${compared} packages equal state by state; framework-shaped differences (test-mode framework): ${differentShape.join(', ') || 'none'}`);
  assert.ok(compared >= 15, `most packages compared (${compared})`);
});
