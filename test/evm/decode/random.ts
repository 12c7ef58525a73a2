// A small seeded random generator (xorshift32) so fuzz tests are reproducible.

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.next() % (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.next() & 0xff;
    return out;
  }

  /** Flip, insert, delete or truncate a few bytes of `data`. */
  mutate(data: Uint8Array): Uint8Array {
    const out = [...data];
    const edits = this.int(1, 4);
    for (let e = 0; e < edits; e++) {
      const at = this.int(0, Math.max(0, out.length - 1));
      switch (this.int(0, 4)) {
        case 0:
          out[at] = this.next() & 0xff;
          break;
        case 1:
          out.splice(at, 0, this.next() & 0xff);
          break;
        case 2:
          out.splice(at, 1);
          break;
        case 3:
          out.length = at;
          break;
        default:
          // Large lengths and offsets are what break naive decoders.
          out[at] = 0xff;
      }
    }
    return Uint8Array.from(out);
  }
}
