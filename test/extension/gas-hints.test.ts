import test from 'node:test';
import assert from 'node:assert/strict';
import {
  functionKey, hintText, hintTooltip, launchedFunctionName, lensTitle, LineGasStore, recordRun, type LineGasEvent,
} from '../../extension/gas-hints.ts';

const line = {
  path: '/w/Caller.sol', line: 44, gas: 44_200, count: 2,
  breakdown: [{ label: 'storage write (cold)', count: 2, gas: 44_200 }],
};
const event: LineGasEvent = { vm: 'evm', gasUsed: 60_000, total: 60_000, unmapped: 15_800, lines: [line, { ...line, path: '/w/Callee.sol', line: 3 }] };

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

test('the launched function is found by its name in Solidity and Move spellings', () => {
  assert.equal(launchedFunctionName('run(uint256)'), 'run');
  assert.equal(launchedFunctionName('run'), 'run');
  assert.equal(launchedFunctionName('0x0::m::test'), 'test');
  assert.equal(launchedFunctionName(undefined), undefined);
});
