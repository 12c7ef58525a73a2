// Reads Sui Move execution traces (`sui move test --trace-execution`, replay tools): JSON Lines or
// concatenated pretty-printed JSON, plain or zstd-compressed (`.json.zst`), versions 2 and 3. Produces
// typed events with integer widths normalised (see format.ts). Malformed input is a UserError naming
// the file and the event.
import { readFileSync } from 'node:fs';
import { decompress } from 'fzstd';
import { UserError } from '../../core/errors.ts';
import type { Trace, TraceEffect, TraceEvent, TraceFrame, TraceLocation, TraceMoveValue, TraceValue, TypeTag } from './format.ts';
import { parseLossless, splitJsonValues } from './json.ts';

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** Reads and parses a trace file; the format is recognised from the content, not the extension. */
export function readTraceFile(path: string): Trace {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read trace ${path}: ${(e as Error).message}`);
  }
  if (ZSTD_MAGIC.every((b, i) => bytes[i] === b)) {
    try {
      bytes = decompress(bytes);
    } catch (e) {
      throw new UserError(`trace ${path} is not valid zstd: ${(e as Error).message}`);
    }
  }
  return parseTrace(new TextDecoder().decode(bytes), path);
}

/** Parses the text of a trace. `name` is used in error messages. */
export function parseTrace(text: string, name = 'trace'): Trace {
  let chunks: string[];
  try {
    chunks = splitJsonValues(text);
  } catch (e) {
    throw new UserError(`${name}: not a JSON trace (${(e as Error).message})`);
  }
  if (chunks.length === 0) throw new UserError(`${name}: empty trace`);
  const header = safeParse(chunks[0]!, name, 'header') as { version?: unknown };
  const version = Number(header?.version);
  if (!Number.isInteger(version) || version < 1) throw new UserError(`${name}: the first line is not a trace header {"version": N}`);
  // Version 1 wrote values without their types (plain JSON numbers and arrays): they cannot be shown truthfully.
  if (version < 2 || version > 3) throw new UserError(`${name}: trace version ${version} is not supported (versions 2 and 3 are)`);
  const events: TraceEvent[] = new Array(chunks.length - 1);
  for (let i = 1; i < chunks.length; i++) {
    const raw = safeParse(chunks[i]!, name, `event ${i - 1}`);
    try {
      events[i - 1] = toEvent(raw);
    } catch (e) {
      throw new UserError(`${name}: event ${i - 1} is malformed: ${(e as Error).message}`);
    }
  }
  return { version, events };
}

function safeParse(text: string, name: string, what: string): unknown {
  try {
    return parseLossless(text);
  } catch (e) {
    throw new UserError(`${name}: ${what} is not valid JSON: ${(e as Error).message}`);
  }
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not an object`);
  return v as Json;
}

function int(v: unknown, what: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error(`${what} is not an integer`);
  return n;
}

function big(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new Error(`${what} is not an integer`);
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what} is not a string`);
  return v;
}

function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} is not an array`);
  return v;
}

function toEvent(raw: unknown): TraceEvent {
  const o = obj(raw, 'event');
  if ('OpenFrame' in o) {
    const e = obj(o.OpenFrame, 'OpenFrame');
    return { OpenFrame: { frame: toFrame(obj(e.frame, 'frame')), gas_left: big(e.gas_left, 'gas_left') } };
  }
  if ('CloseFrame' in o) {
    const e = obj(o.CloseFrame, 'CloseFrame');
    return {
      CloseFrame: {
        frame_id: int(e.frame_id, 'frame_id'),
        return_: arr(e.return_, 'return_').map(toTraceValue),
        gas_left: big(e.gas_left, 'gas_left'),
      },
    };
  }
  if ('Instruction' in o) {
    const e = obj(o.Instruction, 'Instruction');
    return {
      Instruction: {
        type_parameters: arr(e.type_parameters ?? [], 'type_parameters').map(toTypeTag),
        pc: int(e.pc, 'pc'),
        gas_left: big(e.gas_left, 'gas_left'),
        instruction: str(e.instruction, 'instruction'),
      },
    };
  }
  if ('Effect' in o) return { Effect: toEffect(obj(o.Effect, 'Effect')) };
  if ('External' in o) return { External: o.External };
  throw new Error(`unknown event kind ${Object.keys(o).join(', ')}`);
}

function toFrame(f: Json): TraceFrame {
  const module = obj(f.module, 'module');
  return {
    frame_id: int(f.frame_id, 'frame_id'),
    function_name: str(f.function_name, 'function_name'),
    module: { address: str(module.address, 'module address'), name: str(module.name, 'module name') },
    ...(f.version_id !== undefined ? { version_id: str(f.version_id, 'version_id') } : {}),
    binary_member_index: int(f.binary_member_index, 'binary_member_index'),
    type_instantiation: arr(f.type_instantiation, 'type_instantiation').map(toTypeTag),
    parameters: arr(f.parameters, 'parameters').map(toTraceValue),
    return_types: arr(f.return_types, 'return_types').map(toTypeWithRefs),
    locals_types: arr(f.locals_types, 'locals_types').map(toTypeWithRefs),
    is_native: Boolean(f.is_native),
  };
}

