// MoveExecution on the fixtures: what the Variables view, the call stack, watch expressions, data
// breakpoints and the failure messages show, from real traces and from our interpreter; and source
// lines, when a build's sources are found by hash (the fixtures ship none, so a test build pairs the
// real bytecode with a source file of our own whose hash the debug info is rewritten to).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Execution, Variable } from '../../../debug-adapter/core/execution.ts';
import { EvaluationError, UserError } from '../../../debug-adapter/core/errors.ts';
import type { CompiledModule } from '../../../debug-adapter/move/binary/model.ts';
import type { ModuleSourceMap } from '../../../debug-adapter/move/package/source-map.ts';
import { moveBackend } from '../../../debug-adapter/move/backend.ts';
import { abortSummary, explainAbortCode } from '../../../debug-adapter/move/debug/aborts.ts';
import { ValueRenderer, preview } from '../../../debug-adapter/move/debug/values.ts';
import { sourcedBuild } from './sourced-build.ts';
import type { TraceMoveValue } from '../../../debug-adapter/move/trace/format.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const tests = path.join(fixtures, 'sui-trace-tests');
const frameworks = ['0x1.bcs', '0x2.bcs'].map((f) => path.join(fixtures, 'sui-framework/v124', f));
const noFixtures = !existsSync(tests) && '../shared/fixtures/move not found';
const noFramework = (noFixtures || (!existsSync(frameworks[0]!) && 'sui-framework snapshot not found')) as string | false;
const plain = { hex: false };

async function fromTrace(name: string, program = path.join(tests, name, 'build', name)): Promise<Execution> {
  return moveBackend.launch({ program, trace: path.join(tests, name, 'traces', `${name}__m__test.jsonl`) }, () => {}, new AbortController().signal);
}

async function run(name: string, fn: string, extra: Record<string, unknown> = {}): Promise<Execution> {
  return moveBackend.launch({ program: path.join(tests, name), function: fn, frameworks, ...extra }, () => {}, new AbortController().signal);
}

function scope(x: Execution, step: number, name: string, frame = 0): Variable[] {
  const s = x.scopes(step, frame).find((sc) => sc.name === name);
  assert.ok(s, `scope ${name} at step ${step}`);
  return s.children.get(undefined, 0, 1000, plain);
}

function values(vars: readonly Variable[]): Record<string, string> {
  return Object.fromEntries(vars.map((v) => [v.name, v.value]));
}

/** The first step whose innermost frame is `frame` at `pc`. */
function stepAt(x: Execution, frame: string, pc: number): number {
  for (let s = 0; s < x.stepCount; s++) if (x.pc(s) === pc && x.frames(s)[0]!.name === frame) return s;
  throw new Error(`${frame} never runs pc ${pc}`);
}

