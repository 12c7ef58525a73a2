// Records a call by wrapping the entries of the EVM's opcode table (`evm._opcodeMap`), which costs ~1.15x a
// plain run, where the `step` event (a copy of stack and memory per step, an async emit) costs ~3.4x.
// Static-gas opcodes are recorded in their handler (gas already charged, pc already advanced); dynamic-gas
// opcodes in their gas handler (before any charge), so a step that fails on gas is still recorded.
// `_opcodeMap` is internal to @ethereumjs/evm: test/evm/opcode-map.test.ts pins its shape.
import type { EVM } from '@ethereumjs/evm';
import { OPCODES, Op, RECOMPUTED } from '../opcodes.ts';
import { Recording, StorageKind, type CallContext, type CallKind } from './recording.ts';

/** The parts of the interpreter's run state the wrappers read. */
interface RunState {
  programCounter: number;
  gasLeft: bigint;
  memoryWordCount: bigint;
  code: Uint8Array;
  stack: { _store: bigint[]; _len: number };
  memory: { _store: Uint8Array };
  returnBytes: Uint8Array;
  interpreter: {
    storageLoad(key: Uint8Array, original?: boolean, trackBAL?: boolean): Promise<Uint8Array>;
    transientStorageLoad(key: Uint8Array): Uint8Array;
    getAddress(): { toString(): string };
  };
}
type Handler = (rs: RunState, common: unknown) => unknown;
type GasHandler = (rs: RunState, gas: bigint, common: unknown) => unknown;
interface OpEntry {
  opcodeInfo: { code: number; fee: number; isAsync: boolean; dynamicGas: boolean; isInvalid: boolean; name: string };
  opHandler: Handler;
  gasHandler: GasHandler;
}

/** Access to the internal opcode table; throws if its shape is not the one we wrap. */
export function opcodeMap(evm: EVM): Map<number, OpEntry> | OpEntry[] {
  const map = (evm as unknown as { _opcodeMap?: unknown })._opcodeMap;
  if (!map || typeof map !== 'object') throw new Error('@ethereumjs/evm internals changed: _opcodeMap missing');
  return map as Map<number, OpEntry> | OpEntry[];
}

export interface RecordOptions {
  readonly checkpointInterval?: number;
  readonly cancel?: AbortSignal;
  readonly onProgress?: (steps: number, gasLeft: bigint) => void;
  readonly maxSteps?: number;
}

const CHECK_CANCEL_MASK = 0xffff;

export class Cancelled extends Error {
  override readonly name = 'Cancelled';
}

/** The call ran more steps than a recording may hold (memory grows ~18 bytes per step). */
export class TooManySteps extends Error {
  override readonly name = 'TooManySteps';
}
export const DEFAULT_MAX_STEPS = 60_000_000;

/** Bytes of a bigint word as 32 big-endian bytes. */
function word(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, v >> 192n);
  dv.setBigUint64(8, (v >> 128n) & 0xffffffffffffffffn);
  dv.setBigUint64(16, (v >> 64n) & 0xffffffffffffffffn);
  dv.setBigUint64(24, v & 0xffffffffffffffffn);
  return out;
}

const hexAddress = (a: { toString(): string } | undefined): string => (a ? a.toString().toLowerCase() : '');

/**
 * Runs `run` (which performs exactly one top-level evm.runCall) with the opcode table wrapped, and returns
 * what it recorded. The wrappers are removed afterwards, also on error.
 */
