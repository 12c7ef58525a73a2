// `chainstep trace`: runs a function of a build folder and writes its Sui trace.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runTraceCommand } from '../../../debug-adapter/move/trace/command.ts';
import { parseTrace, readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.resolve(root, '../shared/fixtures/move');
const stepping = path.join(fixtures, 'sui-trace-tests/stepping/build/stepping');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

test('trace command writes a version 3 trace and says how the call ended', async (t) => {
  if (!existsSync(stepping)) return t.skip('../shared/fixtures/move not found');
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-trace-'));
  const file = path.join(dir, 'foo.jsonl');
  const c = capture();
  assert.equal(await runTraceCommand(['--program', stepping, '--function', '0x0::m::foo', '--args', '[7]', '--out', file], c.io), 0);
  assert.match(c.out.join('\n'), /0x0::m::foo: returned \(14\); gas used \d+, 4 instructions/);
  assert.equal(readFileSync(file, 'utf8').split('\n')[0], '{"version":3}');
  const trace = readTraceFile(file);
  const open = trace.events[0]!;
  assert.ok('OpenFrame' in open && open.OpenFrame.frame.function_name === 'foo');
  assert.deepEqual(open.OpenFrame.frame.parameters, [{ RuntimeValue: { value: { type: 'U64', value: 7n } } }]);
  // The unit test's own trace, re-created: same events as the real VM's (v3) trace.
  const testFile = path.join(dir, 'test.jsonl');
  assert.equal(await runTraceCommand(['--program', stepping, '--function=0x0::m::test', `--out=${testFile}`], capture().io), 0);
  const real = readTraceFile(path.join(fixtures, 'sui-trace-tests/stepping/traces/stepping__m__test.jsonl'));
  assert.deepEqual(parseTrace(readFileSync(testFile, 'utf8')).events, real.events);
});

test('trace command input errors are clear and exit 1', async (t) => {
  if (!existsSync(stepping)) return t.skip('../shared/fixtures/move not found');
  const out = path.join(tmpdir(), 'never-written.jsonl');
  const cases: [string[], RegExp][] = [
    [['--program', stepping, '--function', '0x0::m::foo', '--out', out, '--args', '["x"]'], /--args\[0\] \(u64\): expected an integer/],
    [['--program', stepping, '--function', '0x0::m::foo', '--out', out, '--args', '[1,2]'], /takes 1 argument/],
    [['--program', stepping, '--function', '0x0::m::nope', '--out', out], /has no function nope/],
    [['--program', stepping, '--function', '0x0::zz::foo', '--out', out], /module 0x0::zz is not available/],
    [['--program', stepping, '--function', '0x0::m::foo', '--out', out, '--args', '[1'], /--args is not valid JSON/],
    [['--program', '/nonexistent/build', '--function', '0x0::m::foo', '--out', out], /not found/],
    [['--program', stepping, '--out', out], /required/],
    [['--bogus'], /unknown option --bogus/],
    [['--program', stepping, '--function', '0x0::m::foo', '--args', '[1]', '--out', 'x.json.zst'], /compressed traces are not written/],
  ];
  for (const [argv, message] of cases) {
    const c = capture();
    assert.equal(await runTraceCommand(argv, c.io), 1, argv.join(' '));
    assert.match(c.err.join('\n'), message, argv.join(' '));
  }
});
