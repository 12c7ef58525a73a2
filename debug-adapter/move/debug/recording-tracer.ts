// Our interpreter's Tracer feeding a RecordingBuilder: the same events a Sui trace file holds, built as
// typed events directly (no JSON in between). Values are snapshotted when reported (they change later),
// and effects are held back until their instruction is reported, as the trace format orders them.
import type { TraceEvent, TraceMoveValue, TraceValue, TypeTagWithRefs } from '../trace/format.ts';
import { location, moveValue, traceValue } from '../trace/writer.ts';
import { TRACE_NAMES } from '../vm/opcodes.ts';
import type { TracedFrame, Tracer } from '../vm/tracer.ts';
import { substitute, toTypeTag, type RuntimeType } from '../vm/types.ts';
import type { Reference, Value } from '../vm/values.ts';
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

/** Shared snapshots of the commonest values (small u64s, booleans): immutable, so one object serves all. */
const SMALL_U64: TraceValue[] = Array.from({ length: 1024 }, (_, i) => ({ RuntimeValue: { value: { type: 'U64', value: BigInt(i) } } }));
const TRUE: TraceValue = { RuntimeValue: { value: { type: 'Bool', value: true } } };
const FALSE: TraceValue = { RuntimeValue: { value: { type: 'Bool', value: false } } };
const NO_TYPES: readonly never[] = [];

function snapshot(v: Value): TraceValue {
  if (typeof v === 'bigint') return v >= 0n && v < 1024n ? SMALL_U64[Number(v)]! : { RuntimeValue: { value: { type: 'U64', value: v } } };
  if (typeof v === 'boolean') return v ? TRUE : FALSE;
  const t = traceValue(v);
  if ('RuntimeValue' in t) return { RuntimeValue: { value: normalizeMove(t.RuntimeValue.value) } };
  if ('MutRef' in t) return { MutRef: { location: t.MutRef.location, snapshot: normalizeMove(t.MutRef.snapshot) } };
  return { ImmRef: { location: t.ImmRef.location, snapshot: normalizeMove(t.ImmRef.snapshot) } };
}

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

  private flush(): void {
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
          parameters: args.map(snapshot),
          return_types: fn.returns.map(withRefs),
          locals_types: fn.localTypes.map(withRefs),
          is_native: fn.isNative,
        },
        gas_left: BigInt(gasLeft),
      },
    });
  }

  closeFrame(frame: TracedFrame, returns: readonly Value[], gasLeft: number): void {
    this.flush();
    this.emit({ CloseFrame: { frame_id: frame.traceId, return_: returns.map(snapshot), gas_left: BigInt(gasLeft) } });
  }

  instruction(_frame: TracedFrame, pc: number, opcode: number, gasLeft: number, typeArgs: readonly RuntimeType[]): void {
    this.emit({ Instruction: { type_parameters: typeArgs.length ? typeArgs.map(toTypeTag) : NO_TYPES, pc, gas_left: BigInt(gasLeft), instruction: TRACE_NAMES[opcode] ?? `OP_${opcode}` } });
    this.flush();
  }

  pop(value: Value): void {
    this.pending.push(this.bare(value) ? { pop: value } : { Effect: { Pop: snapshot(value) } });
  }

  push(value: Value): void {
    this.pending.push(this.bare(value) ? { push: value } : { Effect: { Push: snapshot(value) } });
  }

  readLocal(frame: TracedFrame, local: number, value: Value, moved: boolean): void {
    this.pending.push({ Effect: { Read: { location: { Local: [frame.traceId, local] }, root_value_read: snapshot(value), moved } } });
  }

  writeLocal(frame: TracedFrame, local: number, value: Value): void {
    this.pending.push({ Effect: { Write: { location: { Local: [frame.traceId, local] }, root_value_after_write: snapshot(value) } } });
  }

  readRef(ref: Reference): void {
    this.pending.push({ Effect: { Read: { location: location(ref), root_value_read: { RuntimeValue: { value: plain(ref.root().get()) } }, moved: false } } });
  }

  writeRef(ref: Reference): void {
    this.pending.push({ Effect: { Write: { location: location(ref), root_value_after_write: { RuntimeValue: { value: plain(ref.root().get()) } } } } });
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
