// A real Sui package laid out as `sui move build` leaves it: the package's own `sources/m.move`, and the
// build's copy of it under `build/<pkg>/sources/`. The user edits and sets breakpoints in the package's
// file: frames open that file, and a breakpoint set in either copy binds and is hit. When the original
// is gone, the build's copy is the source.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, move, nextEvent, serve, where } from '../../session/dap-helpers.ts';
import { backends } from '../../../debug-adapter/cli/backends.ts';
import { readTraceFile } from '../../../debug-adapter/move/trace/reader.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tests = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');
const skip = !existsSync(tests) && '../shared/fixtures/move not found';
const NAME = 'stepping_dbg_info_1';
/** `p + p` in `foo`, the body of the function the test calls (sources/m.move). */
const FOO_BODY = 6;

/** The fixture package in a temporary folder, its build (linked, read-only) carrying a copy of the sources. */
function packageWithBuildCopy(dir: string): { own: string; copy: string } {
  const from = path.join(tests, NAME);
  const pkg = path.join(dir, NAME);
  cpSync(path.join(from, 'sources'), path.join(pkg, 'sources'), { recursive: true });
  cpSync(path.join(from, 'Move.toml'), path.join(pkg, 'Move.toml'));
  const build = path.join(pkg, 'build', NAME);
  mkdirSync(build, { recursive: true });
  for (const d of ['bytecode_modules', 'debug_info']) symlinkSync(path.join(from, 'build', NAME, d), path.join(build, d));
  cpSync(path.join(from, 'sources'), path.join(build, 'sources'), { recursive: true });
  return { own: path.join(pkg, 'sources', 'm.move'), copy: path.join(build, 'sources', 'm.move') };
}

async function stopAt(config: Record<string, unknown>, breakpointFile: string): Promise<{ verified: boolean; path?: string; line: number; name: string }> {
  const served = await serve(backends);
  const { dc } = served;
  try {
    let verified = false;
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, config, async () => {
      const r = await dc.setBreakpointsRequest({ source: { path: breakpointFile }, breakpoints: [{ line: FOO_BODY }] });
      verified = r.body.breakpoints[0]!.verified;
    });
    assert.equal((await stopped).body?.reason, 'breakpoint', `stops at the breakpoint in ${breakpointFile} (verified: ${verified})`);
    return { verified, ...(await where(dc)) };
  } finally {
    await served.close();
  }
}

for (const mode of ['trace', 'interpreter'] as const) {
  test(`Move package sources (${mode}): a breakpoint in the package's file or in the build's copy binds, frames open the package's file`, { skip }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-sources-'));
    try {
      const { own, copy } = packageWithBuildCopy(dir);
      const pkg = path.dirname(path.dirname(own));
      const config = mode === 'trace'
        ? { type: 'chainstep', request: 'launch', program: pkg, trace: path.join(tests, NAME, 'traces', `${NAME}__m__test.jsonl`) }
        : { type: 'chainstep', request: 'launch', program: pkg, function: '0x0::m::test' };
      for (const file of [own, copy]) {
        const stop = await stopAt(config, file);
        assert.ok(stop.verified, `breakpoint in ${path.relative(dir, file)} binds`);
        assert.equal(stop.name, '0x0::m::foo');
        assert.equal(stop.line, FOO_BODY);
        assert.equal(stop.path, own, 'the frame opens the package\'s own file, not the build copy');
      }
      // The original gone: the build's copy is what the debug info describes.
      rmSync(own);
      const stop = await stopAt(config, copy);
      assert.ok(stop.verified);
      assert.equal(stop.path, copy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a live run reaching MoveStdlib without the framework stops on MISSING_DATA naming the module and what to add', { skip }, async () => {
  const served = await serve(backends);
  const { dc } = served;
  try {
    // abort_native's test calls 0x1::vector functions; its build ships no bytecode of MoveStdlib.
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, { type: 'chainstep', request: 'launch', program: path.join(tests, 'abort_native'), function: '0x0::m::test' });
    const event = await stopped;
    assert.equal(event.body?.reason, 'exception');
    assert.match(event.body.text ?? '', /MISSING_DATA in 0x0::m::test .*module 0x1::vector is not available/);
    assert.match(event.body.text ?? '', /does not ship MoveStdlib \(0x1\): add "frameworks"/);
    assert.equal((await where(dc)).path, path.join(tests, 'abort_native', 'sources', 'm.move'), 'the stop shows the calling line');
  } finally {
    await served.close();
  }
});

test('a moved local keeps showing the value it passed on, marked as moved (abort_native: foo\'s parameters at the native\'s abort)', { skip }, async () => {
  const served = await serve(backends);
  const { dc } = served;
  try {
    const name = 'abort_native';
    const trace = readTraceFile(path.join(tests, name, 'traces', `${name}__m__test.jsonl`));
    // The oracle: the real VM's trace says which values foo was called with.
    const open = trace.events.find((e) => 'OpenFrame' in e && e.OpenFrame.frame.function_name === 'foo') as unknown as { OpenFrame: { frame: { parameters: { RuntimeValue: { value: { value: unknown } } }[] } } };
    const p = String(open.OpenFrame.frame.parameters[1]!.RuntimeValue.value.value);
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, { type: 'chainstep', request: 'launch', program: path.join(tests, name), trace: path.join(tests, name, 'traces', `${name}__m__test.jsonl`) });
    assert.equal((await stopped).body?.reason, 'exception');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const foo = frames.find((f) => f.name === '0x0::m::foo')!;
    const scopes = (await dc.scopesRequest({ frameId: foo.id })).body.scopes;
    const params = (await dc.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Parameters')!.variablesReference })).body.variables;
    assert.equal(params.find((v) => v.name === 'p')?.value, `${p} (moved)`);
  } finally {
    await served.close();
  }
});

test('a macro body is its own frame: a breakpoint in the macro stops there above the function that invoked it; step out leaves the macro', { skip }, async () => {
  const served = await serve(backends);
  const { dc } = served;
  const pkg = path.join(tests, 'macro_breakpoint');
  const dep = path.join(pkg, 'sources', 'm_dep.move');
  // The oracle: the package's source declares the macro whose body holds line 4.
  const macro = /macro\s+fun\s+(\w+)/.exec(readFileSync(dep, 'utf8'))![1]!;
  try {
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, { type: 'chainstep', request: 'launch', program: pkg, function: '0x0::m::test' }, () =>
      dc.setBreakpointsRequest({ source: { path: dep }, breakpoints: [{ line: 4 }] }));
    assert.equal((await stopped).body.reason, 'breakpoint');
    const at = await where(dc);
    assert.deepEqual(at.frames.map((f) => [f.name, f.source?.path && path.basename(f.source.path), f.line]), [
      [`${macro}! (inlined in foo)`, 'm_dep.move', 4],
      // The macro is foo's first statement: foo is shown at its name.
      ['0x0::m::foo', 'm.move', 6],
      ['0x0::m::test', 'm.move', 16],
    ]);
    await move(dc, () => dc.stepOutRequest({ threadId: 1 }));
    const out = await where(dc);
    assert.equal(out.name, '0x0::m::foo', 'step out leaves the macro body for the function');
    assert.equal(out.frames.length, 2);
  } finally {
    await served.close();
  }
});
