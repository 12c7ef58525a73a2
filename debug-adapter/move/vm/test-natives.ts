// The natives only test builds reach: `sui::test_scenario` (object inventories across simulated
// transactions), `sui::test_utils::create_one_time_witness`, the test-only parts of `sui::tx_context`
// (`replace`, `last_created_id`), `sui::event::num_events`/`events_by_type`, and
// `sui::random::generate_rand_seed_for_testing`. Their modules exist only in test builds, so registering them
// always changes nothing for published code.
//
// test_scenario follows the Sui test runner's rules: objects transferred in a transaction enter their
// owner's inventory (per address and type, shared, or immutable) when the transaction ends (`next_tx`,
// `end`); a take hands out a copy and marks the object taken; `most_recent_*` is the newest untaken one of
// that type; ending a transaction with a taken shared or immutable object deleted, wrapped, made a dynamic
// field, given another owner, or (immutable) deleted or changed aborts with EInvalidSharedOrImmutableUsage (1); a take
// of an object that is not there aborts with EObjectNotFound (4).
import { randomBytes } from 'node:crypto';
import type { Loader } from './loader.ts';
import {
  SUI, STD, ObjectRuntime, addressArg, byteVector, bytesOf, deref, ret, u64Arg,
  type NativeContext, type NativeFunction, type ObjectOwner,
} from './natives.ts';
import { VMError, abortError, invariant } from './status.ts';
import { T, typeToString, type RuntimeType } from './types.ts';
import { StructValue, VectorValue, copyValue, makeInt, valuesEqual, type Value } from './values.ts';

const E_INVALID_SHARED_OR_IMMUTABLE_USAGE = 1n;
const E_OBJECT_NOT_FOUND = 4n;
const E_UNABLE_TO_ALLOCATE_RECEIVING_TICKET = 5n;
const E_RECEIVING_TICKET_ALREADY_ALLOCATED = 6n;
const E_UNABLE_TO_DEALLOCATE_RECEIVING_TICKET = 7n;
/** transfer::EReceivingObjectTypeMismatch, EUnableToReceiveObject */
const E_RECEIVING_OBJECT_TYPE_MISMATCH = 2n;
const E_UNABLE_TO_RECEIVE_OBJECT = 3n;
/** What the Sui test runner charges every test native (`legacy_test_cost`: zero). */
const TEST_COST = 0;

/** Object ids by type name, in the order they arrived (newest last). */
type Inventory = Map<string, Set<string>>;

/** The object pool a test scenario builds up across its transactions. */
class TestInventories {
  readonly byAddress = new Map<string, Inventory>();
  readonly shared: Inventory = new Map();
  readonly immutable: Inventory = new Map();
  /** Objects taken out of an inventory and not yet back, with the owner they were taken from. */
  readonly taken = new Map<string, ObjectOwner>();
  /** Values of taken immutable objects, to check they come back unchanged. */
  readonly takenImmutableValues = new Map<string, Value>();
  /** Every object's value as of the last transaction end. */
  readonly objects = new Map<string, Value>();
  /** Receiving tickets of this transaction: the object, out of `objects` while allocated, and its owner. */
  readonly tickets = new Map<string, { owner: string; type: string; value: Value }>();
}

const inventories = new WeakMap<ObjectRuntime, TestInventories>();
function inventoriesOf(o: ObjectRuntime): TestInventories {
  let inv = inventories.get(o);
  if (!inv) inventories.set(o, (inv = new TestInventories()));
  return inv;
}

function add(inv: Inventory, type: string, id: string): void {
  let ids = inv.get(type);
  if (!ids) inv.set(type, (ids = new Set()));
  ids.add(id);
}

function datatype(loader: Loader, address: string, module: string, name: string): RuntimeType & { kind: 'datatype' } {
  const def = loader.module(address, module).datatype(name);
  if (!def) throw new VMError('MISSING_DATA', `${module}::${name} is not in this framework`);
  return { kind: 'datatype', def, typeArgs: [] };
}

/** `object::ID { bytes }` */
function idValue(loader: Loader, id: string): StructValue {
  return new StructValue(datatype(loader, SUI, 'object', 'ID'), [id]);
}

