// Instruction references as the client sees them. VS Code's disassembly view orders and compares
// instruction addresses as numbers, so a backend's "codeId:pc" reference is shown as the hex number
// (codeId << 32 | pc); the table remembers which backend reference each address came from.

import type { Execution } from '../core/execution.ts';

export class InstructionAddresses {
  private readonly refs = new Map<string, string>();

  constructor(private readonly execution: Execution) {}

  /** The client-facing address of a backend instruction reference. */
  address(ref: string): string {
    const parsed = this.execution.parseInstructionRef(ref);
    if (!parsed) return ref;
    const address = encode(parsed.codeId, parsed.pc);
    this.refs.set(address, ref);
    return address;
  }

  /** The backend reference behind an address (or a backend reference passed as is). */
  ref(address: string): string | undefined {
    const known = this.refs.get(address.toLowerCase());
    if (known !== undefined) return known;
    return this.execution.parseInstructionRef(address) ? address : undefined;
  }

  /** Code unit and offset of an address (plus a byte/instruction offset). */
  decode(address: string, offset = 0): { codeId: number; pc: number } | undefined {
    const ref = this.refs.get(address.toLowerCase());
    if (ref !== undefined) {
      const p = this.execution.parseInstructionRef(ref);
      return p && { codeId: p.codeId, pc: p.pc + offset };
    }
    if (/^0x[0-9a-f]+$/i.test(address)) {
      const value = BigInt(address);
      return { codeId: Number(value >> 32n), pc: Number(value & 0xffffffffn) + offset };
    }
    const p = this.execution.parseInstructionRef(address);
    return p && { codeId: p.codeId, pc: p.pc + offset };
  }
}

export function encode(codeId: number, pc: number): string {
  return `0x${((BigInt(codeId) << 32n) | BigInt(pc)).toString(16)}`;
}
