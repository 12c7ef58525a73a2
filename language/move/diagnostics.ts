// Diagnostics of the Move front end: what went wrong, where (byte offsets into the source text, as
// the Move toolchain's own locations are byte offsets too), and a stable code a tool can filter on.
// The language server converts byte ranges to line/UTF-16 columns; the front end never does.

export interface ByteRange {
  /** Byte offset of the first character. */
  readonly start: number;
  /** Byte offset just past the last character. */
  readonly end: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly range: ByteRange;
  /** Stable identifier, e.g. `E01001`; codes by phase: E01 lexing/parsing, E02 names, E03 types. */
  readonly code: string;
  /** One sentence a Move developer understands, naming what was expected or found. */
  readonly message: string;
  readonly severity: Severity;
  /** The file the range points into (set by the package-level driver; empty for a single text). */
  readonly file?: string;
}

export function spanOf(a: ByteRange, b: ByteRange): ByteRange {
  return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