function idArg(v: Value): string {
  const id = deref(v);
  if (!(id instanceof StructValue)) throw invariant('expected an object::ID');
  return addressArg(id.fields[0]);
}

function idVector(loader: Loader, ids: Iterable<string>): VectorValue {
  const idType = datatype(loader, SUI, 'object', 'ID');
  return new VectorValue(idType, [...ids].map((id) => idValue(loader, id)));
}

function optionOfId(loader: Loader, id: string | undefined): StructValue {
  const idType = datatype(loader, SUI, 'object', 'ID');
  const option = datatype(loader, STD, 'option', 'Option');
  return new StructValue({ ...option, typeArgs: [idType] }, [new VectorValue(idType, id === undefined ? [] : [idValue(loader, id)])]);
}

/** `VecMap<ID, V>` from entries. */
function vecMap(loader: Loader, valueType: RuntimeType, entries: [string, Value][]): StructValue {
  const idType = datatype(loader, SUI, 'object', 'ID');
  const map = datatype(loader, SUI, 'vec_map', 'VecMap');
  const entry = datatype(loader, SUI, 'vec_map', 'Entry');
  const entryType = { ...entry, typeArgs: [idType, valueType] };
  return new StructValue({ ...map, typeArgs: [idType, valueType] }, [
    new VectorValue(entryType, entries.map(([id, v]) => new StructValue(entryType, [idValue(loader, id), v]))),
  ]);
}

/** The newest id of that type not currently taken. */
function mostRecent(inv: TestInventories, within: Inventory | undefined, type: RuntimeType): string | undefined {
  const ids = within?.get(typeToString(type));
  if (!ids) return undefined;
  let last: string | undefined;
  for (const id of ids) if (!inv.taken.has(id)) last = id;
  return last;
}

function take(ctx: NativeContext, within: Inventory | undefined, id: string, owner: ObjectOwner): Value {
  const o = ctx.services.objects;
  const inv = inventoriesOf(o);
  const value = inv.objects.get(id);
  if (inv.taken.has(id) || !within?.get(typeToString(ctx.typeArgs[0]!))?.has(id) || value === undefined) {
    throw abortError(E_OBJECT_NOT_FOUND, `test_scenario: object ${'0x' + id} is not in that inventory (EObjectNotFound)`);
  }
  inv.taken.set(id, owner);
  o.inputObjects.set(id, owner);
  return copyValue(value);
}

const sameOwner = (a: ObjectOwner, b: ObjectOwner) => a.kind === b.kind && (a.kind !== 'address' || a.address === (b as typeof a).address);

/** Ids of every UID inside an object's value (its own, the first field, excluded): the objects it wraps. */
function wrappedIds(value: Value, out: Set<string>, top = true): void {
  const v = deref(value);
  if (v instanceof VectorValue) {
    for (const item of v.items) if (typeof item === 'object') wrappedIds(item, out, false);
    return;
  }
  if (!(v instanceof StructValue)) return;
  const d = v.type.def;
  if (d.address === SUI && d.module === 'object' && d.name === 'UID') {
    out.add(idArg(v.fields[0]));
    return;
  }
  v.fields.forEach((f, i) => {
    if ((!top || i > 0) && typeof f === 'object') wrappedIds(f, out, false);
  });
}

