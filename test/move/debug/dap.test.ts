// DAP tests of Move debugging against the real adapter process (`node bin/chainstep.js dap`) on the
// fixtures (real Sui build output and real Move VM traces). The fixtures ship no `.move` sources, so the
// session works at instruction level: disassembly view, instruction breakpoints, stepping both ways,
// locals by their debug-info names with the values the trace says they hold, and aborts. The same
// session runs the fixture test functions in our interpreter instead of reading the trace.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AdapterClient, launch, move, nextEvent, where } from '../../session/dap-helpers.ts';
import { sourcedBuild } from './sourced-build.ts';
import { readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';
import type { TraceEvent, TraceValue } from '../../../debug-adapter/move/trace/format.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const tests = path.join(fixtures, 'sui-trace-tests');
const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.join(fixtures, 'sui-framework/v124', f));
const skip = !existsSync(tests) && '../shared/fixtures/move not found';


function traceConfig(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'chainstep',
    request: 'launch',
    program: path.join(tests, name, 'build', name),
    trace: path.join(tests, name, 'traces', `${name}__m__test.jsonl`),
    ...extra,
  };
}

function runConfig(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'chainstep', request: 'launch', program: path.join(tests, name), function: '0x0::m::test', frameworks, ...extra };
}

const I = { threadId: 1, granularity: 'instruction' as const };

async function top(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
}

async function variables(dc: DebugClient, frameId: number): Promise<Map<string, Map<string, string>>> {
  const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
  const out = new Map<string, Map<string, string>>();
  for (const s of scopes) {
    const vars = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
    out.set(s.name, new Map(vars.map((v) => [v.name, v.value])));
  }
  return out;
}

/** Instruction steps from the current stop until the innermost frame's name changes. */
async function stepUntilFrame(dc: DebugClient, name: string, limit = 200): Promise<DebugProtocol.StackFrame> {
  for (let i = 0; i < limit; i++) {
    const f = await top(dc);
    if (f.name === name) return f;
    await move(dc, () => dc.stepInRequest(I));
  }
  throw new Error(`never reached ${name}`);
}

/**
 * An independent reading of the trace: the value each local of a frame holds just before the n-th
 * instruction, from the OpenFrame parameters and the Write / moving Read effects on `Local` locations.
 */
function localsFromTrace(events: readonly TraceEvent[], frameId: number, beforeInstruction: number): Map<number, TraceValue | undefined> {
  const locals = new Map<number, TraceValue | undefined>();
  let seen = 0;
  for (const e of events) {
    if ('Instruction' in e && seen++ === beforeInstruction) break;
    if ('OpenFrame' in e && e.OpenFrame.frame.frame_id === frameId) e.OpenFrame.frame.parameters.forEach((p, i) => locals.set(i, p));
    if (!('Effect' in e)) continue;
    const x = e.Effect;
    if ('Write' in x && 'Local' in x.Write.location && x.Write.location.Local[0] === frameId) locals.set(x.Write.location.Local[1], x.Write.root_value_after_write);
    if ('Read' in x && x.Read.moved && 'Local' in x.Read.location && x.Read.location.Local[0] === frameId) locals.set(x.Read.location.Local[1], undefined);
  }
  return locals;
}

/** Debug-info names of a function's locals (parameters first), as written by the compiler. */
function debugInfoNames(name: string, functionIndex: number): string[] {
  const info = JSON.parse(readFileSync(path.join(tests, name, 'build', name, 'debug_info', 'm.json'), 'utf8'));
  const fn = info.function_map[String(functionIndex)];
  return [...fn.parameters, ...fn.locals].map(([n]: [string]) => n);
}

