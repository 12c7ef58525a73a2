// A Tracer that writes the Sui trace format (version 3, JSON Lines) exactly as the Move VM does:
// one event per line, effects after their Instruction event (the interpreter reports them first, so
// they are buffered, already snapshotted, until the instruction is reported), u64/u128 as bare
// numbers, u256 as 32 little-endian bytes, addresses as 64 hex digits, references as their location
// plus a snapshot of the root value they point into.
import type { TracedFrame, Tracer } from '../vm/tracer.ts';
import { TRACE_NAMES } from '../vm/opcodes.ts';
import { substitute, toTypeTag, type LoadedDatatype, type RuntimeType } from '../vm/types.ts';
import { Reference, Signer, StructValue, UInt, VariantValue, VectorValue, type Value } from '../vm/values.ts';
import type { StructTag, TraceLocation, TraceMoveValue, TraceValue, TypeTagWithRefs } from './format.ts';
import { stringifyCompact } from './json.ts';

export const TRACE_FORMAT_VERSION = 3;

export class TraceWriter implements Tracer {
  /** Output lines, the header first. */
  readonly lines: string[] = [stringifyCompact({ version: TRACE_FORMAT_VERSION })];
  /** Index the next event will get. */
  private count = 0;
  /** Effect lines waiting for their Instruction event (already serialised: snapshots of that moment). */
  private pending: string[] = [];

  /** The whole trace as JSON Lines text. */
  text(): string {
    return this.lines.join('\n') + '\n';
  }

  private emit(line: string): void {
    this.lines.push(line);
    this.count++;
  }

  private flush(): void {
    for (const e of this.pending) this.emit(e);
    this.pending = [];
  }

  openFrame(frame: TracedFrame, args: readonly Value[], gasLeft: number): void {
    this.flush();
    const fn = frame.fn;
    const withRefs = (t: RuntimeType) => typeWithRefs(t, frame.typeArgs);
    (frame as { traceId: number }).traceId = this.count;
    const head = stringifyCompact({
      frame_id: this.count,
      function_name: fn.name,
      module: { address: fn.module.address, name: fn.module.name },
      version_id: fn.module.address,
      // Stand-ins for functions a module lacks have no definition index; u16::MAX keeps the trace readable.
      binary_member_index: fn.defIndex >= 0 ? fn.defIndex : 0xffff,
      type_instantiation: frame.typeArgs.map(toTypeTag),
    });
    const tail = stringifyCompact({ return_types: fn.returns.map(withRefs), locals_types: fn.localTypes.map(withRefs), is_native: fn.isNative });
    this.emit(`{"OpenFrame":{"frame":${head.slice(0, -1)},"parameters":[${args.map(traceValueJson).join(',')}],${tail.slice(1)},"gas_left":${gasLeft}}}`);
  }

  closeFrame(frame: TracedFrame, returns: readonly Value[], gasLeft: number): void {
    this.flush();
    this.emit(`{"CloseFrame":{"frame_id":${frame.traceId},"return_":[${returns.map(traceValueJson).join(',')}],"gas_left":${gasLeft}}}`);
  }

  instruction(_frame: TracedFrame, pc: number, opcode: number, gasLeft: number, typeArgs: readonly RuntimeType[]): void {
    const types = typeArgs.length ? typeArgs.map((t) => stringifyCompact(toTypeTag(t))).join(',') : '';
    this.emit(`{"Instruction":{"type_parameters":[${types}],"pc":${pc},"gas_left":${gasLeft},"instruction":"${TRACE_NAMES[opcode] ?? `OP_${opcode}`}"}}`);
    this.flush();
  }

  pop(value: Value): void {
    this.pending.push(`{"Effect":{"Pop":${traceValueJson(value)}}}`);
  }

  push(value: Value): void {
    this.pending.push(`{"Effect":{"Push":${traceValueJson(value)}}}`);
  }

  readLocal(frame: TracedFrame, local: number, value: Value, moved: boolean): void {
    this.pending.push(`{"Effect":{"Read":{"location":{"Local":[${frame.traceId},${local}]},"root_value_read":${traceValueJson(value)},"moved":${moved}}}}`);
  }

