// Stepping and breakpoint rules of the session, pinned on the fake VM (no EVM, no DAP).
import test from 'node:test';
import assert from 'node:assert/strict';
import { Navigator, type Move } from '../../debug-adapter/session/navigator.ts';
import { parseHitCondition, type Trigger } from '../../debug-adapter/session/triggers.ts';
import { sampleExecution, Tracer, FakeExecution } from './fake-vm.ts';

const execution = () => sampleExecution('/fake/Main.fake');

function stepOf(move: Move): number {
  assert.equal(move.kind, 'stop', 'expected a stop, got the end of the recording');
  return move.kind === 'stop' ? move.stop.step : -1;
}
function lineOf(x: FakeExecution, move: Move): [number, number] {
  const step = stepOf(move);
  return [x.location(step)!.line, x.depth(step)];
}

function lineBreakpoint(nav: Navigator, id: number, line: number, extra: Partial<Trigger> = {}): Trigger {
  const lineId = nav.execution.lineIdOf(0, line);
  return { id, kind: 'breakpoint', hits: nav.lineHits([lineId]), ...extra };
}

test('stop on entry lands on the first line with code, not the dispatcher', () => {
  const x = execution();
  const nav = new Navigator(x);
  assert.deepEqual(lineOf(x, nav.start(true)), [2, 0]);
});

test('step over visits each statement of the function once per execution, calls run through', () => {
  const x = execution();
  const nav = new Navigator(x);
  let move = nav.start(true);
  const lines: number[] = [x.location(stepOf(move))!.line];
  for (;;) {
    move = nav.next(stepOf(move));
    if (move.kind === 'end') break;
    lines.push(x.location(move.stop.step)!.line);
    assert.equal(x.depth(move.stop.step), 0, 'step over never enters a call');
  }
  assert.deepEqual(lines, [2, 4, 5, 6, 5, 6, 5, 6, 5, 8, 9]);
});

test('step into enters an internal call and an external call; step out returns to the calling line', () => {
  const x = execution();
  const nav = new Navigator(x);
  const entry = stepOf(nav.start(true));
  const atCall = stepOf(nav.next(entry)); // line 4
  const inside = nav.stepIn(atCall);
  assert.deepEqual(lineOf(x, inside), [12, 1]);
  assert.equal(x.frames(stepOf(inside))[0]!.name, 'Main.add');
  const out = nav.stepOut(stepOf(inside));
  assert.deepEqual(lineOf(x, out), [4, 0], 'back on the calling line after the call');
  assert.deepEqual(lineOf(x, nav.next(stepOf(out))), [5, 0]);

  // External call on line 8: into the other contract past its code without source.
  let at = stepOf(out);
  while (x.location(at)!.line !== 8) at = stepOf(nav.next(at));
  const callee = nav.stepIn(at);
  assert.deepEqual(lineOf(x, callee), [16, 1]);
  assert.deepEqual(x.frames(stepOf(callee)).map((f) => f.name), ['Other.poke', 'Main.main']);
  assert.deepEqual(lineOf(x, nav.stepOut(stepOf(callee))), [8, 0]);
});

test('step over at the last line of a callee returns to the caller', () => {
  const x = execution();
  const nav = new Navigator(x);
  const inside = stepOf(nav.stepIn(stepOf(nav.next(stepOf(nav.start(true))))));
  assert.deepEqual(lineOf(x, nav.next(inside)), [4, 0]);
});

test('step back returns exactly to the previous stop of each kind of forward step', () => {
  const x = execution();
  const nav = new Navigator(x);
  const stops = [stepOf(nav.start(true))];
  const moves: ((s: number) => Move)[] = [
    (s) => nav.next(s),
    (s) => nav.stepIn(s),
    (s) => nav.stepOut(s),
    (s) => nav.next(s),
    (s) => nav.next(s),
  ];
  for (const m of moves) stops.push(stepOf(m(stops[stops.length - 1]!)));
  for (let i = stops.length - 1; i > 0; i--) {
    assert.equal(stepOf(nav.stepBack(stops[i]!)), stops[i - 1], `step back from stop ${i}`);
  }
  // At the entry, step back stays there.
  assert.equal(stepOf(nav.stepBack(stops[0]!)), stops[0]);
});

test('step back without history mirrors step over: start of the previous statement, over calls', () => {
  const x = execution();
  const fresh = () => new Navigator(x);
  const entry = fresh().start(true);
  const line4 = stepOf(fresh().next(stepOf(entry)));
  const line5 = stepOf(fresh().next(line4));
  assert.equal(stepOf(fresh().stepBack(line5)), line4, 'over the call to add');
  const inAdd = stepOf(fresh().stepIn(line4));
  assert.equal(stepOf(fresh().stepBack(inAdd)), line4, 'from a callee back to the calling line');
  // The loop header is reached again after the body: stepping back from it goes to the body's start.
  const bodyFirst = stepOf(fresh().next(line5));
  const header2 = stepOf(fresh().next(bodyFirst));
  assert.equal(stepOf(fresh().stepBack(header2)), bodyFirst);
});