test('references: shown with what they point to, evaluated through', { skip: noFixtures }, async () => {
  const x = await fromTrace('references');
  const s = stepAt(x, '0x0::m::foo', 5);
  const params = scope(x, s, 'Parameters');
  const byName = Object.fromEntries(params.map((v) => [v.name, v]));
  assert.equal(byName['num_ref']!.value, '&42');
  assert.equal(byName['num_ref']!.type, '&u64');
  assert.equal(byName['vec_ref']!.value, '&mut [0, 7]');
  assert.match(byName['some_struct_ref']!.value, /^&mut SomeStruct \{ struct_field: SimpleStruct \{ field: 42 \}, simple_field: 0/);
  const pointee = byName['vec_ref']!.children!.get('named', 0, 1, plain)[0]!;
  assert.deepEqual([pointee.name, pointee.value], ['(points to)', 'vec in 0x0::m::test']);
  assert.deepEqual(byName['vec_ref']!.children!.get('indexed', 0, 2, plain).map((v) => [v.name, v.value, v.evaluateName]), [
    ['[0]', '0', 'vec_ref[0]'],
    ['[1]', '7', 'vec_ref[1]'],
  ]);
  assert.equal(x.evaluate(s, 0, 'some_struct_ref.struct_field.field', plain).value, '42');
  assert.equal(x.evaluate(s, 0, 'vec_ref[1]', plain).value, '7');
  assert.equal(x.evaluate(s, 0, 'vec_ref [1]', { hex: true }).value, '0x7');
  assert.throws(() => x.evaluate(s, 0, 'vec_ref[9]', plain), (e) => e instanceof EvaluationError && /index out of bounds \(length 2\)/.test(e.message));
  assert.throws(() => x.evaluate(s, 0, 'num_ref.value', plain), (e) => e instanceof EvaluationError && /not a struct/.test(e.message));
  assert.throws(() => x.evaluate(s, 0, 'some_struct_ref.nope', plain), (e) => e instanceof EvaluationError && /no field nope \(fields: struct_field, simple_field, vec_simple_field\)/.test(e.message));
  // Expressions for watches and breakpoint conditions.
  assert.equal(x.evaluate(s, 0, 'num_ref + 1', plain).value, '43');
  assert.equal(x.evaluate(s, 0, 'vec_ref[0] + vec_ref[1] == 7 && !(num_ref < 42)', plain).value, 'true');
  assert.equal(x.evaluate(s, 0, 'vec_ref[num_ref - 41]', plain).value, '7');
  assert.equal(x.evaluate(s, 0, '(num_ref * 2) % 5', plain).value, '4');
  assert.equal(x.evaluate(s, 0, 'some_struct_ref.struct_field == some_struct_ref.struct_field', plain).value, 'true');
  assert.throws(() => x.evaluate(s, 0, 'num_ref - 43', plain), (e) => e instanceof EvaluationError && /underflow/.test(e.message));
  assert.throws(() => x.evaluate(s, 0, 'num_ref / 0', plain), (e) => e instanceof EvaluationError && /division by zero/.test(e.message));
  assert.throws(() => x.evaluate(s, 0, 'num_ref == true', plain), (e) => e instanceof EvaluationError && /cannot compare u64 with bool/.test(e.message));
  assert.throws(() => x.evaluate(s, 0, 'num_ref +', plain), (e) => e instanceof EvaluationError && /ends early/.test(e.message));
  assert.throws(() => x.evaluate(s, 0, 'num_ref $ 2', plain), (e) => e instanceof EvaluationError && /unexpected "\$"/.test(e.message));
  // The caller's locals are there too, one frame up, and change when written through the reference.
  const caller = values(scope(x, s, 'Locals', 1));
  assert.equal(caller['vec'], '[0, 7]');
  const later = stepAt(x, '0x0::m::foo', 25);
  assert.equal(values(scope(x, later, 'Locals', 1))['vec'], '[42, 7]');
});

test('frames: innermost first, with type arguments; objects touched; VM registers', { skip: noFixtures }, async () => {
  const x = await fromTrace('global_write');
  const generic = Array.from({ length: x.stepCount }, (_, s) => x.frames(s)[0]!.name).find((n) => n.includes('<'));
  assert.ok(generic, 'a generic frame is shown');
  assert.match(generic, /^0x2::linked_table::\w+<u64, u8>$/);
  const deep = Array.from({ length: x.stepCount }, (_, s) => s).find((s) => x.frames(s).length >= 3)!;
  const frames = x.frames(deep);
  assert.equal(frames[frames.length - 1]!.name, '0x0::m::test');
  assert.ok(frames.every((f, i) => i === 0 || f.step < frames[i - 1]!.step), 'callers are at earlier (call) steps');
  for (const f of frames) assert.equal(x.depth(f.step), frames.length - 1 - frames.indexOf(f));
  const registers = values(scope(x, deep, 'Move VM'));
  assert.equal(registers['pc'], String(x.pc(deep)));
  assert.ok(Number(registers['gas left']) > 0 && Number(registers['gas used']) > 0);

  const withObjects = await fromTrace('global_loc');
  const end = withObjects.stepCount - 1;
  const objects = scope(withObjects, end, 'Globals / objects touched');
  assert.ok(objects.length >= 1);
  assert.match(objects[0]!.name, /^#\d+ UID$/);
});

test('data breakpoints: the steps that write a local', { skip: noFixtures }, async () => {
  const x = await fromTrace('stepping_call');
  const s = stepAt(x, '0x0::m::foo', 0);
  const target = x.dataTarget(s, 0, 'v1');
  assert.ok(target);
  assert.match(target.description, /v1 in 0x0::m::foo/);
  const writes = x.writeSteps(target.dataId)!;
  assert.deepEqual(writes.map((w) => [x.pc(w), x.frames(w)[0]!.name]), [[10, '0x0::m::foo']], 'StLoc[1] writes v1');
  assert.equal(x.dataTarget(s, 0, 'nope'), undefined);
});

test('outcome and aborts: clever errors, status names, native aborts', { skip: noFixtures }, async () => {
  const ok = await fromTrace('stepping_call');
  assert.equal(ok.outcome.success, true);
  assert.deepEqual(ok.exceptions, []);
  const clever = await fromTrace('abort_assert');
  assert.equal(clever.outcome.success, false);
  // The build's .move file is not beside it: the place is the Abort's line in the build's disassembly.
  assert.match(clever.outcome.summary, /^aborted: assertion failed at line 6 \(code 0x80000006ffffffff\) in 0x0::m::foo at pc 10, m\.mvb:20$/);
  assert.deepEqual(clever.exceptions.map((e) => [e.step, e.kind]), [[clever.stepCount - 1, 'abort']]);
  const native = await fromTrace('abort_native');
  assert.match(native.outcome.summary, /aborted in 0x2::address::from_bytes/);
  const last = native.stepCount - 1;
  assert.deepEqual(native.frames(last).map((f) => f.name).slice(0, 2), ['0x2::address::from_bytes (native)', '0x0::m::foo']);
});

test('aborts: error constants by value and Sui clever errors by bit layout', () => {
  const bytes = (s: string) => Uint8Array.from([s.length, ...new TextEncoder().encode(s)]);
  const u64 = (n: bigint) => Uint8Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
  const module = {
    constants: [
      { type: { kind: 'vector', element: { kind: 'u8' } }, data: bytes('ENotOwner') },
      { type: { kind: 'vector', element: { kind: 'u8' } }, data: bytes('sender is not the owner') },
      { type: { kind: 'u64' }, data: u64(2n) },
      { type: { kind: 'u64' }, data: u64(7n) },
    ],
  } as unknown as CompiledModule;
  const sourceMap = { constants: new Map([['ENotOwner', 2], ['MAX', 3]]) } as unknown as ModuleSourceMap;
  const plainCode = explainAbortCode(2n, module, sourceMap);
  assert.deepEqual(plainCode, { clever: false, constant: 'ENotOwner' });
  assert.equal(abortSummary(2n, plainCode), 'ENotOwner (code 2)');
  assert.deepEqual(explainAbortCode(7n, module, sourceMap), { clever: false }, 'only E… constants name errors');
  const code = (1n << 63n) | (12n << 32n) | (0n << 16n) | 1n;
  const meaning = explainAbortCode(code, module, sourceMap);
  assert.deepEqual(meaning, { clever: true, line: 12, constant: 'ENotOwner', message: '"sender is not the owner"' });
  assert.equal(abortSummary(code, meaning), `ENotOwner at line 12: "sender is not the owner" (code 0x${code.toString(16)})`);
  const lineOnly = (1n << 63n) | (6n << 32n) | 0xffffffffn;
  assert.equal(abortSummary(lineOnly, explainAbortCode(lineOnly, module)), `assertion failed at line 6 (code 0x${lineOnly.toString(16)})`);
});

test('values: strings, options, byte vectors, variants, and paging of a long vector', () => {
  const addr1 = '0'.repeat(63) + '1';
  const tag = (module: string, name: string) => ({ address: addr1, module, name, type_args: [] });
  const u8s = (s: string): TraceMoveValue => ({ type: 'Vector', value: [...new TextEncoder().encode(s)].map((b) => ({ type: 'U8', value: b })) });
  const str: TraceMoveValue = { type: 'Struct', value: { type_: tag('string', 'String'), fields: [['bytes', u8s('héllo')]] } };
  assert.equal(preview(str, plain), '"héllo"');
  const some: TraceMoveValue = { type: 'Struct', value: { type_: tag('option', 'Option'), fields: [['vec', { type: 'Vector', value: [{ type: 'U64', value: 5n }] }]] } };
  const none: TraceMoveValue = { type: 'Struct', value: { type_: tag('option', 'Option'), fields: [['vec', { type: 'Vector', value: [] }]] } };
  assert.equal(preview(some, plain), 'some(5)');
  assert.equal(preview(none, plain), 'none');
  assert.equal(preview(u8s('\x01\x02'), plain), '0x0102');
  const variant: TraceMoveValue = { type: 'Variant', value: { type_: tag('m', 'Shape'), variant_name: 'Circle', tag: 1, fields: [['r', { type: 'U32', value: 3 }]] } };
  assert.equal(preview(variant, plain), 'Shape::Circle { r: 3 }');
  assert.equal(preview({ type: 'Address', value: '0'.repeat(62) + 'ab' }, plain), '0xab');
  const long: TraceMoveValue = { type: 'Vector', value: Array.from({ length: 10_000 }, (_, i) => ({ type: 'U64', value: BigInt(i) })) };
  const v = new ValueRenderer(() => ({ path: '?' })).moveValue('big', long, plain, undefined, 'big');
  assert.equal(v.children!.indexed, 10_000);
  assert.deepEqual(v.children!.get('indexed', 5000, 2, plain).map((c) => [c.name, c.value, c.evaluateName]), [['[5000]', '5000', 'big[5000]'], ['[5001]', '5001', 'big[5001]']]);
  assert.ok(v.value.length < 140 && v.value.endsWith('…]'), 'the preview is cut short');
});

test('interpreter: runs a function with arguments; clear errors for what a user gets wrong', { skip: noFramework }, async () => {
  const returned = await run('abort_assert', '0x0::m::foo', { args: ['1'] });
  assert.equal(returned.outcome.success, true);
  assert.equal(returned.outcome.summary, 'returned (2)');
  assert.deepEqual(values(scope(returned, 0, 'Parameters')), { p: '1' });
  const aborted = await run('abort_assert', 'm::foo', { args: [42] });
  assert.match(aborted.outcome.summary, /assertion failed at line 6/);

  const fails = async (extra: Record<string, unknown>, message: RegExp, fn = '0x0::m::foo') =>
    assert.rejects(run('abort_assert', fn, extra), (e) => e instanceof UserError && message.test(e.message));
  await fails({ args: ['x'] }, /args\[0\] \(u64\): expected an integer \(a number, or a decimal or 0x string\), got "x"/);
  await fails({ args: ['18446744073709551616'] }, /args\[0\] \(u64\): 18446744073709551616 is out of range 0\.\.18446744073709551615/);
  await fails({ args: [] }, /takes 1 argument, got 0/);
  await fails({ args: [1], typeArgs: ['u64'] }, /typeArgs: 0x0::m::foo takes 0 type arguments, got 1/);
  await fails({ args: [1], stepLimit: -1 }, /stepLimit: expected a positive whole number/);
  const limited = await run('stepping_call', '0x0::m::test', { stepLimit: 10 });
  assert.equal(limited.stepCount, 10);
  assert.match(limited.outcome.summary, /^failed: STEP_LIMIT_REACHED/);
  assert.match(limited.outcome.details!.join('\n'), /raise it with maxSteps/);
  await fails({}, /0x0::m has no function nope \(it has: foo, test, unit_test_poison\)/, '0x0::m::nope');
  await fails({}, /the package has no module zz \(modules: 0x0::m\)/, 'zz::f');
  await fails({}, /expected "<address>::<module>::<function>"/, 'a::b::c::d');
  await assert.rejects(
    moveBackend.launch({ program: path.join(tests, 'global_loc'), function: '0x0::m::test' }, () => {}, new AbortController().signal),
    (e) => e instanceof UserError && /module 0x2::tx_context is not available.*add "frameworks"/.test(e.message),
  );
  await assert.rejects(
    moveBackend.launch({ program: path.join(tests, 'abort_assert'), function: '' }, () => {}, new AbortController().signal),
    /function: name the Move function to run .* available: 0x0::m::foo, 0x0::m::test/,
  );
});

test('interpreter: malformed bytecode is a clear error naming the module and offset', { skip: noFixtures }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const build = path.join(dir, 'build', 'bad', 'bytecode_modules');
  mkdirSync(build, { recursive: true });
  const bytes = readFileSync(path.join(tests, 'abort_assert/build/abort_assert/bytecode_modules/m.mv'));
  writeFileSync(path.join(build, 'm.mv'), bytes.subarray(0, 40));
  await assert.rejects(
    moveBackend.launch({ program: dir, function: '0x0::m::test' }, () => {}, new AbortController().signal),
    (e) => e instanceof UserError && /m\.mv/.test(e.message) && /offset/.test(e.message),
  );
});

test('sources found by hash: lines, locations, breakable lines', { skip: noFixtures }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-src-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { source, lineOf } = sourcedBuild(tests, dir);
  const x = await fromTrace('stepping_call', dir);
  assert.deepEqual(x.sources.map((s) => s.path), [source]);
  const lines = x.breakableLines(0);
  for (const offset of [438, 479, 509, 526]) assert.ok(lines.includes(lineOf(offset)), `line of offset ${offset} is breakable`);
  const s0 = stepAt(x, '0x0::m::foo', 0);
  const loc = x.location(s0)!;
  assert.deepEqual([loc.source, loc.line, loc.column], [0, lineOf(438), 438 - 430]);
  assert.equal(x.lineId(s0), x.lineIdOf(0, lineOf(438)));
  assert.equal(x.lineId(stepAt(x, '0x0::m::foo', 10)), x.lineId(s0), 'StLoc of v1 is on the v1 line');
  assert.notEqual(x.lineId(stepAt(x, '0x0::m::foo', 11)), x.lineId(s0));
  assert.equal(x.lineIdOf(0, 1), -1);
  assert.equal(x.frames(s0)[0]!.location?.line, lineOf(438));
  assert.equal(x.frames(s0)[0]!.hint, 'normal');
  assert.equal(x.disassemble(x.instructionRef(s0), 0, 1)[0]!.location?.line, lineOf(438));
});


