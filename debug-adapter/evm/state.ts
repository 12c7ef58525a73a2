// Rebuilds the stack and memory of a call context as they were before a step, from the context's nearest
// checkpoint plus a replay of at most one checkpoint interval of its own steps (calls it made are skipped in
// O(1): their effects on the caller are the pushed result and the logged return-data copy).
import { OPCODES, Op, pushValue } from './opcodes.ts';
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
  let mi = cp.memoryIndex;
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
      const len = memLength[mi]!, at = memOffset[mi]!;
      const newSize = Math.max(size, memSize[mi]!);
      if (newSize > memory.length) {
        const grown = new Uint8Array(Math.max(newSize, memory.length * 2));
        grown.set(memory.subarray(0, size));
        memory = grown;
      }
      if (len > 0) memory.set(memData.subarray(memDataAt[mi]!, memDataAt[mi]! + len), at);
      size = newSize;
      mi++;
    }
  };

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
