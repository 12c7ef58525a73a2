// What the interpreter reports while it runs, for trace export and for the debugger's recording.
//
// The events are those of the Sui trace format, delivered as they happen with live values:
//   - effects (pop, push, readLocal, writeLocal, readRef, writeRef, dataLoad) are reported at the moment
//     they occur, so a tracer that needs snapshots must take them in the callback (values change later);
//   - `instruction` comes after the instruction's effects, when it has run (for CALL: before the callee's
//     `openFrame`; for a failing instruction: before `error`). The Sui format writes the Instruction event
//     first and its effects after it, so the exporting tracer buffers effects until `instruction`;
//   - `openFrame` / `closeFrame` bracket every call, natives included (their result pushes come between).
// Gas is reported as gas left, in internal units. A tracer must not modify the values it is given.
import type { LoadedFunction } from './loader.ts';
import type { RuntimeType } from './types.ts';
import type { FrameIdentity, Reference, Value } from './values.ts';

/** A call frame as tracers see it. `traceId` may be set by the tracer in `openFrame` (used in reference locations). */
export interface TracedFrame extends FrameIdentity {
  readonly fn: LoadedFunction;
  readonly typeArgs: readonly RuntimeType[];
  /** Parameters then locals; `undefined` where a local holds nothing (never written, or moved out). */
  readonly locals: readonly Value[];
  /** Call depth: 0 for the entry function. */
  readonly depth: number;
}

export interface Tracer {
  openFrame(frame: TracedFrame, args: readonly Value[], gasLeft: number): void;
  closeFrame(frame: TracedFrame, returns: readonly Value[], gasLeft: number): void;
  /** The instruction at `pc` of `frame` ran (or failed); `opcode` is an Op number; `typeArgs` as Sui traces print them. */
  instruction(frame: TracedFrame, pc: number, opcode: number, gasLeft: number, typeArgs: readonly RuntimeType[]): void;
  pop(value: Value): void;
  push(value: Value): void;
  readLocal(frame: TracedFrame, local: number, value: Value, moved: boolean): void;
  writeLocal(frame: TracedFrame, local: number, value: Value): void;
  /** A read through a reference (READ_REF): the tracer can take the root value from the reference. */
  readRef(ref: Reference): void;
  /** A write through a reference (WRITE_REF, vector mutations): after the write. */
  writeRef(ref: Reference): void;
  /**
   * A reference to a value outside any frame was handed out: by a native (a Sui object's UID, a dynamic
   * field) or by an instruction (Aptos BORROW_GLOBAL, `inInstruction`). Returns the global id that the
   * reference's location uses from then on.
   */
  dataLoad(ref: Reference, inInstruction: boolean): number;
  /** Execution ended with an error status (ARITHMETIC_ERROR, ABORTED, ...); no closeFrame follows. */
  error(status: string): void;
  /** Text the program printed (`debug::print`) or an event it emitted, while the current native runs. */
  output?(text: string): void;
}
