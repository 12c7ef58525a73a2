// A Move session saved to a recording file (samples/move/generics, built on launch) and opened alone, with
// the package deleted: a breakpoint in the opened sources stops on the same line with the same frames and
// locals, and the failing assert! stops with the same abort, as in the session that saved it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../../session/dap-helpers.ts';
import { AdapterClient, lineOf, nextStop } from '../../session/dap-issue3-helpers.ts';
import { elsewhere, snapshot, tempDir, type StopView } from '../../session/recording-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = path.join(root, 'samples/move/generics');

/** Breakpoint stop, then the abort: what is shown at each. */
async function session(dc: AdapterClient, config: Record<string, unknown>, file: (dc: AdapterClient) => Promise<string>, line: number, save?: string): Promise<{ atBreakpoint: StopView; atAbort: StopView; reason: string | undefined }> {
  let stop = nextStop(dc);
  await launch(dc, { type: 'chainstep', request: 'launch', stopOnEntry: true, ...config });
  await stop;
  const bp = await dc.setBreakpointsRequest({ source: { path: await file(dc) }, breakpoints: [{ line }] });
  assert.equal(bp.body.breakpoints[0]!.verified, true);
  await dc.setExceptionBreakpointsRequest({ filters: ['abort'] });
  if (save) await dc.customRequest('chainstep/saveRecording', { path: save });
  stop = nextStop(dc);
  await dc.continueRequest({ threadId: 1 });
  assert.equal((await stop).body.reason, 'breakpoint');
  const atBreakpoint = await snapshot(dc);
  stop = nextStop(dc);
  await dc.continueRequest({ threadId: 1 });
  assert.equal((await stop).body.reason, 'exception');
  const reason = (await dc.exceptionInfoRequest({ threadId: 1 })).body.description;
  return { atBreakpoint, atAbort: await snapshot(dc), reason };
}

/** The path of the frame's source showing generics.move (the innermost one at entry). */
async function genericsSource(dc: AdapterClient): Promise<string> {
  const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  return frames.find((f) => f.source?.name === 'generics.move')!.source!.path!;
}

test('a saved Move recording reopens without its package: same breakpoint stop, frames, locals and abort', async (t) => {
  const work = tempDir(t, 'chainstep-move-rec-');
  const pkg = path.join(work, 'generics');
  cpSync(sample, pkg, { recursive: true, filter: (src) => path.basename(src) !== 'build' });
  const line = lineOf(path.join(pkg, 'sources/generics.move'), 'let total = pair.first + pair.second;');
  const saved = path.join(work, 'over_limit.chainstep');

  const live = new AdapterClient();
  let original: Awaited<ReturnType<typeof session>>;
  try {
    original = await session(live, { program: pkg, function: '0x0::generics::over_limit' }, async () => path.join(pkg, 'sources/generics.move'), line, saved);
  } finally {
    await live.close();
  }
  assert.equal(original.atBreakpoint.frames[0]!.line, line);
  assert.match(original.reason ?? '', /The total is larger than the limit/);

  rmSync(pkg, { recursive: true, force: true });
  const { adapter: reopened, file, tmp } = elsewhere(work, saved, 'bug.chainstep');
  try {
    const opened = await session(reopened, { recording: file }, async (dc) => {
      const source = await genericsSource(dc);
      assert.ok(source.startsWith(tmp), source);
      return source;
    }, line);
    assert.deepEqual(opened.atBreakpoint, original.atBreakpoint);
    assert.deepEqual(opened.atAbort, original.atAbort);
    assert.equal(opened.reason, original.reason);
  } finally {
    await reopened.close();
  }
});

const fixtures = path.resolve(root, '../shared/fixtures/move/sui-trace-tests');
const skipFixtures = !existsSync(fixtures) && '../shared/fixtures/move not found';

test('a real Sui trace launched with its build saves with both and reopens alone with the same abort stop', { skip: skipFixtures }, async (t) => {
  const work = tempDir(t, 'chainstep-move-trace-rec-');
  const saved = path.join(work, 'abort_assert.chainstep');
  const config = {
    program: path.join(fixtures, 'abort_assert/build/abort_assert'),
    trace: path.join(fixtures, 'abort_assert/traces/abort_assert__m__test.jsonl'),
  };
  const toAbort = async (dc: AdapterClient, launchConfig: Record<string, unknown>, save?: string) => {
    let stop = nextStop(dc);
    await launch(dc, { type: 'chainstep', request: 'launch', stopOnEntry: true, ...launchConfig });
    await stop;
    if (save) await dc.customRequest('chainstep/saveRecording', { path: save });
    await dc.setExceptionBreakpointsRequest({ filters: ['abort'] });
    stop = nextStop(dc);
    await dc.continueRequest({ threadId: 1 });
    assert.equal((await stop).body.reason, 'exception');
    return { view: await snapshot(dc), reason: (await dc.exceptionInfoRequest({ threadId: 1 })).body.description };
  };
  const live = new AdapterClient();
  let original: Awaited<ReturnType<typeof toAbort>>;
  try {
    original = await toAbort(live, config, saved);
  } finally {
    await live.close();
  }
  const { adapter: reopened, file } = elsewhere(work, saved, 'trace.chainstep');
  try {
    const opened = await toAbort(reopened, { recording: file });
    assert.deepEqual(opened, original);
    assert.match(opened.reason ?? '', /assertion failed at line 6 \(code 0x80000006ffffffff\) in 0x0::m::foo/);
  } finally {
    await reopened.close();
  }
});
