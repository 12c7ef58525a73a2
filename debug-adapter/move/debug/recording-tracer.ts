// Our interpreter's Tracer feeding a RecordingBuilder: the events a Sui trace file holds, handed over
// directly (no JSON in between). Values are snapshotted when reported (they change later), and effects
// are held back until their instruction is reported, as the trace format orders them. For speed, the
// commonest events skip the event objects: instructions, pushes, pops and local writes go to the
// builder's direct entry points with u64s and bools unboxed, and reads that move nothing are dropped
// (they change no state).
import type { TraceEvent, TraceLocation, TraceMoveValue, TraceValue } from '../trace/format.ts';
import { moveValue, typeWithRefs } from '../trace/writer.ts';
import { TRACE_NAMES } from '../vm/opcodes.ts';
import type { TracedFrame, Tracer } from '../vm/tracer.ts';
import { toTypeTag, type RuntimeType } from '../vm/types.ts';
import { Reference, type Value } from '../vm/values.ts';
import type { RecordingBuilder, StoredValue } from './recording.ts';

/** The trace writer encodes u256 as 32 little-endian bytes; the recording keeps bigints. */
function normalizeMove(v: TraceMoveValue): TraceMoveValue {
  switch (v.type) {
    case 'U256': {
      const raw = v.value as unknown;
      if (!Array.isArray(raw)) return v;
      let n = 0n;
      for (let i = raw.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(raw[i] as number);
      return { type: 'U256', value: n };
    }
    case 'Vector':
      return v.value.some(hasU256) ? { type: 'Vector', value: v.value.map(normalizeMove) } : v;
    case 'Struct':
      return v.value.fields.some(([, f]) => hasU256(f))
        ? { type: 'Struct', value: { type_: v.value.type_, fields: v.value.fields.map(([n, f]) => [n, normalizeMove(f)] as const) } }
        : v;
    case 'Variant':
      return v.value.fields.some(([, f]) => hasU256(f))
        ? { type: 'Variant', value: { ...v.value, fields: v.value.fields.map(([n, f]) => [n, normalizeMove(f)] as const) } }
        : v;
    default:
      return v;
  }
}

function hasU256(v: TraceMoveValue): boolean {
  switch (v.type) {
    case 'U256':
      return true;
    case 'Vector':
      return v.value.some(hasU256);
    case 'Struct':
    case 'Variant':
      return v.value.fields.some(([, f]) => hasU256(f));
    default:
      return false;
  }
}

/** Read once: the hot path then indexes a local array (a module namespace access can cost a getter call each time). */
const INSTRUCTION_NAMES = TRACE_NAMES;

function plain(v: Value): TraceMoveValue {
  return normalizeMove(moveValue(v));
}

/**
 * Kinds of held-back effects: an event object, or a push / pop / local write / move with its value
 * unboxed when bare (see StoredValue). Kept in reused parallel arrays: no object per effect.
 */
const enum Held {
  /** value: the TraceEvent. */
  Event,
  /** value: the StoredValue. */
  Push,
  Pop,
  /** a: frame trace id, b: local; value: the StoredValue. */
  Write,
  /** a: frame trace id, b: local. */
  Move,
}

export class RecordingTracer implements Tracer {
  /** Index the next event gets (events are numbered as a trace file of the same run numbers them). */
  private count = 0;
  /** Held-back effects: `held` entries of the parallel arrays below (see Held). */
  private held = 0;
  private readonly heldKind: Held[] = [];
  private readonly heldA: number[] = [];
  private readonly heldB: number[] = [];
  private readonly heldValue: unknown[] = [];
  /** Effects among the held-back ones that were dropped (reads that change nothing): they still take an index. */
  private heldDropped = 0;
  /**
   * Whether a native's frame is open: its effects are flushed before its CloseFrame, with no event in
   * front of them. Otherwise held-back effects follow an event not emitted yet (the instruction's, or the
   * OpenFrame / CloseFrame whose values are being snapshotted).
   */
  private inNative = false;

  constructor(private readonly builder: RecordingBuilder) {}

  private emit(event: TraceEvent): void {
    this.builder.add(event);
    this.count++;
  }

  private bare(v: Value): v is bigint | boolean {
    return typeof v === 'bigint' || typeof v === 'boolean';
  }

  /** Global ids given to references rooted outside any frame (Aptos global storage, reference arguments). */
  private readonly detached = new WeakMap<Value[], Map<number, number>>();

  /**
   * Where a reference points, as the trace writes it. A root outside any frame and outside Sui's object
   * data (a `borrow_global` cell, a reference passed as an argument) is introduced as a global the first
   * time it is seen, with a DataLoad effect, so its value is shown and followed like an object's.
   */
  private location(ref: Reference): TraceLocation {
    if (ref.parent) return { Indexed: [this.location(ref.parent), ref.index] };
    if (ref.globalId >= 0) return { Global: ref.globalId };
    if (ref.frame) return { Local: [ref.frame.traceId, ref.index] };
    let ids = this.detached.get(ref.holder);
    if (!ids) this.detached.set(ref.holder, (ids = new Map()));
    let id = ids.get(ref.index);
    if (id === undefined) {
      id = this.nextEffectIndex(!this.inNative);
      ids.set(ref.index, id);
      this.hold(Held.Event, 0, 0, { Effect: { DataLoad: { ref_type: ref.mutable ? 'Mut' : 'Imm', location: { Global: id }, snapshot: plain(ref.get()) } } });
    }
    return { Global: id };
  }

  /**
   * The index a held-back effect pushed now will have: after the effects before it, and after the event
   * it waits for when `afterEvent` (a global's id is the index of the DataLoad that introduced it).
   */
  private nextEffectIndex(afterEvent: boolean): number {
    return this.count + this.held + this.heldDropped + (afterEvent ? 1 : 0);
  }

  private snapshot(v: Value): TraceValue {
    if (v instanceof Reference) {
      const body = { location: this.location(v), snapshot: plain(v.root().get()) };
      return v.mutable ? { MutRef: body } : { ImmRef: body };
    }
    return { RuntimeValue: { value: plain(v) } };
  }

  private hold(kind: Held, a: number, b: number, value: unknown): void {
    const n = this.held++;
    this.heldKind[n] = kind;
    this.heldA[n] = a;
    this.heldB[n] = b;
    this.heldValue[n] = value;
  }

  private flush(): void {
    this.count += this.heldDropped;
    this.heldDropped = 0;
    const n = this.held;
    if (n === 0) return;
    const b = this.builder;
    for (let i = 0; i < n; i++) {
      const v = this.heldValue[i];
      switch (this.heldKind[i]) {
        case Held.Push:
          b.pushEffect(v as StoredValue);
          break;
        case Held.Pop:
          b.popEffect(v as StoredValue);
          break;
        case Held.Write:
          b.writeLocalEffect(this.heldA[i]!, this.heldB[i]!, v as StoredValue);
          break;
        case Held.Move:
          b.moveOutEffect(this.heldA[i]!, this.heldB[i]!);
          break;
        default:
          b.add(v as TraceEvent);
      }
      this.heldValue[i] = undefined;
    }
    this.count += n;
    this.held = 0;
  }

  openFrame(frame: TracedFrame, args: readonly Value[], gasLeft: number): void {
    this.flush();
    const fn = frame.fn;
    const withRefs = (t: RuntimeType) => typeWithRefs(t, frame.typeArgs);
    (frame as { traceId: number }).traceId = this.count;
    this.emit({
      OpenFrame: {
        frame: {
          frame_id: this.count,
          function_name: fn.name,
          module: { address: fn.module.address, name: fn.module.name },
          binary_member_index: fn.defIndex,
          type_instantiation: frame.typeArgs.map(toTypeTag),
          parameters: args.map((a) => this.snapshot(a)),
          return_types: fn.returns.map(withRefs),
          locals_types: fn.localTypes.map(withRefs),
          is_native: fn.isNative,
        },
        gas_left: BigInt(gasLeft),
      },
    });
    this.flush(); // globals first seen in the arguments
    this.inNative = fn.isNative;
  }

  closeFrame(frame: TracedFrame, returns: readonly Value[], gasLeft: number): void {
    this.flush();
    this.inNative = false;
    this.emit({ CloseFrame: { frame_id: frame.traceId, return_: returns.map((r) => this.snapshot(r)), gas_left: BigInt(gasLeft) } });
    this.flush();
  }

  instruction(_frame: TracedFrame, pc: number, opcode: number, gasLeft: number, typeArgs: readonly RuntimeType[]): void {
    // The recording does not keep an instruction's printed type arguments: no event object needed.
    void typeArgs;
    this.builder.instructionEvent(pc, gasLeft, INSTRUCTION_NAMES[opcode] ?? `OP_${opcode}`);
    this.count++;
    this.flush();
  }

  private stored(v: Value): StoredValue {
    return this.bare(v) ? v : this.snapshot(v);
  }

  pop(value: Value): void {
    this.hold(Held.Pop, 0, 0, this.stored(value));
  }

  push(value: Value): void {
    this.hold(Held.Push, 0, 0, this.stored(value));
  }

  readLocal(frame: TracedFrame, local: number, _value: Value, moved: boolean): void {
    // Only a move changes state: a copy or borrow leaves the local as it is.
    if (moved) this.hold(Held.Move, frame.traceId, local, undefined);
    else this.heldDropped++;
  }

  writeLocal(frame: TracedFrame, local: number, value: Value): void {
    this.hold(Held.Write, frame.traceId, local, this.stored(value));
  }

  readRef(): void {
    // A read through a reference changes nothing the recording keeps.
    this.heldDropped++;
  }

  writeRef(ref: Reference): void {
    this.hold(Held.Event, 0, 0, { Effect: { Write: { location: this.location(ref), root_value_after_write: { RuntimeValue: { value: plain(ref.root().get()) } } } } });
  }

  dataLoad(ref: Reference, inInstruction: boolean): number {
    // An instruction (Aptos BORROW_GLOBAL) loads before its Instruction event is emitted; a native between
    // its frame's events.
    const id = this.nextEffectIndex(inInstruction);
    this.hold(Held.Event, 0, 0, { Effect: { DataLoad: { ref_type: ref.mutable ? 'Mut' : 'Imm', location: { Global: id }, snapshot: plain(ref.get()) } } });
    return id;
  }

  error(status: string): void {
    this.flush();
    // The step limit stops the run before an instruction that is not reported: none of the recorded
    // instructions failed, so it is not an ExecutionError of the last one.
    if (status === 'STEP_LIMIT_REACHED') this.builder.stopped(status);
    else this.emit({ Effect: { ExecutionError: status } });
  }
}
