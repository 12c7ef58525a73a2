// The recorded Move execution: one format, fed by trace events (from a Sui trace file, or from our
// interpreter through the recording tracer), built incrementally.
//
// A step is one Instruction event. Per step we keep O(1) columns (frame, pc, gas before/after, opcode),
// and the state changes as a flat log of operations (push, pop, write a local / global root, move a
// local out, load a global, open / close a frame). The state before step i is the log's prefix up to
// the point where Instruction i arrived: the trace writes an instruction's effects after its Instruction
// event, so they belong to the transition i -> i+1. Any step's state is rebuilt from the nearest
// checkpoint (a full copy every CHECKPOINT_OPS operations) plus the operations since.
//
// Implicit stack rules of the format (checked against the fixture traces): an OpenFrame pops the
// callee's parameters from the operand stack (natives too), a native's results are Push effects before
// its CloseFrame, and a returning frame leaves its results on the stack (CloseFrame changes nothing).
// Where real traces leave state changes out, the builder fills them in: VEC_POP_BACK / VEC_SWAP are
// applied to the vector they reference, and (for trace files) a Read showing a local's root value that
// differs from the recorded one — a native changed it through `&mut` — corrects it from then on.
import { isDeepStrictEqual } from 'node:util';
import type { TraceEvent, TraceFrame, TraceLocation, TraceMoveValue, TraceValue, TypeTag, TypeTagWithRefs } from '../trace/format.ts';

export const CHECKPOINT_OPS = 512;

export interface RecordedFrame {
  /** Dense index of this frame record. */
  readonly index: number;
  /** The trace's frame id (used in reference locations). */
  readonly traceId: number;
  /** Record index of the calling frame, -1 for the entry frame. */
  readonly parent: number;
  /** 0 for the entry frame. */
  readonly depth: number;
  /** 64 hex digits, no `0x`. */
  readonly address: string;
  readonly module: string;
  readonly function: string;
  /** Function definition index in its module. */
  readonly definitionIndex: number;
  readonly typeArgs: readonly TypeTag[];
  readonly parameters: readonly TraceValue[];
  readonly returnTypes: readonly TypeTagWithRefs[];
  /** Parameters then locals. */
  readonly localTypes: readonly TypeTagWithRefs[];
  readonly isNative: boolean;
  /** The caller's step that made the call (-1 for the entry frame). */
  readonly callStep: number;
  /** Operand stack height when the frame began (its parameters already popped). */
  readonly stackBase: number;
  /** First and last step executed in this frame (-1 when none: natives). */
  firstStep: number;
  lastStep: number;
  /** Set by CloseFrame. */
  returns?: readonly TraceValue[];
}

/** A failure the trace ends with. */
export interface RecordedError {
  /** The step of the failing instruction (for a failing native: the caller's CALL step). */
  readonly step: number;
  /** The frame the error was raised in (a native frame when a native aborted). */
  readonly frame: number;
  /** ABORTED, ARITHMETIC_ERROR, VECTOR_OPERATION_ERROR, ... */
  readonly status: string;
  /** For ABORT instructions: the code popped. */
  readonly abortCode?: bigint;
}

export interface MoveState {
  readonly stack: TraceValue[];
  /** Locals of live frames, by frame record index. `undefined`: never written or moved out. */
  readonly locals: Map<number, (TraceValue | undefined)[]>;
  /**
   * The value a local held when it was moved out, by frame record index, until it is written again: shown
   * as the local's last value (what was passed on), as the Sui debugger does.
   */
  readonly moved: Map<number, (TraceValue | undefined)[]>;
  /** Values outside any frame (Sui objects, dynamic fields) by their trace id. */
  readonly globals: Map<number, TraceMoveValue>;
}

/**
 * What the log keeps for a pushed value: a trace value, or (from our interpreter) a bare u64 / bool,
 * boxed only when a state is rebuilt, so a long recording keeps no object per pushed integer.
 */
export type StoredValue = TraceValue | bigint | boolean;