test('a build without its .move files: frames show on the build\'s disassembly (.mvb), where line breakpoints bind and stops show the locals', { skip }, async () => {
  const dc = new AdapterClient();
  try {
    const name = 'abort_assert';
    const mvb = path.join(traceConfig(name).program as string, 'disassembly', 'm.mvb');
    const lines = readFileSync(mvb, 'utf8').split('\n');
    const line = lines.findIndex((l) => /^\t4: CopyLoc\[1\]\(val/.test(l)) + 1;
    assert.ok(line > 0);
    const stopped = nextEvent(dc, 'stopped');
    let verified = false;
    await launch(dc, traceConfig(name), async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: mvb }, breakpoints: [{ line }] })).body.breakpoints[0]!.verified;
    });
    assert.ok(verified, 'a breakpoint on an instruction line of the .mvb binds');
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
    const at = await where(dc);
    assert.equal(at.name, '0x0::m::foo');
    assert.equal(at.path, mvb);
    assert.equal(at.line, line);
    // val = p + p was just stored (p = 42): shown by its debug-info name without picking a frame.
    const shown = await variables(dc, (await top(dc)).id);
    assert.equal(shown.get('Locals')?.get('val'), '84');
    // Continue to the abort: the stop is on the Abort instruction's line, with the same locals.
    const abort = nextEvent(dc, 'stopped');
    await dc.continueRequest({ threadId: 1 });
    assert.equal(((await abort) as DebugProtocol.StoppedEvent).body.reason, 'exception');
    const end = await where(dc);
    assert.equal(end.path, mvb);
    assert.match(lines[end.line - 1]!, /^\t10: Abort$/);
    assert.equal((await variables(dc, (await top(dc)).id)).get('Locals')?.get('val'), '84');
  } finally {
    await dc.close();
  }
});

test('trace: instruction-level stepping both ways, disassembly, instruction breakpoints, locals by debug-info name', { skip }, async () => {
  const dc = new AdapterClient();
  try {
    const name = 'stepping_call';
    const trace = readTraceFile(traceConfig(name).trace as string);
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, traceConfig(name, { stopOnEntry: true }));
    assert.equal(((await stopped) as DebugProtocol.StoppedEvent).body.reason, 'entry');
    const entry = await top(dc);
    assert.equal(entry.name, '0x0::m::test');
    assert.ok(entry.instructionPointerReference, 'frames carry an instruction address');
    // The fixture's .move file is not beside this build: the build's own disassembly is the source (one
    // line per instruction), so VS Code focuses the frame and shows its variables on every stop.
    assert.equal(entry.source?.path && path.basename(entry.source.path), 'm.mvb', 'the build\'s disassembly/m.mvb');
    assert.equal(entry.source?.path, path.join(traceConfig(name).program as string, 'disassembly', 'm.mvb'));

    // The disassembly view: the entry function's code, with the instruction the trace executed first.
    const rows = (await dc.disassembleRequest({ memoryReference: entry.instructionPointerReference!, instructionOffset: 0, instructionCount: 6 })).body!.instructions;
    assert.equal(rows.length, 6);
    assert.equal(rows[0]!.address, entry.instructionPointerReference);
    const firstOp = (trace.events.find((e) => 'Instruction' in e) as { Instruction: { instruction: string } }).Instruction.instruction;
    assert.ok(rows[0]!.instruction.toLowerCase().startsWith(firstOp.replace(/_/g, '').toLowerCase()), `${rows[0]!.instruction} is ${firstOp}`);
    assert.ok(rows.every((r) => r.symbol === '0x0::m::test' || r.presentationHint === 'invalid'));

    // Step in by instruction into the first call, then back out by stepping back.
    const callee = await stepUntilFrame(dc, '0x0::m::foo');
    const callerFrames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.deepEqual(callerFrames.map((f) => f.name), ['0x0::m::foo', '0x0::m::test']);
    await move(dc, () => dc.stepBackRequest(I));
    assert.equal((await top(dc)).name, '0x0::m::test', 'one instruction back is the CALL in the caller');
    await move(dc, () => dc.stepInRequest(I));
    assert.equal((await top(dc)).instructionPointerReference, callee.instructionPointerReference);

    // An instruction breakpoint four instructions into the callee.
    const calleeRows = (await dc.disassembleRequest({ memoryReference: callee.instructionPointerReference!, instructionOffset: 0, instructionCount: 5 })).body!.instructions;
    const target = calleeRows[4]!.address;
    const set = (await dc.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: target }] })) as DebugProtocol.SetInstructionBreakpointsResponse;
    assert.equal(set.body.breakpoints[0]!.verified, true);
    const hit = await move(dc, () => dc.continueRequest({ threadId: 1 }), 'instruction breakpoint');
    assert.ok(hit);
    const at = await top(dc);
    assert.equal(at.instructionPointerReference, target);

    // Its locals by debug-info names, with the values the trace's effects give them at that moment.
    const fooOpen = trace.events.findIndex((e) => 'OpenFrame' in e && e.OpenFrame.frame.function_name === 'foo');
    const foo = (trace.events[fooOpen] as { OpenFrame: { frame: { frame_id: number; binary_member_index: number } } }).OpenFrame.frame;
    const instructionsBefore = instructionIndex(trace.events, foo.frame_id, Number(BigInt(target) & 0xffffffffn));
    const expected = localsFromTrace(trace.events, foo.frame_id, instructionsBefore);
    const names = debugInfoNames(name, foo.binary_member_index);
    const shown = await variables(dc, at.id);
    const all = new Map([...(shown.get('Parameters') ?? []), ...(shown.get('Locals') ?? [])]);
    let compared = 0;
    names.forEach((raw, i) => {
      if (raw.startsWith('%')) return;
      const display = raw.slice(0, raw.indexOf('#') > 0 ? raw.indexOf('#') : raw.length);
      assert.ok(all.has(display), `${display} is shown (got ${[...all.keys()].join(', ')})`);
      const v = expected.get(i);
      const want = v && 'RuntimeValue' in v ? String((v.RuntimeValue.value as { value: unknown }).value) : '(no value)';
      assert.equal(all.get(display), want, `${display} at the breakpoint`);
      compared++;
    });
    assert.ok(compared >= 2, 'several locals compared');
    assert.ok(shown.has('Operand stack') && shown.has('Move VM'));
    assert.equal(shown.get('Move VM')!.get('pc'), String(Number(BigInt(target) & 0xffffffffn)));

    // Backwards: reverse continue from later comes back to the breakpoint.
    await move(dc, () => dc.nextRequest(I));
    await move(dc, () => dc.nextRequest(I));
    await move(dc, () => dc.reverseContinueRequest({ threadId: 1 }), 'instruction breakpoint');
    const back = await top(dc);
    assert.equal(back.instructionPointerReference, target);

    // Evaluate a local by name; a bad expression is an error, not a crash.
    const someLocal = [...all.entries()].find(([, v]) => /^\d+$/.test(v));
    if (someLocal) {
      const r = await dc.evaluateRequest({ expression: someLocal[0], frameId: back.id, context: 'watch' });
      assert.equal(r.body.result, someLocal[1]);
    }
    await assert.rejects(dc.evaluateRequest({ expression: 'nope', frameId: back.id, context: 'watch' }), /No local or parameter named nope/);
  } finally {
    await dc.close();
  }
});

