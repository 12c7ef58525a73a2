// Move interpreter speed: instructions per second on a loop-heavy function (an arithmetic loop
// assembled from the binary model), without a tracer, with a tracer that only counts the events it
// gets (the cost of the hooks themselves), with the debugger's Recorder, and with the Sui trace writer.
// Target (SPEC): at least 5 million instructions per second without recording.
import { arithmeticLoopModule } from '../debug-adapter/move/vm/assemble.ts';
import { MoveVM } from '../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../debug-adapter/move/vm/loader.ts';
import type { Tracer } from '../debug-adapter/move/vm/tracer.ts';
import { Recorder } from '../debug-adapter/move/vm/recorder.ts';
import { TraceWriter } from '../debug-adapter/move/trace/writer.ts';

const TARGET = 5_000_000;

/** A tracer that keeps per-step data compactly (pc, gas) like the debugger's recording would, and counts effects. */
class CountingTracer implements Tracer {
  steps = 0;
  effects = 0;
  pcs = new Int32Array(1 << 20);
  gas = new Float64Array(1 << 20);
  openFrame(): void {}
  closeFrame(): void {}
  instruction(_f: unknown, pc: number, _op: number, gasLeft: number): void {
    const i = this.steps++ & ((1 << 20) - 1);
    this.pcs[i] = pc;
    this.gas[i] = gasLeft;
  }
  pop(): void { this.effects++; }
  push(): void { this.effects++; }
  readLocal(): void { this.effects++; }
  writeLocal(): void { this.effects++; }
  readRef(): void { this.effects++; }
  writeRef(): void { this.effects++; }
  dataLoad(): number { return -1; }
  error(): void {}
}

function measure(label: string, iterations: bigint, tracer?: () => Tracer): number {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]), { gasBudget: 1n << 60n, stepLimit: 1e9 });
  const fn = vm.resolveFunction('0x42::bench::loop');
  vm.run(fn, [], [1000n], tracer?.()); // warm up
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    const result = vm.run(fn, [], [iterations], tracer?.());
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.kind !== 'returned') throw new Error(`benchmark run failed: ${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    best = Math.max(best, result.steps / seconds);
  }
  console.log(`  ${label.padEnd(44)} ${(best / 1e6).toFixed(2).padStart(7)} M instructions/s`);
  return best;
}

export async function run(): Promise<void> {
  console.log('Move interpreter (arithmetic loop, 19 instructions per iteration):');
  const plain = measure('recording off', 300_000n);
  measure('tracer hooks only (counting)', 300_000n, () => new CountingTracer());
  measure('recording on (Recorder: steps + event log)', 300_000n, () => new Recorder());
  measure('Sui trace export (JSON snapshots)', 20_000n, () => new TraceWriter());
  console.log(`  target without recording: ${(TARGET / 1e6).toFixed(0)} M/s -> ${plain >= TARGET ? 'met' : 'NOT met'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
