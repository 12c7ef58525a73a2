// Move gas per line as the extension receives it (`chainstep/lineGas`): a real Sui VM trace with sources of
// our own (sourced-build.ts). The oracle is the trace itself: gas_left at the first frame minus gas_left at
// the end is what the call spent, and every unit of it is on a line or in the unmapped bucket.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GasReport } from '../../../debug-adapter/core/line-gas.ts';
import type { LineGasEvent } from '../../../protocol/gas.ts';
import { flameBoxes } from '../../../extension/gas-flame.ts';
import { measuredFunctions } from '../../../extension/gas-hints.ts';
import { AdapterClient, launch, nextEvent } from '../../session/dap-helpers.ts';
import { sourcedBuild } from './sourced-build.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tests = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');
const skip = !existsSync(tests) && '../shared/fixtures/move not found';

test('Move: gas per line from a real trace adds up to the gas the trace spent', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-gas-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { source, lineOf } = sourcedBuild(tests, dir);
  const trace = path.join(tests, 'stepping_call/traces/stepping_call__m__test.jsonl');
  const gasLeft = [...readFileSync(trace, 'utf8').matchAll(/"gas_left":(\d+)/g)].map((m) => Number(m[1]));
  const spent = gasLeft[0]! - gasLeft[gasLeft.length - 1]!;
  assert.ok(spent > 0);

  const dc = new AdapterClient();
  try {
    const event = nextEvent(dc, 'chainstep/lineGas');
    await launch(dc, { type: 'chainstep', request: 'launch', program: dir, trace, noDebug: true });
    const report = ((await event) as DebugProtocol.Event).body as GasReport & { vm: string; gasUsed: number };
    assert.equal(report.vm, 'move');
    assert.equal(report.total, spent);
    assert.equal(report.gasUsed, spent);
    assert.equal(report.lines.reduce((s, l) => s + l.gas, 0) + report.unmapped, spent);
    // foo's three statements (sourced-build.ts) each ran once and spent gas on their instructions.
    for (const offset of [440, 479, 509]) {
      const line = report.lines.find((l) => l.path === source && l.line === lineOf(offset));
      assert.ok(line, `line ${lineOf(offset)} ran`);
      assert.equal(line.count, 1);
      assert.ok(line.gas > 0);
      assert.equal(line.breakdown.reduce((s, b) => s + b.gas, 0), line.gas);
    }
  } finally {
    await dc.stop();
  }
});

const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.join(tests, '../sui-framework/v124', f));

test('Move: our interpreter charges the Sui schedule: the run spends what the real VM\'s trace spent', {
  skip: skip || (!existsSync(frameworks[0]!) && 'sui-framework snapshot not found'),
}, async () => {
  const trace = path.join(tests, 'stepping_call/traces/stepping_call__m__test.jsonl');
  const gasLeft = [...readFileSync(trace, 'utf8').matchAll(/"gas_left":(\d+)/g)].map((m) => Number(m[1]));
  const dc = new AdapterClient();
  try {
    const event = nextEvent(dc, 'chainstep/lineGas');
    await launch(dc, { type: 'chainstep', request: 'launch', program: path.join(tests, 'stepping_call'), function: '0x0::m::test', frameworks, noDebug: true });
    const report = ((await event) as DebugProtocol.Event).body as GasReport & { gasUsed: number };
    assert.equal(report.total, report.gasUsed);
    assert.equal(report.lines.reduce((s, l) => s + l.gas, 0) + report.unmapped, report.total);
    assert.equal(report.gasUsed, gasLeft[0]! - gasLeft[gasLeft.length - 1]!, 'same gas as the real Sui VM');
    assert.equal(report.calls?.name, '0x0::m::test');
  } finally {
    await dc.stop();
  }
});