const SMALL_U64: TraceValue[] = Array.from({ length: 1024 }, (_, i) => ({ RuntimeValue: { value: { type: 'U64', value: BigInt(i) } } }));
const TRUE: TraceValue = { RuntimeValue: { value: { type: 'Bool', value: true } } };
const FALSE: TraceValue = { RuntimeValue: { value: { type: 'Bool', value: false } } };

/** A stored value as a trace value (small integers and booleans are shared objects). */
export function boxed(v: StoredValue): TraceValue {
  if (typeof v === 'bigint') return v >= 0n && v < 1024n ? SMALL_U64[Number(v)]! : { RuntimeValue: { value: { type: 'U64', value: v } } };
  if (typeof v === 'boolean') return v ? TRUE : FALSE;
  return v;
}

/** Operation kinds, with what the log's columns hold for each (a, b; value). */
const enum K {
  /** value: the StoredValue pushed. */
  Push,
  Pop,
  /** a: frame record, b: local; value: the new TraceValue. */
  WriteLocal,
  /** a: global id; value: the TraceMoveValue. */
  WriteGlobal,
  /** a: frame record, b: local. */
  MoveOut,
  /** a: frame record, b: values popped for parameters; value: the parameters (the local count is the frame record's). */
  Open,
  /** a: frame record. */
  Close,
  /** A u64 push kept in the log's column, no value object: a: the value (0 .. 2^31 - 1). */
  PushInt,
  /** A bool push, as PushInt: a: 0 or 1. */
  PushBool,
}


function emptyState(): MoveState {
  return { stack: [], locals: new Map(), moved: new Map(), globals: new Map() };
}

function copyState(s: MoveState): MoveState {
  const locals = new Map<number, (TraceValue | undefined)[]>();
  for (const [k, v] of s.locals) locals.set(k, v.slice());
  const moved = new Map<number, (TraceValue | undefined)[]>();
  for (const [k, v] of s.moved) moved.set(k, v.slice());
  return { stack: s.stack.slice(), locals, moved, globals: new Map(s.globals) };
}

/** Locals a frame record holds: its declared locals, or at least its parameters (natives declare none). */
function localCount(f: RecordedFrame): number {
  return Math.max(f.localTypes.length, f.parameters.length);
}

/**
 * The operation log as columns (kind, two integers, a value reference): a recording of millions of steps
 * keeps no object per operation, only the values it must keep.
 */
class OpLog {
  length = 0;
  kinds = new Uint8Array(4096);
  a = new Int32Array(4096);
  b = new Int32Array(4096);
  readonly values: unknown[] = [];

  /** `frames`: the recording's frame records (an Open operation takes its local count from there). */
  constructor(private readonly frames: readonly RecordedFrame[]) {}

  add(kind: K, a: number, b: number, value: unknown): void {
    const n = this.length;
    if (n === this.kinds.length) this.grow();
    this.kinds[n] = kind;
    this.a[n] = a;
    this.b[n] = b;
    this.values.push(value);
    this.length = n + 1;
  }

  /** Releases the growth slack once the log is complete. */
  trim(): void {
    this.kinds = this.kinds.slice(0, this.length);
    this.a = this.a.slice(0, this.length);
    this.b = this.b.slice(0, this.length);
  }

  /** Bytes the log keeps in its columns and value slots (not counting the values themselves). */
  get columnBytes(): number {
    return this.kinds.byteLength + this.a.byteLength + this.b.byteLength + this.values.length * 8;
  }

  private grow(): void {
    const size = Math.max(16, this.kinds.length * 2);
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    this.kinds = kinds;
    for (const key of ['a', 'b'] as const) {
      const col = new Int32Array(size);
      col.set(this[key]);
      this[key] = col;
    }
  }

