// Agreement with a real EVM: every sample call of samples/solidity/*/.vscode/launch.json (deployment with its
// constructor arguments and value, set-up calls, then the debugged call) also runs on anvil (revm), and our
// recording must agree with anvil's struct logs step by step: pc, opcode, depth, gas left, gas cost and stack.
//
// The two chains are made equal where a chain environment could differ: Prague, chain id 1, gas price 0 (base
// fee 0, so balances stay 10,000 ETH), the same dev accounts and therefore the same contract addresses. The
// debugged transaction gets our call's gas plus its intrinsic gas, so both start the first instruction with the
// same gas (the 63/64 rule of nested calls depends on it). Anvil mines one block per transaction, so NUMBER and
// TIMESTAMP would differ from our fixed block; no sample reads them, and the stack comparison would catch one that did.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchEvm } from '../../debug-adapter/evm/backend.ts';
import { Chain, BLOCK } from '../../debug-adapter/evm/run/chain.ts';
import { OPCODES } from '../../debug-adapter/evm/opcodes.ts';
import type { EvmExecution } from '../../debug-adapter/evm/debug/execution.ts';
import { readLaunchJson } from '../../debug-adapter/cli/launch-json.ts';
import type { LaunchConfig } from '../../debug-adapter/core/execution.ts';
import { ANVIL, SKIP_FOUNDRY } from '../support/foundry-tools.ts';
import { startAnvil, sendTransaction, structLogs, intrinsicGas, type Anvil, type StructLog } from '../support/anvil.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const samples = path.resolve(here, '../../samples/solidity');
const skip = !ANVIL && SKIP_FOUNDRY;
const signal = new AbortController().signal;

type Message = Parameters<Chain['call']>[0];

/** Runs a launch configuration in our EVM, noting every top-level message the chain ran (the last is the debugged call). */
async function recordSample(config: LaunchConfig): Promise<{ ex: EvmExecution; messages: Message[] }> {
  const messages: Message[] = [];
  const original = Chain.prototype.call;
  Chain.prototype.call = function (this: Chain, opts: Message) {
    messages.push(opts);
    return original.call(this, opts);
  };
  try {
    const ex = await launchEvm(config, () => {}, signal);
    return { ex, messages };
  } finally {
    Chain.prototype.call = original;
  }
}

const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;

/** Sends the same messages to anvil; returns the struct logs of the last one and the gas it was sent with. */
async function replayOnAnvil(node: Anvil, messages: Message[]): Promise<{ logs: StructLog[]; gas: bigint }> {
  let last: { hash: string; gas: bigint } | undefined;
  for (const [i, m] of messages.entries()) {
    const debugged = i === messages.length - 1;
    // Deployment and set-up only need to succeed the same way; the debugged call needs exact gas.
    const gas = debugged ? m.gasLimit + intrinsicGas(m.data) : 29_000_000n;
    const sent = await sendTransaction(node, { from: m.from, to: m.to, data: hex(m.data), value: m.value, gas, gasPrice: 0n });
    if (!debugged) assert.ok(sent.status, `anvil: set-up message ${i} (${m.to ? 'call' : 'deployment'}) succeeded as it did in our EVM`);
    last = { hash: sent.hash, gas };
  }
  return { logs: await structLogs(node, last!.hash), gas: last!.gas };
}

/** Instructions that enter a new frame; anvil's gasCost for them includes the gas handed to the callee. */
const CALLS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL']);
const CREATES = new Set(['CREATE', 'CREATE2']);
/** Instructions that end a frame normally, handing back the gas left after their own cost. */
const FRAME_ENDS = new Set(['STOP', 'RETURN', 'REVERT', 'SELFDESTRUCT']);

interface Agreement { steps: number; gasCosts: number; callCosts: number }

/**
 * What anvil's CALL-family gasCost means, checked against our gas: like geth, it is everything charged to the
 * caller at the call (access, value transfer, new account, memory expansion) plus the gas forwarded to the
 * callee. The caller gets back what the callee had left after its last instruction (its gas minus its cost, or
 * nothing after an exceptional halt), so our gas left at the caller's next step must be
 *   gasLeft(call) − gasCost(call) + returned.
 * Calls that run no instruction (precompiles, accounts without code) and CREATE (code deposit is charged after
 * the constructor's RETURN) are not defined this way and not compared.
 */