test('instruction granularity moves exactly one step both ways', () => {
  const x = execution();
  const nav = new Navigator(x);
  const entry = stepOf(nav.start(true));
  assert.equal(stepOf(nav.next(entry, 'instruction')), entry + 1);
  assert.equal(stepOf(nav.stepIn(entry + 1, 'instruction')), entry + 2);
  assert.equal(stepOf(nav.stepBack(entry + 2, 'instruction')), entry + 1);
});

test('a line breakpoint hits once per arrival; continue walks the hits; the end is reported', () => {
  const x = execution();
  const nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 6)]);
  let move = nav.start(false);
  const hits: number[] = [];
  while (move.kind === 'stop') {
    assert.equal(move.stop.reason, 'breakpoint');
    assert.deepEqual(move.stop.hitBreakpointIds, [1]);
    hits.push(move.stop.step);
    move = nav.continue(move.stop.step);
  }
  assert.equal(hits.length, 3);
  assert.ok(hits.every((s) => x.location(s)!.line === 6));
});

test('a breakpoint on a line that calls a function does not hit again when the call returns', () => {
  const x = execution();
  const nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 4)]);
  const first = nav.start(false);
  assert.deepEqual(lineOf(x, first), [4, 0]);
  assert.equal(nav.continue(stepOf(first)).kind, 'end');
});

test('step over stops at a breakpoint inside the call it steps over', () => {
  const x = execution();
  const nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 7, 12)]);
  const line4 = stepOf(nav.next(stepOf(nav.start(true))));
  const move = nav.next(line4);
  assert.deepEqual(lineOf(x, move), [12, 1]);
  assert.equal(move.kind === 'stop' && move.stop.reason, 'breakpoint');
});

test('conditions and hit counts select hits; a broken condition stops with its error', () => {
  const x = execution();
  let nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 6, { condition: 'total == 1' })]);
  let move = nav.start(false);
  // total is 1 after the second iteration's write, visible at the third arrival at line 6.
  assert.equal(x.evaluate(stepOf(move), 0, 'total', { hex: false }).value, '1');
  assert.equal(nav.continue(stepOf(move)).kind, 'end');

  nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 6, { hitCondition: parseHitCondition('== 2') })]);
  move = nav.start(false);
  assert.equal(x.evaluate(stepOf(move), 0, 'i', { hex: false }).value, '1', 'second arrival is iteration i = 1');
  assert.equal(nav.continue(stepOf(move)).kind, 'end');

  nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 6, { condition: 'nosuch > 1' })]);
  move = nav.start(false);
  assert.equal(move.kind, 'stop');
  assert.match(move.kind === 'stop' ? move.stop.text ?? '' : '', /unknown identifier 'nosuch'/);

  assert.throws(() => parseHitCondition('often'), /hit count must be a number/);
  assert.equal(parseHitCondition('3').matches(2), false);
  assert.equal(parseHitCondition('3').matches(4), true);
  assert.equal(parseHitCondition('% 2').matches(4), true);
});

test('logpoints print interpolated values in execution order and do not stop', () => {
  const x = execution();
  const nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 6, { logMessage: 'i={i} total={total} {{raw}} {bad}' })]);
  const move = nav.start(false);
  assert.equal(move.kind, 'end');
  assert.deepEqual(
    move.logs.map((l) => l.text),
    [0, 1, 2].map((i) => `i=${i} total=${[0, 0, 1][i]} {raw} <unknown identifier 'bad'>`),
  );
});

test('reverse continue goes to the previous breakpoint hit, then to the entry', () => {
  const x = execution();
  const nav = new Navigator(x);
  nav.triggers.setLineBreakpoints('main', [lineBreakpoint(nav, 1, 6)]);
  const first = stepOf(nav.start(false));
  const second = stepOf(nav.continue(first));
  const third = stepOf(nav.continue(second));
  assert.equal(stepOf(nav.reverseContinue(third)), second);
  assert.equal(stepOf(nav.reverseContinue(second)), first);
  const back = nav.reverseContinue(first);
  assert.equal(stepOf(back), nav.entryStep);
  assert.equal(back.kind === 'stop' && back.stop.reason, 'entry');
});

test('exception filters: uncaught failures stop by default choice, caught ones only when asked', () => {
  const uncaught = sampleExecution('/fake/Main.fake', { failure: { kind: 'revert', caught: false } });
  let nav = new Navigator(uncaught);
  assert.equal(nav.start(false).kind, 'end', 'no filter: runs to the end');
  nav.triggers.filters = { kinds: new Set(['revert']), caught: false };
  const move = nav.start(false);
  assert.equal(move.kind === 'stop' && move.stop.reason, 'exception');
  assert.deepEqual(lineOf(uncaught, move), [17, 1]);

  const caught = sampleExecution('/fake/Main.fake', { failure: { kind: 'revert', caught: true } });
  nav = new Navigator(caught);
  nav.triggers.filters = { kinds: new Set(['revert']), caught: false };
  assert.equal(nav.start(false).kind, 'end', 'caught revert does not stop with "uncaught only"');
  nav.triggers.filters = { kinds: new Set(['revert']), caught: true };
  assert.equal(nav.start(false).kind, 'stop');
  nav.triggers.filters = { kinds: new Set(['panic']), caught: true };
  assert.equal(nav.start(false).kind, 'end', 'other kinds do not stop');
});

