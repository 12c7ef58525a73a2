// Where a statement-granularity step lands, forwards and backwards: pure scans over the O(1) per-step
// queries of an Execution (lineId, depth), skipping whole blocks of deeper steps with the StatementIndex.
//
// The rules (s is the current step, L its lineId, d its depth):
// - next (step over): the first later mapped step at depth <= d that is on another line, or in a caller.
//   Calls made by the line run to completion; returning from the function lands at the caller's line.
// - stepIn: the first later mapped step on another line or at another depth: enters internal and external
//   calls whose code has source; calls without source are run through.
// - stepOut: the first later mapped step at a depth < d: the caller's line right after the call.
// - stepBack: the start of the previous statement at depth <= d (mirror of next): from the line after a
//   step over it returns to where that step started; from the first line of a callee to the calling line.
// Each returns undefined when no such step exists (the end, or the start, of the recording).

import type { Execution } from '../core/execution.ts';
import { BLOCK_SHIFT, type StatementIndex } from './statement-index.ts';

const BLOCK = 1 << BLOCK_SHIFT;

export class Stepper {
  constructor(
    private readonly execution: Execution,
    private readonly index: StatementIndex,
  ) {}

  next(step: number): number | undefined {
    const x = this.execution;
    const line = x.lineId(step);
    const depth = x.depth(step);
    const n = x.stepCount;
    for (let t = step + 1; t < n; t++) {
      if ((t & (BLOCK - 1)) === 0 && this.index.blockMinDepth[t >> BLOCK_SHIFT]! > depth) {
        t += BLOCK - 1; // the whole block is inside calls made by this line
        continue;
      }
      const dt = x.depth(t);
      if (dt > depth) continue;
      const lt = x.lineId(t);
      if (lt < 0) continue;
      if (lt !== line || dt < depth) return t;
    }
    return undefined;
  }

  stepIn(step: number): number | undefined {
    const x = this.execution;
    const line = x.lineId(step);
    const depth = x.depth(step);
    const n = x.stepCount;
    for (let t = step + 1; t < n; t++) {
      const lt = x.lineId(t);
      if (lt < 0) continue;
      if (lt !== line || x.depth(t) !== depth) return t;
    }
    return undefined;
  }

  /** `mapped`: land only on a step with source (false for recordings without any source mapping). */
  stepOut(step: number, mapped = true): number | undefined {
    const x = this.execution;
    const depth = x.depth(step);
    const n = x.stepCount;
    for (let t = step + 1; t < n; t++) {
      if ((t & (BLOCK - 1)) === 0 && this.index.blockMinDepth[t >> BLOCK_SHIFT]! >= depth) {
        t += BLOCK - 1;
        continue;
      }
      if (x.depth(t) < depth && (!mapped || x.lineId(t) >= 0)) return t;
    }
    return undefined;
  }

  stepBack(step: number): number | undefined {
    const x = this.execution;
    const line = x.lineId(step);
    const depth = x.depth(step);
    // 1. The latest earlier mapped step at depth <= d on another line (or in a caller).
    let found = -1;
    for (let t = step - 1; t >= 0; t--) {
      if ((t & (BLOCK - 1)) === BLOCK - 1 && this.index.blockMinDepth[t >> BLOCK_SHIFT]! > depth) {
        t -= BLOCK - 1;
        continue;
      }
      const dt = x.depth(t);
      if (dt > depth) continue;
      const lt = x.lineId(t);
      if (lt < 0) continue;
      if (lt !== line || dt < depth) {
        found = t;
        break;
      }
    }
    if (found < 0) return undefined;
    // 2. Back to where execution arrived at that statement (its start), over calls it made.
    const targetLine = x.lineId(found);
    const targetDepth = x.depth(found);
    let latest = found;
    for (let u = found; u >= 0; u--) {
      if ((u & (BLOCK - 1)) === BLOCK - 1 && this.index.blockMinDepth[u >> BLOCK_SHIFT]! > targetDepth) {
        u -= BLOCK - 1;
        continue;
      }
      const du = x.depth(u);
      if (du > targetDepth) continue;
      const lu = x.lineId(u);
      if (lu < 0) continue;
      if (lu !== targetLine || du !== targetDepth) break;
      latest = u;
      if (this.index.isStart(u)) return u;
    }
    return latest;
  }
}
