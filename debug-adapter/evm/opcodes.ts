// The legacy (non-EOF) EVM instruction set as the recorder and the disassembler need it: names, immediate
// sizes and stack effects. Our own table (not the EVM's internal one) so that replaying a recording never
// depends on @ethereumjs internals.

export interface OpcodeInfo {
  readonly name: string;
  /** Items read from the stack. */
  readonly pops: number;
  /** Items left on the stack. */
  readonly pushes: number;
  /** Bytes of immediate data following the opcode (PUSH1..PUSH32). */
  readonly immediate: number;
}

const table: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);

function def(code: number, name: string, pops: number, pushes: number, immediate = 0): void {
  table[code] = { name, pops, pushes, immediate };
}

def(0x00, 'STOP', 0, 0);
[['ADD', 2], ['MUL', 2], ['SUB', 2], ['DIV', 2], ['SDIV', 2], ['MOD', 2], ['SMOD', 2], ['ADDMOD', 3], ['MULMOD', 3],
  ['EXP', 2], ['SIGNEXTEND', 2]].forEach(([n, p], i) => def(0x01 + i, n as string, p as number, 1));
[['LT', 2], ['GT', 2], ['SLT', 2], ['SGT', 2], ['EQ', 2], ['ISZERO', 1], ['AND', 2], ['OR', 2], ['XOR', 2], ['NOT', 1],
  ['BYTE', 2], ['SHL', 2], ['SHR', 2], ['SAR', 2], ['CLZ', 1]].forEach(([n, p], i) => def(0x10 + i, n as string, p as number, 1));
def(0x20, 'KECCAK256', 2, 1);
[['ADDRESS', 0, 1], ['BALANCE', 1, 1], ['ORIGIN', 0, 1], ['CALLER', 0, 1], ['CALLVALUE', 0, 1], ['CALLDATALOAD', 1, 1],
  ['CALLDATASIZE', 0, 1], ['CALLDATACOPY', 3, 0], ['CODESIZE', 0, 1], ['CODECOPY', 3, 0], ['GASPRICE', 0, 1],
  ['EXTCODESIZE', 1, 1], ['EXTCODECOPY', 4, 0], ['RETURNDATASIZE', 0, 1], ['RETURNDATACOPY', 3, 0],
  ['EXTCODEHASH', 1, 1], ['BLOCKHASH', 1, 1], ['COINBASE', 0, 1], ['TIMESTAMP', 0, 1], ['NUMBER', 0, 1],
  ['PREVRANDAO', 0, 1], ['GASLIMIT', 0, 1], ['CHAINID', 0, 1], ['SELFBALANCE', 0, 1], ['BASEFEE', 0, 1],
  ['BLOBHASH', 1, 1], ['BLOBBASEFEE', 0, 1]].forEach(([n, p, q], i) => def(0x30 + i, n as string, p as number, q as number));
[['POP', 1, 0], ['MLOAD', 1, 1], ['MSTORE', 2, 0], ['MSTORE8', 2, 0], ['SLOAD', 1, 1], ['SSTORE', 2, 0], ['JUMP', 1, 0],
  ['JUMPI', 2, 0], ['PC', 0, 1], ['MSIZE', 0, 1], ['GAS', 0, 1], ['JUMPDEST', 0, 0], ['TLOAD', 1, 1], ['TSTORE', 2, 0],
  ['MCOPY', 3, 0], ['PUSH0', 0, 1]].forEach(([n, p, q], i) => def(0x50 + i, n as string, p as number, q as number));
