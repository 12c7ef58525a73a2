// Saving and opening a recording file of a ~1M-step EVM call (a loop writing a mapping): file size per
// step, and the CPU time of saving and of opening, as ratios of the time recording the call takes in the
// same process (the baseline). `BENCH_LOOP` sets the iterations (~347 steps each).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openRecordingFile, writeRecordingFile } from '../debug-adapter/core/recording-file.ts';
import { evmBackend, launchEvm } from '../debug-adapter/evm/backend.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const program = path.resolve(here, '../test/evm/contracts/Loop.sol');
const ITERATIONS = Number(process.env.BENCH_LOOP ?? 3000);
const config = { program, function: 'loop', args: [ITERATIONS], gasLimit: 2_000_000_000 };
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainstep-bench-rec-'));
  try {
    await launchEvm(config, () => {}, new AbortController().signal); // warm: compile cache, JIT
    let t = cpu();
    const execution = await launchEvm(config, () => {}, new AbortController().signal);
    const recordMs = cpu() - t;
    const file = path.join(dir, 'loop.chainstep');
    t = cpu();
    const bytes = writeRecordingFile(file, execution.vm, execution.stepCount, execution.saveRecording());
    const saveMs = cpu() - t;
    t = cpu();
    const opened = await evmBackend.openRecording!(openRecordingFile(file, path.join(dir, 'sources')), () => {}, () => {});
    const openMs = cpu() - t;
    if (opened.stepCount !== execution.stepCount) throw new Error('the opened recording differs');
    const rows = [
      ['recorded call', `${execution.stepCount.toLocaleString('en-US')} steps`, ''],
      ['compile + deploy + record + index (CPU)', `${recordMs.toFixed(0)} ms`, '1.00x'],
      ['save to a file (CPU)', `${saveMs.toFixed(0)} ms`, `${(saveMs / recordMs).toFixed(2)}x`],
      ['open the file: read, check, index (CPU)', `${openMs.toFixed(0)} ms`, `${(openMs / recordMs).toFixed(2)}x`],
      ['file size', `${(bytes / 1e6).toFixed(1)} MB, ${(bytes / execution.stepCount).toFixed(1)} bytes/step`, ''],
    ];
    const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(r.map((c, i) => c.padEnd(width[i]!)).join('  '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
