// Rebuilds the stack and memory of a call context as they were before a step, from the context's nearest
// checkpoint plus a replay of at most one checkpoint interval of its own steps (calls it made are skipped in
// O(1): their effects on the caller are the pushed result and the logged return-data copy).
import { OPCODES, Op, RECOMPUTED, pushValue } from '../opcodes.ts';
import { readValue, type CallContext, type Recording } from './recording.ts';

export interface FrameState {
  /** Bottom first. */
  readonly stack: bigint[];
  /** Memory in use (its length is msize). */
  readonly memory: Uint8Array;
}

export function rebuildState(rec: Recording, ctx: CallContext, step: number): FrameState {
  const cps = ctx.checkpoints;
  if (cps.length === 0) return { stack: [], memory: new Uint8Array(0) };
  let lo = 0, hi = cps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cps[mid]!.step <= step) lo = mid; else hi = mid - 1;
  }
  const cp = cps[lo]!;
  const stack = cp.stack.slice();
  let memory = new Uint8Array(Math.max(cp.memory.length, 1024));
  memory.set(cp.memory);
  let size = cp.memory.length;
  let offset = cp.valueOffset;
  let mi = cp.memorySnapshotIndex;
  const out = { next: 0 };
  const ctxOf = rec.context.data, pcs = rec.pc.data, values = rec.values.data;
  const memStep = rec.memStep.data, memOffset = rec.memOffset.data, memLength = rec.memLength.data;
  const memDataAt = rec.memDataAt.data, memSize = rec.memSize.data, memData = rec.memData.data;
  const memCount = rec.memStep.length;
  const code = ctx.code;
  const directChild = (id: number): CallContext => {
    let d = rec.contexts[id]!;
    while (d.parent !== ctx.id) d = rec.contexts[d.parent]!;
    return d;
  };
  const applyMemory = (s: number): void => {
    while (mi < memCount && memStep[mi] === s) {
      applyEntry();
      mi++;
    }
  };

  // Bring the memory snapshot up to the checkpoint with this context's log entries (callees' are skipped).
  const applyEntry = (): void => {
    const len = memLength[mi]!, at = memOffset[mi]!;
    const newSize = Math.max(size, memSize[mi]!);
    if (newSize > memory.length) {
      const grown = new Uint8Array(Math.max(newSize, memory.length * 2));
      grown.set(memory.subarray(0, size));
      memory = grown;
    }
    if (len > 0) memory.set(memData.subarray(memDataAt[mi]!, memDataAt[mi]! + len), at);
    size = newSize;
  };
  for (; mi < cp.memoryIndex; mi++) if (ctxOf[memStep[mi]!] === ctx.id) applyEntry();

  for (let s = cp.step; s < step;) {
    if (ctxOf[s] !== ctx.id) {
      const child = directChild(ctxOf[s]!);
      s = child.endStep; offset = child.endValueOffset; mi = child.endMemoryIndex;
      continue;
    }
    const pc = pcs[s]!;
    const op = code[pc] ?? 0;
    const info = OPCODES[op]!;
    if (op >= Op.DUP1 && op <= Op.DUP16) {
      stack.push(stack[stack.length - (op - Op.DUP1 + 1)]!);
    } else if (op >= Op.SWAP1 && op <= Op.SWAP16) {
      const a = stack.length - 1, b = a - (op - Op.SWAP1 + 1);
      const t = stack[a]!; stack[a] = stack[b]!; stack[b] = t;
    } else if (op >= Op.PUSH0 && op <= Op.PUSH32) {
      stack.push(pushValue(code, pc));
    } else if (RECOMPUTED.has(op)) {
      const top = stack.length - 1;
      const v = recompute(op, stack[top]!, stack[top - 1]!, stack[top - 2]!, pc, code, ctx.calldata, memory, size);
      stack.length -= info.pops;
      stack.push(v);
    } else {
      stack.length -= info.pops;
      const isCall = op === Op.CALL || op === Op.CALLCODE || op === Op.DELEGATECALL || op === Op.STATICCALL || op === Op.CREATE || op === Op.CREATE2;
      if (isCall && s + 1 < step && ctxOf[s + 1] !== ctx.id) {
        // The callee's steps follow; its pushed values and memory writes come before ours in the logs.
        const child = directChild(ctxOf[s + 1]!);
        offset = child.endValueOffset; mi = child.endMemoryIndex;
        stack.push(readValue(values, offset, out)); offset = out.next;
        applyMemory(s);
        s = child.endStep;
        continue;
      }
      if (info.pushes === 1) { stack.push(readValue(values, offset, out)); offset = out.next; }
    }
    applyMemory(s);
    s++;
  }
  return { stack, memory: memory.subarray(0, size) };
}

