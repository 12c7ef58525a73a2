// Reads DAP messages (`Content-Length: n\r\n\r\n` + n bytes of JSON) from a byte stream, and survives a
// client that gets the framing wrong. @vscode/debugadapter's own reader stops for good on a body that is not
// JSON (it throws from the stream's data handler) and waits forever on a length it cannot parse; an editor
// session must not end or hang because one message was bad. Here every problem becomes a `Problem` the
// session reports, and reading resynchronises on the next `Content-Length` header.

/** A header larger than this is not a DAP header: it is garbage, and we look for the next one. */
const MAX_HEADER = 8 * 1024;
/** No request an editor sends is near this; a larger length is a corrupt header, not a message to wait for. */
export const MAX_BODY = 256 * 1024 * 1024;

const SEPARATOR = Buffer.from('\r\n\r\n');
const HEADER_NAME = 'content-length:';

export type Frame = { readonly kind: 'message'; readonly value: unknown } | { readonly kind: 'problem'; readonly message: string };

/** Incremental reader: push chunks, get complete messages and problems in order. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  /** Body length of the message being read, or -1 while reading a header. */
  private length = -1;

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      if (this.length < 0) {
        if (!this.readHeader(frames)) break;
      } else if (!this.readBody(frames)) break;
    }
    return frames;
  }

  /** Consumes one header; false when more bytes are needed. */
  private readHeader(frames: Frame[]): boolean {
    const end = this.buffer.indexOf(SEPARATOR);
    if (end < 0) {
      if (this.buffer.length > MAX_HEADER) {
        frames.push({ kind: 'problem', message: `${this.buffer.length} bytes without a DAP header were ignored` });
        this.buffer = this.buffer.subarray(this.buffer.length - 3); // keep a separator that may be split
      }
      return false;
    }
    const header = this.buffer.toString('latin1', 0, end);
    this.buffer = this.buffer.subarray(end + SEPARATOR.length);
    // The header is its last Content-Length line: bytes before it are leftovers of a broken message.
    const at = header.toLowerCase().lastIndexOf(HEADER_NAME);
    if (at < 0) {
      frames.push({ kind: 'problem', message: `a message without a Content-Length header was ignored: ${preview(header)}` });
      return true;
    }
    if (at > 0 && header.slice(0, at).trim() !== '') {
      frames.push({ kind: 'problem', message: `bytes before a header were ignored: ${preview(header.slice(0, at))}` });
    }
    const text = header.slice(at + HEADER_NAME.length).split('\r\n')[0]!.trim();
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n > MAX_BODY) {
      frames.push({ kind: 'problem', message: `a message with an invalid Content-Length (${preview(text)}) was ignored` });
      return true;
    }
    this.length = n;
    return true;
  }

  /** Consumes one body; false when more bytes are needed. */
  private readBody(frames: Frame[]): boolean {
    const complete = this.buffer.length >= this.length;
    if (complete && parses(this.buffer.subarray(0, this.length))) {
      this.deliver(this.length, frames);
      return true;
    }
    // A length larger than the message: the next message's header shows up inside the body. Take the
    // JSON before it when that is a whole message, rather than waiting for bytes that never come.
    const inside = this.nextHeaderAt(0);
    if (inside > 0 && inside < this.length && parses(this.buffer.subarray(0, inside))) {
      frames.push({ kind: 'problem', message: `Content-Length ${this.length} was larger than its message (${inside} bytes)` });
      this.deliver(inside, frames);
      return true;
    }
    // Any other header inside the body: this message is broken (a JSON text never holds a raw CR LF), the
    // next one starts there.
    if (inside > 0 && inside < this.length) {
      frames.push({ kind: 'problem', message: `a message cut short by the next header was ignored: ${preview(this.buffer.toString('utf8', 0, inside))}` });
      this.buffer = this.buffer.subarray(inside);
      this.length = -1;
      return true;
    }
    if (!complete) return false;
    // A length smaller than the message: the rest of the JSON sits before the next header (or is all that
    // has arrived after it).
    const after = this.nextHeaderAt(this.length);
    const next = after >= 0 ? after : this.buffer.length;
    if (next > this.length && parses(this.buffer.subarray(0, next))) {
      frames.push({ kind: 'problem', message: `Content-Length ${this.length} was smaller than its message (${next} bytes)` });
      this.deliver(next, frames);
      return true;
    }
    this.deliver(this.length, frames);
    return true;
  }

  private deliver(size: number, frames: Frame[]): void {
    const text = this.buffer.toString('utf8', 0, size);
    this.buffer = this.buffer.subarray(size);
    this.length = -1;
    if (text.trim() === '') return;
    try {
      frames.push({ kind: 'message', value: JSON.parse(text) });
    } catch (e) {
      frames.push({ kind: 'problem', message: `a message that is not JSON was ignored (${(e as Error).message}): ${preview(text)}` });
    }
  }

  /** Offset of the next `Content-Length: n` header (followed by its separator) at or after `from`; -1 if none. */
  private nextHeaderAt(from: number): number {
    for (let at = this.buffer.indexOf('Content-Length:', from); at >= 0; at = this.buffer.indexOf('Content-Length:', at + 1)) {
      if (/^Content-Length: *\d+\r\n\r\n/.test(this.buffer.toString('latin1', at, at + 40))) return at;
    }
    return -1;
  }
}

function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

function preview(text: string): string {
  const flat = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  return flat;
}
