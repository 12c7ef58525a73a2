// The recorded EVM call as the session sees it (core/execution.ts): O(1) per-step columns for stepping
// scans, frames from call contexts and jump markers, and scopes rebuilt on demand from checkpoints.
import { decodeEventLog, toFunctionSelector, type Abi } from 'viem';
import type {
  Children, DataTarget, ExceptionEvent, ExceptionKind, Execution, Frame, Instruction, Outcome, OutputLine, Scope,
  SourceFile, SourceRange, ValueFormat, Variable,
} from '../core/execution.ts';
import { listChildren } from '../core/children.ts';
import { EvaluationError } from '../core/errors.ts';
import { bytesToHex, formatReturn, formatValue, signatureOf } from './abi.ts';
import { BLOCK } from './chain.ts';
import type { FunctionInfo, SourceAst, StackVariable } from './ast.ts';
import { parseSrc } from './ast.ts';
import type { AbiItem, AstNode, CompiledProject } from '../../language/solidity/compile.ts';
import {
  decodeRevert, decodeStateVariables, decodeValue, evaluateExpression, evaluateToValue, isValueType, parseMemoryReference, stateVariablesFromLayout, TypeRegistry,
  memoryReference, type DecodeContext, type EvalEnvironment, type EvmStateView, type KeccakPreimage, type Location, type SolcStorageLayout, type SolType,
  type StateVariable,
} from './decode/index.ts';
import { argumentLocations, UNAVAILABLE, writtenDeclarations } from './optimized.ts';
import { instructionText, OPCODES, Op } from './opcodes.ts';
import { StorageKind, type CallContext, type Recording } from './recording.ts';
import { rebuildState, type FrameState } from './state.ts';
import { CodeUnits, JUMP_IN, JUMP_OUT, SourceTable, type CodeUnit } from './units.ts';

interface FrameRecord {
  readonly ctx: number;
  readonly parent: number;
  readonly depth: number;
  readonly callStep: number;
  entryStep: number;
  /** Stack height (in the context) when the function's body was entered: its parameters are just below. */
  entryHeight: number;
  /**
   * For an external frame, the first step after its function's body returned to the dispatcher (Infinity
   * while it runs): from there on its parameters and locals are gone from the stack.
   */
  exitStep: number;
  /** The first step of this frame on a statement (computed when first needed; Infinity: none). */
  bodyStep?: number;
  fn?: FunctionInfo;
  ast?: SourceAst;
  name: string;
  readonly external: boolean;
  /** A compiler-generated helper (Yul): shown de-emphasised. */
  readonly generated: boolean;
}

export interface EvmCallInfo {
  readonly project: CompiledProject;
  readonly recording: Recording;
  /** The function called, for decoding its return value. */
  readonly fn?: AbiItem;
  /** Storage as it was before the call: "<address>:<slot hex>" is not needed; a function reading it. */
  readonly initialStorage: (address: string, slot: bigint) => bigint;
}

const short = (a: string): string => (a.length > 12 ? `${a.slice(0, 6)}…${a.slice(-4)}` : a);
const hex = (v: bigint): string => `0x${v.toString(16)}`;
const word = (v: bigint): string => `0x${v.toString(16).padStart(64, '0')}`;

export class EvmExecution implements Execution {
  readonly vm = 'evm' as const;
  readonly sources: readonly SourceFile[];
  readonly stepCount: number;
  readonly exceptions: ExceptionEvent[] = [];
  readonly outcome: Outcome;
  readonly output: OutputLine[] = [];

  private readonly rec: Recording;
  private readonly table: SourceTable;
  private readonly units: CodeUnits;
  private readonly pcs: Uint16Array;
  private readonly ctxOf: Uint32Array;
  private readonly codeOfCtx: Uint32Array;
  private readonly lineTables: Int32Array[] = [];
  readonly frameOf: Uint32Array;
  private readonly frameDepth: Uint16Array;
  private readonly frameRecords: FrameRecord[] = [];
  private readonly registry: TypeRegistry;
  private readonly revertedAt: Float64Array;
  private storageIndex?: Map<string, number[]>;
  /** Per address: the persistent-storage slots accessed, with the step of their first access. */
  private readonly slotsByAddress = new Map<string, { slot: bigint; first: number }[]>();
  private readonly selectors = new Map<AbiItem[] | readonly AbiItem[], Map<string, AbiItem>>();
  private stateCache?: { ctx: number; step: number; state: FrameState };
  private callees?: CallContext[][];

  constructor(private readonly info: EvmCallInfo) {
    const rec = info.recording;
    this.rec = rec;
    this.table = new SourceTable(info.project);
    this.units = new CodeUnits(info.project, this.table);
    this.stepCount = rec.stepCount;
    this.pcs = rec.pc.data;
    this.ctxOf = rec.context.data;
    this.codeOfCtx = new Uint32Array(rec.contexts.length);
    for (const ctx of rec.contexts) {
      if (ctx.firstStep < 0) continue;
      ctx.codeId = this.units.unitFor(ctx.code, ctx.isCreate, ctx.codeAddress || ctx.address);
      this.codeOfCtx[ctx.id] = ctx.codeId;
    }
    for (const u of this.units.units) this.lineTables.push(u.lineIds);
    this.units.registerCompiledLines();
    this.sources = this.table.files;
    this.registry = new TypeRegistry(Object.fromEntries(info.project.sources.map((s) => [s.unit, { ast: s.ast }])));
    this.revertedAt = new Float64Array(rec.contexts.length);
    for (const ctx of rec.contexts) {
      const own = ctx.error !== undefined ? ctx.endStep : Infinity;
      this.revertedAt[ctx.id] = Math.min(own, ctx.parent >= 0 ? this.revertedAt[ctx.parent]! : Infinity);
    }
    this.frameOf = new Uint32Array(this.stepCount);
    this.buildFrames();
    this.frameDepth = Uint16Array.from(this.frameRecords.map((f) => f.depth));
    this.outcome = this.buildOutcome();
    this.buildExceptions();
    this.buildOutput();
    this.storageEntries();
  }

