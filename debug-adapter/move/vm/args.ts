// Input for running a Move function, from a launch configuration (`args`, `typeArgs`) or the
// `chainstep trace` command line (`--args`, `--type-args`): type arguments as type strings (`u64`,
// `vector<u8>`, `0x2::sui::SUI`, `0x2::coin::Coin<0x2::sui::SUI>`) and arguments as JSON (numbers, decimal
// or hex strings for big integers, `0x` addresses, arrays for vectors, `0x` hex or text for vector<u8>,
// strings for String, objects by field name or arrays of fields for structs, `{"Variant": {...}}` for
// enums), converted to interpreter values for the function's parameter types. Every mistake is a
// UserError that names the argument (`args[0]`), the expected type and what was given.
import { UserError } from '../../core/errors.ts';
import { maxOf } from './arith.ts';
import { normalizeAddress, type Loader, type LoadedFunction } from './loader.ts';
import { T, substitute, typeToString, vectorOf, type DatatypeType, type RuntimeType } from './types.ts';
import { Reference, Signer, StructValue, VariantValue, VectorValue, makeInt, u8, type IntWidth, type Value } from './values.ts';

const PRIMITIVES: Record<string, RuntimeType> = {
  bool: T.bool, u8: T.u8, u16: T.u16, u32: T.u32, u64: T.u64, u128: T.u128, u256: T.u256, address: T.address, signer: T.signer,
};

