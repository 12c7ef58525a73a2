// Rendering decoded Solidity values as Variable trees: one line of text per value, children (struct
// members, array elements, mapping entries) produced lazily a page at a time.

import { getAddress } from 'viem';
import type { Children, ValueFormat, Variable } from '../../core/execution.ts';
import {
  isValueType,
  memoryReference,
  typeLabel,
  type DecodeContext,
  type KeccakPreimage,
  type Location,
  type SolType,
  type SolcStorageLayout,
  type StateVariable,
} from './model.ts';
import {
  Unreadable,
  arrayLength,
  elementLocation,
  memberLocation,
  preimagesEndingWith,
  readByteArray,
  readValueWord,
  resolve,
  wordAt,
  type Resolved,
} from './layout.ts';
import type { TypeRegistry } from './types.ts';

/** Bytes of a string/bytes value shown inline; longer values are cut with their full length stated. */
const INLINE_BYTES = 1024;
/** Elements or members shown in a one-line preview of an array or struct. */
const PREVIEW_ITEMS = 8;

/** One value-type word as text: `42`, `-1`, `true`, `0xAbC…` (checksummed), `0x00ff`, `Color.Red`. */
export function formatWord(type: SolType, word: bigint, format: ValueFormat): string {
  switch (type.kind) {
    case 'uint': {
      const value = BigInt.asUintN(type.bits, word);
      return format.hex ? `0x${value.toString(16)}` : value.toString();
    }
    case 'int': {
      const value = BigInt.asIntN(type.bits, word);
      if (!format.hex) return value.toString();
      return value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`;
    }
    case 'bool':
      return word !== 0n ? 'true' : 'false';
    case 'address':
    case 'contract':
      return getAddress(`0x${BigInt.asUintN(160, word).toString(16).padStart(40, '0')}`);
    case 'fixedBytes':
      return `0x${BigInt.asUintN(256, word).toString(16).padStart(64, '0').slice(0, type.size * 2)}`;
    case 'enum': {
      const value = BigInt.asUintN(8, word);
      const member = type.members[Number(value)];
      // Written as in source: `Color.Red` (the enum's own name, without its contract's).
      const short = type.name.slice(type.name.lastIndexOf('.') + 1);
      return member !== undefined ? `${short}.${member}` : `${short}(${value}) (out of range)`;
    }
    case 'userDefined':
      return formatWord(type.underlying, word, format);
    case 'function': {
      if (type.external) {
        const hex = BigInt.asUintN(256, word).toString(16).padStart(64, '0');
        return `${getAddress(`0x${hex.slice(0, 40)}`)}.0x${hex.slice(40, 48)}`;
      }
      return `internal function @ 0x${BigInt.asUintN(64, word).toString(16)}`;
    }
    default:
      return `0x${BigInt.asUintN(256, word).toString(16)}`;
  }
}

/** An address value's text followed by its label when the run named that address: `0xAbC… (alice)`. */
function withAddressLabel(type: SolType, word: bigint, text: string, ctx: DecodeContext): string {
  const base = type.kind === 'userDefined' ? type.underlying : type;
  if ((base.kind !== 'address' && base.kind !== 'contract') || !ctx.addressLabels?.size) return text;
  const label = ctx.addressLabels.get(`0x${BigInt.asUintN(160, word).toString(16).padStart(40, '0')}`);
  return label === undefined ? text : `${text} (${label})`;
}

/** Text of a string/bytes value: quoted UTF-8 with escapes, hex when not valid UTF-8 (or for `bytes`). */
function formatByteArray(type: SolType, bytes: Uint8Array, length: number): string {
  const cut = length > bytes.length ? ` … (${length} bytes)` : '';
  if (type.kind === 'string') {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut !== '' });
      return `${JSON.stringify(text)}${cut}`;
    } catch {
      return `${toHex(bytes)} (invalid UTF-8)${cut}`;
    }
  }
  return `${toHex(bytes)}${cut}`;
}

function toHex(bytes: Uint8Array): string {
  let hex = '0x';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function locationSuffix(type: SolType, location: Resolved): string {
  if (isValueType(type) || type.kind === 'mapping') return '';
  switch (location.kind) {
    case 'memory':
      return ' memory';
    case 'calldata':
      return ' calldata';
    case 'storage':
      return location.transient ? ' transient' : ' storage';
    default:
      return '';
  }
}

function unavailable(name: string, type: SolType, reason: string, evaluateName?: string): Variable {
  return { name, value: `unavailable (${reason})`, type: typeLabel(type), evaluateName, hint: 'unavailable' };
}

function reasonOf(error: unknown): string {
  if (error instanceof Unreadable) return error.message;
  throw error;
}

/**
 * Decode one value. `evaluateName` defaults to `name`; children get `name.member` / `name[i]` / `name[key]`.
 * Never throws for unreadable data: such values come back with hint 'unavailable' and the reason.
 */
export function decodeValue(
  name: string,
  type: SolType,
  location: Location,
  ctx: DecodeContext,
  format: ValueFormat,
  evaluateName: string | undefined = name,
): Variable {
  let resolved: Resolved;
  try {
    resolved = resolve(type, location, ctx);
  } catch (error) {
    return unavailable(name, type, reasonOf(error), evaluateName);
  }
  return decodeResolved(name, type, resolved, ctx, format, evaluateName);
}

/** Decode a value whose location has been resolved. Exported for the evaluator. */
export function decodeResolved(
  name: string,
  type: SolType,
  location: Resolved,
  ctx: DecodeContext,
  format: ValueFormat,
  evaluateName: string | undefined,
): Variable {
  const label = typeLabel(type) + locationSuffix(type, location);
  try {
    if (type.kind === 'unsupported') return unavailable(name, type, `cannot decode type ${type.label}`, evaluateName);
    if (isValueType(type)) {
      const word = readValueWord(type, location, ctx);
      return { name, value: withAddressLabel(type, word, formatWord(type, word, format), ctx), type: label, evaluateName };
    }
    switch (type.kind) {
      case 'string':
      case 'bytes': {
        const { bytes, length } = readByteArray(location, ctx, INLINE_BYTES);
        const reference = location.kind === 'memory' ? memoryReference(location.offset + 32) : undefined;
        return { name, value: formatByteArray(type, bytes, length), type: label, evaluateName, memoryReference: reference };
      }
      case 'array': {
        const length = arrayLength(type, location, ctx);
        const children = arrayChildren(type, location, length, ctx, evaluateName);
        return {
          name,
          value: preview(children, length, '[', ']', format),
          type: label,
          evaluateName,
          memoryReference: location.kind === 'memory' ? memoryReference(location.offset) : undefined,
          children,
        };
      }
      case 'struct': {
        const children = structChildren(type, location, ctx, evaluateName);
        return {
          name,
          value: preview(children, type.members.length, '{', '}', format, true),
          type: label,
          evaluateName,
          memoryReference: location.kind === 'memory' ? memoryReference(location.offset) : undefined,
          children,
        };
      }
      case 'mapping': {
        if (location.kind !== 'storage') return unavailable(name, type, 'mappings exist only in storage', evaluateName);
        const children = mappingChildren(type, location, ctx, evaluateName);
        const count = children.named;
        return {
          name,
          value: `mapping (${count} key${count === 1 ? '' : 's'} seen${count ? `: ${children.origins}` : ''})`,
          type: label,
          evaluateName,
          children,
        };
      }
    }
  } catch (error) {
    return unavailable(name, type, reasonOf(error), evaluateName);
  }
  return unavailable(name, type, 'cannot decode', evaluateName);
}

/** `[1, 2, 3]`, `{amount: 5, owner: 0x…}`; composite children appear by their own short value. */
function preview(children: Children, total: number, open: string, close: string, format: ValueFormat, named = false): string {
  const shown = Math.min(total, PREVIEW_ITEMS);
  const items = children.get(undefined, 0, shown, format).map((child) => {
    const value = child.children ? child.type ?? '…' : child.value;
    return named ? `${child.name}: ${value}` : value;
  });
  const more = total > shown ? `, … (${total} ${named ? 'members' : 'items'})` : '';
  return `${open}${items.join(', ')}${more}${close}`;
}

function pageBounds(total: number, start: number, count: number): [number, number] {
  const from = Math.max(0, Math.min(total, start));
  return [from, Math.max(from, Math.min(total, from + Math.max(0, count)))];
}

function arrayChildren(
  type: SolType & { kind: 'array' },
  location: Resolved,
  length: number,
  ctx: DecodeContext,
  evaluateName: string | undefined,
): Children {
  return {
    named: 0,
    indexed: length,
    get(kind, start, count, format) {
      if (kind === 'named') return [];
      const [from, to] = pageBounds(length, start, count);
      const out: Variable[] = [];
      for (let i = from; i < to; i++) {
        const childName = `[${i}]`;
        const childEval = evaluateName === undefined ? undefined : `${evaluateName}[${i}]`;
        try {
          out.push(decodeResolved(childName, type.base, elementLocation(type, location, i, ctx), ctx, format, childEval));
        } catch (error) {
          out.push(unavailable(childName, type.base, reasonOf(error), childEval));
        }
      }
      return out;
    },
  };
}

function structChildren(
  type: SolType & { kind: 'struct' },
  location: Resolved,
  ctx: DecodeContext,
  evaluateName: string | undefined,
): Children {
  const members = type.members;
  return {
    named: members.length,
    indexed: 0,
    get(kind, start, count, format) {
      if (kind === 'indexed') return [];
      const [from, to] = pageBounds(members.length, start, count);
      const out: Variable[] = [];
      for (let i = from; i < to; i++) {
        const member = members[i]!;
        const childEval = evaluateName === undefined ? undefined : `${evaluateName}.${member.name}`;
        try {
          out.push(decodeResolved(member.name, member.type, memberLocation(type, location, i, ctx), ctx, format, childEval));
        } catch (error) {
          out.push(unavailable(member.name, member.type, reasonOf(error), childEval));
        }
      }
      return out;
    },
  };
}

/** The key of a mapping entry as an expression (`0xAbC…`, `42`, `"text"`, `0x1234`); undefined when it cannot be written as one. */
export function mappingKeyText(keyType: SolType, keyBytes: Uint8Array): string | undefined {
  if (keyType.kind === 'string') {
    try {
      return JSON.stringify(new TextDecoder('utf-8', { fatal: true }).decode(keyBytes));
    } catch {
      return undefined;
    }
  }
  if (keyType.kind === 'bytes') return toHex(keyBytes);
  if (keyBytes.length !== 32) return undefined;
  const word = wordAt(keyBytes, 0);
  if (keyType.kind === 'enum') return BigInt.asUintN(8, word).toString();
  return formatWord(keyType, word, { hex: false });
}

/** True when `keyBytes` is how Solidity encodes a key of `keyType` (right length, no dirty bits), checked on bytes. */
function isKeyEncoding(keyType: SolType, keyBytes: Uint8Array): boolean {
  const type = keyType.kind === 'userDefined' ? keyType.underlying : keyType;
  if (type.kind === 'string' || type.kind === 'bytes') return true;
  if (keyBytes.length !== 32) return false;
  const zeros = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (keyBytes[i] !== 0) return false;
    return true;
  };
  switch (type.kind) {
    case 'uint':
      return zeros(0, 32 - type.bits / 8);
    case 'int': {
      // Sign-extended: the high bytes repeat the sign bit of the value's top byte.
      const top = 32 - type.bits / 8;
      const fill = (keyBytes[top]! & 0x80) !== 0 ? 0xff : 0;
      for (let i = 0; i < top; i++) if (keyBytes[i] !== fill) return false;
      return true;
    }
    case 'address':
    case 'contract':
      return zeros(0, 12);
    case 'bool':
      return zeros(0, 31) && keyBytes[31]! <= 1;
    case 'enum':
      return zeros(0, 31) && keyBytes[31]! < type.members.length;
    case 'fixedBytes':
      return zeros(type.size, 32);
    default:
      return false;
  }
}

/**
 * A mapping's entries seen by the view's step. A backend that indexes preimages hands the same whole-run
 * list at every step with how many of it the step has seen: entries are then made once per list and a step
 * takes a prefix (binary search), so a request costs the same with 100,000 keys as with ten.
 */
function visibleMappingEntries(keyType: SolType, ctx: DecodeContext, slot: bigint): { entries: readonly MappingEntry[]; visible: number } {
  const indexed = ctx.view.preimagesEndingWith?.(slot);
  if (!indexed) {
    const entries = mappingEntries(keyType, preimagesEndingWith(ctx, slot));
    return { entries, visible: entries.length };
  }
  const entries = mappingEntries(keyType, indexed.all);
  let lo = 0, hi = entries.length; // entries whose preimage is among the first `count`
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.at < indexed.count) lo = mid + 1; else hi = mid;
  }
  return { entries, visible: lo };
}

interface MappingEntry {
  readonly keyBytes: Uint8Array;
  readonly slot: bigint;
  /** Index of its preimage in the list it came from. */
  readonly at: number;
  /** Where it was hashed when before the debugged call (see KeccakPreimage.origin). */
  readonly origin?: string;
}

/** Mapping entries (key bytes and value slot) among the preimages ending with one slot, cached per preimage list. */
const entryCache = new WeakMap<readonly KeccakPreimage[], Map<string, MappingEntry[]>>();

function mappingEntries(keyType: SolType, preimages: readonly KeccakPreimage[]): MappingEntry[] {
  const label = typeLabel(keyType);
  let byType = entryCache.get(preimages);
  if (!byType) entryCache.set(preimages, (byType = new Map()));
  let entries = byType.get(label);
  if (!entries) {
    entries = [];
    for (let at = 0; at < preimages.length; at++) {
      const { hash, preimage, origin } = preimages[at]!;
      const keyBytes = preimage.subarray(0, preimage.length - 32);
      if (isKeyEncoding(keyType, keyBytes)) entries.push(origin === undefined ? { keyBytes, slot: hash, at } : { keyBytes, slot: hash, at, origin });
    }
    byType.set(label, entries);
  }
  return entries;
}

/** Keys hashed before the debugged call, per origin (counted once per entry list: it is the same at every step). */
const originCache = new WeakMap<readonly MappingEntry[], { origins: [string, number][]; total: number }>();

/**
 * Where the first `visible` of a mapping's keys were seen, for its value text: "1 in the constructor, 2 in this
 * call". Keys hashed before the call are seen from the first step, so all of them are among the visible.
 */
function keyOrigins(entries: readonly MappingEntry[], visible: number): string {
  let earlier = originCache.get(entries);
  if (!earlier) {
    const counts = new Map<string, number>();
    for (const e of entries) if (e.origin !== undefined) counts.set(e.origin, (counts.get(e.origin) ?? 0) + 1);
    earlier = { origins: [...counts], total: [...counts.values()].reduce((a, b) => a + b, 0) };
    originCache.set(entries, earlier);
  }
  const parts = earlier.origins.map(([origin, n]) => `${n} in ${origin}`);
  if (visible > earlier.total) parts.push(`${visible - earlier.total} in this call`);
  return parts.join(', ');
}

function mappingChildren(
  type: SolType & { kind: 'mapping' },
  location: Resolved & { kind: 'storage' },
  ctx: DecodeContext,
  evaluateName: string | undefined,
): Children & { readonly origins: string } {
  const { entries, visible } = visibleMappingEntries(type.key, ctx, location.slot);
  return {
    get origins() { return keyOrigins(entries, visible); },
    named: visible,
    indexed: 0,
    get(kind, start, count, format) {
      if (kind === 'indexed') return [];
      const [from, to] = pageBounds(visible, start, count);
      return entries.slice(from, to).map((entry) => {
        // Keys are rendered only for the page shown. A string key that is not UTF-8 shows as hex and
        // cannot be written back as an expression.
        const key = mappingKeyText(type.key, entry.keyBytes);
        const childName = `[${key ?? toHex(entry.keyBytes)}]`;
        const childEval = evaluateName === undefined || key === undefined ? undefined : `${evaluateName}[${key}]`;
        const at: Resolved = { kind: 'storage', slot: entry.slot, byteOffset: 0, transient: location.transient };
        return decodeResolved(childName, type.value, at, ctx, format, childEval);
      });
    },
  };
}

/** The contract state scope: every state variable, decoded lazily page by page. */
export function decodeStateVariables(variables: readonly StateVariable[], ctx: DecodeContext): Children {
  return {
    named: variables.length,
    indexed: 0,
    get(kind, start, count, format) {
      if (kind === 'indexed') return [];
      const [from, to] = pageBounds(variables.length, start, count);
      return variables.slice(from, to).map((variable) =>
        decodeValue(
          variable.name,
          variable.type,
          variable.value ?? { kind: 'storage', slot: variable.slot, byteOffset: variable.byteOffset, transient: variable.transient },
          ctx,
          format,
        ),
      );
    },
  };
}

/** State variables of one contract from solc's storageLayout (or transientStorageLayout, with `transient`). */
export function stateVariablesFromLayout(layout: SolcStorageLayout, registry: TypeRegistry, transient = false): StateVariable[] {
  const table = layout.types ?? {};
  return layout.storage.map((entry) => ({
    name: entry.label,
    contract: entry.contract,
    type: registry.fromStorageType(entry.type, table),
    slot: BigInt(entry.slot),
    byteOffset: entry.offset,
    transient,
  }));
}
