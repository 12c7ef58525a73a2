// The machine state before a step as decode/ reads it (EvmStateView): stack (with words a `return` already
// popped), memory, calldata, storage with reverted writes undone, the keccak preimages of deployment and
// set-up, and only those of the call computed before the step (stepping back must not reveal mapping keys
// hashed later).
import type { DecodeContext, EvmStateView, KeccakPreimage } from '../decode/index.ts';
import type { PreimageIndex } from './preimages.ts';
import type { StorageIndex } from './storage.ts';
import type { Steps } from './steps.ts';

/** What a view reads besides the per-step columns. */
export interface RecordedState {
  readonly storage: StorageIndex;
  readonly preimages: PreimageIndex;
  /** Names given to addresses (forge's vm.label), lower-case hex keys: shown after address values. */
  readonly labels?: ReadonlyMap<string, string>;
}

/** `popped`: stack words above the top still readable (see VariablePlacer.of). */
export function decodeContextAt(steps: Steps, recorded: RecordedState, step: number, popped?: ReadonlyMap<number, bigint>): DecodeContext {
  return { view: stateView(steps, recorded, step, popped), storageAddress: BigInt(steps.context(step).address || '0x0'), addressLabels: recorded.labels };
}

function stateView(steps: Steps, { storage, preimages: index }: RecordedState, step: number, popped?: ReadonlyMap<number, bigint>): EvmStateView {
  const state = steps.stateAt(step);
  const height = state.stack.length;
  const size = popped?.size ? Math.max(height, ...[...popped.keys()].map((i) => i + 1)) : height;
  const ctx = steps.context(step);
  const preimages = steps.rec.preimages, preimageSteps = steps.rec.preimageSteps, earlier = steps.rec.earlierPreimages;
  const address = (a: bigint): string => `0x${a.toString(16).padStart(40, '0')}`;
  return {
    stackSize: () => size,
    stackWord: (i) => (i < height ? state.stack[i]! : popped?.get(i) ?? 0n),
    memorySize: () => state.memory.length,
    memory: (offset, length) => {
      const out = new Uint8Array(length);
      if (offset < state.memory.length) out.set(state.memory.subarray(offset, Math.min(offset + length, state.memory.length)));
      return out;
    },
    calldata: () => ctx.calldata,
    storage: (a, slot) => storage.storageAt(address(a), slot, step),
    transientStorage: (a, slot) => storage.storageAt(address(a), slot, step, true),
    keccakPreimages: function* (): Iterable<KeccakPreimage> {
      // Keys hashed before the call (constructor, setup) first, with where they come from.
      for (const [hash, { preimage, origin }] of earlier) yield { hash, preimage, origin };
      for (const [hash, preimage] of preimages) if (preimageSteps.get(hash)! < step && !earlier.has(hash)) yield { hash, preimage };
    },
    preimagesEndingWith: (slot) => index.endingWith(slot, step),
  };
}
