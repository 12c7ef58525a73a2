// Turning launch-configuration JSON into ABI-encoded calldata (via viem), and return / revert data back into
// one-line text. Every mistake a user can make in `function` / `args` becomes a UserError naming the field.
import { decodeAbiParameters, encodeAbiParameters, isAddress, toFunctionSelector, type AbiParameter } from 'viem';
import { UserError } from '../../core/errors.ts';
import type { AbiItem, AbiParam } from '../build/compile.ts';

export function signatureOf(item: AbiItem): string {
  return `${item.name}(${(item.inputs ?? []).map(canonicalType).join(',')})`;
}

function canonicalType(p: AbiParam): string {
  if (p.type.startsWith('tuple')) return `(${(p.components ?? []).map(canonicalType).join(',')})${p.type.slice(5)}`;
  return p.type;
}

/** Finds a function by name or full signature. */
export function findFunction(abi: readonly AbiItem[], wanted: string, contractName: string, field = 'function'): AbiItem {
  const functions = abi.filter((i) => i.type === 'function');
  const normalized = wanted.replace(/\s+/g, '');
  const matches = normalized.includes('(')
    ? functions.filter((f) => signatureOf(f) === normalized)
    : functions.filter((f) => f.name === normalized);
  if (matches.length === 1) return matches[0]!;
  const list = functions.map(signatureOf).join(', ') || '(none)';
  if (matches.length === 0) throw new UserError(`${field}: ${contractName} has no function "${wanted}"; available: ${list}`);
  throw new UserError(`${field}: "${wanted}" is ambiguous in ${contractName}; use a signature: ${matches.map(signatureOf).join(', ')}`);
}

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Converts one JSON value to what viem expects for `param`, or throws with `where` naming the argument. */
export function coerceArg(param: AbiParam, value: unknown, where: string): unknown {
  const type = param.type;
  const fail = (expected: string): never => {
    throw new UserError(`${where}: expected ${expected} for type ${type}, got ${describe(value)}`);
  };
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) return fail('an array');
    const size = array[2] === '' ? undefined : Number(array[2]);
    if (size !== undefined && value.length !== size) return fail(`an array of ${size} elements`);
    const inner: AbiParam = { ...param, type: array[1]! };
    return value.map((v, i) => coerceArg(inner, v, `${where}[${i}]`));
  }
  if (type === 'tuple') {
    const comps = param.components ?? [];
    let items: unknown[];
    if (Array.isArray(value)) items = value;
    else if (value !== null && typeof value === 'object') items = comps.map((c) => (value as Record<string, unknown>)[c.name]);
    else return fail(`an array of ${comps.length} values (a tuple)`);
    if (items.length !== comps.length) return fail(`a tuple of ${comps.length} values`);
    return items.map((v, i) => coerceArg(comps[i]!, v, `${where}.${comps[i]!.name || i}`));
  }
  const int = /^(u?)int(\d*)$/.exec(type);
  if (int) {
    let n: bigint;
    if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
    else if (typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value.trim())) n = BigInt(value.trim());
    else if (typeof value === 'bigint') n = value;
    else return fail('an integer (number, decimal string or 0x hex string)');
    const bits = BigInt(int[2] || 256);
    const [min, max] = int[1] ? [0n, (1n << bits) - 1n] : [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n];
    if (n < min || n > max) return fail(`an integer in [${min}, ${max}]`);
    return n;
  }
  if (type === 'address') {
    if (typeof value !== 'string' || !isAddress(value, { strict: false })) return fail('a 0x-prefixed 20-byte address');
    return (value as string).toLowerCase();
  }
  if (type === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    return fail('true or false');
  }
  if (type === 'string') {
    if (typeof value !== 'string') return fail('a string');
    return value;
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed || type === 'bytes') {
    if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) return fail('a 0x-prefixed hex string of whole bytes');
    if (fixed && (value as string).length !== 2 + 2 * Number(fixed[1])) return fail(`exactly ${fixed[1]} bytes of hex`);
    return value;
  }
  return fail('a supported ABI value');
}

/** ABI-encodes `args` for `inputs`; `field` names the launch field in errors ("args", "constructorArgs", "setup[0].args"). */
export function encodeArgs(inputs: readonly AbiParam[], args: unknown, field: string, what: string): `0x${string}` {
  const list = args === undefined ? [] : args;
  if (!Array.isArray(list)) throw new UserError(`${field}: expected an array of arguments for ${what}`);
  if (list.length !== inputs.length) {
    throw new UserError(`${field}: ${what} takes ${inputs.length} argument${inputs.length === 1 ? '' : 's'} (${inputs.map((p) => `${p.type}${p.name ? ' ' + p.name : ''}`).join(', ')}), got ${list.length}`);
  }
  const values = inputs.map((p, i) => coerceArg(p, list[i], `${field}[${i}]${p.name ? ` (${p.name})` : ''}`));
  try {
    return encodeAbiParameters(inputs as readonly AbiParameter[], values);
  } catch (e) {
    throw new UserError(`${field}: cannot encode arguments for ${what}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function encodeCall(fn: AbiItem, args: unknown, field: string): Uint8Array {
  const selector = toFunctionSelector(signatureOf(fn));
  const encoded = encodeArgs(fn.inputs ?? [], args, field, signatureOf(fn));
  return hexToBytes(selector + encoded.slice(2));
}

export function hexToBytes(hex: string): Uint8Array {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex;
  const out = new Uint8Array(h.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(i * 2, 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '0x';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function formatValue(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return /^0x/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')}}`;
  return String(v);
}

/** "(true)", "(5, 0xabc…)" for return data of `outputs`, or hex if it does not decode. */
export function formatReturn(outputs: readonly AbiParam[], data: Uint8Array): string {
  if (outputs.length === 0) return data.length === 0 ? '()' : bytesToHex(data);
  try {
    const values = decodeAbiParameters(outputs as readonly AbiParameter[], bytesToHex(data) as `0x${string}`);
    return `(${outputs.map((o, i) => `${o.name ? o.name + ': ' : ''}${formatValue(values[i])}`).join(', ')})`;
  } catch {
    return bytesToHex(data);
  }
}