/** `test_scenario::end_transaction`: realizes the transaction's transfers and deletions into the inventories. */
function endTransaction(ctx: NativeContext): Value {
  const loader = ctx.services.loader;
  const o = ctx.services.objects;
  const inv = inventoriesOf(o);
  const takenSharedOrImmutable = new Map([...inv.taken].filter(([, owner]) => owner.kind !== 'address'));
  const writes = new Map(o.transferred);
  const deletions = [...o.deleted];
  const newIds = new Set(o.created);
  const events = o.events.length;
  o.transferred.clear();
  o.deleted.clear();
  o.created.clear();
  o.events.length = 0;
  // Tickets allocated and not used go back: their objects are in the pool again.
  for (const [id, ticket] of inv.tickets) inv.objects.set(id, ticket.value);
  inv.tickets.clear();
  const children = new Map<string, Value>();
  for (const m of o.children.values()) for (const [id, entry] of m) children.set(id, entry.cell[0]);

  // Every changed object leaves the inventories; written ones come back below with their new owner.
  for (const id of [...deletions, ...writes.keys(), ...children.keys()]) {
    for (const byType of [...inv.byAddress.values(), inv.shared, inv.immutable]) for (const ids of byType.values()) ids.delete(id);
    inv.taken.delete(id);
  }
  let incorrect = false;
  const created: string[] = [];
  const written: string[] = [];
  for (const [id, w] of writes) {
    const before = takenSharedOrImmutable.get(id);
    if (before && !sameOwner(before, w.owner)) incorrect = true;
    (newIds.has(id) ? created : written).push(id);
    const type = typeToString(w.type);
    if (w.owner.kind === 'address') {
      let byType = inv.byAddress.get(w.owner.address);
      if (!byType) inv.byAddress.set(w.owner.address, (byType = new Map()));
      add(byType, type, id);
    } else add(w.owner.kind === 'shared' ? inv.shared : inv.immutable, type, id);
  }
  const deleted = [...deletions];
  // Shared objects may be deleted (Sui allows it since shared-object deletion); immutable ones never.
  if (deletions.some((id) => takenSharedOrImmutable.get(id)?.kind === 'immutable')) incorrect = true;
  const wrapped = new Set<string>();
  for (const w of writes.values()) wrappedIds(w.value, wrapped);
  for (const v of children.values()) wrappedIds(v, wrapped);
  for (const id of takenSharedOrImmutable.keys()) if (wrapped.has(id) || children.has(id)) incorrect = true;
  if (incorrect) {
    throw abortError(E_INVALID_SHARED_OR_IMMUTABLE_USAGE, 'test_scenario: a shared or immutable object taken in this transaction was deleted, wrapped, transferred or changed (EInvalidSharedOrImmutableUsage)');
  }
  deleted.push(...wrapped);
  // Objects still taken stay inputs of the next transaction.
  o.inputObjects.clear();
  for (const [id, owner] of inv.taken) o.inputObjects.set(id, owner);
  for (const [id, w] of writes) {
    const before = inv.takenImmutableValues.get(id);
    if (before !== undefined && !valuesEqual(before, w.value)) {
      throw abortError(E_INVALID_SHARED_OR_IMMUTABLE_USAGE, 'test_scenario: an immutable object was changed (EInvalidSharedOrImmutableUsage)');
    }
    inv.objects.set(id, w.value);
  }
  for (const id of deleted) inv.objects.delete(id);
  for (const id of children.keys()) inv.objects.delete(id);

  const toAccount: [string, Value][] = [];
  const toObject: [string, Value][] = [];
  const shared: string[] = [];
  const frozen: string[] = [];
  for (const [id, w] of writes) {
    if (w.owner.kind === 'address') toAccount.push([id, w.owner.address]);
    else (w.owner.kind === 'shared' ? shared : frozen).push(id);
  }
  const idType = datatype(loader, SUI, 'object', 'ID');
  return new StructValue(datatype(loader, SUI, 'test_scenario', 'TransactionEffects'), [
    idVector(loader, created),
    idVector(loader, written),
    idVector(loader, deleted),
    vecMap(loader, T.address, toAccount),
    vecMap(loader, idType, toObject),
    idVector(loader, shared),
    idVector(loader, frozen),
    BigInt(events),
  ]);
}

const table = new Map<string, NativeFunction>();
function def(address: string, module: string, name: string, f: NativeFunction): void {
  table.set(`${address}::${module}::${name}`, f);
}

def(SUI, 'test_scenario', 'end_transaction', (ctx) => ret(TEST_COST, endTransaction(ctx)));
def(SUI, 'test_scenario', 'take_from_address_by_id', (ctx, [, account, id]) => {
  const address = addressArg(account);
  return ret(TEST_COST, take(ctx, inventoriesOf(ctx.services.objects).byAddress.get(address), idArg(id), { kind: 'address', address }));
});
def(SUI, 'test_scenario', 'take_shared_by_id', (ctx, [, id]) =>
  ret(TEST_COST, take(ctx, inventoriesOf(ctx.services.objects).shared, idArg(id), { kind: 'shared' })));
