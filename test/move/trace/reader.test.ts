import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseTrace, readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';
import { splitJsonValues, stringifyCompact } from '../../../debug-adapter/move/trace/json.ts';
import { UserError } from '../../../debug-adapter/core/errors.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tests = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');

test('u64 values above 2^53 keep every digit', () => {
  const text = '{"version":3}\n{"Effect":{"Push":{"RuntimeValue":{"value":{"type":"U64","value":18446744073709551615}}}}}\n';
  const trace = parseTrace(text);
  assert.equal(trace.version, 3);
  assert.deepEqual(trace.events[0], { Effect: { Push: { RuntimeValue: { value: { type: 'U64', value: 18446744073709551615n } } } } });
});

test('u256 is read from 32 little-endian bytes', () => {
  const bytes = new Array(32).fill(0);
  bytes[0] = 1;
  bytes[1] = 2;
  const text = `{"version":2}\n{"Effect":{"Pop":{"RuntimeValue":{"value":{"type":"U256","value":${JSON.stringify(bytes)}}}}}}`;
  const ev = parseTrace(text).events[0] as { Effect: { Pop: { RuntimeValue: { value: { value: bigint } } } } };
  assert.equal(ev.Effect.Pop.RuntimeValue.value.value, 0x0201n);
});

test('concatenated pretty-printed values split like JSON Lines', () => {
  assert.deepEqual(splitJsonValues('{"a": "}{"}\n{\n "b": [1, {"c": 2}]\n}'), ['{"a": "}{"}', '{\n "b": [1, {"c": 2}]\n}']);
  assert.throws(() => splitJsonValues('{"a": [1, 2}'), /unbalanced|truncated/);
});

test('compact writer emits bigints bare and keeps key order', () => {
  assert.equal(stringifyCompact({ b: 1n << 70n, a: [true, null, 'x'], skip: undefined }), '{"b":1180591620717411303424,"a":[true,null,"x"]}');
});

test('bad traces give clear errors', () => {
  assert.throws(() => parseTrace('{"version":1}\n'), (e: unknown) => e instanceof UserError && /version 1 is not supported/.test(e.message));
  assert.throws(() => parseTrace('{"version":2}\n{"Bogus":1}\n', 'x.jsonl'), (e: unknown) => e instanceof UserError && /x.jsonl: event 0 is malformed/.test(e.message));
  assert.throws(() => parseTrace('not json'), UserError);
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-'));
  writeFileSync(path.join(dir, 't.json.zst'), new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]));
  assert.throws(() => readTraceFile(path.join(dir, 't.json.zst')), UserError);
  assert.throws(() => readTraceFile(path.join(dir, 'missing.json')), /cannot read trace/);
});

test('every fixture trace parses, frames open and close in order', (t) => {
  if (!existsSync(tests)) return t.skip('../shared/fixtures/move/sui-trace-tests not found');
  const abortMath = readTraceFile(path.join(tests, 'abort_math/traces/abort_math__m__test.jsonl'));
  assert.equal(abortMath.version, 2);
  const first = abortMath.events[0] as { OpenFrame: { frame: { function_name: string }; gas_left: bigint } };
  assert.equal(first.OpenFrame.frame.function_name, 'test');
  assert.equal(first.OpenFrame.gas_left, 1000000000n);
  assert.deepEqual(abortMath.events.at(-1), { Effect: { ExecutionError: 'ARITHMETIC_ERROR' } });
  // The pretty-printed .json and the .jsonl of the same run hold the same events.
  const a = readTraceFile(path.join(tests, 'native_fun/traces/native_fun__m__test.json'));
  const b = readTraceFile(path.join(tests, 'native_fun/traces/native_fun__m__test.jsonl'));
  assert.deepEqual(a.events, b.events);
  const v3 = readTraceFile(path.join(tests, 'stepping/traces/stepping__m__test.jsonl'));
  assert.equal(v3.version, 3);
  for (const ev of v3.events) {
    if ('OpenFrame' in ev) assert.equal(typeof ev.OpenFrame.frame.version_id, 'string');
  }
  // Frame ids are the index of their OpenFrame event.
  for (const ev of b.events.entries()) {
    const [i, e] = ev;
    if ('OpenFrame' in e) assert.equal(e.OpenFrame.frame.frame_id, i);
  }
});

test('on-chain replay traces (ext1..ext3) read with balanced frames', (t) => {
  if (!existsSync(tests)) return t.skip('../shared/fixtures/move/sui-trace-tests not found');
  for (const ext of ['ext1', 'ext2', 'ext3']) {
    const dir = path.join(tests, ext);
    if (!existsSync(dir)) continue;
    for (const sub of readdirSync(dir)) {
      const file = path.join(dir, sub, 'trace.jsonl');
      if (!existsSync(file)) continue;
      const trace = readTraceFile(file);
      assert.ok(trace.events.length > 0, file);
      const open: number[] = [];
      let instructions = 0;
      for (const [i, e] of trace.events.entries()) {
        if ('OpenFrame' in e) {
          assert.equal(e.OpenFrame.frame.frame_id, i, `${ext}: frame ids are event indices`);
          open.push(i);
        } else if ('CloseFrame' in e) assert.equal(e.CloseFrame.frame_id, open.pop(), `${ext}: frames close innermost first`);
        else if ('Instruction' in e) {
          instructions++;
          assert.ok(open.length > 0, `${ext}: instructions run inside a frame`);
        }
      }
      assert.ok(instructions > 0, `${ext} has instructions`);
    }
  }
});
