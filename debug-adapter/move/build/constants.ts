// Constant values as the constant pool stores them: the BCS encoding of the value (integers little
// endian, addresses 32 bytes, vectors with a ULEB128 length), from literal expressions.
import type * as A from '../../../language/move/ast.ts';
import type { ModuleInfo, Program } from '../../../language/move/program.ts';
import { canonicalAddress, type Ty } from '../../../language/move/types.ts';
import { CodegenError } from './module-tables.ts';

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function littleEndian(value: bigint, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) out.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return out;
}

/** The bytes of a `b"..."` literal (escapes \n \r \t \\ \0 \" \xHH) or an `x"..."` literal. */
export function stringLiteralBytes(text: string): number[] {
  if (text.startsWith('x"')) {
    const hex = text.slice(2, -1);
    if (hex.length % 2 || !/^[0-9a-fA-F]*$/.test(hex)) throw new CodegenError(`invalid hex string ${text}`);
    return hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  }
  const body = new TextEncoder().encode(text.slice(2, -1));
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const n = String.fromCharCode(body[++i]);
    if (n === 'n') out.push(10);
    else if (n === 'r') out.push(13);
    else if (n === 't') out.push(9);
    else if (n === '0') out.push(0);
    else if (n === '\\' || n === '"') out.push(n.charCodeAt(0));
    else if (n === 'x') {
      out.push(parseInt(String.fromCharCode(body[i + 1], body[i + 2]), 16));
      i += 2;
    } else throw new CodegenError(`unknown escape '\\${n}' in ${text}`);
  }
  return out;
}

const BITS: Record<string, number> = { u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256 };

/**
 * The value of an integer constant expression of `bits` width: literals, other constants, arithmetic,
 * bit operations, shifts and casts, evaluated as the Move compiler folds them (an overflow is an error).
 */
function integerValue(e: A.Exp, bits: number, program: Program, m: ModuleInfo): bigint {
  const limit = 1n << BigInt(bits);
  const check = (v: bigint, what: string) => {
    if (v < 0n || v >= limit) throw new CodegenError(`the constant ${what} does not fit in u${bits}`);
    return v;
  };
  switch (e.kind) {
    case 'number':
      return check(BigInt(e.text.replace(/_/g, '').replace(/(u8|u16|u32|u64|u128|u256)$/, '')), e.text);
    case 'annotate':
      return integerValue(e.exp, bits, program, m);
    case 'name': {
      const c = e.path.segments.length === 1 ? m.constants.get(e.path.segments[0].value) : undefined;
      if (c && c.type.kind === 'prim' && BITS[c.type.name] !== undefined) return check(integerValue(c.decl.value, BITS[c.type.name], program, m), c.name);
      break;
    }
    case 'cast': {
      const from = program.typeOfWritten(m, e.type, []);
      void from;
      // The operand's own width is not written; evaluate it unbounded, then check the target width.
      return check(integerValue(e.exp, 256, program, m), 'cast');
    }
    case 'binary': {
      const shift = e.op === '<<' || e.op === '>>';
      const l = integerValue(e.left, bits, program, m);
      const r = integerValue(e.right, shift ? 8 : bits, program, m);
      switch (e.op) {
        case '+': return check(l + r, 'sum');
        case '-': return check(l - r, 'difference');
        case '*': return check(l * r, 'product');
        case '/':
        case '%':
          if (r === 0n) throw new CodegenError('the constant divides by zero');
          return e.op === '/' ? l / r : l % r;
        case '&': return l & r;
        case '|': return l | r;
        case '^': return l ^ r;
        case '<<':
          if (r >= BigInt(bits)) throw new CodegenError('the constant shifts by more than its width');
          return (l << r) & (limit - 1n);
        case '>>':
          if (r >= BigInt(bits)) throw new CodegenError('the constant shifts by more than its width');
          return l >> r;
      }
      break;
    }
  }
  throw new CodegenError('this constant expression is not compiled yet (integers need literals, constants, arithmetic and casts)');
}

function valueBytes(e: A.Exp, t: Ty, program: Program, m: ModuleInfo): number[] {
  if (e.kind === 'annotate') return valueBytes(e.exp, t, program, m);
  if (t.kind === 'prim') {
    switch (t.name) {
      case 'bool':
        if (e.kind !== 'bool') break;
        return [e.value ? 1 : 0];
      case 'address': {
        if (e.kind !== 'address') break;
        const named = /^[0-9]/.test(e.text) ? e.text : program.addresses.get(e.text);
        const a = named !== undefined ? canonicalAddress(named) : undefined;
        if (!a) throw new CodegenError(`unknown address '${e.text}'`);
        return littleEndian(BigInt(a), 32).reverse();
      }
      case 'signer':
        break;
      default: {
        const bits = BITS[t.name];
        return littleEndian(integerValue(e, bits, program, m), bits / 8);
      }
    }
  }
  if (t.kind === 'vector') {
    if (e.kind === 'byteString' || e.kind === 'hexString') {
      const bytes = stringLiteralBytes(e.text);
      return [...uleb(bytes.length), ...bytes];
    }
    if (e.kind === 'vector') return [...uleb(e.elems.length), ...e.elems.flatMap((x) => valueBytes(x, t.elem, program, m))];
  }
  if (e.kind === 'name' && e.path.segments.length === 1) {
    const c = m.constants.get(e.path.segments[0].value);
    if (c) return valueBytes(c.decl.value, t, program, m);
  }
  throw new CodegenError('this constant expression is not compiled yet (only literals, vectors of literals and other constants)');
}

export function constantBytes(e: A.Exp, t: Ty, program: Program, m: ModuleInfo): Uint8Array {
  return Uint8Array.from(valueBytes(e, t, program, m));
}
