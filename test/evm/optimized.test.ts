// Optimized and via-IR builds: parameters and locals are listed, each either exact (an argument the function
// never writes, read from calldata) or "unavailable (optimized)": never a value read from an untrusted stack slot.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compile } from '../../debug-adapter/evm/build/compile.ts';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import type { EvmExecution } from '../../debug-adapter/evm/debug/execution.ts';

const SOURCE = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;
contract Opt {
    event Done(uint256 r);
    function f(uint256 a, uint256 b, bytes calldata data, uint256[2] calldata pair, uint256 viaAsm, uint256[] memory copy) external returns (uint256 r) {
        b = b + 1;
        assembly { viaAsm := add(viaAsm, 1) }
        uint256 sum = a + b + data.length + pair[1] + viaAsm + copy.length;
        r = sum * 2;
        emit Done(r);
    }
}
`;
const ARGS = ['7', '10', '0x010203', ['4', '5'], '100', ['1', '2']];
const EMIT_LINE = SOURCE.split('\n').findIndex((l) => l.includes('emit Done(r);')) + 1;

/** A Foundry project whose build-info asks for the given optimizer settings (compiled again from its input). */
function project(settings: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'chainstep-optimized-'));
  mkdirSync(path.join(root, 'src'));
  mkdirSync(path.join(root, 'out/build-info'), { recursive: true });
  writeFileSync(path.join(root, 'foundry.toml'), '[profile.default]\nsrc = "src"\n');
  writeFileSync(path.join(root, 'src/Opt.sol'), SOURCE);
  const input = { language: 'Solidity', sources: { 'src/Opt.sol': { content: SOURCE } }, settings: { ...settings, outputSelection: { '*': { '*': ['abi'] } } } };
  writeFileSync(path.join(root, 'out/build-info/opt.json'), JSON.stringify({ id: 'opt', input, output: {} }));
  return root;
}

/** Parameters and Locals of the top frame at the first step on the emit line. */
function variablesAtEmit(ex: EvmExecution): { step: number; params: Record<string, string>; locals: Record<string, string> } {
  const source = ex.sources.findIndex((s) => s.path.endsWith('src/Opt.sol'));
  const id = ex.lineIdOf(source, EMIT_LINE);
  let step = 0;
  while (step < ex.stepCount && ex.lineId(step) !== id) step++;
  assert.ok(step < ex.stepCount, 'the emit line runs');
  const scope = (name: string): Record<string, string> => {
    const found = ex.scopes(step, 0).find((s) => s.name === name);
    assert.ok(found, `a ${name} scope`);
    return Object.fromEntries(found.children.get('named', 0, 100, { hex: false }).map((v) => {
      if (v.value.startsWith('unavailable')) assert.equal(v.hint, 'unavailable', `${v.name} is marked unavailable`);
      return [v.name, v.value];
    }));
  };
  return { step, params: scope('Parameters'), locals: scope('Locals') };
}

const UNAVAILABLE = 'unavailable (optimized)';
const EXACT = { a: '7', data: '0x010203', pair: '[4, 5]' };

for (const [label, settings] of [
  ['via-IR', { optimizer: { enabled: true, runs: 200 }, viaIR: true }],
  ['legacy optimizer', { optimizer: { enabled: true, runs: 200 } }],
] as const) {
  test(`${label}: unwritten calldata and value parameters are exact; written ones, memory copies and locals are unavailable`, async () => {
    const root = project(settings);
    try {
      assert.ok(compile({ program: root }).contracts.every((c) => c.optimized), 'the build is flagged optimized');
      const ex = await launchEvm({ program: root, contract: 'Opt', function: 'f', args: ARGS }, () => {}, new AbortController().signal);
      assert.equal(ex.outcome.summary, 'returned (r: 258)');
      const { step, params, locals } = variablesAtEmit(ex);
      assert.deepEqual(params, { ...EXACT, b: UNAVAILABLE, viaAsm: UNAVAILABLE, copy: UNAVAILABLE });
      assert.deepEqual(locals, { r: UNAVAILABLE, sum: UNAVAILABLE });
      // Evaluate agrees: exact names evaluate, unavailable ones say so instead of computing with a guess.
      assert.equal(ex.evaluate(step, 0, 'a', { hex: false }).value, '7');
      assert.equal(ex.evaluate(step, 0, 'b', { hex: false }).value, UNAVAILABLE);
      assert.throws(() => ex.evaluate(step, 0, 'b + 1', { hex: false }), /unavailable/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}

test('unoptimized build: the same frame reads every variable from the stack, written parameters with their new values', async () => {
  const root = project({ optimizer: { enabled: false } });
  try {
    assert.ok(compile({ program: root }).contracts.every((c) => !c.optimized));
    const ex = await launchEvm({ program: root, contract: 'Opt', function: 'f', args: ARGS }, () => {}, new AbortController().signal);
    const { params, locals } = variablesAtEmit(ex);
    assert.deepEqual(params, { ...EXACT, b: '11', viaAsm: '101', copy: '[1, 2]' });
    assert.deepEqual(locals, { r: '258', sum: '129' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