  /** Applies operation i to a state. */
  apply(s: MoveState, i: number): void {
    switch (this.kinds[i] as K) {
      case K.Push:
        s.stack.push(boxed(this.values[i] as StoredValue));
        return;
      case K.PushInt:
        s.stack.push(boxed(BigInt(this.a[i]!)));
        return;
      case K.PushBool:
        s.stack.push(boxed(this.a[i] === 1));
        return;
      case K.Pop:
        s.stack.pop();
        return;
      case K.WriteLocal: {
        const locals = s.locals.get(this.a[i]!);
        if (locals) locals[this.b[i]!] = boxed(this.values[i] as StoredValue);
        const moved = s.moved.get(this.a[i]!);
        if (moved) moved[this.b[i]!] = undefined;
        return;
      }
      case K.WriteGlobal:
        s.globals.set(this.a[i]!, this.values[i] as TraceMoveValue);
        return;
      case K.MoveOut: {
        const locals = s.locals.get(this.a[i]!);
        if (!locals) return;
        let moved = s.moved.get(this.a[i]!);
        if (!moved) s.moved.set(this.a[i]!, (moved = []));
        moved[this.b[i]!] = locals[this.b[i]!];
        locals[this.b[i]!] = undefined;
        return;
      }
      case K.Open: {
        const pops = this.b[i]!;
        if (pops > 0) s.stack.length = Math.max(0, s.stack.length - pops);
        const params = this.values[i] as readonly TraceValue[];
        const locals = new Array<TraceValue | undefined>(localCount(this.frames[this.a[i]!]!));
        for (let p = 0; p < params.length; p++) locals[p] = params[p];
        s.locals.set(this.a[i]!, locals);
        return;
      }
      case K.Close:
        s.locals.delete(this.a[i]!);
        s.moved.delete(this.a[i]!);
        return;
    }
  }

  /** Whether operation i writes local `local` of `frame`. */
  writesLocal(i: number, frame: number, local: number): boolean {
    return this.kinds[i] === K.WriteLocal && this.a[i] === frame && this.b[i] === local;
  }
}

/** A growable typed column. */
class Column<A extends Int32Array | Uint16Array | Float64Array> {
  length = 0;
  constructor(public data: A, private readonly make: (n: number) => A) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  /** The filled part, copied so that the growth slack is released (also while the builder is still referenced). */
  done(): A {
    const filled = this.data.slice(0, this.length) as A;
    this.data = filled;
    return filled;
  }
}

const int32 = (n: number) => new Int32Array(n);
const uint16 = (n: number) => new Uint16Array(n);
const float64 = (n: number) => new Float64Array(n);

/** The root of a location: a local of a frame (by trace id) or a global id. */
export function locationRoot(loc: TraceLocation): { frameTraceId: number; local: number } | { global: number } {
  let l = loc;
  while ('Indexed' in l) l = l.Indexed[0];
  return 'Local' in l ? { frameTraceId: l.Local[0], local: l.Local[1] } : { global: l.Global };
}

function intOf(v: StoredValue | undefined): number | undefined {
  if (typeof v === 'bigint') return Number(v);
  if (!v || typeof v === 'boolean' || !('RuntimeValue' in v)) return undefined;
  const x = v.RuntimeValue.value;
  return x.type === 'U64' || x.type === 'U8' || x.type === 'U16' || x.type === 'U32' ? Number(x.value) : undefined;
}

/** Field / element offsets from the root to a location. */
function offsetsOf(loc: TraceLocation): number[] {
  const out: number[] = [];
  let l = loc;
  while ('Indexed' in l) {
    out.unshift(l.Indexed[1]);
    l = l.Indexed[0];
  }
  return out;
}

/** A copy of `root` with the value at `path` replaced by `change(value)`; undefined when the path is not there. */
function updateAt(root: TraceMoveValue, path: readonly number[], change: (v: TraceMoveValue) => TraceMoveValue): TraceMoveValue | undefined {
  if (path.length === 0) return change(root);
  const [head, ...rest] = path as [number, ...number[]];
  if (root.type === 'Vector') {
    const item = root.value[head];
    const updated = item && updateAt(item, rest, change);
    if (!updated) return undefined;
    const items = root.value.slice();
    items[head] = updated;
    return { type: 'Vector', value: items };
  }
  if (root.type === 'Struct' || root.type === 'Variant') {
    const field = root.value.fields[head];
    const updated = field && updateAt(field[1], rest, change);
    if (!updated) return undefined;
    const fields = root.value.fields.slice();
    fields[head] = [field[0], updated];
    return root.type === 'Struct'
      ? { type: 'Struct', value: { ...root.value, fields } }
      : { type: 'Variant', value: { ...root.value, fields } };
  }
  return undefined;
}

