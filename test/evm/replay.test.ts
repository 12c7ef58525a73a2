// A transaction mined on a real node (anvil on loopback), debugged by hash over DAP as a local call is: the
// Failures sample deployed from a build whose metadata hash differs from the workspace's (matching ignores
// it and the immutables), a call reverting two external calls deep, mined in one block after another
// transaction that changes state. Every value shown is checked against the node: its getters, the revert
// data of the same call, the number of steps in its own trace.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { decodeFunctionResult, type Abi } from 'viem';
import { collectOutput, launch, move, nextEvent, where } from '../session/dap-helpers.ts';
import { lineOf, nextStop, root, scopeVariables, withAdapter } from '../session/dap-issue3-helpers.ts';
import { ANVIL, SKIP_FOUNDRY } from '../support/foundry-tools.ts';
import { startAnvil, structLogs, type Anvil } from '../support/anvil.ts';
import { calldata, compileCopy, deployment, mineTogether, read } from '../support/replay-node.ts';
import type { CompiledContract } from '../../language/solidity/compile.ts';

const skip = !ANVIL && `anvil is not available: ${SKIP_FOUNDRY}`;
const workspace = path.join(root, 'samples/solidity/failures');
const failures = path.join(workspace, 'Failures.sol');

let node: Anvil;
let folder: string;
let contracts: readonly CompiledContract[];
const chain = { failures: '', middle: '', bottom: '', deployHash: '', burnHash: '', chainHash: '' };
const of = (name: string): CompiledContract => contracts.find((c) => c.name === name)!;

/** A view function's result on the node, decoded with the ABI. */
async function getter(name: string, at: string, fn: string, args: readonly unknown[] = []): Promise<unknown> {
  const data = await read(node, at, calldata(of(name), fn, args));
  return decodeFunctionResult({ abi: of(name).abi as Abi, functionName: fn, data: data as `0x${string}` });
}

before(async () => {
  if (skip) return;
  node = await startAnvil();
  ({ contracts, folder } = await compileCopy(failures));
  ({ address: chain.failures, hash: chain.deployHash } = await deployment(node, of('Failures')));
  chain.middle = String(await getter('Failures', chain.failures, 'middle')).toLowerCase();
  chain.bottom = String(await getter('Middle', chain.middle, 'bottom')).toLowerCase();
  // burn(3) writes `spent` (0 + 1 + 2); chain(7) reverts in Bottom.take, two calls deep, right after it.
  [chain.burnHash, chain.chainHash] = await mineTogether(node, [
    { to: chain.failures, data: calldata(of('Failures'), 'burn', [3n]) },
    { to: chain.failures, data: calldata(of('Failures'), 'chain', [7n]) },
  ]);
});

