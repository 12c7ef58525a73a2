// The JSON side of forge's cheatcodes, as forge 1.7 does it (checked against foundry-rs/foundry's
// cheatcodes/json.rs and toml.rs): `parseJson(json, key)` guessing Solidity types from JSON values and
// ABI-encoding them, `serialize*` building objects by key, `writeJson`/`writeToml` upserting a key. The byte
// layout matters beyond correctness: a test's gas depends on the length of what these return and write,
// so objects keep forge's key order (sorted; serde_json without preserve_order) and files its formatting.
import { getAddress, type Hex } from 'viem';
import { isLosslessNumber, LosslessNumber, stringify as stringifyLossless } from 'lossless-json';

export class JsonCheatError extends Error {}

/** A JSON value with the Solidity type forge guesses for it; arrays and tuples hold their items as Sol. */
interface Sol { readonly param: { readonly type: string }; readonly value: unknown }

const I64_MIN = -(1n << 63n), I64_MAX = (1n << 63n) - 1n, U64_MAX = (1n << 64n) - 1n;
const I256_MIN = -(1n << 255n), I256_MAX = (1n << 255n) - 1n, U256_MAX = (1n << 256n) - 1n;

function integer(text: string): bigint | undefined {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  if (/^-?\d+(\.\d+)?e\+?\d+$/i.test(text) || /^-?\d+\.0*$/.test(text)) {
    const f = Number(text);
    if (Number.isInteger(f)) return BigInt(f);
  }
  return undefined;
}

function numberToSol(text: string): Sol {
  const n = integer(text);
  if (n === undefined) throw new JsonCheatError(`unsupported JSON number: ${text}`);
  if (n >= 0n && n <= U256_MAX) return { param: { type: 'uint256' }, value: n };
  if (n >= I256_MIN) return { param: { type: 'int256' }, value: n };
  throw new JsonCheatError(`unsupported JSON number: ${text}`);
}

function stringToSol(s: string): Sol {
  if (s.startsWith('0x')) {
    let digits = s.slice(2);
    if (digits.length === 39) throw new JsonCheatError(`Cannot parse "${digits}" as an address. If you want to specify address, prepend zero to the value.`);
    if (digits.length % 2 === 1) digits = `0${digits}`;
    if (/^[0-9a-fA-F]*$/.test(digits)) {
      const length = digits.length / 2;
      if (length === 20) return { param: { type: 'address' }, value: getAddress(`0x${digits}`) };
      if (length === 32) return { param: { type: 'bytes32' }, value: `0x${digits}` };
      return { param: { type: 'bytes' }, value: `0x${digits}` };
    }
  }
  // Numbers too large for 64 bits arrive as strings; smaller number-like strings stay strings (forge's rule).
  if (/^[-+]?\d+$/.test(s)) {
    const n = BigInt(s);
    if (n >= I256_MIN && n <= I256_MAX && (n < I64_MIN || n > I64_MAX)) return { param: { type: 'int256' }, value: n };
    if (n > I256_MAX && n <= U256_MAX) return { param: { type: 'uint256' }, value: n };
  }
  return { param: { type: 'string' }, value: s };
}

/** A JSON value with its guessed Solidity type (objects become tuples of their values in key order). */
function toSol(v: unknown): Sol {
  if (v === null || v === undefined) return { param: { type: 'bytes32' }, value: `0x${'0'.repeat(64)}` };
  if (typeof v === 'boolean') return { param: { type: 'bool' }, value: v };
  if (isLosslessNumber(v) || typeof v === 'number' || typeof v === 'bigint') return numberToSol(String(v));
  if (typeof v === 'string') return stringToSol(v);
  if (v instanceof Date) return stringToSol(v.toISOString());
  if (Array.isArray(v)) {
    return { param: { type: 'array[]' }, value: v.map(toSol) };
  }
  return { param: { type: 'tuple' }, value: sortedEntries(v as Record<string, unknown>).map(([, x]) => toSol(x)) };
}

