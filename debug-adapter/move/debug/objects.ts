// Sui child objects (dynamic fields, dynamic object fields, table entries) as they are at a step.
//
// A dynamic field lives in the object runtime, not in any local: it is created by the native
// `0x2::dynamic_field::add_child_object(parent, child)` and removed by `remove_child_object(parent, id)`.
// Both natives are frames of the recording with their arguments (from a trace file or our interpreter),
// so the set of child objects at any step is the fold of those calls made before it. Writes through a
// `borrow_child_object_mut` reference land on a trace global whose value carries the same UID: the
// latest such value is the field's current one.
import type { TraceMoveValue, TraceValue } from '../trace/format.ts';
import type { RecordedFrame } from './recording.ts';

const FRAMEWORK = '0000000000000000000000000000000000000000000000000000000000000002';

export interface ChildObjectEvent {
  /** The step of the CALL: the change is visible after it. */
  readonly step: number;
  readonly kind: 'add' | 'remove';
  /** Parent object address, 64 hex digits. */
  readonly parent: string;
  /** Child object id, 64 hex digits. */
  readonly id: string;
  readonly value?: TraceMoveValue;
}

export interface ChildObject {
  readonly id: string;
  readonly parent: string;
  readonly value: TraceMoveValue;
}

/** The add / remove calls of a recording, in call order. */
export function childObjectEvents(frames: readonly RecordedFrame[]): ChildObjectEvent[] {
  const out: ChildObjectEvent[] = [];
  for (const f of frames) {
    if (!f.isNative || f.address !== FRAMEWORK || f.module !== 'dynamic_field' || f.callStep < 0) continue;
    const [parentArg, second] = f.parameters;
    const parent = parentArg && 'RuntimeValue' in parentArg ? addressOf(parentArg.RuntimeValue.value) : undefined;
    const arg = second && 'RuntimeValue' in second ? second.RuntimeValue.value : undefined;
    if (!parent || !arg) continue;
    if (f.function === 'add_child_object') {
      const id = objectId(arg);
      if (id) out.push({ step: f.callStep, kind: 'add', parent, id, value: arg });
    } else if (f.function === 'remove_child_object') {
      const id = addressOf(arg);
      if (id) out.push({ step: f.callStep, kind: 'remove', parent, id });
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

/** Child objects alive before `step` runs, with the latest values written through references (`globals`). */
export function childObjectsAt(events: readonly ChildObjectEvent[], step: number, globals: ReadonlyMap<number, TraceMoveValue>): ChildObject[] {
  const alive = new Map<string, ChildObject>();
  for (const e of events) {
    if (e.step >= step) break;
    if (e.kind === 'add') alive.set(e.id, { id: e.id, parent: e.parent, value: e.value! });
    else alive.delete(e.id);
  }
  for (const v of globals.values()) {
    const id = objectId(v);
    const known = id ? alive.get(id) : undefined;
    if (known) alive.set(known.id, { ...known, value: v });
  }
  return [...alive.values()];
}

/** The id of an object value: its first field `id: UID { id: ID { bytes: address } }`. */
export function objectId(v: TraceMoveValue): string | undefined {
  if (v.type !== 'Struct') return undefined;
  const [name, uid] = v.value.fields[0] ?? [];
  if (name !== 'id' || !uid || uid.type !== 'Struct') return undefined;
  const inner = uid.value.fields[0]?.[1];
  if (!inner) return undefined;
  if (inner.type === 'Address') return inner.value;
  return inner.type === 'Struct' ? addressOf(inner) : undefined;
}

/** An address value, or an `ID { bytes }` wrapping one. */
function addressOf(v: TraceMoveValue): string | undefined {
  if (v.type === 'Address') return v.value;
  if (v.type === 'Struct' && v.value.fields.length === 1) {
    const inner = v.value.fields[0]![1];
    return inner.type === 'Address' ? inner.value : undefined;
  }
  return undefined;
}

// ---- Sui objects by owner (transfers, shares, freezes, deletions, test_scenario takes) ----
//
// An object that leaves the transaction (`transfer::transfer_impl`, `share_object_impl`,
// `freeze_object_impl`) goes to its owner with the value it had then; `object::delete_impl` ends it; a
// test_scenario take (`take_from_address_by_id`, `take_shared_by_id`, `take_immutable_by_id`) hands it
// back to the running transaction, whose locals then hold it. All are native frames of the recording with
// their arguments and results, so the pool at any step is the fold of the calls made before it.

export type ObjectOwner = { readonly kind: 'address'; readonly address: string } | { readonly kind: 'shared' } | { readonly kind: 'immutable' };

export interface ObjectEvent {
  /** The step of the CALL: the change is visible after it. */
  readonly step: number;
  readonly id: string;
  readonly kind: 'stored' | 'taken' | 'deleted';
  readonly owner?: ObjectOwner;
  readonly value?: TraceMoveValue;
}

export interface PoolObject {
  readonly id: string;
  readonly owner: ObjectOwner;
  /** True while a test_scenario take has it out of the pool (the transaction holds it). */
  readonly taken: boolean;
  /** As it was when it last entered the pool. */
  readonly value: TraceMoveValue;
}

const TRANSFERS = new Map<string, 'address' | 'shared' | 'immutable'>([['transfer_impl', 'address'], ['share_object_impl', 'shared'], ['freeze_object_impl', 'immutable']]);
const TAKES = new Set(['take_from_address_by_id', 'take_shared_by_id', 'take_immutable_by_id']);

/** The transfer, delete and take calls of a recording, in call order. */
export function objectEvents(frames: readonly RecordedFrame[]): ObjectEvent[] {
  const out: ObjectEvent[] = [];
  const plain = (v: TraceValue | undefined) => (v && 'RuntimeValue' in v ? v.RuntimeValue.value : undefined);
  for (const f of frames) {
    if (!f.isNative || f.address !== FRAMEWORK || f.callStep < 0) continue;
    const transfer = f.module === 'transfer' ? TRANSFERS.get(f.function) : undefined;
    if (transfer) {
      const value = plain(f.parameters[0]);
      const id = value && objectId(value);
      const recipient = transfer === 'address' ? plain(f.parameters[1]) : undefined;
      const address = recipient && addressOf(recipient);
      if (!id || (transfer === 'address' && !address)) continue;
      const owner: ObjectOwner = transfer === 'address' ? { kind: 'address', address: address! } : { kind: transfer };
      out.push({ step: f.callStep, id, kind: 'stored', owner, value });
    } else if (f.module === 'object' && f.function === 'delete_impl') {
      const id = addressOf(plain(f.parameters[0]) ?? { type: 'Bool', value: false });
      if (id) out.push({ step: f.callStep, id, kind: 'deleted' });
    } else if (f.module === 'test_scenario' && TAKES.has(f.function)) {
      const value = plain(f.returns?.[0]);
      const id = value && objectId(value);
      if (id) out.push({ step: f.callStep, id, kind: 'taken' });
    }
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The objects that left the transactions before `step` runs, with their owners. */
export function objectsAt(events: readonly ObjectEvent[], step: number): PoolObject[] {
  const pool = new Map<string, PoolObject>();
  for (const e of events) {
    if (e.step >= step) break;
    if (e.kind === 'stored') pool.set(e.id, { id: e.id, owner: e.owner!, taken: false, value: e.value! });
    else if (e.kind === 'deleted') pool.delete(e.id);
    else {
      const known = pool.get(e.id);
      if (known) pool.set(e.id, { ...known, taken: true });
    }
  }
  return [...pool.values()];
}

/** `owned by 0xa`, `shared`, `immutable`, with `, taken` while the transaction holds it. */
export function ownerText(o: PoolObject): string {
  const owner = o.owner.kind === 'address' ? `owned by 0x${o.owner.address.replace(/^0+(?=.)/, '')}` : o.owner.kind;
  return o.taken ? `${owner}, taken` : owner;
}
