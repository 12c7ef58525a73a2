// Per-step columns of an EVM recording (O(1), allocation-free: stepping scans read them millions of times)
// and the machine state before a step, rebuilt from the nearest checkpoint.
import type { SourceRange } from '../../core/execution.ts';
import { OPCODES } from '../opcodes.ts';
import type { CallContext, Recording } from '../record/recording.ts';
import { rebuildState, type FrameState } from '../record/state.ts';
import type { CodeUnit, CodeUnits, SourceTable } from '../build/units.ts';

export class Steps {
  readonly stepCount: number;
  readonly pcs: Uint16Array;
  readonly ctxOf: Uint32Array;
  readonly codeOfCtx: Uint32Array;
  /** Per call context: the step from which its effects are undone by its own or a caller's failure (Infinity: never). */
  readonly revertedAt: Float64Array;
  private readonly lineTables: Int32Array[] = [];
  private stateCache?: { ctx: number; step: number; state: FrameState };
  private callees?: CallContext[][];

  constructor(readonly rec: Recording, readonly table: SourceTable, readonly units: CodeUnits) {
    this.stepCount = rec.stepCount;
    this.pcs = rec.pc.data;
    this.ctxOf = rec.context.data;
    this.codeOfCtx = new Uint32Array(rec.contexts.length);
    for (const ctx of rec.contexts) {
      if (ctx.firstStep < 0) continue;
      ctx.codeId = units.unitFor(ctx.code, ctx.isCreate, ctx.codeAddress || ctx.address);
      this.codeOfCtx[ctx.id] = ctx.codeId;
    }
    for (const u of units.units) this.lineTables.push(u.lineIds);
    units.registerCompiledLines();
    this.revertedAt = new Float64Array(rec.contexts.length);
    for (const ctx of rec.contexts) {
      const own = ctx.error !== undefined ? ctx.endStep : Infinity;
      this.revertedAt[ctx.id] = Math.min(own, ctx.parent >= 0 ? this.revertedAt[ctx.parent]! : Infinity);
    }
  }

  lineId(step: number): number {
    return this.lineTables[this.codeOfCtx[this.ctxOf[step]!]!]![this.pcs[step]!]!;
  }
  codeId(step: number): number {
    return this.codeOfCtx[this.ctxOf[step]!]!;
  }
  unitAt(step: number): CodeUnit {
    return this.units.units[this.codeId(step)]!;
  }
  context(step: number): CallContext {
    return this.rec.contexts[this.ctxOf[step]!]!;
  }
  location(step: number): SourceRange | undefined {
    return this.units.location(this.unitAt(step), this.pcs[step]!);
  }
  instructionRef(step: number): string {
    return `${this.codeId(step)}:${this.pcs[step]}`;
  }

  /** Gas left before the instruction at `step`. */
  gasLeft(step: number): number {
    const rec = this.rec;
    const steps = rec.gasStep.data;
    let lo = 0, hi = rec.gasStep.length - 1, at = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid]! <= step) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Every step between the stored point and `step` is a static-gas instruction of the same context.
    let gas = rec.gasValue.data[at]!;
    for (let k = steps[at]!; k < step; k++) gas -= rec.fee[this.unitAt(k).code[this.pcs[k]!]!]!;
    return gas;
  }

  stateAt(step: number): FrameState {
    const c = this.ctxOf[step]!;
    const cached = this.stateCache;
    if (cached && cached.ctx === c && cached.step === step) return cached.state;
    const state = rebuildState(this.rec, this.rec.contexts[c]!, step);
    this.stateCache = { ctx: c, step, state };
    return state;
  }

  /** Forgets the cached state of the last rebuilt step (the benchmark measures rebuilds from scratch). */
  dropCaches(): void {
    this.stateCache = undefined;
  }

  /** Returndata buffer before `step`: the output of the last call the context made that had ended. */
  returnDataAt(step: number): Uint8Array {
    const c = this.ctxOf[step]!;
    if (!this.callees) {
      this.callees = this.rec.contexts.map(() => [] as CallContext[]);
      for (const ctx of this.rec.contexts) if (ctx.parent >= 0) this.callees[ctx.parent]!.push(ctx); // in call order
    }
    // The last callee whose call step is before `step` (binary search over call order).
    const list = this.callees[c]!;
    let lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.callStep < step) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const best = found >= 0 && list[found]!.endStep <= step ? list[found] : undefined;
    return best ? (best.isCreate && !best.error ? new Uint8Array(0) : best.returnData) : new Uint8Array(0);
  }

  /**
   * The latest step before `at` (not before `from`, in the same call context) at which the stack held at
   * least `needed` words, found by undoing the stack effects of the instructions in between.
   */
  lastStepHolding(at: number, needed: number, from: number, limit = 256): number | undefined {
    const c = this.ctxOf[at]!;
    let height = this.stateAt(at).stack.length;
    for (let t = at - 1, seen = 0; t >= from && seen < limit; t--) {
      const ct = this.ctxOf[t]!;
      if (ct !== c) { t = this.rec.contexts[ct]!.callStep + 1; continue; } // over a call the context made
      seen++;
      const op = OPCODES[this.unitAt(t).code[this.pcs[t]!]!];
      if (!op) return undefined;
      height += op.pops - op.pushes; // the height before step t
      if (height >= needed) return t;
    }
    return undefined;
  }
}

export const short = (a: string): string => (a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a);
export const hex = (v: bigint): string => `0x${v.toString(16)}`;
export const word = (v: bigint): string => `0x${v.toString(16).padStart(64, '0')}`;