const M = (1n << 256n) - 1n;
const signed = (x: bigint): bigint => (x >> 255n ? x - (1n << 256n) : x);

function word(bytes: Uint8Array, offset: number, limit: number): bigint {
  let hex = '0x';
  for (let i = 0; i < 32; i++) {
    const at = offset + i;
    hex += (at < limit ? bytes[at]! : 0).toString(16).padStart(2, '0');
  }
  return BigInt(hex);
}

/** The value a RECOMPUTED opcode pushes; `a` is the top operand, `b` the next, `c` the third. */
export function recompute(op: number, a: bigint, b: bigint, c: bigint, pc: number, code: Uint8Array, calldata: Uint8Array, memory: Uint8Array, msize: number): bigint {
  switch (op) {
    case 0x01: return (a + b) & M;
    case 0x02: return (a * b) & M;
    case 0x03: return (a - b) & M;
    case 0x04: return b === 0n ? 0n : a / b;
    case 0x05: return b === 0n ? 0n : (signed(a) / signed(b)) & M;
    case 0x06: return b === 0n ? 0n : a % b;
    case 0x07: return b === 0n ? 0n : (signed(a) % signed(b)) & M;
    case 0x08: return c === 0n ? 0n : (a + b) % c;
    case 0x09: return c === 0n ? 0n : (a * b) % c;
    case 0x0a: {
      let result = 1n, base = a, e = b;
      while (e > 0n) {
        if (e & 1n) result = (result * base) & M;
        base = (base * base) & M;
        e >>= 1n;
      }
      return result;
    }
    case 0x0b: {
      if (a >= 31n) return b;
      const bit = a * 8n + 7n;
      const mask = (1n << (bit + 1n)) - 1n;
      return (b >> bit) & 1n ? b | (M ^ mask) : b & mask;
    }
    case 0x10: return a < b ? 1n : 0n;
    case 0x11: return a > b ? 1n : 0n;
    case 0x12: return signed(a) < signed(b) ? 1n : 0n;
    case 0x13: return signed(a) > signed(b) ? 1n : 0n;
    case 0x14: return a === b ? 1n : 0n;
    case 0x15: return a === 0n ? 1n : 0n;
    case 0x16: return a & b;
    case 0x17: return a | b;
    case 0x18: return a ^ b;
    case 0x19: return M ^ a;
    case 0x1a: return a >= 32n ? 0n : (b >> (248n - a * 8n)) & 0xffn;
    case 0x1b: return a >= 256n ? 0n : (b << a) & M;
    case 0x1c: return a >= 256n ? 0n : b >> a;
    case 0x1d: return a >= 256n ? (signed(b) < 0n ? M : 0n) : (signed(b) >> a) & M;
    case 0x35: return a >= BigInt(calldata.length) ? 0n : word(calldata, Number(a), calldata.length);
    case 0x36: return BigInt(calldata.length);
    case 0x38: return BigInt(code.length);
    case 0x51: return word(memory, Number(a), msize);
    case 0x58: return BigInt(pc);
    default: throw new Error(`not a recomputed opcode: ${op}`);
  }
}