  // ---- per-step columns (O(1), allocation-free) ----

  lineId(step: number): number {
    return this.lineTables[this.codeOfCtx[this.ctxOf[step]!]!]![this.pcs[step]!]!;
  }
  depth(step: number): number {
    return this.frameDepth[this.frameOf[step]!]!;
  }
  codeId(step: number): number {
    return this.codeOfCtx[this.ctxOf[step]!]!;
  }
  pc(step: number): number {
    return this.pcs[step]!;
  }
  /** Gas left before the instruction at `step`. */
  gasLeft(step: number): number {
    const rec = this.rec;
    const steps = rec.gasStep.data;
    let lo = 0, hi = rec.gasStep.length - 1, at = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[mid]! <= step) { at = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Every step between the stored point and `step` is a static-gas instruction of the same context.
    let gas = rec.gasValue.data[at]!;
    for (let k = steps[at]!; k < step; k++) gas -= rec.fee[this.unitAt(k).code[this.pcs[k]!]!]!;
    return gas;
  }
  context(step: number): CallContext {
    return this.rec.contexts[this.ctxOf[step]!]!;
  }
  opcode(step: number): number {
    return this.unitAt(step).code[this.pcs[step]!] ?? 0;
  }
  private unitAt(step: number): CodeUnit {
    return this.units.units[this.codeId(step)]!;
  }

  location(step: number): SourceRange | undefined {
    return this.units.location(this.unitAt(step), this.pcs[step]!);
  }
  instructionRef(step: number): string {
    return `${this.codeId(step)}:${this.pcs[step]}`;
  }
  parseInstructionRef(ref: string): { codeId: number; pc: number } | undefined {
    const m = /^(\d+):(\d+)$/.exec(ref);
    if (!m) return undefined;
    const codeId = Number(m[1]), pc = Number(m[2]);
    const unit = this.units.units[codeId];
    if (!unit || pc > unit.code.length) return undefined;
    return { codeId, pc };
  }
  breakableLines(source: number): readonly number[] {
    return this.table.breakableLines(source);
  }
  lineIdOf(source: number, line: number): number {
    return this.table.lineIdOf(source, line);
  }
  /** (source, line) of a line id. */
  lineOf(lineId: number): { source: number; line: number } {
    return { source: this.table.lineSource[lineId]!, line: this.table.lineNumber[lineId]! };
  }

  // ---- frames ----

  private selectorMap(abi: readonly AbiItem[]): Map<string, AbiItem> {
    let map = this.selectors.get(abi);
    if (!map) {
      map = new Map();
      for (const item of abi) if (item.type === 'function') map.set(toFunctionSelector(signatureOf(item)), item);
      // Public library functions taking storage references have selectors over "T storage" types that the
      // ABI does not spell: take those from the AST.
      const contract = this.info.project.contracts.find((c) => c.abi === abi);
      if (contract?.kind === 'library') {
        for (const info of this.table.info) {
          for (const f of info.ast?.functions ?? []) {
            const selector = f.node.functionSelector;
            if (f.contract === contract.name && typeof selector === 'string' && !map.has(`0x${selector}`)) {
              map.set(`0x${selector}`, { type: 'function', name: String(f.node.name), inputs: [], outputs: [] });
            }
          }
        }
      }
      this.selectors.set(abi, map);
    }
    return map;
  }

  /** The ABI function a context's calldata selects, if its code is a compiled contract. */
  calledFunction(ctx: CallContext): AbiItem | undefined {
    const unit = this.units.units[ctx.codeId];
    if (!unit?.contract || ctx.isCreate || ctx.calldata.length < 4) return undefined;
    return this.selectorMap(unit.contract.abi).get(bytesToHex(ctx.calldata.subarray(0, 4)));
  }

  private externalName(ctx: CallContext): string {
    const unit = this.units.units[ctx.codeId];
    if (!unit?.contract) return `${short(ctx.codeAddress || ctx.address)} (unknown code)`;
    if (ctx.isCreate) return `${unit.contract.name}.constructor`;
    const fn = this.calledFunction(ctx);
    if (fn) return `${unit.contract.name}.${fn.name}`;
    return `${unit.contract.name}.${ctx.calldata.length === 0 ? 'receive' : 'fallback'}`;
  }

  private functionAtPc(unit: CodeUnit, pc: number): { fn?: FunctionInfo; ast?: SourceAst; helper?: string } {
    const e = unit.entries?.[unit.indexByPc[pc]!];
    if (!e || e.file < 0) return {};
    const source = unit.fileToSource.get(e.file);
    if (source === undefined) return {};
    const info = this.table.info[source]!;
    if (info.generated) return { helper: this.table.yulFunctionAt(source, e.start) ?? info.file.name };
    return { fn: info.ast?.functionAt(e.start), ast: info.ast };
  }

