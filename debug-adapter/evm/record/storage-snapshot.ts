// Storage as it was just before the debugged call, for the storage view and data breakpoints: the recording
// holds only what the call itself read and wrote, so slots it never touched are answered from this copy.
// Its own module because the contract launch (backend.ts), the Foundry test launch and a replay take one,
// and a recording file carries its words (debug/saved.ts).
import { SimpleStateManager } from '@ethereumjs/statemanager';

/**
 * A storage word before the call; undefined when it is not known (a replayed transaction's slot not read from
 * the node): shown as "unavailable", never as zero.
 */
export interface InitialStorage {
  (address: string, slot: bigint): bigint | undefined;
  /** The words it knows (lowercase addresses), for a recording file; absent when it cannot list them. */
  readonly words?: () => Iterable<readonly [address: string, slot: bigint, value: bigint]>;
  /** True when only the listed words are known (every other slot is unknown rather than zero). */
  readonly partial?: boolean;
}

/** Storage from a list of words; every other slot is zero, or unknown when `partial`. */
export function storageFromWords(words: Iterable<readonly [string, bigint, bigint]>, partial = false): InitialStorage {
  const map = new Map<string, bigint>();
  for (const [address, slot, value] of words) map.set(`${address}:${slot}`, value);
  const read = (address: string, slot: bigint) => map.get(`${address}:${slot}`) ?? (partial ? undefined : 0n);
  return Object.assign(read, {
    partial,
    words: function* () {
      for (const [key, value] of map) yield [key.slice(0, key.indexOf(':')), BigInt(key.slice(key.indexOf(':') + 1)), value] as const;
    },
  });
}

export function storageSnapshot(chain: { readonly evm: { readonly stateManager: unknown } }): InitialStorage {
  const sm = chain.evm.stateManager;
  if (!(sm instanceof SimpleStateManager)) return storageFromWords([]);
  // SimpleStateManager keeps storage in one flat map ("<address>_<slot word>" -> value bytes); a copy of its
  // non-zero words before the call answers "what was this slot before" for slots the call never touched.
  const words: [string, bigint, bigint][] = [];
  for (const [key, v] of (sm as unknown as { topStorageStack(): Map<string, Uint8Array> }).topStorageStack()) {
    const at = key.indexOf('_');
    let n = 0n;
    for (const b of v) n = (n << 8n) | BigInt(b);
    if (n !== 0n) words.push([key.slice(0, at).toLowerCase(), BigInt(key.slice(at + 1)), n]);
  }
  return storageFromWords(words);
}
