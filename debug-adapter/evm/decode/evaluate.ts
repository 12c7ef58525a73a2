// Expression evaluation over decoded values (watch, hover, evaluate, breakpoint conditions, logpoints).
//
// A small Solidity-like expression language: names, `a.b`, `a[i]` (arrays, bytes, and mappings with
// any key: the slot is computed as keccak256(key . slot) and read, so a key never seen in the run still
// works), `msg.sender` & co, literals (decimal, hex, strings, true/false), conversions `address(…)`,
// `uintN(…)`, `intN(…)`, `bytesN(…)`, `.length`, and `+ - * / % ** == != < <= > >= && || !`.
// Arithmetic follows Solidity's types: literals are exact constants (`int_const N`) until they meet a typed
// operand, whose type they take (and must fit); two typed operands compute in their common type (or are a
// type error, as solc reports); a result out of range, or a division by zero, is reported as the Panic the
// contract would raise (checked arithmetic), never wrapped or widened.

import type { ValueFormat, Variable } from '../../core/execution.ts';
import { EvaluationError } from '../../core/errors.ts';
import { isValueType, typeLabel, type DecodeContext, type Location, type SolType } from './model.ts';
import {
  Unreadable,
  arrayLength,
  elementLocation,
  mappingValueSlot,
  memberLocation,
  readByteArray,
  readValueWord,
  resolve,
  wordToBytes,
  type Resolved,
} from './layout.ts';
import { decodeResolved, formatWord } from './values.ts';
import { elementaryType } from './types.ts';

/** A parsed expression (syntax tree). Columns are 1-based positions in the expression text. */
export type Expression =
  | { readonly kind: 'identifier'; readonly name: string; readonly column: number }
  | { readonly kind: 'number'; readonly value: bigint; readonly hexDigits?: number; readonly column: number }
  | { readonly kind: 'string'; readonly value: string; readonly column: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly column: number }
  | { readonly kind: 'member'; readonly object: Expression; readonly member: string; readonly column: number }
  | { readonly kind: 'index'; readonly object: Expression; readonly index: Expression; readonly column: number }
  | { readonly kind: 'call'; readonly callee: string; readonly args: readonly Expression[]; readonly column: number }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly operand: Expression; readonly column: number }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expression; readonly right: Expression; readonly column: number };

/** A typed value: where it lives and what it is. */
export interface EvalValue {
  readonly type: SolType;
  readonly location: Location;
}

/** What the backend provides at a stop: the names visible in the selected frame and the call's globals. */
export interface EvalEnvironment {
  /** A local, parameter, return variable or state variable visible in the frame; undefined when unknown. */
  lookup(name: string): EvalValue | undefined;
  /**
   * Globals as words: `msg.sender`, `msg.value`, `msg.sig`, `tx.origin`, `tx.gasprice`, `block.number`,
   * `block.timestamp`, `block.chainid`, `block.coinbase`, `block.basefee`, `block.gaslimit`, `this`; undefined when unknown.
   */
  global(name: string): bigint | undefined;
  /** Optional: a declared type by name (`Color`, `Store.Color`), so enum members (`Color.Red`) can be written. */
  typeByName?(name: string): SolType | undefined;
}

// ---------------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { kind: 'name'; text: string; column: number }
  | { kind: 'number'; value: bigint; hexDigits?: number; column: number }
  | { kind: 'string'; value: string; column: number }
  | { kind: 'op'; text: string; column: number }
  | { kind: 'end'; column: number };

const OPERATORS = ['**', '==', '!=', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '!', '(', ')', '[', ']', '.', ','];
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 100;

