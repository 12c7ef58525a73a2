// What a user is told when a transaction cannot be replayed as asked: a dead node, an unknown hash, a
// pending transaction, a node without the debug API for a transaction that is not first in its block, bad
// launch fields. And what still works without the debug API: the first transaction of a block, read from
// the parent block slot by slot; storage nobody read is "unavailable", never zero.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import { UserError } from '../../debug-adapter/core/errors.ts';
import type { LaunchConfig } from '../../debug-adapter/core/execution.ts';
import { collectOutput, launch } from '../session/dap-helpers.ts';
import { lineOf, root, scopeVariables, withAdapter, nextStop } from '../session/dap-issue3-helpers.ts';
import { ANVIL, SKIP_FOUNDRY } from '../support/foundry-tools.ts';
import { startAnvil, structLogs, type Anvil } from '../support/anvil.ts';
import { calldata, compileCopy, deployContract, DEV, mineTogether, restrictedProxy } from '../support/replay-node.ts';
import type { CompiledContract } from '../../language/solidity/compile.ts';

const skip = !ANVIL && `anvil is not available: ${SKIP_FOUNDRY}`;
const workspace = path.join(root, 'samples/solidity/failures');
const failures = path.join(workspace, 'Failures.sol');
const signal = new AbortController().signal;

let node: Anvil;
let folder: string;
let contracts: readonly CompiledContract[];
let address = '';
let first = '', second = '';

const of = (name: string): CompiledContract => contracts.find((c) => c.name === name)!;
const replay = (config: Record<string, unknown>, lines: string[] = []) =>
  launchEvm({ program: workspace, ...config } as LaunchConfig, () => {}, signal, (l) => lines.push(l));

async function refused(config: Record<string, unknown>, message: RegExp): Promise<void> {
  await assert.rejects(replay(config), (e: Error) => {
    assert.ok(e instanceof UserError, `a UserError, got ${e.stack}`);
    assert.match(e.message, message);
    return true;
  });
}

before(async () => {
  if (skip) return;
  node = await startAnvil();
  ({ contracts, folder } = await compileCopy(failures));
  address = await deployContract(node, of('Failures'));
  [first, second] = await mineTogether(node, [
    { to: address, data: calldata(of('Failures'), 'burn', [3n]) },
    { to: address, data: calldata(of('Failures'), 'chain', [7n]) },
  ]);
});

