// Storage and transient storage as they were before any step: recorded accesses indexed by
// (kind, address, slot), writes of reverted calls undone, the pre-call value where nothing was stored yet.
import { StorageKind, type Recording } from '../record/recording.ts';

export class StorageIndex {
  private readonly index = new Map<string, number[]>();
  /** Per address: the persistent-storage slots accessed, with the step of their first access. */
  private readonly slotsByAddress = new Map<string, { slot: bigint; first: number }[]>();

  constructor(
    private readonly rec: Recording,
    private readonly revertedAt: Float64Array,
    private readonly initialStorage: (address: string, slot: bigint) => bigint,
  ) {
    const ctxOf = rec.context.data;
    for (let i = 0; i < rec.storageStep.length; i++) {
      const kind = rec.storageKind.data[i]!;
      const ctx = rec.contexts[ctxOf[rec.storageStep.data[i]!]!]!;
      const key = keyOf(kind >= StorageKind.TLoad, ctx.address, rec.storageSlot[i]!);
      let list = this.index.get(key);
      if (!list) {
        this.index.set(key, (list = []));
        if (kind <= StorageKind.Store) {
          let slots = this.slotsByAddress.get(ctx.address);
          if (!slots) this.slotsByAddress.set(ctx.address, (slots = []));
          slots.push({ slot: rec.storageSlot[i]!, first: rec.storageStep.data[i]! });
        }
      }
      list.push(i);
    }
  }

  /** The persistent slots of `address` the call accessed, with the step of their first access. */
  slotsOf(address: string): readonly { slot: bigint; first: number }[] {
    return this.slotsByAddress.get(address) ?? [];
  }

  /** Steps that stored to a persistent slot. */
  storeSteps(address: string, slot: bigint): number[] {
    const list = this.index.get(keyOf(false, address, slot)) ?? [];
    return list.filter((i) => this.rec.storageKind.data[i] === StorageKind.Store).map((i) => this.rec.storageStep.data[i]!);
  }

  /** A storage word of `address` before `step`, with writes of reverted calls undone. */
  storageAt(address: string, slot: bigint, step: number, transient = false): bigint {
    const rec = this.rec;
    const list = this.index.get(keyOf(transient, address, slot));
    const initial = transient ? 0n : this.initialStorage(address, slot);
    if (!list) return initial;
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
