// Parameters and locals at every step of a call, including the instructions between statements (what
// instruction stepping and the disassembly view show): a value is either true or not shown.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';

const program = path.join(path.dirname(fileURLToPath(import.meta.url)), 'contracts', 'Followup.sol');

test('at every step, a shown parameter or local has a value it really had (or is unavailable)', async () => {
  const ex = await launchEvm({ program, contract: 'Scopes', function: 'scoped', args: ['21'] }, () => {}, new AbortController().signal);
  // What the variables hold over the call: amount 21, early 22, inner 44, result 0 then 44 then 45, late 0 then 45.
  const truth: Record<string, readonly string[]> = { amount: ['21'], early: ['22'], inner: ['44'], result: ['0', '44', '45'], late: ['0', '45'] };
  let checked = 0, afterBody = 0;
  for (let s = 0; s < ex.stepCount; s++) {
    if (ex.depth(s) !== 0) continue;
    const scopes = ex.scopes(s, 0);
    const vars = ['Parameters', 'Locals'].flatMap((n) => scopes.find((x) => x.name === n)?.children.get(undefined, 0, 50, { hex: false }) ?? []);
    if (scopes.every((x) => x.name !== 'Parameters') && checked > 0) afterBody++;
    for (const v of vars) {
      if (v.hint === 'unavailable') continue;
      assert.ok(truth[v.name]?.includes(v.value), `step ${s} (pc ${ex.pc(s)}): ${v.name} = ${v.value}`);
      checked++;
    }
  }
  assert.ok(checked > 50, `values checked: ${checked}`);
  assert.ok(afterBody > 0, 'after the body returned to the dispatcher, no Parameters scope');
});

test('caller-callee run(4): the variables of every frame, at every step, hold values they really had', async () => {
  const sample = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../samples/solidity/caller-callee/Caller.sol');
  const ex = await launchEvm({ program: sample, contract: 'Caller', constructorArgs: ['3'], function: 'run', args: ['4'] }, () => {}, new AbortController().signal);
  // The loop sums squares of 1..4 (sum 0, 1, 5, 14, 30; i up to 5 when the loop ends), the Callee scales by 3.
  const truth: Record<string, readonly string[]> = {
    'Caller.run.n': ['4'], 'Caller.sumOfSquares.n': ['4'], 'Caller.sumOfSquares.sum': ['0', '1', '5', '14', '30'],
    'Caller.sumOfSquares.i': ['1', '2', '3', '4', '5'], 'Caller.square.x': ['1', '2', '3', '4'], 'Caller.run.total': ['30'],
    'Callee.scale.value': ['30'], 'Callee.scale.result': ['0', '90'], 'Caller.notify.value': ['90'], 'Caller.run.scaled': ['90'],
    'MathLib.clamp.value': ['90'], 'MathLib.clamp.limit': ['1000'],
  };
  for (let s = 0; s < ex.stepCount; s++) {
    const frame = ex.frames(s)[0]!.name;
    for (const scope of ex.scopes(s, 0)) {
      if (scope.name !== 'Parameters' && scope.name !== 'Locals') continue;
      for (const v of scope.children.get(undefined, 0, 50, { hex: false })) {
        if (v.hint !== 'unavailable') assert.ok(truth[`${frame}.${v.name}`]?.includes(v.value), `step ${s}: ${frame} ${v.name} = ${v.value}`);
      }
    }
  }
});

test('outcome and exception summaries come from decode/ (one revert decoder)', async () => {
  const ex = await launchEvm({ program, contract: 'Outer', function: 'bubble', args: ['11'] }, () => {}, new AbortController().signal);
  assert.equal(ex.outcome.summary, 'reverted: TooBig(value: 11, limit: 10)');
  assert.deepEqual(ex.exceptions.map((e) => [e.kind, e.caught, e.summary]), Array(3).fill(['revert', false, 'TooBig(value: 11, limit: 10)']));
  assert.deepEqual(ex.exceptions.map((e) => ex.frames(e.step).length), [3, 2, 1], 'one event per frame the revert passes through');
  // Handled by a low-level call, then a failure of the caller's own: only that one is uncaught.
  const handled = await launchEvm({ program, contract: 'Outer', function: 'lowLevelThenRequire', args: ['11'] }, () => {}, new AbortController().signal);
  assert.deepEqual(handled.exceptions.map((e) => [e.caught, e.summary, handled.frames(e.step)[0]!.name]), [
    [true, 'TooBig(value: 11, limit: 10)', 'Inner.check'],
    [true, 'TooBig(value: 11, limit: 10)', 'Middle.forward'],
    [false, 'Error("forward failed")', 'Outer.lowLevelThenRequire'],
  ]);
  const abi = await import('../../debug-adapter/evm/run/abi.ts');
  assert.equal('describeRevert' in abi, false, 'no second revert decoder');
});