def(SUI, 'test_scenario', 'take_immutable_by_id', (ctx, [, id]) => {
  const inv = inventoriesOf(ctx.services.objects);
  const value = take(ctx, inv.immutable, idArg(id), { kind: 'immutable' });
  inv.takenImmutableValues.set(idArg(id), copyValue(value));
  return ret(TEST_COST, value);
});
def(SUI, 'test_scenario', 'most_recent_id_for_address', (ctx, [account]) => {
  const inv = inventoriesOf(ctx.services.objects);
  return ret(TEST_COST, optionOfId(ctx.services.loader, mostRecent(inv, inv.byAddress.get(addressArg(account)), ctx.typeArgs[0]!)));
});
def(SUI, 'test_scenario', 'most_recent_id_shared', (ctx) => {
  const inv = inventoriesOf(ctx.services.objects);
  return ret(TEST_COST, optionOfId(ctx.services.loader, mostRecent(inv, inv.shared, ctx.typeArgs[0]!)));
});
def(SUI, 'test_scenario', 'most_recent_immutable_id', (ctx) => {
  const inv = inventoriesOf(ctx.services.objects);
  return ret(TEST_COST, optionOfId(ctx.services.loader, mostRecent(inv, inv.immutable, ctx.typeArgs[0]!)));
});
def(SUI, 'test_scenario', 'ids_for_address', (ctx, [account]) => {
  const ids = inventoriesOf(ctx.services.objects).byAddress.get(addressArg(account))?.get(typeToString(ctx.typeArgs[0]!)) ?? [];
  return ret(TEST_COST, idVector(ctx.services.loader, ids));
});
def(SUI, 'test_scenario', 'was_taken_from_address', (ctx, [account, id]) => {
  const owner = inventoriesOf(ctx.services.objects).taken.get(idArg(id));
  return ret(TEST_COST, owner?.kind === 'address' && owner.address === addressArg(account));
});
def(SUI, 'test_scenario', 'was_taken_shared', (ctx, [id]) => ret(TEST_COST, inventoriesOf(ctx.services.objects).taken.get(idArg(id))?.kind === 'shared'));
def(SUI, 'test_scenario', 'was_taken_immutable', (ctx, [id]) => ret(TEST_COST, inventoriesOf(ctx.services.objects).taken.get(idArg(id))?.kind === 'immutable'));

// Receiving (objects sent to an object's address): a ticket takes the object out of the pool for this
// transaction; `transfer::receive` hands it over to the parent's owner, as a take does.
def(SUI, 'test_scenario', 'allocate_receiving_ticket_for_object', (ctx, [id]) => {
  const inv = inventoriesOf(ctx.services.objects);
  const object = idArg(id);
  if (inv.tickets.has(object)) throw abortError(E_RECEIVING_TICKET_ALREADY_ALLOCATED, 'test_scenario: a receiving ticket for this object is already allocated (EReceivingTicketAlreadyAllocated)');
  const value = inv.objects.get(object);
  if (value === undefined) throw abortError(E_UNABLE_TO_ALLOCATE_RECEIVING_TICKET, 'test_scenario: no such object to receive (EUnableToAllocateReceivingTicket)');
  let owner: string | undefined;
  for (const [address, byType] of inv.byAddress) if ([...byType.values()].some((ids) => ids.has(object))) owner = address;
  if (owner === undefined) throw abortError(E_OBJECT_NOT_FOUND, 'test_scenario: the object is not owned by an address or object (EObjectNotFound)');
  inv.objects.delete(object);
  inv.tickets.set(object, { owner, type: typeToString(ctx.typeArgs[0]!), value });
  return ret(TEST_COST, 0n);
});
def(SUI, 'test_scenario', 'deallocate_receiving_ticket_for_object', (ctx, [id]) => {
  const inv = inventoriesOf(ctx.services.objects);
  const ticket = inv.tickets.get(idArg(id));
  if (!ticket) throw abortError(E_UNABLE_TO_DEALLOCATE_RECEIVING_TICKET, 'test_scenario: no receiving ticket to return (EUnableToDeallocateReceivingTicket)');
  inv.tickets.delete(idArg(id));
  inv.objects.set(idArg(id), ticket.value);
  return ret(TEST_COST);
});
def(SUI, 'transfer', 'receive_impl', (ctx, [parent, toReceive, version]) => {
  const o = ctx.services.objects;
  const inv = inventoriesOf(o);
  const object = idArg(toReceive);
  const ticket = inv.tickets.get(object);
  if (!ticket || ticket.owner !== addressArg(parent) || u64Arg(version) !== 0n) throw abortError(E_UNABLE_TO_RECEIVE_OBJECT, 'transfer::receive: the object is not sent to this parent, or its ticket is stale (EUnableToReceiveObject)');
  if (ticket.type !== typeToString(ctx.typeArgs[0]!)) throw abortError(E_RECEIVING_OBJECT_TYPE_MISMATCH, 'transfer::receive: the object has another type (EReceivingObjectTypeMismatch)');
  inv.tickets.delete(object);
  const owner: ObjectOwner = { kind: 'address', address: ticket.owner };
  inv.taken.set(object, owner);
  o.inputObjects.set(object, owner);
  return ret(TEST_COST, copyValue(ticket.value));
});

