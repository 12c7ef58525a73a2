// Damaged traces (events dropped, repeated or swapped: a seeded sample of 800 cases) still
// give an Execution whose every step can be shown: frames, scopes, values, watch expressions and the
// outcome, without an exception other than a user-facing EvaluationError.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EvaluationError } from '../../../debug-adapter/core/errors.ts';
import { readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';
import type { TraceEvent } from '../../../debug-adapter/move/trace/format.ts';
import { CodeTable } from '../../../debug-adapter/move/debug/code.ts';
import { MoveExecution } from '../../../debug-adapter/move/debug/execution.ts';
import { recordTrace } from '../../../debug-adapter/move/debug/from-trace.ts';
import { loadPackage } from '../../../debug-adapter/move/package/index.ts';
import type { Variable } from '../../../debug-adapter/core/execution.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tests = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');

function mutate(events: readonly TraceEvent[], next: () => number): TraceEvent[] {
  const out = events.slice();
  const edits = 1 + (next() % 4);
  for (let k = 0; k < edits && out.length > 1; k++) {
    const i = next() % out.length;
    switch (next() % 3) {
      case 0:
        out.splice(i, 1);
        break;
      case 1:
        out.splice(i, 0, out[next() % out.length]!);
        break;
      default:
        if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
    }
  }
  return out;
}

function touch(vars: readonly Variable[], depth: number): void {
  for (const v of vars) {
    assert.equal(typeof v.value, 'string');
    if (v.children && depth > 0) touch(v.children.get(undefined, 0, 20, { hex: depth % 2 === 0 }), depth - 1);
  }
}

test('damaged traces are shown without crashing', async (t) => {
  const cases = ['references', 'global_write', 'abort_native', 'compound'];
  if (!existsSync(tests)) return t.skip('../shared/fixtures/move/sui-trace-tests not found');
  let seed = 20261125;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  let runs = 0;
  for (const name of cases) {
    const trace = readTraceFile(path.join(tests, name, 'traces', `${name}__m__test.jsonl`));
    const pkg = loadPackage(path.join(tests, name, 'build', name), { findSources: false });
    const iterations = name === 'global_write' ? 50 : 250;
    for (let i = 0; i < iterations; i++) {
      const events = mutate(trace.events, next);
      const x = new MoveExecution(recordTrace({ version: trace.version, events }), new CodeTable(pkg));
      assert.equal(typeof x.outcome.summary, 'string');
      // A sample of steps per case keeps the test fast; every step of some cases.
      const steps = i % 100 === 0 ? Array.from({ length: x.stepCount }, (_, s) => s) : [0, x.stepCount >> 1, x.stepCount - 1].filter((s) => s >= 0);
      for (const s of steps) {
        const frames = x.frames(s);
        for (let f = 0; f < frames.length; f++) {
          for (const scope of x.scopes(s, f)) touch(scope.children.get(undefined, 0, 50, { hex: false }), 2);
        }
        x.disassemble(x.instructionRef(s), -2, 5);
        for (const expr of ['p', 'v[0]', 'some_struct.simple_field + 1', 'x == y']) {
          try {
            x.evaluate(s, 0, expr, { hex: false });
          } catch (e) {
            if (!(e instanceof EvaluationError)) assert.fail(`${name} #${i} step ${s}: ${expr} threw ${(e as Error).stack}`);
          }
        }
      }
      runs++;
    }
  }
  assert.equal(runs, 800);
});
