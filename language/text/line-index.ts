// Byte offsets <-> editor positions for one text. Compilers count UTF-8 bytes (solc's source maps, Move
// source maps, compiler error locations); editors count lines and UTF-16 code units (DAP, LSP, VS Code), so
// a line holding "é" or an emoji shifts every column after it. The debugger and the language server both
// convert with this one index.

export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column in UTF-16 code units. */
  readonly column: number;
}

export class LineIndex {
  /** Byte offset where each line starts. */
  private readonly lineStarts: number[] = [0];
  readonly bytes: Uint8Array;

  /** From the text (encoded as UTF-8) or from its bytes as read from disk. */
  constructor(text: string | Uint8Array) {
    this.bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    const bytes = this.bytes;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line of a byte offset (offsets past the end are on the last line). */
  line(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based line and UTF-16 column of a byte offset. */
  position(offset: number): Position {
    const line = this.line(offset);
    let column = 1;
    for (let i = this.lineStarts[line - 1]!; i < offset && i < this.bytes.length; ) {
      const size = sequenceLength(this.bytes[i]!);
      column += size === 4 ? 2 : 1; // 4-byte UTF-8 sequences are surrogate pairs in UTF-16
      i += size;
    }
    return { line, column };
  }

  /** The byte offset of a 1-based line and UTF-16 column (clamped to the line and the text). */
  offset(position: Position): number {
    const line = Math.min(Math.max(1, position.line), this.lineStarts.length);
    const end = line < this.lineStarts.length ? this.lineStarts[line]! - 1 : this.bytes.length;
    let i = this.lineStarts[line - 1]!;
    for (let column = 1; column < position.column && i < end; ) {
      const size = sequenceLength(this.bytes[i]!);
      column += size === 4 ? 2 : 1;
      i += size;
    }
    return Math.min(i, end);
  }
}

/** Length of the UTF-8 sequence a byte starts (a stray continuation byte counts as one). */
function sequenceLength(b: number): number {
  return b < 0xc0 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}
