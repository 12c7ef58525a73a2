// Statement-level structure of a recorded execution, computed once per recording in one pass.
//
// A "statement start" is a step where execution arrives at a line: the step is mapped (lineId >= 0) and
// the most recent mapped step at the same or a shallower depth is on another line or in a caller. So a line
// that calls a function does not "arrive" again when the call returns, while a loop header arrives once per
// iteration. Line breakpoints hit at statement starts, and a forward step at statement granularity from one
// lands on the next.
//
// The pass also keeps the minimum depth of each block of steps, so scans that look for a shallower frame
// (step over a long call, step out) skip whole blocks instead of visiting every step.

import type { Execution } from '../core/execution.ts';

/** Steps per depth block: 3.5M steps give ~14K blocks, so skipping a deep call costs microseconds. */
export const BLOCK_SHIFT = 8;

export class StatementIndex {
  /** One bit per step: 1 at a statement start. */
  private readonly startBits: Uint8Array;
  /**
   * One bit per step: 1 where a forward step into (statement granularity) stops, i.e. a mapped step whose
   * line or depth differs from the previous mapped step's. Step back walks these, so it visits exactly what
   * stepping forward visits, in reverse (a callee's last statement included).
   */
  private readonly stepBits: Uint8Array;
  /** Sorted steps of all statement starts, and the lineId at each (parallel arrays). */
  readonly startSteps: Int32Array;
  readonly startLines: Int32Array;
  /** Minimum depth within each block of 2^BLOCK_SHIFT steps. */
  readonly blockMinDepth: Int32Array;
  /** Largest lineId seen (for dense per-line tables); -1 when nothing is mapped. */
  readonly maxLineId: number;
  /** The first mapped step (where "stop on entry" stops), or 0 when no step is mapped. */
  readonly entryStep: number;

  constructor(execution: Execution) {
    const n = execution.stepCount;
    this.startBits = new Uint8Array((n >> 3) + 1);
    this.stepBits = new Uint8Array((n >> 3) + 1);
    let mappedLine = -1, mappedDepth = -1;
    const blocks = (n >> BLOCK_SHIFT) + 1;
    const blockMin = new Int32Array(blocks).fill(0x7fffffff);
    let starts = new Int32Array(1024);
    let lines = new Int32Array(1024);
    let count = 0;
    // lastLine[d]: lineId of the latest mapped step of the current activation at depth d (-2: none yet).
    let lastLine = new Int32Array(64).fill(-2);
    let previousDepth = 0;
    let maxLineId = -1;
    let entry = -1;
    for (let step = 0; step < n; step++) {
      const depth = execution.depth(step);
      const block = step >> BLOCK_SHIFT;
      if (depth < blockMin[block]!) blockMin[block] = depth;
      if (depth >= lastLine.length) {
        const grown = new Int32Array(Math.max(depth + 1, lastLine.length * 2)).fill(-2);
        grown.set(lastLine);
        lastLine = grown;
      }
      // Entering deeper frames starts new activations there: forget what earlier activations did.
      for (let d = previousDepth + 1; d <= depth; d++) lastLine[d] = -2;
      previousDepth = depth;
      const line = execution.lineId(step);
      if (line < 0) continue;
      if (entry < 0) entry = step;
      if (line !== mappedLine || depth !== mappedDepth) this.stepBits[step >> 3]! |= 1 << (step & 7);
      mappedLine = line;
      mappedDepth = depth;
      if (line > maxLineId) maxLineId = line;
      if (lastLine[depth] !== line) {
        // Either a new line in this activation, or the first mapped step of it (lastLine -2).
        this.startBits[step >> 3]! |= 1 << (step & 7);
        if (count === starts.length) {
          const s = new Int32Array(count * 2);
          s.set(starts);
          starts = s;
          const l = new Int32Array(count * 2);
          l.set(lines);
          lines = l;
        }
        starts[count] = step;
        lines[count] = line;
        count++;
      }
      lastLine[depth] = line;
    }
    this.startSteps = starts.slice(0, count);
    this.startLines = lines.slice(0, count);
    this.blockMinDepth = blockMin;
    this.maxLineId = maxLineId;
    this.entryStep = entry < 0 ? 0 : entry;
  }

  isStart(step: number): boolean {
    return (this.startBits[step >> 3]! & (1 << (step & 7))) !== 0;
  }

  /** The latest step before `step` where a forward step into stops, or -1. */
  previousStepStop(step: number): number {
    const bits = this.stepBits;
    let t = step - 1;
    while (t >= 0) {
      const byte = bits[t >> 3]!;
      if (byte === 0) { t = (t & ~7) - 1; continue; } // eight steps without a stop
      if (byte & (1 << (t & 7))) return t;
      t--;
    }
    return -1;
  }
}
