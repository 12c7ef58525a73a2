// Our interpreter's Tracer feeding a RecordingBuilder: the same events a Sui trace file holds, built as
// typed events directly (no JSON in between). Values are snapshotted when reported (they change later),
// and effects are held back until their instruction is reported, as the trace format orders them.
import type { TraceEvent, TraceLocation, TraceMoveValue, TraceValue, TypeTagWithRefs } from '../trace/format.ts';
import { moveValue } from '../trace/writer.ts';
import { TRACE_NAMES } from '../vm/opcodes.ts';
import type { TracedFrame, Tracer } from '../vm/tracer.ts';
import { substitute, toTypeTag, type RuntimeType } from '../vm/types.ts';
import { Reference, type Value } from '../vm/values.ts';
import type { RecordingBuilder } from './recording.ts';

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

const NO_TYPES: readonly never[] = [];

function plain(v: Value): TraceMoveValue {
  return normalizeMove(moveValue(v));
}

/** A held-back effect: an event, or a bare pushed / popped u64 or bool (kept unboxed, see StoredValue). */
type Pending = TraceEvent | { readonly push: bigint | boolean } | { readonly pop: bigint | boolean };

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
    this.emit({ Instruction: { type_parameters: typeArgs.length ? typeArgs.map(toTypeTag) : NO_TYPES, pc, gas_left: BigInt(gasLeft), instruction: TRACE_NAMES[opcode] ?? `OP_${opcode}` } });
    this.flush();
  }

  pop(value: Value): void {
    this.pending.push(this.bare(value) ? { pop: value } : { Effect: { Pop: this.snapshot(value) } });
  }

  push(value: Value): void {
    this.pending.push(this.bare(value) ? { push: value } : { Effect: { Push: this.snapshot(value) } });
  }

  readLocal(frame: TracedFrame, local: number, value: Value, moved: boolean): void {
    this.pending.push({ Effect: { Read: { location: { Local: [frame.traceId, local] }, root_value_read: this.snapshot(value), moved } } });
  }

  writeLocal(frame: TracedFrame, local: number, value: Value): void {
    this.pending.push({ Effect: { Write: { location: { Local: [frame.traceId, local] }, root_value_after_write: this.snapshot(value) } } });
  }

  readRef(ref: Reference): void {
    this.pending.push({ Effect: { Read: { location: this.location(ref), root_value_read: { RuntimeValue: { value: plain(ref.root().get()) } }, moved: false } } });
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
