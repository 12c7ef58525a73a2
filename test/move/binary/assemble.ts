// A tiny module assembler for tests: lays out magic, version, table headers, table contents and trailer,
// so tests can build exactly the (valid or damaged) binaries they need and know every byte offset.

export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

export interface Built {
  readonly bytes: Uint8Array;
  /** Absolute offset where each table's contents start. */
  readonly tableStart: Map<number, number>;
  readonly trailerStart: number;
}

/** Assembles a module: magic, version, table headers, contents, trailer (self handle or script body). */
export function build(tables: [kind: number, content: number[]][], trailer: number[] = [0], version = [6, 0, 0, 0]): Built {
  const header: number[] = [0xa1, 0x1c, 0xeb, 0x0b, ...version, ...uleb(tables.length)];
  let offset = 0;
  for (const [kind, content] of tables) {
    header.push(kind, ...uleb(offset), ...uleb(content.length));
    offset += content.length;
  }
  const tableStart = new Map<number, number>();
  let at = header.length;
  for (const [kind, content] of tables) {
    tableStart.set(kind, at);
    at += content.length;
  }
  return { bytes: Uint8Array.from([...header, ...tables.flatMap(([, c]) => c), ...trailer]), tableStart, trailerStart: at };
}

/** An identifier table entry. */
export const name = (text: string): number[] => [...uleb(text.length), ...Buffer.from(text)];