/** Parses a type string, resolving datatypes through the loader; `what` names it in errors (`typeArgs[0]`). */
export function parseType(text: string, loader: Loader, what?: string): RuntimeType {
  const tokens = text.match(/[A-Za-z0-9_]+|::|<|>|,|\S/g) ?? [];
  let pos = 0;
  const fail = (why: string): never => {
    throw new UserError(`${what ? `${what}: ` : ''}bad type "${text}": ${why}`);
  };
  const parse = (): RuntimeType => {
    const t = tokens[pos++];
    if (t === undefined) return fail('unexpected end');
    if (t === 'vector') {
      if (tokens[pos++] !== '<') fail('expected < after vector');
      const inner = parse();
      if (tokens[pos++] !== '>') fail('expected > to close vector<');
      return vectorOf(inner);
    }
    const prim = PRIMITIVES[t];
    if (prim) return prim;
    const address = normalizeAddress(t);
    if (!address) return fail(`unknown type ${t}`);
    if (tokens[pos++] !== '::') fail('expected <address>::<module>::<Type>');
    const moduleName = tokens[pos++];
    if (tokens[pos++] !== '::') fail('expected <address>::<module>::<Type>');
    const name = tokens[pos++];
    if (!moduleName || !name) return fail('expected <address>::<module>::<Type>');
    const module = loader.tryModule(address, moduleName);
    if (!module) return fail(`module ${t}::${moduleName} is not loaded`);
    const def = module.datatype(name);
    if (!def) return fail(`module ${t}::${moduleName} has no type ${name}`);
    const typeArgs: RuntimeType[] = [];
    if (tokens[pos] === '<') {
      pos++;
      for (;;) {
        typeArgs.push(parse());
        const sep = tokens[pos++];
        if (sep === '>') break;
        if (sep !== ',') fail('expected , or > in type arguments');
      }
    }
    if (typeArgs.length !== def.typeParameterCount) fail(`${name} takes ${def.typeParameterCount} type arguments, got ${typeArgs.length}`);
    return { kind: 'datatype', def, typeArgs };
  };
  const type = parse();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return type;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Type arguments (`typeArgs` of a launch configuration; `label` names the input in errors), checked
 * against the function's arity and ability constraints.
 */
export function parseTypeArgs(fn: LoadedFunction, typeArgs: unknown, loader: Loader, label = 'typeArgs'): RuntimeType[] {
  const list = typeArgs === undefined || typeArgs === null ? [] : typeArgs;
  if (!Array.isArray(list) || !list.every((t) => typeof t === 'string')) {
    throw new UserError(`${label}: expected an array of Move types as strings, e.g. ["u64", "0x2::sui::SUI"]`);
  }
  if (list.length !== fn.typeParameterCount) {
    throw new UserError(`${label}: ${fn.qualifiedName} takes ${plural(fn.typeParameterCount, 'type argument')}, got ${list.length}`);
  }
  const types = list.map((t, i) => parseType(t, loader, `${label}[${i}]`));
  // The VM checks a call's type arguments against the function's ability constraints.
  const handle = fn.module.compiled.functionHandles[fn.definition.function];
  handle?.typeParameters.forEach((required, i) => {
    const has = abilities(types[i]!);
    const missing = ABILITY_NAMES.filter(([bit]) => (required & bit) !== 0 && (has & bit) === 0).map(([, name]) => name);
    if (missing.length) {
      throw new UserError(`type argument ${i + 1} (${typeToString(types[i]!, true)}) lacks the ${missing.join(', ')} ability required by ${fn.qualifiedName}`);
    }
  });
  return types;
}

const COPY = 0x1;
const DROP = 0x2;
const STORE = 0x4;
const KEY = 0x8;
const ABILITY_NAMES: readonly (readonly [number, string])[] = [[COPY, 'copy'], [DROP, 'drop'], [STORE, 'store'], [KEY, 'key']];

/** Abilities of a closed type: primitives copy/drop/store; containers what their contents allow. */
function abilities(t: RuntimeType): number {
  switch (t.kind) {
    case 'signer':
      return DROP;
    case 'vector':
      return abilities(t.element) & (COPY | DROP | STORE);
    case 'datatype': {
      // A generic datatype has an ability when declared with it and every (non-phantom) argument allows it;
      // key needs store of the arguments.
      let a = t.def.abilities;
      for (const [i, arg] of t.typeArgs.entries()) {
        if (t.def.phantomParameters?.[i]) continue;
        const b = abilities(arg);
        a &= b | KEY;
        if (!(b & STORE)) a &= ~KEY;
      }
      return a;
    }
    case 'reference':
      return COPY | DROP;
    default:
      return COPY | DROP | STORE;
  }
}

const isTxContext = (t: RuntimeType): boolean =>
  t.kind === 'reference' && t.to.kind === 'datatype' && t.to.def.module === 'tx_context' && t.to.def.name === 'TxContext' && /^0+2$/.test(t.to.def.address);

export interface ArgsOptions {
  /**
   * Supplies a trailing `&mut TxContext` / `&TxContext` parameter (Sui entry functions) when the JSON
   * leaves it out, as the Sui runtime does.
   */
  readonly makeTxContext?: () => Value;
  /** What the input is called in errors: `args` (launch configuration, the default), `--args`. */
  readonly label?: string;
}

/** Arguments from JSON for the function's parameters; elements are named `args[0]`, `args[1]`, ... in errors. */
export function parseArgs(fn: LoadedFunction, typeArgs: readonly RuntimeType[], args: unknown, options: ArgsOptions = {}): Value[] {
  const label = options.label ?? 'args';
  const makeTxContext = options.makeTxContext;
  const list = args === undefined || args === null ? [] : args;
  if (!Array.isArray(list)) throw new UserError(`${label}: expected an array (JSON) with one element per parameter`);
  const params = fn.parameters.map((p) => substitute(p, typeArgs));
  const implicitCtx = params.length > 0 && isTxContext(params[params.length - 1]!) && list.length === params.length - 1 && makeTxContext;
  const expected = implicitCtx ? params.length - 1 : params.length;
  if (list.length !== expected) {
    const types = params.slice(0, expected).map((p) => typeToString(p, true)).join(', ');
    throw new UserError(`${label}: ${fn.qualifiedName} takes ${plural(expected, 'argument')}, got ${list.length}${expected ? ` (parameters: ${types})` : ''}`);
  }
  const values = list.map((a, i) => toValue(a, params[i]!, `${label}[${i}]`));
  if (implicitCtx) {
    const ctx = params[params.length - 1] as Extract<RuntimeType, { kind: 'reference' }>;
    values.push(asReference(makeTxContext(), ctx.mutable));
  }
  return values;
}

function asReference(v: Value, mutable: boolean): Reference {
  // An argument passed by reference lives in a slot of its own outside any frame.
  return new Reference([v], 0, mutable, null, null, -1);
}

function bigIntOf(json: unknown, what: string, type: string): bigint {
  if (typeof json === 'bigint') return json;
  if (typeof json === 'number') {
    if (!Number.isSafeInteger(json)) throw new UserError(`${what} (${type}): ${json} is not an exact integer; write large numbers as strings, e.g. "18446744073709551615"`);
    return BigInt(json);
  }
  if (typeof json === 'string' && /^(0x[0-9a-fA-F]+|\d+)$/.test(json.trim())) return BigInt(json.trim());
  throw new UserError(`${what} (${type}): expected an integer (a number, or a decimal or 0x string), got ${JSON.stringify(json)}`);
}

/** A vector<u8> from a string: `0x` hex bytes, or any other text as its UTF-8 bytes. */
function bytesOf(json: unknown, what: string): number[] | undefined {
  if (typeof json !== 'string') return undefined;
  if (json.startsWith('0x')) {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(json)) {
      throw new UserError(`${what} (vector<u8>): ${JSON.stringify(json)} is not hex bytes (0x and an even number of hex digits); text is written without the 0x prefix`);
    }
    return [...Buffer.from(json.slice(2), 'hex')];
  }
  return [...new TextEncoder().encode(json)];
}

