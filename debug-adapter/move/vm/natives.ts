// Native functions: the Move standard library's and the Sui framework's (NATIVES.md), plus the few
// Aptos ones the hello-blockchain package reaches. Each native takes its arguments (the callee's
// parameters, first to last) and returns its results with the gas it costs (internal units).
//
// Costs (internal gas units, beyond the call itself and the pushes of the results): where the fixture
// traces show a native's cost, the formula reproduces it (strings, bcs, object, tx_context, dynamic-field
// natives: every native costs its protocol-config base plus one, e.g. 52 + 1). Natives the traces do not
// reach use the common base (53) and may differ from a real run; size-dependent costs of the
// dynamic-field natives are the observed constants.
import { blake2b } from '@noble/hashes/blake2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256, sha3_256 } from '@noble/hashes/sha3.js';
import { createHmac, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { decodeBcs, encodeBcs } from './bcs.ts';
import { CONFIG_NATIVES } from './config-natives.ts';
import type { LoadedFunction, Loader } from './loader.ts';
import { VMError, abortError, invariant } from './status.ts';
import type { Tracer } from './tracer.ts';
import { T, typeToString, type RuntimeType } from './types.ts';
import { Reference, Signer, StructValue, UInt, VectorValue, u8, type Value } from './values.ts';

/** What a native can use besides its arguments. */
export interface NativeServices {
  readonly objects: ObjectRuntime;
  readonly storage: GlobalStorage;
  readonly loader: Loader;
  readonly tracer: Tracer | undefined;
  output(text: string): void;
}

export interface NativeContext {
  readonly typeArgs: readonly RuntimeType[];
  readonly services: NativeServices;
  readonly fn: LoadedFunction;
}

export interface NativeResult {
  readonly returns: Value[];
  /** Gas the native charges on top of the call (internal units). */
  readonly cost: number;
}

export type NativeFunction = (ctx: NativeContext, args: Value[]) => NativeResult;

/** Who owns an object after a transfer (Sui `Owner`; objects owned by objects are address-owned by the object's id). */
export type ObjectOwner = { readonly kind: 'address'; readonly address: string } | { readonly kind: 'shared' } | { readonly kind: 'immutable' };

/** Sui transaction context and object bookkeeping seen by natives (fresh ids, child objects, transfers). */
export class ObjectRuntime {
  sender = '0'.repeat(64);
  /** Transaction digest used to derive fresh object ids (32 zero bytes, like the unit-test dummy context). */
  digest: Uint8Array = new Uint8Array(32);
  epoch = 0n;
  epochTimestampMs = 0n;
  gasPrice = 1n;
  /** Reference gas price (`tx_context::reference_gas_price`). */
  rgp = 1n;
  gasBudget = 0n;
  sponsor: string | undefined;
  idsCreated = 0n;
  /** Ids of objects created in this transaction (`object::new`), as Sui's `new_ids`. */
  readonly created = new Set<string>();
  /** Ids of objects that existed before this transaction and were deleted in it (Sui's `deleted_ids`). */
  readonly deleted = new Set<string>();
  /** Objects this transaction received as inputs, with their owner then (test_scenario's takes). */
  readonly inputObjects = new Map<string, ObjectOwner>();
  /** Child objects (dynamic fields): parent → child id → the child's cell (a one-slot holder, referencable). */
  readonly children = new Map<string, Map<string, { cell: Value[]; type: RuntimeType }>>();
  /** Objects that left the VM in this transaction: id → new owner, type and value. */
  readonly transferred = new Map<string, { owner: ObjectOwner; type: RuntimeType; value: Value }>();
  readonly events: { type: RuntimeType; value: Value }[] = [];

  /** ObjectID::derive_id(digest, n) = Blake2b-256(0xF1 ‖ digest ‖ n as u64 LE). */
  deriveId(n: bigint): string {
    const buf = new Uint8Array(1 + 32 + 8);
    buf[0] = 0xf1;
    buf.set(this.digest, 1);
    for (let i = 0; i < 8; i++) buf[33 + i] = Number((n >> BigInt(8 * i)) & 0xffn);
    return hex(blake2b(buf, { dkLen: 32 }));
  }

  freshId(): string {
    const id = this.deriveId(this.idsCreated);
    this.idsCreated++;
    this.lastCreatedId = id;
    // As Sui's fresh_id native: every fresh id is a new object of this transaction.
    this.created.add(id);
    return id;
  }

  /** The id `fresh_id` gave last (`tx_context::last_created_object_id`), undefined before the first. */
  lastCreatedId: string | undefined;

  /** `object::delete`: an object created in this same transaction leaves no trace; others are deleted. */
  deleteId(id: string): void {
    if (!this.created.delete(id)) this.deleted.add(id);
  }
}

/** Aptos global storage: address → resource type → a one-slot cell (references point into the cell). */
export class GlobalStorage {
  private readonly data = new Map<string, Map<string, Value[]>>();
  typeKey(type: RuntimeType): string {
    return typeToString(type);
  }
  get(address: string, key: string): Value[] | undefined {
    return this.data.get(address)?.get(key);
  }
  set(address: string, key: string, v: Value): void {
    let m = this.data.get(address);
    if (!m) this.data.set(address, (m = new Map()));
    m.set(key, [v]);
  }
  delete(address: string, key: string): void {
    this.data.get(address)?.delete(key);
  }
  /** Every resource: for the debugger's global storage view. */
  *entries(): IterableIterator<{ address: string; type: string; value: Value }> {
    for (const [address, m] of this.data) for (const [type, cell] of m) yield { address, type, value: cell[0] };
  }
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export const deref = (v: Value): Value => (v instanceof Reference ? v.get() : v);

export function bytesOf(v: Value): Uint8Array {
  const vec = deref(v);
  if (!(vec instanceof VectorValue)) throw invariant('expected vector<u8>');
  const out = new Uint8Array(vec.items.length);
  for (let i = 0; i < out.length; i++) out[i] = Number((vec.items[i] as UInt).v);
  return out;
}

export function byteVector(bytes: Uint8Array | readonly number[]): VectorValue {
  const items: Value[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) items[i] = u8(bytes[i]!);
  return new VectorValue(T.u8, items);
}

export function u64Arg(v: Value): bigint {
  const x = deref(v);
  if (typeof x !== 'bigint') throw invariant('expected u64');
  return x;
}

export function addressArg(v: Value): string {
  const x = deref(v);
  if (typeof x !== 'string') throw invariant('expected address');
  return x;
}

function vecRef(v: Value): VectorValue {
  const x = deref(v);
  if (!(x instanceof VectorValue)) throw invariant('expected a vector reference');
  return x;
}

export const ret = (cost: number, ...returns: Value[]): NativeResult => ({ returns, cost });

const table = new Map<string, NativeFunction>();
export const STD = '0'.repeat(63) + '1';
export const SUI = '0'.repeat(63) + '2';
function def(address: string, module: string, name: string, f: NativeFunction): void {
  table.set(`${address}::${module}::${name}`, f);
}

// ---- std::vector (Sui emits bytecode instructions instead; older code and Aptos call these) ----
def(STD, 'vector', 'empty', (ctx) => ret(0, new VectorValue(ctx.typeArgs[0]!, [])));
def(STD, 'vector', 'length', (_c, [v]) => ret(0, BigInt(vecRef(v).items.length)));
def(STD, 'vector', 'borrow', (_c, [v, i]) => ret(0, elementRef(v, i, false)));
def(STD, 'vector', 'borrow_mut', (_c, [v, i]) => ret(0, elementRef(v, i, true)));
def(STD, 'vector', 'push_back', (_c, [v, e]) => {
  vecRef(v).items.push(e);
  return ret(0);
});
def(STD, 'vector', 'pop_back', (_c, [v]) => {
  const vec = vecRef(v);
  if (vec.items.length === 0) throw new VMError('VECTOR_OPERATION_ERROR', 'pop from an empty vector', undefined, 2);
  return ret(0, vec.items.pop());
});
def(STD, 'vector', 'destroy_empty', (_c, [v]) => {
  if (vecRef(v).items.length !== 0) throw new VMError('VECTOR_OPERATION_ERROR', 'destroy of a non-empty vector', undefined, 3);
  return ret(0);
});
def(STD, 'vector', 'swap', (_c, [v, i, j]) => {
  const vec = vecRef(v);
  const a = Number(u64Arg(i));
  const b = Number(u64Arg(j));
  if (a >= vec.items.length || b >= vec.items.length) throw new VMError('VECTOR_OPERATION_ERROR', 'swap index out of bounds', undefined, 1);
  [vec.items[a], vec.items[b]] = [vec.items[b], vec.items[a]];
  return ret(0);
});

function elementRef(v: Value, i: Value, mutable: boolean): Reference {
  const r = v as Reference;
  const vec = vecRef(v);
  const idx = u64Arg(i);
  if (idx >= BigInt(vec.items.length)) throw new VMError('VECTOR_OPERATION_ERROR', `index ${idx} out of bounds`, undefined, 1);
  return new Reference(vec.items, Number(idx), mutable, r, r.frame, r.globalId);
}

// ---- std::bcs, std::hash ----
/** The VM's limit on value nesting (`max_value_nest_depth`): a leaf counts 1, each struct or vector around it 1 more. */
const MAX_VALUE_DEPTH = 128;
function valueDepth(v: Value, limit: number): number {
  const x = deref(v);
  const inner = x instanceof StructValue ? x.fields : x instanceof VectorValue ? x.items : undefined;
  if (!inner) return 1;
  let deepest = 0;
  for (const f of inner) {
    deepest = Math.max(deepest, valueDepth(f, limit - 1));
    if (deepest >= limit) break;
  }
  return 1 + deepest;
}
def(STD, 'bcs', 'to_bytes', (_c, [v]) => {
  if (valueDepth(v, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) throw new VMError('VM_MAX_VALUE_DEPTH_REACHED', `bcs::to_bytes of a value nested deeper than ${MAX_VALUE_DEPTH}`);
  const bytes = encodeBcs(v);
  // 2 per serialized byte (+1 as every native in the traces): 65 for an address in global_loc.
  return ret(1 + 2 * Math.max(bytes.length, 1), byteVector(bytes));
});
def(STD, 'hash', 'sha2_256', (_c, [v]) => {
  const b = bytesOf(v);
  return ret(53 + 2 * b.length, byteVector(sha256(b)));
});
def(STD, 'hash', 'sha3_256', (_c, [v]) => {
  const b = bytesOf(v);
  return ret(53 + 2 * b.length, byteVector(sha3_256(b)));
});

// ---- std::string (costs fitted to the native_fun trace) ----
const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(b: Uint8Array): boolean {
  try {
    utf8.decode(b);
    return true;
  } catch {
    return false;
  }
}
def(STD, 'string', 'internal_check_utf8', (_c, [v]) => {
  const b = bytesOf(v);
  return ret(53 + 2 * b.length, isUtf8(b));
});
def(STD, 'string', 'internal_is_char_boundary', (_c, [v, i]) => {
  const b = bytesOf(v);
  const k = u64Arg(i);
  // Rust str::is_char_boundary: 0 and len are boundaries; past the end is not; otherwise not a continuation byte.
  const ok = k === 0n || k === BigInt(b.length) || (k < BigInt(b.length) && (b[Number(k)]! & 0xc0) !== 0x80);
  return ret(53, ok);
});
def(STD, 'string', 'internal_sub_string', (_c, [v, i, j]) => {
  const b = bytesOf(v);
  const from = u64Arg(i);
  const to = u64Arg(j);
  if (to < from) throw abortError(1n);
  if (to > BigInt(b.length)) throw abortError(1n);
  return ret(53 + 2 * Number(to - from), byteVector(b.subarray(Number(from), Number(to))));
});
def(STD, 'string', 'internal_index_of', (_c, [s, r]) => {
  const hay = bytesOf(s);
  const needle = bytesOf(r);
  let pos = hay.length;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    pos = i;
    break;
  }
  return ret(53 + 2 * needle.length + 2 * pos, BigInt(pos));
});

// ---- std::type_name ----
function typeNameValue(ctx: NativeContext, type: RuntimeType): Value {
  const tn = ctx.services.loader.tryModule(STD, 'type_name')?.datatype('TypeName');
  const ascii = ctx.services.loader.tryModule(STD, 'ascii')?.datatype('String');
  if (!tn || !ascii) throw new VMError('MISSING_DATA', 'std::type_name / std::ascii are not loaded');
  const name = new StructValue({ kind: 'datatype', def: ascii, typeArgs: [] }, [byteVector(new TextEncoder().encode(typeToString(type)))]);
  return new StructValue({ kind: 'datatype', def: tn, typeArgs: [] }, [name]);
}
for (const name of ['get', 'get_with_original_ids', 'with_defining_ids', 'with_original_ids']) {
  def(STD, 'type_name', name, (ctx) => ret(53, typeNameValue(ctx, ctx.typeArgs[0]!)));
}
for (const name of ['defining_id', 'original_id']) {
  def(STD, 'type_name', name, (ctx) => {
    const t = ctx.typeArgs[0]!;
    if (t.kind !== 'datatype') throw abortError(0n);
    return ret(53, t.def.address);
  });
}

// ---- std::debug, std::unit_test, std::signer ----
def(STD, 'debug', 'print', (ctx, [v]) => {
  ctx.services.output(`[debug] ${renderValue(deref(v))}`);
  return ret(0);
});
def(STD, 'debug', 'print_stack_trace', (ctx) => {
  ctx.services.output('[debug] (stack trace)');
  return ret(0);
});
def(STD, 'unit_test', 'poison', () => ret(0));
def(STD, 'unit_test', 'destroy', () => ret(0));
def(STD, 'unit_test', 'create_signers_for_testing', (_c, [n]) => {
  const count = Number(u64Arg(n));
  const signers: Value[] = [];
  for (let i = 0; i < count; i++) signers.push(new Signer((0x1000 + i).toString(16).padStart(64, '0')));
  return ret(0, new VectorValue(T.signer, signers));
});
def(STD, 'signer', 'borrow_address', (_c, [s]) => {
  const r = s as Reference;
  const signer = deref(s);
  if (!(signer instanceof Signer)) throw invariant('expected &signer');
  return ret(0, new Reference([signer.address], 0, false, null, r.frame, r.globalId));
});

// ---- sui::address ----
def(SUI, 'address', 'from_bytes', (_c, [v]) => {
  const b = bytesOf(v);
  if (b.length !== 32) throw abortError(0n);
  return ret(53, hex(b));
});
def(SUI, 'address', 'to_u256', (_c, [a]) => ret(53, new UInt(256, BigInt('0x' + addressArg(a)))));
def(SUI, 'address', 'from_u256', (_c, [n]) => ret(53, (deref(n) as UInt).v.toString(16).padStart(64, '0')));

// ---- sui::tx_context ----
def(SUI, 'tx_context', 'fresh_id', (ctx) => ret(53, ctx.services.objects.freshId()));
def(SUI, 'tx_context', 'derive_id', (ctx, [digest, n]) => {
  const o = ctx.services.objects;
  const saved = o.digest;
  o.digest = bytesOf(digest);
  const id = o.deriveId(u64Arg(n));
  o.digest = saved;
  return ret(53, id);
});
def(SUI, 'tx_context', 'native_sender', (ctx) => ret(31, ctx.services.objects.sender));
def(SUI, 'tx_context', 'native_epoch', (ctx) => ret(31, ctx.services.objects.epoch));
def(SUI, 'tx_context', 'native_epoch_timestamp_ms', (ctx) => ret(31, ctx.services.objects.epochTimestampMs));
def(SUI, 'tx_context', 'native_ids_created', (ctx) => ret(31, ctx.services.objects.idsCreated));
def(SUI, 'tx_context', 'native_gas_price', (ctx) => ret(31, ctx.services.objects.gasPrice));
def(SUI, 'tx_context', 'native_rgp', (ctx) => ret(31, ctx.services.objects.rgp));
def(SUI, 'tx_context', 'native_gas_budget', (ctx) => ret(31, ctx.services.objects.gasBudget));
def(SUI, 'tx_context', 'native_sponsor', (ctx) => {
  const s = ctx.services.objects.sponsor;
  return ret(31, new VectorValue(T.address, s ? [s] : []));
});

// Test-only framework functions (compiled only into test builds of the framework, so absent from
// published snapshots): stand-ins with the same results, used when a test package calls them.
const DUMMY_TX_HASH = '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532';
/** A fresh TxContext like the unit-test `tx_context::dummy()`, also resetting the native transaction context. */
export function dummyTxContext(loader: Loader, o: ObjectRuntime): Value {
  const txContext = loader.module(SUI, 'tx_context').datatype('TxContext');
  if (!txContext) throw new VMError('MISSING_DATA', '0x2::tx_context::TxContext not found');
  o.sender = '0'.repeat(64);
  o.digest = hexToBytes(DUMMY_TX_HASH);
  o.epoch = 0n;
  o.epochTimestampMs = 0n;
  o.idsCreated = 0n;
  const fields: Value[] = [o.sender, byteVector(o.digest), 0n, 0n, 0n];
  if (txContext.fields.length !== fields.length) throw new VMError('MISSING_DATA', 'unexpected TxContext layout in this framework version');
  return new StructValue({ kind: 'datatype', def: txContext, typeArgs: [] }, fields);
}
// Charges what the real test-only `dummy()` costs in the unit-test traces (514 units with the call and
// the push of its result), so gas after it stays comparable.
def(SUI, 'tx_context', 'dummy', (ctx) => ret(396, dummyTxContext(ctx.services.loader, ctx.services.objects)));

// ---- sui::object ----
def(SUI, 'object', 'borrow_uid', (ctx, [obj]) => {
  // The UID is an object's first field; the real VM hands out a reference into the object's storage,
  // which Sui traces record as a global data load.
  const r = obj as Reference;
  const o = deref(obj);
  if (!(o instanceof StructValue)) throw invariant('borrow_uid of a non-object');
  const tracer = ctx.services.tracer;
  if (tracer) {
    const global = tracer.dataLoad(new Reference(o.fields, 0, false, null, null, -1), false);
    return ret(53, new Reference(o.fields, 0, false, null, null, global));
  }
  return ret(53, new Reference(o.fields, 0, false, r, r.frame, r.globalId));
});
def(SUI, 'object', 'delete_impl', (ctx, [id]) => {
  ctx.services.objects.deleteId(addressArg(id));
  return ret(53);
});
def(SUI, 'object', 'record_new_uid', (ctx, [id]) => {
  ctx.services.objects.created.add(addressArg(id));
  return ret(53);
});

// ---- sui::dynamic_field ----
function typeTagBcs(t: RuntimeType, out: number[]): void {
  // TypeTag enum: Bool 0, U8 1, U64 2, U128 3, Address 4, Signer 5, Vector 6, Struct 7, U16 8, U32 9, U256 10.
  switch (t.kind) {
    case 'bool': out.push(0); return;
    case 'u8': out.push(1); return;
    case 'u64': out.push(2); return;
    case 'u128': out.push(3); return;
    case 'address': out.push(4); return;
    case 'signer': out.push(5); return;
    case 'vector': out.push(6); typeTagBcs(t.element, out); return;
    case 'u16': out.push(8); return;
    case 'u32': out.push(9); return;
    case 'u256': out.push(10); return;
    case 'datatype': {
      out.push(7);
      for (let i = 0; i < 64; i += 2) out.push(parseInt(t.def.address.slice(i, i + 2), 16));
      for (const s of [t.def.module, t.def.name]) {
        const b = new TextEncoder().encode(s);
        out.push(b.length, ...b);
      }
      out.push(t.typeArgs.length);
      for (const a of t.typeArgs) typeTagBcs(a, out);
      return;
    }
    default:
      throw invariant('no type tag for a reference or type parameter');
  }
}
def(SUI, 'dynamic_field', 'hash_type_and_key', (ctx, [parent, key]) => {
  const k = encodeBcs(key);
  const buf: number[] = [0xf0, ...hexToBytes(addressArg(parent))];
  let n = BigInt(k.length);
  for (let i = 0; i < 8; i++, n >>= 8n) buf.push(Number(n & 0xffn));
  buf.push(...k);
  typeTagBcs(ctx.typeArgs[0]!, buf);
  // Fitted to the one observed case (global_write, a u64 key: 183).
  return ret(167 + 2 * k.length, hex(blake2b(Uint8Array.from(buf), { dkLen: 32 })));
});
export function childId(child: Value): string {
  // A child object's first field is its UID { id: ID { bytes: address } }.
  const o = deref(child);
  const uid = o instanceof StructValue ? deref(o.fields[0]) : undefined;
  const id = uid instanceof StructValue ? deref(uid.fields[0]) : undefined;
  const bytes = id instanceof StructValue ? deref(id.fields[0]) : undefined;
  if (typeof bytes !== 'string') throw invariant('child object without a UID');
  return bytes;
}
def(SUI, 'dynamic_field', 'add_child_object', (ctx, [parent, child]) => {
  const objects = ctx.services.objects;
  const p = addressArg(parent);
  const id = childId(child);
  let m = objects.children.get(p);
  if (!m) objects.children.set(p, (m = new Map()));
  if (m.has(id)) throw abortError(0n);
  m.set(id, { cell: [child], type: ctx.typeArgs[0]! });
  // Sui charges by the child's type and value size; 2851 is the observed cost for a linked_table node.
  return ret(2851);
});
function borrowChild(ctx: NativeContext, parent: Value, id: Value, mutable: boolean): NativeResult {
  const p = childParentId(parent);
  const entry = ctx.services.objects.children.get(p)?.get(addressArg(id));
  if (!entry) throw abortError(1n);
  if (typeToString(entry.type) !== typeToString(ctx.typeArgs[0]!)) throw abortError(2n);
  const ref = new Reference(entry.cell, 0, mutable, null, null, -1);
  const traced = ctx.services.tracer;
  const global = traced ? traced.dataLoad(ref, false) : -1;
  // Observed: 231 for a linked_table node (Sui charges by type and value size).
  return ret(231, global >= 0 ? new Reference(entry.cell, 0, mutable, null, null, global) : ref);
}
function childParentId(uid: Value): string {
  const u = deref(uid);
  const id = u instanceof StructValue ? deref(u.fields[0]) : undefined;
  const bytes = id instanceof StructValue ? deref(id.fields[0]) : undefined;
  if (typeof bytes !== 'string') throw invariant('expected &UID');
  return bytes;
}
def(SUI, 'dynamic_field', 'borrow_child_object', (ctx, [parent, id]) => borrowChild(ctx, parent, id, false));
def(SUI, 'dynamic_field', 'borrow_child_object_mut', (ctx, [parent, id]) => borrowChild(ctx, parent, id, true));
def(SUI, 'dynamic_field', 'remove_child_object', (ctx, [parent, id]) => {
  const m = ctx.services.objects.children.get(addressArg(parent));
  const entry = m?.get(addressArg(id));
  if (!entry) throw abortError(1n);
  if (typeToString(entry.type) !== typeToString(ctx.typeArgs[0]!)) throw abortError(2n);
  m!.delete(addressArg(id));
  return ret(53, entry.cell[0]);
});
def(SUI, 'dynamic_field', 'has_child_object', (ctx, [parent, id]) =>
  ret(101, ctx.services.objects.children.get(addressArg(parent))?.has(addressArg(id)) ?? false));
def(SUI, 'dynamic_field', 'has_child_object_with_ty', (ctx, [parent, id]) => {
  const entry = ctx.services.objects.children.get(addressArg(parent))?.get(addressArg(id));
  return ret(53, entry !== undefined && typeToString(entry.type) === typeToString(ctx.typeArgs[0]!));
});

// ---- sui::transfer, sui::event, sui::types, sui::hash ----
for (const [name, owner] of [['transfer_impl', 'address'], ['freeze_object_impl', 'immutable'], ['share_object_impl', 'shared']] as const) {
  def(SUI, 'transfer', name, (ctx, [obj, recipient]) => {
    const id = childId(obj);
    const o = ctx.services.objects;
    // Sui: only an object created in this transaction, or one that was shared already, can be shared
    // (transfer::ESharedNonNewObject).
    if (owner === 'shared' && !o.created.has(id) && o.inputObjects.has(id) && o.inputObjects.get(id)!.kind !== 'shared') {
      throw abortError(0n, 'transfer::share_object of an object that is neither new nor shared (ESharedNonNewObject)');
    }
    o.transferred.set(id, { owner: owner === 'address' ? { kind: 'address', address: addressArg(recipient) } : { kind: owner }, type: ctx.typeArgs[0]!, value: obj });
    return ret(53);
  });
}
def(SUI, 'event', 'emit', (ctx, [v]) => {
  ctx.services.objects.events.push({ type: ctx.typeArgs[0]!, value: v });
  ctx.services.output(`[event] ${typeToString(ctx.typeArgs[0]!, true)} ${renderValue(v)}`);
  return ret(53);
});
def(SUI, 'event', 'emit_authenticated_impl', (ctx, args) => {
  const v = args[args.length - 1];
  ctx.services.objects.events.push({ type: ctx.typeArgs[ctx.typeArgs.length - 1]!, value: v });
  ctx.services.output(`[event] ${typeToString(ctx.typeArgs[ctx.typeArgs.length - 1]!, true)} ${renderValue(v)}`);
  return ret(53);
});
def(SUI, 'hmac', 'hmac_sha3_256', (_c, [key, msg]) => {
  const m = bytesOf(msg);
  return ret(53 + 2 * m.length, byteVector(createHmac('sha3-256', bytesOf(key)).update(m).digest()));
});
def(SUI, 'ed25519', 'ed25519_verify', (_c, [signature, publicKey, msg]) => {
  const sig = bytesOf(signature);
  const pk = bytesOf(publicKey);
  const m = bytesOf(msg);
  let ok = false;
  if (sig.length === 64 && pk.length === 32) {
    try {
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pk).toString('base64url') }, format: 'jwk' });
      ok = cryptoVerify(null, m, key, sig);
    } catch {
      ok = false; // not a valid point: the signature does not verify
    }
  }
  return ret(53 + 2 * m.length, ok);
});
def(SUI, 'types', 'is_one_time_witness', (ctx) => {
  const t = ctx.typeArgs[0]!;
  const ok = t.kind === 'datatype' && !t.def.isEnum && t.typeArgs.length === 0 && t.def.name === t.def.module.toUpperCase() &&
    t.def.fields.length === 1 && t.def.fields[0]!.type === T.bool;
  return ret(195, ok);
});
def(SUI, 'hash', 'blake2b256', (_c, [v]) => {
  const b = bytesOf(v);
  return ret(53 + 2 * b.length, byteVector(blake2b(b, { dkLen: 32 })));
});
def(SUI, 'hash', 'keccak256', (_c, [v]) => {
  const b = bytesOf(v);
  return ret(53 + 2 * b.length, byteVector(keccak_256(b)));
});

