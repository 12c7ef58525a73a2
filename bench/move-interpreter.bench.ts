// Move interpreter speed: instructions per second on a loop-heavy function (an arithmetic loop
// assembled from the binary model), without a tracer, with a tracer that only counts the events it
// gets (the cost of the hooks themselves), with the debugger's recording (RecordingTracer -> RecordingBuilder
// -> MoveRecording, as a debug launch records), and with the Sui trace writer; and the bytes per step that
// recording keeps. Target (SPEC): at least 5 million instructions per second without recording.
import { arithmeticLoopModule } from '../debug-adapter/move/vm/assemble.ts';
import { MoveVM } from '../debug-adapter/move/vm/interpreter.ts';
import { ModuleSet } from '../debug-adapter/move/vm/loader.ts';
import type { Tracer } from '../debug-adapter/move/vm/tracer.ts';
import { TraceWriter } from '../debug-adapter/move/trace/writer.ts';
import { RecordingBuilder, type MoveRecording } from '../debug-adapter/move/debug/recording.ts';
import { RecordingTracer } from '../debug-adapter/move/debug/recording-tracer.ts';

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

/** A tracer for one run, and what to do once the run returned (finishing a recording is part of its cost). */
interface Traced {
  readonly tracer: Tracer;
  done?(): void;
}

function recording(): Traced & { result?: MoveRecording } {
  const builder = new RecordingBuilder();
  const traced: Traced & { result?: MoveRecording } = { tracer: new RecordingTracer(builder), done: () => (traced.result = builder.finish()) };
  return traced;
}

function newVM() {
  const vm = new MoveVM(new ModuleSet([arithmeticLoopModule()]), { gasBudget: 1n << 60n, stepLimit: 1e9 });
  return { vm, fn: vm.resolveFunction('0x42::bench::loop') };
}

function measure(label: string, iterations: bigint, traced?: () => Traced): number {
  const { vm, fn } = newVM();
  const warm = traced?.();
  vm.run(fn, [], [1000n], warm?.tracer); // warm up
  warm?.done?.();
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t = traced?.();
    // CPU time, as the EVM bench: wall-clock rates on a loaded machine measure the other processes.
    const u0 = process.cpuUsage();
    const result = vm.run(fn, [], [iterations], t?.tracer);
    t?.done?.();
    const u = process.cpuUsage(u0);
    const seconds = (u.user + u.system) / 1e6;
    if (result.kind !== 'returned') throw new Error(`benchmark run failed: ${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    best = Math.max(best, result.steps / seconds);
  }
  console.log(`  ${label.padEnd(48)} ${(best / 1e6).toFixed(2).padStart(7)} M instructions/s (CPU time)`);
  return best;
}

export async function run(): Promise<void> {
  console.log('Move interpreter (arithmetic loop, 17 instructions per iteration):');
  const plain = measure('recording off', 300_000n);
  measure('tracer hooks only (counting)', 300_000n, () => ({ tracer: new CountingTracer() }));
  measure('recording on (RecordingTracer -> MoveRecording)', 100_000n, recording);
  measure('Sui trace export (JSON snapshots)', 20_000n, () => ({ tracer: new TraceWriter() }));
  console.log(`  target without recording: ${(TARGET / 1e6).toFixed(0)} M/s -> ${plain >= TARGET ? 'met' : 'NOT met'}`);
  recordingBytes(100_000n);
}

const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
};

/** What the debugger's recording of one run keeps per step: its own count of columns and slots, and the heap it holds. */
function recordingBytes(iterations: bigint): void {
  const { vm, fn } = newVM();
  const before = heap();
  const traced = recording();
  vm.run(fn, [], [iterations], traced.tracer);
  traced.done!();
  const after = heap();
  const rec = traced.result!;
  const steps = rec.stepCount;
  console.log(`  recording of ${steps.toLocaleString('en-US')} steps: ${(rec.retainedBytes() / steps).toFixed(1)} bytes/step (columns, log slots, checkpoint slots); ` +
    `${gc ? `${((after - before) / steps).toFixed(1)} bytes/step heap after gc` : 'heap n/a (run with --expose-gc)'}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