// test_utils::create_one_time_witness<T>(): a value of the witness type (one bool field, as the verifier requires).
def(SUI, 'test_utils', 'create_one_time_witness', (ctx) => {
  const t = ctx.typeArgs[0]!;
  if (t.kind !== 'datatype' || t.def.isEnum) throw invariant('create_one_time_witness of a non-struct type');
  if (t.def.fields.length !== 1 || t.def.fields[0]!.type !== T.bool) throw abortError(0n, `${typeToString(t, true)} is not a one-time witness type`);
  return ret(TEST_COST, new StructValue(t, [true]));
});

// tx_context (test only): `replace` sets the native transaction context a test's TxContext stands for.
def(SUI, 'tx_context', 'replace', (ctx, [sender, txHash, epoch, epochTimestampMs, idsCreated, rgp, gasPrice, gasBudget, sponsor]) => {
  const o = ctx.services.objects;
  o.sender = addressArg(sender);
  o.digest = bytesOf(txHash);
  o.epoch = u64Arg(epoch);
  o.epochTimestampMs = u64Arg(epochTimestampMs);
  o.idsCreated = u64Arg(idsCreated);
  o.rgp = u64Arg(rgp);
  o.gasPrice = u64Arg(gasPrice);
  o.gasBudget = u64Arg(gasBudget);
  const sponsors = deref(sponsor) as VectorValue;
  o.sponsor = sponsors.items.length ? addressArg(sponsors.items[0]) : undefined;
  return ret(TEST_COST);
});
def(SUI, 'tx_context', 'last_created_id', (ctx) => {
  const id = ctx.services.objects.lastCreatedId;
  // Sui aborts when no id was created in this transaction.
  if (id === undefined) throw abortError(0n, 'tx_context::last_created_object_id: no object was created yet');
  return ret(TEST_COST, id);
});

// event (test only): the events of the current transaction.
def(SUI, 'event', 'num_events', (ctx) => ret(TEST_COST, makeInt(32, BigInt(ctx.services.objects.events.length))));
def(SUI, 'event', 'events_by_type', (ctx) => {
  const t = ctx.typeArgs[0]!;
  const key = typeToString(t);
  const events = ctx.services.objects.events.filter((e) => typeToString(e.type) === key).map((e) => copyValue(e.value));
  return ret(TEST_COST, new VectorValue(t, events));
});

// random (test only): a seed from the operating system, as Sui takes one from its thread RNG.
def(SUI, 'random', 'generate_rand_seed_for_testing', () => ret(TEST_COST, byteVector(randomBytes(32))));

/** Test-only natives, keyed `<64 hex address>::module::function`. */
export const TEST_NATIVES: ReadonlyMap<string, NativeFunction> = table;
