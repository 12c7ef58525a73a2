// Why a call failed, from its revert data: the standard Error(string) and Panic(uint256), custom errors
// declared in any compiled contract's ABI (a revert may come from a callee the user did not select), and
// the raw data when nothing matches. Revert data is untrusted input: malformed encodings fall back to raw.

import { decodeErrorResult, type Abi, type AbiParameter } from 'viem';
import { formatAbiValue } from './abi-format.ts';

/** A decoded failure reason. `summary` is the one line the user sees. */
export interface RevertReason {
  /** empty: no data; error: Error(string); panic: Panic(uint256); custom: an ABI error; raw: unrecognised. */
  readonly kind: 'empty' | 'error' | 'panic' | 'custom' | 'raw';
  /** `Error("not owner")`, `Panic(0x11): arithmetic overflow or underflow`, `InsufficientBalance(requested: 100, available: 5)`, `0x1234…`. */
  readonly summary: string;
  /** The message of Error(string). */
  readonly message?: string;
  /** The code of Panic(uint256). */
  readonly panicCode?: bigint;
  /** The custom error's name. */
  readonly errorName?: string;
  /** The custom error's arguments, rendered. Unnamed parameters are named by position (`arg0`). */
  readonly args?: readonly { readonly name: string; readonly value: string }[];
  /** The revert data as 0x-hex. */
  readonly data: `0x${string}`;
}

const PANIC_MEANINGS: ReadonlyMap<bigint, string> = new Map([
  [0x00n, 'generic compiler panic'],
  [0x01n, 'assertion failed'],
  [0x11n, 'arithmetic overflow or underflow'],
  [0x12n, 'division or modulo by zero'],
  [0x21n, 'invalid enum value (conversion out of range)'],
  [0x22n, 'incorrectly encoded storage byte array'],
  [0x31n, 'pop() on an empty array'],
  [0x32n, 'array index out of bounds'],
  [0x41n, 'too much memory allocated (or array too large)'],
  [0x51n, 'call to a zero-initialized internal function variable'],
]);

/** What a Panic code means, per the Solidity documentation. */
export function panicMeaning(code: bigint): string {
  return PANIC_MEANINGS.get(code) ?? 'unknown panic code';
}

const ERROR_SELECTOR = '08c379a0';
const PANIC_SELECTOR = '4e487b71';

function toHex(data: Uint8Array): `0x${string}` {
  let hex = '0x';
  for (const byte of data) hex += byte.toString(16).padStart(2, '0');
  return hex as `0x${string}`;
}

/** Quote a message for the summary line: JSON escapes keep control characters and quotes visible. */
function quote(text: string): string {
  return JSON.stringify(text);
}

/** The string of an ABI-encoded `(string)` tuple, read strictly; undefined when malformed. */
function decodeAbiString(body: Uint8Array): string | undefined {
  if (body.length < 64) return undefined;
  const offset = readWord(body, 0);
  if (offset + 32n > BigInt(body.length)) return undefined;
  const length = readWord(body, Number(offset));
  const start = Number(offset) + 32;
  if (BigInt(start) + length > BigInt(body.length)) return undefined;
  const bytes = body.subarray(start, start + Number(length));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined; // not text: shown as raw data rather than with replacement characters
  }
}

function readWord(data: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = 0; i < 32; i++) value = (value << 8n) | BigInt(data[offset + i] ?? 0);
  return value;
}

/**
 * Decode revert data. `abis` are the ABIs of all compiled contracts (searched in order; the first error
 * whose selector matches and whose arguments decode wins).
 */
export function decodeRevert(data: Uint8Array, abis: readonly (Abi | readonly unknown[])[]): RevertReason {
  const hex = toHex(data);
  if (data.length === 0) return { kind: 'empty', summary: 'reverted without a reason', data: hex };
  const selector = hex.slice(2, 10);
  if (data.length >= 4 && selector === ERROR_SELECTOR) {
    const message = decodeAbiString(data.subarray(4));
    if (message !== undefined) return { kind: 'error', summary: `Error(${quote(message)})`, message, data: hex };
  }
  if (data.length === 36 && selector === PANIC_SELECTOR) {
    const code = readWord(data, 4);
    const codeHex = `0x${code.toString(16).padStart(2, '0')}`;
    return { kind: 'panic', summary: `Panic(${codeHex}): ${panicMeaning(code)}`, panicCode: code, data: hex };
  }
  if (data.length >= 4) {
    for (const abi of abis) {
      const custom = decodeCustom(hex, abi as Abi);
      if (custom) return custom;
    }
  }
  return { kind: 'raw', summary: `reverted with data ${hex}`, data: hex };
}

function decodeCustom(hex: `0x${string}`, abi: Abi): RevertReason | undefined {
  if (!Array.isArray(abi) || !abi.some((item) => item && (item as { type?: unknown }).type === 'error')) return undefined;
  let decoded: { errorName: string; args: readonly unknown[] | undefined; abiItem: unknown };
  try {
    decoded = decodeErrorResult({ abi, data: hex }) as typeof decoded;
  } catch {
    return undefined; // no matching selector in this ABI, or malformed arguments
  }
  const item = decoded.abiItem as { type?: string; inputs?: readonly AbiParameter[] } | undefined;
  // viem also knows Error/Panic itself; those were handled (or found malformed) above.
  if (!item || item.type !== 'error' || !item.inputs) return undefined;
  const values = decoded.args ?? [];
  const args = item.inputs.map((input, i) => ({
    name: input.name || `arg${i}`,
    value: formatAbiValue(input, values[i]),
  }));
  const rendered = args.map((a) => `${a.name}: ${a.value}`).join(', ');
  return { kind: 'custom', summary: `${decoded.errorName}(${rendered})`, errorName: decoded.errorName, args, data: hex };
}
