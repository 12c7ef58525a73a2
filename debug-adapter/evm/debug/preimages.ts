// Mapping keys without walking every recorded hash per request: the recorded KECCAK256 inputs, grouped
// once by their last word (the mapping's slot in `key . slot`) with the step that first computed each.
// A view at a step asks for one slot's inputs computed before that step: a binary search.
import type { KeccakPreimage } from '../decode/index.ts';
import type { Recording } from '../record/recording.ts';

const WORD = 32;
const NONE: readonly KeccakPreimage[] = [];

interface Group {
  readonly word: Uint8Array;
  readonly entries: KeccakPreimage[];
  /** Step of each entry's first computation (increasing). */
  readonly steps: number[];
}

export class PreimageIndex {
  private groups?: Map<number, Group[]>;

  constructor(private readonly rec: Recording) {}

  /**
   * Distinct inputs ending with `slot` in the order first computed (the same array at every step), and
   * how many of them were computed before `step`.
   */
  endingWith(slot: bigint, step: number): { all: readonly KeccakPreimage[]; count: number } {
    const word = wordBytes(slot);
    const group = this.index().get(wordHash(word, 0))?.find((g) => equalWord(g.word, word));
    if (!group) return { all: NONE, count: 0 };
    let lo = 0, hi = group.steps.length; // count of steps < step
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (group.steps[mid]! < step) lo = mid + 1; else hi = mid;
    }
    return { all: group.entries, count: lo };
  }

  build(): this {
    this.index();
    return this;
  }

  private index(): Map<number, Group[]> {
    if (this.groups) return this.groups;
    const groups = new Map<number, Group[]>();
    const steps = this.rec.preimageSteps, earlier = this.rec.earlierPreimages;
    // Inputs of deployment and set-up first (seen from the start: step -1), then the call's, recorded in the
    // order first computed: each group's steps come out increasing.
    const all: [bigint, Uint8Array, number, string | undefined][] = [];
    for (const [hash, { preimage, origin }] of earlier) all.push([hash, preimage, -1, origin]);
    for (const [hash, preimage] of this.rec.preimages) if (!earlier.has(hash)) all.push([hash, preimage, steps.get(hash)!, undefined]);
    for (const [hash, preimage, step, origin] of all) {
      if (preimage.length < WORD) continue;
      const at = preimage.length - WORD;
      const h = wordHash(preimage, at);
      let list = groups.get(h);
      if (!list) groups.set(h, (list = []));
      let group = list.find((g) => equalWord(g.word, preimage, at));
      if (!group) list.push((group = { word: preimage.subarray(at), entries: [], steps: [] }));
      group.entries.push(origin === undefined ? { hash, preimage } : { hash, preimage, origin });
      group.steps.push(step);
    }
    return (this.groups = groups);
  }
}

function wordBytes(v: bigint): Uint8Array {
  const out = new Uint8Array(WORD);
  for (let i = WORD - 1; i >= 0 && v > 0n; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

function wordHash(bytes: Uint8Array, offset: number): number {
  let h = 0x811c9dc5;
  for (let i = offset; i < offset + WORD; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

function equalWord(word: Uint8Array, bytes: Uint8Array, offset = 0): boolean {
  for (let i = 0; i < WORD; i++) if (word[i] !== bytes[offset + i]) return false;
  return true;
}