test('Aptos: a function of the hello_blockchain package runs; its canonical error is named', { skip: noFixtures }, async () => {
  const program = path.join(fixtures, 'aptos-hello-blockchain');
  const x = await moveBackend.launch({ program, function: 'message::get_message', args: ['0xcafe'] }, () => {}, new AbortController().signal);
  assert.equal(x.outcome.success, false);
  assert.match(x.outcome.summary, /^aborted: ENO_MESSAGE \(NOT_FOUND, code 393216\) in 0x260dc2\w+::message::get_message at pc \d+$/);
  assert.deepEqual(x.exceptions.map((e) => e.kind), ['abort']);
  const deepest = Array.from({ length: x.stepCount }, (_, s) => x.frames(s)).find((f) => f.length === 3)!;
  assert.deepEqual(deepest.map((f) => f.name.replace(/^0x260dc2\w+/, '<pkg>')), ['0x1::error::canonical', '0x1::error::not_found', '<pkg>::message::get_message']);
  assert.deepEqual(values(scope(x, 0, 'Parameters')), { addr: '0xcafe' });
});

test('a trace without its build (an on-chain replay): shown on the disassembly shipped with it', { skip: noFixtures }, async () => {
  const dir = path.join(tests, 'ext1/2GfjA');
  const x = await moveBackend.launch({ program: dir, trace: path.join(dir, 'trace.jsonl') }, () => {}, new AbortController().signal);
  assert.ok(x.stepCount > 100);
  assert.match(x.output[0]!.text, /No Move build output in .*2GfjA: showing the trace on the disassembly found there \(39 modules\)/);
  assert.ok(x.sources.length > 0 && x.sources.every((src) => src.path.endsWith('.mvb') && src.readOnly));
  for (let s = 0; s < x.stepCount; s++) assert.ok(x.lineId(s) >= 0, `step ${s} is on a line of the disassembly text`);
  const s = Array.from({ length: x.stepCount }, (_, i) => i).find((i) => x.frames(i)[0]!.name.startsWith('0x2::transfer::public_transfer<'))!;
  const top = x.frames(s)[0]!;
  assert.match(top.name, /^0x2::transfer::public_transfer<0x2::coin::TreasuryCap<0xfba24b\w+::my_coin::MY_COIN>>$/);
  assert.equal(x.sources[top.location!.source]!.name, 'transfer.mvb');
  // The line shown is the instruction's line in the .mvb text.
  const text = readFileSync(x.sources[top.location!.source]!.path, 'utf8').split('\n')[top.location!.line - 1]!;
  const here = x.disassemble(x.instructionRef(s), 0, 1)[0]!;
  assert.equal(text.trim(), `${here.pc}: ${here.text}`);
  assert.match(here.text, /^[A-Z][A-Za-z]+/);
});

