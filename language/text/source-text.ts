// Converts between the byte offsets compilers report (UTF-8, as solc's `src` fields) and the positions
// editors use (line and UTF-16 column, as LSP and VS Code count). A line with "é" or an emoji before an error
// is where a naive conversion puts the squiggle in the wrong place, so every conversion goes through here.

import { LineIndex } from './line-index.ts';

export interface LineColumn {
  /** 0-based line. */
  readonly line: number;
  /** 0-based column in UTF-16 code units. */
  readonly character: number;
}

/**
 * A text with both indexes: the shared byte index (LineIndex, 1-based as DAP counts) for byte offsets, and
 * UTF-16 line starts for the offsets an editor buffer uses, all 0-based as LSP counts.
 */
export class SourceText {
  private readonly index: LineIndex;
  /** UTF-16 offset where each line starts. */
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    // LineIndex encodes with TextEncoder: a lone surrogate becomes U+FFFD (3 bytes), as solc receives it.
    this.index = new LineIndex(text);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  get byteLength(): number {
    return this.index.bytes.length;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line/UTF-16 column of a UTF-8 byte offset (clamped to the text). */
  positionAt(byteOffset: number): LineColumn {
    const p = this.index.position(Math.max(0, Math.min(byteOffset, this.byteLength)));
    return { line: p.line - 1, character: p.column - 1 };
  }

  /** The UTF-8 byte offset of a line/UTF-16 column (clamped to the line). */
  byteOffsetAt(position: LineColumn): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.byteLength;
    return this.index.offset({ line: position.line + 1, column: Math.max(0, position.character) + 1 });
  }

  /** The UTF-8 byte offset of a UTF-16 offset. */
  byteOffsetOf(offset: number): number {
    const line = lastAtOrBelow(this.lineStarts, Math.max(0, Math.min(offset, this.text.length)));
    return this.byteOffsetAt({ line, character: offset - this.lineStarts[line]! });
  }

  /** The UTF-16 offset of a UTF-8 byte offset. */
  offsetAt(byteOffset: number): number {
    const { line, character } = this.positionAt(byteOffset);
    return this.lineStarts[line]! + character;
  }

  /** The text between two UTF-8 byte offsets. */
  slice(startByte: number, endByte: number): string {
    return this.text.slice(this.offsetAt(startByte), this.offsetAt(endByte));
  }
}

function lastAtOrBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