function returnedBy(logs: readonly StructLog[], call: number): { back: number; returned: number } | undefined {
  const depth = logs[call]!.depth;
  let back = call + 1;
  while (back < logs.length && logs[back]!.depth > depth) back++;
  if (back >= logs.length || back === call + 1) return undefined;
  const last = logs[back - 1]!;
  if (last.depth !== depth + 1) return undefined;
  return { back, returned: FRAME_ENDS.has(last.op) && !last.error ? last.gas - last.gasCost : 0 };
}

/** Compares step by step; returns how many steps (and gas costs) were compared. */
function compareSteps(name: string, ex: EvmExecution, logs: readonly StructLog[], gasLimit: bigint): Agreement {
  assert.equal(ex.stepCount, logs.length, `${name}: anvil executed ${logs.length} instructions, we recorded ${ex.stepCount}`);
  assert.equal(BigInt(ex.gasLeft(0)), gasLimit, `${name}: our call starts with its gas limit`);
  assert.equal(BigInt(logs[0]!.gas), gasLimit, `${name}: anvil starts the first instruction with the same gas (transaction gas minus intrinsic)`);
  let gasCosts = 0;
  let callCosts = 0;
  for (let s = 0; s < logs.length; s++) {
    const a = logs[s]!;
    const at = `${name}, step ${s} (${a.op} at pc ${a.pc}, depth ${a.depth})`;
    assert.equal(ex.pc(s), a.pc, `${at}: pc`);
    assert.equal(OPCODES[ex.opcode(s)]!.name, a.op, `${at}: opcode`);
    // Struct logs count depth from 1 (the transaction's frame); our contexts from 0.
    assert.equal(ex.context(s).depth + 1, a.depth, `${at}: depth`);
    assert.equal(ex.gasLeft(s), a.gas, `${at}: gas left`);
    assert.deepEqual(ex.stateAt(s).stack.map((v) => v.toString(16)), (a.stack ?? []).map((v) => BigInt(v).toString(16)), `${at}: stack`);
    if (CALLS.has(a.op)) {
      const r = returnedBy(logs, s);
      if (r) {
        assert.equal(ex.gasLeft(r.back), ex.gasLeft(s) - a.gasCost + r.returned, `${at}: gas cost (charged + forwarded)`);
        callCosts++;
      }
    } else if (!CREATES.has(a.op) && logs[s + 1]?.depth === a.depth) {
      // The next instruction runs in the same frame: the cost is the gas this one used.
      assert.equal(ex.gasLeft(s) - ex.gasLeft(s + 1), a.gasCost, `${at}: gas cost`);
      gasCosts++;
    }
  }
  return { steps: logs.length, gasCosts, callCosts };
}

const configs = existsSync(samples)
  ? readdirSync(samples).flatMap((dir) => {
      const file = path.join(samples, dir, '.vscode', 'launch.json');
      return existsSync(file) ? readLaunchJson(file).map((c) => ({ sample: dir, ...c })) : [];
    })
  : [];

test('every sample call agrees with anvil step by step (pc, opcode, depth, gas, gas cost, stack)', { skip }, async () => {
  assert.ok(configs.length >= 10, `found ${configs.length} sample configurations`);
  let total = 0;
  let totalCosts = 0;
  for (const { sample, name, config } of configs) {
    // A fresh node per sample: the same accounts and nonces as our fresh chain, so the same addresses.
    const node = await startAnvil([
      '--hardfork', 'prague', '--chain-id', String(BLOCK.chainId), '--base-fee', '0', '--gas-price', '0',
      '--gas-limit', '100000000', '--timestamp', String(BLOCK.timestamp),
    ]);
    try {
      const { ex, messages } = await recordSample(config);
      const { logs, gas } = await replayOnAnvil(node, messages);
      const debugged = messages.at(-1)!;
      assert.equal(gas - intrinsicGas(debugged.data), debugged.gasLimit);
      const { steps, gasCosts, callCosts } = compareSteps(`${sample}: ${name}`, ex, logs, debugged.gasLimit);
      console.log(`${sample}: ${name}: ${steps} steps agree (gas cost of ${gasCosts} instructions and ${callCosts} calls)`);
      total += steps;
      totalCosts += gasCosts + callCosts;
    } finally {
      await node.stop();
    }
  }
  console.log(`anvil agreement: ${total} steps in ${configs.length} sample calls agree (${totalCosts} gas costs)`);
});
