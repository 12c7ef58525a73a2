// Where a statement-granularity step lands, forwards and backwards: pure scans over the O(1) per-step
// queries of an Execution (lineId, depth), skipping whole blocks of deeper steps with the StatementIndex.
//
// The rules (s is the current step, L its lineId, d its depth):
// - next (step over): the first later mapped step at depth <= d that is on another line, or in a caller.
//   Calls made by the line run to completion; returning from the function lands at the caller's line.
// - stepIn: the first later mapped step on another line or at another depth: enters internal and external
//   calls whose code has source; calls without source are run through.
// - stepOut: the first later mapped step at a depth < d: the caller's line right after the call.
// - stepBack: the previous place a forward stepIn stops (mirror of stepIn): it visits exactly what forward
//   stepping visits, in reverse, through callees' statements (their last one first). The navigator
//   returns instead to where the last step over / into started when that step is undone.
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
    let t = this.index.previousStepStop(step);
    // From inside a statement (after instruction steps, at the end of the recording), its own start is
    // where the user already is: go to the stop before it.
    if (t >= 0 && x.lineId(step) >= 0 && x.lineId(t) === x.lineId(step) && x.depth(t) === x.depth(step)) t = this.index.previousStepStop(t);
    return t < 0 ? undefined : t;
  }
}