/** Builds a MoveRecording from trace events, in order. */
export class RecordingBuilder {
  private readonly frameOf = new Column(new Int32Array(1024), int32);
  private readonly pcs = new Column(new Int32Array(1024), int32);
  /** Index into `opcodes` (instruction names, interned: a Move VM has about a hundred). */
  private readonly opcodeOf = new Column(new Uint16Array(1024), uint16);
  private readonly gasBefore = new Column(new Float64Array(1024), float64);
  private readonly gasAfter = new Column(new Float64Array(1024), float64);
  private readonly opEnd = new Column(new Int32Array(1024), int32);
  private readonly opcodes: string[] = [];
  private readonly opcodeIds = new Map<string, number>();
  private readonly frames: RecordedFrame[] = [];
  private readonly ops = new OpLog(this.frames);
  private readonly checkpoints: MoveState[] = [];
  private readonly byTraceId = new Map<number, number>();
  private readonly live: MoveState = emptyState();
  /** Open frames, innermost last (record indices). */
  private readonly open: number[] = [];
  private eventIndex = 0;
  private lastGas = NaN;
  private initialGas = NaN;
  private lastPopOfStep: StoredValue | undefined;
  /** Values popped by the current step, in order, and whether it wrote through a reference. */
  private stepPops: StoredValue[] = [];
  private stepWrote = false;
  private stepOpcode = '';
  private stepFailed = false;

  /**
   * `resync`: correct a local from the root value a Read reports when they differ. Real traces do not
   * report what natives do through `&mut` parameters; the next read of the local shows it.
   */
  constructor(private readonly options: { readonly resync?: boolean } = {}) {}
  private error?: RecordedError;
  private stop?: string;
  private readonly warnings: string[] = [];

  /**
   * The run was stopped from outside (our interpreter's step limit, `STEP_LIMIT_REACHED`) before its next
   * instruction: unlike an ExecutionError, no recorded instruction failed.
   */
  stopped(status: string): void {
    this.stop = status;
  }

  /** Steps recorded so far. */
  get stepCount(): number {
    return this.pcs.length;
  }

  /** Feeds one event (events are numbered in the order given, from 0, as in a trace file). */
  add(event: TraceEvent): void {
    const index = this.eventIndex++;
    if ('Instruction' in event) this.instruction(event.Instruction);
    else if ('Effect' in event) this.effect(event.Effect, index);
    else if ('OpenFrame' in event) this.openFrame(event.OpenFrame.frame, event.OpenFrame.gas_left);
    else if ('CloseFrame' in event) this.closeFrame(event.CloseFrame.frame_id, event.CloseFrame.return_, event.CloseFrame.gas_left);
  }

  /** Appends an operation (see OpLog for what a, b, c and value mean per kind) and applies it to the live state. */
  private log(kind: K, a: number, b: number, value: unknown): void {
    if (this.ops.length % CHECKPOINT_OPS === 0) this.checkpoints.push(copyState(this.live));
    this.ops.add(kind, a, b, value);
    this.ops.apply(this.live, this.ops.length - 1);
  }

  private instruction(e: { pc: number; gas_left: bigint; instruction: string }): void {
    this.step(e.pc, Number(e.gas_left), e.instruction);
  }

  /** An Instruction event without building it (our interpreter's tracer). Counts as one event, like `add`. */
  instructionEvent(pc: number, gasLeft: number, instruction: string): void {
    this.eventIndex++;
    this.step(pc, gasLeft, instruction);
  }

