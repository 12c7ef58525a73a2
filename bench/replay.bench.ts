// Replaying a mined transaction of about a million steps from a node (anvil on loopback): wall time from the
// DAP launch request to the first stop, through the real adapter process (`chainstep dap`, the bundle as the
// extension starts it: reading the
// transaction and block, compiling the workspace, the prestate trace, re-running and recording it), against
// the time anvil itself takes to answer debug_traceTransaction (its struct logger, memory off) for the same
// transaction. Both are wall times on one machine; the best of three runs of each, alternated.
// `npm run bench -- replay` (BENCH_ROUNDS sets the loop count: ~86 steps per round: about a million steps).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, spawnSync } from 'node:child_process';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { launch, nextEvent } from '../test/session/dap-helpers.ts';
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

const chainstep = path.resolve(here, '../bin/chainstep.js');

class BundleClient extends DebugClient {
  constructor(from: NodeJS.ReadableStream, to: NodeJS.WritableStream) {
    super('node', 'unused', 'chainstep');
    this.connect(from as never, to as never);
  }
}

/** `chainstep dap` as the extension runs it: the bundle (built first by bin/chainstep.js when stale). */
async function firstStop(url: string, hash: string): Promise<{ time: number; phases: string }> {
  const child = spawn(process.execPath, [chainstep, 'dap'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const dc = new BundleClient(child.stdout, child.stdin);
  try {
    const t = process.hrtime.bigint();
    // When each phase began (the adapter's progress messages), to see where the time goes.
    const phases: string[] = [];
    const onProgress = (e: { body: { message?: string; title?: string } }) => {
      const m = e.body.message ?? e.body.title ?? '';
      if (!/^Recording: /.test(m) && phases[phases.length - 1]?.endsWith(m) !== true) phases.push(`${seconds(t).toFixed(1)} s ${m}`);
    };
    dc.on('progressStart', onProgress);
    dc.on('progressUpdate', onProgress);
    const stopped = nextEvent(dc, 'stopped');
    await launch(dc, { type: 'chainstep', request: 'launch', program: workspace, rpcUrl: url, txHash: hash, stopOnEntry: true });
    await stopped;
    return { time: seconds(t), phases: phases.join(', ') };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await dc.disconnectRequest({}).catch(() => undefined);
    child.kill();
    await exited;
  }
}

export async function run(): Promise<void> {
  if (!ANVIL) {
    console.log('skipped: anvil is not installed (scripts/install-foundry.sh)');
    return;
  }
  const node = await startAnvil(['--gas-limit', '100000000']);
  try {
    const { contracts, folder } = await compileCopy(path.join(workspace, 'Failures.sol'));
    rmSync(folder, { recursive: true, force: true });
    const failures = contracts.find((c) => c.name === 'Failures')!;
    const address = await deployContract(node, failures);
    const [hash] = await mineTogether(node, [{ to: address, data: calldata(failures, 'burn', [ROUNDS]), gas: 90_000_000n }]);
    const receipt = await node.rpc<{ status: string; gasUsed: string }>('eth_getTransactionReceipt', [hash]);
    if (receipt.status !== '0x1') throw new Error('the benchmark transaction failed on anvil');
    // Builds the bundle if it is stale, outside the measurement.
    spawnSync(process.execPath, [chainstep, '--help'], { stdio: 'ignore' });
    let trace = Infinity, replay = Infinity, steps = 0, phases = '';
    for (let i = 0; i < RUNS; i++) {
      const t = await traceTime(node, hash!);
      steps = t.steps;
      trace = Math.min(trace, t.time);
      const r = await firstStop(node.url, hash!);
      if (r.time < replay) ({ time: replay, phases } = r);
    }
    console.log(`transaction: Failures.burn(${ROUNDS}), ${steps.toLocaleString('en')} steps, ${BigInt(receipt.gasUsed).toLocaleString('en')} gas`);
    console.log(`anvil debug_traceTransaction (struct logs): ${trace.toFixed(2)} s (best of ${RUNS})`);
    console.log(`chainstep replay, launch to first stop:     ${replay.toFixed(2)} s (best of ${RUNS})`);
    console.log(`  its phases: ${phases}`);
    console.log(`ratio chainstep / anvil trace: ${(replay / trace).toFixed(2)}x`);
  } finally {
    await node.stop();
  }
}
