// KECCAK256 inputs of the calls before the recorded one (deployment, `setup`): a mapping the constructor or a
// set-up call wrote has its keys hashed there, and only there. Only the KECCAK256 handler of the EVM's opcode
// table is wrapped (the same internal table the recorder wraps), so these calls run at full speed.
import type { EVM } from '@ethereumjs/evm';
import { Op } from '../opcodes.ts';
import { opcodeMap } from './recorder.ts';

export interface EarlierPreimage {
  readonly preimage: Uint8Array;
  /** "the constructor", "setup[0] mint(address,uint256)". */
  readonly origin: string;
}

interface KeccakRunState {
  stack: { _store: bigint[]; _len: number };
  memory: { _store: Uint8Array };
}
type Handler = (rs: KeccakRunState, common: unknown) => unknown;

/** Runs `run` collecting each KECCAK256 input (first computation wins) into `into`, tagged with `origin`. */
export async function collectPreimages<T>(evm: EVM, origin: string, into: Map<bigint, EarlierPreimage>, run: () => Promise<T>): Promise<T> {
  const table = opcodeMap(evm) as unknown as Map<number, { opHandler: Handler }> | { opHandler: Handler }[];
  const entry = table instanceof Map ? table.get(Op.KECCAK256) : table[Op.KECCAK256];
  if (!entry) throw new Error('@ethereumjs/evm internals changed: no KECCAK256 entry');
  const original = entry.opHandler;
  entry.opHandler = (rs, common) => {
    const s = rs.stack._store, top = rs.stack._len - 1;
    const off = Number(s[top]), len = Number(s[top - 1]);
    const result = original(rs, common); // expands memory over the input, pushes the hash
    const hash = rs.stack._store[rs.stack._len - 1]!;
    if (!into.has(hash)) into.set(hash, { preimage: rs.memory._store.slice(off, off + len), origin });
    return result;
  };
  try {
    return await run();
  } finally {
    entry.opHandler = original;
  }
}