after(async () => {
  await node?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('a dead node: connection refused, with the URL', { skip }, async () => {
  // A port nobody listens on: taken, then released.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
  const url = `http://127.0.0.1:${port}`;
  await refused({ rpcUrl: url, txHash: second }, new RegExp(`cannot reach the node at ${url} \\(connection refused\\)`));
  // Over DAP the launch fails with the same sentence and the adapter stays up.
  await withAdapter(async (dc) => {
    await assert.rejects(launch(dc, { type: 'chainstep', request: 'launch', program: workspace, rpcUrl: url, txHash: second }), /connection refused/);
    assert.ok((await dc.threadsRequest()).success);
  });
});

test('an unknown hash and a pending transaction', { skip }, async () => {
  await refused({ rpcUrl: node.url, txHash: `0x${'11'.repeat(32)}` }, /knows no transaction 0x1111/);
  await node.rpc('evm_setAutomine', [false]);
  try {
    const pending = await node.rpc<string>('eth_sendTransaction', [{ from: DEV, to: address, data: calldata(of('Failures'), 'burn', [1n]), gas: '0x100000' }]);
    await refused({ rpcUrl: node.url, txHash: pending }, /still pending \(not mined yet\)/);
  } finally {
    await node.rpc('anvil_dropAllTransactions', []);
    await node.rpc('evm_setAutomine', [true]);
  }
});

test('a node without the debug API: the block\'s earlier transactions run first, then the transaction replays as the chain ran it', { skip, timeout: 300_000 }, async () => {
  const proxy = await restrictedProxy(node.url, /^debug_/);
  try {
    // chain(7) is second in its block, after burn(3): without a prestate trace, burn(3) runs here first.
    const lines: string[] = [];
    const ex = await replay({ rpcUrl: proxy.url, txHash: second }, lines);
    assert.ok(lines.some((l) => /then the transaction before it in its block run here first/.test(l)), lines.join('\n'));
    assert.equal(ex.stepCount, (await structLogs(node, second)).length, 'every step the node ran');
    assert.equal(ex.outcome.success, false);
    assert.ok(!lines.some((l) => /receipt says/.test(l)), `the replay ends as the node's receipt says: ${lines.join('\n')}`);
    // `spent` (slot 1) was written by burn(3), which ran here: exact, not "unavailable" and not the parent's 0.
    const spent = await node.rpc<string>('eth_getStorageAt', [address, '0x1', 'latest']);
    assert.equal(BigInt(spent), 3n, 'the node says spent = 3');
    // In chain(7)'s first frame (Failures), the state variable as the debugger shows it.
    assert.equal(ex.evaluate(0, 0, 'spent', { hex: false }).value, '3');
    // The first transaction of a block still replays from the parent block.
    const firstLines: string[] = [];
    const ex1 = await replay({ rpcUrl: proxy.url, txHash: first }, firstLines);
    assert.equal(ex1.outcome.summary, 'returned (3)');
    assert.equal(ex1.stepCount, (await structLogs(node, first)).length, 'every step the node ran');
    assert.ok(firstLines.some((l) => /read from the node at block \d+, account by account and slot by slot/.test(l)), firstLines.join('\n'));
  } finally {
    await proxy.close();
  }
});

test('storage nobody read is "unavailable", not zero: a prestate trace without the block\'s earlier changes', { skip, timeout: 300_000 }, async () => {
  const proxy = await restrictedProxy(node.url, /^debug_traceBlockByNumber$/);
  try {
    await withAdapter(async (dc) => {
      const output = collectOutput(dc);
      const stopped = nextStop(dc);
      const line = lineOf(failures, 'uint256 left = middle.forward(amount);');
      await launch(dc, { type: 'chainstep', request: 'launch', program: workspace, rpcUrl: proxy.url, txHash: second, stopOnEntry: false }, () =>
        dc.setBreakpointsRequest({ source: { path: failures }, breakpoints: [{ line }] }));
      await stopped;
      const frameId = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0]!.id;
      const state = Object.fromEntries((await scopeVariables(dc, frameId, 'State')).map((v) => [v.name, v.value]));
      // `spent` was 3 after burn, earlier in the block; chain(7) never reads it, and the parent block's 0 would be wrong.
      assert.match(state['spent']!, /^unavailable \(slot 0x1 of 0x[0-9a-f]{40} was not read from the node\)$/);
      const evaluated = await dc.evaluateRequest({ expression: 'spent', frameId, context: 'watch' }).then((r) => r.body.result, (e: Error) => e.message);
      assert.match(evaluated, /unavailable/);
      assert.match(output.join(''), /Storage the transaction did not touch is shown as unavailable/);
    });
  } finally {
    await proxy.close();
  }
});

test('launch fields: rpcUrl and txHash go together and are checked', async () => {
  await refused({ txHash: `0x${'ab'.repeat(32)}`, rpcUrl: 'ftp://x' }, /rpcUrl: expected an http:\/\/ or https:\/\/ URL/);
  await refused({ rpcUrl: 'http://127.0.0.1:1', txHash: '0x1234' }, /txHash: expected a 0x-prefixed 32-byte hash/);
  await refused({ rpcUrl: 'http://127.0.0.1:1' }, /txHash: give the hash of the mined transaction/);
  await refused({ txHash: `0x${'ab'.repeat(32)}` }, /rpcUrl: a txHash is replayed from a node/);
  await refused({ rpcUrl: 'http://127.0.0.1:1', txHash: `0x${'ab'.repeat(32)}`, program: '' } as never, /cannot reach the node/);
});

/** A fake node answering every request with `answer(method)` (raw HTTP body). */
async function fakeNode(answer: (method: string, id: number) => string): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer: http } = await import('node:http');
  const server = http((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      let method = '', id = 0;
      try { ({ method, id } = JSON.parse(body) as { method: string; id: number }); } catch { /* answered anyway */ }
      res.end(answer(method, id));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

test('a node answering nonsense gets a sentence, never a crash: not JSON, wrong shapes, random fields (seeded)', async () => {
  const txHash = `0x${'cd'.repeat(32)}`;
  const cases: [string, (method: string, id: number) => string, RegExp][] = [
    ['not JSON', () => '<html>502 Bad Gateway</html>', /answered eth_getTransactionByHash with HTTP 200 and no JSON-RPC response/],
    ['null', () => 'null', /not a JSON-RPC response/],
    ['no result', (_m, id) => JSON.stringify({ jsonrpc: '2.0', id }), /without a result/],
    ['a bad quantity', (m, id) => JSON.stringify({ jsonrpc: '2.0', id, result: m === 'eth_getTransactionByHash' ? { from: `0x${'11'.repeat(20)}`, to: null, gas: 'lots', nonce: '0x0', blockNumber: '0x1', transactionIndex: '0x0', input: '0x' } : null }), /the node sent "lots" for gas, not a hex quantity/],
    ['a bad address', (m, id) => JSON.stringify({ jsonrpc: '2.0', id, result: m === 'eth_getTransactionByHash' ? { from: 'me', gas: '0x1', nonce: '0x0', blockNumber: '0x1', transactionIndex: '0x0' } : null }), /for from, not an address/],
  ];
  for (const [name, answer, message] of cases) {
    const fake = await fakeNode(answer);
    try {
      await assert.rejects(launchEvm({ program: '', rpcUrl: fake.url, txHash } as LaunchConfig, () => {}, signal), (e: Error) => {
        assert.ok(e instanceof UserError, `${name}: a UserError, got ${e.stack}`);
        assert.match(e.message, message, name);
        return true;
      });
    } finally {
      await fake.close();
    }
  }
  // Random values in every field of every answer: the launch fails with a UserError or replays; nothing else.
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const values = [null, 0, -1, '0x', '0xzz', '0x1', 'x', [], {}, true, `0x${'ab'.repeat(20)}`, `0x${'00'.repeat(32)}`];
  const pick = () => values[Math.floor(random() * values.length)];
  for (let round = 0; round < 25; round++) {
    const fake = await fakeNode((method, id) => {
      const fields = ['from', 'to', 'gas', 'nonce', 'blockNumber', 'transactionIndex', 'input', 'value', 'type', 'timestamp', 'miner', 'gasLimit', 'baseFeePerGas', 'mixHash', 'accessList', 'status'];
      const result = method === 'eth_chainId' || method.startsWith('eth_get') && !method.includes('By') && !method.includes('Receipt') ? pick() : Object.fromEntries(fields.map((f) => [f, pick()]));
      return JSON.stringify({ jsonrpc: '2.0', id, result });
    });
    try {
      await launchEvm({ program: '', rpcUrl: fake.url, txHash } as LaunchConfig, () => {}, signal).catch((e: Error) => {
        assert.ok(e instanceof UserError, `round ${round}: a UserError, got ${e.stack}`);
      });
    } finally {
      await fake.close();
    }
  }
});
