// What a debug session costs on large EVM recordings (issue 7, items 11-14), each printed with a ratio to a
// baseline measured in the same run (machine speed cancels out):
// - variables with many mapping keys: stackTrace + scopes + the first 100 variables of every scope (the
//   State mapping expanded too) at many positions of a call that wrote BENCH_KEYS mapping keys, against the
//   same requests on a call with 64 keys (target: under 50 ms anywhere);
// - a Memory scope after a call that used 32 MB: listing it and a page of 100 rows (it must be paged);
// - peak memory while recording a long call (sampled during the run), and heap growth over a stepping
//   session (must stay flat: what is cached per stop is bounded);
// - reaching maxSteps: the recording ends there and stays debuggable.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Execution } from '../debug-adapter/core/execution.ts';
import type { GasReport } from '../debug-adapter/core/line-gas.ts';
import { launchEvm } from '../debug-adapter/evm/backend.ts';
import { Navigator } from '../debug-adapter/session/navigator.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const big = path.resolve(here, '../test/evm/contracts/Big.sol');
const loop = path.resolve(here, '../test/evm/contracts/Loop.sol');
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const LOOP = Number(process.env.BENCH_PEAK_LOOP ?? 50_000); // ~347 steps per iteration: 17.3M steps
const signal = new AbortController().signal;
const gc = (globalThis as { gc?: () => void }).gc;
const heap = (): number => { gc?.(); gc?.(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const ms = (t: bigint): number => Number(process.hrtime.bigint() - t) / 1e6;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/** stackTrace + scopes + first 100 variables of every scope, and 100 entries of each expandable State value. */
function variablesRequest(ex: Execution, step: number): void {
  ex.frames(step);
  for (const scope of ex.scopes(step, 0)) {
    for (const v of scope.children.get(undefined, 0, 100, { hex: false })) {
      if (scope.name === 'State' && v.children) v.children.get(undefined, 0, 100, { hex: false });
    }
  }
}

function latencies(ex: Execution, positions: readonly number[]): number[] {
  return positions.map((s) => { const t = process.hrtime.bigint(); variablesRequest(ex, s); return ms(t); });
}

const positionsOf = (ex: Execution, n = 40): number[] => Array.from({ length: n }, (_, i) => Math.floor(((i + 1) / n) * (ex.stepCount - 1)));

export async function run(): Promise<void> {
  const rows: [string, string, string, string][] = [];

  // 11. Variables with many mapping keys, against a call with 64 keys.
  const few = await launchEvm({ program: loop, function: 'loop', args: [2000], gasLimit: 2_000_000_000 }, () => {}, signal);
  const many = await launchEvm({ program: big, function: 'fill', args: [KEYS], gasLimit: 4_000_000_000 }, () => {}, signal);
  latencies(few, positionsOf(few, 5)); latencies(many, positionsOf(many, 5)); // warm up
  const base = latencies(few, positionsOf(few));
  const keyed = latencies(many, positionsOf(many));
  rows.push([`variables request, ${few.stepCount.toLocaleString('en-US')}-step call with 64 keys (baseline): p50 / p99`, `${quantile(base, 0.5).toFixed(1)} / ${quantile(base, 0.99).toFixed(1)} ms`, '1.00x', '']);
  rows.push([`same, ${many.stepCount.toLocaleString('en-US')}-step call writing ${KEYS.toLocaleString('en-US')} keys: p50 / p99`, `${quantile(keyed, 0.5).toFixed(1)} / ${quantile(keyed, 0.99).toFixed(1)} ms`, `${(quantile(keyed, 0.5) / quantile(base, 0.5)).toFixed(2)}x`, '< 50 ms']);

  // 12. Memory scope after a call that used 32 MB, against one that used a few KB.
  const memoryScope = (ex: Execution): number => {
    (ex as { dropCaches?: () => void }).dropCaches?.(); // the state at the stop is rebuilt, as at a new stop
    const t = process.hrtime.bigint();
    const last = ex.stepCount - 1;
    const memory = ex.scopes(last, 0).find((s) => s.name === 'Memory')!.children;
    const rowsShown = memory.named + memory.indexed;
    memory.get('indexed', Math.max(0, rowsShown - 100), 100, { hex: false });
    return ms(t);
  };
  const small = await launchEvm({ program: big, function: 'grow', args: [4096] }, () => {}, signal);
  const large = await launchEvm({ program: big, function: 'grow', args: [32 * 1024 * 1024], gasLimit: 4_000_000_000 }, () => {}, signal);
  memoryScope(small); memoryScope(large);
  const memSmall = Math.min(memoryScope(small), memoryScope(small)), memLarge = Math.min(memoryScope(large), memoryScope(large));
  rows.push(['Memory scope + last 100 rows, 4 KB memory (baseline)', `${memSmall.toFixed(1)} ms`, '1.00x', '']);
  rows.push(['same, 32 MB memory (1,048,576 rows, paged)', `${memLarge.toFixed(1)} ms`, `${(memLarge / memSmall).toFixed(1)}x`, 'no hang']);

  // 13. Peak memory while recording a long call (sampled), then heap growth over a stepping session.
  const before = heap();
  let peak = 0;
  const sampler = setInterval(() => { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers); }, 20);
  const recordStart = performance.now();
  const long = await launchEvm({ program: loop, function: 'loop', args: [LOOP], gasLimit: 4_000_000_000 }, (_m) => { const m = process.memoryUsage(); peak = Math.max(peak, m.heapUsed + m.arrayBuffers); }, signal);
  const recordMs = performance.now() - recordStart;
  clearInterval(sampler);
  const retained = heap() - before;
  rows.push([`peak memory recording a ${long.stepCount.toLocaleString('en-US')}-step call (sampled)`, `${((peak - before) / long.stepCount).toFixed(1)} bytes/step`, '', '<= 32']);
  rows.push(['retained after recording and indexing (gc)', `${(retained / long.stepCount).toFixed(1)} bytes/step`, '', '<= 32']);
  // What the session does after recording: the stepping index and the first stop, then gas per line in
  // slices with the event loop free between them (a request waits at most one slice), then the event.
  let t0 = performance.now();
  const nav = new Navigator(long);
  let at = (nav.start(true) as { stop: { step: number } }).stop.step;
  const firstStopMs = performance.now() - t0;
  const measurement = long.lineGas!();
  let gas: GasReport | undefined;
  let longestSlice = 0, longestSliceCpu = 0;
  while (!gas) {
    const s0 = performance.now(), c0 = process.cpuUsage();
    const slice = measurement.next();
    const cpu = process.cpuUsage(c0);
    longestSlice = Math.max(longestSlice, performance.now() - s0);
    longestSliceCpu = Math.max(longestSliceCpu, (cpu.user + cpu.system) / 1000);
    if (slice.done) gas = slice.value;
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const gasEventMs = performance.now() - t0;
  rows.push([`recording the ${long.stepCount.toLocaleString('en-US')}-step call (baseline)`, `${recordMs.toFixed(0)} ms`, '1.00x', '']);
  rows.push(['after it: the first stop (stepping index)', `${firstStopMs.toFixed(0)} ms`, `${(firstStopMs / recordMs).toFixed(2)}x`, '']);
  rows.push([`after it: the gas event (per line, call tree; ${gas.total === Number(long.outcome.gasUsed) ? 'adds up to gasUsed' : 'DOES NOT add up'})`, `${gasEventMs.toFixed(0)} ms`, `${(gasEventMs / recordMs).toFixed(2)}x`, 'requests answered meanwhile']);
  rows.push(['longest a request waits for the gas measurement (one slice): wall / CPU', `${longestSlice.toFixed(1)} / ${longestSliceCpu.toFixed(1)} ms`, '', '< 50 ms']);
  const session = (stops: number): void => {
    for (let i = 0; i < stops; i++) {
      const move = i % 3 === 2 ? nav.stepBack(at) : nav.stepIn(at);
      if (move.kind !== 'stop') break;
      at = move.stop.step;
      variablesRequest(long, at);
    }
  };
  session(200); // warm up: one-time indexes
  const atStart = heap();
  session(2000);
  const grown = heap() - atStart;
  rows.push(['heap growth over 2,000 more stops with variables (after gc)', `${(grown / 1e6).toFixed(2)} MB`, `${(grown / atStart * 100).toFixed(2)}% of heap`, 'flat']);

  // 14. maxSteps: the recording stops there, debuggable, against recording the same steps of a finished call.
  const limit = 1_000_000;
  let t = process.hrtime.bigint();
  const cut = await launchEvm({ program: loop, function: 'loop', args: [LOOP], gasLimit: 4_000_000_000, maxSteps: limit }, () => {}, signal);
  const cutMs = ms(t);
  t = process.hrtime.bigint();
  const whole = await launchEvm({ program: loop, function: 'loop', args: [Math.ceil(limit / 347)], gasLimit: 4_000_000_000 }, () => {}, signal);
  const wholeMs = ms(t);
  const debuggable = cut.stepCount === limit && cut.frames(limit - 1).length > 0 && cut.scopes(limit - 1, 0).length > 0;
  rows.push([`launch of a call of ${whole.stepCount.toLocaleString('en-US')} steps that finishes (baseline)`, `${wholeMs.toFixed(0)} ms`, '1.00x', '']);
  rows.push([`launch stopped at maxSteps ${limit.toLocaleString('en-US')} (${debuggable ? 'debuggable' : 'NOT debuggable'}: ${cut.outcome.summary.slice(0, 40)}…)`, `${cutMs.toFixed(0)} ms`, `${(cutMs / wholeMs).toFixed(2)}x`, 'kept']);

  const width = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(width[i]!)).join('  '));
}
