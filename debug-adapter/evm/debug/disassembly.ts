// Disassembly around an instruction reference ("<code unit>:<pc>"), each instruction with its source range.
import type { Instruction } from '../../core/execution.ts';
import type { CodeUnits } from '../build/units.ts';
import { instructionText, OPCODES } from '../opcodes.ts';
import { bytesToHex } from '../run/abi.ts';

export function parseInstructionRef(units: CodeUnits, ref: string): { codeId: number; pc: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(ref);
  if (!m) return undefined;
  const codeId = Number(m[1]), pc = Number(m[2]);
  const unit = units.units[codeId];
  if (!unit || pc > unit.code.length) return undefined;
  return { codeId, pc };
}

export function disassemble(units: CodeUnits, ref: string, instructionOffset: number, count: number): Instruction[] {
  const parsed = parseInstructionRef(units, ref);
  if (!parsed) return [];
  const unit = units.units[parsed.codeId]!;
  const base = unit.indexByPc[Math.min(parsed.pc, unit.code.length)]!;
  const out: Instruction[] = [];
  for (let i = base + instructionOffset; i < base + instructionOffset + count; i++) {
    if (i < 0 || i >= unit.instructions.length) continue;
    const pc = unit.instructions[i]!;
    const size = 1 + OPCODES[unit.code[pc]!]!.immediate;
    out.push({
      ref: `${unit.id}:${pc}`, pc, text: instructionText(unit.code, pc),
      bytes: bytesToHex(unit.code.subarray(pc, pc + size)).slice(2), symbol: unit.name, location: units.location(unit, pc),
    });
  }
  return out;
}
