// Issue 7 items 7-10 over DAP against `node bin/chainstep.js dap`: stepping and breakpoints that must not
// mislead. Step back retraces what stepping forward visits (a callee's `return d;` included); a finished
// `if` does not come back after its body; a breakpoint on a line without code stays in its function; a
// stop highlights the statement, not the sub-expression the instruction computes.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { launch, move, nextEvent, where } from '../session/dap-helpers.ts';
import { AdapterClient, withAdapter, lineOf, root } from '../session/dap-issue3-helpers.ts';

const program = path.join(root, 'test/evm/contracts/Stepping.sol');
const at = (text: string): number => lineOf(program, text);
const config = { program, contract: 'Stepping', function: 'run', args: ['5', true] };


/** Launches the call and runs to a breakpoint on `line`. */
async function runToLine(dc: AdapterClient, line: number): Promise<void> {
  const stopped = nextEvent(dc, 'stopped');
  await launch(dc, { ...config, stopOnEntry: false }, () => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line }] }));
  await stopped;
}

/** "Frame@line" of the innermost frame. */
async function here(dc: AdapterClient): Promise<string> {
  const w = await where(dc);
  return `${w.name}@${w.line}`;
}

test('step back visits exactly what stepping in visits, in reverse, also after a step out of a callee', async () => {
  await withAdapter(async (dc) => {
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...config, stopOnEntry: true });
    await stopped;
    const forward = [await here(dc)];
    while (!forward[forward.length - 1]!.endsWith(`@${at('result += withdraw(a);')}`)) {
      await move(dc, (a) => dc.stepInRequest(a), 'step');
      forward.push(await here(dc));
    }
    // Into double (two statements), back to the calling line, on.
    assert.deepEqual(forward.slice(0, 6), [
      `Stepping.run@${at('uint256 c = a + 1;')}`, `Stepping.run@${at('uint256 x = double(c);')}`, `Stepping.double@${at('uint256 d = v * 2;')}`,
      `Stepping.double@${at('return d;')}`, `Stepping.run@${at('uint256 x = double(c);')}`, `Stepping.run@${at('result = x + c;')}`,
    ]);
    const backward = [forward[forward.length - 1]!];
    while (backward.length < forward.length) {
      await move(dc, (a) => dc.stepBackRequest(a));
      backward.push(await here(dc));
    }
    assert.deepEqual(backward, [...forward].reverse());

    // Step in to double's first line, step out to the caller, step back: double's `return d;`, which a
    // forward step visits, comes before its first line.
    await move(dc, (a) => dc.nextRequest(a), 'step'); // line 13
    await move(dc, (a) => dc.stepInRequest(a), 'step');
    assert.equal(await here(dc), `Stepping.double@${at('uint256 d = v * 2;')}`);
    await move(dc, (a) => dc.stepOutRequest(a), 'step');
    assert.equal(await here(dc), `Stepping.run@${at('uint256 x = double(c);')}`);
    await move(dc, (a) => dc.stepBackRequest(a));
    assert.equal(await here(dc), `Stepping.double@${at('return d;')}`);
  });
});

test('step back from a breakpoint retraces the callee a statement called', async () => {
  await withAdapter(async (dc) => {
    const line = at('result = x + c;');
    await runToLine(dc, line);
    assert.equal(await here(dc), `Stepping.run@${line}`);
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      await move(dc, (a) => dc.stepBackRequest(a));
      seen.push(await here(dc));
    }
    assert.deepEqual(seen, [`Stepping.run@${at('uint256 x = double(c);')}`, `Stepping.double@${at('return d;')}`, `Stepping.double@${at('uint256 d = v * 2;')}`]);
  });
});

test('an if statement does not come back after its body ran (short-circuit condition)', async () => {
  await withAdapter(async (dc) => {
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...config, stopOnEntry: true });
    await stopped;
    const lines = [(await where(dc)).line];
    while (lines[lines.length - 1] !== at('result += withdraw(a);')) {
      await move(dc, (a) => dc.nextRequest(a), 'step');
      lines.push((await where(dc)).line);
    }
    assert.deepEqual(lines, [
      'uint256 c = a + 1;', 'uint256 x = double(c);', 'result = x + c;', 'if (flag && a > 1) {', 'total += result;', 'total += 1;',
      'uint256 s = named(a);', 'result += s;', 'result += withdraw(a);',
    ].map(at));
  });
});

test('a breakpoint on a line without code stays in its function: unverified with the reason, never moved into the next function', async () => {
  await withAdapter(async (dc) => {
    let answer: DebugProtocol.Breakpoint[] = [];
    const namedReturn = at('return s;');
    const closing = namedReturn + 1; // named's closing brace
    const inDouble = at('return d;');
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { ...config, stopOnEntry: false, stopAtEnd: true }, async () => {
      answer = (await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: namedReturn }, { line: closing }, { line: inDouble }] })).body.breakpoints;
    });
    assert.deepEqual(answer.map((b) => [b.verified, b.line]), [[false, namedReturn], [false, closing], [true, inDouble]]);
    for (const b of answer.slice(0, 2)) assert.match(b.message ?? '', /No code on this line or after it in Stepping\.named/);
    await stopped;
    // The run stops in double only, never in withdraw (where the old rule moved the breakpoints to).
    assert.equal(await here(dc), `Stepping.double@${inDouble}`);
    await move(dc, (a) => dc.continueRequest(a as DebugProtocol.ContinueArguments));
    assert.notEqual((await where(dc)).name, 'Stepping.withdraw');
  });
});

test('a stop highlights the whole statement, not the sub-expression its first instruction computes', async () => {
  await withAdapter(async (dc) => {
    const line = at('if (amount > available) {');
    await runToLine(dc, line);
    const top = (await where(dc)).frames[0]!;
    const text = 'if (amount > available)';
    const column = readFileSync(program, 'utf8').split('\n')[line - 1]!.indexOf(text) + 1;
    assert.deepEqual([top.line, top.column, top.endLine, top.endColumn], [line, column, line, column + text.length]);
    // A simple statement shows whole as well (up to its semicolon).
    await move(dc, (a) => dc.nextRequest(a), 'step');
    const next = (await where(dc)).frames[0]!;
    assert.equal(next.line, at('return amount;'));
    assert.equal(next.endColumn! - next.column, 'return amount'.length);
  });
});
