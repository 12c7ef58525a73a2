// How a recorded EVM call ended, in words (returned values, or the failure with its decoded revert
// reason), and one exception event per failed call context for the session to stop on.
import type { ExceptionEvent, ExceptionKind, Outcome } from '../../core/execution.ts';
import type { AbiItem } from '../build/compile.ts';
import { decodeRevert } from '../decode/index.ts';
import type { CallContext, Recording } from '../record/recording.ts';
import { bytesToHex, formatReturn } from '../run/abi.ts';

export function callOutcome(rec: Recording, fn: AbiItem | undefined, abis: readonly (readonly AbiItem[])[]): Outcome {
  const top = rec.contexts[0];
  if (!top) return { success: true, summary: 'nothing ran' };
  const gasUsed = top.gasUsed;
  if (top.error === undefined) return { success: true, summary: `returned ${formatReturn(fn?.outputs ?? [], top.returnData)}`, gasUsed };
  return { success: false, summary: failure(top, abis).text, gasUsed, details: top.returnData.length ? [`revert data: ${bytesToHex(top.returnData)}`] : undefined };
}

/** Kind and text of a failed context, revert reasons decoded by decode/ against every compiled ABI. */
function failure(ctx: CallContext, abis: readonly (readonly AbiItem[])[]): { kind: ExceptionKind; summary: string; text: string } {
  if (ctx.error === 'revert') {
    const reason = decodeRevert(ctx.returnData, abis);
    const kind: ExceptionKind = reason.kind === 'panic' ? 'panic' : 'revert';
    return { kind, summary: reason.summary, text: reason.kind === 'empty' ? reason.summary : `reverted: ${reason.summary}` };
  }
  if (ctx.error === 'out of gas' || ctx.error === 'code store out of gas') return { kind: 'outOfGas', summary: ctx.error, text: ctx.error };
  return { kind: 'invalid', summary: ctx.error ?? 'failed', text: `failed: ${ctx.error}` };
}

/**
 * One event per failed call context, at its failing instruction (REVERT, or the instruction that ran out
 * of gas or was invalid), so a revert bubbling up through several calls stops in each frame in turn.
 * `caught`: a caller handled it (try/catch, low-level call) instead of passing the same data up.
 */
export function callExceptions(rec: Recording, abis: readonly (readonly AbiItem[])[], nameOf: (ctx: CallContext) => string): ExceptionEvent[] {
  const contexts = rec.contexts;
  const ctxOf = rec.context.data;
  const out: ExceptionEvent[] = [];
  const failedCallees = new Map<number, CallContext[]>();
  for (const c of contexts) if (c.error !== undefined && c.parent >= 0) failedCallees.set(c.parent, [...(failedCallees.get(c.parent) ?? []), c]);
  for (const ctx of contexts) {
    if (ctx.error === undefined || ctx.firstStep < 0) continue;
    const { kind, summary } = failure(ctx, abis);
    // Uncaught while each caller fails with the same data (passes it up); caught at the first caller that
    // did not (it returned normally, or handled the failure and then failed for its own reason).
    let caught = false;
    for (let c = ctx; c.parent >= 0; c = contexts[c.parent]!) {
      const parent = contexts[c.parent]!;
      if (parent.error === undefined || !equalBytes(parent.returnData, c.returnData)) { caught = true; break; }
    }
    let step = ctx.endStep - 1;
    while (step > ctx.firstStep && ctxOf[step] !== ctx.id) step--;
    // Re-raised: the revert data of the last call this context made that failed, passed up unchanged.
    let from: CallContext | undefined;
    for (const callee of failedCallees.get(ctx.id) ?? []) if (callee.endStep <= step) from = callee; // in call order
    const passedUp = ctx.error === 'revert' && from?.error === 'revert' && equalBytes(from.returnData, ctx.returnData);
    out.push({
      step, kind, caught, summary,
      details: `in ${nameOf(ctx)} at ${ctx.address}${passedUp ? `; passed up from ${nameOf(from!)}` : ''}${caught ? '; caught by a caller' : ''}${ctx.returnData.length ? `; data ${bytesToHex(ctx.returnData)}` : ''}`,
    });
  }
  return out.sort((a, b) => a.step - b.step);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
