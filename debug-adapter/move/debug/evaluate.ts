// Expressions over a frame's decoded Move values, for watch, hover and breakpoint conditions: local
// names, field access `a.b`, vector indexing `v[i]` (any expression as index), integer, bool and address
// literals, arithmetic (+ - * / %), comparisons (== != < <= > >=, == also on structs and vectors),
// logic (&& || !) and parentheses. Integers are exact (bigint); a result below zero or a division by
// zero is an EvaluationError, like every other mistake, with a message for the user.
import { EvaluationError } from '../../core/errors.ts';
import { isDeepStrictEqual } from 'node:util';
import type { TraceMoveValue } from '../trace/format.ts';

export type Expr =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'field'; readonly of: Expr; readonly field: string }
  | { readonly kind: 'index'; readonly of: Expr; readonly index: Expr }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'address'; readonly value: string }
  | { readonly kind: 'unary'; readonly op: '!'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr };

/** A value during evaluation: a decoded Move value, or an integer literal not yet given a width. */
export type EvalValue = TraceMoveValue | { readonly type: 'Int'; readonly value: bigint };

const TOKEN = /\s*(0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|&&|\|\||[-+*/%<>!().[\]])/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new EvaluationError(`Cannot evaluate "${text}": unexpected "${text.slice(pos).trim()[0]}".`);
    out.push(m[1]!);
    pos = TOKEN.lastIndex;
  }
  return out;
}

const PRECEDENCE: Record<string, number> = {
  '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6,
};

export function parseExpression(text: string): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const fail = (why: string): never => {
    throw new EvaluationError(`Cannot evaluate "${text}": ${why}.`);
  };
  const primary = (): Expr => {
    const t = tokens[pos++];
    if (t === undefined) return fail('it ends early');
    let e: Expr;
    if (t === '(') {
      e = binary(0);
      if (tokens[pos++] !== ')') fail('a ")" is missing');
    } else if (t === '!') {
      return { kind: 'unary', op: '!', arg: primary() };
    } else if (/^0x/i.test(t)) {
      e = { kind: 'address', value: t.slice(2).toLowerCase().padStart(64, '0') };
      if (t.length > 66) fail(`${t} is longer than an address`);
    } else if (/^\d/.test(t)) {
      e = { kind: 'int', value: BigInt(t) };
    } else if (t === 'true' || t === 'false') {
      e = { kind: 'bool', value: t === 'true' };
    } else if (/^[A-Za-z_]/.test(t)) {
      e = { kind: 'name', name: t };
    } else {
      return fail(`unexpected "${t}"`);
    }
    for (;;) {
      if (tokens[pos] === '.') {
        pos++;
        const field = tokens[pos++];
        if (!field || !/^[A-Za-z_]/.test(field)) fail('a field name must follow "."');
        e = { kind: 'field', of: e, field: field! };
      } else if (tokens[pos] === '[') {
        pos++;
        const index = binary(0);
        if (tokens[pos++] !== ']') fail('a "]" is missing');
        e = { kind: 'index', of: e, index };
      } else {
        return e;
      }
    }
  };
  const binary = (min: number): Expr => {
    let left = primary();
    for (;;) {
      const op = tokens[pos];
      const p = op !== undefined ? PRECEDENCE[op] : undefined;
      if (p === undefined || p < min) return left;
      pos++;
      const right = binary(p + 1);
      left = { kind: 'binary', op: op!, left, right };
    }
  };
  const e = binary(1);
  if (pos < tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return e;
}

/** True when the expression is a plain path (`a`, `a.b`, `v[0]`): shown with its children. */
export function isPath(e: Expr): boolean {
  if (e.kind === 'name') return true;
  if (e.kind === 'field') return isPath(e.of);
  if (e.kind === 'index') return isPath(e.of) && e.index.kind === 'int';
  return false;
}

/** The text of an expression, normalised (`v [ 1 ]` -> `v[1]`). */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'name':
      return e.name;
    case 'field':
      return `${exprText(e.of)}.${e.field}`;
    case 'index':
      return `${exprText(e.of)}[${exprText(e.index)}]`;
    case 'int':
      return e.value.toString();
    case 'bool':
      return String(e.value);
    case 'address':
      return `0x${e.value.replace(/^0+(?=.)/, '')}`;
    case 'unary':
      return `!${exprText(e.arg)}`;
    case 'binary':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
  }
}

const INT_TYPES = new Set(['U8', 'U16', 'U32', 'U64', 'U128', 'U256', 'Int']);
const MAX: Record<string, bigint> = { U8: 0xffn, U16: 0xffffn, U32: 0xffffffffn, U64: (1n << 64n) - 1n, U128: (1n << 128n) - 1n, U256: (1n << 256n) - 1n };

function intOf(v: EvalValue, what: string): bigint {
  if (!INT_TYPES.has(v.type)) throw new EvaluationError(`${what} is not an integer.`);
  return BigInt(v.value as bigint | number);
}