/** A JSON value as a value of `type`. */
export function toValue(json: unknown, type: RuntimeType, what: string): Value {
  const name = typeToString(type, true);
  switch (type.kind) {
    case 'bool':
      if (typeof json === 'boolean') return json;
      if (json === 'true' || json === 'false') return json === 'true';
      throw new UserError(`${what} (bool): expected true or false, got ${JSON.stringify(json)}`);
    case 'u8':
    case 'u16':
    case 'u32':
    case 'u64':
    case 'u128':
    case 'u256': {
      const width = Number(type.kind.slice(1)) as IntWidth;
      const v = bigIntOf(json, what, name);
      if (v < 0n || v > maxOf(width)) throw new UserError(`${what} (${name}): ${v} is out of range 0..${maxOf(width)}`);
      return makeInt(width, v);
    }
    case 'address':
    case 'signer': {
      const a = typeof json === 'string' ? normalizeAddress(json) : undefined;
      if (!a) throw new UserError(`${what} (${name}): expected an address like "0x2" or 64 hex digits, got ${JSON.stringify(json)}`);
      return type.kind === 'signer' ? new Signer(a) : a;
    }
    case 'vector': {
      if (type.element === T.u8) {
        const bytes = bytesOf(json, what);
        if (bytes) return new VectorValue(T.u8, bytes.map(u8));
      }
      if (!Array.isArray(json)) throw new UserError(`${what} (${name}): expected a JSON array${type.element === T.u8 ? ' or a string ("0x…" hex bytes, or text)' : ''}, got ${JSON.stringify(json)}`);
      return new VectorValue(type.element, json.map((x, i) => toValue(x, type.element, `${what}[${i}]`)));
    }
    case 'reference':
      return asReference(toValue(json, type.to, what), type.mutable);
    case 'datatype':
      return datatypeValue(json, type, what, name);
    default:
      throw new UserError(`${what}: parameters of type ${name} cannot be given from JSON`);
  }
}

function datatypeValue(json: unknown, type: DatatypeType, what: string, name: string): Value {
  const def = type.def;
  const std = /^0+1$/.test(def.address);
  if (std && (def.module === 'string' || def.module === 'ascii') && def.name === 'String') {
    if (typeof json !== 'string') throw new UserError(`${what} (${name}): expected a JSON string, got ${JSON.stringify(json)}`);
    const bytes = new TextEncoder().encode(json);
    if (def.module === 'ascii' && bytes.some((b) => b > 0x7f)) throw new UserError(`${what} (${name}): not an ASCII string`);
    return new StructValue(type, [new VectorValue(T.u8, [...bytes].map(u8))]);
  }
  if (std && def.module === 'option' && def.name === 'Option') {
    const inner = type.typeArgs[0]!;
    const items = json === null || json === undefined ? [] : [toValue(json, inner, what)];
    return new StructValue(type, [new VectorValue(inner, items)]);
  }
  if (def.isEnum) {
    if (typeof json !== 'object' || json === null || Array.isArray(json) || Object.keys(json).length !== 1) {
      throw new UserError(`${what} (${name}): expected {"<Variant>": {fields…}}, one of ${def.variants.map((v) => v.name).join(', ')}`);
    }
    const [variantName, body] = Object.entries(json)[0]!;
    const tag = def.variants.findIndex((v) => v.name === variantName);
    if (tag < 0) throw new UserError(`${what} (${name}): no variant ${variantName}; variants are ${def.variants.map((v) => v.name).join(', ')}`);
    return new VariantValue(type, tag, fieldValues(body, def.variants[tag]!.fields, type, what, `${name}::${variantName}`));
  }
  return new StructValue(type, fieldValues(json, def.fields, type, what, name));
}

/** Field values from an object by field name, or from an array of the fields in declaration order. */
function fieldValues(json: unknown, fields: DatatypeType['def']['fields'], type: DatatypeType, what: string, name: string): Value[] {
  const names = fields.map((f) => f.name).join(', ') || '(none)';
  if (Array.isArray(json)) {
    if (json.length !== fields.length) throw new UserError(`${what} (${name}): expected ${plural(fields.length, 'field')} (${names}), got an array of ${json.length}`);
    return fields.map((f, i) => toValue(json[i], substitute(f.type, type.typeArgs), `${what}.${f.name}`));
  }
  if (typeof json !== 'object' || json === null) {
    throw new UserError(`${what} (${name}): expected an object with fields ${names}, or an array of them`);
  }
  const o = json as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !fields.some((f) => f.name === k));
  if (unknown.length) throw new UserError(`${what} (${name}): unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}`);
  const missing = fields.filter((f) => !(f.name in o)).map((f) => f.name);
  if (missing.length) throw new UserError(`${what} (${name}): missing field${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  return fields.map((f) => toValue(o[f.name], substitute(f.type, type.typeArgs), `${what}.${f.name}`));
}
