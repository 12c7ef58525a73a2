// The Move recording against the real Move VM's traces: at every step, the operand stack and locals
// rebuilt from the recording hold what the trace's own effects say they hold (each Pop takes the
// rebuilt top of the stack, each Read of a local sees the rebuilt local), and random access to any step
// (checkpoints + deltas) gives the same state as walking forward.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';
import type { Trace, TraceLocation, TraceValue } from '../../../debug-adapter/move/trace/format.ts';
import { recordTrace } from '../../../debug-adapter/move/debug/from-trace.ts';
import { CHECKPOINT_OPS, type MoveRecording, type MoveState } from '../../../debug-adapter/move/debug/recording.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tests = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');

/** Every trace of the fixtures: package traces and the on-chain replays. */
function traceFiles(): { name: string; file: string }[] {
  const out: { name: string; file: string }[] = [];
  for (const name of readdirSync(tests).sort()) {
    const dir = path.join(tests, name, 'traces');
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).sort()) if (f.endsWith('.jsonl')) out.push({ name, file: path.join(dir, f) });
    } else {
      for (const sub of readdirSync(path.join(tests, name))) {
        const f = path.join(tests, name, sub, 'trace.jsonl');
        if (existsSync(f)) out.push({ name: `${name}/${sub}`, file: f });
      }
    }
  }
  return out;
}

/** Two stack / local entries hold the same thing: equal values, or references to the same place. */
function sameEntry(a: TraceValue | undefined, b: TraceValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if ('RuntimeValue' in a && 'RuntimeValue' in b) return isDeepStrictEqual(a.RuntimeValue.value, b.RuntimeValue.value);
  const la = 'MutRef' in a ? a.MutRef.location : 'ImmRef' in a ? a.ImmRef.location : undefined;
  const lb = 'MutRef' in b ? b.MutRef.location : 'ImmRef' in b ? b.ImmRef.location : undefined;
  return la !== undefined && isDeepStrictEqual(la, lb) && ('MutRef' in a) === ('MutRef' in b);
}

const show = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x))?.slice(0, 300);

/**
 * Walks the trace's events next to the recording and checks each step's effects against the state the
 * recording rebuilds for that step. Returns the number of checks made.
 */
function checkAgainstEffects(trace: Trace, rec: MoveRecording, name: string): number {
  let step = -1;
  let state: MoveState | undefined;
  let popsSeen = 0;
  let checks = 0;
  const localOf = (loc: TraceLocation): TraceValue | undefined | 'skip' => {
    if (!('Local' in loc)) return 'skip';
    const frame = rec.frameByTraceId(loc.Local[0]);
    assert.ok(frame >= 0, `${name}: step ${step} reads a local of unknown frame ${loc.Local[0]}`);
    return state!.locals.get(frame)?.[loc.Local[1]];
  };
  for (const e of trace.events) {
    if ('Instruction' in e) {
      step++;
      assert.equal(rec.pc(step), e.Instruction.pc, `${name}: pc of step ${step}`);
      assert.equal(rec.opcode(step), e.Instruction.instruction, `${name}: instruction of step ${step}`);
      assert.equal(rec.gasAfter(step), Number(e.Instruction.gas_left), `${name}: gas after step ${step}`);
      state = rec.state(step);
      popsSeen = 0;
      continue;
    }
    if (!('Effect' in e) || !state) continue;
    const effect = e.Effect;
    if ('Pop' in effect) {
      // The n-th Pop of an instruction takes the n-th entry from the top of the stack before it.
      const expected = state.stack[state.stack.length - 1 - popsSeen];
      assert.ok(sameEntry(expected, effect.Pop), `${name}: step ${step} (${rec.opcode(step)}) pops ${show(effect.Pop)}, the rebuilt stack has ${show(expected)} there`);
      popsSeen++;
      checks++;
    } else if ('Read' in effect && 'Local' in effect.Read.location && popsSeen === 0) {
      // A read before any pop of the same instruction sees the local as it was before the instruction.
      const local = localOf(effect.Read.location);
      if (local !== 'skip') {
        assert.ok(sameEntry(local, effect.Read.root_value_read), `${name}: step ${step} reads local ${show(effect.Read.location)} = ${show(effect.Read.root_value_read)}, rebuilt ${show(local)}`);
        checks++;
      }
    }
  }
  assert.equal(step + 1, rec.stepCount, `${name}: one step per Instruction event`);
  return checks;
}