function withWidth(type: string, value: bigint, what: string): EvalValue {
  if (value < 0n) throw new EvaluationError(`${what}: arithmetic underflow (the result is below zero).`);
  if (type === 'Int') return { type: 'Int', value };
  if (value > MAX[type]!) throw new EvaluationError(`${what}: arithmetic overflow (the result does not fit in ${type.toLowerCase()}).`);
  return type === 'U8' || type === 'U16' || type === 'U32'
    ? ({ type, value: Number(value) } as TraceMoveValue)
    : ({ type, value } as TraceMoveValue);
}

/** Evaluates an expression; `lookup` gives a local's value (references followed) or throws EvaluationError. */
export function evaluateExpression(e: Expr, lookup: (name: string) => TraceMoveValue): EvalValue {
  switch (e.kind) {
    case 'name':
      return lookup(e.name);
    case 'int':
      return { type: 'Int', value: e.value };
    case 'bool':
      return { type: 'Bool', value: e.value };
    case 'address':
      return { type: 'Address', value: e.value };
    case 'field': {
      const of = evaluateExpression(e.of, lookup);
      const text = exprText(e.of);
      if (of.type !== 'Struct' && of.type !== 'Variant') throw new EvaluationError(`${text} is not a struct: it has no field ${e.field}.`);
      const field = of.value.fields.find(([n]) => n === e.field);
      if (!field) throw new EvaluationError(`${text} has no field ${e.field} (fields: ${of.value.fields.map(([n]) => n).join(', ') || 'none'}).`);
      return field[1];
    }
    case 'index': {
      const of = evaluateExpression(e.of, lookup);
      const text = exprText(e.of);
      if (of.type !== 'Vector') throw new EvaluationError(`${text} is not a vector: it cannot be indexed.`);
      const i = intOf(evaluateExpression(e.index, lookup), `The index ${exprText(e.index)}`);
      if (i >= BigInt(of.value.length)) throw new EvaluationError(`${text}[${i}]: index out of bounds (length ${of.value.length}).`);
      return of.value[Number(i)]!;
    }
    case 'unary': {
      const v = evaluateExpression(e.arg, lookup);
      if (v.type !== 'Bool') throw new EvaluationError(`!${exprText(e.arg)}: not a bool.`);
      return { type: 'Bool', value: !v.value };
    }
    case 'binary':
      return binaryOp(e, lookup);
  }
}

function binaryOp(e: Extract<Expr, { kind: 'binary' }>, lookup: (name: string) => TraceMoveValue): EvalValue {
  const what = exprText(e);
  if (e.op === '&&' || e.op === '||') {
    const l = evaluateExpression(e.left, lookup);
    if (l.type !== 'Bool') throw new EvaluationError(`${exprText(e.left)} is not a bool.`);
    if (e.op === '&&' ? !l.value : l.value) return l;
    const r = evaluateExpression(e.right, lookup);
    if (r.type !== 'Bool') throw new EvaluationError(`${exprText(e.right)} is not a bool.`);
    return r;
  }
  const l = evaluateExpression(e.left, lookup);
  const r = evaluateExpression(e.right, lookup);
  const ints = INT_TYPES.has(l.type) && INT_TYPES.has(r.type);
  if (e.op === '==' || e.op === '!=') {
    const same = ints ? intOf(l, what) === intOf(r, what) : l.type === r.type && isDeepStrictEqual(l.value, r.value);
    if (!ints && l.type !== r.type) throw new EvaluationError(`${what}: cannot compare ${l.type.toLowerCase()} with ${r.type.toLowerCase()}.`);
    return { type: 'Bool', value: e.op === '==' ? same : !same };
  }
  if (!ints) throw new EvaluationError(`${what}: ${e.op} needs integers.`);
  if (l.type !== 'Int' && r.type !== 'Int' && l.type !== r.type) throw new EvaluationError(`${what}: ${l.type.toLowerCase()} and ${r.type.toLowerCase()} differ (Move does not mix integer types).`);
  const type = l.type !== 'Int' ? l.type : r.type;
  const a = intOf(l, what);
  const b = intOf(r, what);
  switch (e.op) {
    case '<':
      return { type: 'Bool', value: a < b };
    case '<=':
      return { type: 'Bool', value: a <= b };
    case '>':
      return { type: 'Bool', value: a > b };
    case '>=':
      return { type: 'Bool', value: a >= b };
    case '+':
      return withWidth(type, a + b, what);
    case '-':
      return withWidth(type, a - b, what);
    case '*':
      return withWidth(type, a * b, what);
    case '/':
    case '%':
      if (b === 0n) throw new EvaluationError(`${what}: division by zero.`);
      return withWidth(type, e.op === '/' ? a / b : a % b, what);
  }
  throw new EvaluationError(`${what}: unknown operator ${e.op}.`);
}