test('data breakpoints stop at each write, forwards and backwards', () => {
  const x = execution();
  const nav = new Navigator(x);
  const target = x.dataTarget(0, 0, 'total')!;
  nav.triggers.setDataBreakpoints([{ id: 9, kind: 'data breakpoint', hits: x.writeSteps(target.dataId)! }]);
  const writes: number[] = [];
  for (let move = nav.start(false); move.kind === 'stop'; move = nav.continue(move.stop.step)) {
    assert.equal(move.stop.reason, 'data breakpoint');
    writes.push(move.stop.step);
  }
  assert.deepEqual(writes, [...x.writeSteps(target.dataId)!]);
  assert.equal(stepOf(nav.reverseContinue(writes[3]!)), writes[2]);
});

test('instruction breakpoints stop at every execution of that instruction', () => {
  const x = execution();
  const nav = new Navigator(x);
  const s = x.location(15)!.line === 6 ? 15 : -1;
  assert.equal(s, 15, 'step 15 is the first instruction of line 6');
  nav.triggers.setInstructionBreakpoints([
    { id: 3, kind: 'instruction breakpoint', hits: nav.instructionHits(x.codeId(s), x.pc(s)) },
  ]);
  const move = nav.start(false);
  assert.equal(stepOf(move), s);
  assert.equal(move.kind === 'stop' && move.stop.reason, 'instruction breakpoint');
});

test('step over a call of a million steps skips it by blocks and lands after it', () => {
  const t = new Tracer();
  t.line(1, 1);
  t.call('Main.loop', 0, () => {
    t.bulk(3, 1_000_000);
  });
  t.line(1, 1);
  t.line(2, 1);
  const x = new FakeExecution(t, { sourcePath: '/fake/Big.fake', sourceText: 'a\nb\nc' });
  const nav = new Navigator(x);
  const entry = stepOf(nav.start(true));
  const after = nav.next(entry);
  assert.deepEqual(lineOf(x, after), [2, 0]);
  assert.equal(stepOf(nav.stepBack(stepOf(after))), entry);
  const inLoop = stepOf(nav.stepIn(entry));
  assert.deepEqual(lineOf(x, nav.stepOut(inLoop + 500_000)), [1, 0]);
});

test('without any source mapping, steps go by instruction and step out returns to the caller', () => {
  const t = new Tracer();
  t.unmapped(3);
  t.call('m::foo', 1, () => {
    t.unmapped(4);
  });
  t.unmapped(2);
  const x = new FakeExecution(t, { sourcePath: '/fake/None.fake', sourceText: '' });
  const nav = new Navigator(x);
  const entry = nav.start(true);
  assert.equal(stepOf(entry), 0);
  assert.equal(stepOf(nav.next(0)), 1);
  assert.equal(stepOf(nav.stepIn(2)), 3, 'into the call, one instruction');
  assert.equal(stepOf(nav.stepOut(4)), 7, 'first step back in the caller');
  assert.equal(stepOf(nav.stepBack(7)), 6);
});

test('step-in targets list the calls a statement makes; stepping into one lands on its first line', () => {
  const x = execution();
  const nav = new Navigator(x);
  const line4 = stepOf(nav.next(stepOf(nav.start(true))));
  const targets = nav.stepInTargets(line4);
  assert.equal(targets.length, 1);
  assert.equal(x.frames(targets[0]!)[0]!.name, 'Main.add');
  assert.deepEqual(lineOf(x, nav.stepInto(line4, targets[0]!)), [12, 1]);
  const line5 = stepOf(nav.next(line4));
  assert.deepEqual(nav.stepInTargets(line5), [], 'the loop header calls nothing');
});

test('function breakpoints stop at the first line of each call of the function', () => {
  const x = execution();
  const nav = new Navigator(x);
  const hits = nav.functionHits((name) => name === 'Other.poke');
  assert.equal(hits.length, 1);
  assert.deepEqual([x.location(hits[0]!)!.line, x.depth(hits[0]!)], [16, 1], 'past the code without source');
  assert.deepEqual(nav.functionHits((name) => name === 'Main.main').length, 1, 'the outermost call counts');
  assert.equal(nav.functionHits((name) => name === 'nope').length, 0);
  nav.triggers.setFunctionBreakpoints([{ id: 4, kind: 'function breakpoint', hits: nav.functionHits((n) => n === 'Main.add') }]);
  const move = nav.start(false);
  assert.equal(move.kind === 'stop' && move.stop.reason, 'function breakpoint');
  assert.deepEqual(lineOf(x, move), [12, 1]);
});