function parseError(column: number, message: string): EvaluationError {
  return new EvaluationError(`parse error at column ${column}: ${message}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const column = i + 1;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'name', text: match[0], column });
      i += match[0].length;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const hex = /^0[xX]([0-9a-fA-F_]*)/.exec(text.slice(i, i + 200));
      if (hex) {
        const digits = hex[1]!.replace(/_/g, '');
        if (digits.length === 0) throw parseError(column, 'hex number without digits');
        const end = i + hex[0].length;
        if (/[A-Za-z0-9_$]/.test(text[end] ?? '')) throw parseError(end + 1, `unexpected '${text[end]}' in number`);
        tokens.push({ kind: 'number', value: BigInt(`0x${digits}`), hexDigits: digits.length, column });
        i = end;
        continue;
      }
      const decimal = /^[0-9][0-9_]*(?:[eE][0-9]+)?/.exec(text.slice(i, i + 200))!;
      const end = i + decimal[0].length;
      if (/[A-Za-z0-9_$.]/.test(text[end] ?? '')) throw parseError(end + 1, `unexpected '${text[end]}' in number`);
      const [mantissa, exponent] = decimal[0].replace(/_/g, '').split(/[eE]/);
      if (exponent !== undefined && Number(exponent) > 256) throw parseError(column, 'number too large');
      tokens.push({ kind: 'number', value: BigInt(mantissa!) * 10n ** BigInt(exponent ?? 0), column });
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw parseError(column, 'unterminated string');
        const d = text[j]!;
        if (d === c) break;
        if (d === '\\') {
          const e = text[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
          if (e !== undefined && e in simple) {
            value += simple[e];
            j += 2;
            continue;
          }
          const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(j + 1, j + 4));
          if (hex) {
            value += String.fromCharCode(parseInt(hex[1]!, 16));
            j += 4;
            continue;
          }
          const unicode = /^u([0-9a-fA-F]{4})/.exec(text.slice(j + 1, j + 6));
          if (unicode) {
            value += String.fromCharCode(parseInt(unicode[1]!, 16));
            j += 6;
            continue;
          }
          throw parseError(j + 1, 'unknown escape in string');
        }
        value += d;
        j++;
      }
      tokens.push({ kind: 'string', value, column });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw parseError(column, `unexpected character '${c}'`);
    tokens.push({ kind: 'op', text: op, column });
    i += op.length;
  }
  tokens.push({ kind: 'end', column: text.length + 1 });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------
// Parser (precedence climbing, lowest first: || && equality comparison additive multiplicative unary **)

const BINARY_LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === text;
  }

  private expectOp(text: string): void {
    const token = this.peek();
    if (!this.isOp(text)) throw parseError(token.column, `expected '${text}' but found ${describe(token)}`);
    this.position++;
  }

  parse(): Expression {
    const expression = this.binary(0);
    const token = this.peek();
    if (token.kind !== 'end') throw parseError(token.column, `unexpected ${describe(token)}`);
    return expression;
  }

  private enter(column: number): void {
    if (++this.depth > MAX_DEPTH) throw parseError(column, 'expression too deeply nested');
  }

  private binary(level: number): Expression {
    if (level === BINARY_LEVELS.length) return this.power();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || !BINARY_LEVELS[level]!.includes(token.text)) return left;
      this.position++;
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: token.text, left, right, column: token.column };
    }
  }

  private unary(): Expression {
    const token = this.peek();
    if (token.kind === 'op' && (token.text === '!' || token.text === '-')) {
      this.position++;
      this.enter(token.column);
      const operand = this.unary();
      this.depth--;
      return { kind: 'unary', op: token.text, operand, column: token.column };
    }
    return this.postfix();
  }

  /** Solidity binds prefix operators tighter than `**`: `-2 ** 2` is `(-2) ** 2`. */
  private power(): Expression {
    const base = this.unary();
    const token = this.peek();
    if (token.kind === 'op' && token.text === '**') {
      this.position++;
      this.enter(token.column);
      const exponent = this.power(); // right-associative
      this.depth--;
      return { kind: 'binary', op: '**', left: base, right: exponent, column: token.column };
    }
    return base;
  }

  private postfix(): Expression {
    let expression = this.primary();
    for (;;) {
      const token = this.peek();
      if (this.isOp('.')) {
        this.position++;
        const name = this.peek();
        if (name.kind !== 'name') throw parseError(name.column, `expected a member name after '.' but found ${describe(name)}`);
        this.position++;
        expression = { kind: 'member', object: expression, member: name.text, column: token.column };
      } else if (this.isOp('[')) {
        this.position++;
        this.enter(token.column);
        const index = this.binary(0);
        this.depth--;
        this.expectOp(']');
        expression = { kind: 'index', object: expression, index, column: token.column };
      } else {
        return expression;
      }
    }
  }

  private primary(): Expression {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.position++;
        return { kind: 'number', value: token.value, hexDigits: token.hexDigits, column: token.column };
      case 'string':
        this.position++;
        return { kind: 'string', value: token.value, column: token.column };
      case 'name': {
        this.position++;
        if (token.text === 'true' || token.text === 'false') return { kind: 'bool', value: token.text === 'true', column: token.column };
        if (this.isOp('(')) {
          this.position++;
          this.enter(token.column);
          const args: Expression[] = [];
          if (!this.isOp(')')) {
            args.push(this.binary(0));
            while (this.isOp(',')) {
              this.position++;
              args.push(this.binary(0));
            }
          }
          this.depth--;
          this.expectOp(')');
          return { kind: 'call', callee: token.text, args, column: token.column };
        }
        return { kind: 'identifier', name: token.text, column: token.column };
      }
      case 'op':
        if (token.text === '(') {
          this.position++;
          this.enter(token.column);
          const inner = this.binary(0);
          this.depth--;
          this.expectOp(')');
          return inner;
        }
        throw parseError(token.column, `unexpected ${describe(token)}`);
      case 'end':
        throw parseError(token.column, 'unexpected end of expression');
    }
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of expression';
    case 'name':
      return `'${token.text}'`;
    case 'op':
      return `'${token.text}'`;
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
  }
}

/** Parse; throws EvaluationError "parse error at column N: …". */
export function parseExpression(text: string): Expression {
  if (text.trim() === '') throw parseError(1, 'empty expression');
  if (text.length > MAX_LENGTH) throw parseError(MAX_LENGTH, 'expression too long');
  return new Parser(tokenize(text)).parse();
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

const UINT256: IntegerType = { kind: 'uint', bits: 256 };
const INT256: IntegerType = { kind: 'int', bits: 256 };
const BOOL: SolType = { kind: 'bool' };
const ADDRESS: SolType = { kind: 'address', payable: false };
const STRING: SolType = { kind: 'string' };

const GLOBALS: Readonly<Record<string, SolType>> = {
  'msg.sender': ADDRESS,
  'msg.value': UINT256,
  'msg.sig': { kind: 'fixedBytes', size: 4 },
  'tx.origin': ADDRESS,
  'tx.gasprice': UINT256,
  'block.number': UINT256,
  'block.timestamp': UINT256,
  'block.chainid': UINT256,
  'block.coinbase': { kind: 'address', payable: true },
  'block.basefee': UINT256,
  'block.gaslimit': UINT256,
  'block.prevrandao': UINT256,
};

const MAX_UINT = (1n << 256n) - 1n;
const MIN_INT = -(1n << 255n);

class Evaluator {
  constructor(
    private readonly env: EvalEnvironment,
    private readonly ctx: DecodeContext,
  ) {}

  evaluate(expression: Expression): EvalValue {
    switch (expression.kind) {
      case 'number': {
        const value = constant(expression.value);
        if (expression.hexDigits !== undefined) hexLiterals.set(value, expression.hexDigits);
        return value;
      }
      case 'string':
        return { type: STRING, location: { kind: 'bytes', data: new TextEncoder().encode(expression.value) } };
      case 'bool':
        return { type: BOOL, location: { kind: 'value', word: expression.value ? 1n : 0n } };
      case 'identifier':
        return this.identifier(expression.name);
      case 'member':
        return this.member(expression);
      case 'index':
        return this.index(expression);
      case 'call':
        return this.call(expression);
      case 'unary':
        return this.unary(expression);
      case 'binary':
        return this.binary(expression);
    }
  }

  private identifier(name: string): EvalValue {
    const found = this.env.lookup(name);
    if (found) return found;
    if (name === 'this') {
      const word = this.env.global('this');
      if (word !== undefined) return { type: ADDRESS, location: { kind: 'value', word } };
    }
    if (name === 'msg' || name === 'tx' || name === 'block') throw new EvaluationError(`'${name}' needs a member, e.g. ${name === 'msg' ? 'msg.sender' : name === 'tx' ? 'tx.origin' : 'block.number'}`);
    throw new EvaluationError(`unknown name '${name}'`);
  }

  private member(expression: Expression & { kind: 'member' }): EvalValue {
    const object = expression.object;
    if (object.kind === 'identifier' && ['msg', 'tx', 'block'].includes(object.name) && !this.env.lookup(object.name)) {
      const key = `${object.name}.${expression.member}`;
      const type = GLOBALS[key];
      if (!type) throw new EvaluationError(`unknown member '${expression.member}' of ${object.name}`);
      const word = this.env.global(key);
      if (word === undefined) throw new EvaluationError(`${key} is not available here`);
      return { type, location: { kind: 'value', word } };
    }
    const enumValue = this.enumMember(expression);
    if (enumValue) return enumValue;
    const value = this.evaluate(object);
    const type = value.type;
    if (expression.member === 'length' && (type.kind === 'array' || type.kind === 'bytes' || type.kind === 'string')) {
      const at = this.resolve(value);
      const length =
        type.kind === 'array' ? this.read(() => arrayLength(type, at, this.ctx)) : this.read(() => readByteArray(at, this.ctx, 0).length);
      return number(BigInt(length));
    }
    if (expression.member === 'length' && type.kind === 'fixedBytes') return number(BigInt(type.size));
    if (type.kind === 'struct') {
      const index = type.members.findIndex((m) => m.name === expression.member);
      if (index < 0) throw new EvaluationError(`${type.name} has no member '${expression.member}'`);
      const at = this.resolve(value);
      return { type: type.members[index]!.type, location: this.read(() => memberLocation(type, at, index, this.ctx)) };
    }
    throw new EvaluationError(`${typeLabel(type)} has no member '${expression.member}'`);
  }

  /** `Color.Red` / `Store.Color.Red` when the path names an enum type (and not a variable). */
  private enumMember(expression: Expression & { kind: 'member' }): EvalValue | undefined {
    const names: string[] = [];
    let object: Expression = expression.object;
    while (object.kind === 'member') {
      names.unshift(object.member);
      object = object.object;
    }
    if (object.kind !== 'identifier' || !this.env.typeByName || this.env.lookup(object.name)) return undefined;
    names.unshift(object.name);
    const type = this.env.typeByName(names.join('.'));
    if (!type || type.kind !== 'enum') return undefined;
    const index = type.members.indexOf(expression.member);
    if (index < 0) throw new EvaluationError(`${type.name} has no member '${expression.member}'`);
    return { type, location: { kind: 'value', word: BigInt(index) } };
  }

  private index(expression: Expression & { kind: 'index' }): EvalValue {
    const container = this.evaluate(expression.object);
    const type = container.type;
    if (type.kind === 'mapping') {
      const at = this.resolve(container);
      if (at.kind !== 'storage') throw new EvaluationError('mappings exist only in storage');
      const key = this.mappingKey(type.key, this.evaluate(expression.index));
      return { type: type.value, location: { kind: 'storage', slot: mappingValueSlot(at.slot, key), byteOffset: 0, transient: at.transient } };
    }
    const index = this.integer(this.evaluate(expression.index), 'an index');
    if (type.kind === 'array') {
      const at = this.resolve(container);
      const length = this.read(() => arrayLength(type, at, this.ctx));
      if (index < 0n || index >= BigInt(length)) throw new EvaluationError(`index ${index} out of range (length ${length})`);
      return { type: type.base, location: this.read(() => elementLocation(type, at, Number(index), this.ctx)) };
    }
    if (type.kind === 'bytes' || type.kind === 'fixedBytes') {
      const bytes =
        type.kind === 'bytes' ? this.read(() => readByteArray(this.resolve(container), this.ctx).bytes) : wordToBytes(this.word(container)).subarray(0, type.size);
      if (index < 0n || index >= BigInt(bytes.length)) throw new EvaluationError(`index ${index} out of range (length ${bytes.length})`);
      return { type: { kind: 'fixedBytes', size: 1 }, location: { kind: 'value', word: BigInt(bytes[Number(index)]!) << 248n } };
    }
    throw new EvaluationError(`cannot index a value of type ${typeLabel(type)}`);
  }

  /** The bytes hashed with the mapping's slot for `key`: the 32-byte word of a value type, raw bytes of string/bytes. */
  private mappingKey(keyType: SolType, key: EvalValue): Uint8Array {
    if (keyType.kind === 'string' || keyType.kind === 'bytes') {
      if (key.type.kind === 'string' || key.type.kind === 'bytes') return this.read(() => readByteArray(this.resolve(key), this.ctx).bytes);
      if (keyType.kind === 'bytes' && key.location.kind === 'value' && key.type.kind === 'uint' && isHexLiteral(key)) {
        return wordToBytes(key.location.word).subarray(32 - hexLiteralBytes(key));
      }
      throw new EvaluationError(`type mismatch: the mapping key is ${typeLabel(keyType)}, got ${typeLabel(key.type)}`);
    }
    return wordToBytes(this.convert(keyType, key, 'the mapping key'));
  }

  /** A value converted to `target`'s word (range-checked), for mapping keys and explicit conversions. */
  private convert(target: SolType, value: EvalValue, what: string): bigint {
    const source = value.type;
    const mismatch = () => new EvaluationError(`type mismatch: ${what} is ${typeLabel(target)}, got ${typeLabel(source)}`);
    if (!isValueType(source)) throw mismatch();
    const underlying = target.kind === 'userDefined' ? target.underlying : target;
    switch (underlying.kind) {
      case 'uint':
      case 'int':
      case 'enum': {
        if (!isNumeric(source) && !isAddressLike(source)) throw mismatch();
        const n = this.integer(value, what);
        const [min, max] =
          underlying.kind === 'uint'
            ? [0n, (1n << BigInt(underlying.bits)) - 1n]
            : underlying.kind === 'int'
              ? [-(1n << BigInt(underlying.bits - 1)), (1n << BigInt(underlying.bits - 1)) - 1n]
              : [0n, BigInt(underlying.members.length - 1)];
        if (n < min || n > max) throw new EvaluationError(`${n} does not fit ${typeLabel(target)}`);
        return BigInt.asUintN(256, n);
      }
      case 'address':
      case 'contract': {
        if (!isAddressLike(source) && !(isNumeric(source) && value.location.kind === 'value')) throw mismatch();
        const n = isAddressLike(source) ? BigInt.asUintN(160, this.word(value)) : this.integer(value, what);
        if (n < 0n || n >= 1n << 160n) throw new EvaluationError(`${n} does not fit ${typeLabel(target)}`);
        return n;
      }
      case 'bool':
        if (source.kind !== 'bool') throw mismatch();
        return this.word(value) === 0n ? 0n : 1n;
      case 'fixedBytes': {
        if (source.kind === 'fixedBytes') {
          const word = this.word(value);
          const keep = Math.min(source.size, underlying.size);
          return (word >> BigInt(8 * (32 - keep))) << BigInt(8 * (32 - keep));
        }
        if (isNumeric(source) && isHexLiteral(value)) {
          const size = hexLiteralBytes(value);
          if (size > underlying.size) throw new EvaluationError(`${formatWord(UINT256, this.word(value), { hex: true })} does not fit ${typeLabel(target)}`);
          return this.word(value) << BigInt(8 * (32 - underlying.size));
        }
        throw mismatch();
      }
      default:
        throw mismatch();
    }
  }

  private call(expression: Expression & { kind: 'call' }): EvalValue {
    const target = expression.callee === 'address' ? ADDRESS : elementaryType(expression.callee);
    if (!target || !isValueType(target)) throw new EvaluationError(`unknown function '${expression.callee}' (only type conversions like address(…), uint256(…) are supported)`);
    if (expression.args.length !== 1) throw new EvaluationError(`${expression.callee}(…) takes one argument`);
    const value = this.evaluate(expression.args[0]!);
    // Explicit conversions between integers of different sign or size keep the bits, as Solidity does; a
    // literal must fit the type (solc refuses `uint8(300)`).
    if ((target.kind === 'uint' || target.kind === 'int') && isNumeric(value.type)) {
      const n = this.integer(value, 'the argument');
      if (isConstant(value) && !fits(n, target)) throw new EvaluationError(`type mismatch: explicit conversion from int_const ${n} to ${typeLabel(target)} is not allowed (it does not fit)`);
      const word = target.kind === 'uint' ? BigInt.asUintN(target.bits, n) : BigInt.asUintN(256, BigInt.asIntN(target.bits, n));
      return { type: target, location: { kind: 'value', word } };
    }
    if ((target.kind === 'uint' || target.kind === 'int') && isAddressLike(value.type)) {
      return { type: target, location: { kind: 'value', word: BigInt.asUintN(160, this.word(value)) } };
    }
    return { type: target, location: { kind: 'value', word: this.convert(target, value, 'the argument') } };
  }

  private unary(expression: Expression & { kind: 'unary' }): EvalValue {
    const value = this.evaluate(expression.operand);
    if (expression.op === '!') return bool(!this.bool(value, "'!'"));
    const n = this.integer(value, "the operand of '-'");
    if (isConstant(value)) return constant(-n);
    const type = this.arithmeticType(value.type, '-');
    if (type.kind !== 'int') throw new EvaluationError(`type mismatch: unary '-' is only allowed for signed integers, got ${typeLabel(value.type)}`);
    return checked(-n, type, `-(${n})`);
  }

  /** The integer type of an operand of arithmetic (Solidity defines it on uintN/intN only). */
  private arithmeticType(type: SolType, op: string): IntegerType {
    if (type.kind === 'uint' || type.kind === 'int') return type;
    throw new EvaluationError(`type mismatch: operator '${op}' needs integers, got ${typeLabel(type)}`);
  }

  /**
   * The type Solidity computes a binary operation on two integers in: a literal (rational constant) takes the
   * other operand's type and must fit it; two typed operands need one to convert implicitly to the other
   * (same signedness, or an unsigned into a strictly wider signed type). `undefined`: both are literals.
   */
  private commonType(left: EvalValue, right: EvalValue, op: string): IntegerType | undefined {
    const lc = isConstant(left), rc = isConstant(right);
    if (lc && rc) return undefined;
    if (lc || rc) {
      const typed = lc ? right : left, literal = lc ? left : right;
      const type = this.arithmeticType(typed.type, op);
      const n = this.integer(literal, '');
      if (!fits(n, type)) throw new EvaluationError(`type mismatch: operator '${op}' not compatible with ${lc ? `int_const ${n} and ${typeLabel(type)}` : `${typeLabel(type)} and int_const ${n}`} (${n} does not fit ${typeLabel(type)})`);
      return type;
    }
    const a = this.arithmeticType(left.type, op), b = this.arithmeticType(right.type, op);
    if (a.kind === b.kind) return a.bits >= b.bits ? a : b;
    const [unsigned, signed] = a.kind === 'uint' ? [a, b] : [b, a];
    if (signed.bits > unsigned.bits) return signed;
    throw this.mismatch(op, left.type, right.type);
  }

  private binary(expression: Expression & { kind: 'binary' }): EvalValue {
    const { op } = expression;
    if (op === '&&' || op === '||') {
      const left = this.bool(this.evaluate(expression.left), `'${op}'`);
      if (op === '&&' ? !left : left) return bool(left); // short-circuit, like Solidity
      return bool(this.bool(this.evaluate(expression.right), `'${op}'`));
    }
    const left = this.evaluate(expression.left);
    const right = this.evaluate(expression.right);
    if (op === '==' || op === '!=') {
      const equal = this.equal(left, right);
      return bool(op === '==' ? equal : !equal);
    }
    if (op === '<' || op === '<=' || op === '>' || op === '>=') {
      const [a, b] = this.comparable(left, right, op);
      return bool(op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b);
    }
    const a = this.integer(left, `the left operand of '${op}'`);
    const b = this.integer(right, `the right operand of '${op}'`);
    // The type of the result, as solc types it: the exponentiation's base type (a literal base with a typed
    // exponent is uint256, or int256 when negative), else the operands' common type; none for literals only.
    let type: IntegerType | undefined;
    if (op === '**') {
      if (!isConstant(right) && this.arithmeticType(right.type, op).kind !== 'uint') throw new EvaluationError(`type mismatch: the exponent must be unsigned, got ${typeLabel(right.type)}`);
      type = isConstant(left) ? (isConstant(right) ? undefined : a < 0n ? INT256 : UINT256) : this.arithmeticType(left.type, op);
    } else {
      type = this.commonType(left, right, op);
    }
    const text = `${a} ${op} ${b}`;
    const result = (n: bigint): EvalValue => (type ? checked(n, type, text) : constant(n));
    switch (op) {
      case '+':
        return result(a + b);
      case '-':
        return result(a - b);
      case '*':
        return result(a * b);
      case '/':
        if (b === 0n) throw new EvaluationError(type ? `division by zero: the contract would revert with ${PANIC_DIVISION}` : 'division by zero');
        if (!type && a % b !== 0n) throw new EvaluationError(`${a} / ${b} is the rational constant ${a}/${b}, which no integer type holds (literals are exact in Solidity)`);
        return result(a / b); // BigInt division truncates toward zero, as Solidity's does
      case '%':
        if (b === 0n) throw new EvaluationError(type ? `modulo by zero: the contract would revert with ${PANIC_DIVISION}` : 'modulo by zero');
        return result(a % b);
      case '**': {
        if (b < 0n) throw new EvaluationError('negative exponent');
        if (a === 0n || a === 1n || b === 0n) return result(b === 0n ? 1n : a);
        if (a === -1n) return result(b % 2n === 0n ? 1n : -1n);
        if (b > 256n) {
          if (type) throw new EvaluationError(`arithmetic overflow: ${text} does not fit ${typeLabel(type)}; the contract would revert with ${PANIC_OVERFLOW}`);
          throw new EvaluationError('arithmetic overflow (result exceeds 256 bits)');
        }
        return result(a ** b);
      }
    }
    throw new EvaluationError(`unknown operator '${op}'`);
  }

  private equal(left: EvalValue, right: EvalValue): boolean {
    const lt = left.type;
    const rt = right.type;
    if (isByteArray(lt) && isByteArray(rt)) {
      const a = this.read(() => readByteArray(this.resolve(left), this.ctx).bytes);
      const b = this.read(() => readByteArray(this.resolve(right), this.ctx).bytes);
      return a.length === b.length && a.every((x, i) => x === b[i]);
    }
    if (isInteger(lt) && isInteger(rt)) this.commonType(left, right, '==');
    if (isNumeric(lt) && isNumeric(rt)) return this.integer(left, '') === this.integer(right, '');
    if (lt.kind === 'bool' && rt.kind === 'bool') return this.bool(left, '') === this.bool(right, '');
    if (isAddressLike(lt) || isAddressLike(rt)) {
      // An address compares with an address, or with a number written as one (`owner == 0xBEEF`).
      const asAddress = (v: EvalValue): bigint => {
        if (isAddressLike(v.type)) return BigInt.asUintN(160, this.word(v));
        if (isNumeric(v.type) && v.location.kind === 'value') return this.integer(v, '');
        throw this.mismatch('==', lt, rt);
      };
      return asAddress(left) === asAddress(right);
    }
    if (lt.kind === 'fixedBytes' || rt.kind === 'fixedBytes') {
      const target = lt.kind === 'fixedBytes' ? lt : rt;
      return this.convert(target, left, 'the left operand') === this.convert(target, right, 'the right operand');
    }
    throw this.mismatch('==', lt, rt);
  }

  private comparable(left: EvalValue, right: EvalValue, op: string): [bigint, bigint] {
    if (isInteger(left.type) && isInteger(right.type)) this.commonType(left, right, op); // solc's operand rules
    if (isNumeric(left.type) && isNumeric(right.type)) return [this.integer(left, ''), this.integer(right, '')];
    if ((isAddressLike(left.type) && isAddressLike(right.type)) || (left.type.kind === 'fixedBytes' && right.type.kind === 'fixedBytes')) {
      return [this.word(left), this.word(right)];
    }
    throw this.mismatch(op, left.type, right.type);
  }

  private mismatch(op: string, a: SolType, b: SolType): EvaluationError {
    return new EvaluationError(`type mismatch: cannot apply '${op}' to ${typeLabel(a)} and ${typeLabel(b)}`);
  }

  private bool(value: EvalValue, what: string): boolean {
    if (value.type.kind !== 'bool') throw new EvaluationError(`type mismatch: ${what} needs bool, got ${typeLabel(value.type)}`);
    return this.word(value) !== 0n;
  }

  /** The mathematical integer of a numeric value (uint/int/enum/user-defined over them). */
  integer(value: EvalValue, what: string): bigint {
    const type = value.type.kind === 'userDefined' ? value.type.underlying : value.type;
    if (!isNumeric(type)) throw new EvaluationError(`type mismatch: ${what || 'the operand'} needs a number, got ${typeLabel(value.type)}`);
    const word = this.word(value);
    if (type.kind === 'int') return BigInt.asIntN(type.bits, word);
    if (type.kind === 'uint') return BigInt.asUintN(type.bits, word);
    return BigInt.asUintN(8, word);
  }

  /** The stack-form word of a value type. */
  word(value: EvalValue): bigint {
    if (!isValueType(value.type)) throw new EvaluationError(`type mismatch: expected a value type, got ${typeLabel(value.type)}`);
    return this.read(() => readValueWord(value.type, this.resolve(value), this.ctx));
  }

  resolve(value: EvalValue): Resolved {
    return this.read(() => resolve(value.type, value.location, this.ctx));
  }

  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (error instanceof Unreadable) throw new EvaluationError(`unavailable (${error.message})`);
      throw error;
    }
  }
}

function number(value: bigint): EvalValue {
  if (value > MAX_UINT || value < MIN_INT) throw new EvaluationError('arithmetic overflow (result exceeds 256 bits)');
  return value < 0n
    ? { type: INT256, location: { kind: 'value', word: BigInt.asUintN(256, value) } }
    : { type: UINT256, location: { kind: 'value', word: value } };
}

type IntegerType = SolType & { kind: 'uint' | 'int' };

const PANIC_OVERFLOW = 'Panic(0x11) (arithmetic overflow or underflow)';
const PANIC_DIVISION = 'Panic(0x12) (division or modulo by zero)';

/** Literals and expressions of literals only: exact values (Solidity's rational constants), typed `int_const N`. */
const constants = new WeakSet<EvalValue>();

function constant(value: bigint): EvalValue {
  const v = number(value);
  constants.add(v);
  return v;
}

function isConstant(value: EvalValue): boolean {
  return constants.has(value);
}

/** The label Solidity gives a value's type: `int_const 300` for a literal, else the type's name. */
function shownType(value: EvalValue): string {
  return isConstant(value) ? `int_const ${BigInt.asIntN(256, value.location.kind === 'value' ? value.location.word : 0n)}` : typeLabel(value.type);
}

function fits(n: bigint, type: IntegerType): boolean {
  const bits = BigInt(type.bits);
  return type.kind === 'uint' ? n >= 0n && n < 1n << bits : n >= -(1n << (bits - 1n)) && n < 1n << (bits - 1n);
}

function isInteger(type: SolType): boolean {
  return type.kind === 'uint' || type.kind === 'int';
}

/** A result of checked arithmetic in `type`: out of range is the Panic the contract would raise. */
function checked(n: bigint, type: IntegerType, text: string): EvalValue {
  if (!fits(n, type)) throw new EvaluationError(`arithmetic overflow: ${text} = ${n} does not fit ${typeLabel(type)}; the contract would revert with ${PANIC_OVERFLOW}`);
  return { type, location: { kind: 'value', word: BigInt.asUintN(256, n) } };
}

function bool(value: boolean): EvalValue {
  return { type: BOOL, location: { kind: 'value', word: value ? 1n : 0n } };
}

/** Hex literals keep their digit count through the `number` value so `bytes4` keys and conversions know the size. */
const hexLiterals = new WeakMap<EvalValue, number>();

function isHexLiteral(value: EvalValue): boolean {
  return hexLiterals.has(value);
}

function hexLiteralBytes(value: EvalValue): number {
  return Math.ceil((hexLiterals.get(value) ?? 64) / 2);
}

function isNumeric(type: SolType): boolean {
  const t = type.kind === 'userDefined' ? type.underlying : type;
  return t.kind === 'uint' || t.kind === 'int' || t.kind === 'enum';
}

function isAddressLike(type: SolType): boolean {
  return type.kind === 'address' || type.kind === 'contract';
}

function isByteArray(type: SolType): boolean {
  return type.kind === 'string' || type.kind === 'bytes';
}

function run(expression: Expression, env: EvalEnvironment, ctx: DecodeContext): EvalValue {
  return new Evaluator(env, ctx).evaluate(expression);
}

/** Evaluate to a typed value; throws EvaluationError with a user-facing message. */
export function evaluateToValue(text: string, env: EvalEnvironment, ctx: DecodeContext): EvalValue {
  return run(parseExpression(text), env, ctx);
}

/** Evaluate to a Variable named after the expression, expandable like any variable. */
export function evaluateExpression(text: string, env: EvalEnvironment, ctx: DecodeContext, format: ValueFormat): Variable {
  const expression = parseExpression(text);
  const value = run(expression, env, ctx);
  const name = text.trim();
  // Paths to stored values (a, a.b, a[i]) can be added to watch; computed results are virtual.
  const isPath = (e: Expression): boolean =>
    e.kind === 'identifier' || (e.kind === 'member' && isPath(e.object)) || (e.kind === 'index' && isPath(e.object));
  let resolved: Resolved;
  try {
    resolved = resolve(value.type, value.location, ctx);
  } catch (error) {
    if (error instanceof Unreadable) {
      return { name, value: `unavailable (${error.message})`, type: typeLabel(value.type), evaluateName: name, hint: 'unavailable' };
    }
    throw error;
  }
  const variable = { ...decodeResolved(name, value.type, resolved, ctx, format, name), type: shownType(value) };
  return isPath(expression) ? variable : { ...variable, hint: variable.hint ?? 'virtual' };
}

/** Truth of a condition result: bool true, a non-zero number or address. Throws EvaluationError for other types. */
export function isTruthy(value: EvalValue, ctx: DecodeContext): boolean {
  if (!isValueType(value.type) || value.type.kind === 'fixedBytes' || value.type.kind === 'function') {
    throw new EvaluationError(`a condition must be bool or a number, got ${typeLabel(value.type)}`);
  }
  const evaluator = new Evaluator({ lookup: () => undefined, global: () => undefined }, ctx);
  return evaluator.word(value) !== 0n;
}