function toTypeWithRefs(v: unknown): { type_: TypeTag; ref_type: 'Imm' | 'Mut' | null } {
  const o = obj(v, 'type');
  const r = o.ref_type;
  if (r !== null && r !== undefined && r !== 'Imm' && r !== 'Mut') throw new Error(`bad ref_type ${String(r)}`);
  return { type_: toTypeTag(o.type_), ref_type: (r ?? null) as 'Imm' | 'Mut' | null };
}

const PRIMITIVE_TAGS = new Set(['bool', 'u8', 'u16', 'u32', 'u64', 'u128', 'u256', 'address', 'signer']);

function toTypeTag(v: unknown): TypeTag {
  if (typeof v === 'string') {
    if (!PRIMITIVE_TAGS.has(v)) throw new Error(`unknown type ${v}`);
    return v as TypeTag;
  }
  const o = obj(v, 'type tag');
  if ('vector' in o) return { vector: toTypeTag(o.vector) };
  if ('struct' in o) return { struct: toStructTag(o.struct) };
  throw new Error('unknown type tag');
}

function toStructTag(v: unknown): { address: string; module: string; name: string; type_args: TypeTag[] } {
  const s = obj(v, 'struct tag');
  return {
    address: str(s.address, 'address'),
    module: str(s.module, 'module'),
    name: str(s.name, 'name'),
    type_args: arr(s.type_args ?? [], 'type_args').map(toTypeTag),
  };
}

function toLocation(v: unknown): TraceLocation {
  const o = obj(v, 'location');
  if ('Local' in o) {
    const [f, l] = arr(o.Local, 'Local');
    return { Local: [int(f, 'frame id'), int(l, 'local index')] };
  }
  if ('Indexed' in o) {
    const [loc, i] = arr(o.Indexed, 'Indexed');
    return { Indexed: [toLocation(loc), int(i, 'offset')] };
  }
  if ('Global' in o) return { Global: int(o.Global, 'Global') };
  throw new Error('unknown location');
}

function toTraceValue(v: unknown): TraceValue {
  const o = obj(v, 'value');
  if ('RuntimeValue' in o) return { RuntimeValue: { value: toMoveValue(obj(o.RuntimeValue, 'RuntimeValue').value) } };
  if ('ImmRef' in o) {
    const r = obj(o.ImmRef, 'ImmRef');
    return { ImmRef: { location: toLocation(r.location), snapshot: toMoveValue(r.snapshot) } };
  }
  if ('MutRef' in o) {
    const r = obj(o.MutRef, 'MutRef');
    return { MutRef: { location: toLocation(r.location), snapshot: toMoveValue(r.snapshot) } };
  }
  throw new Error('unknown trace value');
}

/** u256 is written as 32 little-endian bytes; accept a plain integer too. */
function u256(v: unknown): bigint {
  if (Array.isArray(v)) {
    let n = 0n;
    for (let i = v.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(int(v[i], 'u256 byte') & 0xff);
    return n;
  }
  return big(v, 'u256');
}

function fields(v: unknown): [string, TraceMoveValue][] {
  return arr(v, 'fields').map((f) => {
    const [name, value] = arr(f, 'field');
    return [str(name, 'field name'), toMoveValue(value)];
  });
}

function toMoveValue(v: unknown): TraceMoveValue {
  const o = obj(v, 'Move value');
  switch (o.type) {
    case 'Bool':
      return { type: 'Bool', value: Boolean(o.value) };
    case 'U8':
    case 'U16':
    case 'U32':
      return { type: o.type, value: int(o.value, o.type) };
    case 'U64':
    case 'U128':
      return { type: o.type, value: big(o.value, o.type) };
    case 'U256':
      return { type: 'U256', value: u256(o.value) };
    case 'Address':
    case 'Signer':
      return { type: 'Address', value: str(o.value, 'address') };
    case 'Vector':
      return { type: 'Vector', value: arr(o.value, 'vector').map(toMoveValue) };
    case 'Struct': {
      const s = obj(o.value, 'struct');
      return { type: 'Struct', value: { type_: toStructTag(s.type_), fields: fields(s.fields) } };
    }
    case 'Variant': {
      const s = obj(o.value, 'variant');
      return {
        type: 'Variant',
        value: { type_: toStructTag(s.type_), variant_name: str(s.variant_name, 'variant_name'), tag: int(s.tag, 'tag'), fields: fields(s.fields) },
      };
    }
    default:
      throw new Error(`unknown value type ${String(o.type)}`);
  }
}

function toEffect(o: Json): TraceEffect {
  if ('Pop' in o) return { Pop: toTraceValue(o.Pop) };
  if ('Push' in o) return { Push: toTraceValue(o.Push) };
  if ('Read' in o) {
    const r = obj(o.Read, 'Read');
    return { Read: { location: toLocation(r.location), root_value_read: toTraceValue(r.root_value_read), moved: Boolean(r.moved) } };
  }
  if ('Write' in o) {
    const w = obj(o.Write, 'Write');
    return { Write: { location: toLocation(w.location), root_value_after_write: toTraceValue(w.root_value_after_write) } };
  }
  if ('DataLoad' in o) {
    const d = obj(o.DataLoad, 'DataLoad');
    const ref = d.ref_type === 'Mut' ? 'Mut' : 'Imm';
    return { DataLoad: { ref_type: ref, location: toLocation(d.location), snapshot: toMoveValue(d.snapshot) } };
  }
  if ('ExecutionError' in o) return { ExecutionError: str(o.ExecutionError, 'ExecutionError') };
  throw new Error(`unknown effect ${Object.keys(o).join(', ')}`);
}
