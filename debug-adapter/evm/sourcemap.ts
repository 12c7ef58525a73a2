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

// Byte offsets to lines and UTF-16 columns: the one index shared with the language server.
export { LineIndex } from '../../language/text/line-index.ts';
