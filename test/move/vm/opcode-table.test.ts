// One Move opcode table (issue 7, item 18): binary/opcodes.ts holds each instruction's byte and name per
// flavour; the interpreter's dispatch numbers and the trace names are that table, checked here, and the
// table itself is checked against OPCODES.md (Sui's and Aptos's `Opcodes` enums, written from their sources).
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InstructionOp } from '../../../debug-adapter/move/binary/model.ts';
import { opcodeByte, opcodeName } from '../../../debug-adapter/move/binary/opcodes.ts';
import { Op, OP_NAMES, TRACE_NAMES } from '../../../debug-adapter/move/vm/opcodes.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const opcodesMd = path.resolve(root, '../shared/fixtures/move/OPCODES.md');

test('dispatch numbers are the Sui bytes of the table; trace names are its names', () => {
  for (const [op, code] of Object.entries(Op) as [InstructionOp, number][]) {
    const sui = opcodeByte(op, 'sui');
    const aptos = opcodeByte(op, 'aptos');
    assert.ok(sui !== undefined || aptos !== undefined, `${op} is in the table`);
    if (sui !== undefined) assert.equal(code, sui, op);
    else assert.ok(code >= 0x80, `${op}: Aptos-only instructions are numbered from 0x80`);
    assert.equal(TRACE_NAMES[code], opcodeName(op, sui !== undefined ? 'sui' : 'aptos'), op);
    assert.equal(OP_NAMES[code], op);
  }
});

test('the table agrees with the Sui opcode list of OPCODES.md', { skip: !existsSync(opcodesMd) && '../shared/fixtures/move/OPCODES.md not found' }, () => {
  const rows = [...readFileSync(opcodesMd, 'utf8').matchAll(/^\| 0x([0-9A-F]{2}) \| ([A-Z0-9_]+) \|/gm)].map((m) => ({ byte: parseInt(m[1]!, 16), name: m[2]! }));
  assert.ok(rows.length > 70, `${rows.length} rows`);
  const byName = new Map(rows.map((r) => [r.name, r.byte]));
  for (const [op, code] of Object.entries(Op) as [InstructionOp, number][]) {
    if (code >= 0x80) continue;
    const name = opcodeName(op, 'sui');
    assert.equal(byName.get(name), code, `${op}: ${name}`);
  }
});