  private step(pc: number, gas: number, instruction: string): void {
    this.finishStep();
    const frame = this.open[this.open.length - 1];
    if (frame === undefined) {
      this.warnings.push(`instruction ${instruction} at pc ${pc} outside any frame: ignored`);
      return;
    }
    const step = this.pcs.length;
    const record = this.frames[frame]!;
    if (record.firstStep < 0) record.firstStep = step;
    record.lastStep = step;
    let id = this.opcodeIds.get(instruction);
    if (id === undefined) {
      // Only a malformed trace names more instructions than the column holds: keep its last name for the rest.
      if (this.opcodes.length > 0xffff) {
        this.warnings.push(`more than 65536 instruction names: ${instruction} at pc ${pc} shown as ${this.opcodes[0xffff]}`);
        instruction = this.opcodes[0xffff]!;
      }
      id = this.opcodes.length;
      this.opcodes.push(instruction);
      this.opcodeIds.set(instruction, id);
    }
    this.frameOf.push(frame);
    this.pcs.push(pc);
    this.opcodeOf.push(id);
    this.gasBefore.push(Number.isNaN(this.lastGas) ? gas : this.lastGas);
    this.gasAfter.push(gas);
    this.lastGas = gas;
    this.opEnd.push(this.ops.length);
    this.lastPopOfStep = undefined;
    if (this.stepPops.length) this.stepPops = [];
    this.stepWrote = false;
    this.stepFailed = false;
    this.stepOpcode = instruction;
  }

  /**
   * VEC_POP_BACK and VEC_SWAP change a vector through a reference without a Write effect in real traces
   * (VEC_PUSH_BACK has one): apply them to the referenced location here, once the step's effects are in.
   */
  private finishStep(): void {
    const op = this.stepOpcode;
    this.stepOpcode = '';
    if (this.stepWrote || this.stepFailed || (op !== 'VEC_POP_BACK' && op !== 'VEC_SWAP')) return;
    const ref = op === 'VEC_POP_BACK' ? this.stepPops[0] : this.stepPops[2];
    if (!ref || typeof ref !== 'object' || !('MutRef' in ref)) return;
    const i = op === 'VEC_SWAP' ? intOf(this.stepPops[1]) : undefined;
    const j = op === 'VEC_SWAP' ? intOf(this.stepPops[0]) : undefined;
    const location = ref.MutRef.location;
    const rootValue = this.rootValue(location);
    if (!rootValue) return;
    const updated = updateAt(rootValue, offsetsOf(location), (v) => {
      if (v.type !== 'Vector') return v;
      if (op === 'VEC_POP_BACK') return { type: 'Vector', value: v.value.slice(0, -1) };
      if (i === undefined || j === undefined || i >= v.value.length || j >= v.value.length) return v;
      const items = v.value.slice();
      [items[i], items[j]] = [items[j]!, items[i]!];
      return { type: 'Vector', value: items };
    });
    if (updated) this.writeRoot(location, { RuntimeValue: { value: updated } });
  }

  /** The current value at the root of a location (a local's plain value, or a global). */
  private rootValue(location: TraceLocation): TraceMoveValue | undefined {
    const root = locationRoot(location);
    if ('global' in root) return this.live.globals.get(root.global);
    const frame = this.frameIndexOfTraceId(root.frameTraceId);
    const v = frame >= 0 ? this.live.locals.get(frame)?.[root.local] : undefined;
    return v && 'RuntimeValue' in v ? v.RuntimeValue.value : undefined;
  }

  private frameIndexOfTraceId(traceId: number): number {
    const f = this.byTraceId.get(traceId);
    return f === undefined ? -1 : f;
  }

  /**
   * A Push effect event without building it: our interpreter's tracer passes bare integers and
   * booleans (see StoredValue). Counts as one event, like `add`.
   */
  pushEffect(v: StoredValue): void {
    this.eventIndex++;
    this.push(v);
  }

  /** A Write effect on a local (by the frame's trace id), as `pushEffect`. */
  writeLocalEffect(frameTraceId: number, local: number, v: StoredValue): void {
    this.eventIndex++;
    const frame = this.frameIndexOfTraceId(frameTraceId);
    if (frame >= 0) this.log(K.WriteLocal, frame, local, v);
  }