/** Index of the first instruction the trace executes at `pc` in frame `frameId`. */
function instructionIndex(events: readonly TraceEvent[], frameId: number, pc: number): number {
  const open: number[] = [];
  let n = 0;
  for (const e of events) {
    if ('OpenFrame' in e) open.push(e.OpenFrame.frame.frame_id);
    else if ('CloseFrame' in e) open.pop();
    else if ('Instruction' in e) {
      if (open[open.length - 1] === frameId && e.Instruction.pc === pc) return n;
      n++;
    }
  }
  throw new Error(`frame ${frameId} never runs pc ${pc}`);
}

test('trace: an abort stops with its code and its clever-error meaning', { skip }, async () => {
  const dc = new AdapterClient();
  try {
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, traceConfig('abort_assert'));
    const event = await stopped;
    assert.equal(event.body.reason, 'exception');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'abort');
    assert.match(info.body.description!, /assertion failed at line 6/);
    assert.match(info.body.description!, /0x80000006ffffffff/);
    const frame = await top(dc);
    assert.equal(frame.name, '0x0::m::foo');
    const rows = (await dc.disassembleRequest({ memoryReference: frame.instructionPointerReference!, instructionOffset: 0, instructionCount: 1 })).body!.instructions;
    assert.equal(rows[0]!.instruction, 'Abort');
    const stack = (await variables(dc, frame.id)).get('Operand stack')!;
    assert.deepEqual([...stack.values()], ['9223372066919546879'], 'the code is on the stack when ABORT runs');
  } finally {
    await dc.close();
  }
});

test('trace: arithmetic and vector errors stop as panics with their status', { skip }, async () => {
  for (const [name, status] of [['abort_math', 'ARITHMETIC_ERROR'], ['abort_native_bytecode', 'VECTOR_OPERATION_ERROR']] as const) {
    const dc = new AdapterClient();
    try {
      const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
      await launch(dc, traceConfig(name));
      assert.equal((await stopped).body.reason, 'exception');
      const info = await dc.exceptionInfoRequest({ threadId: 1 });
      assert.equal(info.body.exceptionId, 'panic');
      assert.match(info.body.description!, new RegExp(status));
    } finally {
      await dc.close();
    }
  }
});

