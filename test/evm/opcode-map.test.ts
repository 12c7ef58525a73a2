// The recorder wraps @ethereumjs/evm's internal opcode table. This pins the shape it relies on: if an
// upgrade changes it, this fails before users see a broken recording.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Chain } from '../../debug-adapter/evm/run/chain.ts';
import { opcodeMap } from '../../debug-adapter/evm/record/recorder.ts';
import { OPCODES } from '../../debug-adapter/evm/opcodes.ts';

test('_opcodeMap has one entry per opcode with opcodeInfo, opHandler and gasHandler', async () => {
  const chain = await Chain.create();
  const map = opcodeMap(chain.evm);
  const entries = map instanceof Map ? [...map.entries()] : map.map((e, i) => [i, e] as const);
  assert.ok(entries.length >= 256, `entries: ${entries.length}`);
  for (const [code, entry] of entries) {
    const info = entry.opcodeInfo;
    // Undefined opcodes have no handler: the interpreter rejects them before calling one.
    if (!info.isInvalid) assert.equal(typeof entry.opHandler, 'function', `opHandler of ${code}`);
    if (!info.isInvalid) assert.equal(info.code, code);
    for (const key of ['fee', 'isAsync', 'dynamicGas', 'isInvalid', 'name'] as const) assert.ok(key in info, `${key} of ${code}`);
    if (info.dynamicGas) assert.equal(typeof entry.gasHandler, 'function', `gasHandler of ${code}`);
    // Our own table agrees with the EVM's names for every defined opcode.
    const fullName = (info as { fullName?: string }).fullName ?? info.name;
    if (!info.isInvalid) assert.equal(OPCODES[code]!.name.replace('KECCAK256', 'SHA3'), fullName.replace('KECCAK256', 'SHA3'), `name of ${code}`);
  }
});
