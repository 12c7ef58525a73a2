// Move values as the user sees them: type names with short framework addresses, one-line previews
// (`Counter { value: 3 }`, `"hello"`, `some(5)`), and children (struct fields by name, vector elements
// paged). Values are the trace format's (TraceMoveValue): a trace file and our interpreter's recording
// tracer both produce them, so one renderer serves both.
import type { Children, ValueFormat, Variable } from '../../core/execution.ts';
import { shortAddress } from '../binary/names.ts';
import type { StructTag, TraceLocation, TraceMoveValue, TraceValue, TypeTag, TypeTagWithRefs } from '../trace/format.ts';

/** `0x2::coin::Coin<0x2::sui::SUI>`, `vector<u8>`. */
export function typeTagText(tag: TypeTag): string {
  if (typeof tag === 'string') return tag;
  if ('vector' in tag) return `vector<${typeTagText(tag.vector)}>`;
  return structTagText(tag.struct);
}

export function structTagText(s: StructTag): string {
  const args = s.type_args.length ? `<${s.type_args.map(typeTagText).join(', ')}>` : '';
  return `${shortAddress(s.address)}::${s.module}::${s.name}${args}`;
}

export function refTypeText(t: TypeTagWithRefs): string {
  const base = typeTagText(t.type_);
  return t.ref_type === 'Mut' ? `&mut ${base}` : t.ref_type === 'Imm' ? `&${base}` : base;
}

/** The type of a value, as far as the value itself tells (an empty vector's element type is unknown). */
export function valueTypeText(v: TraceMoveValue): string {
  switch (v.type) {
    case 'Bool':
      return 'bool';
    case 'Address':
      return 'address';
    case 'Struct':
    case 'Variant':
      return structTagText(v.value.type_);
    case 'Vector':
      return v.value.length ? `vector<${valueTypeText(v.value[0]!)}>` : 'vector';
    default:
      return v.type.toLowerCase();
  }
}

export function addressText(hex: string): string {
  return shortAddress(hex);
}

function intText(n: bigint | number, format: ValueFormat): string {
  return format.hex ? `0x${n.toString(16)}` : n.toString();
}

function isStructNamed(v: TraceMoveValue, module: string, name: string, address?: string): boolean {
  if (v.type !== 'Struct') return false;
  const t = v.value.type_;
  return t.module === module && t.name === name && (address === undefined || t.address.replace(/^0+/, '') === address);
}

function bytesOf(v: TraceMoveValue): number[] | undefined {
  if (v.type !== 'Vector') return undefined;
  const out: number[] = [];
  for (const x of v.value) {
    if (x.type !== 'U8') return undefined;
    out.push(x.value);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `0x1::string::String` / `0x1::ascii::String` hold UTF-8 bytes: shown as a quoted string. */
function stringText(v: TraceMoveValue): string | undefined {
  if (!(isStructNamed(v, 'string', 'String', '1') || isStructNamed(v, 'ascii', 'String', '1'))) return undefined;
  const field = (v as Extract<TraceMoveValue, { type: 'Struct' }>).value.fields[0];
  const bytes = field && bytesOf(field[1]);
  if (!bytes) return undefined;
  try {
    return JSON.stringify(utf8.decode(Uint8Array.from(bytes)));
  } catch {
    return undefined;
  }
}

/** `0x1::option::Option<T>` is a vector of at most one element: shown as none / some(x). */
function optionText(v: TraceMoveValue, format: ValueFormat, budget: number): string | undefined {
  if (!isStructNamed(v, 'option', 'Option', '1')) return undefined;
  const field = (v as Extract<TraceMoveValue, { type: 'Struct' }>).value.fields[0];
  if (!field || field[1].type !== 'Vector' || field[1].value.length > 1) return undefined;
  const inner = field[1].value[0];
  return inner === undefined ? 'none' : `some(${preview(inner, format, budget)})`;
}

const MAX_PREVIEW = 120;

/** A one-line rendering, shortened past ~120 characters. */
export function preview(v: TraceMoveValue, format: ValueFormat, budget = MAX_PREVIEW): string {
  switch (v.type) {
    case 'Bool':
      return v.value ? 'true' : 'false';
    case 'U8':
    case 'U16':
    case 'U32':
    case 'U64':
    case 'U128':
    case 'U256':
      return intText(v.value, format);
    case 'Address':
      return addressText(v.value);
    case 'Vector': {
      const bytes = bytesOf(v);
      if (bytes && bytes.length > 0) {
        const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
        return `0x${hex.length > budget ? `${hex.slice(0, budget)}…` : hex}`;
      }
      return `[${items(v.value.map((x) => (b: number) => preview(x, format, b)), budget)}]`;
    }
    case 'Struct': {
      const s = stringText(v) ?? optionText(v, format, budget);
      if (s !== undefined) return s;
      return `${v.value.type_.name} { ${items(v.value.fields.map(([n, x]) => (b: number) => `${n}: ${preview(x, format, b)}`), budget)} }`;
    }
    case 'Variant': {
      const fields = v.value.fields;
      const body = fields.length ? ` { ${items(fields.map(([n, x]) => (b: number) => `${n}: ${preview(x, format, b)}`), budget)} }` : '';
      return `${v.value.type_.name}::${v.value.variant_name}${body}`;
    }
  }
}

/** Joins rendered parts until the budget runs out, then "…". */
function items(parts: readonly ((budget: number) => string)[], budget: number): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const left = budget - out.length;
    if (left <= 0) return `${out}, …`;
    const text = parts[i]!(Math.max(8, left >> 1));
    out += (i ? ', ' : '') + text;
  }
  return out.length > budget ? `${out.slice(0, budget)}…` : out;
}

