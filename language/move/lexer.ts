// Move lexer: turns UTF-8 source bytes into tokens with byte ranges. It works on bytes (not UTF-16
// code units) because every location in Move tooling (debug_info, source maps) is a byte offset.
// It never throws: an unexpected character becomes an `error` token plus a diagnostic, so the parser
// can carry on and the editor shows every problem at once.
//
// `>` is always a single-character token (never `>>`): in `vector<vector<u8>>` it closes two type
// argument lists, and the expression parser rejoins two adjacent `>` into a shift.

import type { Diagnostic } from './diagnostics.ts';

export type TokenKind =
  | 'ident' // names, keywords included (the parser decides; Move has many contextual keywords)
  | 'macroIdent' // `$x`: macro parameters and type parameters
  | 'label' // `'outer`
  | 'number' // 12, 0x1f, 1_000u64
  | 'address' // @0x1 / @std: the `@` is its own token; this kind is unused
  | 'byteString' // b"..."
  | 'hexString' // x"..."
  | 'punct'
  | 'docComment'
  | 'eof'
  | 'error';

export interface Token {
  readonly kind: TokenKind;
  /** The token's text (for `punct` the operator itself, for strings the raw source). */
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** True when no whitespace/comment separates this token from the previous one (`>>` vs `> >`). */
  readonly joined: boolean;
}

// Longest first: the lexer tries 3-, then 2-, then 1-character operators.
const PUNCT3 = ['==>', '<==', '<<=', '>>=', '...'];
const PUNCT2 = ['::', '==', '!=', '<=', '&&', '||', '<<', '=>', '->', '..', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='];
const PUNCT1 = '(){}[]<>,;:.=!+-*/%&|^@#?~';

function isIdentStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}
function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

const decoder = new TextDecoder();

export interface LexResult {
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
}

export function lex(bytes: Uint8Array): LexResult {
  const tokens: Token[] = [];
  const diagnostics: Diagnostic[] = [];
  const n = bytes.length;
  let i = 0;
  let joined = false;
  const text = (s: number, e: number) => {
    // Tokens are nearly always ASCII: building the string directly avoids a TextDecoder call each.
    let out = '';
    for (let k = s; k < e; k++) {
      const b = bytes[k];
      if (b >= 0x80) return decoder.decode(bytes.subarray(s, e));
      out += String.fromCharCode(b);
    }
    return out;
  };
  const push = (kind: TokenKind, s: number, e: number, t = text(s, e)) => {
    tokens.push({ kind, text: t, start: s, end: e, joined });
    joined = true;
  };
  const error = (s: number, e: number, message: string, code = 'E01001') =>
    diagnostics.push({ range: { start: s, end: e }, code, message, severity: 'error' });

  while (i < n) {
    const c = bytes[i];
    // whitespace
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) {
      i++;
      joined = false;
      continue;
    }
    // comments
    if (c === 0x2f && bytes[i + 1] === 0x2f) {
      const s = i;
      while (i < n && bytes[i] !== 0x0a) i++;
      if (bytes[s + 2] === 0x2f && bytes[s + 3] !== 0x2f) push('docComment', s, i);
      joined = false;
      continue;
    }
    if (c === 0x2f && bytes[i + 1] === 0x2a) {
      const s = i;
      i += 2;
      // Block comments nest in Move.
      let depth = 1;
      while (i < n && depth > 0) {
        if (bytes[i] === 0x2f && bytes[i + 1] === 0x2a) {
          depth++;
          i += 2;
        } else if (bytes[i] === 0x2a && bytes[i + 1] === 0x2f) {
          depth--;
          i += 2;
        } else i++;
      }
      if (depth > 0) error(s, s + 2, 'This block comment is never closed: add `*/`.');
      joined = false;
      continue;
    }
    const s = i;
    // byte / hex strings
    if ((c === 0x62 || c === 0x78) && bytes[i + 1] === 0x22) {
      i += 2;
      while (i < n && bytes[i] !== 0x22) {
        if (bytes[i] === 0x5c && c === 0x62) i++;
        i++;
      }
      if (i >= n) {
        error(s, Math.min(s + 2, n), 'This string is never closed: add `"`.');
        i = n;
      } else i++;
      push(c === 0x62 ? 'byteString' : 'hexString', s, i);
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentChar(bytes[i])) i++;
      push('ident', s, i);
      continue;
    }
    if (c === 0x60 /* ` */) {
      // Escaped identifier: `type` lets a keyword be used as a name.
      let e = i + 1;
      while (e < n && isIdentChar(bytes[e])) e++;
      if (bytes[e] === 0x60 && e > i + 1) {
        i = e + 1;
        push('ident', s, i, text(s + 1, e));
        continue;
      }
    }
    if (c === 0x24 /* $ */ && i + 1 < n && isIdentStart(bytes[i + 1])) {
      i++;
      while (i < n && isIdentChar(bytes[i])) i++;
      push('macroIdent', s, i);
      continue;
    }
    if (c === 0x27 /* ' */ && i + 1 < n && isIdentStart(bytes[i + 1])) {
      i++;
      while (i < n && isIdentChar(bytes[i])) i++;
      push('label', s, i);
      continue;
    }
    if (isDigit(c)) {
      // Hex literals, decimal literals with `_` separators, and an optional type suffix (u8..u256).
      if (c === 0x30 && bytes[i + 1] === 0x78) i += 2;
      while (i < n && isIdentChar(bytes[i])) i++;
      push('number', s, i);
      continue;
    }
    let matched = '';
    for (const p of PUNCT3) if (matches(bytes, i, p)) { matched = p; break; }
    if (!matched) for (const p of PUNCT2) if (matches(bytes, i, p)) { matched = p; break; }
    if (!matched && PUNCT1.includes(String.fromCharCode(c))) matched = String.fromCharCode(c);
    // `>>=` must not swallow the second `>` of a closing type list; keep `>` single (see header).
    if (matched === '>>=') matched = '>';
    if (matched) {
      i += matched.length;
      push('punct', s, i, matched);
      continue;
    }
    // Unknown byte: one error per run of them, skipping a whole UTF-8 sequence.
    i++;
    while (i < n && (bytes[i] & 0xc0) === 0x80) i++;
    error(s, i, `Unexpected character '${text(s, i)}'.`);
    push('error', s, i);
  }
  tokens.push({ kind: 'eof', text: '', start: n, end: n, joined: false });
  return { tokens, diagnostics };
}

function matches(bytes: Uint8Array, i: number, p: string): boolean {
  for (let k = 0; k < p.length; k++) if (bytes[i + k] !== p.charCodeAt(k)) return false;
  return true;
}
