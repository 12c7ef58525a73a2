// Replaying a mined transaction of about a million steps from a node (anvil on loopback): wall time from the
// DAP launch request to the first stop, through the real adapter process (`chainstep dap`: reading the
// transaction and block, compiling the workspace, the prestate trace, re-running and recording it), against
// the time anvil itself takes to answer debug_traceTransaction (its struct logger, memory off) for the same
// transaction. Both are wall times on one machine; the best of three runs of each, alternated.
// `npm run bench -- replay` (BENCH_ROUNDS sets the loop count: ~86 steps per round: about a million steps).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AdapterClient, launch, nextEvent } from '../test/session/dap-helpers.ts';
import { ANVIL } from '../test/support/foundry-tools.ts';
import { startAnvil, type Anvil } from '../test/support/anvil.ts';
import { calldata, compileCopy, deployContract, mineTogether } from '../test/support/replay-node.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const workspace = path.resolve(here, '../samples/solidity/failures');
const ROUNDS = BigInt(process.env.BENCH_ROUNDS ?? 12_000);
const RUNS = 3;

const seconds = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e9;

async function traceTime(node: Anvil, hash: string): Promise<{ time: number; steps: number }> {
  const t = process.hrtime.bigint();
  const trace = await node.rpc<{ structLogs: unknown[] }>('debug_traceTransaction', [hash, { enableMemory: false }]);
  return { time: seconds(t), steps: trace.structLogs.length };
}

async function firstStop(url: string, hash: string): Promise<number> {
  const dc = new AdapterClient();
  try {
    const t = process.hrtime.bigint();
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { type: 'chainstep', request: 'launch', program: workspace, rpcUrl: url, txHash: hash, stopOnEntry: true });
    await stopped;
    return seconds(t);
  } finally {
    await dc.close();
  }
}

export async function run(): Promise<void> {
  if (!ANVIL) {
    console.log('skipped: anvil is not installed (scripts/install-foundry.sh)');
    return;
  }
  const node = await startAnvil(['--gas-limit', '100000000']);
  try {
    const { contracts } = await compileCopy(path.join(workspace, 'Failures.sol'));
    const failures = contracts.find((c) => c.name === 'Failures')!;
    const address = await deployContract(node, failures);
    const [hash] = await mineTogether(node, [{ to: address, data: calldata(failures, 'burn', [ROUNDS]), gas: 90_000_000n }]);
    const receipt = await node.rpc<{ status: string; gasUsed: string }>('eth_getTransactionReceipt', [hash]);
    if (receipt.status !== '0x1') throw new Error('the benchmark transaction failed on anvil');
    let trace = Infinity, replay = Infinity, steps = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = await traceTime(node, hash!);
      steps = t.steps;
      trace = Math.min(trace, t.time);
      replay = Math.min(replay, await firstStop(node.url, hash!));
    }
    console.log(`transaction: Failures.burn(${ROUNDS}), ${steps.toLocaleString('en')} steps, ${BigInt(receipt.gasUsed).toLocaleString('en')} gas`);
    console.log(`anvil debug_traceTransaction (struct logs): ${trace.toFixed(2)} s (best of ${RUNS})`);
    console.log(`chainstep replay, launch to first stop:     ${replay.toFixed(2)} s (best of ${RUNS})`);
    console.log(`ratio chainstep / anvil trace: ${(replay / trace).toFixed(2)}x`);
  } finally {
    await node.stop();
  }
}