test('a trace with nothing else: instruction names and numbered locals from the trace alone', { skip: noFixtures }, async (t) => {
  const empty = mkdtempSync(path.join(tmpdir(), 'chainstep-move-empty-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  const x = await moveBackend.launch({ program: empty, trace: path.join(tests, 'ext2/35fsf/trace.jsonl') }, () => {}, new AbortController().signal);
  assert.match(x.output[0]!.text, /names, values and instructions come from the trace alone/);
  assert.equal(x.sources.length, 0);
  const s = x.stepCount >> 1;
  // No sources at all: every frame is the user's code at instruction level, none de-emphasised (VS Code folds
  // de-emphasised frames and selects none of them on a stop).
  assert.ok(x.frames(s).every((f) => f.hint === 'normal'));
  assert.match(x.disassemble(x.instructionRef(s), 0, 1)[0]!.text, /^[A-Z_0-9]+$/, 'the instruction as the trace names it');
  const locals = scope(x, s, 'Parameters').concat(scope(x, s, 'Locals'));
  assert.ok(locals.length > 0 && locals.every((v) => /^(arg|loc)\d+$/.test(v.name)), 'locals numbered without debug info');
  assert.equal(x.outcome.summary, 'returned (OuterStruct { field: SomeStruct { field: 42 } })');
});

test('shadowed names: one entry per name, the live declaration', { skip: noFixtures }, async () => {
  const x = await fromTrace('macro_same_file');
  for (let s = 0; s < x.stepCount; s++) {
    // In the macro's body, the macro's frame (0) holds its locals (ret) and foo's frame (1) foo's own (v, x).
    const foo = x.frames(s).findIndex((f) => f.name === '0x0::m::foo');
    if (foo < 0 || foo > 1 || (foo === 1 && !x.frames(s)[0]!.name.startsWith('bar! (inlined in foo)'))) continue;
    const names = [...(foo === 1 ? scope(x, s, 'Locals', 0) : []), ...scope(x, s, 'Locals', foo)].map((v) => v.name);
    assert.equal(new Set(names).size, names.length, `no duplicate names at step ${s}: ${names.join(', ')}`);
    assert.deepEqual(names.filter((n) => !n.endsWith('(shadowed)')).sort(), ['ret', 'v', 'x'], `step ${s}`);
  }
  const s = stepAt(x, 'bar! (inlined in foo)', 20);
  assert.equal(x.evaluate(s, 0, 'ret', plain).value, '12');
});

test('interpreter: struct, vector, string and reference arguments from JSON', { skip: noFramework }, async () => {
  const x = await run('references', '0x0::m::foo', { args: [{ struct_field: { field: 1 }, simple_field: '2', vec_simple_field: [3] }, [5, 6], 7] });
  const params = Object.fromEntries(scope(x, 0, 'Parameters').map((v) => [v.name, v]));
  assert.equal(params['some_struct_ref']!.value, '&mut SomeStruct { struct_field: SimpleStruct { field: 1 }, simple_field: 2, vec_simple_field: [3] }');
  assert.equal(params['vec_ref']!.value, '&mut [5, 6]');
  assert.equal(params['num_ref']!.value, '&7');
  assert.match(params['vec_ref']!.children!.get('named', 0, 1, plain)[0]!.value, /^object #\d+$/);
  // Writes through the references show on the values they point to.
  const end = x.stepCount - 1;
  const globals = values(scope(x, end, 'Globals / objects touched'));
  assert.ok(Object.values(globals).includes('[42, 6]'), `the vector argument was written: ${JSON.stringify(globals)}`);

  // Structs also as arrays of their fields, in declaration order.
  const asArrays = await run('references', '0x0::m::foo', { args: [[[1], '2', [3]], [5, 6], 7] });
  assert.equal(scope(asArrays, 0, 'Parameters').find((v) => v.name === 'some_struct_ref')!.value, params['some_struct_ref']!.value);

  const s = await run('native_fun', '0x0::m::foo', { args: ['héllo', '0x6c6c', 1] });
  assert.deepEqual(values(scope(s, 0, 'Parameters')), { s: '"héllo"', sub: '0x6c6c', p: '1' });
  await assert.rejects(run('references', '0x0::m::foo', { args: [{ struct_field: { field: 1 } }, [], 1] }), /args\[0\] \(0x0::m::SomeStruct\): missing fields simple_field, vec_simple_field/);
  await assert.rejects(run('native_fun', '0x0::m::foo', { args: ['a', '0x6', 1] }), /args\[1\] \(vector<u8>\): "0x6" is not hex bytes \(0x and an even number of hex digits\)/);
});

test('trace files: pretty-printed JSON like JSON Lines; unsupported versions named', { skip: noFixtures }, async () => {
  const dir = path.join(tests, 'native_fun');
  const launchTrace = (file: string) =>
    moveBackend.launch({ program: path.join(dir, 'build/native_fun'), trace: path.join(dir, 'traces', file) }, () => {}, new AbortController().signal);
  const lines = await launchTrace('native_fun__m__test.jsonl');
  const pretty = await launchTrace('native_fun__m__test.json');
  assert.equal(pretty.stepCount, lines.stepCount);
  for (const s of [0, Math.floor(lines.stepCount / 2), lines.stepCount - 1]) {
    assert.deepEqual(scope(pretty, s, 'Locals').map((v) => [v.name, v.value]), scope(lines, s, 'Locals').map((v) => [v.name, v.value]));
  }
  await assert.rejects(launchTrace('old.json'), (e) => e instanceof UserError && /trace version 1 is not supported/.test(e.message));
});

test('data breakpoints on fields and elements, also through references', { skip: noFixtures }, async () => {
  const x = await fromTrace('references');
  const s = stepAt(x, '0x0::m::foo', 0);
  const at = (steps: readonly number[]) => steps.map((w) => `${x.frames(w)[0]!.name}@${x.pc(w)}`);
  const field = x.dataTarget(s, 0, 'simple_field', 'some_struct_ref')!;
  assert.equal(field.description, 'some_struct_ref.simple_field in 0x0::m::foo');
  const whole = x.dataTarget(s, 1, 'some_struct')!;
  const fieldWrites = x.writeSteps(field.dataId)!;
  assert.ok(fieldWrites.every((w) => x.writeSteps(whole.dataId)!.includes(w)), 'a subset of the writes to the whole struct');
  assert.ok(fieldWrites.length < x.writeSteps(whole.dataId)!.length, 'writes to other fields do not count');
  assert.deepEqual(at(fieldWrites).slice(1), ['0x0::m::foo@9'], 'after its creation, written once through the reference');
  assert.deepEqual(at(x.writeSteps(x.dataTarget(s, 0, '[1]', 'vec_ref')!.dataId)!), ['0x0::m::test@7'], 'vec[1] is only written when pushed');
  assert.deepEqual(at(x.writeSteps(x.dataTarget(s, 0, '[0]', 'vec_ref')!.dataId)!).slice(1), ['0x0::m::foo@24']);
  assert.equal(x.dataTarget(s, 0, 'nope', 'some_struct_ref'), undefined);
  assert.equal(x.dataTarget(s, 0, '[9]', 'vec_ref'), undefined);
});

test('trace of a test: framework frames named from the debug info the build keeps for dependencies', { skip: noFixtures }, async () => {
  const x = await fromTrace('abort_native');
  const s = Array.from({ length: x.stepCount }, (_, i) => i).find((i) => x.frames(i)[0]!.name === '0x1::vector::singleton<u8>')!;
  assert.deepEqual(scope(x, s, 'Parameters').map((v) => v.name), ['e']);
  assert.deepEqual(scope(x, s, 'Locals').map((v) => v.name), ['v']);
});