  /** A Read effect that moved a local out, as `pushEffect`. (Reads that move nothing change no state.) */
  moveOutEffect(frameTraceId: number, local: number): void {
    this.eventIndex++;
    const frame = this.frameIndexOfTraceId(frameTraceId);
    if (frame >= 0) this.log(K.MoveOut, frame, local, undefined);
  }

  /** A Pop effect event, as `pushEffect`. */
  popEffect(v: StoredValue): void {
    this.eventIndex++;
    this.pop(v);
  }

  private push(v: StoredValue): void {
    // Most pushes are small integers and booleans: kept in the integer column, they keep no object alive.
    if (typeof v === 'bigint' && v >= 0n && v <= 0x7fffffffn) this.log(K.PushInt, Number(v), 0, undefined);
    else if (typeof v === 'boolean') this.log(K.PushBool, v ? 1 : 0, 0, undefined);
    else this.log(K.Push, 0, 0, v);
  }

  private pop(v: StoredValue): void {
    this.lastPopOfStep = v;
    this.stepPops.push(v);
    this.log(K.Pop, 0, 0, undefined);
  }

  private effect(e: import('../trace/format.ts').TraceEffect, eventIndex: number): void {
    if ('Push' in e) this.push(e.Push);
    else if ('Pop' in e) this.pop(e.Pop); else if ('Write' in e) {
      if (!('Local' in e.Write.location)) this.stepWrote = true;
      this.writeRoot(e.Write.location, e.Write.root_value_after_write);
    } else if ('Read' in e) {
      if (this.options.resync && 'RuntimeValue' in e.Read.root_value_read) this.resync(e.Read.location, e.Read.root_value_read.RuntimeValue.value);
      if (e.Read.moved && 'Local' in e.Read.location) {
        const frame = this.frameIndexOfTraceId(e.Read.location.Local[0]);
        if (frame >= 0) this.log(K.MoveOut, frame, e.Read.location.Local[1], undefined);
      }
    } else if ('DataLoad' in e) {
      const root = locationRoot(e.DataLoad.location);
      // A global's id is the index of the event that introduced it.
      const id = 'global' in root ? root.global : eventIndex;
      this.log(K.WriteGlobal, id, 0, e.DataLoad.snapshot);
    } else if ('ExecutionError' in e) {
      this.stepFailed = true;
      const step = this.pcs.length - 1;
      const frame = this.open[this.open.length - 1] ?? -1;
      const status = e.ExecutionError;
      const popped = this.lastPopOfStep === undefined ? undefined : boxed(this.lastPopOfStep);
      const lastOp = step >= 0 ? this.opcodes[this.opcodeOf.data[step]!] : undefined;
      let abortCode: bigint | undefined;
      if (status === 'ABORTED' && lastOp === 'ABORT' && frame === this.frameOf.data[step] && popped && 'RuntimeValue' in popped) {
        const v = popped.RuntimeValue.value;
        if (v.type === 'U64') abortCode = v.value;
      }
      this.error = { step, frame, status, ...(abortCode !== undefined ? { abortCode } : {}) };
    }
  }

  /** A read showed a local's root value: adopt it when the recording has something else. */
  private resync(location: TraceLocation, value: TraceMoveValue): void {
    const root = locationRoot(location);
    if ('global' in root) return;
    const frame = this.frameIndexOfTraceId(root.frameTraceId);
    if (frame < 0) return;
    const current = this.live.locals.get(frame)?.[root.local];
    if (current && 'RuntimeValue' in current && isDeepStrictEqual(current.RuntimeValue.value, value)) return;
    this.log(K.WriteLocal, frame, root.local, { RuntimeValue: { value } });
  }

  private writeRoot(location: TraceLocation, value: TraceValue): void {
    const root = locationRoot(location);
    if ('global' in root) {
      if ('RuntimeValue' in value) {
        this.log(K.WriteGlobal, root.global, 0, value.RuntimeValue.value);
        return;
      }
      // The real VM gives a global's value after a write as a reference to it whose snapshot was taken
      // when it was borrowed (before the write): apply the written value (the one value WRITE_REF
      // popped that is not the reference) at the written path instead.
      const written = this.stepPops.map(boxed).find((v) => 'RuntimeValue' in v);
      const current = this.rootValue(location);
      const updated = written && 'RuntimeValue' in written && current ? updateAt(current, offsetsOf(location), () => written.RuntimeValue.value) : undefined;
      this.log(K.WriteGlobal, root.global, 0, updated ?? ('MutRef' in value ? value.MutRef.snapshot : value.ImmRef.snapshot));
      return;
    }
    const frame = this.frameIndexOfTraceId(root.frameTraceId);
    if (frame >= 0) this.log(K.WriteLocal, frame, root.local, value);
  }