// ---- Aptos framework natives (hello-blockchain and the account / event paths it reaches) ----
def(STD, 'create_signer', 'create_signer', (_c, [a]) => ret(53, new Signer(addressArg(a))));
for (const name of ['write_to_event_store', 'write_module_event_to_store']) {
  def(STD, 'event', name, (ctx, args) => {
    const v = args[args.length - 1];
    ctx.services.output(`[event] ${typeToString(ctx.typeArgs[0]!, true)} ${renderValue(v)}`);
    return ret(53);
  });
}
def(STD, 'features', 'is_enabled', () => ret(53, true));
def(STD, 'transaction_context', 'get_script_hash', () => ret(53, byteVector([])));
def(STD, 'type_info', 'type_name', (ctx) => {
  const s = ctx.services.loader.tryModule(STD, 'string')?.datatype('String');
  if (!s) throw new VMError('MISSING_DATA', 'std::string is not loaded');
  return ret(53, new StructValue({ kind: 'datatype', def: s, typeArgs: [] }, [byteVector(new TextEncoder().encode(typeToString(ctx.typeArgs[0]!, true)))]));
});

def(STD, 'from_bcs', 'from_bytes', (ctx, [v]) => {
  const b = bytesOf(v);
  try {
    return ret(53 + 2 * b.length, decodeBcs(ctx.typeArgs[0]!, b));
  } catch (e) {
    if (e instanceof VMError) throw abortError(0x10001n, `from_bcs::from_bytes: ${e.message}`);
    throw e;
  }
});
def(STD, 'type_info', 'type_of', (ctx) => {
  const t = ctx.typeArgs[0]!;
  const info = ctx.services.loader.tryModule(STD, 'type_info')?.datatype('TypeInfo');
  if (!info) throw new VMError('MISSING_DATA', 'aptos_std::type_info is not loaded');
  if (t.kind !== 'datatype') throw abortError(0x10001n, 'type_info::type_of of a non-struct type');
  const text = (x: string) => byteVector(new TextEncoder().encode(x));
  return ret(53, new StructValue({ kind: 'datatype', def: info, typeArgs: [] }, [t.def.address, text(t.def.module), text(typeToString(t, true).split('::').slice(2).join('::'))]));
});

for (const [key, f] of CONFIG_NATIVES) table.set(key, f);

/** All built-in natives, keyed `<64 hex address>::module::function`. */
export const NATIVES: ReadonlyMap<string, NativeFunction> = table;

/** A short human rendering of a value (debug::print, events). */
export function renderValue(v: Value): string {
  v = deref(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return `@0x${v.replace(/^0+/, '') || '0'}`;
  if (v instanceof UInt) return v.v.toString();
  if (v instanceof Signer) return `signer(@0x${v.address.replace(/^0+/, '') || '0'})`;
  if (v instanceof VectorValue) {
    if (v.elementType === T.u8) return `x"${hex(bytesOf(v))}"`;
    return `[${v.items.map(renderValue).join(', ')}]`;
  }
  if (v instanceof StructValue) {
    const names = v.type.def.fields;
    return `${v.type.def.name} { ${v.fields.map((f, i) => `${names[i]?.name ?? i}: ${renderValue(f)}`).join(', ')} }`;
  }
  if (v === undefined) return '(none)';
  return String(v);
}