  /**
   * One pass over the steps: a frame per call context, plus internal frames between jump-in and jump-out
   * markers. Per step it only reads the context and the unit's jump table (the scan that must stay fast).
   */
  private buildFrames(): void {
    const rec = this.rec;
    const n = this.stepCount;
    const ctxFrame = new Int32Array(rec.contexts.length).fill(-1);
    const absorbed = new Uint8Array(rec.contexts.length);
    const pcs = this.pcs, ctxOf = this.ctxOf, frameOf = this.frameOf;
    const frames = this.frameRecords;
    const units = this.units.units;
    let c = -1, f = -1;
    let jumps: Uint8Array = new Uint8Array(0);
    let unit: CodeUnit | undefined;
    for (let s = 0; s < n; s++) {
      const cs = ctxOf[s]!;
      if (cs !== c) {
        if (c >= 0) ctxFrame[c] = f;
        c = cs;
        f = ctxFrame[c]!;
        if (f < 0) {
          const ctx = rec.contexts[c]!;
          const parent = ctx.callStep >= 0 ? frameOf[ctx.callStep]! : -1;
          frames.push({
            ctx: c, parent, depth: parent >= 0 ? frames[parent]!.depth + 1 : 0, callStep: ctx.callStep, entryStep: s,
            entryHeight: 0, exitStep: Infinity, name: this.externalName(ctx), external: true, generated: false,
          });
          f = frames.length - 1;
        }
        unit = units[this.codeOfCtx[c]!]!;
        jumps = unit.jumps;
      }
      frameOf[s] = f;
      const jump = jumps[pcs[s]!]!;
      // Legacy maps (solc < 0.5): the JUMP whose next step lands on a function's entry enters it.
      const legacyIn = unit!.legacyEntries !== undefined && s + 1 < n && ctxOf[s + 1] === c && unit!.code[pcs[s]!] === 0x56 && unit!.legacyEntries[pcs[s + 1]!] === 1;
      if (jump === 0 && !legacyIn) continue;
      if ((jump === JUMP_IN || legacyIn) && s + 1 < n && ctxOf[s + 1] === c) {
        const { fn, ast, helper } = this.functionAtPc(unit!, pcs[s + 1]!);
        const frame = frames[f]!;
        if (frame.external && !absorbed[c] && fn) {
          const selected = this.calledFunction(rec.contexts[c]!);
          if (selected && fn.node.name === selected.name && frame.name.endsWith(`.${selected.name}`)) {
            // The dispatcher entering the called function's body: same frame, now with its parameters.
            absorbed[c] = 1;
            frame.fn = fn; frame.ast = ast; frame.entryHeight = -1; frame.entryStep = s + 1;
            continue;
          }
        }
        frames.push({
          ctx: c, parent: f, depth: frame.depth + 1, callStep: s, entryStep: s + 1, entryHeight: -1, exitStep: Infinity, fn, ast,
          name: fn?.name ?? helper ?? `${unit!.name} (compiler code)`, external: false, generated: !fn,
        });
        f = frames.length - 1;
      } else if (jump === JUMP_OUT) {
        const frame = frames[f]!;
        if (!frame.external) f = frame.parent;
        else if (absorbed[c] && frame.exitStep === Infinity) frame.exitStep = s + 1;
      }
    }
  }

  frames(step: number): Frame[] {
    const out: Frame[] = [];
    if (step < 0 || step >= this.stepCount) return out;
    let f = this.frameOf[step]!;
    let at = step;
    while (f >= 0 && at >= 0) {
      const rec = this.frameRecords[f]!;
      const unit = this.unitAt(at);
      out.push({ name: rec.name, location: this.location(at), instructionRef: this.instructionRef(at), step: at, hint: unit.contract && !rec.generated ? 'normal' : 'subtle' });
      at = rec.callStep;
      f = rec.parent;
    }
    return out;
  }

  private frameAt(step: number, frameIndex: number): { rec: FrameRecord; at: number } | undefined {
    let f = this.frameOf[step]!;
    let at = step;
    for (let i = 0; f >= 0 && at >= 0; i++) {
      const rec = this.frameRecords[f]!;
      if (i === frameIndex) return { rec, at };
      at = rec.callStep;
      f = rec.parent;
    }
    return undefined;
  }

  // ---- state at a step ----

  stateAt(step: number): FrameState {
    const c = this.ctxOf[step]!;
    const cached = this.stateCache;
    if (cached && cached.ctx === c && cached.step === step) return cached.state;
    const state = rebuildState(this.rec, this.rec.contexts[c]!, step);
    this.stateCache = { ctx: c, step, state };
    return state;
  }

