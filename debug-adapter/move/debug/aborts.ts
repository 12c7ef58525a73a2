// Why a Move execution failed, in words: abort codes named after the module's error constants, Sui
// "clever errors" decoded from the code's bit layout, and VM status names (arithmetic, vector, gas).
import type { CompiledModule } from '../binary/model.ts';
import { constantText } from '../binary/disassembler.ts';
import type { ModuleSourceMap } from '../package/source-map.ts';

export interface AbortMeaning {
  /** The error constant's name (`ENotOwner`), when the module defines one for the code. */
  readonly constant?: string;
  /** The source line a clever error was raised on. */
  readonly line?: number;
  /** A clever error's value (usually its message), rendered. */
  readonly message?: string;
  /** True when the code is a clever error (tag bit 63 set). */
  readonly clever: boolean;
  /** Aptos canonical errors (`error::not_found(E…)`): the category name; the constant names the reason. */
  readonly category?: string;
}

/** Aptos `std::error` categories: the code is `category << 16 | reason`. */
const APTOS_CATEGORIES: Record<number, string> = {
  0x1: 'INVALID_ARGUMENT', 0x2: 'OUT_OF_RANGE', 0x3: 'INVALID_STATE', 0x4: 'UNAUTHENTICATED', 0x5: 'PERMISSION_DENIED',
  0x6: 'NOT_FOUND', 0x7: 'ABORTED', 0x8: 'ALREADY_EXISTS', 0x9: 'RESOURCE_EXHAUSTED', 0xa: 'CANCELLED', 0xb: 'INTERNAL',
  0xc: 'NOT_IMPLEMENTED', 0xd: 'UNAVAILABLE',
};

const U64_MAX = (1n << 64n) - 1n;
const CLEVER_TAG = 1n << 63n;
const NONE = 0xffff;

function u64Constant(module: CompiledModule, index: number): bigint | undefined {
  const c = module.constants[index];
  if (!c || c.type.kind !== 'u64' || c.data.length !== 8) return undefined;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(c.data[i]!);
  return v;
}

/** A `vector<u8>` constant as UTF-8 text (clever errors store the constant's name this way). */
function bytesConstant(module: CompiledModule, index: number): string | undefined {
  const c = module.constants[index];
  if (!c || c.type.kind !== 'vector' || c.type.element.kind !== 'u8') return undefined;
  let length = 0;
  let shift = 0;
  let pos = 0;
  for (; pos < c.data.length && pos < 5; pos++) {
    const b = c.data[pos]!;
    length |= (b & 0x7f) << shift;
    shift += 7;
    if ((b & 0x80) === 0) break;
  }
  const bytes = c.data.subarray(pos + 1, pos + 1 + length);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * What an abort code means in the module that aborted. Clever errors (Sui): bit 63 tag, bits 32..47 the
 * source line, bits 16..31 the constant holding the error's name, bits 0..15 the constant holding its
 * value (0xffff: none). Otherwise: a constant named `E…` whose u64 value is the code.
 */
export function explainAbortCode(code: bigint, module?: CompiledModule, sourceMap?: ModuleSourceMap): AbortMeaning {
  if (code < 0n || code > U64_MAX) return { clever: false };
  if ((code & CLEVER_TAG) !== 0n) {
    const line = Number((code >> 32n) & 0xffffn);
    const nameIndex = Number((code >> 16n) & 0xffffn);
    const valueIndex = Number(code & 0xffffn);
    const constant = module && nameIndex !== NONE ? bytesConstant(module, nameIndex) : undefined;
    let message: string | undefined;
    if (module && valueIndex !== NONE && valueIndex < module.constants.length) message = constantText(module, valueIndex);
    return { clever: true, line, ...(constant ? { constant } : {}), ...(message !== undefined ? { message } : {}) };
  }
  if (!module) return { clever: false };
  const named = (value: bigint): string | undefined => {
    if (!sourceMap) return undefined;
    for (const [name, index] of sourceMap.constants) if (/^E/.test(name) && u64Constant(module, index) === value) return name;
    return undefined;
  };
  const exact = named(code);
  if (exact) return { clever: false, constant: exact };
  const category = module.flavour === 'aptos' && code < 1n << 24n ? APTOS_CATEGORIES[Number(code >> 16n)] : undefined;
  if (category) {
    const reason = named(code & 0xffffn);
    return { clever: false, category, ...(reason ? { constant: reason } : {}) };
  }
  return { clever: false };
}

/** One line for an abort: `ENotOwner (code 2)`, `EInsufficient at line 12: "not enough"`, `assertion failed at line 6`. */
export function abortSummary(code: bigint, meaning: AbortMeaning): string {
  if (meaning.clever) {
    const what = meaning.constant ?? 'assertion failed';
    const at = meaning.line ? ` at line ${meaning.line}` : '';
    const message = meaning.message !== undefined ? `: ${meaning.message}` : '';
    return `${what}${at}${message} (code 0x${code.toString(16)})`;
  }
  if (meaning.category) return `${meaning.constant ?? `reason ${code & 0xffffn}`} (${meaning.category}, code ${code})`;
  return meaning.constant ? `${meaning.constant} (code ${code})` : `code ${code}`;
}

const STATUS_MEANINGS: Record<string, string> = {
  ARITHMETIC_ERROR: 'arithmetic error: overflow, underflow, division by zero, or a lossy cast or shift',
  VECTOR_OPERATION_ERROR: 'vector operation error: index out of bounds, pop from an empty vector, or bad unpack length',
  OUT_OF_GAS: 'out of gas',
  MEMORY_LIMIT_EXCEEDED: 'memory limit exceeded',
  EXECUTION_STACK_OVERFLOW: 'call stack overflow',
  CALL_STACK_OVERFLOW: 'call stack overflow',
  STEP_LIMIT_REACHED: 'step limit reached (an endless loop?)',
  MISSING_DATA: 'missing data (a module or global value is not available)',
  RESOURCE_DOES_NOT_EXIST: 'global resource does not exist',
  RESOURCE_ALREADY_EXISTS: 'global resource already exists',
};

/** `ARITHMETIC_ERROR: arithmetic error: ...` */
export function statusSummary(status: string): string {
  const meaning = STATUS_MEANINGS[status];
  return meaning ? `${status}: ${meaning}` : status;
}