test('recording: every fixture trace rebuilds states that match its effects', async (t) => {
  if (!existsSync(tests)) return t.skip('../shared/fixtures/move/sui-trace-tests not found');
  const files = traceFiles();
  assert.ok(files.length >= 29, `the fixture traces are there (${files.length})`);
  let total = 0;
  for (const { name, file } of files) {
    await t.test(name, () => {
      const trace = readTraceFile(file);
      const rec = recordTrace(trace);
      assert.ok(rec.stepCount > 0, `${name}: has steps`);
      assert.deepEqual(rec.warnings, [], `${name}: no malformed events`);
      total += checkAgainstEffects(trace, rec, name);
    });
  }
  assert.ok(total > 1500, `a substantial number of pops and reads were checked (${total})`);
});

test('recording: random access across checkpoints gives the same state as walking forward', (t) => {
  const file = path.join(tests, 'global_write/traces/global_write__m__test.jsonl');
  if (!existsSync(file)) return t.skip('../shared/fixtures/move/sui-trace-tests/global_write not found');
  const trace = readTraceFile(file);
  const forward = recordTrace(trace);
  const snapshots = Array.from({ length: forward.stepCount + 1 }, (_, s) => structuredClone(forward.state(s)));
  const random = recordTrace(trace);
  // A trace long enough to need several checkpoints.
  assert.ok(trace.events.length > 2 * CHECKPOINT_OPS, 'several checkpoints');
  let seed = 7;
  for (let i = 0; i < 300; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const s = seed % (forward.stepCount + 1);
    assert.deepEqual(random.state(s), snapshots[s], `state at step ${s}`);
  }
});

test('recording: frames, calls, returns and the abort of a trace', (t) => {
  const file = path.join(tests, 'abort_assert/traces/abort_assert__m__test.jsonl');
  if (!existsSync(file)) return t.skip('../shared/fixtures/move/sui-trace-tests/abort_assert not found');
  const rec = recordTrace(readTraceFile(file));
  assert.deepEqual(rec.frames.map((f) => [f.function, f.depth, f.parent, f.callStep]), [['test', 0, -1, -1], ['foo', 1, 0, 1]]);
  // foo(42): its parameter was popped from test's stack into foo's local 0.
  const entry = rec.frames[1]!.firstStep;
  assert.equal(rec.state(entry).stack.length, 0);
  assert.deepEqual(rec.state(entry).locals.get(1)?.[0], { RuntimeValue: { value: { type: 'U64', value: 42n } } });
  assert.equal(rec.error?.status, 'ABORTED');
  assert.equal(rec.error?.abortCode, 9223372066919546879n);
  assert.equal(rec.error?.step, rec.stepCount - 1);
  // Gas before a step is gas after the previous one.
  for (let s = 1; s < rec.stepCount; s++) assert.equal(rec.gasBefore(s), rec.gasAfter(s - 1));
});

test('recording: a native that aborts leaves its frame open as the failing frame', (t) => {
  const file = path.join(tests, 'abort_native/traces/abort_native__m__test.jsonl');
  if (!existsSync(file)) return t.skip('../shared/fixtures/move/sui-trace-tests/abort_native not found');
  const rec = recordTrace(readTraceFile(file));
  const failing = rec.frames[rec.error!.frame]!;
  assert.deepEqual([failing.module, failing.function, failing.isNative], ['address', 'from_bytes', true]);
  assert.equal(rec.error!.abortCode, undefined, 'the trace does not say which code a native aborted with');
  assert.equal(rec.opcode(rec.error!.step), 'CALL');
});
