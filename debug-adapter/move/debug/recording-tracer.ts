// Our interpreter's Tracer feeding a RecordingBuilder: the events a Sui trace file holds, handed over
// directly (no JSON in between). Values are snapshotted when reported (they change later), and effects
// are held back until their instruction is reported, as the trace format orders them. For speed, the
// commonest events skip the event objects: instructions, pushes, pops and local writes go to the
// builder's direct entry points with u64s and bools unboxed, and reads that move nothing are dropped
// (they change no state).
import type { TraceEvent, TraceLocation, TraceMoveValue, TraceValue, TypeTagWithRefs } from '../trace/format.ts';
import { moveValue } from '../trace/writer.ts';
import { TRACE_NAMES } from '../vm/opcodes.ts';
import type { TracedFrame, Tracer } from '../vm/tracer.ts';
import { substitute, toTypeTag, type RuntimeType } from '../vm/types.ts';
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

function plain(v: Value): TraceMoveValue {
  return normalizeMove(moveValue(v));
}

/** A held-back effect: an event, or a push / pop / local write / move with its value unboxed when bare (see StoredValue). */
type Pending =
  | TraceEvent
  | { readonly push: StoredValue }
  | { readonly pop: StoredValue }
  | { readonly write: number; readonly local: number; readonly value: StoredValue }
  | { readonly move: number; readonly local: number };

export class RecordingTracer implements Tracer {
  private count = 0;
  private pending: Pending[] = [];

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
      id = this.count + this.pending.length;
      ids.set(ref.index, id);
      this.pending.push({ Effect: { DataLoad: { ref_type: ref.mutable ? 'Mut' : 'Imm', location: { Global: id }, snapshot: plain(ref.get()) } } });
    }
    return { Global: id };
  }

  private snapshot(v: Value): TraceValue {
    if (v instanceof Reference) {
      const body = { location: this.location(v), snapshot: plain(v.root().get()) };
      return v.mutable ? { MutRef: body } : { ImmRef: body };
    }
    return { RuntimeValue: { value: plain(v) } };
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    for (const e of this.pending) {
      if ('push' in e) this.builder.pushEffect(e.push);
      else if ('pop' in e) this.builder.popEffect(e.pop);
      else if ('write' in e) this.builder.writeLocalEffect(e.write, e.local, e.value);
      else if ('move' in e) this.builder.moveOutEffect(e.move, e.local);
      else this.builder.add(e);
      this.count++;
    }
    this.pending = [];
  }

  openFrame(frame: TracedFrame, args: readonly Value[], gasLeft: number): void {
    this.flush();
    const fn = frame.fn;
    const withRefs = (t: RuntimeType): TypeTagWithRefs => {
      const s = substitute(t, frame.typeArgs);
      return s.kind === 'reference'
        ? { type_: toTypeTag(s.to), ref_type: s.mutable ? 'Mut' : 'Imm' }
        : { type_: toTypeTag(s), ref_type: null };
    };
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
  }

  closeFrame(frame: TracedFrame, returns: readonly Value[], gasLeft: number): void {
    this.flush();
    this.emit({ CloseFrame: { frame_id: frame.traceId, return_: returns.map((r) => this.snapshot(r)), gas_left: BigInt(gasLeft) } });
    this.flush();
  }

  instruction(_frame: TracedFrame, pc: number, opcode: number, gasLeft: number, typeArgs: readonly RuntimeType[]): void {
    // The recording does not keep an instruction's printed type arguments: no event object needed.
    void typeArgs;
    this.builder.instructionEvent(pc, gasLeft, TRACE_NAMES[opcode] ?? `OP_${opcode}`);
    this.count++;
    this.flush();
  }

  private stored(v: Value): StoredValue {
    return this.bare(v) ? v : this.snapshot(v);
  }

  pop(value: Value): void {
    this.pending.push({ pop: this.stored(value) });
  }

  push(value: Value): void {
    this.pending.push({ push: this.stored(value) });
  }

  readLocal(frame: TracedFrame, local: number, _value: Value, moved: boolean): void {
    // Only a move changes state: a copy or borrow leaves the local as it is.
    if (moved) this.pending.push({ move: frame.traceId, local });
  }

  writeLocal(frame: TracedFrame, local: number, value: Value): void {
    this.pending.push({ write: frame.traceId, local, value: this.stored(value) });
  }

  readRef(): void {
    // A read through a reference changes nothing the recording keeps.
  }

  writeRef(ref: Reference): void {
    this.pending.push({ Effect: { Write: { location: this.location(ref), root_value_after_write: { RuntimeValue: { value: plain(ref.root().get()) } } } } });
  }

  dataLoad(ref: Reference): number {
    const id = this.count + this.pending.length;
    this.pending.push({ Effect: { DataLoad: { ref_type: ref.mutable ? 'Mut' : 'Imm', location: { Global: id }, snapshot: plain(ref.get()) } } });
    return id;
  }

  error(status: string): void {
    this.flush();
    this.emit({ Effect: { ExecutionError: status } });
  }
}
