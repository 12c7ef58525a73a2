// Storage and transient storage as they were before any step: recorded accesses indexed by
// (kind, address, slot), writes of reverted calls undone, the pre-call value where nothing was stored yet.
// The pre-call value of a slot the call never touched may be unknown (a transaction replayed from a node
// reads only what it needs): it is then unreadable, shown as "unavailable", never as zero.
import { Unreadable } from '../decode/layout.ts';
import { StorageKind, type Recording } from '../record/recording.ts';

export type { InitialStorage } from '../record/storage-snapshot.ts';
import type { InitialStorage } from '../record/storage-snapshot.ts';

export class StorageIndex {
  private readonly index = new Map<string, number[]>();
  /** Per address: the storage and transient storage slots accessed, with the step of their first access. */
  private readonly slotsByAddress = new Map<string, { slot: bigint; first: number; transient: boolean }[]>();

  constructor(
    private readonly rec: Recording,
    private readonly revertedAt: Float64Array,
    private readonly initialStorage: InitialStorage,
  ) {
    const ctxOf = rec.context.data;
    for (let i = 0; i < rec.storageStep.length; i++) {
      const kind = rec.storageKind.data[i]!;
      const ctx = rec.contexts[ctxOf[rec.storageStep.data[i]!]!]!;
      const key = keyOf(kind >= StorageKind.TLoad, ctx.address, rec.storageSlot[i]!);
      let list = this.index.get(key);
      if (!list) {
        this.index.set(key, (list = []));
        // Transient slots too (`tstore` in assembly has no declared variable to show them under).
        let slots = this.slotsByAddress.get(ctx.address);
        if (!slots) this.slotsByAddress.set(ctx.address, (slots = []));
        slots.push({ slot: rec.storageSlot[i]!, first: rec.storageStep.data[i]!, transient: kind >= StorageKind.TLoad });
      }
      list.push(i);
    }
  }

  /** The slots of `address` the call accessed (persistent and transient), with the step of their first access. */
  slotsOf(address: string): readonly { slot: bigint; first: number; transient: boolean }[] {
    return this.slotsByAddress.get(address) ?? [];
  }

  /** Steps that stored to a persistent slot and changed the bits of `mask` (default: any). */
  storeSteps(address: string, slot: bigint, mask = (1n << 256n) - 1n): number[] {
    const rec = this.rec;
    const list = this.index.get(keyOf(false, address, slot)) ?? [];
    return list
      .filter((i) => rec.storageKind.data[i] === StorageKind.Store && (rec.storageValue[i]! & mask) !== (rec.storagePrevious[i]! & mask))
      .map((i) => rec.storageStep.data[i]!);
  }

  /** A storage word of `address` before `step`, with writes of reverted calls undone. */
  storageAt(address: string, slot: bigint, step: number, transient = false): bigint {
    const rec = this.rec;
    const list = this.index.get(keyOf(transient, address, slot));
    if (!list) {
      if (transient) return 0n;
      const initial = this.initialStorage(address, slot);
      if (initial === undefined) throw new Unreadable(`slot 0x${slot.toString(16)} of ${address} was not read from the node`);
      return initial;
    }
    const steps = rec.storageStep.data, kinds = rec.storageKind.data, ctxOf = rec.context.data;
    // The last access before the step (binary search), then back to the latest store not undone by a revert.
    let lo = 0, hi = list.length - 1, last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[list[mid]!]! < step) { last = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let k = last; k >= 0; k--) {
      const i = list[k]!;
      const kind = kinds[i]!;
      if (kind !== StorageKind.Store && kind !== StorageKind.TStore) continue;
      if (this.revertedAt[ctxOf[steps[i]!]!]! <= step) continue;
      return rec.storageValue[i]!;
    }
    // No store in effect: the value before the first access.
    const first = list[0]!;
    return kinds[first] === StorageKind.Load || kinds[first] === StorageKind.TLoad ? rec.storageValue[first]! : rec.storagePrevious[first]!;
  }
}

function keyOf(transient: boolean, address: string, slot: bigint): string {
  return `${transient ? 't' : 's'}${address}:${slot.toString(16)}`;
}