test('interpreter: the fixture test runs in our VM with the same steps and locals as the trace', { skip: (skip || (!existsSync(frameworks[0]!) && 'sui-framework snapshot not found')) as string | false }, async () => {
  const name = 'stepping_call';
  const seen: string[][] = [];
  for (const config of [traceConfig(name, { stopOnEntry: true }), runConfig(name, { stopOnEntry: true })]) {
    const dc = new AdapterClient();
    try {
      const stopped = nextEvent(dc, 'stopped');
      await launch(dc, config);
      await stopped;
      const log: string[] = [];
      for (let i = 0; i < 25; i++) {
        const f = await top(dc);
        const vars = await variables(dc, f.id);
        const locals = [...(vars.get('Parameters') ?? []), ...(vars.get('Locals') ?? [])].map(([k, v]) => `${k}=${v}`).join(' ');
        const stack = [...(vars.get('Operand stack') ?? [])].map(([, v]) => v).join(',');
        log.push(`${f.name} pc=${vars.get('Move VM')!.get('pc')} gas=${vars.get('Move VM')!.get('gas left')} [${locals}] {${stack}}`);
        await move(dc, () => dc.stepInRequest(I));
      }
      seen.push(log);
    } finally {
      await dc.close();
    }
  }
  assert.deepEqual(seen[1], seen[0]);
});

test('interpreter: aborts and bad launch configurations', { skip: (skip || (!existsSync(frameworks[0]!) && 'sui-framework snapshot not found')) as string | false }, async () => {
  const dc = new AdapterClient();
  try {
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, runConfig('abort_assert'));
    assert.equal((await stopped).body.reason, 'exception');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.match(info.body.description!, /assertion failed at line 6/);
  } finally {
    await dc.close();
  }
  const bad: [Record<string, unknown>, RegExp][] = [
    [runConfig('abort_assert', { function: '0x0::m::nope' }), /0x0::m has no function nope \(it has: .*foo.*test/],
    [runConfig('abort_assert', { function: '0x0::zz::test' }), /module 0x0::zz is not in the build/],
    [runConfig('abort_assert', { function: '0x0::m::test', args: [1] }), /takes 0 arguments, got 1/],
    [runConfig('abort_assert', { program: path.join(tests, 'no-such-package') }), /not found/],
    [traceConfig('abort_assert', { trace: path.join(tests, 'abort_assert/traces/missing.jsonl') }), /trace: file not found/],
  ];
  for (const [config, message] of bad) {
    const c = new AdapterClient();
    try {
      await assert.rejects(launch(c, config), message);
    } finally {
      await c.close();
    }
  }
});

test('sources found by hash: line breakpoints and statement stepping over, into, out and back', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-dap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { source, lineOf } = sourcedBuild(tests, dir);
  const v2 = lineOf(479);
  const v3 = lineOf(509);
  const dc = new AdapterClient();
  try {
    let bps: DebugProtocol.Breakpoint[] = [];
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, traceConfig('stepping_call', { program: dir }), async () => {
      bps = (await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: v2 }] })).body.breakpoints;
    });
    assert.equal(bps[0]!.verified, true);
    assert.equal(bps[0]!.line, v2);
    assert.equal((await stopped).body.reason, 'breakpoint');
    let w = await where(dc);
    assert.deepEqual([w.name, w.line, w.path], ['0x0::m::foo', v2, source]);
    const log: string[] = [];
    const record = async (label: string) => {
      w = await where(dc);
      log.push(`${label}: ${w.name}:${w.line}`);
    };
    await move(dc, () => dc.nextRequest({ threadId: 1 }), 'step');
    await record('next');
    await move(dc, () => dc.stepInRequest({ threadId: 1 }), 'step');
    await record('stepIn');
    await move(dc, () => dc.stepOutRequest({ threadId: 1 }), 'step');
    await record('stepOut');
    await move(dc, () => dc.stepBackRequest({ threadId: 1 }), 'step');
    await record('stepBack');
    assert.deepEqual(log, [
      `next: 0x0::m::foo:${v3}`,
      `stepIn: 0x0::m::baz:${lineOf(365)}`,
      `stepOut: 0x0::m::foo:${v3}`,
      `stepBack: 0x0::m::baz:${lineOf(365)}`,
    ]);
  } finally {
    await dc.close();
  }
});

