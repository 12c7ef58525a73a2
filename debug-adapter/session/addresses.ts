// Instruction references as the client sees them. VS Code's disassembly view orders, merges and compares
// instruction addresses as numbers and shows them as they are, so a backend's "codeId:pc" reference is the
// hex number (codeId << 32 | pc): the first code unit (the debugged contract, the entry function) reads as
// its pc (0x1a9), the others keep apart by their high bits; the table remembers which backend reference
// each address came from. Placeholder rows before the first code unit's first instruction get negative
// decimal addresses (see `padAddress`).

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

/**
 * The address of a placeholder row of the disassembly view (where code has no more instructions): each
 * its own number, in order with the real rows. Below 0 it is written in decimal, the only negative form
 * the view parses (BigInt), and skips -1, which the view takes for "no address".
 */
export function padAddress(address: bigint): string {
  return address < 0n ? (address - 1n).toString() : `0x${address.toString(16)}`;
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
