// Solidity source maps: the compressed `s:l:f:j:m;...` form, one entry per instruction (not per byte), and the
// conversion of solc's UTF-8 byte offsets into editor lines and UTF-16 columns.

/** One decompressed source map entry: byte range in source `file` (-1: no source), jump kind, modifier depth. */
export interface SourceMapEntry {
  readonly start: number;
  readonly length: number;
  readonly file: number;
  /** 'i' jump into a function, 'o' jump out of one, '-' ordinary. */
  readonly jump: 'i' | 'o' | '-';
  readonly modifierDepth: number;
}

/** Decompresses a solc source map: empty fields repeat the previous entry's value. */
export function decompressSourceMap(map: string): SourceMapEntry[] {
  const entries: SourceMapEntry[] = [];
  let start = -1, length = -1, file = -1, jump: 'i' | 'o' | '-' = '-', modifierDepth = 0;
  if (map === '') return entries;
  for (const item of map.split(';')) {
    const fields = item.split(':');
    if (fields[0]) start = Number(fields[0]);
    if (fields[1]) length = Number(fields[1]);
    if (fields[2]) file = Number(fields[2]);
    if (fields[3]) jump = fields[3] as 'i' | 'o' | '-';
    if (fields[4]) modifierDepth = Number(fields[4]);
    entries.push({ start, length, file, jump, modifierDepth });
  }
  return entries;
}

/** For each byte offset of `code`, the index of the instruction it belongs to (PUSH data maps to its PUSH). */
export function instructionIndexByPc(code: Uint8Array): Uint32Array {
  const index = new Uint32Array(code.length + 1);
  let n = 0;
  for (let pc = 0; pc < code.length; n++) {
    const op = code[pc]!;
    const size = op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
    for (let i = 0; i < size && pc + i < code.length; i++) index[pc + i] = n;
    pc += size;
  }
  index[code.length] = n; // one past the end: execution "falls off" into an implicit STOP
  return index;
}

/**
 * Maps UTF-8 byte offsets of a text to 1-based lines and UTF-16 columns. solc counts bytes; editors count
 * UTF-16 code units, so a line containing "é" or an emoji shifts every column after it.
 */
export class LineIndex {
  /** Byte offset where each line starts. */
  private readonly lineStarts: number[] = [0];
  private readonly bytes: Uint8Array;

  constructor(readonly text: string) {
    this.bytes = new TextEncoder().encode(text);
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 0x0a) this.lineStarts.push(i + 1);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line of a byte offset. */
  line(offset: number): number {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid; else hi = mid - 1;
    }
    return lo + 1;
  }

  /** 1-based line and UTF-16 column of a byte offset. */
  position(offset: number): { line: number; column: number } {
    const line = this.line(offset);
    const lineStart = this.lineStarts[line - 1]!;
    let column = 1;
    for (let i = lineStart; i < offset && i < this.bytes.length;) {
      const b = this.bytes[i]!;
      const size = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      column += size === 4 ? 2 : 1; // 4-byte UTF-8 sequences are surrogate pairs in UTF-16
      i += size;
    }
    return { line, column };
  }
}