after(async () => {
  await node?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('the deployed code differs from the workspace build in its metadata hash and immutables (so matching is exercised)', { skip }, async () => {
  const { compileProject } = await import('../../language/solidity/compile-project.ts');
  const own = (await compileProject({ program: failures })).contracts.find((c) => c.name === 'Failures')!;
  const onChain = (await node.rpc<string>('eth_getCode', [chain.failures, 'latest'])).slice(2);
  assert.equal(onChain.length, own.deployedBytecode.object.length);
  assert.notEqual(onChain.slice(-100), own.deployedBytecode.object.slice(-100), 'metadata differs');
  const tx = await node.rpc<{ transactionIndex: string; blockNumber: string }>('eth_getTransactionByHash', [chain.chainHash]);
  assert.equal(tx.transactionIndex, '0x1', 'an earlier transaction ran before it in its block');
});

test('a transaction reverting inside a nested call, debugged by hash: breakpoint, frames, variables, revert reason', { skip, timeout: 300_000 }, async () => {
  await withAdapter(async (dc) => {
    const output = collectOutput(dc);
    const line = lineOf(failures, 'revert InsufficientBalance(amount, reserve);');
    const stopped = nextStop(dc);
    await launch(dc, { type: 'chainstep', request: 'launch', program: workspace, rpcUrl: node.url, txHash: chain.chainHash, stopOnEntry: false }, () =>
      dc.setBreakpointsRequest({ source: { path: failures }, breakpoints: [{ line }] }),
    );
    assert.equal((await stopped).body.reason, 'breakpoint');
    let w = await where(dc);
    assert.deepEqual(w.frames.map((f) => [f.name, f.line]), [
      ['Bottom.take', line],
      ['Middle.forward', lineOf(failures, 'uint256 left = bottom.take(amount);')],
      ['Failures.chain', lineOf(failures, 'uint256 left = middle.forward(amount);')],
    ]);
    assert.equal(w.path, failures, 'the workspace source is shown');
    for (const f of w.frames) {
      assert.deepEqual((await scopeVariables(dc, f.id, 'Parameters')).map((v) => [v.name, v.value]), [['amount', '7']], f.name);
    }
    // State, against the node's getters at the parent block (nothing in between writes them but burn, whose
    // write of `spent` must show: it ran before in the same block).
    const stateOf = async (frameId: number) => Object.fromEntries((await scopeVariables(dc, frameId, 'State')).map((v) => [v.name, v.value]));
    const reserve = await getter('Bottom', chain.bottom, 'reserve');
    assert.equal((await stateOf(w.frames[0]!.id))['reserve'], String(reserve));
    const outer = await stateOf(w.frames[2]!.id);
    assert.equal(outer['spent'], String(await getter('Failures', chain.failures, 'spent')));
    assert.equal(outer['spent'], '3');
    assert.equal(outer['list'], `[${await getter('Failures', chain.failures, 'list', [0n])}, ${await getter('Failures', chain.failures, 'list', [1n])}]`);
    assert.equal(outer['middle']?.toLowerCase(), chain.middle, 'an immutable, read from the deployed code');
    const evaluated = await dc.evaluateRequest({ expression: 'block.number', frameId: w.frames[0]!.id, context: 'watch' });
    const mined = await node.rpc<{ blockNumber: string }>('eth_getTransactionByHash', [chain.chainHash]);
    assert.equal(evaluated.body.result, String(BigInt(mined.blockNumber)), 'the block of the transaction');

    await move(dc, (a) => dc.continueRequest(a), 'exception');
    w = await where(dc);
    assert.equal(w.frames[0]!.name, 'Bottom.take');
    // The node's own verdict on the same call: the revert data eth_call returns.
    const reason = 'InsufficientBalance(requested: 7, available: 5)';
    assert.equal((await dc.exceptionInfoRequest({ threadId: 1 })).body.description, reason);
    const nodeError = await node.rpc('eth_call', [{ from: '0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266', to: chain.failures, data: calldata(of('Failures'), 'chain', [7n]) }, 'latest']).catch((e: Error) => e.message);
    assert.match(String(nodeError), /revert/i);
    const terminated = nextEvent(dc, 'terminated');
    await dc.setExceptionBreakpointsRequest({ filters: [] });
    await dc.continueRequest({ threadId: 1 });
    await terminated;
    const text = output.join('');
    assert.match(text, /reverted: InsufficientBalance\(requested: 7, available: 5\)/);
    assert.match(text, /number 1 of block \d+/);
    assert.match(text, /Ran: Bottom at 0x[0-9a-f]{40}/);
    assert.doesNotMatch(text, /differs from what the chain ran/);
  });
});

test('the replay runs every step the node ran (its own trace) and agrees with its receipt: a creation, a call, a reverting call', { skip, timeout: 300_000 }, async () => {
  const { launchEvm } = await import('../../debug-adapter/evm/backend.ts');
  for (const hash of [chain.deployHash, chain.burnHash, chain.chainHash]) {
    const lines: string[] = [];
    const ex = await launchEvm({ program: workspace, rpcUrl: node.url, txHash: hash }, () => {}, new AbortController().signal, (l) => lines.push(l));
    const logs = await structLogs(node, hash);
    assert.equal(ex.stepCount, logs.length, 'steps');
    for (const i of [0, Math.floor(logs.length / 2), logs.length - 1]) {
      assert.equal(ex.pc(i), logs[i]!.pc, `pc at step ${i}`);
      assert.equal(ex.gasLeft(i), logs[i]!.gas, `gas at step ${i}`);
    }
    assert.ok(!lines.some((l) => /differs from what the chain ran/.test(l)), lines.join('\n'));
    if (hash === chain.deployHash) {
      // The constructor creates Middle, which creates Bottom: all three are the workspace's, by their init code.
      assert.ok(lines.includes(`Ran: Failures (constructor) at ${chain.failures}`), lines.join('\n'));
      assert.ok(lines.includes(`Ran: Bottom (constructor) at ${chain.bottom}`), lines.join('\n'));
    }
  }
});

test('chainstep debug --rpc URL --tx HASH: the same session on the command line, from breakpoint to the revert', { skip, timeout: 300_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const line = lineOf(failures, 'revert InsufficientBalance(amount, reserve);');
  const child = spawn(process.execPath, [path.join(root, 'bin/chainstep.js'), 'debug', '--rpc', node.url, '--tx', chain.chainHash, '--break', `Failures.sol:${line}`], {
    cwd: workspace, env: { ...process.env, CHAINSTEP_FROM_SOURCE: '1' },
  });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr + stdout);
  assert.match(stdout, new RegExp(`Failures\\.sol:${line}`));
  assert.match(stdout, /Bottom\.take/);
  assert.match(stdout, /amount = 7/);
  assert.match(stdout, /InsufficientBalance\(requested: 7, available: 5\)/);
});
