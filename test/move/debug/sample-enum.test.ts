// The enum and `match` of samples/move/generics over DAP, from a fresh copy (no build/): launching
// builds it with our compiler; a breakpoint in a `match` arm binds and is hit with the arm's bindings
// (references to the variant's fields) by name; the guard arm is taken only for a square; stepping out
// returns to the labelled loop, whose total adds up what the arms computed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { AdapterClient, launch, move, nextEvent, where } from '../../session/dap-helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const sample = path.join(root, 'samples/move/generics');

function lineOf(file: string, text: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} in ${file}`);
  return i + 1;
}

async function locals(dc: DebugClient): Promise<Map<string, string>> {
  const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!;
  const out = new Map<string, string>();
  for (const s of (await dc.scopesRequest({ frameId: frame.id })).body.scopes) {
    if (s.name !== 'Parameters' && s.name !== 'Locals') continue;
    for (const v of (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables) out.set(v.name, v.value);
  }
  return out;
}

test('samples/move/generics: a breakpoint in a match arm stops with the variant fields bound by name', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-move-enum-'));
  cpSync(sample, dir, { recursive: true, filter: (src) => path.basename(src) !== 'build' });
  const file = path.join(dir, 'sources/generics.move');
  const dc = new AdapterClient();
  try {
    const arm = lineOf(file, 'Shape::Rectangle { width, height } => *width * *height');
    const stopped = Promise.race([nextEvent(dc, 'stopped'), nextEvent(dc, 'terminated')]) as Promise<DebugProtocol.StoppedEvent>;
    let verified = false;
    await launch(dc, { type: 'chainstep', request: 'launch', program: dir, function: '0x0::generics::shapes_area' }, async () => {
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
