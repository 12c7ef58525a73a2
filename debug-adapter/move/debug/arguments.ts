// Launch-configuration inputs for running a Move function: type arguments written as Move types
// (`u64`, `vector<u8>`, `0x2::coin::Coin<0x2::sui::SUI>`) and JSON arguments converted to interpreter
// values by the parameter's type. Every mistake is a UserError naming the argument.
import { UserError } from '../../core/errors.ts';
import type { Loader } from '../vm/loader.ts';
import { normalizeAddress } from '../vm/loader.ts';
import { T, substitute, typeToString, vectorOf, type RuntimeType } from '../vm/types.ts';
import { Reference, Signer, StructValue, VectorValue, makeInt, u8, type IntWidth, type Value } from '../vm/values.ts';

const PRIMITIVES: Record<string, RuntimeType> = {
  bool: T.bool, u8: T.u8, u16: T.u16, u32: T.u32, u64: T.u64, u128: T.u128, u256: T.u256, address: T.address, signer: T.signer,
};

/** Parses a Move type; datatypes are resolved through the loader. */
export function parseType(text: string, loader: Loader, what: string): RuntimeType {
  const tokens = text.match(/0x[0-9a-fA-F]+|[A-Za-z_][A-Za-z0-9_]*|::|[<>,]|\S/g) ?? [];
  let pos = 0;
  const fail = (why: string): never => {
    throw new UserError(`${what}: cannot read the type "${text}": ${why}`);
  };
  const expect = (t: string) => {
    if (tokens[pos] !== t) fail(`expected "${t}"${tokens[pos] ? ` at "${tokens[pos]}"` : ' at the end'}`);
    pos++;
  };
  const type = (): RuntimeType => {
    const head = tokens[pos++];
    if (head === undefined) return fail('it ends early');
    if (PRIMITIVES[head]) return PRIMITIVES[head]!;
    if (head === 'vector') {
      expect('<');
      const element = type();
      expect('>');
      return vectorOf(element);
    }
    const address = normalizeAddress(head);
    if (!address) return fail(`unknown type "${head}" (write datatypes as 0x<address>::<module>::<Name>)`);
    expect('::');
    const module = tokens[pos++] ?? fail('module name missing');
    expect('::');
    const name = tokens[pos++] ?? fail('type name missing');
    const args: RuntimeType[] = [];
    if (tokens[pos] === '<') {
      pos++;
      args.push(type());
      while (tokens[pos] === ',') {
        pos++;
        args.push(type());
      }
      expect('>');
    }
    const m = loader.tryModule(address, module);
    if (!m) return fail(`module ${head}::${module} is not loaded`);
    const def = m.datatype(name);
    if (!def) return fail(`${head}::${module} has no type ${name}`);
    if (def.typeParameterCount !== args.length) return fail(`${name} takes ${def.typeParameterCount} type arguments, got ${args.length}`);
    return { kind: 'datatype', def, typeArgs: args };
  };
  const t = type();
  if (pos !== tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return t;
}

const WIDTHS: Record<string, IntWidth> = { u8: 8, u16: 16, u32: 32, u64: 64, u128: 128, u256: 256 };

function isStd(t: RuntimeType, module: string, name: string): boolean {
  return t.kind === 'datatype' && t.def.module === module && t.def.name === name && /^0*1$/.test(t.def.address);
}

function isTxContext(t: RuntimeType): boolean {
  return t.kind === 'datatype' && t.def.module === 'tx_context' && t.def.name === 'TxContext' && /^0*2$/.test(t.def.address);
}

/** Converts one JSON argument to a value of type `t`. */
export function argumentValue(json: unknown, t: RuntimeType, what: string): Value {
  const fail = (why: string): never => {
    throw new UserError(`${what}: expected ${typeToString(t, true)}${why ? ` (${why})` : ''}, got ${JSON.stringify(json)}`);
  };
  const width = WIDTHS[t.kind];
  if (width !== undefined) {
    let n: bigint;
    if (typeof json === 'number' && Number.isSafeInteger(json)) n = BigInt(json);
    else if (typeof json === 'string' && /^(\d+|0x[0-9a-fA-F]+)$/.test(json.trim())) n = BigInt(json.trim());
    else return fail('a decimal string or number');
    if (n < 0n || n >= 1n << BigInt(width)) return fail(`out of range for u${width}`);
    return makeInt(width, n);
  }
  switch (t.kind) {
    case 'bool':
      if (typeof json === 'boolean') return json;
      if (json === 'true' || json === 'false') return json === 'true';
      return fail('true or false');
    case 'address':
    case 'signer': {
      const a = typeof json === 'string' ? normalizeAddress(json) : undefined;
      if (!a) return fail('a 0x address');
      return t.kind === 'signer' ? new Signer(a) : a;
    }
    case 'vector': {
      if (t.element.kind === 'u8' && typeof json === 'string') {
        if (!/^0x([0-9a-fA-F]{2})*$/.test(json)) return fail('vector<u8> as 0x hex with an even number of digits, or an array of numbers');
        const items: Value[] = [];
        for (let i = 2; i < json.length; i += 2) items.push(u8(parseInt(json.slice(i, i + 2), 16)));
        return new VectorValue(T.u8, items);
      }
      if (!Array.isArray(json)) return fail('an array');
      return new VectorValue(t.element, json.map((x, i) => argumentValue(x, t.element, `${what}[${i}]`)));
    }
    case 'reference': {
      // A reference argument points at a value that lives outside the call (like a caller's local).
      const holder: Value[] = [argumentValue(json, t.to, what)];
      return new Reference(holder, 0, t.mutable, null, null, -1);
    }
    case 'datatype': {
      if ((isStd(t, 'string', 'String') || isStd(t, 'ascii', 'String')) && typeof json === 'string') {
        const bytes = new TextEncoder().encode(json);
        return new StructValue(t, [new VectorValue(T.u8, [...bytes].map((b) => u8(b)))]);
      }
      if (isStd(t, 'option', 'Option')) {
        const inner = t.typeArgs[0]!;
        return new StructValue(t, [new VectorValue(inner, json === null ? [] : [argumentValue(json, inner, what)])]);
      }
      if (json === undefined && isTxContext(t)) return defaultValue(t);
      if (t.def.isEnum) return fail('enum arguments are not supported');
      const fields = t.def.fields;
      if (Array.isArray(json)) {
        if (json.length !== fields.length) return fail(`${fields.length} fields: ${fields.map((f) => f.name).join(', ')}`);
        return new StructValue(t, fields.map((f, i) => argumentValue(json[i], substitute(f.type, t.typeArgs), `${what}.${f.name}`)));
      }
      if (typeof json === 'object' && json !== null) {
        const o = json as Record<string, unknown>;
        const missing = fields.filter((f) => !(f.name in o)).map((f) => f.name);
        if (missing.length) return fail(`missing fields ${missing.join(', ')}`);
        return new StructValue(t, fields.map((f) => argumentValue(o[f.name], substitute(f.type, t.typeArgs), `${what}.${f.name}`)));
      }
      return fail('an array of its fields or an object by field name');
    }
    default:
      return fail('');
  }
}

/** A zero value of a type (a fresh TxContext for entry functions that take one last). */
export function defaultValue(t: RuntimeType): Value {
  const width = WIDTHS[t.kind];
  if (width !== undefined) return makeInt(width, 0n);
  switch (t.kind) {
    case 'bool':
      return false;
    case 'address':
      return '0'.repeat(64);
    case 'signer':
      return new Signer('0'.repeat(64));
    case 'vector':
      return new VectorValue(t.element, []);
    case 'reference':
      return new Reference([defaultValue(t.to)], 0, t.mutable, null, null, -1);
    case 'datatype':
      if (isTxContext(t)) {
        return new StructValue(t, t.def.fields.map((f) =>
          f.name === 'tx_hash' ? new VectorValue(T.u8, Array.from({ length: 32 }, () => u8(0))) : defaultValue(substitute(f.type, t.typeArgs))));
      }
      return new StructValue(t, t.def.fields.map((f) => defaultValue(substitute(f.type, t.typeArgs))));
    default:
      return undefined;
  }
}

/** Whether a parameter can be filled without an argument (a trailing `&mut TxContext` / `&TxContext`). */
export function isImplicitParameter(t: RuntimeType): boolean {
  return t.kind === 'reference' && isTxContext(t.to);
}
