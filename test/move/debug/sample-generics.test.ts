// The samples/move/generics package as a user gets it (sources, no build/): launching it builds it with
// our compiler, a breakpoint in sources/generics.move binds and is hit, locals show what the code
// computes, stepping goes into the generic function and back, and the failing call stops on its assert!
// with the abort code and the #[error] constant's name. A breakpoint in a `match` arm stops with the
// variant's fields bound by name (references), after the guarded arm was skipped; stepping out returns to
// the labelled loop. `chainstep move test` passes on it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AdapterClient, collectOutput, launch, move, nextEvent, where } from '../../session/dap-helpers.ts';
import { copySample, lineOf, locals } from './sample-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function config(dir: string, fn: string): Record<string, unknown> {
  return { type: 'chainstep', request: 'launch', program: dir, function: `0x0::generics::${fn}` };
}

test('samples/move/generics: launch builds it, a breakpoint binds and is hit, locals, step into the generic function and back', async () => {
  const dir = copySample('generics');
  const file = path.join(dir, 'sources/generics.move');
  const dc = new AdapterClient();
  try {
    const output = collectOutput(dc);
    const progress: string[] = [];
    dc.on('progressStart', (e: DebugProtocol.ProgressStartEvent) => progress.push(e.body.title));
    dc.on('progressUpdate', (e: DebugProtocol.ProgressUpdateEvent) => progress.push(e.body.message ?? ''));
    const line = lineOf(file, 'let pair = make_pair(');
    let verified = false;
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, config(dir, 'within_limit'), async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] })).body.breakpoints[0]!.verified;
    });
    assert.ok(existsSync(path.join(dir, 'build/Generics/bytecode_modules/generics.mv')), 'the launch wrote build/Generics');
    assert.ok(progress.some((p) => p.includes("Compiling Move package with Chainstep's compiler")), `progress: ${progress.join(' | ')}`);
    assert.ok(verified, 'the breakpoint in sources/generics.move binds');
    assert.equal((await stopped).body.reason, 'breakpoint');
    let at = await where(dc);
    assert.equal(at.name, '0x0::generics::checked_total');
    assert.equal(at.line, line);
    assert.equal(at.path, file);
    assert.equal((await locals(dc)).get('limit'), '200', 'the argument within_limit passes');

    // Step in: the first call on the line is sum(&values, 2) = 10 + 20, then make_pair, the generic function.
    for (let i = 0; i < 20 && (at = await where(dc)).name !== '0x0::generics::make_pair<u64>'; i++) {
      await move(dc, () => (at.name === '0x0::generics::sum' ? dc.stepOutRequest({ threadId: 1 }) : dc.stepInRequest({ threadId: 1 })));
    }
    // The frame names the generic function with its type argument.
    assert.equal(at.name, '0x0::generics::make_pair<u64>');
    assert.equal(at.line, lineOf(file, 'Pair { first, second }'));
    const args = await locals(dc);
    assert.equal(args.get('first'), '30', 'sum of the first two values (10 + 20)');
    assert.equal(args.get('second'), '100', 'sum of all four values');

    // Step back: out of make_pair, to the call line in checked_total.
    await move(dc, () => dc.stepBackRequest({ threadId: 1 }), 'step');
    at = await where(dc);
    assert.equal(at.name, '0x0::generics::checked_total');
    assert.equal(at.line, line);

    // Step over to the assert!: total is 30 + 100.
    const total = lineOf(file, 'assert!(total <= limit');
    for (let i = 0; i < 10 && (at = await where(dc)).line !== total; i++) await move(dc, () => dc.nextRequest({ threadId: 1 }));
    assert.equal(at.line, total);
    assert.equal((await locals(dc)).get('total'), '130');
    void output;
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/generics: the failing call stops on its assert! with the code and the #[error] constant', async () => {
  const dir = copySample('generics');
  const file = path.join(dir, 'sources/generics.move');
  const dc = new AdapterClient();
  try {
    const stopped = nextEvent(dc, 'stopped') as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, config(dir, 'over_limit'));
    assert.equal((await stopped).body.reason, 'exception');
    const at = await where(dc);
    assert.equal(at.name, '0x0::generics::checked_total');
    assert.equal(at.line, lineOf(file, 'assert!(total <= limit'));
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.equal(info.body.exceptionId, 'abort');
    // The #[error] constant by name, with its message and the line, from the clever error code.
    assert.match(info.body.description!, /ETotalTooLarge at line \d+: .*The total is larger than the limit/);
    assert.match(info.body.description!, /code 0xc0ff0023/);
    assert.equal((await locals(dc)).get('total'), '130');
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/generics: a build made without tests by `chainstep move build` is rebuilt when a launch names a #[test]', async () => {
  const dir = copySample('generics');
  const file = path.join(dir, 'sources/generics.move');
  const dc = new AdapterClient();
  try {
    const built = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), 'move', 'build', dir], { encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    const line = lineOf(file, 'let flags = make_pair(true, false);');
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    await launch(dc, config(dir, 'test_within_limit'), async () => {
      await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] });
    });
    assert.equal((await stopped).body.reason, 'breakpoint', 'the #[test] function was found after the rebuild in test mode');
    const at = await where(dc);
    assert.equal(at.name, '0x0::generics::test_within_limit');
    assert.equal(at.line, line);
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/generics: a compile error fails the launch with file:line:col: message', async () => {
  const dir = copySample('generics');
  const file = path.join(dir, 'sources/generics.move');
  const good = readFileSync(file, 'utf8');
  const dc = new AdapterClient();
  try {
    writeFileSync(file, good.replace('total = total + values[i];', 'total = total + undefined_name;'));
    await assert.rejects(launch(dc, config(dir, 'within_limit')), (e: Error) => {
      assert.match(e.message, /does not compile/);
      assert.match(e.message, /generics\.move:\d+:\d+: error\[E\d+\]: .*undefined_name/);
      return true;
    });
    assert.ok(!existsSync(path.join(dir, 'build')), 'nothing built');
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/generics: chainstep move test passes', () => {
  const dir = copySample('generics');
  try {
    const r = spawnSync(process.execPath, [path.join(root, 'bin/chainstep.js'), 'move', 'test', dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\[ PASS {4}\] 0x0::generics::test_within_limit/);
    assert.match(r.stdout, /\[ PASS {4}\] 0x0::generics::test_shapes/);
    assert.match(r.stdout, /Test result: OK\. Total tests: 2; passed: 2; failed: 0/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('samples/move/generics: a breakpoint in a match arm stops with the variant fields bound by name', async () => {
  const dir = copySample('generics');
  const file = path.join(dir, 'sources/generics.move');
  const dc = new AdapterClient();
  try {
    const arm = lineOf(file, 'Shape::Rectangle { width, height } => *width * *height');
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    let verified = false;
    await launch(dc, config(dir, 'shapes_area'), async () => {
      verified = (await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: arm }] })).body.breakpoints[0]!.verified;
    });
    assert.ok(verified, 'the breakpoint in the match arm binds');
    assert.equal((await stopped).body.reason, 'breakpoint');
    let at = await where(dc);
    assert.equal(at.name, '0x0::generics::area');
    assert.equal(at.line, arm);
    // The 3 x 4 rectangle: not a square, so the guarded arm was skipped and this one bound its fields.
    const vars = await locals(dc);
    assert.match(vars.get('width') ?? '', /\b3\b/, `width: ${vars.get('width')}`);
    assert.match(vars.get('height') ?? '', /\b4\b/, `height: ${vars.get('height')}`);

    // Out to the labelled loop: the circle (12) is already in the total.
    await move(dc, () => dc.stepOutRequest({ threadId: 1 }));
    at = await where(dc);
    assert.equal(at.name, '0x0::generics::total_area');
    // `total` is being moved into `total + area(..)`: shown with its last value, marked as moved.
    const loop = await locals(dc);
    assert.match(loop.get('total') ?? '', /^12\b/, `total: ${loop.get('total')}`);
    assert.match(loop.get('i') ?? '', /^1\b/, `i: ${loop.get('i')}`);
  } finally {
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