  writeLocal(frame: TracedFrame, local: number, value: Value): void {
    this.pending.push(`{"Effect":{"Write":{"location":{"Local":[${frame.traceId},${local}]},"root_value_after_write":${traceValueJson(value)}}}}`);
  }

  readRef(ref: Reference): void {
    // The VM reports a read through a reference rooted in global data as a reference to that root.
    const root = ref.root();
    const value = root.globalId >= 0 ? traceValueJson(root) : `{"RuntimeValue":{"value":${valueJson(root.get())}}}`;
    this.pending.push(`{"Effect":{"Read":{"location":${locationJson(ref)},"root_value_read":${value},"moved":false}}}`);
  }

  writeRef(ref: Reference): void {
    this.pending.push(`{"Effect":{"Write":{"location":${locationJson(ref)},"root_value_after_write":{"RuntimeValue":{"value":${valueJson(ref.root().get())}}}}}}`);
  }

  dataLoad(ref: Reference, inInstruction: boolean): number {
    // The id is the index the DataLoad effect will have: after the pending effects, and after the
    // Instruction event when an instruction (not a native) loads it.
    const id = this.count + this.pending.length + (inInstruction ? 1 : 0);
    this.pending.push(`{"Effect":{"DataLoad":{"ref_type":"${ref.mutable ? 'Mut' : 'Imm'}","location":{"Global":${id}},"snapshot":${valueJson(ref.get())}}}}`);
    return id;
  }

  error(status: string): void {
    this.flush();
    this.emit(`{"Effect":{"ExecutionError":${JSON.stringify(status)}}}`);
  }
}

/** A parameter, local or return type of a frame as traces write it: the type instantiated, and whether it is a reference. */
export function typeWithRefs(t: RuntimeType, typeArgs: readonly RuntimeType[]): TypeTagWithRefs {
  const s = substitute(t, typeArgs);
  return s.kind === 'reference' ? { type_: toTypeTag(s.to), ref_type: s.mutable ? 'Mut' : 'Imm' } : { type_: toTypeTag(s), ref_type: null };
}

// Direct JSON text for values: the writer's hot path. Struct tags and field names are rendered once per
// type and kept (types are shared objects), so snapshots of big values cost little more than their size.
const structTagText = new WeakMap<object, string>();
const fieldNamesText = new WeakMap<object, string[]>();

function tagText(type: { def: LoadedDatatype; typeArgs: readonly RuntimeType[] }): string {
  let t = structTagText.get(type);
  if (t === undefined) {
    t = stringifyCompact(structTag(type));
    structTagText.set(type, t);
  }
  return t;
}

function namesText(key: object, names: readonly { name: string }[], count: number): string[] {
  let n = fieldNamesText.get(key);
  if (n === undefined || n.length < count) {
    n = Array.from({ length: count }, (_, i) => JSON.stringify(names[i]?.name ?? `field${i}`));
    fieldNamesText.set(key, n);
  }
  return n;
}

function fieldsText(names: string[], fields: readonly Value[]): string {
  let out = '';
  for (let i = 0; i < fields.length; i++) out += `${i ? ',' : ''}[${names[i]},${valueJson(fields[i])}]`;
  return out;
}

/** A value as the JSON text of the trace's SerializableMoveValue. */
export function valueJson(v: Value): string {
  switch (typeof v) {
    case 'bigint':
      return `{"type":"U64","value":${v}}`;
    case 'boolean':
      return v ? '{"type":"Bool","value":true}' : '{"type":"Bool","value":false}';
    case 'string':
      return `{"type":"Address","value":"${v}"}`;
  }
  if (v instanceof UInt) {
    switch (v.width) {
      case 8:
        return `{"type":"U8","value":${v.v}}`;
      case 16:
        return `{"type":"U16","value":${v.v}}`;
      case 32:
        return `{"type":"U32","value":${v.v}}`;
      case 128:
        return `{"type":"U128","value":${v.v}}`;
      default:
        return stringifyCompact(moveValue(v));
    }
  }
  if (v instanceof StructValue) {
    return `{"type":"Struct","value":{"type_":${tagText(v.type)},"fields":[${fieldsText(namesText(v.type.def, v.type.def.fields, v.fields.length), v.fields)}]}}`;
  }
  if (v instanceof VectorValue) {
    let out = '{"type":"Vector","value":[';
    for (let i = 0; i < v.items.length; i++) out += (i ? ',' : '') + valueJson(v.items[i]);
    return out + ']}';
  }
  if (v instanceof VariantValue) {
    const variant = v.type.def.variants[v.tag];
    const names = namesText(variant ?? v, variant?.fields ?? [], v.fields.length);
    return `{"type":"Variant","value":{"type_":${tagText(v.type)},"variant_name":${JSON.stringify(variant?.name ?? `variant${v.tag}`)},"tag":${v.tag},"fields":[${fieldsText(names, v.fields)}]}}`;
  }
  return stringifyCompact(moveValue(v));
}

