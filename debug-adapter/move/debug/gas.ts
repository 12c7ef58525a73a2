// What each recorded Move instruction cost and on what, for gas per source line (core/line-gas.ts). The
// cost is the charge under the schedule that ran it (the Sui schedule in our interpreter, the real VM's in
// a trace): gas before minus gas after the instruction. A call to a native is charged on the CALL step
// with the native's own cost (the Sui object and dynamic-field operations are natives), shown under the
// native's name; other instructions by kind.
import { measureLineGas, type GasMeasurement, type StepGasMeter } from '../../core/line-gas.ts';
import type { Execution } from '../../core/execution.ts';
import type { MoveRecording } from './recording.ts';

/** Instruction kinds by trace name (`LD_U64`, `MUT_BORROW_GLOBAL_GENERIC`), first match wins. */
const KINDS: readonly [RegExp, string][] = [
  [/GLOBAL|^MOVE_FROM|^MOVE_TO|^EXISTS/, 'global storage'],
  [/^VEC_/, 'vector operations'],
  [/^(LD_|COPY_LOC|MOVE_LOC|ST_LOC|POP)/, 'locals and constants'],
  [/BORROW|_REF$/, 'references'],
  [/^(PACK|UNPACK|VARIANT|TEST_)/, 'structs and enums'],
  [/^(BR_|BRANCH|RET|ABORT|NOP)/, 'control flow'],
  [/^CALL/, 'calls'],
];

export function moveInstructionKind(opcode: string): string {
  for (const [pattern, kind] of KINDS) if (pattern.test(opcode)) return `instructions: ${kind}`;
  return 'instructions: arithmetic, casts and comparisons';
}

export class MoveGasMeter implements StepGasMeter {
  /** The native a CALL step called, by the step. */
  private readonly nativeAt = new Map<number, string>();

  constructor(private readonly rec: MoveRecording) {
    for (const f of rec.frames) if (f.isNative && f.callStep >= 0) this.nativeAt.set(f.callStep, `native ${f.module}::${f.function}`);
  }

  gas(step: number): number {
    const rec = this.rec;
    // A native runs between its CALL and the caller's next instruction, charging there (the trace has its
    // cost only at the native's CloseFrame): the line that called it pays for it.
    if (this.nativeAt.has(step) && step + 1 < rec.stepCount) return Math.max(0, rec.gasBefore(step) - rec.gasBefore(step + 1));
    return Math.max(0, rec.gasBefore(step) - rec.gasAfter(step));
  }

  split(step: number, gas: number, charge: (kind: string, part: number) => void): void {
    charge(this.nativeAt.get(step) ?? moveInstructionKind(this.rec.opcode(step)), gas);
  }
}

/**
 * Gas per line: a call instruction is charged on its own step and the callee's instructions on theirs.
 * Charges between instructions (opening and closing frames) count as unmapped, so the total is the call's
 * gas used.
 */
export function* moveLineGas(execution: Execution, rec: MoveRecording): GasMeasurement {
  const report = yield* measureLineGas(execution, new MoveGasMeter(rec));
  const between = Math.max(0, rec.initialGas - rec.finalGas) - report.total;
  if (between <= 0) return report;
  const frames = { label: 'opening and closing frames', count: 0, gas: between };
  return { ...report, total: report.total + between, unmapped: report.unmapped + between, unmappedBreakdown: [...report.unmappedBreakdown, frames] };
}
