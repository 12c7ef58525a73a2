// A minimal DAP client over a pair of streams (Content-Length framing), used by the headless
// `chainstep debug` to drive the same session VS Code talks to.

import type { Readable, Writable } from 'node:stream';
import { EventEmitter } from 'node:events';
import type { DebugProtocol } from '@vscode/debugprotocol';

export class DapClient extends EventEmitter {
  private seq = 1;
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<number, { resolve: (r: DebugProtocol.Response) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly toAdapter: Writable,
    fromAdapter: Readable,
  ) {
    super();
    fromAdapter.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  /** Sends a request; resolves with the response, rejects with the adapter's error message. */
  request<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    const message = JSON.stringify({ seq, type: 'request', command, arguments: args });
    // Register before writing: an in-process adapter may answer synchronously within write().
    const answer = new Promise<R>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (r: DebugProtocol.Response) => void, reject });
    });
    this.toAdapter.write(`Content-Length: ${Buffer.byteLength(message, 'utf8')}\r\n\r\n${message}`);
    return answer;
  }

  /** The next event of a type. */
  next<E extends DebugProtocol.Event = DebugProtocol.Event>(event: string): Promise<E> {
    return new Promise((resolve) => this.once(event, resolve));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1] ?? NaN);
      if (!Number.isFinite(length)) throw new Error(`bad DAP header: ${header}`);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      this.dispatch(JSON.parse(body) as DebugProtocol.ProtocolMessage);
    }
  }

  private dispatch(message: DebugProtocol.ProtocolMessage): void {
    if (message.type === 'response') {
      const r = message as DebugProtocol.Response;
      const waiter = this.pending.get(r.request_seq);
      this.pending.delete(r.request_seq);
      if (!waiter) return;
      if (r.success) waiter.resolve(r);
      else waiter.reject(new Error(r.message ?? `${r.command} failed`));
    } else if (message.type === 'event') {
      const e = message as DebugProtocol.Event;
      this.emit(e.event, e);
    }
  }
}
