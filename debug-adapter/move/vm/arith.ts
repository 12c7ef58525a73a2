// Integer semantics of Move: every operation checks its operands have the same width and aborts with
// ARITHMETIC_ERROR on overflow, underflow, division by zero, a lossy cast or a shift by at least the
// width, exactly where the real VM does. u64 values are bare bigints, other widths UInt (values.ts).
import { VMError, invariant } from './status.ts';
import { UInt, makeInt, type IntWidth, type Value } from './values.ts';

const MAX: Record<IntWidth, bigint> = {
  8: 0xffn,
  16: 0xffffn,
  32: 0xffff_ffffn,
  64: 0xffff_ffff_ffff_ffffn,
  128: (1n << 128n) - 1n,
  256: (1n << 256n) - 1n,
};
export const U64_MAX = MAX[64];

export function maxOf(width: IntWidth): bigint {
  return MAX[width];
}

function arithmetic(message: string): VMError {
  return new VMError('ARITHMETIC_ERROR', message);
}

/** Width shared by both operands, or an invariant violation (the verifier guarantees it for real code). */
function widthOf(a: Value, b: Value, op: string): IntWidth {
  if (typeof a === 'bigint') {
    if (typeof b === 'bigint') return 64;
  } else if (a instanceof UInt && b instanceof UInt && a.width === b.width) return a.width;
  throw invariant(`${op} on operands of different or non-integer types`);
}

const val = (v: Value): bigint => (typeof v === 'bigint' ? v : (v as UInt).v);

export function add(a: Value, b: Value): Value {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    const r = a + b;
    if (r > U64_MAX) throw arithmetic('addition overflow');
    return r;
  }
  const w = widthOf(a, b, 'ADD');
  const r = val(a) + val(b);
  if (r > MAX[w]) throw arithmetic('addition overflow');
  return makeInt(w, r);
}

export function sub(a: Value, b: Value): Value {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b > a) throw arithmetic('subtraction underflow');
    return a - b;
  }
  const w = widthOf(a, b, 'SUB');
  const x = val(a);
  const y = val(b);
  if (y > x) throw arithmetic('subtraction underflow');
  return makeInt(w, x - y);
}

export function mul(a: Value, b: Value): Value {
  const w = widthOf(a, b, 'MUL');
  const r = val(a) * val(b);
  if (r > MAX[w]) throw arithmetic('multiplication overflow');
  return makeInt(w, r);
}

export function div(a: Value, b: Value): Value {
  const w = widthOf(a, b, 'DIV');
  const y = val(b);
  if (y === 0n) throw arithmetic('division by zero');
  return makeInt(w, val(a) / y);
}

export function mod(a: Value, b: Value): Value {
  const w = widthOf(a, b, 'MOD');
  const y = val(b);
  if (y === 0n) throw arithmetic('modulo by zero');
  return makeInt(w, val(a) % y);
}

export function bitOr(a: Value, b: Value): Value {
  return makeInt(widthOf(a, b, 'BIT_OR'), val(a) | val(b));
}

export function bitAnd(a: Value, b: Value): Value {
  return makeInt(widthOf(a, b, 'BIT_AND'), val(a) & val(b));
}

export function xor(a: Value, b: Value): Value {
  return makeInt(widthOf(a, b, 'XOR'), val(a) ^ val(b));
}

/** Shift amount is a u8; shifting by the width or more aborts; bits shifted out of the width are lost. */
function shiftAmount(a: Value, n: Value, op: string): [IntWidth, bigint] {
  const w: IntWidth | 0 = typeof a === 'bigint' ? 64 : a instanceof UInt ? a.width : 0;
  if (!w || !(n instanceof UInt) || n.width !== 8) throw invariant(`${op} on non-integer operands`);
  if (n.v >= BigInt(w)) throw arithmetic(`shift by ${n.v} on a u${w}`);
  return [w, n.v];
}

export function shl(a: Value, n: Value): Value {
  const [w, k] = shiftAmount(a, n, 'SHL');
  return makeInt(w, (val(a) << k) & MAX[w]);
}

export function shr(a: Value, n: Value): Value {
  const [w, k] = shiftAmount(a, n, 'SHR');
  return makeInt(w, val(a) >> k);
}

export function lt(a: Value, b: Value): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b;
  widthOf(a, b, 'LT');
  return val(a) < val(b);
}

export function gt(a: Value, b: Value): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a > b;
  widthOf(a, b, 'GT');
  return val(a) > val(b);
}

export function le(a: Value, b: Value): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a <= b;
  widthOf(a, b, 'LE');
  return val(a) <= val(b);
}

export function ge(a: Value, b: Value): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a >= b;
  widthOf(a, b, 'GE');
  return val(a) >= val(b);
}

/** CAST_Un: any integer to width `to`; aborts when the value does not fit. */
export function cast(v: Value, to: IntWidth): Value {
  let x: bigint;
  if (typeof v === 'bigint') x = v;
  else if (v instanceof UInt) x = v.v;
  else throw invariant('cast of a non-integer');
  if (x > MAX[to]) throw arithmetic(`cannot cast ${x} to u${to}`);
  return makeInt(to, x);
}