for (let n = 1; n <= 32; n++) def(0x5f + n, `PUSH${n}`, 0, 1, n);
for (let n = 1; n <= 16; n++) def(0x7f + n, `DUP${n}`, n, n + 1);
for (let n = 1; n <= 16; n++) def(0x8f + n, `SWAP${n}`, n + 1, n + 1);
for (let n = 0; n <= 4; n++) def(0xa0 + n, `LOG${n}`, n + 2, 0);
def(0xf0, 'CREATE', 3, 1);
def(0xf1, 'CALL', 7, 1);
def(0xf2, 'CALLCODE', 7, 1);
def(0xf3, 'RETURN', 2, 0);
def(0xf4, 'DELEGATECALL', 6, 1);
def(0xf5, 'CREATE2', 4, 1);
def(0xfa, 'STATICCALL', 6, 1);
def(0xfd, 'REVERT', 2, 0);
def(0xfe, 'INVALID', 0, 0);
def(0xff, 'SELFDESTRUCT', 1, 0);

const unknown = (code: number): OpcodeInfo => ({ name: `0x${code.toString(16).padStart(2, '0')} (invalid)`, pops: 0, pushes: 0, immediate: 0 });

export const OPCODES: readonly OpcodeInfo[] = table.map((info, code) => info ?? unknown(code));

export const Op = {
  KECCAK256: 0x20, CALLDATACOPY: 0x37, CODECOPY: 0x39, EXTCODECOPY: 0x3c, RETURNDATACOPY: 0x3e,
  MLOAD: 0x51, MSTORE: 0x52, MSTORE8: 0x53, SLOAD: 0x54, SSTORE: 0x55, JUMP: 0x56, JUMPI: 0x57, JUMPDEST: 0x5b,
  TLOAD: 0x5c, TSTORE: 0x5d, MCOPY: 0x5e, PUSH0: 0x5f, PUSH1: 0x60, PUSH32: 0x7f, DUP1: 0x80, DUP16: 0x8f,
  SWAP1: 0x90, SWAP16: 0x9f, LOG0: 0xa0, LOG4: 0xa4, CREATE: 0xf0, CALL: 0xf1, CALLCODE: 0xf2, RETURN: 0xf3,
  DELEGATECALL: 0xf4, CREATE2: 0xf5, STATICCALL: 0xfa, REVERT: 0xfd, INVALID: 0xfe, SELFDESTRUCT: 0xff,
} as const;

export function isPush(op: number): boolean {
  return op >= Op.PUSH0 && op <= Op.PUSH32;
}

/** The instruction start offsets of `code` (PUSH data skipped), in order. */
export function instructionOffsets(code: Uint8Array): Uint32Array {
  const offsets: number[] = [];
  for (let pc = 0; pc < code.length; pc += 1 + OPCODES[code[pc]!]!.immediate) offsets.push(pc);
  return Uint32Array.from(offsets);
}

/** "PUSH2 0x0104", "SWAP1", ...; PUSH data past the end of code is shown as it is zero-padded by the EVM. */
export function instructionText(code: Uint8Array, pc: number): string {
  const op = code[pc]!;
  const info = OPCODES[op]!;
  if (info.immediate === 0) return info.name;
  let hex = '';
  for (let i = 1; i <= info.immediate; i++) hex += (code[pc + i] ?? 0).toString(16).padStart(2, '0');
  return `${info.name} 0x${hex}`;
}

/** The value a PUSH at `pc` puts on the stack. */
export function pushValue(code: Uint8Array, pc: number): bigint {
  const n = OPCODES[code[pc]!]!.immediate;
  let v = 0n;
  for (let i = 1; i <= n; i++) v = (v << 8n) | BigInt(code[pc + i] ?? 0);
  return v;
}

/**
 * Opcodes whose pushed value is a pure function of their operands and the frame's memory, calldata, code or
 * pc: the recorder does not store their results, replay recomputes them (see state.ts `recompute`).
 */
export const RECOMPUTED: ReadonlySet<number> = new Set([
  0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, // ADD..SIGNEXTEND
  0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, // LT..SAR
  0x35, 0x36, 0x38, // CALLDATALOAD, CALLDATASIZE, CODESIZE
  0x51, 0x58, // MLOAD, PC
]);
