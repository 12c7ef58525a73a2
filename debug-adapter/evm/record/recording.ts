// The compact record of one EVM call: per-step columns in typed arrays, plus delta logs (pushed values,
// memory writes, storage accesses, logs, keccak preimages) and per-context checkpoints from which any step's
// full state is rebuilt by replaying a bounded number of steps (see state.ts).

/** A growable column of numbers. */
export class Column<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array> {
  length = 0;
  constructor(public data: T, private readonly make: (n: number) => T) {}
  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }
  grow(min: number): void {
    const next = this.make(Math.max(min, this.data.length * 2, 64));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }
  /** Drops the unused capacity so retained memory is what was recorded. */
  trim(): void {
    if (this.data.length !== this.length) this.data = this.data.slice(0, this.length) as T;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

export const u8 = (n: number) => new Column(new Uint8Array(n), (k) => new Uint8Array(k));
export const u16 = (n: number) => new Column(new Uint16Array(n), (k) => new Uint16Array(k));
export const u32 = (n: number) => new Column(new Uint32Array(n), (k) => new Uint32Array(k));

/** State of one context before a step: rebuilding starts from the nearest one. */
export interface Checkpoint {
  readonly step: number;
  readonly stack: readonly bigint[];
  /**
   * A memory snapshot of this context (its length is the memory size then), taken at memory-log index
   * `memorySnapshotIndex`; this context's log entries from there to `memoryIndex` bring it to this step.
   * Snapshots are shared between checkpoints and retaken only after about half their size was written.
   */
  readonly memory: Uint8Array;
  readonly memorySnapshotIndex: number;
  /** Position in the pushed-value stream at this step. */
  readonly valueOffset: number;
  /** Index of the next memory-log entry at this step. */
  readonly memoryIndex: number;
}

export type CallKind = 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL' | 'CREATE' | 'CREATE2' | 'TX';

/** One message (external call frame): the debugged call, or a call/create it made. */
export interface CallContext {
  readonly id: number;
  readonly parent: number;
  /** External call depth: 0 for the debugged call. */
  readonly depth: number;
  kind: CallKind;
  /** Storage and balance owner (hex, lowercase); for creates, the created address once known. */
  address: string;
  /** Whose code runs (differs from address under DELEGATECALL / CALLCODE). */
  codeAddress: string;
  readonly caller: string;
  readonly value: bigint;
  readonly calldata: Uint8Array;
  readonly gasLimit: bigint;
  readonly isCreate: boolean;
  /** Code executed (runtime code, or init code for creates); empty when no step ran. */
  code: Uint8Array;
  /** Dense code-unit id, assigned after recording. */
  codeId: number;
  /** The parent's CALL/CREATE step (-1 for the debugged call). */
  callStep: number;
  /** First step, or -1 when the message ran no code (precompile, account without code). */
  firstStep: number;
  /** One past the last step of this context and everything it called. */
  endStep: number;
  endValueOffset: number;
  endMemoryIndex: number;
  checkpoints: Checkpoint[];
  /** Filled when the message ends. */
  error?: string;
  returnData: Uint8Array;
  gasUsed: bigint;
}

export const enum StorageKind { Load = 0, Store = 1, TLoad = 2, TStore = 3 }

export interface LogRecord {
  readonly step: number;
  readonly address: string;
  readonly topics: readonly bigint[];
  readonly data: Uint8Array;
}

export class Recording {
  /** Per step: program counter and context id. */
  readonly pc = u16(1 << 16);
  readonly context = u32(1 << 16);

  /**
   * Gas left before a step, stored only where it cannot be derived: at dynamic-gas instructions and at the
   * first static one after them or after a context switch. Between two stored points every step is a
   * static-gas instruction of one context, so gas before step k+1 = gas before k - fee of k's opcode.
   */
  readonly gasStep = u32(1 << 12);
  readonly gasValue = u32(1 << 12);
  /** Static fee of each opcode in the active hardfork. */
  readonly fee = new Uint16Array(256);

  /** Values left on top of the stack by steps that compute one (not PUSH/DUP/SWAP): tag byte = length, big-endian bytes. */
  readonly values = u8(1 << 18);

  /** Memory log: after `memStep`, bytes [off, off+len) equal memData[dataAt..]; memory size becomes memSize. */
  readonly memStep = u32(1024);
  readonly memOffset = u32(1024);
  readonly memLength = u32(1024);
  readonly memDataAt = u32(1024);
  readonly memSize = u32(1024);
  readonly memData = u8(1 << 14);

  /** Storage accesses in step order: kind, slot, value (after), previous value (for stores). */
  readonly storageStep = u32(256);
  readonly storageKind = u8(256);
  readonly storageSlot: bigint[] = [];
  readonly storageValue: bigint[] = [];
  readonly storagePrevious: bigint[] = [];

  readonly preimages = new Map<bigint, Uint8Array>();
  /** The step of the KECCAK256 that first computed each hash. */
  readonly preimageSteps = new Map<bigint, number>();
  readonly logs: LogRecord[] = [];
  readonly contexts: CallContext[] = [];

  get stepCount(): number {
    return this.pc.length;
  }

  trim(): void {
    for (const c of [this.pc, this.context, this.gasStep, this.gasValue, this.values, this.memStep, this.memOffset, this.memLength,
      this.memDataAt, this.memSize, this.memData, this.storageStep, this.storageKind]) c.trim();
  }

  /** Retained bytes of the per-step columns, logs and checkpoints (an estimate for JS arrays of bigints). */
  retainedBytes(): number {
    let n = 0;
    for (const c of [this.pc, this.context, this.gasStep, this.gasValue, this.values, this.memStep, this.memOffset, this.memLength,
      this.memDataAt, this.memSize, this.memData, this.storageStep, this.storageKind]) n += c.bytes;
    n += this.storageSlot.length * 3 * 40;
    for (const [, v] of this.preimages) n += v.byteLength + 140;
    const seen = new Set<Uint8Array>();
    for (const ctx of this.contexts) {
      for (const cp of ctx.checkpoints) {
        n += 64 + cp.stack.length * 40;
        if (!seen.has(cp.memory)) { seen.add(cp.memory); n += cp.memory.byteLength; }
      }
    }
    return n;
  }
}

/** Reads the value stream entry at `offset`; returns the value and the next offset through `out`. */
export function readValue(values: Uint8Array, offset: number, out: { next: number }): bigint {
  const n = values[offset]!;
  let i = offset + 1;
  out.next = i + n;
  if (n <= 6) {
    let v = 0;
    for (let k = 0; k < n; k++) v = v * 256 + values[i + k]!;
    return BigInt(v);
  }
  let hex = '0x';
  for (let k = 0; k < n; k++) hex += values[i + k]!.toString(16).padStart(2, '0');
  return BigInt(hex);
}
