// Instruction references as the client sees them. VS Code's disassembly view orders and compares
// instruction addresses as numbers, so a backend's "codeId:pc" reference is shown as the hex number
// ((codeId + 1) << 32 | pc); the table remembers which backend reference each address came from. The + 1
// leaves room below every code unit's first instruction for the disassembly view's placeholder rows, so
// they get addresses of their own (never 0 again, which the view would take for the current instruction).

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
      return { codeId: Number(value >> 32n) - 1, pc: Number(value & 0xffffffffn) + offset };
    }
    const p = this.execution.parseInstructionRef(address);
    return p && { codeId: p.codeId, pc: p.pc + offset };
  }
}

export function encode(codeId: number, pc: number): string {
  return `0x${((BigInt(codeId + 1) << 32n) | BigInt(pc)).toString(16)}`;
}

/**
 * The `address` of a readMemory answer: the address of its first byte. A memory reference that is a number (hex
 * with 0x, or decimal, as DAP reads addresses) is the address of its first byte, so the answer is reference +
 * offset. Any other reference is opaque to the session: the answer gives the offset from it, still a hex number
 * (memory views parse addresses as numbers). Nothing is readable below address 0, so it floors there.
 */
export function memoryAddress(memoryReference: string, offset: number): string {
  const base = /^0x[0-9a-f]+$/i.test(memoryReference) || /^\d+$/.test(memoryReference) ? BigInt(memoryReference) : 0n;
  const address = base + BigInt(offset);
  return `0x${(address < 0n ? 0n : address).toString(16)}`;
}
