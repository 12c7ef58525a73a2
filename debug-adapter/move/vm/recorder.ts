// A compact recording of one run, for the debugger ("record once, navigate anywhere").
//
// Per step (an instruction about to execute): its frame, pc, opcode and the gas left before it, in
// typed arrays. Everything that changes state is appended to one event log (frame opened / closed,
// value pushed / popped, local written or moved out, value written through a reference), with value
// snapshots taken when the event happens; `effectStart[step]` says where a step's events begin, so the
// state before any step is rebuilt by replaying the log up to there (`stateAt`), from the nearest
// checkpoint. References in snapshots stay live handles: resolve them with `resolveReference` against a
// rebuilt state to see what they pointed to at that step.
import type { LoadedFunction } from './loader.ts';
import type { TracedFrame, Tracer } from './tracer.ts';
import type { RuntimeType } from './types.ts';
import { Reference, copyValue, type Value } from './values.ts';

export const RecordedEvent = {
  OpenFrame: 1,
  CloseFrame: 2,
  Push: 3,
  Pop: 4,
  WriteLocal: 5,
  MoveLocal: 6,
  /** A write through a reference: `value` is the new root value, `a` the root frame (or -1 for a global), `b` the root local / global id. */
  WriteRoot: 7,
} as const;
type RecordedEventKind = (typeof RecordedEvent)[keyof typeof RecordedEvent];

export interface RecordedFrame {
  readonly index: number;
  readonly fn: LoadedFunction;
  readonly typeArgs: readonly RuntimeType[];
  readonly depth: number;
  /** Index of the calling frame's record, -1 for the entry frame. */
  readonly parent: number;
  /** First step executed in this frame (-1 for natives, which run no instructions). */
  firstStep: number;
  /** Step count when the frame closed (-1 while open / when execution ended inside it). */
  closedAtStep: number;
}

/** The state before a step: live frames (outermost first) with their locals, and the operand stack. */
export interface RecordedState {
  readonly frames: { readonly record: RecordedFrame; readonly locals: Value[]; pc: number }[];
  readonly stack: Value[];
  /** Values written through references rooted outside frames (globals), by global id. */
  readonly globals: ReadonlyMap<number, Value>;
}

const CHECKPOINT_EVERY = 4096;

function snapshot(v: Value): Value {
  return typeof v === 'object' && !(v instanceof Reference) ? copyValue(v) : v;
}

export class Recorder implements Tracer {
  stepCount = 0;
  pcs = new Int32Array(1024);
  stepFrames = new Int32Array(1024);
  opcodes = new Uint8Array(1024);
  gasBefore = new Float64Array(1024);
  effectStart = new Int32Array(1024);
  readonly frames: RecordedFrame[] = [];
  /** The event log: `eventCount` entries in parallel arrays (kind, two integer arguments, a value snapshot). */
  eventCount = 0;
  kinds = new Uint8Array(4096);
  argA = new Int32Array(4096);
  argB = new Int32Array(4096);
  values: Value[] = [];
  /** Status the run failed with, if any. */
  failure: string | undefined;
  /** Printed text and emitted events, with the step whose call produced them (the step of the CALL). */
  readonly printed: { readonly step: number; readonly text: string }[] = [];
  private open: number[] = [];
  private lastGas = 0;
  private pendingStart = 0;
  private readonly checkpoints = new Map<number, RecordedState>();
  private nextGlobal = 0;

  private log(kind: RecordedEventKind, a: number, b: number, v: Value): void {
    const n = this.eventCount++;
    if (n === this.kinds.length) {
      const kinds = new Uint8Array(n * 2);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const argA = new Int32Array(n * 2);
      argA.set(this.argA);
      this.argA = argA;
      const argB = new Int32Array(n * 2);
      argB.set(this.argB);
      this.argB = argB;
    }
    this.kinds[n] = kind;
    this.argA[n] = a;
    this.argB[n] = b;
    this.values[n] = v;
  }

  private grow(): void {
    const n = this.pcs.length * 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.pcs = g(this.pcs, Int32Array);
    this.stepFrames = g(this.stepFrames, Int32Array);
    this.opcodes = g(this.opcodes, Uint8Array);
    this.gasBefore = g(this.gasBefore, Float64Array);
    this.effectStart = g(this.effectStart, Int32Array);
  }

  openFrame(frame: TracedFrame, args: readonly Value[], gasLeft: number): void {
    const index = this.frames.length;
    const parent = this.open.length ? this.open[this.open.length - 1]! : -1;
    this.frames.push({ index, fn: frame.fn, typeArgs: frame.typeArgs, depth: frame.depth, parent, firstStep: -1, closedAtStep: -1 });
    (frame as { traceId: number }).traceId = index;
    this.open.push(index);
    this.log(RecordedEvent.OpenFrame, index, args.length, undefined);
    for (let i = 0; i < args.length; i++) this.log(RecordedEvent.WriteLocal, index, i, snapshot(args[i]));
    // Frame events happen between steps: they belong to the state before the next step.
    this.pendingStart = this.eventCount;
    this.lastGas = gasLeft;
  }

  closeFrame(frame: TracedFrame, _returns: readonly Value[], gasLeft: number): void {
    this.open.pop();
    this.frames[frame.traceId]!.closedAtStep = this.stepCount;
    this.log(RecordedEvent.CloseFrame, frame.traceId, 0, undefined);
    this.pendingStart = this.eventCount;
    this.lastGas = gasLeft;
  }