/** Where a reference points, resolved against the state at a step. */
export interface ReferenceTarget {
  /** The current value at the location (undefined when it cannot be resolved). */
  readonly value?: TraceMoveValue;
  /** A readable path: `counter.value`, `v[2]`, `object #129`. */
  readonly path: string;
  /** An expression for the target in the frame being inspected, when it is one of its locals. */
  readonly evaluateName?: string;
}

export type ResolveReference = (location: TraceLocation) => ReferenceTarget;

/** Builds Variables for values; references are resolved through the state at the inspected step. */
export class ValueRenderer {
  constructor(private readonly resolve: ResolveReference) {}

  /** A variable for a stack / local value; `type` from the frame's declared types when known. */
  variable(name: string, value: TraceValue | undefined, format: ValueFormat, type?: TypeTagWithRefs, evaluateName?: string): Variable {
    const declared = type ? refTypeText(type) : undefined;
    if (value === undefined) {
      return { name, value: '(no value)', ...(declared ? { type: declared } : {}), hint: 'unavailable' };
    }
    if ('RuntimeValue' in value) return this.moveValue(name, value.RuntimeValue.value, format, declared, evaluateName);
    const mutable = 'MutRef' in value;
    const ref = mutable ? value.MutRef : value.ImmRef;
    const target = this.resolve(ref.location);
    const pointee = target.value ?? undefined;
    const amp = mutable ? '&mut ' : '&';
    const targetType = declared ?? `${amp}${pointee ? valueTypeText(pointee) : '?'}`;
    const text = pointee ? `${amp}${preview(pointee, format)}` : `${amp}(${target.path}: no longer available)`;
    const pointer: Variable = {
      name: '(points to)',
      value: target.path,
      hint: 'virtual',
      ...(target.evaluateName ? { evaluateName: target.evaluateName } : {}),
    };
    const inner = pointee ? this.children(pointee, format, evaluateName) : undefined;
    const children: Children = {
      named: 1 + (inner?.named ?? 0),
      indexed: inner?.indexed ?? 0,
      get: (kind, start, count, fmt) => {
        const named = [pointer, ...(inner ? inner.get('named', 0, inner.named, fmt) : [])];
        if (kind === 'named') return named.slice(start, start + count);
        if (kind === 'indexed') return inner ? inner.get('indexed', start, count, fmt) : [];
        const all = [...named, ...(inner ? inner.get('indexed', 0, inner.indexed, fmt) : [])];
        return all.slice(start, start + count);
      },
    };
    return { name, value: text, type: targetType, ...(evaluateName ? { evaluateName } : {}), children };
  }

  moveValue(name: string, v: TraceMoveValue, format: ValueFormat, type?: string, evaluateName?: string): Variable {
    const children = this.children(v, format, evaluateName);
    return {
      name,
      value: preview(v, format),
      type: type ?? valueTypeText(v),
      ...(evaluateName ? { evaluateName } : {}),
      ...(children ? { children } : {}),
    };
  }

  /** Struct / variant fields by name, vector elements by index (paged). */
  children(v: TraceMoveValue, format: ValueFormat, evaluateName?: string): Children | undefined {
    if (v.type === 'Struct' || v.type === 'Variant') {
      const fields = v.value.fields;
      if (fields.length === 0) return undefined;
      return {
        named: fields.length,
        indexed: 0,
        get: (kind, start, count, fmt) => {
          if (kind === 'indexed') return [];
          return fields.slice(start, start + count).map(([n, x]) =>
            this.moveValue(n, x, fmt ?? format, undefined, evaluateName ? `${evaluateName}.${n}` : undefined));
        },
      };
    }
    if (v.type === 'Vector') {
      const elems = v.value;
      if (elems.length === 0) return undefined;
      return {
        named: 0,
        indexed: elems.length,
        get: (kind, start, count, fmt) => {
          if (kind === 'named') return [];
          const out: Variable[] = [];
          for (let i = start; i < Math.min(elems.length, start + count); i++) {
            out.push(this.moveValue(`[${i}]`, elems[i]!, fmt ?? format, undefined, evaluateName ? `${evaluateName}[${i}]` : undefined));
          }
          return out;
        },
      };
    }
    return undefined;
  }
}

/** Plain-text rendering of a trace value, for outcomes and messages (references show their snapshot). */
export function traceValueText(v: TraceValue, format: ValueFormat = { hex: false }): string {
  if ('RuntimeValue' in v) return preview(v.RuntimeValue.value, format);
  if ('MutRef' in v) return `&mut ${preview(v.MutRef.snapshot, format)}`;
  return `&${preview(v.ImmRef.snapshot, format)}`;
}