export async function record<T>(evm: EVM, run: () => Promise<T>, options: RecordOptions = {}): Promise<{ recording: Recording; result: T }> {
  const rec = new Recording();
  const interval = options.checkpointInterval ?? 4096;
  const cancel = options.cancel;
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const table = opcodeMap(evm);
  const entries: [number, OpEntry][] = table instanceof Map ? [...table.entries()] : table.map((e, i) => [i, e] as [number, OpEntry]);

  // Columns are captured in locals and refreshed when they grow: the hot path touches only typed arrays.
  let pcs = rec.pc.data, ctxs = rec.context.data, cap = pcs.length;
  // True while the previous step was a static-gas instruction of the current context (gas derivable).
  let staticRun = false;
  let n = 0;
  let vals = rec.values.data, valLen = 0;
  let cur: CallContext | undefined;
  let curRs: RunState | undefined;
  let nextCheckpoint = 0;
  // Gas left after the last completed instruction: the gas before an instruction that fails on its base fee.
  let gasAfter = 0n;
  const pending: CallContext[] = []; // message stack
  const runStates = new Map<number, RunState>(); // run state of each live context, to resume the parent
  const scratch = new Uint8Array(32);
  const scratchView = new DataView(scratch.buffer);

  const growSteps = (): void => {
    rec.pc.length = rec.context.length = n;
    rec.pc.grow(n + 1); rec.context.grow(n + 1);
    pcs = rec.pc.data; ctxs = rec.context.data; cap = pcs.length;
  };
  const putValue = (v: bigint): void => {
    if (valLen + 33 > vals.length) { rec.values.length = valLen; rec.values.grow(valLen + 33); vals = rec.values.data; }
    if (v < 0x100000000n) {
      const x = Number(v);
      const size = x === 0 ? 0 : x < 0x100 ? 1 : x < 0x10000 ? 2 : x < 0x1000000 ? 3 : 4;
      vals[valLen++] = size;
      for (let k = size - 1; k >= 0; k--) vals[valLen++] = (x >>> (8 * k)) & 0xff;
      return;
    }
    scratchView.setBigUint64(0, v >> 192n);
    scratchView.setBigUint64(8, (v >> 128n) & 0xffffffffffffffffn);
    scratchView.setBigUint64(16, (v >> 64n) & 0xffffffffffffffffn);
    scratchView.setBigUint64(24, v & 0xffffffffffffffffn);
    let z = 0;
    while (z < 32 && scratch[z] === 0) z++;
    vals[valLen++] = 32 - z;
    vals.set(scratch.subarray(z), valLen);
    valLen += 32 - z;
  };
  const memLog = (step: number, rs: RunState, offset: number, length: number): void => {
    const size = Number(rs.memoryWordCount) * 32;
    rec.memStep.push(step);
    rec.memOffset.push(offset);
    rec.memLength.push(length);
    rec.memSize.push(size);
    rec.memDataAt.push(rec.memData.length);
    if (length > 0) {
      if (rec.memData.length + length > rec.memData.data.length) rec.memData.grow(rec.memData.length + length);
      rec.memData.data.set(rs.memory._store.subarray(offset, offset + length), rec.memData.length);
      rec.memData.length += length;
    }
    lastMemSize = size;
  };
  let lastMemSize = 0;
  const checkpoint = (rs: RunState): void => {
    const ctx = cur!;
    const last = ctx.checkpoints[ctx.checkpoints.length - 1]!;
    const size = Number(rs.memoryWordCount) * 32;
    // Memory is copied again only when what was logged since the last copy is about half its size: then
    // copies cost at most about twice the logged bytes, and bringing a copy up to date stays cheap.
    const loggedSince = rec.memData.length - (snapshotData.get(ctx.id) ?? 0) + 32 * (rec.memStep.length - last.memorySnapshotIndex);
    let memory = last.memory, memorySnapshotIndex = last.memorySnapshotIndex;
    if (loggedSince * 2 >= size && !(size === last.memory.length && rec.memStep.length === last.memorySnapshotIndex)) {
      memory = rs.memory._store.slice(0, size);
      memorySnapshotIndex = rec.memStep.length;
      snapshotData.set(ctx.id, rec.memData.length);
    }
    ctx.checkpoints.push({ step: n, stack: rs.stack._store.slice(0, rs.stack._len), memory, memorySnapshotIndex, valueOffset: valLen, memoryIndex: rec.memStep.length });
    nextCheckpoint = n + interval;
  };
  const snapshotData = new Map<number, number>();
  const bind = (rs: RunState): void => {
    // The first step of a new message: this run state belongs to the innermost pending message.
    const ctx = pending[pending.length - 1]!;
    cur = ctx;
    curRs = rs;
    // Init code is a view of the creator's memory, which later steps overwrite: keep a copy.
    ctx.code = ctx.isCreate ? rs.code.slice() : rs.code;
    ctx.firstStep = n;
    runStates.set(ctx.id, rs);
    staticRun = false;
    ctx.checkpoints.push({ step: n, stack: [], memory: new Uint8Array(0), memorySnapshotIndex: rec.memStep.length, valueOffset: valLen, memoryIndex: rec.memStep.length });
    snapshotData.set(ctx.id, rec.memData.length);
    nextCheckpoint = n + interval;
    lastMemSize = 0;
  };
  // Everything rare (growing columns, a new context, a checkpoint, cancel/progress) happens when `n` reaches
  // `limit` or the run state changes, so the common path is one comparison and three typed-array writes.
  let limit = 0;
  let curId = -1;
  const slow = (rs: RunState): void => {
    if (n === cap) growSteps();
    if (rs !== curRs) bind(rs);
    else if (n >= nextCheckpoint) checkpoint(rs);
    if ((n & CHECK_CANCEL_MASK) === 0 && n > 0) {
      if (cancel?.aborted) throw new Cancelled('cancelled');
      if (n >= maxSteps) throw new TooManySteps(`the call ran more than ${maxSteps.toLocaleString('en-US')} steps`);
      options.onProgress?.(n, rs.gasLeft);
    }
    curId = cur!.id;
    limit = Math.min(cap, nextCheckpoint, (n | CHECK_CANCEL_MASK) + 1);
  };
  /** A step whose gas is stored explicitly (dynamic-gas instructions, failing instructions). */
  const begin = (rs: RunState, pc: number, gas: number): number => {
    if (n >= limit || rs !== curRs) slow(rs);
    pcs[n] = pc;
    ctxs[n] = curId;
    rec.gasStep.push(n);
    rec.gasValue.push(gas);
    staticRun = false;
    return n++;
  };
  /** A static-gas instruction, in its handler (fee charged, pc advanced). */
  const beginStatic = (rs: RunState, fee: number): number => {
    if (n >= limit || rs !== curRs) slow(rs);
    pcs[n] = rs.programCounter - 1;
    ctxs[n] = curId;
    if (!staticRun) {
      rec.gasStep.push(n);
      rec.gasValue.push(Number(rs.gasLeft) + fee);
      staticRun = true;
    }
    return n++;
  };

  const peek = (rs: RunState, i: number): bigint => rs.stack._store[rs.stack._len - 1 - i]!;
  const top = (rs: RunState): bigint => rs.stack._store[rs.stack._len - 1]!;

  const wrapped = new Map<number, OpEntry>();
  for (const [code, entry] of entries) {
    const info = entry.opcodeInfo;
    rec.fee[code] = info.fee;
    const orig = entry.opHandler;
    const origGas = entry.gasHandler;
    const fee = info.fee;
    const dynamic = info.dynamicGas;
    const meta = OPCODES[code]!;
    // Only values replay cannot recompute are stored (loads from state, environment, call results, hashes).
    const pushesValue = meta.pushes === 1 && !(code >= Op.PUSH0 && code <= Op.PUSH32) && !(code >= Op.DUP1 && code <= Op.SWAP16) && !RECOMPUTED.has(code);
    // Steps of dynamic-gas opcodes are recorded by the gas handler; the op handler then only observes effects.
    let opHandler: Handler;
    switch (code) {
      case Op.MSTORE: case Op.MSTORE8: case Op.MLOAD: case Op.CALLDATACOPY: case Op.CODECOPY: case Op.RETURNDATACOPY:
      case Op.MCOPY: case Op.EXTCODECOPY: {
        // The written range is read from the operands before the handler pops them (no allocation per step).
        const offAt = code === Op.EXTCODECOPY ? 1 : 0;
        const lenAt = code === Op.EXTCODECOPY ? 3 : code === Op.MSTORE || code === Op.MSTORE8 || code === Op.MLOAD ? -1 : 2;
        const fixedLength = code === Op.MSTORE ? 32 : code === Op.MSTORE8 ? 1 : 0;
        const after = (rs: RunState, step: number, off: number, len: number): void => {
          if (pushesValue) putValue(top(rs));
          if (len > 0 || Number(rs.memoryWordCount) * 32 !== lastMemSize) memLog(step, rs, off, len);
          if (dynamic) gasAfter = rs.gasLeft;
        };
        opHandler = !info.isAsync
          ? (rs, common) => {
            const step = (dynamic ? n - 1 : beginStatic(rs, fee));
            const len = lenAt >= 0 ? Number(peek(rs, lenAt)) : fixedLength;
            const off = len > 0 ? Number(peek(rs, offAt)) : 0;
            orig(rs, common);
            after(rs, step, off, len);
          }
          : async (rs, common) => {
            const step = (dynamic ? n - 1 : beginStatic(rs, fee));
            const len = lenAt >= 0 ? Number(peek(rs, lenAt)) : fixedLength;
            const off = len > 0 ? Number(peek(rs, offAt)) : 0;
            await orig(rs, common);
            after(rs, step, off, len);
          };
        break;
      }
      case Op.KECCAK256:
        opHandler = (rs, common) => {
          const step = (dynamic ? n - 1 : beginStatic(rs, fee));
          const off = Number(peek(rs, 0)), len = Number(peek(rs, 1));
          orig(rs, common); // memory is expanded to cover the input before the hash is taken
          const hash = top(rs);
          putValue(hash);
          // The first computation of a hash is when its mapping key became known (stepping back hides it again).
          if (!rec.preimages.has(hash)) {
            rec.preimages.set(hash, rs.memory._store.slice(off, off + len));
            rec.preimageSteps.set(hash, step);
          }
          if (Number(rs.memoryWordCount) * 32 !== lastMemSize) memLog(step, rs, 0, 0);
          if (dynamic) gasAfter = rs.gasLeft;
        };
        if (info.isAsync) throw new Error('@ethereumjs/evm internals changed: KECCAK256 became async');
        break;
      case Op.LOG0: case Op.LOG0 + 1: case Op.LOG0 + 2: case Op.LOG0 + 3: case Op.LOG4: {
        const topicCount = code - Op.LOG0;
        const handler = (rs: RunState): { step: number; topics: bigint[]; off: number; len: number } => {
          const step = (dynamic ? n - 1 : beginStatic(rs, fee));
          const topics: bigint[] = [];
          for (let t = 0; t < topicCount; t++) topics.push(peek(rs, 2 + t));
          return { step, topics, off: Number(peek(rs, 0)), len: Number(peek(rs, 1)) };
        };
        const after = (rs: RunState, h: { step: number; topics: bigint[]; off: number; len: number }): void => {
          rec.logs.push({ step: h.step, address: hexAddress(rs.interpreter.getAddress()), topics: h.topics, data: rs.memory._store.slice(h.off, h.off + h.len) });
          if (Number(rs.memoryWordCount) * 32 !== lastMemSize) memLog(h.step, rs, 0, 0);
          if (dynamic) gasAfter = rs.gasLeft;
        };
        opHandler = info.isAsync
          ? async (rs, common) => { const h = handler(rs); await orig(rs, common); after(rs, h); }
          : (rs, common) => { const h = handler(rs); orig(rs, common); after(rs, h); };
        break;
      }
      case Op.CALL: case Op.CALLCODE: case Op.DELEGATECALL: case Op.STATICCALL: case Op.CREATE: case Op.CREATE2: {
        const outAt = code === Op.CALL || code === Op.CALLCODE ? 5 : code === Op.DELEGATECALL || code === Op.STATICCALL ? 4 : -1;
        const kind = OPCODES[code]!.name as CallKind;
        opHandler = async (rs, common) => {
          const step = (dynamic ? n - 1 : beginStatic(rs, fee));
          const off = outAt >= 0 ? Number(peek(rs, outAt)) : 0;
          const len = outAt >= 0 ? Number(peek(rs, outAt + 1)) : 0;
          nextKind = kind;
          nextCallStep = step;
          await orig(rs, common);
          putValue(top(rs));
          if (len > 0 || Number(rs.memoryWordCount) * 32 !== lastMemSize) memLog(step, rs, off, len);
          if (dynamic) gasAfter = rs.gasLeft;
        };
        break;
      }
      case Op.SLOAD: case Op.TLOAD:
        opHandler = (info.isAsync ? async (rs: RunState, common: unknown) => {
          const step = (dynamic ? n - 1 : beginStatic(rs, fee));
          const slot = top(rs);
          await orig(rs, common);
          storage(step, code === Op.SLOAD ? StorageKind.Load : StorageKind.TLoad, slot, top(rs), 0n);
          putValue(top(rs));
          if (dynamic) gasAfter = rs.gasLeft;
        } : (rs: RunState, common: unknown) => {
          const step = (dynamic ? n - 1 : beginStatic(rs, fee));
          const slot = top(rs);
          orig(rs, common);
          storage(step, code === Op.SLOAD ? StorageKind.Load : StorageKind.TLoad, slot, top(rs), 0n);
          putValue(top(rs));
          if (dynamic) gasAfter = rs.gasLeft;
        }) as Handler;
        break;
      case Op.SSTORE: case Op.TSTORE:
        opHandler = async (rs, common) => {
          const step = (dynamic ? n - 1 : beginStatic(rs, fee));
          const slot = peek(rs, 0), value = peek(rs, 1);
          const key = word(slot);
          const previous = code === Op.SSTORE ? await rs.interpreter.storageLoad(key, false, false) : rs.interpreter.transientStorageLoad(key);
          await orig(rs, common);
          storage(step, code === Op.SSTORE ? StorageKind.Store : StorageKind.TStore, slot, value, bytesToBig(previous));
          if (dynamic) gasAfter = rs.gasLeft;
        };
        break;
      default:
        opHandler = pushesValue
          ? (info.isAsync
            ? async (rs, common) => { (dynamic ? n - 1 : beginStatic(rs, fee)); await orig(rs, common); putValue(top(rs)); if (dynamic) gasAfter = rs.gasLeft; }
            : (rs, common) => { (dynamic ? n - 1 : beginStatic(rs, fee)); orig(rs, common); putValue(top(rs)); if (dynamic) gasAfter = rs.gasLeft; })
          : (info.isAsync
            ? async (rs, common) => { (dynamic ? n - 1 : beginStatic(rs, fee)); await orig(rs, common); if (dynamic) gasAfter = rs.gasLeft; }
            : (rs, common) => { (dynamic ? n - 1 : beginStatic(rs, fee)); orig(rs, common); if (dynamic) gasAfter = rs.gasLeft; });
    }
    const gasHandler: GasHandler = dynamic
      ? (rs, gas, common) => { begin(rs, rs.programCounter, Number(rs.gasLeft)); return origGas(rs, gas, common); }
      : origGas;
    wrapped.set(code, { opcodeInfo: info, opHandler, gasHandler });
  }
  // SSTORE/TSTORE are async in the wrapper (they read the previous value); the interpreter awaits only async ops.
  for (const code of [Op.SSTORE, Op.TSTORE]) {
    const w = wrapped.get(code);
    if (w && !w.opcodeInfo.isAsync) {
      // A sync entry would not be awaited: keep a sync path that records no previous value.
      const orig = entries.find(([c]) => c === code)![1].opHandler;
      const dynamic = w.opcodeInfo.dynamicGas, fee = w.opcodeInfo.fee;
      w.opHandler = (rs, common) => {
        const step = dynamic ? n - 1 : beginStatic(rs, fee);
        const slot = peek(rs, 0), value = peek(rs, 1);
        const previous = code === Op.TSTORE ? bytesToBig(rs.interpreter.transientStorageLoad(word(slot))) : 0n;
        orig(rs, common);
        storage(step, code === Op.SSTORE ? StorageKind.Store : StorageKind.TStore, slot, value, previous);
        if (dynamic) gasAfter = rs.gasLeft;
      };
    }
  }

  function storage(step: number, kind: StorageKind, slot: bigint, value: bigint, previous: bigint): void {
    rec.storageStep.push(step);
    rec.storageKind.push(kind);
    rec.storageSlot.push(slot);
    rec.storageValue.push(value);
    rec.storagePrevious.push(previous);
  }

  let nextKind: CallKind = 'TX';
  let nextCallStep = -1;

  interface Message {
    to?: { toString(): string };
    caller: { toString(): string };
    value: bigint;
    data: Uint8Array;
    gasLimit: bigint;
    delegatecall: boolean;
    codeAddress: { toString(): string };
  }
  interface MessageResult {
    createdAddress?: { toString(): string };
    execResult: { exceptionError?: { error: string }; returnValue: Uint8Array; executionGasUsed: bigint };
  }
  const onBefore = (message: Message): void => {
    const parent = pending[pending.length - 1];
    const ctx: CallContext = {
      id: rec.contexts.length,
      parent: parent ? parent.id : -1,
      depth: pending.length,
      kind: parent ? nextKind : 'TX',
      address: hexAddress(message.to),
      codeAddress: message.to ? hexAddress(message.codeAddress) : '',
      caller: hexAddress(message.caller),
      value: message.value,
      calldata: message.to ? message.data.slice() : new Uint8Array(0),
      gasLimit: message.gasLimit,
      isCreate: !message.to,
      code: new Uint8Array(0),
      codeId: -1,
      callStep: parent ? nextCallStep : -1,
      firstStep: -1,
      endStep: -1,
      endValueOffset: -1,
      endMemoryIndex: -1,
      checkpoints: [],
      returnData: new Uint8Array(0),
      gasUsed: 0n,
    };
    rec.contexts.push(ctx);
    pending.push(ctx);
  };
  const onAfter = (result: MessageResult): void => {
    const ctx = pending.pop()!;
    const error = result.execResult.exceptionError?.error;
    ctx.error = error;
    ctx.returnData = (result.execResult.returnValue ?? new Uint8Array(0)).slice();
    ctx.gasUsed = result.execResult.executionGasUsed ?? 0n;
    if (result.createdAddress) ctx.address = ctx.codeAddress = hexAddress(result.createdAddress);
    // A static-gas instruction that fails before its handler (out of gas on the base fee, an invalid opcode)
    // was never recorded: record it now, it is where the user must land.
    if (error !== undefined && ctx.firstStep >= 0 && curRs && cur === ctx) {
      const rs = curRs;
      const op = rs.code[rs.programCounter];
      const entry = op === undefined ? undefined : wrapped.get(op);
      if (op !== undefined && !entry?.opcodeInfo.dynamicGas && (error === 'out of gas' || error === 'invalid opcode')) {
        if (staticRun) {
          // After a static instruction of this context its gas is derivable, like any other.
          if (n >= limit) slow(rs);
          pcs[n] = rs.programCounter; ctxs[n] = ctx.id; n++;
        } else begin(rs, rs.programCounter, Number(gasAfter));
      }
    }
    ctx.endStep = n;
    ctx.endValueOffset = valLen;
    ctx.endMemoryIndex = rec.memStep.length;
    const parent = pending[pending.length - 1];
    cur = parent;
    curRs = parent ? runStates.get(parent.id) : undefined;
    lastMemSize = curRs ? Number(curRs.memoryWordCount) * 32 : 0;
    nextCheckpoint = n + interval;
    limit = 0; // refresh the current context id on the next step
    staticRun = false;
  };
  const original = new Map(entries);
  const put = (code: number, e: OpEntry): void => {
    if (table instanceof Map) table.set(code, e); else (table as OpEntry[])[code] = e;
  };
  evm.events.on('beforeMessage', onBefore as never);
  evm.events.on('afterMessage', onAfter as never);
  for (const [code, e] of wrapped) put(code, e);
  try {
    const result = await run();
    rec.pc.length = rec.context.length = n;
    rec.values.length = valLen;
    rec.trim();
    return { recording: rec, result };
  } finally {
    for (const [code, e] of original) put(code, e);
    evm.events.off('beforeMessage', onBefore as never);
    evm.events.off('afterMessage', onAfter as never);
    runStates.clear();
  }
}

function bytesToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v;
}
