// How a recorded Move execution ended, in words: returned values, or the failure (abort code with its
// error constant / clever-error meaning, or the VM status) with where it happened, and the exception
// event the session stops on.
import type { ExceptionEvent, ExceptionKind, Outcome } from '../../core/execution.ts';
import type { CompiledModule } from '../binary/model.ts';
import type { ModuleSourceMap } from '../package/source-map.ts';
import { abortSummary, explainAbortCode, statusSummary } from './aborts.ts';
import type { MoveRecording, RecordedFrame } from './recording.ts';
import { traceValueText, typeTagText } from './values.ts';

export interface EndContext {
  readonly recording: MoveRecording;
  frameName(frame: RecordedFrame): string;
  /** The module of a frame's code (for constants) and the `file:line` of a pc, when known. */
  where(frame: RecordedFrame, pc: number): { module?: CompiledModule; sourceMap?: ModuleSourceMap; line?: string };
}

/** The kinds of MOVE_EXCEPTION_FILTERS (backend.ts): aborts, arithmetic and vector errors as panics, gas, the rest. */
export function exceptionKind(status: string): ExceptionKind {
  if (status === 'ABORTED') return 'abort';
  if (status === 'OUT_OF_GAS') return 'outOfGas';
  if (status === 'ARITHMETIC_ERROR' || status === 'VECTOR_OPERATION_ERROR') return 'panic';
  return 'invalid';
}

/**
 * `failure`: a status our interpreter reported that the recording does not carry; `knownCode`: the abort
 * code when the recording lacks it (a native aborted: traces do not record its code).
 */
export function explainEnd(
  ctx: EndContext,
  failure?: { readonly status: string; readonly message: string },
  knownCode?: bigint,
): { outcome: Outcome; exception?: ExceptionEvent } {
  const rec = ctx.recording;
  const gasUsed = BigInt(Math.max(0, rec.initialGas - rec.finalGas));
  const err = rec.error;
  if (err) {
    const frame = err.frame >= 0 ? rec.frames[err.frame] : undefined;
    const where = frame ? ctx.frameName(frame) : 'the entry function';
    const pc = frame && !frame.isNative && err.step >= 0 ? rec.pc(err.step) : undefined;
    const known = frame ? ctx.where(frame, pc ?? 0) : {};
    const locationText = `${where}${pc !== undefined ? ` at pc ${pc}` : ''}${pc !== undefined && known.line ? `, ${known.line}` : ''}`;
    let summary: string;
    const details: string[] = [];
    if (err.status === 'ABORTED') {
      const code = err.abortCode ?? knownCode;
      if (code !== undefined) {
        const meaning = explainAbortCode(code, known.module, known.sourceMap);
        summary = `aborted: ${abortSummary(code, meaning)} in ${locationText}`;
        details.push(`abort code ${code} (0x${code.toString(16)})`);
        if (meaning.constant) details.push(`error constant ${meaning.constant}`);
        if (meaning.line !== undefined) details.push(`raised at source line ${meaning.line}`);
        if (meaning.message !== undefined) details.push(`message ${meaning.message}`);
      } else {
        summary = `aborted in ${locationText}${frame?.isNative ? ' (the native function aborted; the trace does not record its code)' : ''}`;
      }
    } else {
      // Missing data is the user's to fix: the interpreter's message says which module or value.
      summary = err.status === 'MISSING_DATA' && failure?.message
        ? `failed: MISSING_DATA in ${locationText}: ${failure.message}`
        : `failed: ${statusSummary(err.status)} in ${locationText}`;
    }
    if (failure?.message) details.push(failure.message);
    details.push(`location: ${locationText}`);
    const outcome: Outcome = { success: false, summary, gasUsed, details };
    if (err.step < 0) return { outcome };
    const exception: ExceptionEvent = {
      step: err.step,
      kind: exceptionKind(err.status),
      caught: false,
      summary: summary.replace(/^(aborted|failed): /, ''),
      details: details.join('\n'),
    };
    return { outcome, exception };
  }
  if (rec.stoppedBy) return explainStop(ctx, rec.stoppedBy, gasUsed, failure);
  if (failure) {
    const outcome: Outcome = { success: false, summary: `failed: ${statusSummary(failure.status)}`, gasUsed, details: [failure.message] };
    const step = rec.stepCount - 1;
    if (step < 0) return { outcome };
    return { outcome, exception: { step, kind: exceptionKind(failure.status), caught: false, summary: statusSummary(failure.status), details: failure.message } };
  }
  const entry = rec.frames[0];
  const returns = entry?.returns ?? [];
  const values = returns.map((v) => traceValueText(v));
  return {
    outcome: {
      success: true,
      summary: values.length ? `returned (${values.join(', ')})` : 'returned',
      gasUsed,
      details: returns.map((v, i) => `${i}: ${traceValueText(v)}${entry?.returnTypes[i] ? `: ${typeTagText(entry.returnTypes[i]!.type_)}` : ''}`),
    },
  };
}

/**
 * A run stopped from outside (the step limit) before its next instruction: every recorded instruction
 * ran, so the end is described as where the run was when it stopped, not as a failing instruction.
 */
function explainStop(
  ctx: EndContext,
  status: string,
  gasUsed: bigint,
  failure?: { readonly status: string; readonly message: string },
): { outcome: Outcome; exception?: ExceptionEvent } {
  const rec = ctx.recording;
  const last = rec.stepCount - 1;
  const frame = last >= 0 ? rec.frames[rec.frameOf(last)] : undefined;
  const line = frame ? ctx.where(frame, rec.pc(last)).line : undefined;
  const where = frame ? ` in ${ctx.frameName(frame)} (last instruction run: pc ${rec.pc(last)}${line ? `, ${line}` : ''})` : '';
  const summary = `failed: ${statusSummary(status)}: stopped after ${rec.stepCount.toLocaleString('en-US')} instructions${where}; the run did not finish`;
  const details = [
    ...(failure?.message ? [failure.message] : []),
    'Every recorded instruction ran; the values at the end are those when the run was stopped.',
  ];
  const outcome: Outcome = { success: false, summary, gasUsed, details };
  if (last < 0) return { outcome };
  return { outcome, exception: { step: last, kind: exceptionKind(status), caught: false, summary: summary.replace(/^failed: /, ''), details: details.join('\n') } };
}
