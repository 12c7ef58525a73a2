// A bounded cursor over bytes. Every read checks the end of its window and fails with a MoveFormatError
// naming the module, the current table and the absolute byte offset, so callers never index out of range.
import { MoveFormatError } from './errors.ts';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

export class Reader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    readonly moduleName: string,
    public table: string,
    start: number,
    /** One past the last readable byte. */
    public end: number,
  ) {
    this.pos = start;
  }

  /** A reader over [start, end) of the same bytes, for one table. */
  window(table: string, start: number, end: number): Reader {
    return new Reader(this.bytes, this.moduleName, table, start, end);
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(detail: string, offset: number = this.pos): never {
    throw new MoveFormatError(this.moduleName, this.table, offset, detail);
  }

  private need(n: number): void {
    if (this.end - this.pos < n) this.fail(`unexpected end of ${this.table} (needed ${n} more byte${n === 1 ? '' : 's'})`);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 2;
    return b[p]! | (b[p + 1]! << 8);
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  /** A little-endian unsigned integer of `size` bytes as a bigint. */
  uintLE(size: number): bigint {
    this.need(size);
    let value = 0n;
    for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.bytes[this.pos + i]!);
    this.pos += size;
    return value;
  }

  bytesN(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * ULEB128 (as the Move serializer writes it: at most 64 bits, no redundant trailing zero bytes),
   * then checked against `max`. `what` names the value for the error message.
   */
  uleb(max: number, what: string): number {
    const start = this.pos;
    let value = 0;
    let scale = 1; // 2^shift, as a float: exact up to 2^53, and anything bigger is over every max we use
    for (let shift = 0; ; shift += 7) {
      if (this.pos >= this.end) this.fail(`unexpected end of ${this.table} in ${what}`, start);
      const byte = this.bytes[this.pos++]!;
      const cur = byte & 0x7f;
      if (shift > 63 || (shift === 63 && cur > 1)) this.fail(`ULEB128 ${what} overflows 64 bits`, start);
      value += cur * scale;
      if ((byte & 0x80) === 0) {
        if (shift > 0 && cur === 0) this.fail(`non-canonical ULEB128 ${what}`, start);
        break;
      }
      scale *= 128;
    }
    if (value > max) this.fail(`${what} ${value} exceeds the maximum ${max}`, start);
    return value;
  }

  /** ULEB128 up to 64 bits, as a bigint (closure masks). */
  ulebBig(what: string): bigint {
    const start = this.pos;
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.end) this.fail(`unexpected end of ${this.table} in ${what}`, start);
      const byte = this.bytes[this.pos++]!;
      const cur = BigInt(byte & 0x7f);
      if (shift > 63n || (shift === 63n && cur > 1n)) this.fail(`ULEB128 ${what} overflows 64 bits`, start);
      value |= cur << shift;
      if ((byte & 0x80) === 0) {
        if (shift > 0n && cur === 0n) this.fail(`non-canonical ULEB128 ${what}`, start);
        return value;
      }
    }
  }

  utf8(n: number, what: string): string {
    const start = this.pos;
    const raw = this.bytesN(n);
    try {
      return textDecoder.decode(raw);
    } catch {
      this.fail(`${what} is not valid UTF-8`, start);
    }
  }
}
