import test from 'node:test';
import assert from 'node:assert/strict';
import {
  declarationLine, functionKey, hintText, hintTooltip, lensTitle, LineGasStore, measuredFunctions, recordRun, type LineGasEvent,
} from '../../extension/gas-hints.ts';

const line = {
  path: '/w/Caller.sol', line: 44, gas: 44_200, count: 2,
  breakdown: [{ label: 'storage write (cold)', count: 2, gas: 44_200 }],
};
const event: LineGasEvent = { vm: 'evm', gasUsed: 60_000, total: 60_000, unmapped: 15_800, unmappedBreakdown: [], lines: [line, { ...line, path: '/w/Callee.sol', line: 3 }] };

test('the inlay hint shows the line\'s gas and how many times it ran, the hover where it went', () => {
  assert.equal(hintText(line), '⛽ 44,200 · 2×');
  const hover = hintTooltip(line, 'evm');
  assert.match(hover, /\*\*44,200 gas\*\* on this line, which ran 2 times/);
  assert.match(hover, /\| storage write \(cold\) \| 2 \| 44,200 \|/);
  assert.match(hintTooltip({ ...line, count: 1 }, 'move'), /gas units \(Sui schedule\)\*\* on this line, which ran once/);
});

test('hints are kept per file, replaced by the next run and cleared when their file changes', () => {
  const store = new LineGasStore();
  store.set(event);
  assert.deepEqual(store.linesOf('/w/Caller.sol')?.lines.map((l) => l.line), [44]);
  assert.equal(store.clear('/w/Caller.sol'), true);
  assert.equal(store.linesOf('/w/Caller.sol'), undefined);
  assert.equal(store.clear('/w/Caller.sol'), false, 'nothing left to clear');
  assert.ok(store.linesOf('/w/Callee.sol'), 'other files keep their hints');
  store.set({ ...event, lines: [line] });
  assert.equal(store.linesOf('/w/Callee.sol'), undefined, 'a new run replaces the last one');
});

test('the function lens shows the last run\'s gas and the change since the run before', () => {
  assert.equal(lensTitle(undefined), undefined, 'before any run the lens offers to measure');
  let gas = recordRun(undefined, 52_000);
  assert.equal(lensTitle(gas), '⛽ 52,000 gas');
  gas = recordRun(gas, 54_100);
  assert.equal(lensTitle(gas), '⛽ 54,100 gas ▲ 2,100');
  gas = recordRun(gas, 53_800);
  assert.equal(lensTitle(gas), '⛽ 53,800 gas ▼ 300');
  assert.equal(lensTitle(recordRun(gas, 53_800)), '⛽ 53,800 gas ▼ 300', 'the same gas again keeps the last change');
  assert.equal(functionKey('/w/Caller.sol', 'Caller', 'run'), 'chainstep.gas:/w/Caller.sol#Caller.run');
});

test('functions measured by a run: the debugged call\'s total, internal functions inclusive over their calls', () => {
  const leaf = (name: string, gas: number, count = 1) => ({ name, path: '/w/C.sol', line: 1, count, gas, self: gas, children: [] });
  const calls = {
    name: 'C.run', count: 1, gas: 900, self: 100, children: [
      { ...leaf('C.fib', 500), self: 200, children: [leaf('C.fib', 300, 2)] }, // recursion: counted once, in the outer call
      leaf('checked_add_t_uint256', 50, 3), // generated helper: no lens
      { ...leaf('0x0::m::foo', 250) },
    ],
  };
  const measured = measuredFunctions({ vm: 'evm', gasUsed: 1000, total: 1000, unmapped: 0, unmappedBreakdown: [], lines: [], calls }, '/w/C.sol');
  assert.deepEqual(measured.map((m) => [m.container, m.name, m.gas, m.calls]), [['C', 'run', 1000, 1], ['C', 'fib', 500, 3], ['m', 'foo', 250, 1]]);
});

test('an internal function\'s lens goes on its declaration line', () => {
  const text = 'contract C {\n  function run() external {}\n  function _fib(uint n) internal {}\n}\nmodule 0x0::m { fun foo<T>() {} }';
  assert.equal(declarationLine(text, '_fib'), 2);
  assert.equal(declarationLine(text, 'foo'), 4);
  assert.equal(declarationLine(text, 'fi'), -1);
});
