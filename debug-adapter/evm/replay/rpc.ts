// A small JSON-RPC client over HTTP (plain fetch) for reading a node: one method call per request, with
// failures turned into sentences a user can act on (node down, not JSON-RPC, method missing, timeout).
import { UserError } from '../../core/errors.ts';

/** A JSON-RPC error the node returned (the method exists but refused or failed). */
export class RpcError extends Error {
  override readonly name = 'RpcError';
  constructor(readonly method: string, readonly code: number, message: string) {
    super(`${method}: ${message}`);
  }
}

/** The node does not offer a method (JSON-RPC -32601, or a "not supported"/"not found" message). */
export function isMethodMissing(e: unknown): boolean {
  if (!(e instanceof RpcError)) return false;
  return e.code === -32601 || e.code === -32004 || /method .*(not found|not supported|does not exist|not available)|unsupported method|not implemented/i.test(e.message);
}

const TIMEOUT_MS = 60_000;

export class JsonRpc {
  private id = 0;
  /** JSON-RPC calls made (for the Debug Console's summary and the benchmark). */
  calls = 0;

  constructor(readonly url: string, private readonly cancel?: AbortSignal) {}

  async call<T>(method: string, params: readonly unknown[] = []): Promise<T> {
    this.calls++;
    const signals = [AbortSignal.timeout(TIMEOUT_MS), ...(this.cancel ? [this.cancel] : [])];
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: ++this.id, method, params }),
        signal: AbortSignal.any(signals),
      });
    } catch (e) {
      if (this.cancel?.aborted) throw new UserError('cancelled');
      throw new UserError(`rpcUrl: cannot reach the node at ${this.url} (${reasonOf(e)}). Is it running, and is the URL right?`);
    }
    const text = await response.text().catch(() => '');
    let body: { result?: unknown; error?: { code?: number; message?: string } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new UserError(`rpcUrl: ${this.url} answered ${method} with HTTP ${response.status} and no JSON-RPC response${text ? `: ${text.slice(0, 200)}` : ''}`);
    }
    if (body === null || typeof body !== 'object') throw new UserError(`rpcUrl: ${this.url} answered ${method} with ${text.slice(0, 200)}, not a JSON-RPC response`);
    if (body.error) throw new RpcError(method, Number(body.error.code ?? 0), String(body.error.message ?? JSON.stringify(body.error)));
    if (!('result' in body)) throw new UserError(`rpcUrl: ${this.url} answered ${method} without a result`);
    return body.result as T;
  }
}

/** Why fetch failed, in words ("connection refused", "timed out", the host not found). */
function reasonOf(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const code = err?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return err?.cause?.message ?? err?.message ?? String(e);
}

/** A JSON-RPC quantity ("0x1a") as a bigint; `field` names it when the node sent something else. */
export function quantity(v: unknown, field: string): bigint {
  if (typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v)) return v === '0x' ? 0n : BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new UserError(`the node sent ${JSON.stringify(v)} for ${field}, not a hex quantity`);
}

export function hexBytes(v: unknown, field: string): Uint8Array {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new UserError(`the node sent ${JSON.stringify(v)} for ${field}, not hex data`);
  return Uint8Array.from(Buffer.from(v.slice(2), 'hex'));
}
