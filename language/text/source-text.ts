// Converts between the byte offsets compilers report (UTF-8, as solc's `src` fields) and the positions
// editors use (line and UTF-16 column, as LSP and VS Code count). A line with "é" or an emoji before an error
// is where a naive conversion puts the squiggle in the wrong place, so every conversion goes through here.

export interface LineColumn {
  /** 0-based line. */
  readonly line: number;
  /** 0-based column in UTF-16 code units. */
  readonly character: number;
}

/** UTF-8 length of one UTF-16 code unit at `i` (a surrogate pair counts 4 on its first unit, 0 on its second). */
function utf8Width(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = text.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 4 : 3; // a lone surrogate is encoded as U+FFFD (3 bytes)
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const prev = text.charCodeAt(i - 1);
    return prev >= 0xd800 && prev <= 0xdbff ? 0 : 3;
  }
  return 3;
}

export class SourceText {
  /** UTF-16 offset where each line starts. */
  private readonly lineStarts: number[] = [0];
  /** UTF-8 byte offset where each line starts. */
  private readonly lineByteStarts: number[] = [0];

  constructor(readonly text: string) {
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      bytes += utf8Width(text, i);
      if (text.charCodeAt(i) === 10) {
        this.lineStarts.push(i + 1);
        this.lineByteStarts.push(bytes);
      }
    }
    this.byteLength = bytes;
  }

  readonly byteLength: number;

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The line/UTF-16 column of a UTF-8 byte offset (clamped to the text). */
  positionAt(byteOffset: number): LineColumn {
    const target = Math.max(0, Math.min(byteOffset, this.byteLength));
    const line = lastAtOrBelow(this.lineByteStarts, target);
    let bytes = this.lineByteStarts[line]!;
    let i = this.lineStarts[line]!;
    // Whole code points only: an offset inside a character's bytes lands before that character.
    while (i < this.text.length) {
      const units = utf8Width(this.text, i) === 4 ? 2 : 1;
      const width = utf8Width(this.text, i);
      if (bytes + width > target) break;
      bytes += width;
      i += units;
    }
    return { line, character: i - this.lineStarts[line]! };
  }

  /** The UTF-8 byte offset of a line/UTF-16 column (clamped to the line). */
  byteOffsetAt(position: LineColumn): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.byteLength;
    const start = this.lineStarts[position.line]!;
    const end = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1]! : this.text.length;
    let bytes = this.lineByteStarts[position.line]!;
    for (let i = start; i < Math.min(end, start + Math.max(0, position.character)); i++) bytes += utf8Width(this.text, i);
    return bytes;
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