  private openFrame(f: TraceFrame, gasLeft: bigint): void {
    const parent = this.open[this.open.length - 1] ?? -1;
    const pops = parent >= 0 ? Math.min(f.parameters.length, this.live.stack.length) : 0;
    const index = this.frames.length;
    const record: RecordedFrame = {
      index,
      traceId: f.frame_id,
      parent,
      depth: this.open.length,
      address: f.module.address,
      module: f.module.name,
      function: f.function_name,
      definitionIndex: f.binary_member_index,
      typeArgs: f.type_instantiation,
      parameters: f.parameters,
      returnTypes: f.return_types,
      localTypes: f.locals_types,
      isNative: f.is_native,
      callStep: parent >= 0 ? this.pcs.length - 1 : -1,
      stackBase: this.live.stack.length - pops,
      firstStep: -1,
      lastStep: -1,
    };
    this.frames.push(record);
    this.byTraceId.set(f.frame_id, index);
    this.open.push(index);
    const gas = Number(gasLeft);
    if (Number.isNaN(this.initialGas)) this.initialGas = gas;
    this.lastGas = gas;
    this.log(K.Open, index, pops, f.parameters);
  }

  private closeFrame(traceId: number, returns: readonly TraceValue[], gasLeft: bigint): void {
    const frame = this.frameIndexOfTraceId(traceId);
    if (frame < 0) {
      this.warnings.push(`CloseFrame of unknown frame ${traceId}: ignored`);
      return;
    }
    // Close everything opened inside it too (a well-formed trace closes innermost first).
    while (this.open.length > 0) {
      const top = this.open.pop()!;
      if (top === frame) break;
    }
    this.frames[frame]!.returns = returns;
    this.lastGas = Number(gasLeft);
    this.log(K.Close, frame, 0, undefined);
  }

  finish(): MoveRecording {
    this.finishStep();
    this.ops.trim();
    return new MoveRecording({
      frameOf: this.frameOf.done(),
      pcs: this.pcs.done(),
      opcodeOf: this.opcodeOf.done(),
      opcodes: this.opcodes,
      gasBefore: this.gasBefore.done(),
      gasAfter: this.gasAfter.done(),
      opEnd: this.opEnd.done(),
      ops: this.ops,
      checkpoints: this.checkpoints,
      frames: this.frames,
      byTraceId: this.byTraceId,
      initialGas: Number.isNaN(this.initialGas) ? 0 : this.initialGas,
      finalGas: Number.isNaN(this.lastGas) ? 0 : this.lastGas,
      openAtEnd: this.open.slice(),
      ...(this.error ? { error: this.error } : {}),
      ...(this.stop ? { stoppedBy: this.stop } : {}),
      warnings: this.warnings,
    });
  }
}

interface RecordingParts {
  readonly frameOf: Int32Array;
  readonly pcs: Int32Array;
  readonly opcodeOf: Uint16Array;
  readonly opcodes: readonly string[];
  readonly gasBefore: Float64Array;
  readonly gasAfter: Float64Array;
  readonly opEnd: Int32Array;
  readonly ops: OpLog;
  readonly checkpoints: readonly MoveState[];
  readonly frames: readonly RecordedFrame[];
  readonly byTraceId: ReadonlyMap<number, number>;
  readonly initialGas: number;
  readonly finalGas: number;
  readonly openAtEnd: readonly number[];
  readonly error?: RecordedError;
  readonly stoppedBy?: string;
  readonly warnings: readonly string[];
}

