// Fuzz inputs: a seeded generator (so a failing run can be replayed in the debugger) that favours the values
// bugs hide behind (0, 1, type bounds, small numbers) over uniform noise, as forge's strategies do.
import type { AbiParam } from '../../../language/solidity/compile.ts';

/** splitmix64: small, fast, and the same sequence for the same seed on every machine. */
export class Random {
  private state: bigint;
  constructor(seed: bigint) {
    this.state = seed & 0xffffffffffffffffn;
  }
  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  }
  bits(n: number): bigint {
    let v = 0n;
    for (let have = 0; have < n; have += 64) v = (v << 64n) | this.next64();
    return v & ((1n << BigInt(n)) - 1n);
  }
  below(n: number): number {
    return Number(this.next64() % BigInt(n));
  }
}

function uint(bits: number, r: Random): bigint {
  const max = (1n << BigInt(bits)) - 1n;
  switch (r.below(8)) {
    case 0: return BigInt(r.below(4)); // 0..3
    case 1: return max - BigInt(r.below(4));
    case 2: return BigInt(r.below(1000));
    case 3: return (1n << BigInt(r.below(bits))) + BigInt(r.below(3)) - 1n;
    default: return r.bits(bits);
  }
}

function value(p: AbiParam, r: Random): unknown {
  const t = p.type;
  const array = /^(.*)\[(\d*)\]$/.exec(t);
  if (array) {
    const inner = { ...p, type: array[1]! };
    const n = array[2] ? Number(array[2]) : r.below(6);
    return Array.from({ length: n }, () => value(inner, r));
  }
  if (t === 'tuple') return (p.components ?? []).map((c) => value(c, r));
  let m: RegExpExecArray | null;
  if ((m = /^uint(\d*)$/.exec(t))) return uint(Number(m[1] || 256), r);
  if ((m = /^int(\d*)$/.exec(t))) {
    const bits = Number(m[1] || 256);
    const u = uint(bits, r);
    return u >= 1n << BigInt(bits - 1) ? u - (1n << BigInt(bits)) : u;
  }
  if (t === 'address') return `0x${r.bits(160).toString(16).padStart(40, '0')}`;
  if (t === 'bool') return r.below(2) === 1;
  if ((m = /^bytes(\d+)$/.exec(t))) return `0x${r.bits(Number(m[1]) * 8).toString(16).padStart(Number(m[1]) * 2, '0')}`;
  if (t === 'bytes') {
    const n = r.below(70);
    return `0x${n === 0 ? '' : r.bits(n * 8).toString(16).padStart(n * 2, '0')}`;
  }
  if (t === 'string') {
    const n = r.below(40);
    return Array.from({ length: n }, () => String.fromCharCode(0x20 + r.below(95))).join('');
  }
  throw new Error(`fuzzing a parameter of type ${t} is not supported`);
}

export function generateArgs(inputs: readonly AbiParam[], r: Random): unknown[] {
  return inputs.map((p) => value(p, r));
}