test('Move: per-line gas, counts, hover breakdown and call tree from our interpreter equal the real Sui VM trace\'s, line by line', {
  skip: skip || (!existsSync(frameworks[0]!) && 'sui-framework snapshot not found'),
}, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-gas-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { source } = sourcedBuild(tests, dir);
  const trace = path.join(tests, 'stepping_call/traces/stepping_call__m__test.jsonl');
  const run = async (config: Record<string, unknown>): Promise<LineGasEvent> => {
    const dc = new AdapterClient();
    try {
      const event = nextEvent(dc, 'chainstep/lineGas');
      await launch(dc, { type: 'chainstep', request: 'launch', program: dir, noDebug: true, ...config });
      return ((await event) as DebugProtocol.Event).body as LineGasEvent;
    } finally {
      await dc.stop();
    }
  };
  const real = await run({ trace });
  const ours = await run({ function: '0x0::m::test', frameworks });
  assert.ok(real.lines.some((l) => l.path === source), 'the real trace has lines in the source');
  assert.deepEqual(ours.lines, real.lines);
  assert.deepEqual(ours.calls, real.calls, 'the flame graph\'s call tree');
  // Every Move call is a box of the flame graph that opens its source: test -> foo -> bar (3×), baz (2×).
  const boxes = flameBoxes(ours.calls!);
  assert.deepEqual(boxes.map((b) => [b.name, b.count, b.path]), [
    ['0x0::m::test', 1, source], ['0x0::m::foo', 1, source], ['0x0::m::bar', 3, source], ['0x0::m::baz', 2, source],
  ]);
  assert.equal(boxes[0]!.gas, ours.gasUsed);
  // The function lenses of m.move: the entry's gas is the call's, each callee's is inclusive over its calls.
  const lenses = measuredFunctions(ours).map((f) => [f.container, f.name, f.calls, f.gas]);
  const inTree = (name: string) => boxes.find((b) => b.name === `0x0::m::${name}`)!.gas;
  assert.deepEqual(lenses, [['m', 'test', 1, ours.gasUsed], ['m', 'foo', 1, inTree('foo')], ['m', 'bar', 3, inTree('bar')], ['m', 'baz', 2, inTree('baz')]]);
  assert.ok(ours.lines.every((l) => l.breakdown.every((b) => b.label.startsWith('instructions: ') || b.label.startsWith('native '))), 'Move kinds');
});

test('Move: a call to a native is shown under the native\'s name with what the real trace charged for it', { skip }, async () => {
  const trace = path.join(tests, 'native_fun/traces/native_fun__m__test.jsonl');
  // The oracle, read here from the trace: a native call costs its CALL instruction (gas left before it, at
  // the previous event with gas_left, minus at the CALL) and the native itself (down to its CloseFrame).
  type Event = Record<string, { gas_left?: number; frame?: { frame_id: number; is_native: boolean; function_name: string; module: { name: string } }; frame_id?: number }>;
  const events = readFileSync(trace, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Event);
  const gasOf = (e: Event): number | undefined => e.Instruction?.gas_left ?? e.CloseFrame?.gas_left;
  const expected = new Map<string, { count: number; gas: number }>();
  events.forEach((e, i) => {
    const frame = e.OpenFrame?.frame;
    if (!frame?.is_native) return;
    const before = events.slice(0, i - 1).reverse().find((x) => gasOf(x) !== undefined)!;
    const close = events.slice(i).find((x) => x.CloseFrame?.frame_id === frame.frame_id)!;
    const label = `native ${frame.module.name}::${frame.function_name}`;
    const t = expected.get(label) ?? { count: 0, gas: 0 };
    expected.set(label, { count: t.count + 1, gas: t.gas + gasOf(before)! - gasOf(close)! });
  });
  assert.ok(expected.size >= 2, [...expected.keys()].join(', '));
  const dc = new AdapterClient();
  try {
    const event = nextEvent(dc, 'chainstep/lineGas');
    await launch(dc, { type: 'chainstep', request: 'launch', program: path.join(tests, 'native_fun'), trace, noDebug: true });
    const report = ((await event) as DebugProtocol.Event).body as LineGasEvent;
    const shown = new Map<string, { count: number; gas: number }>();
    for (const item of [...report.lines.flatMap((l) => l.breakdown), ...report.unmappedBreakdown]) {
      if (!item.label.startsWith('native ')) continue;
      const t = shown.get(item.label) ?? { count: 0, gas: 0 };
      shown.set(item.label, { count: t.count + item.count, gas: t.gas + item.gas });
    }
    assert.deepEqual(shown, expected);
  } finally {
    await dc.stop();
  }
});