/** forge's `parseJson(json, key)`: the selected values, encoded as `abi.encode(value)` (several: as an array). */
export function encodeJsonValues(values: readonly unknown[]): Hex {
  if (values.length === 0) return '0x';
  const sol = values.length === 1 ? toSol(values[0]) : toSol([...values]);
  const encoded = isDynamic(sol) ? [word(32n), ...encode(sol)] : encode(sol);
  return `0x${encoded.join('')}`;
}

// Our own encoder rather than viem's: a JSON array may mix element types (null and an address, say), and
// forge encodes each element by its own type, which a typed ABI encoder refuses.
const word = (n: bigint): string => (n < 0n ? (1n << 256n) + n : n).toString(16).padStart(64, '0');

function isDynamic(sol: Sol): boolean {
  const t = sol.param.type;
  if (t === 'bytes' || t === 'string' || t.endsWith('[]')) return true;
  if (t === 'tuple') return (sol.value as Sol[]).some(isDynamic);
  return false;
}

/** A value's ABI encoding as 32-byte words in hex (head and tail of a tuple laid out as the spec says). */
function encode(sol: Sol): string[] {
  const t = sol.param.type;
  switch (t) {
    case 'bool': return [word(sol.value ? 1n : 0n)];
    case 'uint256': case 'int256': return [word(sol.value as bigint)];
    case 'address': return [(sol.value as string).slice(2).toLowerCase().padStart(64, '0')];
    case 'bytes32': return [(sol.value as string).slice(2).toLowerCase()];
    case 'bytes': case 'string': {
      const data = t === 'string' ? Buffer.from(sol.value as string, 'utf8') : Buffer.from((sol.value as string).slice(2), 'hex');
      const padded = data.toString('hex').padEnd(Math.ceil(data.length / 32) * 64, '0');
      return [word(BigInt(data.length)), ...(padded.match(/.{64}/g) ?? [])];
    }
    case 'tuple': return encodeSequence(sol.value as Sol[]);
    default: {
      const items = sol.value as Sol[];
      return [word(BigInt(items.length)), ...encodeSequence(items)];
    }
  }
}

function encodeSequence(items: readonly Sol[]): string[] {
  const heads: string[][] = [], tails: string[][] = [];
  let headSize = 0;
  for (const item of items) headSize += isDynamic(item) ? 1 : encode(item).length;
  let offset = headSize;
  for (const item of items) {
    if (isDynamic(item)) {
      const tail = encode(item);
      heads.push([word(BigInt(offset * 32))]);
      tails.push(tail);
      offset += tail.length;
    } else heads.push(encode(item));
  }
  return [...heads.flat(), ...tails.flat()];
}

function sortedEntries(o: Record<string, unknown>): [string, unknown][] {
  return Object.keys(o).sort().map((k) => [k, o[k]]);
}

/** A copy with every object's keys sorted, as serde_json's ordered map keeps them. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object' && !isLosslessNumber(v) && !(v instanceof Date)) return Object.fromEntries(sortedEntries(v as Record<string, unknown>).map(([k, x]) => [k, sorted(x)]));
  return v;
}

/** JSON text as serde_json writes it: compact, or pretty with two-space indents. */
export function jsonText(v: unknown, pretty = false): string {
  return stringifyLossless(sorted(v), null, pretty ? 2 : undefined) ?? 'null';
}

