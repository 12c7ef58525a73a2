// Sui child objects (dynamic fields, dynamic object fields, table entries) as they are at a step.
//
// A dynamic field lives in the object runtime, not in any local: it is created by the native
// `0x2::dynamic_field::add_child_object(parent, child)` and removed by `remove_child_object(parent, id)`.
// Both natives are frames of the recording with their arguments (from a trace file or our interpreter),
// so the set of child objects at any step is the fold of those calls made before it. Writes through a
// `borrow_child_object_mut` reference land on a trace global whose value carries the same UID: the
// latest such value is the field's current one.
import type { TraceMoveValue } from '../trace/format.ts';
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