  /** Returndata buffer before `step`: the output of the last call the context made that had ended. */
  returnDataAt(step: number): Uint8Array {
    const c = this.ctxOf[step]!;
    if (!this.callees) {
      this.callees = this.rec.contexts.map(() => [] as CallContext[]);
      for (const ctx of this.rec.contexts) if (ctx.parent >= 0) this.callees[ctx.parent]!.push(ctx); // in call order
    }
    // The last callee whose call step is before `step` (binary search over call order).
    const list = this.callees[c]!;
    let lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.callStep < step) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const best = found >= 0 && list[found]!.endStep <= step ? list[found] : undefined;
    return best ? (best.isCreate && !best.error ? new Uint8Array(0) : best.returnData) : new Uint8Array(0);
  }

  private storageKey(transient: boolean, address: string, slot: bigint): string {
    return `${transient ? 't' : 's'}${address}:${slot.toString(16)}`;
  }

  private storageEntries(): Map<string, number[]> {
    if (!this.storageIndex) {
      const index = new Map<string, number[]>();
      const rec = this.rec;
      for (let i = 0; i < rec.storageStep.length; i++) {
        const kind = rec.storageKind.data[i]!;
        const ctx = this.rec.contexts[this.ctxOf[rec.storageStep.data[i]!]!]!;
        const key = this.storageKey(kind >= StorageKind.TLoad, ctx.address, rec.storageSlot[i]!);
        let list = index.get(key);
        if (!list) {
          index.set(key, (list = []));
          if (kind <= StorageKind.Store) {
            let slots = this.slotsByAddress.get(ctx.address);
            if (!slots) this.slotsByAddress.set(ctx.address, (slots = []));
            slots.push({ slot: rec.storageSlot[i]!, first: rec.storageStep.data[i]! });
          }
        }
        list.push(i);
      }
      this.storageIndex = index;
    }
    return this.storageIndex;
  }

  /** A storage word of `address` before `step`, with writes of reverted calls undone. */
  storageAt(address: string, slot: bigint, step: number, transient = false): bigint {
    const rec = this.rec;
    const list = this.storageEntries().get(this.storageKey(transient, address, slot));
    const initial = transient ? 0n : this.info.initialStorage(address, slot);
    if (!list) return initial;
    const steps = rec.storageStep.data, kinds = rec.storageKind.data;
    // The last access before the step (binary search), then back to the latest store not undone by a revert.
    let lo = 0, hi = list.length - 1, last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (steps[list[mid]!]! < step) { last = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for (let k = last; k >= 0; k--) {
      const i = list[k]!;
      const kind = kinds[i]!;
      if (kind !== StorageKind.Store && kind !== StorageKind.TStore) continue;
      if (this.revertedAt[this.ctxOf[steps[i]!]!]! <= step) continue;
      return rec.storageValue[i]!;
    }
    // No store in effect: the value before the first access.
    const first = list[0]!;
    const value = kinds[first] === StorageKind.Load || kinds[first] === StorageKind.TLoad ? rec.storageValue[first]! : rec.storagePrevious[first]!;
    return value;
  }

  /** The state at `step`; `popped`: stack words above the top still readable (see frameVariables). */
  private view(step: number, popped?: ReadonlyMap<number, bigint>): EvmStateView {
    const state = this.stateAt(step);
    const height = state.stack.length;
    const size = popped?.size ? Math.max(height, ...[...popped.keys()].map((i) => i + 1)) : height;
    const ctx = this.context(step);
    const preimages = this.rec.preimages, preimageSteps = this.rec.preimageSteps;
    return {
      stackSize: () => size,
      stackWord: (i) => (i < height ? state.stack[i]! : popped?.get(i) ?? 0n),
      memorySize: () => state.memory.length,
      memory: (offset, length) => {
        const out = new Uint8Array(length);
        if (offset < state.memory.length) out.set(state.memory.subarray(offset, Math.min(offset + length, state.memory.length)));
        return out;
      },
      calldata: () => ctx.calldata,
      storage: (address, slot) => this.storageAt(`0x${address.toString(16).padStart(40, '0')}`, slot, step),
      transientStorage: (address, slot) => this.storageAt(`0x${address.toString(16).padStart(40, '0')}`, slot, step, true),
      keccakPreimages: function* (): Iterable<KeccakPreimage> {
        // Only hashes computed before this step: stepping back must not reveal mapping keys hashed later.
        for (const [hash, preimage] of preimages) if (preimageSteps.get(hash)! < step) yield { hash, preimage };
      },
    };
  }

  private decodeContext(step: number, popped?: ReadonlyMap<number, bigint>): DecodeContext {
    return { view: this.view(step, popped), storageAddress: BigInt(this.context(step).address || '0x0') };
  }

  /**
   * Variables of the frame at `at`, with stack positions: parameters, then return variables and the locals
   * in scope at the current source offset (declared before it, in a block not yet finished). Nothing once
   * an external frame's body has returned to the dispatcher: the stack no longer holds them.
   */
  private frameVariables(rec: FrameRecord, at: number): { params: PlacedVariable[]; locals: PlacedVariable[]; popped: Map<number, bigint> } | undefined {
    if (this.units.units[this.codeOfCtx[rec.ctx]!]?.contract?.optimized) return this.optimizedVariables(rec, at);
    if (!rec.fn || !rec.ast || rec.entryStep > at || at >= rec.exitStep) return undefined;
    const layout = rec.ast.layoutOf(rec.fn.node);
    // The stack height after the jump into the body, measured once by rebuilding that step.
    if (rec.entryHeight < 0) rec.entryHeight = rebuildState(this.rec, this.rec.contexts[rec.ctx]!, rec.entryStep).stack.length;
    const base = rec.entryHeight - layout.paramSlots;
    const retBase = rec.entryHeight;
    const localBase = rec.entryHeight + layout.returnSlots + layout.modifierSlots;
    const unit = this.unitAt(at);
    const e = unit.entries?.[unit.indexByPc[this.pcs[at]!]!];
    const size = this.stateAt(at).stack.length;
    const fnFile = rec.fn.src.file;
    const offset = e && e.file === fnFile ? e.start : -1;
    // After the body began, code mapped to the function's header is its return path, which reorders the
    // stack for the jump back: no stack position means what it did.
    if (e && rec.ast.headerRanges.get(`${e.start}:${e.length}`) === rec.fn && at > this.bodyStep(rec)) return undefined;
    // A variable still in scope whose word a `return` already popped (the cleanup is part of the return
    // statement) is read where it was last on the stack (`popped`: index -> word); anything else off the
    // stack is not shown.
    const popped = new Map<number, bigint>();
    const stacks = new Map<number, readonly bigint[]>(); // one rebuild per earlier step
    const place = (v: StackVariable, index: number): PlacedVariable | undefined => {
      if (index + v.slots <= size) return { v, index };
      const step = this.lastStepHolding(at, index + v.slots, rec.entryStep);
      if (step === undefined) return undefined;
      let stack = stacks.get(step);
      if (!stack) stacks.set(step, (stack = rebuildState(this.rec, this.rec.contexts[rec.ctx]!, step).stack));
      for (let k = index; k < index + v.slots; k++) if (k >= size) popped.set(k, stack[k]!);
      return { v, index };
    };
    const locals: PlacedVariable[] = [];
    const add = (p: PlacedVariable | undefined): void => { if (p) locals.push(p); };
    for (const r of layout.returns) add(place(r, retBase + r.slot));
    for (const l of layout.locals) if (offset >= l.visibleFrom && offset < l.visibleTo) add(place(l, localBase + l.slot));
    // Inside an (inlined) modifier: its arguments and locals, placed after the return variables.
    for (const m of layout.modifiers) {
      if (!e || e.file !== m.src.file || e.start < m.src.start || e.start >= m.src.start + m.src.length) continue;
      const mBase = rec.entryHeight + layout.returnSlots + m.base;
      for (const v of m.variables) if (v.visibleFrom <= e.start && e.start < v.visibleTo) add(place(v, mBase + v.slot));
    }
    return { params: layout.params.map((p) => ({ v: p, index: base + p.slot })), locals, popped };
  }

  /**
   * Variables of a frame of optimized code: the same names as unoptimized code shows (parameters, return
   * variables, locals in scope at the current source offset, an inlined modifier's variables), none read
   * from the stack. An external call's parameters that the function never writes are read from calldata
   * for as long as the call runs; everything else is unavailable.
   */
  private optimizedVariables(rec: FrameRecord, at: number): { params: PlacedVariable[]; locals: PlacedVariable[]; popped: Map<number, bigint> } | undefined {
    const ctx = this.rec.contexts[rec.ctx]!;
    const called = rec.external ? this.calledDefinition(ctx) : undefined;
    // The optimizer may inline the body into the dispatcher: then no jump marks the call's function.
    const fn = rec.fn ?? called?.fn, ast = rec.ast ?? called?.ast;
    if (!fn || !ast) return undefined;
    const layout = ast.layoutOf(fn.node);
    const declarations = ((fn.node.parameters as { parameters?: AstNode[] } | undefined)?.parameters) ?? [];
    let fromCalldata = new Map<AstNode, Location>();
    if (called?.fn.node === fn.node) {
      const types = declarations.map((d) => this.registry.fromVariableDeclaration(d));
      const locations = argumentLocations(types.map((t) => t.type), ctx.calldata);
      const writes = writtenDeclarations(fn.node);
      fromCalldata = new Map(declarations.flatMap((d, i) => {
        const { type, dataLocation } = types[i]!;
        const readable = (dataLocation === 'calldata' || (isValueType(type) && type.kind !== 'function')) && !writes.has(d.id);
        return readable ? [[d, locations[i]!] as const] : [];
      }));
    }
    const params = layout.params.map((p): PlacedVariable => ({ v: p, location: fromCalldata.get(p.declaration) ?? UNAVAILABLE }));
    const unit = this.unitAt(at);
    const e = unit.entries?.[unit.indexByPc[this.pcs[at]!]!];
    const offset = e && e.file === fn.src.file ? e.start : -1;
    const locals: PlacedVariable[] = layout.returns.map((v) => ({ v, location: UNAVAILABLE }));
    for (const l of layout.locals) if (offset >= l.visibleFrom && offset < l.visibleTo) locals.push({ v: l, location: UNAVAILABLE });
    for (const m of layout.modifiers) {
      if (!e || e.file !== m.src.file || e.start < m.src.start || e.start >= m.src.start + m.src.length) continue;
      for (const v of m.variables) if (v.visibleFrom <= e.start && e.start < v.visibleTo) locals.push({ v, location: UNAVAILABLE });
    }
    return { params, locals, popped: new Map() };
  }

  /** The function definition (in the contract or a base) an external call's selector names, from the AST. */
  private calledDefinition(ctx: CallContext): { fn: FunctionInfo; ast: SourceAst } | undefined {
    const contract = this.units.units[ctx.codeId]?.contract;
    if (!contract || ctx.isCreate || ctx.calldata.length < 4) return undefined;
    const selector = bytesToHex(ctx.calldata.subarray(0, 4)).slice(2);
    const definition = this.info.project.sources.find((s) => s.unit === contract.sourceUnit)?.ast.nodes
      ?.find((n) => n.nodeType === 'ContractDefinition' && n.name === contract.name);
    const bases = (definition?.linearizedBaseContracts as number[] | undefined) ?? [];
    let best: { fn: FunctionInfo; ast: SourceAst; rank: number } | undefined;
    for (const info of this.table.info) {
      for (const fn of info.ast?.functions ?? []) {
        const rank = bases.indexOf(fn.node.scope as number);
        // Most derived first: an override shadows the function it overrides.
        if (rank >= 0 && fn.node.functionSelector === selector && (!best || rank < best.rank)) best = { fn, ast: info.ast!, rank };
      }
    }
    return best;
  }

  private bodyStep(rec: FrameRecord): number {
    if (rec.bodyStep === undefined) {
      rec.bodyStep = Infinity;
      for (let t = rec.entryStep; t < this.stepCount && this.depth(t) >= rec.depth; t++) {
        if (this.frameRecords[this.frameOf[t]!] === rec && this.lineId(t) >= 0) { rec.bodyStep = t; break; }
      }
    }
    return rec.bodyStep;
  }

  /**
   * The latest step before `at` (not before `from`, in the same call context) at which the stack held at
   * least `needed` words, found by undoing the stack effects of the instructions in between.
   */
  private lastStepHolding(at: number, needed: number, from: number, limit = 256): number | undefined {
    const c = this.ctxOf[at]!;
    let height = this.stateAt(at).stack.length;
    for (let t = at - 1, seen = 0; t >= from && seen < limit; t--) {
      const ct = this.ctxOf[t]!;
      if (ct !== c) { t = this.rec.contexts[ct]!.callStep + 1; continue; } // over a call the context made
      seen++;
      const op = OPCODES[this.unitAt(t).code[this.pcs[t]!]!];
      if (!op) return undefined;
      height += op.pops - op.pushes; // the height before step t
      if (height >= needed) return t;
    }
    return undefined;
  }

  /** A frame variable's type and where its value is (a stack position, calldata, or unavailable). */
  private placedValue(p: PlacedVariable): { type: SolType; location: Location } {
    const { type, dataLocation } = this.registry.fromVariableDeclaration(p.v.declaration);
    return { type, location: 'location' in p ? p.location : { kind: 'stack', index: p.index, pointsTo: dataLocation } };
  }

  private stackVariable(p: PlacedVariable, format: ValueFormat, ctx: DecodeContext): Variable {
    const { type, location } = this.placedValue(p);
    return decodeValue(p.v.name, type, location, ctx, format);
  }

  private stateVariables(step: number): StateVariable[] {
    const unit = this.unitAt(step);
    const layout = unit.contract?.storageLayout as SolcStorageLayout | undefined;
    const transient = unit.contract?.transientStorageLayout as SolcStorageLayout | undefined;
    if (!layout || !layout.storage) return [];
    try {
      // Transient variables after the persistent ones: both are state the user declared.
      return [
        ...stateVariablesFromLayout(layout, this.registry),
        ...(transient?.storage?.length ? stateVariablesFromLayout(transient, this.registry, true) : []),
      ];
    } catch {
      return [];
    }
  }

  /** solc before 0.5.13 gives no storage layout: say so rather than guess slots (raw slots are in Storage). */
  private stateUnavailable(): Scope {
    const version = this.info.project.compilerVersion;
    const value = `unavailable: ${version ? `solc ${version}` : 'this compiler'} gives no storage layout (solc 0.5.13 and later do); the Storage scope lists the raw slots`;
    return { name: 'State', expensive: false, children: listChildren([{ name: 'state variables', value, hint: 'unavailable' }]) };
  }

  scopes(step: number, frameIndex: number): Scope[] {
    const found = this.frameAt(step, frameIndex);
    if (!found) return [];
    const { rec, at } = found;
    const scopes: Scope[] = [];
    const ctx = this.rec.contexts[rec.ctx]!;
    const vars = this.frameVariables(rec, at);
    const decodeCtx = this.decodeContext(at, vars?.popped);
    if (vars) {
      const decoded = (list: readonly PlacedVariable[]): Children => formatted((format) => list.map((p) => this.stackVariable(p, format, decodeCtx)));
      scopes.push({ name: 'Parameters', kind: 'arguments', expensive: false, children: decoded(vars.params) });
      scopes.push({ name: 'Locals', kind: 'locals', expensive: false, children: decoded(vars.locals) });
    }
    const stateVars = this.stateVariables(at);
    if (stateVars.length > 0) scopes.push({ name: 'State', expensive: false, children: decodeStateVariables(stateVars, decodeCtx) });
    else if (this.unitAt(at).contract && !this.unitAt(at).contract!.storageLayout) scopes.push(this.stateUnavailable());
    scopes.push(...this.rawScopes(at, ctx));
    return scopes;
  }

  private rawScopes(at: number, ctx: CallContext): Scope[] {
    const state = this.stateAt(at);
    const stack = state.stack;
    const stackVars = (): Variable[] => stack.map((_, i) => {
      const v = stack[stack.length - 1 - i]!;
      return { name: `[${i}]`, value: word(v), type: 'uint256' };
    });
    const rows = (data: Uint8Array, ref?: (o: number) => string, start = 0): Variable[] => {
      const out: Variable[] = [];
      for (let o = start; o < data.length; o += 32) {
        const chunk = data.subarray(o, Math.min(o + 32, data.length));
        out.push({ name: `0x${o.toString(16).padStart(4, '0')}`, value: bytesToHex(chunk), memoryReference: ref?.(o) });
      }
      return out;
    };
    const calldata = ctx.calldata;
    const calldataVars = (): Variable[] => calldata.length >= 4
      ? [{ name: 'selector', value: bytesToHex(calldata.subarray(0, 4)) }, ...rows(calldata.subarray(4)).map((v, i) => ({ ...v, name: `0x${(4 + i * 32).toString(16).padStart(4, '0')}` }))]
      : rows(calldata);
    const storageVars = (): Variable[] => (this.slotsByAddress.get(ctx.address) ?? [])
      .filter((x) => x.first < at)
      .map(({ slot }) => ({ name: word(slot), value: word(this.storageAt(ctx.address, slot, at)) }));
    const gas = this.gasLeft(at);
    const evm = (): Variable[] => [
      { name: 'pc', value: String(this.pcs[at]) },
      { name: 'opcode', value: instructionText(this.unitAt(at).code, this.pcs[at]!) },
      { name: 'gas left', value: String(gas) },
      { name: 'gas used', value: String(ctx.gasLimit - BigInt(gas)) },
      { name: 'depth', value: String(ctx.depth) },
      { name: 'address', value: ctx.address },
      ...(ctx.codeAddress && ctx.codeAddress !== ctx.address ? [{ name: 'code address', value: ctx.codeAddress }] : []),
      { name: 'caller', value: ctx.caller },
      { name: 'value', value: String(ctx.value) },
      { name: 'call kind', value: ctx.kind },
    ];
    return [
      { name: 'Stack', kind: 'registers', expensive: false, children: lazy(stackVars) },
      { name: 'Memory', expensive: true, children: lazy(() => rows(state.memory, (o) => memoryReference(o))) },
      { name: 'Calldata', expensive: true, children: lazy(calldataVars) },
      { name: 'Returndata', expensive: true, children: lazy(() => rows(this.returnDataAt(at))) },
      { name: 'Storage', expensive: true, children: lazy(storageVars) },
      { name: 'EVM', kind: 'registers', expensive: false, children: lazy(evm) },
    ];
  }

  // ---- disassembly ----

  disassemble(ref: string, instructionOffset: number, count: number): Instruction[] {
    const parsed = this.parseInstructionRef(ref);
    if (!parsed) return [];
    const unit = this.units.units[parsed.codeId]!;
    const base = unit.indexByPc[Math.min(parsed.pc, unit.code.length)]!;
    const out: Instruction[] = [];
    for (let i = base + instructionOffset; i < base + instructionOffset + count; i++) {
      if (i < 0 || i >= unit.instructions.length) continue;
      const pc = unit.instructions[i]!;
      const size = 1 + OPCODES[unit.code[pc]!]!.immediate;
      out.push({
        ref: `${unit.id}:${pc}`, pc, text: instructionText(unit.code, pc),
        bytes: bytesToHex(unit.code.subarray(pc, pc + size)).slice(2), symbol: unit.name, location: this.units.location(unit, pc),
      });
    }
    return out;
  }

  // ---- outcome, exceptions, output ----

  private allAbis(): (readonly AbiItem[])[] {
    return this.info.project.contracts.map((c) => c.abi);
  }

  private buildOutcome(): Outcome {
    const top = this.rec.contexts[0];
    if (!top) return { success: true, summary: 'nothing ran' };
    const gasUsed = top.gasUsed;
    if (top.error === undefined) {
      const outputs = this.info.fn?.outputs ?? [];
      return { success: true, summary: `returned ${formatReturn(outputs, top.returnData)}`, gasUsed };
    }
    return { success: false, summary: this.failure(top).text, gasUsed, details: top.returnData.length ? [`revert data: ${bytesToHex(top.returnData)}`] : undefined };
  }

  /** Kind and text of a failed context, revert reasons decoded by decode/ against every compiled ABI. */
  private failure(ctx: CallContext): { kind: ExceptionKind; summary: string; text: string } {
    if (ctx.error === 'revert') {
      const reason = decodeRevert(ctx.returnData, this.allAbis());
      const kind: ExceptionKind = reason.kind === 'panic' ? 'panic' : 'revert';
      return { kind, summary: reason.summary, text: reason.kind === 'empty' ? reason.summary : `reverted: ${reason.summary}` };
    }
    if (ctx.error === 'out of gas' || ctx.error === 'code store out of gas') return { kind: 'outOfGas', summary: ctx.error, text: ctx.error };
    return { kind: 'invalid', summary: ctx.error ?? 'failed', text: `failed: ${ctx.error}` };
  }

  /**
   * One event per failed call context, at its failing instruction (REVERT, or the instruction that ran out
   * of gas or was invalid), so a revert bubbling up through several calls stops in each frame in turn.
   * `caught`: a caller handled it (try/catch, low-level call) instead of passing the same data up.
   */
  private buildExceptions(): void {
    const contexts = this.rec.contexts;
    const failedCallees = new Map<number, CallContext[]>();
    for (const c of contexts) if (c.error !== undefined && c.parent >= 0) failedCallees.set(c.parent, [...(failedCallees.get(c.parent) ?? []), c]);
    for (const ctx of contexts) {
      if (ctx.error === undefined || ctx.firstStep < 0) continue;
      const { kind, summary } = this.failure(ctx);
      // Uncaught while each caller fails with the same data (passes it up); caught at the first caller that
      // did not (it returned normally, or handled the failure and then failed for its own reason).
      let caught = false;
      for (let c = ctx; c.parent >= 0; c = contexts[c.parent]!) {
        const parent = contexts[c.parent]!;
        if (parent.error === undefined || !equalBytes(parent.returnData, c.returnData)) { caught = true; break; }
      }
      let step = ctx.endStep - 1;
      while (step > ctx.firstStep && this.ctxOf[step] !== ctx.id) step--;
      // Re-raised: the revert data of the last call this context made that failed, passed up unchanged.
      let from: CallContext | undefined;
      for (const callee of failedCallees.get(ctx.id) ?? []) if (callee.endStep <= step) from = callee; // in call order
      const passedUp = ctx.error === 'revert' && from?.error === 'revert' && equalBytes(from.returnData, ctx.returnData);
      this.exceptions.push({
        step, kind, caught, summary,
        details: `in ${this.externalName(ctx)} at ${ctx.address}${passedUp ? `; passed up from ${this.externalName(from!)}` : ''}${caught ? '; caught by a caller' : ''}${ctx.returnData.length ? `; data ${bytesToHex(ctx.returnData)}` : ''}`,
      });
    }
    this.exceptions.sort((a, b) => a.step - b.step);
  }

  private buildOutput(): void {
    const abis = this.allAbis();
    for (const log of this.rec.logs) {
      if (this.revertedAt[this.ctxOf[log.step]!]! < Infinity) continue;
      let text = `log from ${log.address}: topics [${log.topics.map(word).join(', ')}] data ${bytesToHex(log.data)}`;
      for (const abi of abis) {
        try {
          const decoded = decodeEventLog({ abi: abi as Abi, topics: log.topics.map(word) as [`0x${string}`], data: bytesToHex(log.data) as `0x${string}` });
          const args = decoded.args as unknown;
          const rendered = Array.isArray(args) ? args.map(formatValue).join(', ')
            : args && typeof args === 'object' ? Object.entries(args).map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ') : '';
          text = `emit ${decoded.eventName}(${rendered})`;
          break;
        } catch {
          // not this ABI
        }
      }
      this.output.push({ step: log.step, text });
    }
  }

  // ---- evaluate, data breakpoints, memory ----

  /** Names visible in a frame at a step, and the decode context to read them with. */
  private environment(step: number, frameIndex: number): EvalEnvironment & { decodeCtx: DecodeContext } {
    const found = this.frameAt(step, frameIndex);
    const names = new Map<string, { v: StackVariable | StateVariable; placed?: PlacedVariable }>();
    const at = found?.at ?? step;
    for (const s of this.stateVariables(at)) names.set(s.name, { v: s });
    const vars = found ? this.frameVariables(found.rec, found.at) : undefined;
    for (const p of [...(vars?.params ?? []), ...(vars?.locals ?? [])]) names.set(p.v.name, { v: p.v, placed: p });
    const ctx = this.context(at);
    return {
      decodeCtx: this.decodeContext(at, vars?.popped),
      lookup: (name) => {
        const entry = names.get(name);
        if (!entry) return undefined;
        if (entry.placed) return this.placedValue(entry.placed);
        const s = entry.v as StateVariable;
        return { type: s.type, location: { kind: 'storage', slot: s.slot, byteOffset: s.byteOffset, transient: s.transient } };
      },
      global: (name) => {
        switch (name) {
          case 'msg.sender': return BigInt(ctx.caller || '0x0');
          case 'msg.value': return ctx.value;
          case 'msg.sig': return ctx.calldata.length >= 4 ? BigInt(bytesToHex(ctx.calldata.subarray(0, 4))) : 0n;
          case 'this': return BigInt(ctx.address || '0x0');
          case 'tx.origin': return BigInt(this.rec.contexts[0]?.caller || '0x0');
          case 'tx.gasprice': return BLOCK.gasPrice;
          case 'block.number': return BLOCK.number;
          case 'block.timestamp': return BLOCK.timestamp;
          case 'block.chainid': return BLOCK.chainId;
          case 'block.coinbase': return BigInt(BLOCK.coinbase);
          case 'block.gaslimit': return BLOCK.gasLimit;
          default: return undefined;
        }
      },
      typeByName: (name) => this.registry.byName(name),
    };
  }

  evaluate(step: number, frameIndex: number, expression: string, format: ValueFormat): Variable {
    const env = this.environment(step, frameIndex);
    const ctx = env.decodeCtx;
    try {
      return evaluateExpression(expression, env, ctx, format);
    } catch (e) {
      if (e instanceof EvaluationError) throw e;
      // The evaluator is not available: plain identifiers still work.
      const name = expression.trim();
      const value = env.lookup(name);
      if (!value) throw new EvaluationError(`unknown identifier "${name}"`);
      return decodeValue(name, value.type, value.location, ctx, format);
    }
  }

  /**
   * Storage value types can be watched: a state variable, or a member / element / mapping entry of one
   * (`container` is the parent's evaluateName). The whole slot is watched, so a packed neighbour's writes
   * also trigger.
   */
  dataTarget(step: number, frameIndex: number, name: string, container?: string): DataTarget | undefined {
    const expression = container === undefined ? name : name.startsWith('[') ? `${container}${name}` : `${container}.${name}`;
    const at = this.frameAt(step, frameIndex)?.at ?? step;
    const env = this.environment(step, frameIndex);
    let value;
    try {
      value = evaluateToValue(expression, env, env.decodeCtx);
    } catch {
      return undefined;
    }
    const location = value.location;
    if (location.kind !== 'storage' || location.transient || !isValueType(value.type)) return undefined;
    const address = this.context(at).address;
    return {
      dataId: `storage:${address}:${location.slot.toString(16)}`,
      description: `${expression} (storage slot ${hex(location.slot)} of ${short(address)})`,
    };
  }

  writeSteps(dataId: string): readonly number[] {
    const m = /^storage:(0x[0-9a-f]+):([0-9a-f]+)$/.exec(dataId);
    if (!m) return [];
    const list = this.storageEntries().get(this.storageKey(false, m[1]!, BigInt(`0x${m[2]}`))) ?? [];
    return list.filter((i) => this.rec.storageKind.data[i] === StorageKind.Store).map((i) => this.rec.storageStep.data[i]!);
  }

  readMemory(step: number, memoryRef: string, offset: number, count: number): Uint8Array {
    const base = parseMemoryReference(memoryRef);
    if (base === undefined || step < 0 || step >= this.stepCount) return new Uint8Array(0);
    const memory = this.stateAt(step).memory;
    const start = base + offset;
    if (start < 0 || start >= memory.length) return new Uint8Array(0);
    return memory.slice(start, Math.min(memory.length, start + count));
  }

  /** Forgets the cached state of the last rebuilt step (the benchmark measures rebuilds from scratch). */
  dropCaches(): void {
    this.stateCache = undefined;
  }

  /** Retained bytes of the recording (for the benchmark). */
  retainedBytes(): number {
    return this.rec.retainedBytes() + this.frameOf.byteLength + this.frameRecords.length * 120;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A variable with its stack position, or (optimized builds) where else its value is known to be. */
type PlacedVariable =
  | { readonly v: StackVariable; readonly index: number }
  | { readonly v: StackVariable; readonly location: Location };

/** Children decoded for the requested number format (`format.hex`), once per format. */
function formatted(make: (format: ValueFormat) => Variable[]): Children {
  const cache = new Map<boolean, Variable[]>();
  const get = (format: ValueFormat): Variable[] => {
    let vars = cache.get(format.hex);
    if (!vars) cache.set(format.hex, (vars = make(format)));
    return vars;
  };
  return {
    get named() { return get({ hex: false }).length; },
    indexed: 0,
    get: (kind, start, count, format) => (kind === 'indexed' ? [] : get(format).slice(start, start + count)),
  };
}

function lazy(make: () => Variable[]): Children {
  let vars: Variable[] | undefined;
  const get = (): Variable[] => (vars ??= make());
  return {
    get named() { return get().length; },
    indexed: 0,
    get: (kind, start, count) => (kind === 'indexed' ? [] : get().slice(start, start + count)),
  };
}

export { hex, parseSrc };
