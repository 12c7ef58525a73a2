// A real Ethereum node (Foundry's anvil, revm inside) on loopback, for tests that compare Chainstep with an
// independent EVM. Each test starts its own node on a free port and stops it when done; nothing stays running.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ANVIL } from './foundry-tools.ts';

export interface StructLog {
  readonly pc: number;
  readonly op: string;
  readonly gas: number;
  readonly gasCost: number;
  readonly depth: number;
  readonly stack?: readonly string[];
  readonly error?: string;
}

export interface Anvil {
  readonly url: string;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts anvil with per-step tracing (`debug_traceTransaction` returns struct logs only with it). */
export async function startAnvil(extraArgs: readonly string[] = []): Promise<Anvil> {
  if (!ANVIL) throw new Error('anvil is not installed (scripts/install-foundry.sh)');
  const port = await freePort();
  const child: ChildProcess = spawn(ANVIL, ['--host', '127.0.0.1', '--port', String(port), '--steps-tracing', '--silent', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  let id = 0;
  const rpc = async <T,>(method: string, params: unknown[] = []): Promise<T> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }),
    });
    const body = (await res.json()) as { result?: T; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result as T;
  };
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}: ${stderr}`);
    try {
      await rpc('eth_chainId');
      return { url, rpc, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`anvil did not answer on ${url} within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Sends a transaction from one of anvil's unlocked dev accounts and waits for its receipt. */
export async function sendTransaction(
  node: Anvil,
  tx: { from: string; to?: string; data: string; value?: bigint; gas: bigint; gasPrice?: bigint },
): Promise<{ hash: string; status: boolean; contractAddress?: string; gasUsed: bigint }> {
  const hash = await node.rpc<string>('eth_sendTransaction', [{
    from: tx.from,
    ...(tx.to ? { to: tx.to } : {}),
    data: tx.data,
    value: `0x${(tx.value ?? 0n).toString(16)}`,
    gas: `0x${tx.gas.toString(16)}`,
    // A legacy gas price (0 with `--base-fee 0`) so balances and GASPRICE equal an embedded chain's.
    ...(tx.gasPrice !== undefined ? { gasPrice: `0x${tx.gasPrice.toString(16)}` } : {}),
  }]);
  // Automine answers before the receipt is always queryable: wait for it briefly.
  type Receipt = { status: string; contractAddress?: string | null; gasUsed: string };
  let receipt: Receipt | null = null;
  for (let tries = 0; !receipt; tries++) {
    receipt = await node.rpc<Receipt | null>('eth_getTransactionReceipt', [hash]);
    if (!receipt) {
      if (tries > 100) throw new Error(`anvil: no receipt for ${hash}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { hash, status: receipt.status === '0x1', contractAddress: receipt.contractAddress ?? undefined, gasUsed: BigInt(receipt.gasUsed) };
}

/** Struct logs of a mined transaction, storage and memory left out (they are large and not compared). */
export async function structLogs(node: Anvil, hash: string): Promise<StructLog[]> {
  const trace = await node.rpc<{ structLogs: StructLog[] }>('debug_traceTransaction', [hash, { disableStorage: true, disableMemory: true }]);
  return trace.structLogs;
}

/** Intrinsic gas of a call transaction without access list (Prague): what the EVM has left at its first step. */
export function intrinsicGas(calldata: Uint8Array): bigint {
  let gas = 21000n;
  for (const b of calldata) gas += b === 0 ? 4n : 16n;
  return gas;
}
