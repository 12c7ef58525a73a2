// Every top-level call Chainstep makes (deployment, each set-up call, the debugged call) is a transaction of
// its own: what one warmed (EIP-2929 access lists) is cold again in the next, so the gas a user reads in the
// debugger is what the call costs on a chain.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import type { EvmExecution } from '../../debug-adapter/evm/debug/execution.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = path.join(here, 'contracts', 'Warm.sol');
const signal = new AbortController().signal;

/** Gas charged by the first instruction whose disassembly starts with `mnemonic`. */
function costOf(ex: EvmExecution, mnemonic: string): number {
  for (let s = 0; s + 1 < ex.stepCount; s++) {
    const [ins] = ex.disassemble(ex.instructionRef(s), 0, 1);
    if (ins?.text.startsWith(mnemonic)) return ex.gasLeft(s) - ex.gasLeft(s + 1);
  }
  throw new Error(`no ${mnemonic} in the recording`);
}

test('storage written by a set-up call is cold in the debugged call (SLOAD costs 2100)', async () => {
  const ex = await launchEvm({ program, contract: 'Warm', setup: [{ function: 'write', args: ['7'] }], function: 'read' }, () => {}, signal);
  assert.equal(costOf(ex, 'SLOAD'), 2100);
  assert.match(ex.outcome.summary, /7/);
});

test('a slot set by earlier set-up calls is cold and clean in the debugged call (SSTORE costs 5000)', async () => {
  const first = await launchEvm({ program, contract: 'Warm', setup: [{ function: 'write', args: ['1'] }, { function: 'write', args: ['2'] }], function: 'write', args: ['3'] }, () => {}, signal);
  // A cold SSTORE of a non-zero slot to another non-zero value: 2100 (cold) + 2900 (reset).
  assert.equal(costOf(first, 'SSTORE'), 5000);
});