/** What `serialize<Type>` stores for a value: small integers as numbers, large ones as strings, addresses checksummed. */
export function serializedValue(type: string, v: unknown, parseObject: (text: string) => unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => serializedValue(type.replace(/\[\]$/, ''), x, parseObject));
  switch (type) {
    case 'uint256': {
      const n = v as bigint;
      return n <= U64_MAX ? new LosslessNumber(n.toString()) : n.toString();
    }
    case 'int256': {
      const n = v as bigint;
      return n >= I64_MIN && n <= I64_MAX ? new LosslessNumber(n.toString()) : n.toString();
    }
    case 'address': return getAddress(v as string);
    case 'bytes32': case 'bytes': return (v as string).toLowerCase();
    case 'string': {
      // A string holding a JSON object nests as that object (how serialize builds nested documents).
      try {
        const parsed = parseObject(v as string);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
      } catch { /* a plain string */ }
      return v;
    }
    default: return v;
  }
}

/** forge's upsert for writeJson/writeToml with a key: walks ".a.b", creating objects, and sets the last key. */
export function upsert(doc: unknown, valueText: string, key: string, parse: (text: string) => unknown): void {
  const path = key.startsWith('$') ? key : `$${key}`;
  const parts = (path.startsWith('$.') ? path.slice(2) : key).split('.').filter((p) => p !== '');
  if (parts.length === 0) throw new JsonCheatError("'valueKey' cannot be empty or just '$'");
  let current = doc as Record<string, unknown>;
  for (const segment of parts.slice(0, -1)) {
    if (!current || typeof current !== 'object' || Array.isArray(current)) throw new JsonCheatError(`path segment '${segment}' does not resolve to an object.`);
    if (current[segment] === undefined) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  if (!current || typeof current !== 'object' || Array.isArray(current)) throw new JsonCheatError('final destination is not an object, cannot insert key.');
  let value: unknown;
  try { value = parse(valueText); } catch { value = valueText; }
  current[parts[parts.length - 1]!] = value;
}

// ---- TOML, formatted as the Rust `toml` crate's to_string_pretty writes it ----

const bareKey = (k: string): string => (/^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k));

function tomlString(s: string): string {
  // A literal string when that avoids escapes, else a basic string.
  if (/["\\]/.test(s) && !/['\n\r\t\x00-\x1f\x7f]/.test(s)) return `'${s}'`;
  return `"${s.replace(/[\\"\x00-\x1f\x7f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  })}"`;
}

const isTable = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !isLosslessNumber(v) && !(v instanceof Date);

function tomlInline(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'bigint') return v.toString();
  if (isLosslessNumber(v) || typeof v === 'number') {
    const text = String(v);
    if (/^-?\d+$/.test(text)) return BigInt(text) >= I64_MIN && BigInt(text) <= I64_MAX ? text : tomlString(text);
    const f = Number(text);
    return Number.isInteger(f) ? `${f}.0` : String(f);
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `[${v.map(tomlInline).join(', ')}]`;
  const entries = sortedEntries(v as Record<string, unknown>);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${bareKey(k)} = ${tomlInline(x)}`).join(', ')} }`;
}

/** A document as `toml::to_string_pretty` writes it: keys first, then `[sub.tables]`, arrays of 2+ items one per line. */
export function tomlText(doc: unknown): string {
  const out: string[] = [];
  const table = (t: Record<string, unknown>, path: string[]): void => {
    const entries = sortedEntries(t);
    const values = entries.filter(([, v]) => !isTable(v));
    const tables = entries.filter(([, v]) => isTable(v));
    // A table with only sub-tables gets no header of its own (toml writes it implicitly).
    if (path.length > 0 && (values.length > 0 || tables.length === 0)) {
      if (out.length > 0) out.push('');
      out.push(`[${path.map(bareKey).join('.')}]`);
    }
    for (const [k, v] of values) {
      if (Array.isArray(v) && v.length > 1) out.push(`${bareKey(k)} = [`, ...v.map((x) => `    ${tomlInline(x)},`), ']');
      else out.push(`${bareKey(k)} = ${tomlInline(v)}`);
    }
    for (const [k, v] of tables) table(v as Record<string, unknown>, [...path, k]);
  };
  if (!isTable(doc)) throw new JsonCheatError('failed to serialize TOML: the document is not a table');
  table(doc, []);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