export class MoveRecording {
  readonly stepCount: number;
  readonly frames: readonly RecordedFrame[];
  readonly error?: RecordedError;
  /** Why the run was stopped before it ended, when it was (see RecordingBuilder.stopped). */
  readonly stoppedBy?: string;
  /** Gas left when the entry frame opened, and at the end. */
  readonly initialGas: number;
  readonly finalGas: number;
  /** Frames still open when the trace ended (an abort leaves them open), outermost first. */
  readonly openAtEnd: readonly number[];
  readonly warnings: readonly string[];
  private cache?: { opEnd: number; state: MoveState };

  constructor(private readonly parts: RecordingParts) {
    this.stepCount = parts.pcs.length;
    this.frames = parts.frames;
    this.initialGas = parts.initialGas;
    this.finalGas = parts.finalGas;
    this.openAtEnd = parts.openAtEnd;
    this.warnings = parts.warnings;
    if (parts.error) this.error = parts.error;
    if (parts.stoppedBy) this.stoppedBy = parts.stoppedBy;
  }

  /**
   * Bytes kept in the per-step columns, the operation log's columns and value slots, and the checkpoints'
   * slots (the values themselves are shared with the log and not counted): for the recording benchmark.
   */
  retainedBytes(): number {
    const p = this.parts;
    let bytes = p.frameOf.byteLength + p.pcs.byteLength + p.opcodeOf.byteLength + p.gasBefore.byteLength + p.gasAfter.byteLength + p.opEnd.byteLength;
    bytes += p.ops.columnBytes;
    for (const c of p.checkpoints) {
      bytes += c.stack.length * 8;
      for (const l of c.locals.values()) bytes += l.length * 8;
      bytes += c.globals.size * 16;
    }
    return bytes;
  }

  /** Frame record index of the frame executing a step. */
  frameOf(step: number): number {
    return this.parts.frameOf[step]!;
  }
  pc(step: number): number {
    return this.parts.pcs[step]!;
  }
  /** The trace's instruction name (`LD_U64`, `CALL_GENERIC`). */
  opcode(step: number): string {
    return this.parts.opcodes[this.parts.opcodeOf[step]!]!;
  }
  gasBefore(step: number): number {
    return this.parts.gasBefore[step]!;
  }
  gasAfter(step: number): number {
    return this.parts.gasAfter[step]!;
  }

  /** The state before a step executes; `step === stepCount` gives the state at the end. Do not modify it. */
  state(step: number): MoveState {
    const end = step >= this.stepCount ? this.parts.ops.length : this.parts.opEnd[step]!;
    const cached = this.cache;
    if (cached && cached.opEnd === end) return cached.state;
    let state: MoveState;
    let from: number;
    const checkpoint = Math.min(Math.floor(end / CHECKPOINT_OPS), this.parts.checkpoints.length - 1);
    if (cached && cached.opEnd < end && cached.opEnd >= checkpoint * CHECKPOINT_OPS) {
      state = copyState(cached.state);
      from = cached.opEnd;
    } else if (checkpoint >= 0) {
      state = copyState(this.parts.checkpoints[checkpoint]!);
      from = checkpoint * CHECKPOINT_OPS;
    } else {
      state = emptyState();
      from = 0;
    }
    for (let i = from; i < end; i++) this.parts.ops.apply(state, i);
    this.cache = { opEnd: end, state };
    return state;
  }

  /** Record index of the frame with a trace id, or -1. */
  frameByTraceId(traceId: number): number {
    return this.parts.byTraceId.get(traceId) ?? -1;
  }

  /** Steps whose instruction wrote local `local` of a frame (directly or through a reference into it). */
  writeStepsOfLocal(frame: number, local: number): number[] {
    const out: number[] = [];
    const { ops, opEnd } = this.parts;
    let step = 0;
    for (let i = 0; i < ops.length; i++) {
      if (!ops.writesLocal(i, frame, local)) continue;
      // The operation belongs to the last step whose Instruction event came before it.
      while (step + 1 < this.stepCount && opEnd[step + 1]! <= i) step++;
      if (out[out.length - 1] !== step) out.push(step);
    }
    return out;
  }
}
