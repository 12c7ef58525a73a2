// forge's `pauseGasMetering` / `resumeGasMetering`: while paused, every call frame's gas (and refund
// counter) is put back after each instruction to what it was when metering paused in that frame, or when
// the frame began if it began paused; memory still grows, so expanding it later is charged only for the
// new part. This is how forge 1.7 does it (its inspector's `meter_gas` before every step), and a test's
// reported gas depends on it. Instructions are wrapped only while paused, so tests that never pause run
// the EVM's own handlers.
import type { EVM } from '@ethereumjs/evm';
import { opcodeMap } from '../record/recorder.ts';

interface RunState {
  gasLeft: bigint;
  gasRefund: bigint;
  interpreter: { _env: { depth: number } };
}
type Entry = {
  opHandler: (rs: RunState, common: unknown) => unknown;
  gasHandler: (rs: RunState, gas: bigint, common: unknown) => bigint | Promise<bigint>;
  opcodeInfo: { fee: number; dynamicGas: boolean };
};

export class GasMeteringPause {
  private frames = new WeakMap<object, { gasLeft: bigint; gasRefund: bigint }>();
  /** Gas a frame that began while paused started with, by its depth (the latest frame at each depth). */
  private readonly starts = new Map<number, { gasLeft: bigint; gasRefund: bigint }>();
  /** The opcode entries wrapped, with their own handlers to put back. */
  private installed?: { entry: Entry; original: Entry['opHandler']; wrapped: Entry['opHandler']; originalGas: Entry['gasHandler']; wrappedGas: Entry['gasHandler'] }[];
  /** What the instruction being run was charged (its dynamic part seen by its gas handler). */
  private fee = 0n;

  constructor(private readonly evm: () => EVM | undefined) {}

  get paused(): boolean {
    return this.installed !== undefined;
  }

  pause(): void {
    const evm = this.evm();
    if (this.installed || !evm) return;
    this.frames = new WeakMap();
    this.starts.clear();
    const table = opcodeMap(evm);
    const entries = (table instanceof Map ? [...table.values()] : table.filter((e) => e !== undefined)) as unknown as Entry[];
    this.installed = [];
    for (const entry of entries) {
      const original = entry.opHandler, originalGas = entry.gasHandler;
      const staticFee = BigInt(entry.opcodeInfo.fee);
      const wrappedGas: Entry['gasHandler'] = (rs, gas, common) => {
        const g = originalGas(rs, gas, common);
        if (g instanceof Promise) return g.then((v) => { this.fee = v; return v; });
        this.fee = g;
        return g;
      };
      const wrapped: Entry['opHandler'] = (rs, common) => {
        // The frame that paused keeps the gas it had before this, its first instruction since (as forge,
        // which looks before each instruction is charged).
        if (!this.frames.has(rs) && !this.starts.has(rs.interpreter._env.depth)) {
          this.frames.set(rs, { gasLeft: rs.gasLeft + (entry.opcodeInfo.dynamicGas ? this.fee : staticFee), gasRefund: rs.gasRefund });
        }
        const out = original(rs, common);
        if (out instanceof Promise) return out.then((v) => { this.restore(rs); return v; });
        this.restore(rs);
        return out;
      };
      // The entry objects are changed in place: a running frame has them cached (its jump analysis), and
      // the frame that pauses is one.
      entry.opHandler = wrapped;
      if (entry.opcodeInfo.dynamicGas) entry.gasHandler = wrappedGas;
      this.installed.push({ entry, original, wrapped, originalGas, wrappedGas });
    }
  }

  /** Metering back on (also at the end of every test: a test that ends paused does not leak into the next). */
  resume(): void {
    const installed = this.installed;
    if (!installed) return;
    this.installed = undefined;
    for (const { entry, original, wrapped, originalGas, wrappedGas } of installed) {
      if (entry.opHandler === wrapped) entry.opHandler = original;
      if (entry.gasHandler === wrappedGas) entry.gasHandler = originalGas;
    }
  }

  /** A call frame begins (a message): while paused it keeps the gas it starts with. */
  frameStarts(depth: number, gasLimit: bigint, gasRefund: bigint): void {
    if (this.installed) this.starts.set(depth, { gasLeft: gasLimit, gasRefund });
  }

  private restore(rs: RunState): void {
    if (!this.installed) return;
    const kept = this.frames.get(rs);
    if (kept) {
      rs.gasLeft = kept.gasLeft;
      rs.gasRefund = kept.gasRefund;
      return;
    }
    // A frame begun while paused goes back to the gas it started with.
    const depth = rs.interpreter._env.depth;
    const start = this.starts.get(depth);
    this.starts.delete(depth);
    const value = start ?? { gasLeft: rs.gasLeft, gasRefund: rs.gasRefund };
    this.frames.set(rs, value);
    rs.gasLeft = value.gasLeft;
    rs.gasRefund = value.gasRefund;
  }
}