  instruction(frame: TracedFrame, pc: number, opcode: number, gasLeft: number): void {
    const s = this.stepCount++;
    if (s >= this.pcs.length) this.grow();
    this.pcs[s] = pc;
    this.stepFrames[s] = frame.traceId;
    this.opcodes[s] = opcode;
    this.gasBefore[s] = this.lastGas;
    this.effectStart[s] = this.pendingStart;
    this.pendingStart = this.eventCount;
    const record = this.frames[frame.traceId]!;
    if (record.firstStep < 0) record.firstStep = s;
    this.lastGas = gasLeft;
  }

  pop(value: Value): void {
    this.log(RecordedEvent.Pop, 0, 0, undefined);
    void value;
  }

  push(value: Value): void {
    this.log(RecordedEvent.Push, 0, 0, snapshot(value));
  }

  readLocal(frame: TracedFrame, local: number, _value: Value, moved: boolean): void {
    if (moved) this.log(RecordedEvent.MoveLocal, frame.traceId, local, undefined);
  }

  writeLocal(frame: TracedFrame, local: number, value: Value): void {
    this.log(RecordedEvent.WriteLocal, frame.traceId, local, snapshot(value));
  }

  readRef(): void {}

  writeRef(ref: Reference): void {
    const root = ref.root();
    this.log(RecordedEvent.WriteRoot, root.frame ? root.frame.traceId : -1, root.frame ? root.index : root.globalId, snapshot(root.get()));
  }

  dataLoad(): number {
    return this.nextGlobal++;
  }

  error(status: string): void {
    this.failure = status;
  }

  output(text: string): void {
    this.printed.push({ step: this.stepCount - 1, text });
  }

  /**
   * Marks the end of the run (call after MoveVM.run returns): the effects of the last instruction
   * belong to it, not to a following step.
   */
  finish(): void {
    if (this.stepCount >= this.pcs.length) this.grow();
    this.effectStart[this.stepCount] = this.pendingStart;
  }

  /** Rebuilds the state before `step` (0..stepCount; stepCount is the state at the end). */
  stateAt(step: number): RecordedState {
    if (step < 0 || step > this.stepCount) throw new RangeError(`step ${step} outside 0..${this.stepCount}`);
    const base = Math.floor(step / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
    let state: RecordedState;
    let from: number;
    const cached = base > 0 ? this.checkpoints.get(base) : undefined;
    if (cached) {
      state = cloneState(cached);
      from = this.effectStart[base]!;
    } else {
      state = { frames: [], stack: [], globals: new Map() };
      from = 0;
    }
    const end = step === this.stepCount ? this.eventCount : this.effectStart[step]!;
    this.replay(state, from, end);
    if (base > 0 && !cached && step === base) this.checkpoints.set(base, cloneState(state));
    for (const f of state.frames) f.pc = -1;
    // The pc each frame is at: the innermost at the step's pc, callers at their call instruction.
    const at = step < this.stepCount ? step : this.stepCount - 1;
    if (at >= 0 && state.frames.length) {
      state.frames[state.frames.length - 1]!.pc = this.pcs[at]!;
      for (let i = state.frames.length - 2; i >= 0; i--) state.frames[i]!.pc = this.lastPcBefore(state.frames[i]!.record.index, at);
    }
    return state;
  }

  private lastPcBefore(frame: number, step: number): number {
    for (let s = step; s >= 0; s--) if (this.stepFrames[s] === frame) return this.pcs[s]!;
    return -1;
  }

  private replay(state: RecordedState, from: number, end: number): void {
    const byIndex = new Map(state.frames.map((f) => [f.record.index, f] as const));
    for (let i = from; i < end; i++) {
      const a = this.argA[i]!;
      const b = this.argB[i]!;
      switch (this.kinds[i]) {
        case RecordedEvent.OpenFrame: {
          const f = { record: this.frames[a]!, locals: new Array<Value>(this.frames[a]!.fn.localTypes.length), pc: -1 };
          state.frames.push(f);
          byIndex.set(a, f);
          break;
        }
        case RecordedEvent.CloseFrame:
          state.frames.pop();
          byIndex.delete(a);
          break;
        case RecordedEvent.Push:
          state.stack.push(snapshot(this.values[i]));
          break;
        case RecordedEvent.Pop:
          state.stack.pop();
          break;
        case RecordedEvent.WriteLocal: {
          const f = byIndex.get(a);
          if (f) f.locals[b] = snapshot(this.values[i]);
          break;
        }
        case RecordedEvent.MoveLocal: {
          const f = byIndex.get(a);
          if (f) f.locals[b] = undefined;
          break;
        }
        case RecordedEvent.WriteRoot: {
          if (a < 0) (state.globals as Map<number, Value>).set(b, snapshot(this.values[i]));
          else {
            const f = byIndex.get(a);
            if (f) f.locals[b] = snapshot(this.values[i]);
          }
          break;
        }
      }
    }
  }

  /** What a reference pointed to in a rebuilt state (undefined when its root is not in that state). */
  resolveReference(state: RecordedState, ref: Reference): Value {
    const path: number[] = [];
    let r: Reference = ref;
    while (r.parent) {
      path.push(r.index);
      r = r.parent;
    }
    let v: Value;
    if (r.frame) v = state.frames.find((f) => f.record.index === r.frame!.traceId)?.locals[r.index];
    else v = state.globals.get(r.globalId) ?? r.get();
    for (let i = path.length - 1; i >= 0 && v !== undefined; i--) {
      const k = path[i]!;
      v = typeof v === 'object' && 'fields' in v ? v.fields[k] : typeof v === 'object' && 'items' in v ? v.items[k] : undefined;
    }
    return v;
  }
}

function cloneState(s: RecordedState): RecordedState {
  return {
    frames: s.frames.map((f) => ({ record: f.record, locals: f.locals.map(snapshot), pc: f.pc })),
    stack: s.stack.map(snapshot),
    globals: new Map([...s.globals].map(([k, v]) => [k, snapshot(v)])),
  };
}