function locationJson(ref: Reference): string {
  if (ref.parent) return `{"Indexed":[${locationJson(ref.parent)},${ref.index}]}`;
  if (ref.globalId >= 0) return `{"Global":${ref.globalId}}`;
  return `{"Local":[${ref.frame?.traceId ?? -1},${ref.index}]}`;
}

/** A stack or local value as the JSON text of the trace's TraceValue. */
export function traceValueJson(v: Value): string {
  if (v instanceof Reference) {
    return `{"${v.mutable ? 'MutRef' : 'ImmRef'}":{"location":${locationJson(v)},"snapshot":${valueJson(v.root().get())}}}`;
  }
  return `{"RuntimeValue":{"value":${valueJson(v)}}}`;
}

/** The trace location of a reference: Local / Global at the root, Indexed for every field or element step. */
export function location(ref: Reference): TraceLocation {
  if (ref.parent) return { Indexed: [location(ref.parent), ref.index] };
  if (ref.globalId >= 0) return { Global: ref.globalId };
  return { Local: [ref.frame?.traceId ?? -1, ref.index] };
}

export function traceValue(v: Value): TraceValue {
  if (v instanceof Reference) {
    const body = { location: location(v), snapshot: moveValue(v.root().get()) };
    return v.mutable ? { MutRef: body } : { ImmRef: body };
  }
  return { RuntimeValue: { value: moveValue(v) } };
}

function structTag(t: { def: { address: string; module: string; name: string }; typeArgs: readonly RuntimeType[] }): StructTag {
  return { address: t.def.address, module: t.def.module, name: t.def.name, type_args: t.typeArgs.map(toTypeTag) };
}

/** A value as the trace's SerializableMoveValue. u256 becomes its 32 little-endian bytes. */
export function moveValue(v: Value): TraceMoveValue {
  switch (typeof v) {
    case 'bigint':
      return { type: 'U64', value: v };
    case 'boolean':
      return { type: 'Bool', value: v };
    case 'string':
      return { type: 'Address', value: v };
  }
  if (v instanceof UInt) {
    switch (v.width) {
      case 8:
        return { type: 'U8', value: Number(v.v) };
      case 16:
        return { type: 'U16', value: Number(v.v) };
      case 32:
        return { type: 'U32', value: Number(v.v) };
      case 128:
        return { type: 'U128', value: v.v };
      default: {
        const bytes: number[] = [];
        let x = v.v;
        for (let i = 0; i < 32; i++, x >>= 8n) bytes.push(Number(x & 0xffn));
        return { type: 'U256', value: bytes as unknown as bigint };
      }
    }
  }
  if (v instanceof StructValue) {
    const names = v.type.def.fields;
    return { type: 'Struct', value: { type_: structTag(v.type), fields: v.fields.map((f, i) => [names[i]?.name ?? `field${i}`, moveValue(f)] as const) } };
  }
  if (v instanceof VariantValue) {
    const variant = v.type.def.variants[v.tag];
    return {
      type: 'Variant',
      value: {
        type_: structTag(v.type),
        variant_name: variant?.name ?? `variant${v.tag}`,
        tag: v.tag,
        fields: v.fields.map((f, i) => [variant?.fields[i]?.name ?? `field${i}`, moveValue(f)] as const),
      },
    };
  }
  if (v instanceof VectorValue) return { type: 'Vector', value: v.items.map(moveValue) };
  if (v instanceof Signer) return { type: 'Address', value: v.address };
  if (v instanceof Reference) return moveValue(v.get());
  // A moved-out local has no value; the real VM never reports one, keep the trace well-formed anyway.
  return { type: 'Vector', value: [] };
}
