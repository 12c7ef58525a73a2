// A chain on anvil for the replay tests and benchmark: the Failures sample deployed from a copy whose
// metadata hash differs from the workspace build (so matching must ignore it), transactions mined together
// in one block, and a JSON-RPC proxy that hides methods (a node without the debug API).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeFunctionData, type Abi } from 'viem';
import { compileProject } from '../../language/solidity/compile-project.ts';
import type { CompiledContract } from '../../language/solidity/compile.ts';
import { sendTransaction, type Anvil } from './anvil.ts';

export const DEV = '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266';

/** The Failures sample compiled from a copy with a trailing comment: same code, another metadata hash. */
export async function compileCopy(file: string): Promise<{ contracts: readonly CompiledContract[]; folder: string }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'chainstep-replay-'));
  const copy = path.join(folder, path.basename(file));
  writeFileSync(copy, `${readFileSync(file, 'utf8')}\n// deployed build\n`);
  const project = await compileProject({ program: copy });
  return { contracts: project.contracts, folder };
}

export async function deployContract(node: Anvil, contract: CompiledContract): Promise<string> {
  return (await deployment(node, contract)).address;
}

/** Deploys and returns the address and the creating transaction's hash. */
export async function deployment(node: Anvil, contract: CompiledContract): Promise<{ address: string; hash: string }> {
  const sent = await sendTransaction(node, { from: DEV, data: `0x${contract.bytecode.object}`, gas: 10_000_000n });
  if (!sent.status || !sent.contractAddress) throw new Error(`deploying ${contract.name} failed`);
  return { address: sent.contractAddress.toLowerCase(), hash: sent.hash };
}

export function calldata(contract: CompiledContract, functionName: string, args: readonly unknown[]): `0x${string}` {
  return encodeFunctionData({ abi: contract.abi as Abi, functionName, args });
}

/** Calls a view function on the node (at the latest block) and returns the raw result. */
export async function read(node: Anvil, to: string, data: string, block = 'latest'): Promise<string> {
  return node.rpc<string>('eth_call', [{ to, data }, block]);
}

/**
 * Sends transactions without mining and then mines them in one block, in order; returns their hashes.
 * Automine is switched back on afterwards.
 */
export async function mineTogether(node: Anvil, txs: readonly { to: string; data: string; gas?: bigint }[]): Promise<string[]> {
  await node.rpc('evm_setAutomine', [false]);
  const hashes: string[] = [];
  try {
    for (const tx of txs) {
      hashes.push(await node.rpc<string>('eth_sendTransaction', [{ from: DEV, to: tx.to, data: tx.data, gas: `0x${(tx.gas ?? 1_000_000n).toString(16)}` }]));
    }
    await node.rpc('evm_mine', []);
  } finally {
    await node.rpc('evm_setAutomine', [true]);
  }
  return hashes;
}

/** A JSON-RPC proxy to `target` that answers "method not found" for methods matching `hidden`. */
export async function restrictedProxy(target: string, hidden: RegExp): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const message = JSON.parse(body) as { id: number; method: string };
      if (hidden.test(message.method)) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: `the method ${message.method} does not exist/is not available` } }));
        return;
      }
      fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (r) => { res.setHeader('content-type', 'application/json'); res.end(await r.text()); })
        .catch((e: Error) => { res.statusCode = 502; res.end(e.message); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
