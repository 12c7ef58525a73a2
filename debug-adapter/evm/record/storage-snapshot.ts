// Storage as it was just before the debugged call, for the storage view and data breakpoints: the recording
// holds only what the call itself read and wrote, so slots it never touched are answered from this copy.
// Its own module because both the contract launch (backend.ts) and the Foundry test launch take one.
import { SimpleStateManager } from '@ethereumjs/statemanager';

export function storageSnapshot(chain: { readonly evm: { readonly stateManager: unknown } }): (address: string, slot: bigint) => bigint {
  const sm = chain.evm.stateManager;
  if (!(sm instanceof SimpleStateManager)) return () => 0n;
  // SimpleStateManager keeps storage in one flat map ("<address>_<slot word>" -> value bytes); a copy of it
  // before the call answers "what was this slot before" for slots the call never touched.
  const copy = new Map((sm as unknown as { topStorageStack(): Map<string, Uint8Array> }).topStorageStack());
  return (address, slot) => {
    const v = copy.get(`${address}_0x${slot.toString(16).padStart(64, '0')}`);
    if (!v) return 0n;
    let n = 0n;
    for (const b of v) n = (n << 8n) | BigInt(b);
    return n;
  };
}
