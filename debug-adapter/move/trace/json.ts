// JSON without losing integers: the trace writes u64/u128 (and gas) as bare numbers that can exceed
// 2^53, which plain JSON.parse silently rounds. Reading keeps such integers as bigints; writing emits
// bigints as bare numbers, as serde_json does.
import { parse, parseNumberAndBigInt } from 'lossless-json';

/** A number token of 16 or more digits (one that may exceed 2^53): only such texts need the slow parser. */
const LONG_NUMBER = /[:,[]\s*\d{16,}/;

/** Parses one JSON text; integers beyond Number.MAX_SAFE_INTEGER come back as bigint. */
export function parseLossless(text: string): unknown {
  // Numbers of at most 15 digits are exact as doubles, so the native parser is safe (and much faster).
  return LONG_NUMBER.test(text) ? parse(text, null, parseNumberAndBigInt) : JSON.parse(text);
}

/**
 * Splits a text holding several top-level JSON values (JSON Lines, or pretty-printed values one after
 * another as older traces are written) into the source text of each value. Scans once, tracking
 * strings and nesting; throws with the offset when a value is cut off.
 */
export function splitJsonValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (start < 0) start = i;
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth < 0) throw new Error(`unbalanced '${text[i]}' at offset ${i}`);
    }
    if (depth === 0 && !inString) {
      // A scalar or a closed container ends here when the next character is not part of it.
      const next = text.charCodeAt(i + 1);
      const scalarContinues = c !== 0x7d && c !== 0x5d && c !== 0x22 && !Number.isNaN(next) &&
        next !== 0x20 && next !== 0x0a && next !== 0x0d && next !== 0x09 && next !== 0x7b && next !== 0x5b;
      if (!scalarContinues) {
        out.push(text.slice(start, i + 1));
        start = -1;
      }
    }
  }
  if (inString || depth !== 0) throw new Error(`truncated JSON value starting at offset ${start}`);
  return out;
}

/**
 * Compact JSON like serde_json writes it: object keys in insertion order, no spaces, bigints as bare
 * integers. `undefined` members are left out.
 */
export function stringifyCompact(value: unknown): string {
  const parts: string[] = [];
  write(value, parts);
  return parts.join('');
}

function write(value: unknown, out: string[]): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as JSON`);
      out.push(String(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i) out.push(',');
          write(value[i], out);
        }
        out.push(']');
        return;
      }
      out.push('{');
      let first = true;
      for (const key of Object.keys(value)) {
        const member = (value as Record<string, unknown>)[key];
        if (member === undefined) continue;
        if (!first) out.push(',');
        first = false;
        out.push(JSON.stringify(key), ':');
        write(member, out);
      }
      out.push('}');
      return;
    }
    default:
      throw new Error(`cannot write a ${typeof value} as JSON`);
  }
}