test('sources found by hash: conditional breakpoints evaluate Move expressions', { skip }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-dap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { source, lineOf } = sourcedBuild(tests, dir);
  const bazLine = lineOf(365); // the body of baz(p)
  for (const [condition, stops] of [['p * 2 > 0 && p != 12345', true], ['p == 12345', false]] as const) {
    const dc = new AdapterClient();
    try {
      const first = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]);
      await launch(dc, traceConfig('stepping_call', { program: dir }), async () => {
        await dc.setBreakpointsRequest({ source: { path: source }, breakpoints: [{ line: bazLine, condition }] });
      });
      const event = (await first) as DebugProtocol.Event;
      if (stops) {
        assert.equal(event.event, 'stopped');
        assert.equal((event as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
        assert.equal((await top(dc)).line, bazLine);
      } else {
        assert.equal(event.event, 'terminated', `${condition} never holds: the run ends`);
      }
    } finally {
      await dc.close();
    }
  }
});

test('on-chain replay: breakpoints and stepping on the shipped disassembly text', { skip }, async () => {
  const dir = path.join(tests, 'ext2/35fsf');
  const mvb = path.join(dir, '0xf2c3d/bytecode/global_assign_ref.mvb');
  const lines = readFileSync(mvb, 'utf8').split('\n');
  // The first instruction of `bar`.
  const barHeader = lines.findIndex((l) => /^(?:\w+ )*bar\(/.test(l));
  assert.ok(barHeader > 0, 'bar is in the text');
  const target = lines.findIndex((l, i) => i > barHeader && /^\t0: /.test(l)) + 1;
  const dc = new AdapterClient();
  try {
    let bps: DebugProtocol.Breakpoint[] = [];
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, { type: 'chainstep', request: 'launch', program: dir, trace: path.join(dir, 'trace.jsonl') }, async () => {
      bps = (await dc.setBreakpointsRequest({ source: { path: mvb }, breakpoints: [{ line: target }] })).body.breakpoints;
    });
    assert.deepEqual(bps.map((b) => [b.verified, b.line]), [[true, target]]);
    assert.equal((await stopped).body.reason, 'breakpoint');
    let w = await where(dc);
    assert.deepEqual([w.line, w.path], [target, mvb]);
    assert.match(w.name, /::global_assign_ref::bar$/, JSON.stringify(w.frames.map((f) => [f.name, f.line])));
    await move(dc, () => dc.nextRequest({ threadId: 1 }), 'step');
    w = await where(dc);
    assert.equal(w.line, target + 1, 'one instruction per line of the text');
    // Back onto the breakpoint's line: the stop reports the breakpoint.
    await move(dc, () => dc.stepBackRequest({ threadId: 1 }), 'breakpoint');
    assert.equal((await where(dc)).line, target);
    const source = await dc.sourceRequest({ source: { path: mvb }, sourceReference: 0 });
    assert.ok(source.body.content.includes('global_assign_ref'));
  } finally {
    await dc.close();
  }
});

test('trace: a data breakpoint on a local stops where it is written, both ways', { skip }, async () => {
  const dc = new AdapterClient();
  try {
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, traceConfig('stepping_call', { stopOnEntry: true }));
    await stopped;
    const foo = await stepUntilFrame(dc, '0x0::m::foo');
    const scopes = (await dc.scopesRequest({ frameId: foo.id })).body.scopes;
    const locals = scopes.find((s) => s.name === 'Locals')!;
    const info = await dc.dataBreakpointInfoRequest({ variablesReference: locals.variablesReference, name: 'v1' });
    assert.ok(info.body.dataId, 'v1 can be watched');
    assert.match(info.body.description, /v1 in 0x0::m::foo/);
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId! }] });
    await move(dc, () => dc.continueRequest({ threadId: 1 }), 'data breakpoint');
    const at = await top(dc);
    const rows = (await dc.disassembleRequest({ memoryReference: at.instructionPointerReference!, instructionOffset: 0, instructionCount: 1 })).body!.instructions;
    assert.match(rows[0]!.instruction, /^StLoc\[1\]\(v1: u64\)$/, 'stopped at the write');
    await move(dc, () => dc.reverseContinueRequest({ threadId: 1 }));
    await move(dc, () => dc.continueRequest({ threadId: 1 }), 'data breakpoint');
    assert.equal((await top(dc)).instructionPointerReference, at.instructionPointerReference);
  } finally {
    await dc.close();
  }
});
